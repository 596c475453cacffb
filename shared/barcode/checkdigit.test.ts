import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECK_DIGIT_SCHEMES,
  CODE39_CHARSET,
  computeCheckDigit,
  verifyCheckDigit,
  type CheckDigitScheme,
} from './checkdigit.js';

describe('known check-digit vectors', () => {
  it.each<[CheckDigitScheme, string, string, string]>([
    // Luhn: the classic example of ISO/IEC 7812 descriptions.
    ['luhn', '7992739871', '3', 'Luhn 79927398713'],
    // GS1: EAN-13 4006381333931 and UPC-A 036000291452.
    ['mod10', '400638133393', '1', 'GS1 EAN-13'],
    ['mod10', '03600029145', '2', 'GS1 UPC-A'],
    // Code 39 mod 43: Worth Data's manual, 123XYZ → M (1+2+3+33+34+35 = 108, 108 mod 43 = 22).
    ['mod43', '123XYZ', 'M', 'Code 39'],
    // Mod 11, weights 2..7 from the right, worked by hand:
    // 7·2+6·3+5·4+4·5+3·6+2·7+1·2 = 106; 106 mod 11 = 7; 11 − 7 = 4.
    ['mod11', '1234567', '4', 'mod 11'],
    // 6·2+5·3+4·4+3·5+2·6+1·7 = 77; 77 mod 11 = 0 → 0.
    ['mod11', '123456', '0', 'mod 11, remainder 0'],
    // 6·2 = 12; 12 mod 11 = 1; 11 − 1 = 10 → X.
    ['mod11', '6', 'X', 'mod 11, check value 10'],
  ])('%s of %s is %s (%s)', (scheme, body, check) => {
    expect(computeCheckDigit(scheme, body)).toEqual({ ok: true, value: check });
    expect(verifyCheckDigit(scheme, body + check)).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    expect(verifyCheckDigit('luhn', '79927398710')).toBe(false);
    expect(verifyCheckDigit('mod10', '4006381333932')).toBe(false);
    expect(verifyCheckDigit('mod43', '123XYZN')).toBe(false);
    expect(verifyCheckDigit('mod11', '60')).toBe(false);
    expect(verifyCheckDigit('mod11', '6x')).toBe(false);
    expect(verifyCheckDigit('mod10', '')).toBe(false);
    expect(verifyCheckDigit('mod10', '7')).toBe(false);
  });

  it('says why it cannot compute', () => {
    expect(computeCheckDigit('mod10', '12A4')).toEqual({
      ok: false,
      error: "mod10 check digit applies to digits only, found 'A'",
    });
    expect(computeCheckDigit('luhn', '')).toEqual({
      ok: false,
      error: 'luhn check digit needs at least one character',
    });
    expect(computeCheckDigit('mod43', 'abc')).toEqual({
      ok: false,
      error: "mod43 check character applies to Code 39 characters only, found 'a'",
    });
    expect(computeCheckDigit('mod43', '')).toEqual({
      ok: false,
      error: 'mod43 check character needs at least one character',
    });
    expect(computeCheckDigit('mod11', '1\u00002')).toEqual({
      ok: false,
      error: 'mod11 check digit applies to digits only, found U+0000',
    });
  });
});

const digitString = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 });
const code39String = fc.string({ unit: fc.constantFrom(...CODE39_CHARSET), minLength: 1, maxLength: 30 });

describe('check-digit properties', () => {
  it.each(CHECK_DIGIT_SCHEMES)(
    '%s: a computed check digit verifies, and any single substitution is caught',
    (scheme) => {
      const alphabet = scheme === 'mod43' ? CODE39_CHARSET : '0123456789';
      fc.assert(
        fc.property(scheme === 'mod43' ? code39String : digitString, fc.nat(), fc.nat(), (body, at, by) => {
          const check = computeCheckDigit(scheme, body);
          if (!check.ok) throw new Error(check.error);
          expect(verifyCheckDigit(scheme, body + check.value)).toBe(true);
          const position = at % body.length;
          const original = body.charAt(position);
          const replacement = alphabet.charAt(
            (alphabet.indexOf(original) + 1 + (by % (alphabet.length - 1))) % alphabet.length,
          );
          const changed = body.slice(0, position) + replacement + body.slice(position + 1);
          expect(verifyCheckDigit(scheme, changed + check.value)).toBe(false);
        }),
        { numRuns: 300 },
      );
    },
  );
});
