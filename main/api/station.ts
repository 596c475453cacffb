import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { ApiEvent, EventName, EventPayload } from '../../shared/api/events.js';
import { Auth } from '../auth/auth.js';
import { backupAfterClose } from '../backup/backup.js';
import type { Batch } from '../store/batches.js';
import { Intake } from '../intake/intake.js';
import { outcomeJson } from '../intake/outcome-json.js';
import { feedScanners } from '../intake/scanner-feed.js';
import type { ScannerHub, ScannerStatus } from '../scanners/index.js';
import type { ScannerConfig } from '../../shared/scanner/config.js';
import type { Store } from '../store/store.js';
import { oplog } from '../oplog/index.js';
import { withScannerLog } from '../oplog/hooks.js';

/**
 * Everything the API serves from: the store, the intake pipeline, operators, and the event
 * bus that pushes verdicts and progress to every window. One per running station.
 */
export class Station {
  readonly auth: Auth;
  readonly uploadsDir: string;
  private readonly bus = new EventEmitter();
  private faultMessage: string | null = null;
  private intakeCache: Intake | null = null;
  private hub: ScannerHub | null = null;
  private readonly statuses = new Map<string, ScannerStatus>();
  private testUntil = 0;
  /** The operator hardware scans are recorded under: whoever signed in last at this station. */
  activeOperator: string | null = null;

  constructor(
    readonly store: Store,
    readonly clock: () => Date = () => new Date(),
    uploadsDir?: string,
  ) {
    this.auth = new Auth(store, clock);
    this.uploadsDir = uploadsDir ?? path.join(path.dirname(store.path), 'uploads');
    this.bus.setMaxListeners(100);
  }

  /** The station name: configured, else the host name (a fresh station still works). */
  get stationName(): string {
    return this.store.config.get('station') ?? os.hostname();
  }

  intake(): Intake {
    const name = this.stationName;
    if (!this.intakeCache || this.intakeCache.station !== name) this.intakeCache = new Intake(this.store, name, this.clock);
    return this.intakeCache;
  }

  get fault(): string | null {
    return this.faultMessage;
  }

  /** Enters or clears the fault state; scanning stops loudly while a fault is set. */
  setFault(message: string | null): void {
    if (message === this.faultMessage) return;
    this.faultMessage = message;
    oplog.event(this.store, message ? 'database.fault' : 'database.fault_cleared', message ? 'failure' : 'success', message ?? 'the station left its fault state');
    this.emit('stationFault', { fault: message });
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.bus.emit('event', { event, payload } satisfies ApiEvent<E>);
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.bus.on('event', listener);
    return () => this.bus.off('event', listener);
  }

  /** After a batch closes: the automatic backup to the second folder, reported either way. */
  afterBatchClose(batch: Batch): void {
    backupAfterClose(this.store, batch.number, batch.station).then(
      (r) => r && this.emit('notice', { level: 'info', message: `batch ${batch.number} closed; backup written to ${r.file}` }),
      (e: Error) => this.emit('notice', { level: 'error', message: `batch ${batch.number} closed, but the automatic backup failed: ${e.message}` }),
    );
  }

  /** Starts the configured serial/HID scanners; their verdicts go out as events like any scan. */
  startScanners(configs: readonly ScannerConfig[]): void {
    if (configs.length === 0) return;
    this.hub = feedScanners(configs, {
      intake: () => this.intake(),
      operator: () => this.activeOperator ?? '(no one signed in)',
      onOutcome: (o) => {
        this.emit('verdict', outcomeJson(o) as never);
        if (o.closedBatch) this.afterBatchClose(o.closedBatch);
      },
      onStatus: withScannerLog(this.store, (st) => {
        this.statuses.set(st.scannerId, st);
        this.emit('scannerStatus', { scannerId: st.scannerId, name: st.name, state: st.state, ...(st.reason ? { reason: st.reason } : {}), at: st.at });
      }),
      onError: (e) => this.setFault(`a scan could not be recorded: ${(e as Error).message}`),
      divert: (s) => {
        if (this.clock().getTime() >= this.testUntil) return false;
        this.emit('scannerTest', { ...s, at: this.clock().toISOString() });
        return true;
      },
    });
  }

  /**
   * The scanner live test: for the next `seconds`, scans from serial and HID scanners are shown
   * in Settings and not recorded. It ends by itself, so a forgotten test cannot eat receipts
   * for long; 0 ends it at once.
   */
  scannerTest(seconds: number): string | null {
    this.testUntil = seconds > 0 ? this.clock().getTime() + seconds * 1000 : 0;
    return seconds > 0 ? new Date(this.testUntil).toISOString() : null;
  }

  scannerStatuses(): ScannerStatus[] {
    return [...this.statuses.values()];
  }

  async stopScanners(): Promise<void> {
    await this.hub?.drain();
    await this.hub?.stop();
    this.hub = null;
  }

  ensureUploadsDir(): string {
    fs.mkdirSync(this.uploadsDir, { recursive: true, mode: 0o700 });
    return this.uploadsDir;
  }
}
