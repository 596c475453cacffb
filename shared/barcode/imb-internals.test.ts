import { describe, expect, it } from 'vitest';
import { codewordsToBars } from './imb-bars.js';
import { binaryToCodewords, binaryToPayload, codewordsToBinary, crc11, payloadToBinary } from './imb-math.js';
import {
  BAR_SOURCES,
  characterOfCodeword,
  codewordOfCharacter,
  popcount13,
  TABLE_2_OF_13,
  TABLE_5_OF_13,
} from './imb-tables.js';

const TRACKING = '01234567094987654321';

/**
 * USPS-B-3200 Appendix B: each step's output for the four published examples (binary data,
 * frame check sequence, codewords, codewords after step 4, characters before the CRC bits).
 */
const APPENDIX_B = [
  {
    routing: '',
    binary: 0x1122103b5c2004b1n,
    fcs: 0x051,
    codewords: [0, 0, 0, 0, 559, 202, 508, 451, 124, 17],
    characters: [0x001f, 0x001f, 0x001f, 0x001f, 0x1524, 0x01a3, 0x043c, 0x1838, 0x012b, 0x0076],
  },
  {
    routing: '01234',
    binary: 0xd138a87bab5cf3804b1n,
    fcs: 0x065,
    codewords: [0, 0, 15, 14, 290, 567, 385, 48, 388, 333],
    characters: [0x001f, 0x001f, 0x1d40, 0x0057, 0x0255, 0x0724, 0x04e8, 0x009d, 0x030b, 0x0583],
  },
  {
    routing: '012345678',
    binary: 0x202bdc097711204d21804b1n,
    fcs: 0x606,
    codewords: [0, 110, 1113, 1363, 198, 413, 470, 468, 1333, 513],
    characters: [0x1154, 0x00f8, 0x1e01, 0x0110, 0x019a, 0x1298, 0x03a2, 0x03a1, 0x0084, 0x0b11],
  },
  {
    routing: '01234567891',
    binary: 0x16907b2a24abc16a2e5c004b1n,
    fcs: 0x751,
    codewords: [14, 787, 607, 1022, 861, 19, 816, 1294, 35, 301],
    characters: [0x1234, 0x085c, 0x08e4, 0x0b06, 0x1922, 0x1740, 0x0839, 0x1200, 0x0dc0, 0x04d4],
  },
];

describe('IMb steps against USPS-B-3200 Appendix B', () => {
  it.each(APPENDIX_B)('routing "$routing": binary, CRC, codewords, characters', (example) => {
    expect(payloadToBinary(TRACKING, example.routing)).toBe(example.binary);
    expect(binaryToPayload(example.binary)).toEqual({
      ok: true,
      value: { tracking: TRACKING, routing: example.routing },
    });
    expect(crc11(example.binary)).toBe(example.fcs);
    expect(binaryToCodewords(example.binary)).toEqual(example.codewords);
    expect(codewordsToBinary(example.codewords)).toBe(example.binary);
    // Step 4 doubles J and adds 659 to A when the CRC's top bit is set; step 5 looks them up.
    const adjusted = example.codewords.map((cw, i) =>
      i === 9 ? cw * 2 : i === 0 && example.fcs & 0x400 ? cw + 659 : cw,
    );
    expect(adjusted.map(characterOfCodeword)).toEqual(example.characters);
  });
});

describe('IMb tables', () => {
  it('holds every 13-bit value with 5 (or 2) bits set exactly once, in the spec order', () => {
    expect(TABLE_5_OF_13).toHaveLength(1287);
    expect(TABLE_2_OF_13).toHaveLength(78);
    expect(new Set(TABLE_5_OF_13).size).toBe(1287);
    expect(new Set(TABLE_2_OF_13).size).toBe(78);
    expect(TABLE_5_OF_13.every((c) => popcount13(c) === 5)).toBe(true);
    expect(TABLE_2_OF_13.every((c) => popcount13(c) === 2)).toBe(true);
    // The spec's Table 18 and 19 start with a value and its reversal, and end with palindromes.
    expect(TABLE_5_OF_13.slice(0, 4)).toEqual([0x001f, 0x1f00, 0x002f, 0x1e80]);
    expect(TABLE_2_OF_13.slice(0, 4)).toEqual([0x0003, 0x1800, 0x0005, 0x1400]);
    expect(TABLE_2_OF_13.slice(-6)).toEqual([0x1001, 0x0802, 0x0404, 0x0208, 0x0110, 0x00a0]);
  });

  it('maps every character back to its codeword, and complements to the same codeword', () => {
    for (let cw = 0; cw < 1365; cw++) {
      const character = characterOfCodeword(cw);
      expect(codewordOfCharacter(character)).toEqual({ codeword: cw, complemented: false });
      expect(codewordOfCharacter(~character & 0x1fff)).toEqual({ codeword: cw, complemented: true });
    }
    expect(codewordOfCharacter(0b111)).toBeNull();
    expect(() => characterOfCodeword(1365)).toThrow(/outside/);
  });

  it('bar table uses each of the 130 character bits exactly once', () => {
    expect(BAR_SOURCES).toHaveLength(65);
    const used = BAR_SOURCES.flatMap((b) => [b.descender, b.ascender]).map((s) => s.character * 13 + s.bit);
    expect(new Set(used).size).toBe(130);
    expect(Math.max(...used)).toBe(129);
    expect(BAR_SOURCES[0]).toEqual({
      descender: { character: 7, bit: 2 },
      ascender: { character: 4, bit: 3 },
    });
  });

  it('rejects a binary value beyond the codeword range (a bug, so it throws)', () => {
    expect(() => binaryToCodewords(1n << 102n)).toThrow(/exceeds/);
    expect(() => codewordsToBars([706, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0x400)).toThrow(/outside/);
  });
});
