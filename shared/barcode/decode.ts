/**
 * One entry point for whatever a scanner (or a clerk's keyboard) sends: an IMb as bars or
 * digits, or the office's own label. Used by the intake pipeline, the CLI and the UI, so
 * all three agree on what a scan means.
 */
import { err, ok, throwIllegalValue, type Result } from '../result.js';
import { parseAim } from './aim.js';
import { decodeImbBars, isImbBarString, looksLikeImbDigits, parseImbDigits, type ImbDecoded } from './imb.js';
import { checkLabel, type LabelCarries, type LabelRule } from './label.js';
import { describeChar, findNonPrintable } from './text.js';

export type DecodedScan =
  | ({ kind: 'imb' } & ImbDecoded)
  | { kind: 'label'; id: string; symbology: string | null; carries: LabelCarries };

/**
 * Order: strip the AIM prefix and CR/LF/Tab suffix (and stray spaces); refuse empty or
 * non-printable text; 65 bar letters are IMb bars; text the office rule accepts is its
 * label; 20 to 31 digits (spaces, dashes) are an IMb, or refused with why they are not; bar
 * letters of another count are a partial IMb read; then the rule's error, or, with no rule,
 * the generic label check.
 *
 * Never throws: intake records every scan, so a decoder bug must become an UNREADABLE
 * scan with a reason rather than an exception that loses the scan.
 */
export function decodeScan(raw: string, rule: LabelRule | null): Result<DecodedScan> {
  try {
    return decodeScanText(raw, rule);
  } catch (e) {
    return err(`internal decoder error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function decodeScanText(raw: string, rule: LabelRule | null): Result<DecodedScan> {
  const { symbology, data } = parseAim(raw);
  // Keyed-in text may carry stray spaces; no ID meaningfully starts or ends with one.
  const text = data.replace(/^ +| +$/g, '');
  if (text === '') return err('empty scan');
  const bad = findNonPrintable(text);
  if (bad !== null)
    return err(`non-printable character ${describeChar(bad.char)} at position ${bad.index + 1}`);
  if (isImbBarString(text)) return imb(decodeImbBars(text));
  const label = rule === null ? null : checkLabel(text, symbology, rule);
  if (label?.ok) return ok({ kind: 'label', id: label.value.id, symbology, carries: label.value.carries });
  // 20–31 digits are meant as an IMb: one that breaks the IMb's rules is refused with the
  // reason, never taken as an office label (the digit form has no CRC to catch a misread).
  if (looksLikeImbDigits(text)) {
    const digits = parseImbDigits(text);
    if (digits.ok || label === null || label.ok) return imb(digits);
    return err(`not an IMb (${digits.error}), and not the office's label either (${label.error})`);
  }
  // Only bar letters but not 65 of them: a partial IMb read (rescan), not a ballot ID.
  if (/^[FADT]+$/i.test(text)) return imb(decodeImbBars(text));
  if (label !== null && !label.ok) return label;
  const generic = checkLabel(text, symbology, null);
  return generic.ok
    ? ok({ kind: 'label', id: generic.value.id, symbology, carries: generic.value.carries })
    : generic;
}

function imb(decoded: Result<ImbDecoded>): Result<DecodedScan> {
  return decoded.ok ? ok({ kind: 'imb', ...decoded.value }) : decoded;
}

/** The JSON the CLI prints and the UI shows, with a fixed key order. */
export function decodeResultJson(r: Result<DecodedScan>): Record<string, unknown> {
  if (!r.ok) return { ok: false, error: r.error };
  const v = r.value;
  switch (v.kind) {
    case 'imb':
      return {
        ok: true,
        kind: 'imb',
        tracking: v.tracking,
        routing: v.routing,
        barcodeId: v.barcodeId,
        serviceType: v.serviceType,
        mailerId: v.mailerId,
        serial: v.serial,
        upsideDown: v.upsideDown,
      };
    case 'label':
      return { ok: true, kind: 'label', id: v.id, symbology: v.symbology, carries: v.carries };
    default:
      return throwIllegalValue(v, 'decoded scan');
  }
}
