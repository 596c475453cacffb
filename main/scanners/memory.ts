/**
 * An in-memory scanner for unit tests and development (a "scan" button in a dev build):
 * same interface as the real sources, driven by calls instead of a device.
 */
import { Listeners } from './listeners.js';
import type {
  ScanEvent,
  ScanFault,
  ScannerSource,
  ScannerState,
  ScannerStatus,
  Unsubscribe,
} from './types.js';

export class MemoryScannerSource implements ScannerSource {
  private readonly scans = new Listeners<ScanEvent>();
  private readonly faults = new Listeners<ScanFault>();
  private readonly statuses = new Listeners<ScannerStatus>();
  private readonly raws = new Listeners<Uint8Array>();
  private current: ScannerStatus;

  constructor(
    readonly id: string,
    readonly name: string = id,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = {
      scannerId: id,
      name,
      state: 'disconnected',
      reason: 'not started',
      at: now().toISOString(),
    };
  }

  start(): void {
    if (this.current.state !== 'connected') this.setState('connected');
  }

  stop(): Promise<void> {
    this.setState('disconnected', 'stopped');
    return Promise.resolve();
  }

  status(): ScannerStatus {
    return { ...this.current };
  }

  /** As if the scanner read `text`. */
  scan(text: string, symbology?: string): void {
    const at = this.now().toISOString();
    this.scans.emit(
      symbology === undefined
        ? { scannerId: this.id, text, at }
        : { scannerId: this.id, text, symbology, at },
    );
  }

  fault(reason: string, partial = ''): void {
    this.faults.emit({ scannerId: this.id, reason, partial, at: this.now().toISOString() });
  }

  setState(state: ScannerState, reason?: string): void {
    const at = this.now().toISOString();
    this.current =
      reason === undefined
        ? { scannerId: this.id, name: this.name, state, at }
        : { scannerId: this.id, name: this.name, state, reason, at };
    this.statuses.emit({ ...this.current });
  }

  onScan(cb: (scan: ScanEvent) => void): Unsubscribe {
    return this.scans.add(cb);
  }

  onFault(cb: (fault: ScanFault) => void): Unsubscribe {
    return this.faults.add(cb);
  }

  onStatus(cb: (status: ScannerStatus) => void): Unsubscribe {
    return this.statuses.add(cb);
  }

  onRaw(cb: (chunk: Uint8Array) => void): Unsubscribe {
    return this.raws.add(cb);
  }
}
