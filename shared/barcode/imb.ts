/**
 * USPS Intelligent Mail barcode (USPS-B-3200): encode a payload to its 65 bars, decode bars
 * (either way up) back to the payload, and parse the numeric form scanners may send instead.
 * The return envelope's IMb (mailer ID + serial) is how tracking services name a ballot.
 */
import { err, ok, type Result } from '../result.js';
import { barsToCodewords, codewordsToBars, DecodeStage, turnBars, type StagedError } from './imb-bars.js';
import { binaryToCodewords, binaryToPayload, codewordsToBinary, crc11, payloadToBinary } from './imb-math.js';
import { BAR_COUNT } from './imb-tables.js';
import { checkRouting, splitTracking, toDecoded, type ImbDecoded } from './imb-fields.js';
import { describeChar } from './text.js';

export type { ImbDecoded, ImbFields } from './imb-fields.js';
export { splitTracking } from './imb-fields.js';

/** The 65-letter bar string (F, A, D, T) of a tracking code and an optional routing code. */
export function encodeImb(tracking: string, routing = ''): Result<string> {
  const fields = splitTracking(tracking);
  if (!fields.ok) return fields;
  const checked = checkRouting(routing);
  if (!checked.ok) return checked;
  const binary = payloadToBinary(tracking, routing);
  return ok(codewordsToBars(binaryToCodewords(binary), crc11(binary)));
}

/** True for 65 letters of F, A, D, T in either case: the shape of a scanned IMb bar string. */
export function isImbBarString(text: string): boolean {
  return text.length === BAR_COUNT && /^[FADT]+$/i.test(text);
}

/** Decodes a bar string, upright or upside down; every failure says what is wrong. */
export function decodeImbBars(bars: string): Result<ImbDecoded> {
  const letters = [...bars];
  if (letters.length !== BAR_COUNT)
    return err(`IMb bar string must be ${BAR_COUNT} bars, got ${letters.length}`);
  const bad = letters.findIndex((letter) => !/^[FADT]$/i.test(letter));
  const badLetter = letters[bad];
  if (badLetter !== undefined)
    return err(
      `IMb bar string may only hold F, A, D and T; found ${describeChar(badLetter)} at bar ${bad + 1}`,
    );
  const upright = bars.toUpperCase();
  const first = readOriented(upright);
  if (first.ok) return toDecoded(first.value, false);
  const second = readOriented(turnBars(upright));
  if (second.ok) return toDecoded(second.value, true);
  // Neither way up reads: report the orientation that got further, as the likelier truth.
  return err(
    second.error.stage > first.error.stage ? `${second.error.error} (read upside down)` : first.error.error,
  );
}

function readOriented(bars: string): Result<{ tracking: string; routing: string }, StagedError> {
  const reading = barsToCodewords(bars);
  if (!reading.ok) return reading;
  const binary = codewordsToBinary(reading.value.codewords);
  const computed = crc11(binary);
  if (computed !== reading.value.fcs) {
    const error = `IMb CRC mismatch: the bars carry ${hex11(reading.value.fcs)}, the data gives ${hex11(computed)}`;
    return err({ stage: DecodeStage.Crc, error });
  }
  const payload = binaryToPayload(binary);
  return payload.ok ? payload : err({ stage: DecodeStage.Value, error: payload.error });
}

function hex11(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(3, '0')}`;
}

export { decodeImbParts, looksLikeImbDigits, parseImbDigits } from './imb-digits.js';
