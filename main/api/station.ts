import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ApiEvent, EventName, EventPayload } from '../../shared/api/events.js';
import { Auth } from '../auth/auth.js';
import { afterBatchClose } from '../actions/batches.js';
import { stationNameOf, type ActionContext } from '../actions/context.js';
import type { Batch } from '../store/batches.js';
import { ensurePrivateDir } from '../store/private-file.js';
import { Intake } from '../intake/intake.js';
import { outcomeJson } from '../intake/outcome-json.js';
import { feedScanners } from '../intake/scanner-feed.js';
import { MailReads } from '../mail/reads-off-thread.js';
import type { ScannerHub, ScannerStatus } from '../scanners/index.js';
import type { ScannerConfig } from '../../shared/scanner/config.js';
import type { Store } from '../store/store.js';
import { recordScanFault } from '../store/scan-faults.js';
import type { Session } from './router.js';
import { oplog } from '../oplog/index.js';
import { withScannerLog } from '../oplog/hooks.js';
import { captureAfterScan } from '../images/auto-capture.js';
import { countyStatus, Replicator, type CountyStatus, type ReplicatorOptions } from '../county/replicator.js';

/**
 * Everything the API serves from: the store, the intake pipeline, operators, and the event
 * bus that pushes verdicts and progress to every window. One per running station.
 */
export class Station implements ActionContext {
  readonly auth: Auth;
  readonly uploadsDir: string;
  private readonly bus = new EventEmitter();
  private faultMessage: string | null = null;
  private intakeCache: Intake | null = null;
  private hub: ScannerHub | null = null;
  private readonly statuses = new Map<string, ScannerStatus>();
  private testUntil = 0;
  private county: Replicator | null = null;
  private reads: MailReads | null = null;
  /** Every window the router has served (the transports remove them when they close). */
  readonly sessions = new Set<Session>();

  constructor(
    readonly store: Store,
    readonly clock: () => Date = () => new Date(),
    uploadsDir?: string,
  ) {
    this.auth = new Auth(store, clock);
    this.uploadsDir = uploadsDir ?? path.join(path.dirname(store.path), 'uploads');
    this.bus.setMaxListeners(100);
  }

  /** The heavy mail reads (attention lists, mail stream), on a thread of their own (mail/reads-off-thread.ts). */
  get mailReads(): MailReads {
    this.reads ??= new MailReads(this);
    return this.reads;
  }

  async stopMailReads(): Promise<void> {
    const r = this.reads;
    this.reads = null;
    await r?.close();
  }

  /** The station name: configured, else the host name (a fresh station still works). */
  get stationName(): string {
    return stationNameOf(this.store);
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
    void afterBatchClose(this, batch);
  }

  /**
   * Who a hardware scan is credited to: the operator of the most recently active signed-in,
   * unlocked window. Null when everyone has signed out or locked: such a scan is refused.
   */
  activeOperator(): string | null {
    let best: Session | null = null;
    for (const s of this.sessions) if (s.operator && (!best || s.lastActivity > best.lastActivity)) best = s;
    return best?.operator?.name ?? null;
  }

  /** A hardware scan no one can be credited with: kept for a supervisor, never a receipt; every screen is told. */
  refuseScan(scanner: string, raw: string): void {
    const at = this.clock().toISOString();
    const reason = 'no operator was signed in (or the screen was locked): the envelope was not recorded; sign in and scan it again';
    this.emit('scanRefused', { scanner, reason: 'sign in to scan', at });
    recordScanFault(this.store, { at, station: this.stationName, scanner, raw, reason });
  }

  /** Starts the configured serial/HID scanners; their verdicts go out as events like any scan. */
  startScanners(configs: readonly ScannerConfig[]): void {
    if (configs.length === 0) return;
    this.hub = feedScanners(configs, {
      intake: () => this.intake(),
      // divert() below has already refused a scan when this is null: the name is never recorded.
      operator: () => this.activeOperator() ?? '(no one signed in)',
      onOutcome: (o) => {
        this.emit('verdict', outcomeJson(o));
        if (o.closedBatch) this.afterBatchClose(o.closedBatch);
        void captureAfterScan(this, o);
      },
      onStatus: withScannerLog(this.store, (st) => {
        this.statuses.set(st.scannerId, st);
        this.emit('scannerStatus', { scannerId: st.scannerId, name: st.name, state: st.state, ...(st.reason ? { reason: st.reason } : {}), at: st.at, ...(st.hidPosLayout ? { hidPosLayout: st.hidPosLayout } : {}) });
      }),
      onError: (e) => this.setFault(`a scan could not be recorded: ${(e as Error).message}`),
      divert: (s) => {
        if (this.clock().getTime() < this.testUntil) {
          const layout = this.statuses.get(s.scannerId)?.hidPosLayout; // so the live test shows the layout a scan was read with
          this.emit('scannerTest', { ...s, at: this.clock().toISOString(), ...(layout ? { hidPosLayout: layout } : {}) });
          return true;
        }
        if (this.activeOperator() !== null) return false;
        this.refuseScan(s.scannerId, s.text);
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

  /**
   * County replication (main/county): started with the station when a hub is configured, pushing
   * after every local commit (Store.onCommit) and on a timer; it never stands in a scan's way.
   */
  startCounty(opts: ReplicatorOptions = {}): boolean {
    if (this.county || this.store.config.get('hub') === undefined) return false;
    const replicator = new Replicator(this.store, { clock: this.clock, ...opts });
    this.county = replicator;
    this.store.onCommit = () => replicator.wake();
    replicator.start();
    return true;
  }

  async stopCounty(): Promise<void> {
    const r = this.county;
    this.county = null;
    this.store.onCommit = null;
    await r?.stop();
  }

  countyStatus(): CountyStatus {
    return countyStatus(this.store, this.county?.isConnected ?? false, this.clock);
  }

  ensureUploadsDir(): string {
    ensurePrivateDir(this.uploadsDir); // uploaded rolls hold voters' data
    return this.uploadsDir;
  }
}
