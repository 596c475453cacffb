/**
 * Check-digit schemes an office's envelope label may use. Each computes the character that
 * is appended to a body; verifying recomputes it from all but the last character.
 */
import { err, ok, throwIllegalValue, type Result } from '../result.js';
import { describeChar } from './text.js';

export const CHECK_DIGIT_SCHEMES = ['mod10', 'mod11', 'luhn', 'mod43'] as const;
export type CheckDigitScheme = (typeof CHECK_DIGIT_SCHEMES)[number];

/** Code 39's 43 characters in value order: the mod 43 check character is this string's index. */
export const CODE39_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';

function digitValues(body: string, scheme: CheckDigitScheme): Result<number[]> {
  if (body.length === 0) return err(`${scheme} check digit needs at least one character`);
  const values: number[] = [];
  for (const char of body) {
    if (char < '0' || char > '9')
      return err(`${scheme} check digit applies to digits only, found ${describeChar(char)}`);
    values.push(char.charCodeAt(0) - 48);
  }
  return ok(values);
}

/**
 * GS1 / UPC / EAN: weights 3 and 1 alternate from the rightmost body digit (which weighs 3),
 * and the check digit brings the weighted sum up to a multiple of 10.
 */
function mod10(values: number[]): string {
  const sum = values.reduceRight(
    (total, value, index) => total + value * ((values.length - 1 - index) % 2 === 0 ? 3 : 1),
    0,
  );
  return String((10 - (sum % 10)) % 10);
}

/**
 * Weights 2, 3, 4, 5, 6, 7, then 2 again, from the rightmost body digit. The check value is
 * (11 − sum mod 11) mod 11, i.e. what makes the sum plus the check a multiple of 11. A check
 * value of 10 (a remainder of 1) is written 'X', as ISBN-10 does; a remainder of 0 gives '0'.
 */
function mod11(values: number[]): string {
  const sum = values.reduceRight(
    (total, value, index) => total + value * (((values.length - 1 - index) % 6) + 2),
    0,
  );
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** Luhn (ISO/IEC 7812): double every second digit from the rightmost body digit, digit-sum, mod 10. */
function luhn(values: number[]): string {
  const sum = values.reduceRight((total, value, index) => {
    if ((values.length - 1 - index) % 2 !== 0) return total + value;
    const doubled = value * 2;
    return total + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  return String((10 - (sum % 10)) % 10);
}

/** Code 39's optional check character: the sum of the characters' values, mod 43. */
function mod43(body: string): Result<string> {
  if (body.length === 0) return err('mod43 check character needs at least one character');
  let sum = 0;
  for (const char of body) {
    const value = CODE39_CHARSET.indexOf(char);
    if (value < 0)
      return err(`mod43 check character applies to Code 39 characters only, found ${describeChar(char)}`);
    sum += value;
  }
  return ok(CODE39_CHARSET.charAt(sum % 43));
}

export function computeCheckDigit(scheme: CheckDigitScheme, body: string): Result<string> {
  switch (scheme) {
    case 'mod10':
      return withDigits(scheme, body, mod10);
    case 'mod11':
      return withDigits(scheme, body, mod11);
    case 'luhn':
      return withDigits(scheme, body, luhn);
    case 'mod43':
      return mod43(body);
    default:
      return throwIllegalValue(scheme, 'check digit scheme');
  }
}

function withDigits(
  scheme: CheckDigitScheme,
  body: string,
  compute: (values: number[]) => string,
): Result<string> {
  const values = digitValues(body, scheme);
  return values.ok ? ok(compute(values.value)) : values;
}

/** Splits off the last character (code point) as the check digit. */
export function splitCheckDigit(full: string): { body: string; check: string } {
  const chars = [...full];
  const check = chars.pop() ?? '';
  return { body: chars.join(''), check };
}

/** True when the last character of `full` is the check digit of the rest under `scheme`. */
export function verifyCheckDigit(scheme: CheckDigitScheme, full: string): boolean {
  const { body, check } = splitCheckDigit(full);
  const computed = computeCheckDigit(scheme, body);
  return computed.ok && computed.value === check;
}
