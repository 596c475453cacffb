/**
 * Several scanners, one intake. Every scan and fault from every source goes into one queue and
 * is handed to the handler strictly one at a time, in arrival order: the next one is not handed
 * over until the handler's promise settles. So two scanners never race on the same ballot,
 * and intake (which is synchronous per scan anyway) sees a single ordered stream.
 * A handler that throws is reported through `onHandlerError` and the queue goes on.
 *
 * Between two queued scans the event loop gets a turn (`setImmediate`), so while a backlog
 * drains the ports are still read and the sources' timers still run, one scan at a time, instead
 * of all of it waiting for the whole backlog (bytes piling up unread in a serial port, a deadline
 * passing while the rest of a code waits unread).
 */
import { Listeners } from './listeners.js';
import { messageOf } from './source.js';
import type { ScanEvent, ScanFault, ScannerSource, ScannerStatus, Unsubscribe } from './types.js';

export type HubItem = { kind: 'scan'; scan: ScanEvent } | { kind: 'fault'; fault: ScanFault };

export interface HubHandlers {
  onScan: (scan: ScanEvent) => void | Promise<void>;
  /** A code that did not arrive whole; record it so the clerk rescans. Defaults to ignoring. */
  onFault?: (fault: ScanFault) => void | Promise<void>;
  /** A handler threw or rejected. Defaults to console.error: the queue must go on either way. */
  onHandlerError?: (error: unknown, item: HubItem) => void;
}

/** For the UI: `ok` when every scanner is connected, `none` when there are none. */
export type HubHealth = 'none' | 'ok' | 'degraded' | 'down';

interface Attached {
  source: ScannerSource;
  unsubscribe: Unsubscribe[];
}

export class ScannerHub {
  private readonly sources = new Map<string, Attached>();
  private readonly statusListeners = new Listeners<ScannerStatus>();
  private readonly queue: HubItem[] = [];
  private pumping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly handlers: HubHandlers) {}

  /** Subscribes to the source and starts it. Ids must be unique. */
  add(source: ScannerSource): void {
    if (this.sources.has(source.id)) throw new Error(`scanner ${source.id} is already in the hub`);
    const unsubscribe = [
      source.onScan((scan) => this.enqueue({ kind: 'scan', scan })),
      source.onFault((fault) => this.enqueue({ kind: 'fault', fault })),
      source.onStatus((status) => this.statusListeners.emit(status)),
    ];
    this.sources.set(source.id, { source, unsubscribe });
    source.start();
  }

  /** Stops the source and detaches it. Its scans already queued are still handled. */
  async remove(id: string): Promise<void> {
    const attached = this.sources.get(id);
    if (attached === undefined) return;
    // Stop first, still subscribed: a partial code dropped at stop is reported as a fault.
    await attached.source.stop();
    for (const u of attached.unsubscribe) u();
    this.sources.delete(id);
  }

  ids(): string[] {
    return [...this.sources.keys()];
  }

  statuses(): ScannerStatus[] {
    return [...this.sources.values()].map((a) => a.source.status());
  }

  health(): HubHealth {
    const states = this.statuses().map((s) => s.state);
    if (states.length === 0) return 'none';
    if (states.every((s) => s === 'connected')) return 'ok';
    return states.some((s) => s === 'connected') ? 'degraded' : 'down';
  }

  onStatus(cb: (status: ScannerStatus) => void): Unsubscribe {
    return this.statusListeners.add(cb);
  }

  /** Scans waiting for the handler (not counting the one being handled). */
  pending(): number {
    return this.queue.length;
  }

  /** Resolves once every scan received so far has been handled. */
  drain(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops every source, then waits for the queue to empty. */
  async stop(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.remove(id)));
    await this.drain();
  }

  private enqueue(item: HubItem): void {
    this.queue.push(item);
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      try {
        if (item.kind === 'scan') await this.handlers.onScan(item.scan);
        else await this.handlers.onFault?.(item.fault);
      } catch (e) {
        this.report(e, item);
      }
      if (this.queue.length > 0) await nextTurn();
    }
    this.pumping = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private report(error: unknown, item: HubItem): void {
    const onError = this.handlers.onHandlerError;
    if (onError !== undefined) {
      try {
        onError(error, item);
        return;
      } catch (e) {
        error = e;
      }
    }
    console.error(
      `scanner hub: handler failed for a ${item.kind} from ${scannerOf(item)}: ${messageOf(error)}`,
    );
  }
}

/** Resolves after the event loop has polled for I/O and run its due timers. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function scannerOf(item: HubItem): string {
  return item.kind === 'scan' ? item.scan.scannerId : item.fault.scannerId;
}
