import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { turnBars } from './imb-bars.js';
import { decodeResultJson, decodeScan } from './decode.js';
import { encodeImb } from './imb.js';
import type { LabelRule } from './label.js';

const TRACKING = '01234567094987654321';
const BARS = 'AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA'; // routing 01234567891
const BARS_NO_ROUTING = 'ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT';
const IMB_31 = `{"ok":true,"kind":"imb","tracking":"${TRACKING}","routing":"01234567891","barcodeId":"01","serviceType":"234","mailerId":"567094","serial":"987654321",`;

const ballotRule: LabelRule = {
  prefix: 'B',
  length: 8,
  charset: 'digits',
  checkDigit: 'mod10',
  carries: 'ballot',
};
const voterRule: LabelRule = {
  minLength: 3,
  maxLength: 10,
  charset: 'alnum',
  checkDigit: 'none',
  carries: 'voter',
  symbologies: ['code128', 'code39'],
};
const twentyDigitRule: LabelRule = { length: 20, charset: 'digits', checkDigit: 'none', carries: 'ballot' };

/** [what, raw scan, office rule, the exact JSON the CLI prints]. */
const CASES: [string, string, LabelRule | null, string][] = [
  ['IMb bars', BARS, null, `${IMB_31}"upsideDown":false}`],
  [
    'IMb bars, lower case, AIM prefix and CR LF',
    `]X0${BARS.toLowerCase()}\r\n`,
    null,
    `${IMB_31}"upsideDown":false}`,
  ],
  ['IMb bars upside down', turnBars(BARS), ballotRule, `${IMB_31}"upsideDown":true}`],
  ['IMb bars beat any rule', BARS, twentyDigitRule, `${IMB_31}"upsideDown":false}`],
  [
    'damaged IMb bars are an error, not a label',
    `F${BARS.slice(1)}`,
    null,
    '{"ok":false,"error":"IMb character H has 3 of 13 bits set, so it is in neither the 5-of-13 nor the 2-of-13 table (a bar is damaged or misread)"}',
  ],
  [
    'a partial bar read is an IMb error, not a label',
    'FFFF',
    null,
    '{"ok":false,"error":"IMb bar string must be 65 bars, got 4"}',
  ],
  [
    'a partial bar read, lower case, under a rule',
    BARS.slice(0, 40).toLowerCase(),
    voterRule,
    '{"ok":false,"error":"IMb bar string must be 65 bars, got 40"}',
  ],
  [
    'bar letters that pass the office rule are its label',
    'DAFT',
    voterRule,
    '{"ok":true,"kind":"label","id":"DAFT","symbology":null,"carries":"voter"}',
  ],
  [
    'IMb digits, grouped',
    `${TRACKING.slice(0, 2)} ${TRACKING.slice(2, 5)} ${TRACKING.slice(5)} 01234-5678-91`,
    null,
    `${IMB_31}"upsideDown":false}`,
  ],
  [
    'IMb digits when the rule does not match',
    `${TRACKING}01234567891\n`,
    ballotRule,
    `${IMB_31}"upsideDown":false}`,
  ],
  [
    '20 IMb digits',
    TRACKING,
    null,
    `{"ok":true,"kind":"imb","tracking":"${TRACKING}","routing":"","barcodeId":"01","serviceType":"234","mailerId":"567094","serial":"987654321","upsideDown":false}`,
  ],
  [
    '20 digits that pass the office rule are its label',
    TRACKING,
    twentyDigitRule,
    `{"ok":true,"kind":"label","id":"${TRACKING}","symbology":null,"carries":"ballot"}`,
  ],
  [
    '24 digits, no rule: refused as an IMb whose routing code cannot be, not a generic label',
    '123456789012345678901234',
    null,
    '{"ok":false,"error":"the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got 4"}',
  ],
  [
    'digits too long for an IMb, no rule: a generic label',
    '12345678901234567890123456789012',
    null,
    '{"ok":true,"kind":"label","id":"12345678901234567890123456789012","symbology":null,"carries":"ballot"}',
  ],
  [
    'IMb-length digits with a bad barcode ID, no rule: refused with why, not a generic label',
    '07234567094987654321',
    null,
    '{"ok":false,"error":"IMb barcode ID 07 is invalid: its second digit must be 0-4"}',
  ],
  [
    'IMb-length digits with a bad barcode ID, under a rule: both reasons',
    '07234567094987654321',
    ballotRule,
    `{"ok":false,"error":"not an IMb (IMb barcode ID 07 is invalid: its second digit must be 0-4), and not the office's label either (label must start with 'B')"}`,
  ],
  [
    'office label with AIM prefix',
    ']C0B12345670\r',
    ballotRule,
    '{"ok":true,"kind":"label","id":"B12345670","symbology":"code128","carries":"ballot"}',
  ],
  [
    'office label, wrong check digit',
    'B12345677',
    ballotRule,
    '{"ok":false,"error":"label check digit 7 does not match computed 0 (mod10)"}',
  ],
  [
    'voter label',
    ']A0AB123\t',
    voterRule,
    '{"ok":true,"kind":"label","id":"AB123","symbology":"code39","carries":"voter"}',
  ],
  [
    'voter label from a refused symbology',
    ']Q1AB123',
    voterRule,
    '{"ok":false,"error":"label symbology qr is not accepted (accepted: code128, code39)"}',
  ],
  [
    'unknown AIM prefix kept as symbology',
    ']x9B-0042',
    null,
    '{"ok":true,"kind":"label","id":"B-0042","symbology":"unknown","carries":"ballot"}',
  ],
  [
    'generic label, keyed with stray spaces',
    '  B-12  ',
    null,
    '{"ok":true,"kind":"label","id":"B-12","symbology":null,"carries":"ballot"}',
  ],
  [
    'generic label too short',
    'B-1',
    null,
    '{"ok":false,"error":"label length 3, expected 4 to 40 characters"}',
  ],
  [
    'generic label with non-ASCII',
    'BALLÖT',
    null,
    '{"ok":false,"error":"character U+00D6 not allowed in a label (printable ASCII only)"}',
  ],
  ['empty', '', null, '{"ok":false,"error":"empty scan"}'],
  ['only a suffix', '\r\n', ballotRule, '{"ok":false,"error":"empty scan"}'],
  ['only an AIM prefix', ']C0\r', null, '{"ok":false,"error":"empty scan"}'],
  ['only spaces', '   ', null, '{"ok":false,"error":"empty scan"}'],
  [
    'control characters',
    '\u0007\u0001',
    null,
    '{"ok":false,"error":"non-printable character U+0007 at position 1"}',
  ],
  ['an inner tab', 'AB\tCD', null, '{"ok":false,"error":"non-printable character U+0009 at position 3"}'],
  [
    'a zero-width space',
    'B-12\u200b',
    ballotRule,
    '{"ok":false,"error":"non-printable character U+200B at position 5"}',
  ],
  [
    'a lone surrogate',
    'B-1\ud800',
    null,
    '{"ok":false,"error":"non-printable character U+D800 at position 4"}',
  ],
];

describe('decodeScan', () => {
  it.each(CASES)('%s', (_what, raw, rule, json) => {
    expect(JSON.stringify(decodeResultJson(decodeScan(raw, rule)))).toBe(json);
  });

  it('returns the same fields in its value as in its JSON', () => {
    expect(decodeScan(BARS_NO_ROUTING, null)).toEqual({
      ok: true,
      value: {
        kind: 'imb',
        tracking: TRACKING,
        routing: '',
        barcodeId: '01',
        serviceType: '234',
        mailerId: '567094',
        serial: '987654321',
        upsideDown: false,
      },
    });
    expect(decodeScan(']C0B12345670', ballotRule)).toEqual({
      ok: true,
      value: { kind: 'label', id: 'B12345670', symbology: 'code128', carries: 'ballot' },
    });
  });
});

/** Any code point, lone surrogates included, biased toward ASCII. */
const anyChar = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff }))
  .map((c) => String.fromCodePoint(c));
/** Text near the decoder's decision points: AIM prefixes, bar letters, digits, separators. */
const scanLike = fc
  .tuple(
    fc.constantFrom('', ']C0', ']C1', ']Q1', ']x9', ']', ' '),
    fc.string({ unit: fc.constantFrom(...'FADTfadt0123456789 -B*]é\u0000'), maxLength: 70 }),
    fc.constantFrom('', '\r', '\r\n', '\t', ' '),
  )
  .map((parts) => parts.join(''));
const rules = fc.constantFrom<LabelRule | null>(null, ballotRule, voterRule, twentyDigitRule);

describe('decodeScan never throws', () => {
  it('on arbitrary or scan-like text, under any rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: anyChar, maxLength: 80 }), scanLike), rules, (raw, rule) => {
        const r = decodeScan(raw, rule);
        if (!r.ok) {
          expect(r.error).not.toMatch(/^internal/);
          expect(r.error.length).toBeGreaterThan(0);
        }
        const json = decodeResultJson(r);
        expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back any encoded IMb, however the scanner wraps it', () => {
    const digit = fc.constantFrom(...'0123456789');
    const tracking = fc
      .tuple(digit, fc.constantFrom(...'01234'), fc.string({ unit: digit, minLength: 18, maxLength: 18 }))
      .map(([a, b, rest]) => a + b + rest);
    const routing = fc.constantFrom('', '27601', '276011234', '27601123456');
    fc.assert(
      fc.property(
        tracking,
        routing,
        fc.boolean(),
        fc.constantFrom('', ']X0'),
        fc.constantFrom('', '\r\n'),
        rules,
        (t, z, turned, prefix, suffix, rule) => {
          const bars = encodeImb(t, z);
          if (!bars.ok) throw new Error(bars.error);
          const r = decodeScan(prefix + (turned ? turnBars(bars.value) : bars.value) + suffix, rule);
          expect(r.ok && r.value).toMatchObject({ kind: 'imb', tracking: t, routing: z, upsideDown: turned });
        },
      ),
      { numRuns: 200 },
    );
  });
});
