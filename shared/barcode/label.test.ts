import { describe, expect, it } from 'vitest';
import { checkLabel, labelRuleSchema, type LabelRule } from './label.js';

// 1234567 under GS1 mod 10: 7·3+6+5·3+4+3·3+2+1·3 = 60 → check digit 0.
const ballotRule: LabelRule = {
  prefix: 'B',
  length: 8,
  charset: 'digits',
  checkDigit: 'mod10',
  carries: 'ballot',
};

describe('checkLabel with an office rule', () => {
  it.each<[string, string, string | null, LabelRule, ReturnType<typeof checkLabel>]>([
    [
      'passes, prefix kept by default',
      'B12345670',
      null,
      ballotRule,
      { ok: true, value: { id: 'B12345670', carries: 'ballot' } },
    ],
    [
      'passes, prefix dropped',
      'B12345670',
      null,
      { ...ballotRule, keepPrefix: false },
      { ok: true, value: { id: '12345670', carries: 'ballot' } },
    ],
    [
      'wrong check digit',
      'B12345677',
      null,
      ballotRule,
      { ok: false, error: 'label check digit 7 does not match computed 0 (mod10)' },
    ],
    ['missing prefix', 'X12345670', null, ballotRule, { ok: false, error: "label must start with 'B'" }],
    [
      'prefix is case-sensitive',
      'b12345670',
      null,
      ballotRule,
      { ok: false, error: "label must start with 'B'" },
    ],
    [
      'too short',
      'B1234567',
      null,
      ballotRule,
      { ok: false, error: "label length 7, expected 8 after the prefix 'B'" },
    ],
    [
      'nothing after the prefix',
      'B',
      null,
      ballotRule,
      { ok: false, error: "label is empty after the prefix 'B'" },
    ],
    [
      'bad character',
      'B1234*670',
      null,
      ballotRule,
      { ok: false, error: "character '*' not allowed in a digits label" },
    ],
    [
      'control character named by code',
      'B1234\u0007670',
      null,
      ballotRule,
      { ok: false, error: 'character U+0007 not allowed in a digits label' },
    ],
    [
      'length without prefix',
      '123456789',
      null,
      { length: 10, charset: 'digits', checkDigit: 'none', carries: 'ballot' },
      { ok: false, error: 'label length 9, expected 10' },
    ],
    [
      'voter label',
      'AB123',
      null,
      { minLength: 3, maxLength: 10, charset: 'alnum', checkDigit: 'none', carries: 'voter' },
      { ok: true, value: { id: 'AB123', carries: 'voter' } },
    ],
    [
      'at least',
      'AB',
      null,
      { minLength: 3, charset: 'alnum', checkDigit: 'none', carries: 'voter' },
      { ok: false, error: 'label length 2, expected at least 3' },
    ],
    [
      'at most',
      'ABCD',
      null,
      { maxLength: 3, charset: 'alnum', checkDigit: 'none', carries: 'voter' },
      { ok: false, error: 'label length 4, expected at most 3' },
    ],
    [
      'alnum allows lower case',
      'ab12',
      null,
      { charset: 'alnum', checkDigit: 'none', carries: 'ballot' },
      { ok: true, value: { id: 'ab12', carries: 'ballot' } },
    ],
    [
      'alnum refuses a dash',
      'ab-12',
      null,
      { charset: 'alnum', checkDigit: 'none', carries: 'ballot' },
      { ok: false, error: "character '-' not allowed in an alnum label" },
    ],
    [
      'code39 with mod43',
      '123XYZM',
      null,
      { charset: 'code39', checkDigit: 'mod43', carries: 'ballot' },
      { ok: true, value: { id: '123XYZM', carries: 'ballot' } },
    ],
    [
      'code39 refuses lower case',
      '123xyzM',
      null,
      { charset: 'code39', checkDigit: 'mod43', carries: 'ballot' },
      { ok: false, error: "character 'x' not allowed in a code39 label" },
    ],
    [
      'mod11 X is judged by its scheme, not the charset',
      '6X',
      null,
      { charset: 'digits', checkDigit: 'mod11', carries: 'voter' },
      { ok: true, value: { id: '6X', carries: 'voter' } },
    ],
    [
      'mod11 wrong X',
      '7X',
      null,
      { charset: 'digits', checkDigit: 'mod11', carries: 'voter' },
      { ok: false, error: 'label check digit X does not match computed 8 (mod11)' },
    ],
    [
      'check digit needs a body',
      '7',
      null,
      { charset: 'digits', checkDigit: 'luhn', carries: 'ballot' },
      { ok: false, error: 'label luhn check digit needs at least one character' },
    ],
    [
      'alnum with mod10 says why',
      'AB3',
      null,
      { charset: 'alnum', checkDigit: 'mod10', carries: 'ballot' },
      { ok: false, error: "label mod10 check digit applies to digits only, found 'A'" },
    ],
    [
      'accepted symbology',
      'B12345670',
      'code128',
      { ...ballotRule, symbologies: ['code128', 'code39'] },
      { ok: true, value: { id: 'B12345670', carries: 'ballot' } },
    ],
    [
      'no AIM prefix: symbology not checked',
      'B12345670',
      null,
      { ...ballotRule, symbologies: ['code128'] },
      { ok: true, value: { id: 'B12345670', carries: 'ballot' } },
    ],
    [
      'refused symbology',
      'B12345670',
      'qr',
      { ...ballotRule, symbologies: ['code128', 'code39'] },
      { ok: false, error: 'label symbology qr is not accepted (accepted: code128, code39)' },
    ],
  ])('%s', (_name, data, symbology, rule, expected) => {
    expect(checkLabel(data, symbology, rule)).toEqual(expected);
  });
});

describe('checkLabel without a rule', () => {
  it.each([
    ['B-12', { ok: true, value: { id: 'B-12', carries: 'ballot' } }],
    ['a'.repeat(40), { ok: true, value: { id: 'a'.repeat(40), carries: 'ballot' } }],
    ['~ !}', { ok: true, value: { id: '~ !}', carries: 'ballot' } }],
    ['B-1', { ok: false, error: 'label length 3, expected 4 to 40 characters' }],
    ['a'.repeat(41), { ok: false, error: 'label length 41, expected 4 to 40 characters' }],
    ['abcé', { ok: false, error: 'character U+00E9 not allowed in a label (printable ASCII only)' }],
    ['ab\u007fc', { ok: false, error: 'character U+007F not allowed in a label (printable ASCII only)' }],
  ])('%j', (data, expected) => {
    expect(checkLabel(data, 'code128', null)).toEqual(expected);
  });
});

describe('labelRuleSchema', () => {
  it('parses a rule and leaves keepPrefix to default at use', () => {
    const parsed = labelRuleSchema.parse({
      prefix: 'B',
      length: 8,
      charset: 'digits',
      checkDigit: 'mod10',
      carries: 'ballot',
    });
    expect(parsed).toEqual(ballotRule);
    expect(parsed.keepPrefix).toBeUndefined();
  });

  it.each([
    [
      { charset: 'digits', checkDigit: 'none', carries: 'ballot', length: 8, minLength: 2 },
      'give either length or minLength/maxLength, not both',
    ],
    [
      { charset: 'digits', checkDigit: 'none', carries: 'ballot', minLength: 9, maxLength: 8 },
      'minLength must not exceed maxLength',
    ],
    [
      { charset: 'digits', checkDigit: 'none', carries: 'ballot', prefix: 'B\n' },
      'a label prefix must be printable ASCII',
    ],
    [{ charset: 'hex', checkDigit: 'none', carries: 'ballot' }, 'charset'],
    [{ charset: 'digits', checkDigit: 'mod97', carries: 'ballot' }, 'checkDigit'],
    [{ charset: 'digits', checkDigit: 'none', carries: 'envelope' }, 'carries'],
    [{ charset: 'digits', checkDigit: 'none', carries: 'ballot', length: 0 }, 'length'],
    [{ charset: 'digits', checkDigit: 'none', carries: 'ballot', symbologies: [] }, 'symbologies'],
    [{ charset: 'digits', checkDigit: 'none', carries: 'ballot', lenght: 8 }, 'lenght'],
  ])('rejects %j', (input, mention) => {
    const r = labelRuleSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(mention);
  });
});
