import { canonicalBody, type BatchChunkRequest, type BatchHeader, type BatchReceipt } from '../../shared/sync/contract.js';
import { nextDelay } from '../../shared/sync/backoff.js';
import { planChunks } from '../../shared/sync/chunks.js';
import type { CureCode } from '../../shared/domain.js';
import type { Store } from '../store/store.js';
import { postChunk, unsafeStateUrl } from './http.js';
import { ServiceError } from '../../shared/errors.js';
import { loggedBatchSend } from '../oplog/hooks.js';

export class SyncError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'SyncError';
  }
}

export interface SyncTarget {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  maxChunk?: number;
}

export interface SyncProgress {
  batchId: string | null;
  state: string;
  sent: number;
  total: number;
  message?: string;
}

export interface SyncReport {
  acknowledged: string[];
  rejected: string[];
  waiting: { batchId: string; nextAttemptAt: string | null; lastError: string | null }[];
}

/**
 * Delivers closed batches from the outbox to the state, exactly once: each chunk's key and
 * body are frozen in the database before the first request, an acknowledged chunk is never
 * sent again, and everything else is retried (same key, same bytes) with backoff that honours
 * Retry-After. A crash anywhere leaves the outbox able to resume where it was.
 */
export class SyncSender {
  constructor(
    private readonly store: Store,
    private readonly target: SyncTarget,
    private readonly opts: {
      clock?: () => Date;
      random?: () => number;
      onProgress?: (p: SyncProgress) => void;
      /** County mode (main/county/sync-lease.ts): null to send the batch, else why not from here. */
      claim?: (batchId: string) => Promise<string | null>;
      /** County mode: tells the hub the state has the batch. */
      onAcknowledged?: (batchId: string, ack: string) => Promise<void>;
    } = {},
  ) {
    const unsafe = unsafeStateUrl(target.baseUrl); // before any batch is marked sending
    if (unsafe) throw new SyncError(unsafe);
  }

  private now(): Date {
    return this.opts.clock?.() ?? new Date();
  }

  /** Builds the batch's request bodies (once) and freezes them. */
  private plan(batchId: string): { index: number; count: number; key: string; body: string; ack: string | null }[] {
    const existing = this.store.sync.chunks(batchId);
    if (existing.length > 0) return existing;
    const b = this.store.batches.rowById(batchId);
    if (!b || b.status !== 'CLOSED' || !b.closed_at) throw new SyncError(`batch ${batchId} is not closed`);
    const electionId = b.election_id ?? this.store.config.get('election');
    if (!electionId) throw new SyncError(`batch ${b.number} has no election: set one (intake config set election ID)`);
    const header: BatchHeader = { batchId: b.batch_id, stationId: b.station, electionId, closedAt: b.closed_at, handCount: b.hand_count };
    const receipts: BatchReceipt[] = this.store.sync.batchReceipts(batchId).map((r) => ({
      ballotId: r.ballotId,
      voterId: r.voterId,
      receivedAt: r.receivedAt,
      verdict: r.verdict as BatchReceipt['verdict'],
      cureCodes: r.codes ? (JSON.parse(r.codes) as CureCode[]) : [],
      status: (r.state ?? 'RECEIVED') as BatchReceipt['status'],
    }));
    const max = this.target.maxChunk ?? this.store.config.get('syncChunkSize') ?? 500;
    const planned = planChunks(header, receipts, max).map((c) => ({ index: c.body.chunk.index, count: c.body.chunk.count, key: c.key, body: canonicalBody(c.body) }));
    this.store.sync.planChunks(batchId, planned);
    return this.store.sync.chunks(batchId);
  }

  /** One pass over every due batch; a batch that must wait is scheduled, not waited for. */
  async runOnce(): Promise<SyncReport> {
    const report: SyncReport = { acknowledged: [], rejected: [], waiting: [] };
    const refused = new Map<string, string>();
    for (const row of this.store.sync.due(this.now().toISOString())) {
      const why = this.opts.claim ? await this.opts.claim(row.batch_id) : null;
      if (why !== null) {
        refused.set(row.batch_id, why);
        continue;
      }
      const outcome = await loggedBatchSend(this.store, row.batch_id, this.target.baseUrl, () => this.sendBatch(row.batch_id, row.attempts));
      if (outcome === 'acknowledged') report.acknowledged.push(row.batch_id);
      else if (outcome === 'rejected') report.rejected.push(row.batch_id);
    }
    for (const r of this.store.sync.unfinished()) report.waiting.push({ batchId: r.batch_id, nextAttemptAt: r.next_attempt_at, lastError: refused.get(r.batch_id) ?? r.last_error });
    return report;
  }

  /**
   * Passes until nothing is pending or `maxWaitMs` has gone by, sleeping until the next
   * attempt is due. What is still waiting at the end is reported, never dropped.
   */
  async runUntilDone(maxWaitMs: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<SyncReport> {
    const deadline = Date.now() + maxWaitMs;
    const total: SyncReport = { acknowledged: [], rejected: [], waiting: [] };
    for (;;) {
      const r = await this.runOnce();
      total.acknowledged.push(...r.acknowledged);
      total.rejected.push(...r.rejected);
      total.waiting = r.waiting;
      if (r.waiting.length === 0 || Date.now() >= deadline) return total;
      const next = Math.min(...r.waiting.map((w) => (w.nextAttemptAt ? Date.parse(w.nextAttemptAt) : Date.now())));
      await sleep(Math.max(10, Math.min(next - Date.now(), deadline - Date.now())));
    }
  }

  private async sendBatch(batchId: string, attempts: number): Promise<'acknowledged' | 'rejected' | 'waiting'> {
    this.store.sync.markSending(batchId, this.target.baseUrl, this.now().toISOString());
    const chunks = this.plan(batchId);
    let sent = chunks.filter((c) => c.ack !== null).length;
    this.opts.onProgress?.({ batchId, state: 'sending', sent, total: chunks.length });
    for (const c of chunks) {
      if (c.ack !== null) continue;
      const outcome = await postChunk({ baseUrl: this.target.baseUrl, token: this.target.token, key: c.key, body: JSON.parse(c.body) as BatchChunkRequest, timeoutMs: this.target.timeoutMs ?? (this.store.config.get('syncTimeoutSeconds') ?? 15) * 1000 });
      const at = this.now().toISOString();
      switch (outcome.kind) {
        case 'acknowledged':
          this.store.sync.ackChunk(batchId, c.index, outcome.ack, at);
          c.ack = outcome.ack;
          sent += 1;
          this.opts.onProgress?.({ batchId, state: 'sending', sent, total: chunks.length });
          break;
        case 'rejected':
          this.store.sync.reject(batchId, outcome.errors, at);
          this.opts.onProgress?.({ batchId, state: 'rejected', sent, total: chunks.length, message: `${outcome.errors.length} record error(s)` });
          return 'rejected';
        case 'conflict':
          this.store.sync.reject(batchId, [{ index: null, ballotId: null, error: `the state holds a different body under key ${c.key} (409): ${outcome.detail}` }], at);
          return 'rejected';
        case 'too-large':
          this.store.sync.reject(batchId, [{ index: null, ballotId: null, error: `chunk ${c.index + 1}/${c.count} is larger than the state accepts (413)${chunks.some((x) => x.ack !== null) ? ': part of the batch was taken, so its split is fixed — ask the state to raise its limit' : ': lower syncChunkSize and re-queue'}` }], at);
          return 'rejected';
        case 'unauthorized':
          this.store.sync.retryLater(batchId, 'the state refused the token (401): check the sync token', new Date(Date.now() + 60_000).toISOString());
          throw new SyncError('the state refused the token (401): nothing more can be sent until it is corrected');
        case 'retry': {
          const policy = {
            baseMs: (this.store.config.get('syncRetryBaseSeconds') ?? 1) * 1000,
            capMs: (this.store.config.get('syncRetryCapSeconds') ?? 300) * 1000,
            maxDelayMs: 3_600_000,
          };
          const delay = nextDelay(Math.max(0, attempts - 1), outcome.retryAfterMs, policy, this.opts.random);
          const nextAt = new Date(this.now().getTime() + delay).toISOString();
          const why = `${outcome.reason}: ${outcome.detail}`;
          this.store.sync.retryLater(batchId, why, nextAt);
          this.opts.onProgress?.({ batchId, state: 'retrying', sent, total: chunks.length, message: `${why}; next try ${nextAt}` });
          return 'waiting';
        }
      }
    }
    const ack = chunks.map((c) => c.ack ?? '').join(',');
    this.store.sync.acknowledge(batchId, ack, this.now().toISOString());
    await this.opts.onAcknowledged?.(batchId, ack);
    this.opts.onProgress?.({ batchId, state: 'acknowledged', sent, total: chunks.length });
    return 'acknowledged';
  }
}
