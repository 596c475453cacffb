/**
 * USB HID POS scanners: reports → codes. The layouts, their sources and the checks that keep a
 * report from being read at the wrong offset are in hid-pos-layout.ts. The layout is configured
 * per scanner, or (`auto`) taken from the first report that shows it and kept from then on.
 */
import { err, ok } from '../result.js';
import { latin1, type DecodedFrame, type ScanDecoder } from './decoder.js';
import {
  HID_POS_LAYOUTS,
  detectHidPosLayout,
  parseHidPosReport,
  type HidPosLayoutName,
  type HidPosReport,
} from './hid-pos-layout.js';

export {
  HID_POS_LAYOUTS,
  HID_POS_LAYOUT_NAMES,
  HID_POS_USAGE_PAGE,
  aimAt,
  detectHidPosLayout,
  parseHidPosReport,
  type HidPosLayout,
  type HidPosLayoutName,
  type HidPosReport,
} from './hid-pos-layout.js';

/** `auto`: the layout is detected from the first scanned-data report. */
export type HidPosLayoutSetting = HidPosLayoutName | 'auto';

export interface HidPosOptions {
  layout?: HidPosLayoutSetting;
  /** Called once when `auto` has detected the layout from a report. */
  onDetect?: (layout: HidPosLayoutName) => void;
  /** Longest code assembled from continued reports (a 2D code can be a few kilobytes). */
  maxLength?: number;
  /** A continued code whose next report is this late is dropped, never joined to the next scan. */
  partialTimeoutMs?: number;
}

const SCANNED_DATA_REPORT_ID = HID_POS_LAYOUTS.aim.reportId;

const UNKNOWN_LAYOUT =
  "cannot tell the scanner's report layout: no AIM identifier at bytes 2–4 or 3–5 (turn the scanner's AIM prefix on, or set the layout)";

/** Assembles codes spread over several reports (Decode Data Continued). */
export class HidPosDecoder implements ScanDecoder {
  private layoutName: HidPosLayoutName | null;
  private readonly onDetect: ((layout: HidPosLayoutName) => void) | undefined;
  private readonly maxLength: number;
  private readonly partialTimeoutMs: number;
  private chunks: Uint8Array[] = [];
  private size = 0;
  private aim: string | null = null;
  private discarding = false;
  private lastAt: number | null = null;

  constructor(opts: HidPosOptions = {}) {
    const setting = opts.layout ?? 'aim';
    this.layoutName = setting === 'auto' ? null : setting;
    this.onDetect = opts.onDetect;
    this.maxLength = opts.maxLength ?? 8192;
    this.partialTimeoutMs = opts.partialTimeoutMs ?? 1000;
  }

  push(report: Uint8Array, nowMs: number): DecodedFrame[] {
    const out = this.flush(nowMs);
    if (report[0] !== SCANNED_DATA_REPORT_ID) return out; // status or attribute reports: not scans
    const name = this.layoutOf(report);
    if (name === null) {
      out.push(err({ reason: UNKNOWN_LAYOUT, partial: this.partial() }));
      this.clear();
      return out;
    }
    const parsed = parseHidPosReport(report, HID_POS_LAYOUTS[name], name);
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

  /** The layout in use, or null while `auto` has not seen a report that shows it. */
  layout(): HidPosLayoutName | null {
    return this.layoutName;
  }

  /** The layout for this report: configured, detected before, or detected now (`auto`). */
  private layoutOf(report: Uint8Array): HidPosLayoutName | null {
    if (this.layoutName !== null) return this.layoutName;
    const found = detectHidPosLayout(report);
    if (found !== null) {
      this.layoutName = found;
      this.onDetect?.(found);
    }
    return found;
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
