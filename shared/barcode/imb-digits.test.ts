/**
 * IMb digit strings that are not IMbs. Sources:
 * - USPS-B-3200 (Intelligent Mail Barcode 4-State specification), the data fields: barcode ID
 *   2 digits, the second 0–4; service type ID 3 digits; mailer ID 6 or 9 digits (9 when it starts
 *   with 9); serial 9 or 6; routing code 0, 5, 9 or 11 digits.
 * - The result codes of USPS's usps4cb encoder (the library the USPS test file exercises), as
 *   listed by the Business::US::USPS::IMB binding (metacpan, IMB.pm): TRACK_STRING_IS_NULL,
 *   TRACK_STRING_BAD_LENGTH, TRACK_STRING_HAS_INVALID_DATA, TRACK_STRING_HAS_INVALID_DIGIT2,
 *   ROUTE_STRING_BAD_LENGTH, ROUTE_STRING_HAS_INVALID_DATA. Each row below is one of those
 *   cases, tracking and routing given apart as the encoder (and its test file) takes them.
 * The digit form has no CRC, so these rules are all that stops a misread from naming another
 * ballot; and with no office label rule such a string must not become a generic label either.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeScan } from './decode.js';
import { decodeImbParts, parseImbDigits } from './imb-digits.js';

const TRACKING = '01234567094987654321';

const USPS_ERROR_CASES: [code: string, tracking: string, routing: string, reason: string][] = [
  ['TRACK_STRING_IS_NULL', '', '01234567891', 'the IMb tracking code is empty'],
  ['TRACK_STRING_BAD_LENGTH', '0123456709498765432', '', 'IMb tracking code must be 20 digits, got 19'],
  ['TRACK_STRING_BAD_LENGTH', '012345670949876543210', '', 'IMb tracking code must be 20 digits, got 21'],
  ['TRACK_STRING_HAS_INVALID_DATA', '0123456709498765432A', '', 'IMb tracking code must contain only digits'],
  [
    'TRACK_STRING_HAS_INVALID_DIGIT2',
    '05234567094987654321',
    '',
    'IMb barcode ID 05 is invalid: its second digit must be 0-4',
  ],
  ['ROUTE_STRING_BAD_LENGTH', TRACKING, '1234', 'IMb routing code must be 0, 5, 9 or 11 digits, got 4'],
  [
    'ROUTE_STRING_BAD_LENGTH',
    TRACKING,
    '012345678912',
    'IMb routing code must be 0, 5, 9 or 11 digits, got 12',
  ],
  ['ROUTE_STRING_HAS_INVALID_DATA', TRACKING, '0123A', 'IMb routing code must contain only digits'],
  [
    'ROUTE_STRING_HAS_INVALID_DATA',
    TRACKING,
    '-1234',
    'the IMb routing code may only hold digits: "-1234" starts with a minus sign',
  ],
];

describe('the USPS encoder error cases, tracking and routing apart', () => {
  it.each(USPS_ERROR_CASES)(
    '%s: tracking "%s" routing "%s" is refused: %s',
    (_code, tracking, routing, reason) => {
      expect(decodeImbParts(tracking, routing)).toEqual({ ok: false, error: reason });
    },
  );

  it('a good pair decodes', () => {
    expect(decodeImbParts(TRACKING, '01234567891')).toMatchObject({
      ok: true,
      value: { mailerId: '567094', serial: '987654321', routing: '01234567891' },
    });
  });
});

/** One string as a scanner sends it; with no label rule. */
const NOT_IMB: [what: string, text: string, reason: string][] = [
  [
    'barcode ID second digit above 4',
    '05234567094987654321',
    'IMb barcode ID 05 is invalid: its second digit must be 0-4',
  ],
  [
    'a routing code of 4 digits',
    '012345670949876543211234',
    'the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got 4',
  ],
  [
    'a routing code of 4 digits, dashed',
    '01234567094987654321-1234',
    'the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got 4',
  ],
  [
    'a routing code starting with "-"',
    '01234567094987654321 -12345',
    'IMb digits hold no minus sign: only a space or a single dash may stand between groups',
  ],
  [
    'a dash inside the serial (groups off the 20-digit boundary)',
    '0123456709498765432-101234',
    'the IMb digit groups do not fall on its fields: a break after digit 19 (breaks may only come after digits 2, 5, 11, 20)',
  ],
  [
    'a service type group that cannot be (4 digits)',
    '01-2345-67094987654321',
    'the IMb digit groups do not fall on its fields: a break after digit 6 (breaks may only come after digits 2, 5, 11)',
  ],
  [
    'groups that never split tracking from routing',
    '01-234-56709498765432101234',
    'the IMb digit groups do not split the 20-digit tracking code from the routing code',
  ],
];

describe('digit strings that are not IMbs (no label rule)', () => {
  it.each(NOT_IMB)('%s: refused with the reason, not an IMb, not a generic label', (_what, text, reason) => {
    expect(decodeScan(text, null)).toEqual({ ok: false, error: reason });
  });

  it('groups on the fields still decode (9-digit mailer ID too)', () => {
    expect(parseImbDigits('01 234 567094 987654321 01234-5678-91')).toMatchObject({ ok: true });
    expect(parseImbDigits('01-234-912345678-123456-12345')).toMatchObject({
      ok: true,
      value: { mailerId: '912345678', serial: '123456', routing: '12345' },
    });
  });

  it('property: 20 to 31 digits with any spaces and dashes are an IMb or refused, never a label', () => {
    const piece = fc.oneof(fc.constantFrom(' ', '-', '  ', ' - ', '--'), fc.stringMatching(/^\d{1,6}$/));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const digits = text.replace(/[^\d]/g, '').length;
        fc.pre(digits >= 20 && digits <= 31 && text.trim() !== '');
        const r = decodeScan(text, null);
        expect(r.ok ? r.value.kind : 'refused').not.toBe('label');
      }),
      { numRuns: 2000 },
    );
  });
});
