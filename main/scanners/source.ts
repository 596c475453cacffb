/**
 * The one scanner source: a device link (serial port, HID device) opened by a `LinkOpener`,
 * bytes turned into codes by a pure `ScanDecoder`, and a reconnect loop around both.
 *
 * Unplugged mid-shift: the link reports `lost`, the half-received code is dropped and reported
 * as a fault (never joined to the first code after the replug), the state goes `disconnected`,
 * and the opener is retried with backoff until the device is back (`connected`). Every link gets
 * a generation number: events from a link that is no longer current are ignored, so a scan
 * can neither be lost nor doubled by a late event from the old link.
 *
 * A deadline (a quiet spell ends a code, a partial goes stale) is judged on the time the station
 * was listening, not on the wall clock. Node runs due timers before it polls for I/O, so after
 * the station was busy (a slow commit, a backlog of scans) a timer fires first and the rest of a
 * code, long since waiting in the port, is read only afterwards: a late timer shows that the
 * station was busy, not that the line was quiet. So when a deadline passes, the decoder's clock
 * is held just before it while the loop turns and the port is read (`SETTLE_TURNS`, `SETTLE_MS`);
 * bytes read meanwhile, or read late by a busy station before the timer had its turn, count as
 * arriving in time. Only a line still quiet after that is a quiet line.
 */
import { err, type Result } from '../../shared/result.js';
import type { DecodedFrame, ScanDecoder } from '../../shared/scanner/decoder.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffOptions } from './backoff.js';
import { Listeners } from './listeners.js';
import type {
  ScanEvent,
  ScanFault,
  ScannerSource,
  ScannerState,
  ScannerStatus,
  ScannerStatusDetails,
  Unsubscribe,
} from './types.js';

export interface Link {
  close(): Promise<void>;
}

export interface LinkEvents {
  data(chunk: Uint8Array): void;
  /** The device went away or failed; the source will close the link and retry. */
  lost(reason: string): void;
}

export interface OpenFailure {
  /** `disconnected`: not there (unplugged); `error`: there but unusable (permission, busy). */
  state: 'disconnected' | 'error';
  reason: string;
}

/** Opens the device; expected failures come back as values. */
export type LinkOpener = (events: LinkEvents) => Promise<Result<Link, OpenFailure>>;

export interface SourceTiming {
  backoff?: Partial<BackoffOptions>;
  /** Milliseconds, for timestamps and the decoder's timeouts. */
  now?: () => number;
  random?: () => number;
}

export interface SourceOptions extends SourceTiming {
  id: string;
  name: string;
  open: LinkOpener;
  decoder: ScanDecoder;
  /** What the source knows of its device beyond the state (a HID POS report layout), in every status. */
  details?: () => ScannerStatusDetails;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Before a passed deadline is acted on: loop turns, each with a poll for I/O, the first after
 * milliseconds for a read under way (serialport reads in libuv's thread pool) to come back.
 */
const SETTLE_TURNS = 3;
const SETTLE_MS = 10;

/** A passed deadline being checked against the port. */
interface Hold {
  due: number;
  /** Bytes came while the port was read: the deadline did not hold. */
  readMeanwhile: boolean;
}

export class ReconnectingSource implements ScannerSource {
  readonly id: string;
  readonly name: string;
  private readonly open: LinkOpener;
  private readonly decoder: ScanDecoder;
  private readonly details: () => ScannerStatusDetails;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly scans = new Listeners<ScanEvent>();
  private readonly faults = new Listeners<ScanFault>();
  private readonly statuses = new Listeners<ScannerStatus>();
  private readonly raws = new Listeners<Uint8Array>();
  private running = false;
  private generation = 0;
  private link: Link | null = null;
  private attempt = 0;
  private retryTimer: Timer | null = null;
  private flushTimer: Timer | null = null;
  private cancelSettle: (() => void) | null = null;
  /** Wall time left out of the decoder's clock: spells when the station was too busy to read. */
  private deaf = 0;
  /** While a passed deadline is checked, the decoder's clock stands just before it. */
  private hold: Hold | null = null;
  /** An open under way: `stop` waits for it, so the device is released when `stop` resolves. */
  private opening: Promise<void> | null = null;
  private current: ScannerStatus;

  constructor(opts: SourceOptions) {
    this.id = opts.id;
    this.name = opts.name;
    this.open = opts.open;
    this.decoder = opts.decoder;
    this.details = opts.details ?? (() => ({}));
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.current = {
      scannerId: this.id,
      name: this.name,
      state: 'disconnected',
      reason: 'not started',
      at: this.iso(),
      ...this.details(),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.setStatus('connecting');
    this.connectNow();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.clearTimers();
    this.dispatch(this.decoder.flush(this.lineNow()));
    this.dispatch(this.decoder.reset(`${this.name} stopped`));
    this.hold = null;
    const link = this.link;
    this.link = null;
    if (link !== null) await closeQuietly(link);
    await this.opening;
    this.setStatus('disconnected', 'stopped');
  }

  status(): ScannerStatus {
    return { ...this.current };
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

  private connectNow(): void {
    const opening = this.connect().finally(() => {
      if (this.opening === opening) this.opening = null;
    });
    this.opening = opening;
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    const events: LinkEvents = {
      data: (chunk) => {
        if (gen === this.generation) this.received(chunk);
      },
      lost: (reason) => {
        if (gen === this.generation) this.lost(reason);
      },
    };
    let opened: Result<Link, OpenFailure>;
    try {
      opened = await this.open(events);
    } catch (e) {
      // Openers return expected failures; a throw is a bug, but the loop must survive it.
      opened = err({ state: 'error', reason: `cannot open: ${messageOf(e)}` });
    }
    if (gen !== this.generation || !this.running) {
      if (opened.ok) await closeQuietly(opened.value);
      return;
    }
    if (!opened.ok) {
      this.setStatus(opened.error.state, opened.error.reason);
      this.scheduleRetry();
      return;
    }
    this.link = opened.value;
    this.attempt = 0;
    this.setStatus('connected');
  }

  private lost(reason: string): void {
    this.generation++;
    const link = this.link;
    this.link = null;
    this.clearTimers();
    this.dispatch(this.decoder.flush(this.lineNow()));
    this.dispatch(this.decoder.reset(`${this.name} disconnected`));
    this.hold = null;
    this.setStatus('disconnected', reason);
    if (link !== null) void closeQuietly(link);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const delay = reconnectDelay(this.attempt++, this.backoff, this.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connectNow();
    }, delay);
  }

  private received(chunk: Uint8Array): void {
    this.raws.emit(chunk);
    if (this.hold !== null) {
      this.hold.readMeanwhile = true;
      this.dispatch(this.decoder.push(chunk, this.lineNow()));
      return; // the settle that holds the clock re-arms the timer
    }
    const due = this.decoder.deadline();
    // Read after the deadline, before its timer had a turn: the station was busy and these bytes
    // may have waited all along. They arrive just in time, and the clock goes on from there.
    if (due !== null && this.lineNow() >= due) this.deaf = this.now() - (due - 1);
    this.dispatch(this.decoder.push(chunk, this.lineNow()));
    this.armFlush();
  }

  /** The decoder's clock: wall time less the time the station was too busy to read the port. */
  private lineNow(): number {
    return this.hold === null ? this.now() - this.deaf : this.hold.due - 1;
  }

  /** Codes that end by a quiet spell (terminator NONE) or stale partials need a timer. */
  private armFlush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const due = this.decoder.deadline();
    if (due === null) return;
    this.flushTimer = setTimeout(() => this.deadlinePassed(), Math.max(0, due - this.lineNow()));
  }

  /** The timer fired, maybe late: before taking the line as quiet, let the port be read. */
  private deadlinePassed(): void {
    this.flushTimer = null;
    const due = this.decoder.deadline();
    if (due === null) return;
    this.hold = { due, readMeanwhile: false };
    this.settle(0);
  }

  /**
   * Lets the loop poll for I/O `SETTLE_TURNS` times, the first after `SETTLE_MS`, then judges.
   * Real time, not `now`: this waits for the port, whatever clock stamps the codes.
   */
  private settle(turn: number): void {
    this.cancelSettle = null;
    if (turn >= SETTLE_TURNS) return this.judge();
    const next = (): void => this.settle(turn + 1);
    if (turn === 0) {
      const t = setTimeout(next, SETTLE_MS);
      this.cancelSettle = () => clearTimeout(t);
    } else {
      const i = setImmediate(next);
      this.cancelSettle = () => clearImmediate(i);
    }
  }

  /** The port has been read since the deadline passed: now the deadline says what it says. */
  private judge(): void {
    const hold = this.hold;
    this.hold = null;
    if (hold === null) return;
    // Nothing came: the line was quiet up to the deadline, and the clock resumes there. Bytes
    // that came were stamped just before it: the next deadline counts from them.
    this.deaf = this.now() - (hold.readMeanwhile ? hold.due - 1 : hold.due);
    this.dispatch(this.decoder.flush(this.lineNow()));
    this.armFlush();
  }

  private dispatch(frames: DecodedFrame[]): void {
    for (const f of frames) {
      const at = this.iso();
      if (f.ok) {
        const { text, symbology } = f.value;
        this.scans.emit(
          symbology === undefined
            ? { scannerId: this.id, text, at }
            : { scannerId: this.id, text, symbology, at },
        );
      } else {
        this.faults.emit({ scannerId: this.id, reason: f.error.reason, partial: f.error.partial, at });
      }
    }
  }

  private setStatus(state: ScannerState, reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    const base = { scannerId: this.id, name: this.name, state, at: this.iso(), ...this.details() };
    this.current = reason === undefined ? base : { ...base, reason };
    this.statuses.emit({ ...this.current });
  }

  /** The details changed (a layout was detected): the same state, told again with them. */
  detailsChanged(): void {
    this.current = { ...this.current, ...this.details(), at: this.iso() };
    this.statuses.emit({ ...this.current });
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.cancelSettle?.();
    this.retryTimer = null;
    this.flushTimer = null;
    this.cancelSettle = null;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

async function closeQuietly(link: Link): Promise<void> {
  try {
    await link.close();
  } catch {
    // The device is gone or already closed: nothing left to release.
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
