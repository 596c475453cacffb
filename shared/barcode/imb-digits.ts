/**
 * The IMb's numeric form, as scanners send it: 20 tracking digits, then a routing code of 0, 5,
 * 9 or 11 digits (USPS-B-3200, its data fields: barcode ID 2 digits, its second 0–4; service type 3; mailer ID
 * 6 or 9; serial 9 or 6; routing 0/5/9/11). Unlike the bars it has no CRC, so its structure is
 * all there is to check, and a string that breaks it is refused with the reason: never an IMb
 * of someone else, and never quietly an office label (decode.ts).
 * Groups may be split by spaces or a single dash, but only where the IMb's fields meet.
 */
import { err, type Result } from '../result.js';
import {
  checkRouting,
  ROUTING_LENGTHS,
  splitTracking,
  toDecoded,
  TRACKING_LENGTH,
  type ImbDecoded,
} from './imb-fields.js';

const DIGIT_FORM_LENGTHS = ROUTING_LENGTHS.map((length) => TRACKING_LENGTH + length);
const MAX_DIGITS = Math.max(...DIGIT_FORM_LENGTHS);

/** Digits (20 to 31 of them) with nothing but spaces and dashes: a scan meant as an IMb. */
export function looksLikeImbDigits(text: string): boolean {
  if (!/^[\d -]+$/.test(text)) return false;
  const count = text.replace(/[ -]/g, '').length;
  return count >= TRACKING_LENGTH && count <= MAX_DIGITS;
}

/** The numeric form in one string, as a scanner (or a clerk keying it in) sends it. */
export function parseImbDigits(digits: string): Result<ImbDecoded> {
  const trimmed = digits.trim();
  if (trimmed === '') return err('the IMb is empty');
  if (/(^|[ -])-/.test(trimmed) || /-$/.test(trimmed))
    return err('IMb digits hold no minus sign: only a space or a single dash may stand between groups');
  if (!/^\d+(?:(?: +|-)\d+)*$/.test(trimmed))
    return err('IMb digits may only hold digits, with a space or a dash between groups');
  const groups = trimmed.split(/ +|-/);
  const compact = groups.join('');
  const lengthError = checkLength(compact.length);
  if (lengthError !== null) return err(lengthError);
  const fields = splitTracking(compact.slice(0, TRACKING_LENGTH));
  if (!fields.ok) return fields;
  const breakError = checkBreaks(groups, fields.value.mailerId.length, compact.length);
  if (breakError !== null) return err(breakError);
  return toDecoded(
    { tracking: compact.slice(0, TRACKING_LENGTH), routing: compact.slice(TRACKING_LENGTH) },
    false,
  );
}

function checkLength(count: number): string | null {
  if (DIGIT_FORM_LENGTHS.includes(count)) return null;
  if (count > TRACKING_LENGTH && count < MAX_DIGITS)
    return `the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got ${count - TRACKING_LENGTH}`;
  return `IMb digits must number ${DIGIT_FORM_LENGTHS.join(', ').replace(/, (\d+)$/, ' or $1')}, got ${count}`;
}

/** Breaks between groups must fall where fields meet, and one must split tracking from routing. */
function checkBreaks(groups: string[], mailerLength: number, count: number): string | null {
  if (groups.length === 1) return null;
  const allowed = [2, 5, 5 + mailerLength, TRACKING_LENGTH, TRACKING_LENGTH + 5, TRACKING_LENGTH + 9];
  let at = 0;
  const breaks: number[] = [];
  for (const g of groups.slice(0, -1)) breaks.push((at += g.length));
  const wrong = breaks.find((b) => !allowed.includes(b));
  if (wrong !== undefined)
    return `the IMb digit groups do not fall on its fields: a break after digit ${wrong} (breaks may only come after digits ${allowed.filter((a) => a < count).join(', ')})`;
  if (count > TRACKING_LENGTH && !breaks.includes(TRACKING_LENGTH))
    return 'the IMb digit groups do not split the 20-digit tracking code from the routing code';
  return null;
}

/**
 * Tracking code and routing code given apart (as in `intake decode TRACKING ROUTING` and the
 * USPS encoder's test cases): each is checked on its own, so an empty tracking code or a
 * routing code with a sign is named as such.
 */
export function decodeImbParts(tracking: string, routing: string): Result<ImbDecoded> {
  if (tracking.trim() === '') return err('the IMb tracking code is empty');
  if (routing.trim().startsWith('-'))
    return err(`the IMb routing code may only hold digits: "${routing.trim()}" starts with a minus sign`);
  const fields = splitTracking(tracking.trim());
  if (!fields.ok) return fields;
  const checked = checkRouting(routing.trim());
  if (!checked.ok) return checked;
  return toDecoded({ tracking: tracking.trim(), routing: checked.value }, false);
}
