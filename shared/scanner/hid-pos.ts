/**
 * USB HID Point of Sale bar code scanners (usage page 0x8C): input reports → codes.
 *
 * The usages come from the USB-IF "HID Point of Sale Usage Tables" 1.02 (5 March 2001), §3
 * "Usage Page Bar Code Scanner (0x8C)", now folded into the HID Usage Tables: the Scanned Data
 * Report (usage 0x12) carries Symbology Identifier 1–3 (0xFB–0xFD), Decoded Data (0xFE) and
 * Decode Data Continued (0xFF, a flag: more of this code follows in the next report).
 * The usage tables name these fields but leave their byte positions to each device's report
 * descriptor. Scanners in "HID POS" mode all send one fixed 64-byte input report, report ID 2,
 * with the data length in byte 1 and the continued flag in bit 0 of byte 63; they differ in
 * where the symbology goes. The two layouts below are the documented ones:
 *
 * - `aim`: bytes 2–4 the AIM symbology identifier (`]`, letter, modifier; ISO/IEC 15424),
 *   5–60 up to 56 data bytes, 61 the vendor's own symbology code, 62 reserved.
 *   Source: Access-IS LSR118 / ATR110 product manuals, appendix "HID reports – barcode only",
 *   "Receive data" (with a two-report example: byte 63 is 0x01 then 0x00); the same bytes are
 *   seen from Honeywell scanners in USB HID POS mode (github.com/HenkVanAsselt/python_hon_usbhid,
 *   README: `[2, 56, 93, 88, 48, …, 63, 0, 1]`).
 * - `plain`: bytes 2–57 up to 56 data bytes, 58–61 reserved, 62 the vendor's symbology code
 *   (or 0x00), no AIM identifier. Source: Newland NLS-FM420 integration guide, "USB Interface →
 *   HID-POS → Getting Scanned Data" (VID 0x1EAB); ID TECH 2DScan and Unitech MS842N manuals
 *   print the same table.
 *
 * Byte 0 is the report ID as hidapi (node-hid) delivers it for devices with numbered reports.
 * Reports with another ID (a device's status or attribute reports) are not scans: ignored.
 */
import { err, ok, type Result } from '../result.js';
import { latin1, type DecodedFrame, type ScanDecoder } from './decoder.js';

export const HID_POS_USAGE_PAGE = 0x8c;

export interface HidPosLayout {
  readonly reportId: number;
  readonly lengthOffset: number;
  /** Where the 3-byte AIM identifier starts, or null when the layout has none. */
  readonly aimOffset: number | null;
  readonly dataOffset: number;
  readonly dataCapacity: number;
  /** The byte whose bit 0 is Decode Data Continued. */
  readonly flagsOffset: number;
}

export const HID_POS_LAYOUT_NAMES = ['aim', 'plain'] as const;
export type HidPosLayoutName = (typeof HID_POS_LAYOUT_NAMES)[number];

export const HID_POS_LAYOUTS: Readonly<Record<HidPosLayoutName, HidPosLayout>> = {
  aim: { reportId: 0x02, lengthOffset: 1, aimOffset: 2, dataOffset: 5, dataCapacity: 56, flagsOffset: 63 },
  plain: {
    reportId: 0x02,
    lengthOffset: 1,
    aimOffset: null,
    dataOffset: 2,
    dataCapacity: 56,
    flagsOffset: 63,
  },
};

export interface HidPosReport {
  aim: string | null;
  data: Uint8Array;
  continued: boolean;
}

/** One report: null when it is not a scanned-data report, an error when it is one but malformed. */
export function parseHidPosReport(
  report: Uint8Array,
  layout: HidPosLayout,
): Result<HidPosReport, string> | null {
  if (report[0] !== layout.reportId) return null;
  const length = report[layout.lengthOffset];
  if (length === undefined)
    return err(`HID POS report of ${report.length} bytes is too short to carry a length`);
  if (length > layout.dataCapacity)
    return err(`HID POS report declares ${length} data bytes, room for ${layout.dataCapacity}`);
  const end = layout.dataOffset + length;
  if (report.length < end) return err(`HID POS report truncated: ${report.length} bytes, data needs ${end}`);
  const continued = ((report[layout.flagsOffset] ?? 0) & 0x01) === 0x01;
  return ok({ aim: aimOf(report, layout), data: report.slice(layout.dataOffset, end), continued });
}

function aimOf(report: Uint8Array, layout: HidPosLayout): string | null {
  if (layout.aimOffset === null || report[layout.aimOffset] !== 0x5d) return null;
  const id = report.slice(layout.aimOffset, layout.aimOffset + 3);
  return id.length === 3 && id.every((b) => b > 0x20 && b < 0x7f) ? latin1(id) : null;
}

export interface HidPosOptions {
  layout?: HidPosLayout;
  /** Longest code assembled from continued reports (a 2D code can be a few kilobytes). */
  maxLength?: number;
  /** A continued code whose next report is this late is dropped, never joined to the next scan. */
  partialTimeoutMs?: number;
}

/** Assembles codes spread over several reports (Decode Data Continued). */
export class HidPosDecoder implements ScanDecoder {
  private readonly layout: HidPosLayout;
  private readonly maxLength: number;
  private readonly partialTimeoutMs: number;
  private chunks: Uint8Array[] = [];
  private size = 0;
  private aim: string | null = null;
  private discarding = false;
  private lastAt: number | null = null;

  constructor(opts: HidPosOptions = {}) {
    this.layout = opts.layout ?? HID_POS_LAYOUTS.aim;
    this.maxLength = opts.maxLength ?? 8192;
    this.partialTimeoutMs = opts.partialTimeoutMs ?? 1000;
  }

  push(report: Uint8Array, nowMs: number): DecodedFrame[] {
    const out = this.flush(nowMs);
    const parsed = parseHidPosReport(report, this.layout);
    if (parsed === null) return out;
    if (!parsed.ok) {
      out.push(err({ reason: parsed.error, partial: this.partial() }));
      this.clear();
      return out;
    }
    this.lastAt = nowMs;
    out.push(...this.take(parsed.value));
    return out;
  }

  flush(nowMs: number): DecodedFrame[] {
    const due = this.deadline();
    if (due === null || nowMs < due) return [];
    return this.reset('the rest of a continued HID POS code never came');
  }

  deadline(): number | null {
    return this.pending() && this.lastAt !== null ? this.lastAt + this.partialTimeoutMs : null;
  }

  reset(reason: string): DecodedFrame[] {
    const had = this.chunks.length > 0;
    const partial = this.partial();
    this.clear();
    return had ? [err({ reason: `${reason}: partial code dropped`, partial })] : [];
  }

  private take(r: HidPosReport): DecodedFrame[] {
    if (this.discarding) {
      if (!r.continued) this.clear();
      return [];
    }
    if (this.chunks.length === 0) this.aim = r.aim;
    this.chunks.push(r.data);
    this.size += r.data.length;
    if (this.size > this.maxLength) {
      const partial = this.partial();
      this.clear();
      this.discarding = r.continued;
      return [err({ reason: `code longer than ${this.maxLength} characters: dropped`, partial })];
    }
    return r.continued ? [] : [this.finish()];
  }

  private finish(): DecodedFrame {
    // Scanners may still append their configured suffix; a code never ends in CR, LF or Tab.
    const text = this.partial().replace(/[\r\n\t]+$/, '');
    const aim = this.aim;
    this.clear();
    if (text === '') return err({ reason: 'HID POS report with no data', partial: '' });
    return ok(aim === null ? { text } : { text, symbology: aim });
  }

  private pending(): boolean {
    return this.chunks.length > 0 || this.discarding;
  }

  private partial(): string {
    return this.chunks.map((c) => latin1(c)).join('');
  }

  private clear(): void {
    this.chunks = [];
    this.size = 0;
    this.aim = null;
    this.discarding = false;
  }
}
