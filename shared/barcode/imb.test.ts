import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codewordsToBars, turnBars } from './imb-bars.js';
import { binaryToCodewords, crc11, payloadToBinary } from './imb-math.js';
import { BAR_SOURCES, characterOfCodeword } from './imb-tables.js';
import { decodeImbBars, encodeImb, isImbBarString, parseImbDigits, splitTracking } from './imb.js';

const TRACKING = '01234567094987654321';

/** USPS-B-3200 Appendix B: the four published examples. */
const EXAMPLES = [
  { routing: '', bars: 'ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT' },
  { routing: '01234', bars: 'DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT' },
  { routing: '012345678', bars: 'ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA' },
  { routing: '01234567891', bars: 'AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA' },
];

const EXAMPLE_FIELDS = {
  tracking: TRACKING,
  barcodeId: '01',
  serviceType: '234',
  mailerId: '567094',
  serial: '987654321',
};

const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const mailerAndSerial = fc.oneof(
  fc.tuple(fc.constantFrom(...'012345678'), digits(5), digits(9)).map(([d, m, s]) => d + m + s),
  fc.tuple(digits(8), digits(6)).map(([m, s]) => `9${m}${s}`),
);
const trackingArb = fc
  .tuple(digits(1), fc.constantFrom(...'01234'), digits(3), mailerAndSerial)
  .map(([a, b, service, rest]) => a + b + service + rest);
/** Any code point, lone surrogates included, biased toward ASCII. */
const anyChar = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff }))
  .map((c) => String.fromCodePoint(c));
const routingArb = fc.oneof(fc.constant(''), digits(5), digits(9), digits(11));

function mustEncode(tracking: string, routing = ''): string {
  const r = encodeImb(tracking, routing);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function errorOf(r: { ok: boolean; error?: string }): string {
  return r.ok ? '(decoded)' : (r.error ?? '');
}

describe('USPS-B-3200 published examples', () => {
  it.each(EXAMPLES)('encodes routing "$routing" to the spec bars', ({ routing, bars }) => {
    expect(encodeImb(TRACKING, routing)).toEqual({ ok: true, value: bars });
  });

  it.each(EXAMPLES)('decodes the spec bars of routing "$routing"', ({ routing, bars }) => {
    expect(decodeImbBars(bars)).toEqual({
      ok: true,
      value: { ...EXAMPLE_FIELDS, routing, upsideDown: false },
    });
    expect(decodeImbBars(bars.toLowerCase())).toEqual({
      ok: true,
      value: { ...EXAMPLE_FIELDS, routing, upsideDown: false },
    });
  });

  it.each(EXAMPLES)('reads the bars of routing "$routing" upside down', ({ routing, bars }) => {
    const turned = turnBars(bars);
    expect(turned).not.toBe(bars);
    expect(decodeImbBars(turned)).toEqual({
      ok: true,
      value: { ...EXAMPLE_FIELDS, routing, upsideDown: true },
    });
  });
});

describe('IMb round trips', () => {
  it('decodes what it encodes, either way up', () => {
    fc.assert(
      fc.property(trackingArb, routingArb, (tracking, routing) => {
        const bars = mustEncode(tracking, routing);
        expect(isImbBarString(bars)).toBe(true);
        const upright = decodeImbBars(bars);
        expect(upright.ok && upright.value).toMatchObject({ tracking, routing, upsideDown: false });
        const turned = decodeImbBars(turnBars(bars));
        expect(turned.ok && turned.value).toMatchObject({ tracking, routing, upsideDown: true });
      }),
      { numRuns: 300 },
    );
  });

  it('splits the fields by the mailer ID length rule', () => {
    const six = decodeImbBars(mustEncode('00040123456000000042', '27601'));
    expect(six.ok && six.value).toEqual({
      tracking: '00040123456000000042',
      routing: '27601',
      barcodeId: '00',
      serviceType: '040',
      mailerId: '123456',
      serial: '000000042',
      upsideDown: false,
    });
    const nine = decodeImbBars(mustEncode('53379923456789000042'));
    expect(nine.ok && nine.value).toMatchObject({ mailerId: '923456789', serial: '000042', routing: '' });
  });
});

/** Every bar string one bar away from `bars`. */
function singleBarChanges(bars: string): string[] {
  return [...bars].flatMap((letter, i) =>
    [...'FADT']
      .filter((other) => other !== letter)
      .map((other) => bars.slice(0, i) + other + bars.slice(i + 1)),
  );
}

describe('IMb single-bar damage', () => {
  const fixed = [
    ...EXAMPLES.map((e) => e.bars),
    mustEncode('00040123456000000042', '27601'),
    mustEncode('53379923456789000042', '99501123456'),
  ];

  it('never turns a fixed barcode into another payload: all 65 × 3 changes are rejected', () => {
    for (const bars of fixed) {
      const changes = singleBarChanges(bars);
      expect(changes).toHaveLength(195);
      const decoded = changes.map(decodeImbBars).filter((r) => r.ok);
      expect(decoded).toEqual([]);
    }
  });

  it('never turns a random barcode into another payload', () => {
    fc.assert(
      fc.property(
        trackingArb,
        routingArb,
        fc.nat(64),
        fc.constantFrom(...'FADT'),
        (tracking, routing, position, letter) => {
          const bars = mustEncode(tracking, routing);
          const changed = bars.slice(0, position) + letter + bars.slice(position + 1);
          const r = decodeImbBars(changed);
          if (r.ok)
            expect({ tracking: r.value.tracking, routing: r.value.routing }).toEqual({ tracking, routing });
          else expect(changed).not.toBe(bars);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('IMb decoder robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 80 }), (text) => {
        const r = decodeImbBars(text);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('on random bar strings, only ever accepts what re-encodes to the same bars', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'FADTfadt'), minLength: 65, maxLength: 65 }),
        (text) => {
          const r = decodeImbBars(text);
          if (!r.ok) return;
          const again = mustEncode(r.value.tracking, r.value.routing);
          expect(r.value.upsideDown ? turnBars(again) : again).toBe(text.toUpperCase());
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('IMb decoding errors', () => {
  const example = EXAMPLES[0]?.bars ?? '';
  const binary = payloadToBinary(TRACKING, '');
  const codewords = binaryToCodewords(binary);
  const fcs = crc11(binary);

  it('wrong length or letters', () => {
    expect(errorOf(decodeImbBars(example.slice(1)))).toBe('IMb bar string must be 65 bars, got 64');
    expect(errorOf(decodeImbBars(''))).toBe('IMb bar string must be 65 bars, got 0');
    expect(errorOf(decodeImbBars(`${example.slice(0, 64)}X`))).toBe(
      "IMb bar string may only hold F, A, D and T; found 'X' at bar 65",
    );
    expect(errorOf(decodeImbBars(`\u0000${example.slice(1)}`))).toBe(
      'IMb bar string may only hold F, A, D and T; found U+0000 at bar 1',
    );
  });

  it('a character in neither table', () => {
    const damaged = `T${example.slice(1)}`; // bar 1 is A: its ascender is bit 3 of character E
    expect(errorOf(decodeImbBars(damaged))).toMatch(
      /^IMb character E has 7 of 13 bits set, so it is in neither the 5-of-13 nor the 2-of-13 table/,
    );
  });

  it('a CRC mismatch, upright and upside down', () => {
    const wrongCrc = codewordsToBars(codewords, fcs ^ 0x001);
    expect(errorOf(decodeImbBars(wrongCrc))).toBe(
      'IMb CRC mismatch: the bars carry 0x050, the data gives 0x051',
    );
    expect(errorOf(decodeImbBars(turnBars(wrongCrc)))).toBe(
      'IMb CRC mismatch: the bars carry 0x050, the data gives 0x051 (read upside down)',
    );
  });

  it('codewords out of range or misoriented', () => {
    const zeros = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(errorOf(decodeImbBars(codewordsToBars([659, ...zeros.slice(1)], 0x400)))).toBe(
      'IMb codeword A is 1318, out of range (at most 1317)',
    );
    expect(errorOf(decodeImbBars(codewordsToBars([...zeros.slice(1), 650], 0)))).toBe(
      'IMb codeword J is 1300, out of range (at most 1270)',
    );
    // The encoder always doubles J, so an odd J is built from raw codewords.
    expect(errorOf(decodeImbBars(barsFromRawCodewords([...zeros.slice(1), 34])))).toMatch(
      /^IMb CRC mismatch/,
    );
    expect(errorOf(decodeImbBars(barsFromRawCodewords([...zeros.slice(1), 35])))).toBe(
      'IMb codeword J is 35, odd: the orientation mark is wrong',
    );
  });

  it('a value beyond the largest routing code, even with a good CRC', () => {
    const tooBig = 101_000_100_001n * 5n * 10n ** 19n;
    const bars = codewordsToBars(binaryToCodewords(tooBig), crc11(tooBig));
    expect(errorOf(decodeImbBars(bars))).toBe(
      'IMb value out of range: its routing code would exceed 11 digits',
    );
    const largest = tooBig - 1n;
    const ok = decodeImbBars(codewordsToBars(binaryToCodewords(largest), crc11(largest)));
    expect(ok.ok && ok.value).toMatchObject({ tracking: '94999999999999999999', routing: '99999999999' });
  });
});

/** Bars straight from raw codewords (as after step 4, no CRC bits), bypassing the encoder. */
function barsFromRawCodewords(raw: number[]): string {
  const characters = raw.map(characterOfCodeword);
  const bit = (source: { character: number; bit: number }) =>
    ((characters[source.character] ?? 0) >> source.bit) & 1;
  return BAR_SOURCES.map(({ descender, ascender }) =>
    bit(descender) ? (bit(ascender) ? 'F' : 'D') : bit(ascender) ? 'A' : 'T',
  ).join('');
}

describe('IMb payload checks', () => {
  it('encodeImb rejects bad tracking and routing codes', () => {
    expect(errorOf(encodeImb('0123456709498765432'))).toBe('IMb tracking code must be 20 digits, got 19');
    expect(errorOf(encodeImb('0123456709498765432A'))).toBe('IMb tracking code must contain only digits');
    expect(errorOf(encodeImb('01234567094987654321', '1234'))).toBe(
      'IMb routing code must be 0, 5, 9 or 11 digits, got 4',
    );
    expect(errorOf(encodeImb('01234567094987654321', '1234A'))).toBe(
      'IMb routing code must contain only digits',
    );
    expect(errorOf(encodeImb('05234567094987654321'))).toBe(
      'IMb barcode ID 05 is invalid: its second digit must be 0-4',
    );
  });

  it('splitTracking applies the mailer ID length rule', () => {
    expect(splitTracking('01234567094987654321')).toEqual({
      ok: true,
      value: { barcodeId: '01', serviceType: '234', mailerId: '567094', serial: '987654321' },
    });
    expect(splitTracking('01234912345678654321')).toEqual({
      ok: true,
      value: { barcodeId: '01', serviceType: '234', mailerId: '912345678', serial: '654321' },
    });
    expect(errorOf(splitTracking('09234567094987654321'))).toBe(
      'IMb barcode ID 09 is invalid: its second digit must be 0-4',
    );
  });

  it('parseImbDigits reads 20, 25, 29 or 31 digits, with separators between groups', () => {
    const fields = { ...EXAMPLE_FIELDS, upsideDown: false };
    expect(parseImbDigits(TRACKING)).toEqual({ ok: true, value: { ...fields, routing: '' } });
    expect(parseImbDigits(`${TRACKING}01234`)).toEqual({ ok: true, value: { ...fields, routing: '01234' } });
    expect(parseImbDigits(`${TRACKING}012345678`)).toEqual({
      ok: true,
      value: { ...fields, routing: '012345678' },
    });
    expect(parseImbDigits('01 234 567094 987654321 01234-5678-91')).toEqual({
      ok: true,
      value: { ...fields, routing: '01234567891' },
    });
    expect(errorOf(parseImbDigits(`${TRACKING}0123`))).toBe(
      'the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got 4',
    );
    expect(errorOf(parseImbDigits(`${TRACKING}0123456789012`))).toBe(
      'IMb digits must number 20, 25, 29 or 31, got 33',
    );
    expect(errorOf(parseImbDigits(`${TRACKING}A`))).toBe(
      'IMb digits may only hold digits, with a space or a dash between groups',
    );
    expect(errorOf(parseImbDigits(`-${TRACKING}`))).toBe(
      'IMb digits hold no minus sign: only a space or a single dash may stand between groups',
    );
    expect(errorOf(parseImbDigits('07234567094987654321'))).toBe(
      'IMb barcode ID 07 is invalid: its second digit must be 0-4',
    );
  });

  it('isImbBarString wants exactly 65 F/A/D/T letters in any case', () => {
    const bars = EXAMPLES[0]?.bars ?? '';
    expect(isImbBarString(bars)).toBe(true);
    expect(isImbBarString(bars.toLowerCase())).toBe(true);
    expect(isImbBarString(bars.slice(1))).toBe(false);
    expect(isImbBarString(`${bars.slice(1)}X`)).toBe(false);
    expect(isImbBarString(`${bars} `)).toBe(false);
  });
});
