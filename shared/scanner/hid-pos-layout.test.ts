/**
 * HID POS report layouts, byte for byte. Fixtures are 64-byte input reports as hidapi delivers
 * them (byte 0 the report ID 0x02), built from the public layouts named in hid-pos-layout.ts:
 * - `aim`: Access-IS LSR118/ATR110 manuals, appendix "HID reports – barcode only"; Honeywell HID POS
 *   (github.com/HenkVanAsselt/python_hon_usbhid README; github.com/NielsLeenheer/WebHidBarcodeScanner
 *   src/main.js, vendor 0x0c2e: WebHID's data[0] length, data[1–3] AIM, data[4…] code).
 * - `aim-at-3`: the AIM identifier at bytes 3–5 and data from byte 6, the layout that WebHID library
 *   handles beside the Zebra 0x05e0 and Datalogic 0x05f9 vendor IDs (its README: "Honeywell, Zebra
 *   or DataLogic … in HID POS mode"). Byte 2 is not read; the fixtures hold 0x00 there.
 * - `plain`: Newland NLS-FM420 integration guide, "USB Interface → HID-POS → Getting Scanned Data".
 * Usage page 0x8C, usage 0x02: USB-IF "HID Point of Sale Usage Tables" 1.02, §3.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeScan } from '../barcode/decode.js';
import type { DecodedFrame } from './decoder.js';
import {
  HID_POS_LAYOUTS,
  HID_POS_LAYOUT_NAMES,
  detectHidPosLayout,
  parseHidPosReport,
  type HidPosLayoutName,
} from './hid-pos-layout.js';
import { HidPosDecoder } from './hid-pos.js';

/** expect.stringContaining is typed any; inside an object literal that trips no-unsafe-assignment. */
const containing = (text: string): unknown => expect.stringContaining(text);

const hex = (s: string): Uint8Array =>
  Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)));

const texts = (frames: DecodedFrame[]): unknown[] =>
  frames.map((f) => (f.ok ? f.value : `!${f.error.reason}`));

const IMB = '0123456709498765432101234567891';
/** What the station read before: the same report one byte off, a valid IMb of another mailer. */
const IMB_ONE_BYTE_OFF = '0012345670949876543210123456789';

// `aim-at-3`, IMb as 31 digits with AIM `]X0`: ID 02, length 1f, byte 2 00, "]X0" at 3–5, digits from 6.
const AIM_AT_3_IMB = hex(`
  02 1f 00 5d 58 30 30 31 32 33 34 35 36 37 30 39
  34 39 38 37 36 35 34 33 32 31 30 31 32 33 34 35
  36 37 38 39 31 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`);

// `aim`, the same IMb: "]X0" at 2–4, digits from 5, Honeywell code id 'M' (IMb) at 61.
const AIM_IMB = hex(`
  02 1f 5d 58 30 30 31 32 33 34 35 36 37 30 39 34
  39 38 37 36 35 34 33 32 31 30 31 32 33 34 35 36
  37 38 39 31 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 4d 00 00`);

// `plain`, the same IMb: digits from 2, no AIM identifier.
const PLAIN_IMB = hex(`
  02 1f 30 31 32 33 34 35 36 37 30 39 34 39 38 37
  36 35 34 33 32 31 30 31 32 33 34 35 36 37 38 39
  31 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`);

const FIXTURES: Record<HidPosLayoutName, Uint8Array> = {
  aim: AIM_IMB,
  'aim-at-3': AIM_AT_3_IMB,
  plain: PLAIN_IMB,
};

describe('HID POS layouts, byte for byte', () => {
  it.each(HID_POS_LAYOUT_NAMES)('reads the IMb fixture of the %s layout in that layout', (name) => {
    expect(FIXTURES[name]).toHaveLength(64);
    const r = parseHidPosReport(FIXTURES[name], HID_POS_LAYOUTS[name], name);
    expect(r).toMatchObject({ ok: true, value: { aim: name === 'plain' ? null : ']X0', continued: false } });
    if (r?.ok) expect(String.fromCharCode(...r.value.data)).toBe(IMB);
  });

  it('the exact failing report: aim-at-3 read one byte off would be a different valid IMb; now refused', () => {
    // Why it matters: the text the old reading gave decodes as an IMb of another mailer.
    const wrong = decodeScan(IMB_ONE_BYTE_OFF, null);
    expect(wrong).toMatchObject({ ok: true, value: { kind: 'imb' } });
    const r = parseHidPosReport(AIM_AT_3_IMB, HID_POS_LAYOUTS.aim, 'aim');
    expect(r).toEqual({
      ok: false,
      error:
        'the scanner\'s report has no AIM identifier at bytes 2–4, where the "aim" layout puts it (it has one at bytes 3–5: set the scanner\'s layout to "aim-at-3")',
    });
    expect(texts(new HidPosDecoder({ layout: 'aim-at-3' }).push(AIM_AT_3_IMB, 0))).toEqual([
      { text: IMB, symbology: ']X0' },
    ]);
  });

  it('an aim report read as aim-at-3, and either read as plain, is refused with the layout to set', () => {
    expect(parseHidPosReport(AIM_IMB, HID_POS_LAYOUTS['aim-at-3'], 'aim-at-3')).toMatchObject({
      ok: false,
      error: containing('set the scanner\'s layout to "aim"'),
    });
    expect(parseHidPosReport(AIM_IMB, HID_POS_LAYOUTS.plain, 'plain')).toMatchObject({
      ok: false,
      error: containing('not in the "plain" layout'),
    });
    expect(parseHidPosReport(AIM_AT_3_IMB, HID_POS_LAYOUTS.plain, 'plain')).toMatchObject({ ok: false });
  });

  it('a plain report read with an AIM layout is refused (no AIM identifier where it says)', () => {
    for (const name of ['aim', 'aim-at-3'] as const)
      expect(parseHidPosReport(PLAIN_IMB, HID_POS_LAYOUTS[name], name)).toMatchObject({
        ok: false,
        error: containing('it has none'),
      });
  });

  it('an oversized report reads its 64-byte fields only; a cut-off one is an error, never a guess', () => {
    const big = new Uint8Array(4096).fill(0x41);
    big.set(AIM_AT_3_IMB.slice(0, 37));
    big.fill(0, 37, 64);
    expect(texts(new HidPosDecoder({ layout: 'aim-at-3' }).push(big, 0))).toEqual([
      { text: IMB, symbology: ']X0' },
    ]);
    for (const cut of [1, 4, 6, 20])
      expect(
        parseHidPosReport(AIM_AT_3_IMB.slice(0, cut), HID_POS_LAYOUTS['aim-at-3'], 'aim-at-3'),
      ).toMatchObject({
        ok: false,
      });
  });

  it('detects the layout from where the AIM identifier is', () => {
    expect(detectHidPosLayout(AIM_IMB)).toBe('aim');
    expect(detectHidPosLayout(AIM_AT_3_IMB)).toBe('aim-at-3');
    expect(detectHidPosLayout(PLAIN_IMB)).toBeNull();
    // `]` then something that is not a symbology letter is no AIM identifier.
    expect(detectHidPosLayout(hex('02 03 5d 31 30 41 42 43'))).toBeNull();
  });

  it('auto: the first report decides, the decoder tells once, and later reports must match', () => {
    const told: string[] = [];
    const d = new HidPosDecoder({ layout: 'auto', onDetect: (l) => told.push(l) });
    expect(d.layout()).toBeNull();
    expect(texts(d.push(AIM_AT_3_IMB, 0))).toEqual([{ text: IMB, symbology: ']X0' }]);
    expect(d.layout()).toBe('aim-at-3');
    expect(texts(d.push(AIM_AT_3_IMB, 1))).toEqual([{ text: IMB, symbology: ']X0' }]);
    expect(texts(d.push(AIM_IMB, 2))).toEqual([
      expect.stringContaining('set the scanner\'s layout to "aim"'),
    ]);
    expect(told).toEqual(['aim-at-3']);
  });

  it('auto: a report that shows no layout is a fault, not a scan, and detection waits for one that does', () => {
    const d = new HidPosDecoder({ layout: 'auto' });
    expect(texts(d.push(PLAIN_IMB, 0))).toEqual([
      expect.stringContaining("cannot tell the scanner's report layout"),
    ]);
    expect(d.layout()).toBeNull();
    expect(texts(d.push(AIM_IMB, 1))).toEqual([{ text: IMB, symbology: ']X0' }]);
  });
});

/** A report built in `name` from a payload, padded with zeros as devices send them. */
function build(
  name: HidPosLayoutName,
  aim: string,
  payload: number[],
  byte2: number,
  continued: boolean,
): Uint8Array {
  const r = new Uint8Array(64);
  const layout = HID_POS_LAYOUTS[name];
  r[0] = 0x02;
  r[1] = payload.length;
  if (name === 'aim-at-3') r[2] = byte2;
  if (layout.aimOffset !== null)
    r.set(
      Array.from(aim, (c) => c.charCodeAt(0)),
      layout.aimOffset,
    );
  r.set(payload, layout.dataOffset);
  r[63] = continued ? 1 : 0;
  return r;
}

describe('a report read in another layout', () => {
  const aimId = fc
    .tuple(fc.constantFrom(...'ACEFGILQUXdez'), fc.constantFrom(...'0123456789AB'))
    .map(([l, m]) => `]${l}${m}`);
  const payload = fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 56 });
  const layoutName = fc.constantFrom(...HID_POS_LAYOUT_NAMES);

  it('is refused or read identically, never as a different code (property, any payload and byte 2)', () => {
    fc.assert(
      fc.property(
        layoutName,
        layoutName,
        aimId,
        payload,
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (x, y, aim, data, byte2, continued) => {
          fc.pre(x !== y);
          const report = build(x, aim, data, byte2, continued);
          const asY = parseHidPosReport(report, HID_POS_LAYOUTS[y], y);
          if (asY === null || !asY.ok) return;
          const asX = parseHidPosReport(report, HID_POS_LAYOUTS[x], x);
          expect(asX).toEqual(asY);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('an AIM layout always reads its own report back (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('aim' as const, 'aim-at-3' as const),
        aimId,
        payload,
        fc.integer({ min: 0, max: 255 }),
        (x, aim, data, byte2) => {
          const r = parseHidPosReport(build(x, aim, data, byte2, false), HID_POS_LAYOUTS[x], x);
          expect(r).toEqual({ ok: true, value: { aim, data: Uint8Array.from(data), continued: false } });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
