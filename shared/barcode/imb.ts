/**
 * USPS Intelligent Mail barcode (USPS-B-3200): encode a payload to its 65 bars, decode bars
 * (either way up) back to the payload, and parse the numeric form scanners may send instead.
 * The return envelope's IMb (mailer ID + serial) is how tracking services name a ballot.
 */
import { err, ok, type Result } from '../result.js';
import { barsToCodewords, codewordsToBars, DecodeStage, turnBars, type StagedError } from './imb-bars.js';
import { binaryToCodewords, binaryToPayload, codewordsToBinary, crc11, payloadToBinary } from './imb-math.js';
import { BAR_COUNT } from './imb-tables.js';
import { describeChar } from './text.js';

export interface ImbFields {
  tracking: string;
  routing: string;
  barcodeId: string;
  serviceType: string;
  mailerId: string;
  serial: string;
}

export interface ImbDecoded extends ImbFields {
  upsideDown: boolean;
}

const TRACKING_LENGTH = 20;
const ROUTING_LENGTHS: readonly number[] = [0, 5, 9, 11];
const DIGIT_FORM_LENGTHS = ROUTING_LENGTHS.map((length) => TRACKING_LENGTH + length);

/**
 * The tracking code's fields. The mailer ID is 6 digits unless it starts with 9, in which
 * case it is 9 digits and the serial shrinks to 6, keeping mailer ID + serial at 15.
 */
export function splitTracking(tracking: string): Result<Omit<ImbFields, 'routing' | 'tracking'>> {
  if (tracking.length !== TRACKING_LENGTH)
    return err(`IMb tracking code must be ${TRACKING_LENGTH} digits, got ${tracking.length}`);
  if (!/^\d+$/.test(tracking)) return err('IMb tracking code must contain only digits');
  const barcodeId = tracking.slice(0, 2);
  if (barcodeId.charAt(1) > '4')
    return err(`IMb barcode ID ${barcodeId} is invalid: its second digit must be 0-4`);
  const mailerLength = tracking.charAt(5) === '9' ? 9 : 6;
  return ok({
    barcodeId,
    serviceType: tracking.slice(2, 5),
    mailerId: tracking.slice(5, 5 + mailerLength),
    serial: tracking.slice(5 + mailerLength),
  });
}

function checkRouting(routing: string): Result<string> {
  if (!ROUTING_LENGTHS.includes(routing.length))
    return err(`IMb routing code must be 0, 5, 9 or 11 digits, got ${routing.length}`);
  if (!/^\d*$/.test(routing)) return err('IMb routing code must contain only digits');
  return ok(routing);
}

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

function toDecoded(payload: { tracking: string; routing: string }, upsideDown: boolean): Result<ImbDecoded> {
  const fields = splitTracking(payload.tracking);
  if (!fields.ok) return fields;
  const { barcodeId, serviceType, mailerId, serial } = fields.value;
  return ok({
    tracking: payload.tracking,
    routing: payload.routing,
    barcodeId,
    serviceType,
    mailerId,
    serial,
    upsideDown,
  });
}

/**
 * The numeric form: 20 tracking digits, then 0, 5, 9 or 11 routing digits, with spaces or
 * dashes allowed between groups. It has no CRC, so only the structure can be checked.
 */
export function parseImbDigits(digits: string): Result<ImbDecoded> {
  const trimmed = digits.trim();
  if (!/^\d+(?:[ -]+\d+)*$/.test(trimmed))
    return err('IMb digits may only hold digits, with spaces or dashes between groups');
  const compact = trimmed.replace(/[ -]+/g, '');
  if (!DIGIT_FORM_LENGTHS.includes(compact.length))
    return err(
      `IMb digits must number ${DIGIT_FORM_LENGTHS.join(', ').replace(/, (\d+)$/, ' or $1')}, got ${compact.length}`,
    );
  return toDecoded(
    { tracking: compact.slice(0, TRACKING_LENGTH), routing: compact.slice(TRACKING_LENGTH) },
    false,
  );
}
