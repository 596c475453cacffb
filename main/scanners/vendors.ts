/**
 * USB vendor IDs of bar code scanner makers, to sort and label what discovery finds.
 * Checked against the USB ID Repository (usb.ids, as shipped in systemd's
 * hwdb.d/20-usb-vendor-model.hwdb) and, where noted, the maker's own manual.
 * Socket Mobile is left out: no public source tied it to a USB vendor ID.
 *
 * `hidPosLayout`: the HID POS report layout a maker's scanners use, where a public source shows
 * it (shared/scanner/hid-pos-layout.ts names the sources); a scanner set to layout `auto` starts
 * with it, and one of a maker without it has its layout detected from its first report.
 */
import type { HidPosLayoutName } from '../../shared/scanner/hid-pos-layout.js';

export interface ScannerVendor {
  vendorId: number;
  name: string;
  hidPosLayout?: HidPosLayoutName;
}

export const SCANNER_VENDORS: readonly ScannerVendor[] = [
  { vendorId: 0x0c2e, name: 'Honeywell (Metrologic)', hidPosLayout: 'aim' }, // usb.ids: Metrologic Instruments; Voyager 1400g, Vuquest 3310g
  { vendorId: 0x0536, name: 'Honeywell (Hand Held Products)' }, // usb.ids: Hand Held Products (Welch Allyn)
  { vendorId: 0x05e0, name: 'Zebra (Symbol)', hidPosLayout: 'aim-at-3' }, // usb.ids: Symbol Technologies; "Bar Code Scanner", SNAPI
  { vendorId: 0x05f9, name: 'Datalogic (PSC)', hidPosLayout: 'aim-at-3' }, // usb.ids: PSC Scanning; Gryphon, Magellan
  { vendorId: 0x080c, name: 'Datalogic' }, // usb.ids: Datalogic S.p.A.
  { vendorId: 0x11fa, name: 'Code Corporation' }, // Code Corp. ICD D014465 §5.1: "All Code products use the same Vendor ID (VID) of 11FA"
  { vendorId: 0x1eab, name: 'Newland', hidPosLayout: 'plain' }, // usb.ids: Fujian Newland Computer; NLS-FM420 guide: VID 1EAB
  { vendorId: 0x065a, name: 'Opticon' }, // usb.ids: Optoelectronics Co.; OPR-2001, NLV-1001
  { vendorId: 0x067e, name: 'Intermec' }, // usb.ids: Intermec Technologies
];

export function knownVendor(vendorId: number | undefined): string | null {
  if (vendorId === undefined) return null;
  return SCANNER_VENDORS.find((v) => v.vendorId === vendorId)?.name ?? null;
}

/** The HID POS layout known for a maker's vendor ID, if any. */
export function vendorHidPosLayout(vendorId: number): HidPosLayoutName | null {
  return SCANNER_VENDORS.find((v) => v.vendorId === vendorId)?.hidPosLayout ?? null;
}
