import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from './decoder.js';
import { HID_POS_LAYOUTS, HidPosDecoder, parseHidPosReport } from './hid-pos.js';

/** expect.stringContaining is typed any; inside an object literal that trips no-unsafe-assignment. */
const containing = (text: string): unknown => expect.stringContaining(text);

const hex = (s: string): Uint8Array =>
  Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)));

/** A 64-byte report laid out by hand: [byte offset, bytes] pairs over zeros. */
function report(parts: [number, number[] | string][]): Uint8Array {
  const r = new Uint8Array(64);
  for (const [at, v] of parts) r.set(typeof v === 'string' ? Array.from(v, (c) => c.charCodeAt(0)) : v, at);
  return r;
}

const texts = (frames: DecodedFrame[]): unknown[] =>
  frames.map((f) => (f.ok ? f.value : `!${f.error.reason}`));

// `aim` layout, Code 128 "B0001234": ID 02, length 08, "]C0", data, Honeywell code id 'j', flags 00.
const AIM_CODE128 = hex(`
  02 08 5d 43 30 42 30 30 30 31 32 33 34 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 6a 00 00`);

// `plain` layout, "12345678" then symbology code 0x32 at byte 62, flags 00.
const PLAIN_8 = hex(`
  02 08 31 32 33 34 35 36 37 38 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 32 00`);

describe('parseHidPosReport', () => {
  it('reads the aim layout byte for byte', () => {
    expect(AIM_CODE128).toHaveLength(64);
    const r = parseHidPosReport(AIM_CODE128, HID_POS_LAYOUTS.aim);
    expect(r).toEqual({ ok: true, value: { aim: ']C0', data: hex('4230303031323334'), continued: false } });
  });

  it('reads the plain layout byte for byte', () => {
    const r = parseHidPosReport(PLAIN_8, HID_POS_LAYOUTS.plain);
    expect(r).toEqual({ ok: true, value: { aim: null, data: hex('3132333435363738'), continued: false } });
  });

  it('ignores reports with another report ID', () => {
    expect(parseHidPosReport(hex('0108'), HID_POS_LAYOUTS.aim)).toBeNull();
    expect(parseHidPosReport(new Uint8Array(0), HID_POS_LAYOUTS.aim)).toBeNull();
  });

  it('rejects a length beyond the 56-byte data field and truncated reports', () => {
    expect(parseHidPosReport(report([[0, [2, 57]]]), HID_POS_LAYOUTS.aim)).toEqual({
      ok: false,
      error: 'HID POS report declares 57 data bytes, room for 56',
    });
    expect(parseHidPosReport(hex('02 08 5d 43 30 41'), HID_POS_LAYOUTS.aim)).toMatchObject({ ok: false });
    expect(parseHidPosReport(hex('02'), HID_POS_LAYOUTS.aim)).toMatchObject({ ok: false });
  });

  it('a report without AIM identifier where the layout puts it is refused, not read at a guess', () => {
    const r = parseHidPosReport(
      report([
        [0, [2, 2]],
        [5, 'AB'],
      ]),
      HID_POS_LAYOUTS.aim,
    );
    expect(r).toMatchObject({ ok: false, error: containing('no AIM identifier at bytes 2–4') });
  });
});

describe('HidPosDecoder', () => {
  // 60 bytes, as in the Access-IS example: 56 in the first report, 4 in the second.
  const all = 'M1DOE/JANE EABCDEF BOSJFKAA 0123 100Y012A0034 100 EXTRA-0060';

  it('assembles a code spread over reports with Decode Data Continued', () => {
    expect(all).toHaveLength(60);
    const first = report([
      [0, [2, 56]],
      [2, ']Q0'],
      [5, all.slice(0, 56)],
      [61, 's'],
      [63, [0x01]],
    ]);
    const second = report([
      [0, [2, 4]],
      [2, ']Q0'],
      [5, all.slice(56)],
      [61, 's'],
      [63, [0x00]],
    ]);
    const d = new HidPosDecoder();
    expect(d.push(first, 0)).toEqual([]);
    expect(d.deadline()).toBe(1000);
    expect(texts(d.push(second, 5))).toEqual([{ text: all, symbology: ']Q0' }]);
    expect(d.deadline()).toBeNull();
  });

  it('one code per report when not continued, and strips a trailing suffix', () => {
    const d = new HidPosDecoder();
    expect(texts(d.push(AIM_CODE128, 0))).toEqual([{ text: 'B0001234', symbology: ']C0' }]);
    const withCr = report([
      [0, [2, 4]],
      [2, ']A0'],
      [5, 'AB\r\n'],
    ]);
    expect(texts(d.push(withCr, 1))).toEqual([{ text: 'AB', symbology: ']A0' }]);
  });

  it('plain layout has no symbology', () => {
    expect(texts(new HidPosDecoder({ layout: 'plain' }).push(PLAIN_8, 0))).toEqual([{ text: '12345678' }]);
  });

  it('a continued code whose tail never comes is reported, not glued to the next', () => {
    const d = new HidPosDecoder({ partialTimeoutMs: 500 });
    d.push(
      report([
        [0, [2, 3]],
        [2, ']C0'],
        [5, 'ABC'],
        [63, [1]],
      ]),
      0,
    );
    const out = d.push(AIM_CODE128, 2000);
    expect(texts(out)).toEqual([
      expect.stringContaining('never came'),
      { text: 'B0001234', symbology: ']C0' },
    ]);
    expect(out[0]).toMatchObject({ ok: false, error: { partial: 'ABC' } });
  });

  it('reset reports the partial once (unplug)', () => {
    const d = new HidPosDecoder();
    d.push(
      report([
        [0, [2, 3]],
        [2, ']C0'],
        [5, 'ABC'],
        [63, [1]],
      ]),
      0,
    );
    expect(d.reset('scanner unplugged')).toEqual([
      { ok: false, error: { reason: 'scanner unplugged: partial code dropped', partial: 'ABC' } },
    ]);
    expect(d.reset('again')).toEqual([]);
  });

  it('over maxLength: one error, then drops the rest of that code', () => {
    const d = new HidPosDecoder({ maxLength: 60 });
    const part = (flag: number): Uint8Array =>
      report([
        [0, [2, 56]],
        [2, ']L0'],
        [5, 'P'.repeat(56)],
        [63, [flag]],
      ]);
    expect(d.push(part(1), 0)).toEqual([]);
    expect(texts(d.push(part(1), 1))).toEqual([expect.stringContaining('longer than 60')]);
    expect(d.push(part(0), 2)).toEqual([]);
    expect(texts(d.push(AIM_CODE128, 3))).toEqual([{ text: 'B0001234', symbology: ']C0' }]);
  });

  it('a malformed report drops a pending partial with the error', () => {
    const d = new HidPosDecoder();
    d.push(
      report([
        [0, [2, 3]],
        [2, ']C0'],
        [5, 'ABC'],
        [63, [1]],
      ]),
      0,
    );
    const out = d.push(report([[0, [2, 99]]]), 1);
    expect(out).toMatchObject([{ ok: false, error: { partial: 'ABC' } }]);
    expect(texts(d.push(AIM_CODE128, 2))).toEqual([{ text: 'B0001234', symbology: ']C0' }]);
  });

  it('ignores reports that are not scanned data, and empty data is an error', () => {
    const d = new HidPosDecoder();
    expect(
      d.push(
        report([
          [0, [4, 3]],
          [2, 'XYZ'],
        ]),
        0,
      ),
    ).toEqual([]);
    expect(
      texts(
        d.push(
          report([
            [0, [2, 0]],
            [2, ']C0'],
          ]),
          1,
        ),
      ),
    ).toEqual(['!HID POS report with no data']);
  });
});
