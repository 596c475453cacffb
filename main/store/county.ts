import type { PriorReceipt } from '../../shared/intake/verdict.js';
import type { AuditRow } from './audit.js';
import { withRelaxedSync, type Db } from './db.js';

/** Where replication stands (one row, migration 9). */
export interface ReplicationState {
  pushedThrough: number;
  pullCursor: number;
  lastPushAt: string | null;
  lastPullAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** One row of `intake.pull` (docs/county.md): another station's receipt, undo, conflict or resolution. */
export interface PulledRow {
  hubSeq: number;
  stationId: string;
  localSeq: number;
  kind: 'receipt' | 'undo' | 'conflict' | 'resolution';
  ballotId: string | null;
  voterId: string | null;
  electionId: string | null;
  verdict: string | null;
  stationTime: string | null;
  body: Record<string, unknown> | null;
}

/** How often a running replicator writes the hub's acknowledgement down (at most). */
const ACK_WRITE_MS = 1000;

const PRIOR = `SELECT scan_seq AS seq, ballot_id AS ballotId, station_time AS scannedAt, station_id AS station,
  coalesce(operator, '(another station)') AS operator, NULL AS scanner, NULL AS batchId, batch_number AS batchNumber
  FROM county_receipts`;

/**
 * The station's copy of the county (other stations' receipts and conflicts pulled from the hub)
 * and its replication cursors. The scan path reads it through two prepared, indexed probes in the
 * station's own connection: a county check adds microseconds, never a network round trip.
 */
export class CountyStore {
  private readonly byBallot;
  private readonly byVoter;
  private readonly stateStmt;
  private readonly afterStmt;
  private readonly insertReceipt;
  private readonly undoStmt;
  private readonly insertConflict;
  /** The hub's newest acknowledgement, until written (acknowledge). */
  private pendingAck: { seq: number; at: string } | null = null;
  private ackWrittenAt = 0;
  private ackTimer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db) {
    this.byBallot = db.prepare<[string], PriorReceipt>(`${PRIOR} WHERE ballot_id = ? AND undone = 0 ORDER BY hub_seq LIMIT 1`);
    this.byVoter = db.prepare<[string, string, string], PriorReceipt>(
      `${PRIOR} WHERE voter_id = ? AND election_id = ? AND ballot_id <> ? AND undone = 0 ORDER BY hub_seq LIMIT 1`,
    );
    this.stateStmt = db.prepare<[], { pushed_through: number; pull_cursor: number; last_push_at: string | null; last_pull_at: string | null; last_error: string | null; last_error_at: string | null }>(
      'SELECT * FROM replication_state WHERE id = 1',
    );
    this.afterStmt = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.insertReceipt = db.prepare(
      `INSERT OR IGNORE INTO county_receipts (hub_seq, station_id, scan_seq, ballot_id, voter_id, election_id, verdict, station_time, operator, batch_number, pulled_at)
       VALUES (@hubSeq, @stationId, @scanSeq, @ballotId, @voterId, @electionId, @verdict, @stationTime, @operator, @batchNumber, @at)`,
    );
    this.undoStmt = db.prepare('UPDATE county_receipts SET undone = 1 WHERE station_id = ? AND scan_seq = ?');
    this.insertConflict = db.prepare(
      `INSERT OR IGNORE INTO county_conflicts (hub_seq, ballot_id, voter_id, election_id, first_station, first_scan_seq, first_time,
         second_station, second_scan_seq, second_time, local_scan_seq, detected_at, body)
       VALUES (@hubSeq, @ballotId, @voterId, @electionId, @firstStation, @firstSeq, @firstTime, @secondStation, @secondSeq, @secondTime, @localSeq, @at, @body)`,
    );
  }

  /** Another station's current receipt of this ballot (the first the hub holds), or null. */
  receipt(ballotId: string): PriorReceipt | null {
    return this.byBallot.get(ballotId) ?? null;
  }

  /** Another station's receipt of another ballot of the same voter in the same election, or null. */
  otherBallotReceipt(voterId: string, electionId: string, ballotId: string): PriorReceipt | null {
    return this.byVoter.get(voterId, electionId, ballotId) ?? null;
  }

  /** Other stations' receipts of a ballot (undone ones too), for its history. */
  receiptsOfBallot(ballotId: string): { station: string; scanSeq: number; at: string; verdict: string; operator: string | null; undone: boolean }[] {
    return this.db
      .prepare<[string], { station: string; scanSeq: number; at: string; verdict: string; operator: string | null; undone: 0 | 1 }>(
        'SELECT station_id AS station, scan_seq AS scanSeq, station_time AS at, verdict, operator, undone FROM county_receipts WHERE ballot_id = ? ORDER BY hub_seq',
      )
      .all(ballotId)
      .map((r) => ({ ...r, undone: r.undone === 1 }));
  }

  /** Conflicts of a ballot the hub found, for its history. */
  conflictsOfBallot(ballotId: string): { hubSeq: number; first: string; second: string; detectedAt: string; resolution: string | null }[] {
    return this.db
      .prepare<[string], { hubSeq: number; first: string; second: string; detectedAt: string; resolution: string | null }>(
        `SELECT hub_seq AS hubSeq, first_station || ' scan ' || first_scan_seq AS first, second_station || ' scan ' || second_scan_seq AS second,
           detected_at AS detectedAt, resolution FROM county_conflicts WHERE ballot_id = ? ORDER BY hub_seq`,
      )
      .all(ballotId);
  }

  counts(): { receipts: number; openConflicts: number } {
    return (
      this.db
        .prepare<[], { receipts: number; openConflicts: number }>(
          'SELECT (SELECT count(*) FROM county_receipts WHERE undone = 0) AS receipts, (SELECT count(*) FROM county_conflicts WHERE resolved_at IS NULL) AS openConflicts',
        )
        .get() ?? { receipts: 0, openConflicts: 0 }
    );
  }

  /** Where replication stands: the database's row, with an acknowledgement not yet written over it. */
  state(): ReplicationState {
    const r = this.stateStmt.get();
    const a = this.pendingAck;
    if (!r) return { pushedThrough: a?.seq ?? 0, pullCursor: 0, lastPushAt: a?.at ?? null, lastPullAt: null, lastError: null, lastErrorAt: null };
    return {
      pushedThrough: Math.max(r.pushed_through, a?.seq ?? 0),
      pullCursor: r.pull_cursor,
      lastPushAt: a?.at ?? r.last_push_at,
      lastPullAt: r.last_pull_at,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
    };
  }

  /** Audit entries the hub has not acknowledged, in order. */
  entriesAfter(seq: number, limit: number): AuditRow[] {
    return this.afterStmt.all(seq, limit);
  }

  auditHead(): number {
    return this.db.prepare<[], { s: number | null }>('SELECT max(seq) AS s FROM audit_log').get()?.s ?? 0;
  }

  /** The hub holds every entry through `seq`; never moves backwards (a late answer to an old push). */
  /**
   * The hub holds less than we thought (restored from an older backup): push again from what it
   * holds. Only ever called with the hub's own answer (intake.whoami).
   */
  rewindPush(seq: number): void {
    this.flushAck();
    withRelaxedSync(this.db, () => this.db.prepare('UPDATE replication_state SET pushed_through = min(pushed_through, ?) WHERE id = 1').run(seq));
  }

  /**
   * Cursors and pulled rows are committed without waiting for the disk (withRelaxedSync): a
   * power cut that takes one back means an entry pushed again (the hub's answer to a repeat
   * changes nothing) or a page pulled again (INSERT OR IGNORE), and a scan's own commit never
   * waits behind replication's fsyncs.
   */
  acknowledge(seq: number, at: string): void {
    this.pendingAck = { seq: Math.max(seq, this.pendingAck?.seq ?? 0), at };
    const since = Date.now() - this.ackWrittenAt;
    // Written at once when it clears an error (the status line must not keep showing it), else at
    // most once per ACK_WRITE_MS: a station pushing ten times a second writes one row a second,
    // not ten. An acknowledgement lost with the process means entries pushed again (idempotent).
    if (since >= ACK_WRITE_MS || (this.stateStmt.get()?.last_error ?? null) !== null) this.flushAck();
    else if (!this.ackTimer) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = null;
        if (this.db.open) this.flushAck();
      }, ACK_WRITE_MS - since);
      this.ackTimer.unref();
    }
  }

  /** Writes the acknowledgement held in memory, if any (at close, before an error or a rewind). */
  flushAck(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    const a = this.pendingAck;
    if (!a) return;
    this.pendingAck = null;
    this.ackWrittenAt = Date.now();
    withRelaxedSync(this.db, () =>
      this.db
        .prepare('UPDATE replication_state SET pushed_through = max(pushed_through, ?), last_push_at = ?, last_error = NULL, last_error_at = NULL WHERE id = 1')
        .run(a.seq, a.at),
    );
  }

  recordError(message: string, at: string): void {
    this.flushAck();
    withRelaxedSync(this.db, () => this.db.prepare('UPDATE replication_state SET last_error = ?, last_error_at = ? WHERE id = 1').run(message, at));
  }

  /**
   * Stores one page pulled from the hub and moves the cursor past it, in ONE transaction: a crash
   * either keeps the page and the cursor or neither, and a row pulled twice changes nothing.
   */
  applyPulled(rows: readonly PulledRow[], myStation: string, at: string): number {
    return withRelaxedSync(this.db, () => this.applyPulledNow(rows, myStation, at));
  }

  private applyPulledNow(rows: readonly PulledRow[], myStation: string, at: string): number {
    return this.db
      .transaction(() => {
        let cursor = this.state().pullCursor;
        for (const row of rows) {
          this.applyOne(row, myStation, at);
          cursor = Math.max(cursor, row.hubSeq);
        }
        this.db.prepare('UPDATE replication_state SET pull_cursor = ?, last_pull_at = ? WHERE id = 1').run(cursor, at);
        return cursor;
      })
      .immediate();
  }

  private applyOne(row: PulledRow, myStation: string, at: string): void {
    const body = row.body ?? {};
    if (row.kind === 'receipt' || row.kind === 'conflict') {
      // A conflict row is also a receipt: the later of two, kept by the hub and marked as its duplicate.
      if (row.stationId !== myStation)
        this.insertReceipt.run({
          hubSeq: row.hubSeq, stationId: row.stationId, scanSeq: scanSeqOf(row), ballotId: row.ballotId, voterId: row.voterId,
          electionId: row.electionId, verdict: row.verdict ?? 'ACCEPTED', stationTime: row.stationTime ?? at,
          operator: str(body['operator']), batchNumber: num(body['batchNumber']), at,
        });
      if (row.kind === 'conflict') this.recordConflict(row, myStation, at);
    } else if (row.kind === 'undo') {
      const scanSeq = scanSeqOf(row);
      this.undoStmt.run(row.stationId, scanSeq);
      // An undone receipt ends the conflicts it was in (the hub resolves them the same way).
      this.db
        .prepare(
          `UPDATE county_conflicts SET resolved_at = @at, resolved_by = @station, resolution = 'a receipt was undone at its station'
           WHERE resolved_at IS NULL AND ((first_station = @station AND first_scan_seq = @seq) OR (second_station = @station AND second_scan_seq = @seq))`,
        )
        .run({ at: row.stationTime ?? at, station: row.stationId, seq: scanSeq });
    }
    // 'resolution' rows (a supervisor's decision made at another station) are applied by the
    // county review code (main/county/resolutions.ts); the cursor moves past them either way.
  }

  private recordConflict(row: PulledRow, myStation: string, at: string): void {
    const body = row.body ?? {};
    const d = (body['duplicateOf'] ?? {}) as Record<string, unknown>;
    const first = { station: str(d['stationId']), scanSeq: num(d['scanSeq']), time: str(d['stationTime']) };
    const second = { station: row.stationId, scanSeq: scanSeqOf(row), time: row.stationTime };
    if (first.station === null || first.scanSeq === null) return;
    const localSeq = second.station === myStation ? second.scanSeq : first.station === myStation ? first.scanSeq : null;
    this.insertConflict.run({
      hubSeq: row.hubSeq, ballotId: row.ballotId ?? str(d['ballotId']), voterId: row.voterId ?? str(d['voterId']), electionId: row.electionId,
      firstStation: first.station, firstSeq: first.scanSeq, firstTime: first.time,
      secondStation: second.station, secondSeq: second.scanSeq, secondTime: second.time,
      localSeq, at, body: JSON.stringify(body),
    });
  }
}

/** The scan a receipt or undo row is about: the scan's own seq on its station. */
function scanSeqOf(row: PulledRow): number {
  return num(row.body?.['scanSeq']) ?? row.localSeq;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
