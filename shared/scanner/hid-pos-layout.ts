/**
 * USB HID Point of Sale bar code scanners (usage page 0x8C): where the bytes of an input report are.
 *
 * The usages come from the USB-IF "HID Point of Sale Usage Tables" 1.02 (5 March 2001), §3
 * "Usage Page Bar Code Scanner (0x8C)", now folded into the HID Usage Tables: the Scanned Data
 * Report (usage 0x12) carries Symbology Identifier 1–3 (0xFB–0xFD), Decoded Data (0xFE) and
 * Decode Data Continued (0xFF, a flag: more of this code follows in the next report).
 * The usage tables name these fields but leave their byte positions to each device's report
 * descriptor. Scanners in "HID POS" mode send one fixed 64-byte input report, report ID 2, with
 * the data length in byte 1 and the continued flag in bit 0 of byte 63; they differ in where
 * the symbology goes:
 *
 * - `aim`: bytes 2–4 the AIM symbology identifier (`]`, letter, modifier; ISO/IEC 15424),
 *   5–60 up to 56 data bytes, 61 the vendor's own symbology code, 62 reserved.
 *   Source: Access-IS LSR118 / ATR110 product manuals, appendix "HID reports – barcode only",
 *   "Receive data" (a two-report example: byte 63 is 0x01 then 0x00); Honeywell in USB HID POS
 *   mode (github.com/HenkVanAsselt/python_hon_usbhid, README: `[2, 56, 93, 88, 48, …]`), and
 *   github.com/NielsLeenheer/WebHidBarcodeScanner (src/main.js, Honeywell 0x0c2e: WebHID strips
 *   the report ID, so its data[0] length, data[1–3] AIM, data[4…] the code are bytes 1, 2–4, 5…).
 * - `aim-at-3`: the AIM identifier at bytes 3–5 and data from byte 6 (byte 2 is not read).
 *   The layout the same WebHID library handles for Zebra (USB vendor 0x05e0) and Datalogic
 *   (0x05f9) scanners in HID POS mode (its README: "Honeywell, Zebra or DataLogic … in HID POS
 *   mode"; the stored copy of its code read here handled only Honeywell's 0x0c2e, so these byte
 *   positions also rest on the field report below and DOMAIN.md §5). Read with `aim`, such a
 *   report comes out one byte off and can still look valid:
 *   the IMb 0123456709498765432101234567891 became 0012345670949876543210123456789.
 * - `plain`: bytes 2–57 up to 56 data bytes, 58–61 reserved, 62 the vendor's symbology code
 *   (or 0x00), no AIM identifier. Source: Newland NLS-FM420 integration guide, "USB Interface →
 *   HID-POS → Getting Scanned Data" (VID 0x1EAB); ID TECH 2DScan and Unitech MS842N manuals.
 *
 * A report is checked against its layout, never read at a guessed offset: an AIM layout needs
 * a well-formed AIM identifier where it says, and `plain` refuses a report that carries one at
 * bytes 2–4 or 3–5 (that is an AIM layout read wrongly). Data never runs into zero padding.
 * So a report built in one layout and read in another is refused, never read as another code.
 *
 * Byte 0 is the report ID as hidapi (node-hid) delivers it for devices with numbered reports.
 * Reports with another ID (a device's status or attribute reports) are not scans: ignored.
 */
import { err, ok, type Result } from '../result.js';
import { latin1 } from './decoder.js';

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

export const HID_POS_LAYOUT_NAMES = ['aim', 'aim-at-3', 'plain'] as const;
export type HidPosLayoutName = (typeof HID_POS_LAYOUT_NAMES)[number];

const FIXED = { reportId: 0x02, lengthOffset: 1, dataCapacity: 56, flagsOffset: 63 } as const;

export const HID_POS_LAYOUTS: Readonly<Record<HidPosLayoutName, HidPosLayout>> = {
  aim: { ...FIXED, aimOffset: 2, dataOffset: 5 },
  'aim-at-3': { ...FIXED, aimOffset: 3, dataOffset: 6 },
  plain: { ...FIXED, aimOffset: null, dataOffset: 2 },
};

/** Where each layout's AIM identifier is, in the words a supervisor reads. */
const AIM_PLACE: Readonly<Record<HidPosLayoutName, string>> = {
  aim: 'bytes 2–4',
  'aim-at-3': 'bytes 3–5',
  plain: 'nowhere',
};

export interface HidPosReport {
  aim: string | null;
  data: Uint8Array;
  continued: boolean;
}

const isLetter = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** `]`, a symbology letter and a modifier (digit or letter) at `at` (ISO/IEC 15424). */
export function aimAt(report: Uint8Array, at: number): string | null {
  const [b0, b1, b2] = [report[at], report[at + 1], report[at + 2]];
  if (b0 !== 0x5d || !isLetter(b1) || !(isDigit(b2) || isLetter(b2))) return null;
  return latin1(report.slice(at, at + 3));
}

/** Which AIM layout a report is in, judged by where its AIM identifier is; null if neither. */
export function detectHidPosLayout(report: Uint8Array): 'aim' | 'aim-at-3' | null {
  if (aimAt(report, 2) !== null) return 'aim';
  if (aimAt(report, 3) !== null) return 'aim-at-3';
  return null;
}

/**
 * One report: null when it is not a scanned-data report, an error (for the clerk) when it is
 * one but malformed or not of this layout.
 */
export function parseHidPosReport(
  report: Uint8Array,
  layout: HidPosLayout,
  name: HidPosLayoutName = layoutName(layout),
): Result<HidPosReport, string> | null {
  if (report[0] !== layout.reportId) return null;
  const length = report[layout.lengthOffset];
  if (length === undefined)
    return err(`HID POS report of ${report.length} bytes is too short to carry a length`);
  if (length > layout.dataCapacity)
    return err(`HID POS report declares ${length} data bytes, room for ${layout.dataCapacity}`);
  const end = layout.dataOffset + length;
  if (report.length < end) return err(`HID POS report truncated: ${report.length} bytes, data needs ${end}`);
  const misplaced = checkAim(report, name);
  if (misplaced !== null) return err(misplaced);
  const data = report.slice(layout.dataOffset, end);
  if (data.includes(0x00))
    return err(`the scanner's report does not fit the "${name}" layout: its data runs into empty padding`);
  const continued = ((report[layout.flagsOffset] ?? 0) & 0x01) === 0x01;
  const aim = layout.aimOffset === null ? null : aimAt(report, layout.aimOffset);
  return ok({ aim, data, continued });
}

/** Null when the AIM identifier is where the layout says (or, for `plain`, nowhere). */
function checkAim(report: Uint8Array, name: HidPosLayoutName): string | null {
  const found = detectHidPosLayout(report);
  if (name === 'plain') {
    if (found === null) return null;
    return `the scanner's report carries an AIM identifier at ${AIM_PLACE[found]}, so it is not in the "plain" layout: set the scanner's layout to "${found}"`;
  }
  if (found === name) return null;
  const where =
    found === null
      ? 'it has none'
      : `it has one at ${AIM_PLACE[found]}: set the scanner's layout to "${found}"`;
  return `the scanner's report has no AIM identifier at ${AIM_PLACE[name]}, where the "${name}" layout puts it (${where})`;
}

function layoutName(layout: HidPosLayout): HidPosLayoutName {
  const hit = HID_POS_LAYOUT_NAMES.find((n) => HID_POS_LAYOUTS[n] === layout);
  if (hit !== undefined) return hit;
  return layout.aimOffset === null ? 'plain' : layout.aimOffset === 3 ? 'aim-at-3' : 'aim';
}
