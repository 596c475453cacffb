import { z } from 'zod';
import { recordErrorSchema, type RecordError } from '../../shared/sync/contract.js';
import { applyStateChangeWithin } from './roll/state-change.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

export type SyncStatus = 'pending' | 'sending' | 'acknowledged' | 'rejected';
/** What a person is shown: a batch written to a folder is 'written' (awaiting upload) until confirmed. */
export type SyncShownStatus = SyncStatus | 'written';

export interface SyncFile {
  file: string;
  folder: string;
  sha256: string;
  writtenAt: string;
  writtenBy: string;
}

export interface OutboxRow {
  batch_id: string;
  status: SyncStatus;
  queued_at: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  ack: string | null;
  errors: string | null;
  acknowledged_at: string | null;
  target: string | null;
}

export interface SyncItem {
  batchId: string;
  batchNumber: number | null;
  station: string | null;
  status: SyncShownStatus;
  queuedAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  ack: string | null;
  errors: unknown;
  acknowledgedAt: string | null;
  target: string | null;
  /** The last file written for this batch (folder sync), if any. */
  file: SyncFile | null;
  /** The batch's hand count: null when nobody counted the tray. */
  handCount: number | null;
}

/** The sync outbox: closed batches queued for the state, and each chunk's key and ack. */
export class SyncStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** Queues a closed batch (inside the close transaction); a second call is a no-op. */
  enqueueWithin(batchId: string, at: string): void {
    const n = this.db.prepare("INSERT INTO sync_outbox (batch_id, status, queued_at) VALUES (?, 'pending', ?) ON CONFLICT DO NOTHING").run(batchId, at).changes;
    if (n > 0) this.audit.append({ actor: 'system', action: 'sync.queue', entity: 'batch', entityId: batchId, before: null, after: { status: 'pending' } }, at);
  }

  get(batchId: string): OutboxRow | undefined {
    return this.db.prepare<[string], OutboxRow>('SELECT * FROM sync_outbox WHERE batch_id = ?').get(batchId);
  }

  /** Batches that still need sending, oldest first ('sending' ones were interrupted by a crash). */
  due(now: string): OutboxRow[] {
    return this.db
      .prepare<[string], OutboxRow>("SELECT * FROM sync_outbox WHERE status IN ('pending','sending') AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY queued_at, batch_id")
      .all(now);
  }

  unfinished(): OutboxRow[] {
    return this.db.prepare<[], OutboxRow>("SELECT * FROM sync_outbox WHERE status IN ('pending','sending') ORDER BY queued_at, batch_id").all();
  }

  markSending(batchId: string, target: string, at: string): void {
    this.db.transaction(() => {
      const before = this.get(batchId);
      this.db.prepare("UPDATE sync_outbox SET status = 'sending', attempts = attempts + 1, target = ? WHERE batch_id = ? AND status IN ('pending','sending')").run(target, batchId);
      if (before?.status === 'pending') this.audit.append({ actor: 'system', action: 'sync.sending', entity: 'batch', entityId: batchId, before: { status: 'pending' }, after: { status: 'sending', target } }, at);
    }).immediate();
  }

  retryLater(batchId: string, error: string, nextAt: string): void {
    this.db.prepare("UPDATE sync_outbox SET last_error = ?, next_attempt_at = ? WHERE batch_id = ? AND status = 'sending'").run(error, nextAt, batchId);
  }

  /** The frozen plan of a batch, in order; empty until the first attempt plans it. */
  chunks(batchId: string): { index: number; count: number; key: string; body: string; ack: string | null }[] {
    return this.db
      .prepare<[string], { index: number; count: number; key: string; body: string; ack: string | null }>(
        'SELECT chunk_index AS "index", chunk_count AS count, idempotency_key AS key, body, ack FROM sync_chunks WHERE batch_id = ? ORDER BY chunk_index',
      )
      .all(batchId);
  }

  /** Freezes every chunk's key and body in one transaction, the first time a batch is sent. */
  planChunks(batchId: string, chunks: { index: number; count: number; key: string; body: string }[]): void {
    this.db.transaction(() => {
      const insert = this.db.prepare('INSERT INTO sync_chunks (batch_id, chunk_index, chunk_count, idempotency_key, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
      for (const c of chunks) insert.run(batchId, c.index, c.count, c.key, c.body);
    }).immediate();
  }

  ackChunk(batchId: string, index: number, ack: string, at: string): void {
    this.db.prepare('UPDATE sync_chunks SET ack = ?, acknowledged_at = ? WHERE batch_id = ? AND chunk_index = ? AND ack IS NULL').run(ack, at, batchId, index);
  }

  acknowledge(batchId: string, ack: string, at: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE sync_outbox SET status = 'acknowledged', ack = ?, acknowledged_at = ?, last_error = NULL, next_attempt_at = NULL WHERE batch_id = ? AND status = 'sending'").run(ack, at, batchId);
      this.audit.append({ actor: 'system', action: 'sync.acknowledged', entity: 'batch', entityId: batchId, before: { status: 'sending' }, after: { status: 'acknowledged', ack } }, at);
    }).immediate();
  }

  reject(batchId: string, errors: unknown, at: string): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE sync_outbox SET status = 'rejected', errors = ?, last_error = ? WHERE batch_id = ? AND status = 'sending'").run(JSON.stringify(errors), 'rejected by the state: see errors', batchId);
      this.audit.append({ actor: 'system', action: 'sync.rejected', entity: 'batch', entityId: batchId, before: { status: 'sending' }, after: { status: 'rejected', errors } }, at);
    }).immediate();
  }

  /** A supervisor re-queues a rejected batch after fixing what the state complained about. */
  requeue(batchId: string, actor: string, reason: string, at: string): void {
    this.db.transaction(() => {
      const n = this.db.prepare("UPDATE sync_outbox SET status = 'pending', errors = NULL, last_error = NULL, next_attempt_at = NULL WHERE batch_id = ? AND status = 'rejected'").run(batchId).changes;
      if (n !== 1) throw new Error(`batch ${batchId} is not rejected`);
      // Only a batch none of whose chunks the state took is re-planned (smaller chunks, corrected
      // receipts): keys stay the same (<uuid>:<i>/<n>) and a refused chunk bound nothing at the
      // state. Once any chunk is acknowledged the split is fixed (the state refuses a second
      // split of one batch), so the frozen plan is kept whole and the rest is sent as it was.
      const acked = this.db.prepare('SELECT count(*) AS n FROM sync_chunks WHERE batch_id = ? AND ack IS NOT NULL').get(batchId) as { n: number };
      if (acked.n === 0) this.db.prepare('DELETE FROM sync_chunks WHERE batch_id = ?').run(batchId);
      this.audit.append({ actor, action: 'sync.requeue', entity: 'batch', entityId: batchId, before: { status: 'rejected' }, after: { status: 'pending', reason } }, at);
    }).immediate();
  }

  list(): SyncItem[] {
    type Row = OutboxRow & { number: number | null; station: string | null; hand_count: number | null } & Partial<Record<'f_file' | 'f_folder' | 'f_sha256' | 'f_written_at' | 'f_written_by', string | null>>;
    return this.db
      .prepare<[], Row>(
        `SELECT o.*, b.number, b.station, b.hand_count, f.file AS f_file, f.folder AS f_folder, f.sha256 AS f_sha256, f.written_at AS f_written_at, f.written_by AS f_written_by
         FROM sync_outbox o LEFT JOIN batches b ON b.batch_id = o.batch_id LEFT JOIN sync_files f ON f.batch_id = o.batch_id ORDER BY o.queued_at, o.batch_id`,
      )
      .all()
      .map((r) => {
        const file = r.f_file ? { file: r.f_file, folder: r.f_folder ?? '', sha256: r.f_sha256 ?? '', writtenAt: r.f_written_at ?? '', writtenBy: r.f_written_by ?? '' } : null;
        return {
          batchId: r.batch_id, batchNumber: r.number, station: r.station, status: file && (r.status === 'pending' || r.status === 'sending') ? 'written' : r.status, queuedAt: r.queued_at, attempts: r.attempts,
          nextAttemptAt: r.next_attempt_at, lastError: r.last_error, ack: r.ack, errors: parseErrors(r.errors),
          acknowledgedAt: r.acknowledged_at, target: r.target, file, handCount: r.hand_count,
        };
      });
  }

  /**
   * A batch's file was written to a folder: recorded with its name and hash, the batch stays
   * unacknowledged (a file on a drive is not the state's receipt). Written again, the newest file counts.
   */
  recordWritten(batchId: string, f: Omit<SyncFile, 'writtenAt' | 'writtenBy'>, actor: string, at: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO sync_files (batch_id, file, folder, sha256, written_at, written_by) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(batch_id) DO UPDATE SET file = excluded.file, folder = excluded.folder, sha256 = excluded.sha256, written_at = excluded.written_at, written_by = excluded.written_by`,
        )
        .run(batchId, f.file, f.folder, f.sha256, at, actor);
      this.audit.append({ actor, action: 'sync.file-written', entity: 'batch', entityId: batchId, before: null, after: { file: f.file, sha256: f.sha256 } }, at);
    }).immediate();
  }

  /** A supervisor confirms the written file was uploaded to the state: the batch is acknowledged with it. */
  confirmUpload(batchId: string, actor: string, at: string): SyncFile {
    return this.db.transaction(() => {
      const row = this.get(batchId);
      const f = this.db.prepare<[string], { file: string; folder: string; sha256: string; written_at: string; written_by: string }>('SELECT * FROM sync_files WHERE batch_id = ?').get(batchId);
      if (!row || !f || (row.status !== 'pending' && row.status !== 'sending')) throw new Error('this batch has no written file awaiting upload');
      const ack = `file:${f.file} sha256:${f.sha256}`;
      this.db.prepare("UPDATE sync_outbox SET status = 'acknowledged', ack = ?, acknowledged_at = ?, last_error = NULL, next_attempt_at = NULL, target = ? WHERE batch_id = ?").run(ack, at, `file:${f.folder}`, batchId);
      this.audit.append({ actor, action: 'sync.upload-confirmed', entity: 'batch', entityId: batchId, before: { status: row.status }, after: { status: 'acknowledged', ack } }, at);
      return { file: f.file, folder: f.folder, sha256: f.sha256, writtenAt: f.written_at, writtenBy: f.written_by };
    }).immediate();
  }

  /** The receipts of a batch as the state receives them: verdict, cure codes and status. */
  batchReceipts(batchId: string): { ballotId: string; voterId: string; receivedAt: string; verdict: string; codes: string | null; state: string | null }[] {
    return this.db
      .prepare<[string], { ballotId: string; voterId: string; receivedAt: string; verdict: string; codes: string | null; state: string | null }>(
        `SELECT r.ballot_id AS ballotId, coalesce(s.voter_id, '') AS voterId, s.scanned_at AS receivedAt, s.verdict,
           (SELECT c.codes FROM cure_cases c WHERE c.ballot_id = r.ballot_id ORDER BY c.case_id DESC LIMIT 1) AS codes,
           (SELECT c.state FROM cure_cases c WHERE c.ballot_id = r.ballot_id ORDER BY c.case_id DESC LIMIT 1) AS state
         FROM receipts r JOIN scans s ON s.seq = r.scan_seq WHERE s.batch_id = ? ORDER BY s.seq`,
      )
      .all(batchId);
  }

  cursor(name: string): string | null {
    return this.db.prepare<[string], { cursor: string }>('SELECT cursor FROM sync_cursors WHERE name = ?').get(name)?.cursor ?? null;
  }

  setCursorWithin(name: string, cursor: string, at: string): void {
    this.db.prepare('INSERT INTO sync_cursors (name, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at').run(name, cursor, at);
  }

  /**
   * One page of the state's change feed, applied to the roll with its cursor, recorded as an
   * import (so each ballot's before/after is kept like any re-import) and audited, in one
   * transaction: a crash re-reads at most this page, and re-applying it changes nothing.
   */
  applyStateChanges(page: { source: string; changes: readonly StateChange[]; cursorName: string; from: string | null; next: string }, at: string): { applied: number; unchanged: number; unknown: number } {
    return this.db.transaction(() => {
      const importId = Number(
        this.db
          .prepare(
            `INSERT INTO roll_imports (started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected)
             VALUES (?, ?, ?, 'state-changes', 'sync', ?, 0, 0, 0, 0)`,
          )
          .run(at, at, page.source, page.changes.length).lastInsertRowid,
      );
      const counts = { applied: 0, unchanged: 0, unknown: 0 };
      for (const c of page.changes) {
        const r = applyStateChangeWithin(this.db, importId, c);
        counts[r === 'unknown-ballot' ? 'unknown' : r] += 1;
      }
      this.db.prepare('UPDATE roll_imports SET updated = ? WHERE import_id = ?').run(counts.applied, importId);
      this.setCursorWithin(page.cursorName, page.next, at);
      this.audit.append(
        { actor: 'sync', action: 'roll.state-changes', entity: 'roll_import', entityId: String(importId), before: { cursor: page.from }, after: { cursor: page.next, changes: page.changes.length, applied: counts.applied } },
        at,
      );
      return counts;
    }).immediate();
  }
}

type StateChange = Parameters<typeof applyStateChangeWithin>[2];

/** The state's refusal as stored; a value that no longer reads as one is shown as it is. */
const storedErrorsSchema = z.array(recordErrorSchema);
function parseErrors(text: string | null): RecordError[] | string | null {
  if (text === null) return null;
  try {
    const parsed = storedErrorsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : text;
  } catch {
    return text;
  }
}
