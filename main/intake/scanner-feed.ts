import { ScannerHub, createScannerSource, type ScanEvent, type ScanFault, type ScannerStatus } from '../scanners/index.js';
import type { ScannerConfig } from '../../shared/scanner/config.js';
import type { Intake, ScanOutcome } from './intake.js';

export interface FeedHandlers {
  intake: () => Intake;
  /** Who is scanning: the signed-in clerk in the app, --operator on the command line. */
  operator: () => string;
  onOutcome: (o: ScanOutcome) => void | Promise<void>;
  onStatus?: (s: ScannerStatus) => void;
  onError?: (e: unknown) => void;
  /**
   * Takes a scan away from intake (the scanner live test in Settings): when it returns true the
   * scan is shown, not recorded.
   */
  divert?: (s: { scannerId: string; text: string; symbology?: string; fault?: string }) => boolean;
}

/**
 * Device → scanner source → one queue → intake: every scan from every scanner is recorded one
 * at a time, in arrival order, so two scanners never race on one ballot. A code that arrived
 * only in part is recorded too (UNREADABLE, with what did arrive): nothing scanned is dropped.
 */
export function feedScanners(configs: readonly ScannerConfig[], h: FeedHandlers): ScannerHub {
  const record = (raw: string, scanner: string, symbology: string | undefined, fault?: string): void | Promise<void> => {
    if (h.divert?.({ scannerId: scanner, text: raw, ...(symbology ? { symbology } : {}), ...(fault ? { fault } : {}) })) return;
    return h.onOutcome(h.intake().scan({ raw, operator: h.operator(), scanner, ...(symbology ? { symbology } : {}), ...(fault ? { fault } : {}) }));
  };
  const hub = new ScannerHub({
    // HID POS reports carry the AIM identifier apart from the data: put it back in front, where the decoder reads it.
    onScan: (s: ScanEvent) => record(s.symbology && !s.text.startsWith(']') ? `${s.symbology}${s.text}` : s.text, s.scannerId, s.symbology),
    onFault: (f: ScanFault) => record(f.partial === '' ? `(nothing: ${f.reason})` : f.partial, f.scannerId, undefined, f.reason),
    onHandlerError: (e) => h.onError?.(e),
  });
  if (h.onStatus) hub.onStatus(h.onStatus);
  for (const c of configs) hub.add(createScannerSource(c));
  return hub;
}
