/**
 * The scanner contract: one tiny interface that serial, HID POS and HID keyboard scanners all
 * implement (STYLE.md: hardware behind a tiny interface). A source connects, reconnects after
 * an unplug, and reports three things: codes, faults (a broken code: over-long, cut off by an
 * unplug…) and its connection state. Nothing it reads is thrown into the caller.
 */
export {
  scannerConfigSchema,
  type HidKeyboardScannerConfig,
  type HidPosScannerConfig,
  type ScannerConfig,
  type ScannerConfigInput,
  type ScannerKind,
  type SerialScannerConfig,
} from '../../shared/scanner/config.js';
import type { z } from 'zod';
import type { hidPosLayoutStatusSchema } from '../../shared/scanner/config.js';

export interface ScanEvent {
  scannerId: string;
  text: string;
  /** AIM symbology identifier (e.g. `]C0`) when the device sent it apart from the data (HID POS). */
  symbology?: string;
  /** ISO 8601 instant the code was complete. */
  at: string;
}

/**
 * Something the clerk scanned that did not arrive whole. Every scan leaves a record (DOMAIN.md
 * §2), so intake should record it (as UNREADABLE) and ask for a rescan.
 */
export interface ScanFault {
  scannerId: string;
  reason: string;
  /** What had arrived of it. */
  partial: string;
  at: string;
}

export const SCANNER_STATES = ['connecting', 'connected', 'disconnected', 'error'] as const;
/** `error`: the scanner is there but cannot be used (permission, busy); retries continue. */
export type ScannerState = (typeof SCANNER_STATES)[number];

/**
 * How a HID POS scanner's report layout was chosen: set in its configuration, the default for its
 * maker's vendor ID, or detected from its first report (`layout` null until one came). The
 * settings screen shows it so a supervisor can confirm it in the live test.
 */
export type HidPosLayoutStatus = z.infer<typeof hidPosLayoutStatusSchema>;

export interface ScannerStatusDetails {
  hidPosLayout?: HidPosLayoutStatus;
}

export interface ScannerStatus extends ScannerStatusDetails {
  scannerId: string;
  name: string;
  state: ScannerState;
  reason?: string;
  at: string;
}

export type Unsubscribe = () => void;

export interface ScannerSource {
  readonly id: string;
  readonly name: string;
  /** Connects, and keeps reconnecting until `stop`. Calling it again is harmless. */
  start(): void;
  /** Disconnects and stops reconnecting; a half-received code is reported as a fault. */
  stop(): Promise<void>;
  status(): ScannerStatus;
  onScan(cb: (scan: ScanEvent) => void): Unsubscribe;
  onFault(cb: (fault: ScanFault) => void): Unsubscribe;
  onStatus(cb: (status: ScannerStatus) => void): Unsubscribe;
  /** The bytes as they came (a serial read, one HID report): for a setup screen's raw monitor. */
  onRaw(cb: (chunk: Uint8Array) => void): Unsubscribe;
}
