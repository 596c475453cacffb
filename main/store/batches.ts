import { randomUUID } from 'node:crypto';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

export interface BatchRow {
  batch_id: string;
  number: number;
  station: string;
  election_id: string | null;
  status: 'OPEN' | 'CLOSED';
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: 'size' | 'supervisor' | null;
  scanned_count: number | null;
  hand_count: number | null;
  reconciled_at: string | null;
  reconciled_by: string | null;
}

export interface Batch {
  batchId: string;
  number: number;
  station: string;
  electionId: string | null;
  status: 'OPEN' | 'CLOSED';
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  closedBy: string | null;
  closeReason: 'size' | 'supervisor' | null;
  /** Receipts in the batch now (not undone). */
  count: number;
  /** The count frozen at close. */
  scannedCount: number | null;
  handCount: number | null;
  /** hand count − scanned count, once both are known. */
  difference: number | null;
  reconciledAt: string | null;
  reconciledBy: string | null;
}

export class BatchStore {
  private readonly openOf;
  private readonly byId;
  private readonly countOf;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {
    this.openOf = db.prepare<[string], BatchRow>("SELECT * FROM batches WHERE station = ? AND status = 'OPEN'");
    this.byId = db.prepare<[string], BatchRow>('SELECT * FROM batches WHERE batch_id = ?');
    this.countOf = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM scans s JOIN receipts r ON r.scan_seq = s.seq WHERE s.batch_id = ?`,
    );
  }

  toBatch(row: BatchRow): Batch {
    const count = this.countOf.get(row.batch_id)?.n ?? 0;
    return {
      batchId: row.batch_id, number: row.number, station: row.station, electionId: row.election_id,
      status: row.status, openedAt: row.opened_at, openedBy: row.opened_by, closedAt: row.closed_at,
      closedBy: row.closed_by, closeReason: row.close_reason, count, scannedCount: row.scanned_count,
      handCount: row.hand_count,
      difference: row.hand_count !== null && row.scanned_count !== null ? row.hand_count - row.scanned_count : null,
      reconciledAt: row.reconciled_at, reconciledBy: row.reconciled_by,
    };
  }

  openRow(station: string): BatchRow | undefined {
    return this.openOf.get(station);
  }

  get(batchId: string): Batch | undefined {
    const row = this.byId.get(batchId);
    return row ? this.toBatch(row) : undefined;
  }

  /** Batch numbers count up per station, so a tray label reads "station 2, batch 14". */
  openWithin(station: string, electionId: string | null, actor: string, at: string): BatchRow {
    const existing = this.openOf.get(station);
    if (existing) return existing;
    const next = this.db.prepare<[string], { n: number }>('SELECT coalesce(max(number), 0) + 1 AS n FROM batches WHERE station = ?').get(station)?.n ?? 1;
    const row: BatchRow = {
      batch_id: randomUUID(), number: next, station, election_id: electionId, status: 'OPEN', opened_at: at,
      opened_by: actor, closed_at: null, closed_by: null, close_reason: null, scanned_count: null, hand_count: null,
      reconciled_at: null, reconciled_by: null,
    };
    this.db
      .prepare(
        `INSERT INTO batches (batch_id, number, station, election_id, status, opened_at, opened_by)
         VALUES (@batch_id, @number, @station, @election_id, @status, @opened_at, @opened_by)`,
      )
      .run(row);
    this.audit.append({ actor, action: 'batch.open', entity: 'batch', entityId: row.batch_id, before: null, after: { number: next, station } }, at);
    return row;
  }

  /** Closes inside the caller's transaction; the hand count may come now or later (reconcile). */
  closeWithin(row: BatchRow, reason: 'size' | 'supervisor', handCount: number | null, actor: string, at: string): Batch {
    const scanned = this.countOf.get(row.batch_id)?.n ?? 0;
    this.db
      .prepare(
        `UPDATE batches SET status = 'CLOSED', closed_at = ?, closed_by = ?, close_reason = ?, scanned_count = ?,
           hand_count = ?, reconciled_at = ?, reconciled_by = ? WHERE batch_id = ? AND status = 'OPEN'`,
      )
      .run(at, actor, reason, scanned, handCount, handCount === null ? null : at, handCount === null ? null : actor, row.batch_id);
    const after = { status: 'CLOSED', reason, scannedCount: scanned, handCount, difference: handCount === null ? null : handCount - scanned };
    this.audit.append({ actor, action: 'batch.close', entity: 'batch', entityId: row.batch_id, before: { status: 'OPEN' }, after }, at);
    const closed = this.byId.get(row.batch_id);
    if (!closed) throw new Error(`batch ${row.batch_id} vanished while closing`);
    return this.toBatch(closed);
  }

  /** Records the hand count of a batch closed at its size (or corrects one, with the audit). */
  reconcileWithin(row: BatchRow, handCount: number, actor: string, at: string): Batch {
    this.db.prepare('UPDATE batches SET hand_count = ?, reconciled_at = ?, reconciled_by = ? WHERE batch_id = ?').run(handCount, at, actor, row.batch_id);
    const difference = handCount - (row.scanned_count ?? 0);
    this.audit.append(
      { actor, action: 'batch.reconcile', entity: 'batch', entityId: row.batch_id, before: { handCount: row.hand_count }, after: { handCount, difference } },
      at,
    );
    const updated = this.byId.get(row.batch_id);
    if (!updated) throw new Error(`batch ${row.batch_id} vanished while reconciling`);
    return this.toBatch(updated);
  }

  rowById(batchId: string): BatchRow | undefined {
    return this.byId.get(batchId);
  }

  /** Accepts a UUID, or "N" / "#N" for this station's batch number N. */
  resolve(ref: string, station: string | undefined): BatchRow | undefined {
    const m = /^#?(\d+)$/.exec(ref.trim());
    if (m && station) return this.db.prepare<[string, number], BatchRow>('SELECT * FROM batches WHERE station = ? AND number = ?').get(station, Number(m[1]));
    return this.byId.get(ref.trim());
  }

  list(filter: { status?: 'OPEN' | 'CLOSED'; station?: string } = {}): Batch[] {
    const rows = this.db
      .prepare<[{ status: string | null; station: string | null }], BatchRow>(
        `SELECT * FROM batches WHERE (@status IS NULL OR status = @status) AND (@station IS NULL OR station = @station) ORDER BY opened_at, number`,
      )
      .all({ status: filter.status ?? null, station: filter.station ?? null });
    return rows.map((r) => this.toBatch(r));
  }
}
