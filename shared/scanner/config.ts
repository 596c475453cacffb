/**
 * A configured scanner, as the station saves it (JSON in its settings) and as the settings
 * screen edits it. Pure zod, so main, renderer and CLI validate the same way.
 */
import { z } from 'zod';
import { TERMINATORS } from './framing.js';
import { KEYBOARD_TERMINATORS } from './hid-keyboard.js';
import { HID_POS_LAYOUT_NAMES } from './hid-pos-layout.js';

const base = {
  /** Stable: recorded with every scan as the scanner that read it. */
  id: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(100),
};
const usbId = z.number().int().min(0).max(0xffff);

export const serialScannerSchema = z
  .object({
    kind: z.literal('serial'),
    ...base,
    path: z.string().min(1),
    baudRate: z.number().int().min(50).max(4_000_000).default(9600),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
    terminator: z.enum(TERMINATORS).default('CR'),
    prefix: z.string().max(32).default(''),
    suffix: z.string().max(32).default(''),
    /** Terminator NONE: this long without a byte ends a code. */
    interCharTimeoutMs: z.number().int().min(5).max(10_000).default(50),
    maxLength: z.number().int().min(16).max(65_536).default(512),
  })
  .strict();

/**
 * `serialNumber` (the USB iSerial) picks one of several identical scanners; without it the first
 * match is used. Not the hidraw path: that one can change when the scanner is replugged.
 */
const hidDevice = { vendorId: usbId, productId: usbId, serialNumber: z.string().min(1).optional() };

export const hidPosScannerSchema = z
  .object({
    kind: z.literal('hid-pos'),
    ...base,
    ...hidDevice,
    /**
     * Where the AIM identifier and the data are in its reports (shared/scanner/hid-pos-layout.ts).
     * `auto`: the layout its maker's vendor ID is known to use, else the one its first report shows.
     */
    layout: z.enum([...HID_POS_LAYOUT_NAMES, 'auto']).default('auto'),
    maxLength: z.number().int().min(16).max(65_536).default(8192),
  })
  .strict();

export const hidKeyboardScannerSchema = z
  .object({
    kind: z.literal('hid-keyboard'),
    ...base,
    ...hidDevice,
    terminator: z.enum(KEYBOARD_TERMINATORS).default('enter-or-tab'),
    /** Set when the device prefixes its keyboard reports with a report ID. */
    reportId: z.number().int().min(1).max(255).nullable().default(null),
    interCharTimeoutMs: z.number().int().min(5).max(10_000).default(50),
    maxLength: z.number().int().min(16).max(65_536).default(512),
  })
  .strict();

/**
 * A HID POS scanner's report layout as its status tells it: the layout in use (null until `auto`
 * has seen a report that shows it) and how it was chosen, for the settings screen to confirm.
 */
export const hidPosLayoutStatusSchema = z.object({
  layout: z.enum(HID_POS_LAYOUT_NAMES).nullable(),
  how: z.enum(['configured', 'vendor', 'detected']),
});

export const scannerConfigSchema = z.discriminatedUnion('kind', [
  serialScannerSchema,
  hidPosScannerSchema,
  hidKeyboardScannerSchema,
]);

export type ScannerConfig = z.output<typeof scannerConfigSchema>;
/** What a caller may write: defaults filled in by `scannerConfigSchema.parse`. */
export type ScannerConfigInput = z.input<typeof scannerConfigSchema>;
export type SerialScannerConfig = z.output<typeof serialScannerSchema>;
export type HidPosScannerConfig = z.output<typeof hidPosScannerSchema>;
export type HidKeyboardScannerConfig = z.output<typeof hidKeyboardScannerSchema>;
export type ScannerKind = ScannerConfig['kind'];
