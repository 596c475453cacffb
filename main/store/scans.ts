import type { Verdict } from '../../shared/domain.js';
import type { BallotFacts, PriorReceipt } from '../../shared/intake/verdict.js';
import type { Db } from './db.js';
import type { BallotRow } from './roll/ballot-row.js';

/** One scan exactly as stored; also the `after` of its audit entry, so tampering shows. */
export interface ScanRecord {
  seq: number;
  scannedAt: string;
  station: string;
  scanner: string | null;
  operator: string;
  raw: string;
  symbology: string | null;
  keyed: boolean;
  decodedKind: 'imb' | 'label' | null;
  decodedKey: string | null;
  ballotId: string | null;
  voterId: string | null;
  verdict: Verdict;
  reason: string;
  batchId: string | null;
  duplicateOf: number | null;
}

interface ScanRow {
  seq: number; scanned_at: string; station: string; scanner: string | null; operator: string; raw: string;
  symbology: string | null; keyed: 0 | 1; decoded_kind: 'imb' | 'label' | null; decoded_key: string | null;
  ballot_id: string | null; voter_id: string | null; verdict: Verdict; reason: string; batch_id: string | null;
  duplicate_of: number | null;
}

export function toScanRecord(r: ScanRow): ScanRecord {
  return {
    seq: r.seq, scannedAt: r.scanned_at, station: r.station, scanner: r.scanner, operator: r.operator, raw: r.raw,
    symbology: r.symbology, keyed: r.keyed === 1, decodedKind: r.decoded_kind, decodedKey: r.decoded_key,
    ballotId: r.ballot_id, voterId: r.voter_id, verdict: r.verdict, reason: r.reason, batchId: r.batch_id,
    duplicateOf: r.duplicate_of,
  };
}

export function ballotFacts(b: BallotRow): BallotFacts {
  return {
    ballotId: b.ballot_id, electionId: b.election_id, voterId: b.voter_id, jurisdiction: b.jurisdiction,
    status: b.status, voteMethod: b.vote_method, votedOtherMethod: b.voted_other_method === 1,
    stateReturnedAt: b.state_returned_at, sourceStatus: b.source_status,
  };
}

const PRIOR = `SELECT s.seq, s.ballot_id AS ballotId, s.scanned_at AS scannedAt, s.station, s.operator, s.scanner,
  s.batch_id AS batchId, b.number AS batchNumber
  FROM receipts r JOIN scans s ON s.seq = r.scan_seq LEFT JOIN batches b ON b.batch_id = s.batch_id`;

/** The prepared lookups of the scan path: each is one index probe on a state-sized roll. */
export class ScanStore {
  readonly byBallotId;
  readonly byImb;
  private readonly currentOfVoter;
  private readonly newer;
  private readonly inPerson;
  private readonly receiptOf;
  private readonly otherReceipt;
  private readonly insertScan;
  private readonly insertReceipt;
  private readonly bySeq;

  constructor(private readonly db: Db) {
    this.byBallotId = db.prepare<[string], BallotRow>('SELECT * FROM ballots WHERE ballot_id = ?');
    this.byImb = db.prepare<[string, string], BallotRow>('SELECT * FROM ballots WHERE imb_serial = ? AND imb_mailer_id = ?');
    // "Current" = the MAIL ballot issued last; ties broken by roll order.
    this.currentOfVoter = db.prepare<[{ voter: string; election: string | null }], BallotRow>(
      `SELECT * FROM ballots WHERE (voter_id = @voter OR alt_voter_id = @voter) AND vote_method = 'MAIL'
         AND (@election IS NULL OR election_id = @election)
       ORDER BY coalesce(issued_at, '') DESC, id DESC LIMIT 1`,
    );
    this.newer = db.prepare<[{ voter: string; election: string; id: number; issued: string }], { ballot_id: string; issued_at: string | null }>(
      `SELECT ballot_id, issued_at FROM ballots
       WHERE voter_id = @voter AND election_id = @election AND vote_method = 'MAIL' AND id <> @id
         AND (coalesce(issued_at, '') > @issued OR (coalesce(issued_at, '') = @issued AND id > @id))
       ORDER BY coalesce(issued_at, '') DESC LIMIT 1`,
    );
    this.inPerson = db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM ballots WHERE voter_id = ? AND election_id = ? AND vote_method = 'IN_PERSON' LIMIT 1`,
    );
    this.receiptOf = db.prepare<[string], PriorReceipt>(`${PRIOR} WHERE r.ballot_id = ?`);
    this.otherReceipt = db.prepare<[string, string, string], PriorReceipt>(
      `${PRIOR} WHERE r.ballot_id IN (SELECT ballot_id FROM ballots WHERE voter_id = ? AND election_id = ? AND ballot_id <> ?) LIMIT 1`,
    );
    this.insertScan = db.prepare(
      `INSERT INTO scans (scanned_at, station, scanner, operator, raw, symbology, keyed, decoded_kind, decoded_key,
         ballot_id, voter_id, verdict, reason, batch_id, duplicate_of)
       VALUES (@scannedAt, @station, @scanner, @operator, @raw, @symbology, @keyed, @decodedKind, @decodedKey,
         @ballotId, @voterId, @verdict, @reason, @batchId, @duplicateOf)`,
    );
    this.insertReceipt = db.prepare('INSERT INTO receipts (ballot_id, scan_seq) VALUES (?, ?)');
    this.bySeq = db.prepare<[number], ScanRow>('SELECT * FROM scans WHERE seq = ?');
  }

  currentBallotOfVoter(voterId: string, electionId: string | null): BallotRow | undefined {
    return this.currentOfVoter.get({ voter: voterId, election: electionId });
  }

  newerBallot(b: BallotRow): { ballotId: string; issuedAt: string | null } | null {
    const row = this.newer.get({ voter: b.voter_id, election: b.election_id, id: b.id, issued: b.issued_at ?? '' });
    return row ? { ballotId: row.ballot_id, issuedAt: row.issued_at } : null;
  }

  votedInPerson(b: BallotRow): boolean {
    return this.inPerson.get(b.voter_id, b.election_id) !== undefined;
  }

  receipt(ballotId: string): PriorReceipt | null {
    return this.receiptOf.get(ballotId) ?? null;
  }

  otherBallotReceipt(b: BallotRow): PriorReceipt | null {
    return this.otherReceipt.get(b.voter_id, b.election_id, b.ballot_id) ?? null;
  }

  /** Appends the scan (and its receipt) inside the caller's transaction. */
  record(scan: Omit<ScanRecord, 'seq'>, isReceipt: boolean): ScanRecord {
    const info = this.insertScan.run({ ...scan, keyed: scan.keyed ? 1 : 0 });
    const seq = Number(info.lastInsertRowid);
    if (isReceipt && scan.ballotId !== null) this.insertReceipt.run(scan.ballotId, seq);
    return { ...scan, seq };
  }

  get(seq: number): ScanRecord | undefined {
    const row = this.bySeq.get(seq);
    return row ? toScanRecord(row) : undefined;
  }

  undoWithin(seq: number, operator: string, reason: string, at: string): void {
    this.db.prepare('INSERT INTO scan_undos (scan_seq, undone_at, operator, reason) VALUES (?, ?, ?, ?)').run(seq, at, operator, reason);
    this.db.prepare('DELETE FROM receipts WHERE scan_seq = ?').run(seq);
  }

  undoOf(seq: number): { undone_at: string; operator: string; reason: string } | undefined {
    return this.db.prepare<[number], { undone_at: string; operator: string; reason: string }>('SELECT undone_at, operator, reason FROM scan_undos WHERE scan_seq = ?').get(seq);
  }

  isReceipt(seq: number): boolean {
    return this.db.prepare('SELECT 1 FROM receipts WHERE scan_seq = ?').get(seq) !== undefined;
  }

  /** Every scan in order, for export and audit cross-checks (streamed, never all in memory). */
  *iterate(filter: { batchId?: string; since?: number } = {}): Generator<ScanRecord> {
    const stmt = this.db.prepare<[{ batch: string | null; since: number }], ScanRow>(
      'SELECT * FROM scans WHERE (@batch IS NULL OR batch_id = @batch) AND seq > @since ORDER BY seq',
    );
    for (const row of stmt.iterate({ batch: filter.batchId ?? null, since: filter.since ?? 0 })) yield toScanRecord(row);
  }

  /** Every scan of a ballot with its undo, oldest first (the phone-inquiry history). */
  ofBallot(ballotId: string): (ScanRecord & { undo: { at: string; operator: string; reason: string } | null })[] {
    return this.db
      .prepare<[string], ScanRow & { undone_at: string | null; undo_operator: string | null; undo_reason: string | null }>(
        `SELECT s.*, u.undone_at, u.operator AS undo_operator, u.reason AS undo_reason
         FROM scans s LEFT JOIN scan_undos u ON u.scan_seq = s.seq WHERE s.ballot_id = ? ORDER BY s.seq`,
      )
      .all(ballotId)
      .map((r) => ({
        ...toScanRecord(r),
        undo: r.undone_at ? { at: r.undone_at, operator: r.undo_operator ?? '', reason: r.undo_reason ?? '' } : null,
      }));
  }

  recent(station: string | null, limit: number): ScanRecord[] {
    return this.db
      .prepare<[{ station: string | null; limit: number }], ScanRow>('SELECT * FROM scans WHERE (@station IS NULL OR station = @station) ORDER BY seq DESC LIMIT @limit')
      .all({ station, limit })
      .map(toScanRecord);
  }

  /** Current receipts (not undone), oldest first; streamed for exports of any size. */
  *receipts(batchId: string | null): Generator<ReceiptExportRow> {
    yield* this.db
      .prepare<[{ batch: string | null }], ReceiptExportRow>(
        `SELECT s.seq, r.ballot_id AS ballotId, s.voter_id AS voterId, b.last_name AS lastName, b.first_name AS firstName,
           b.precinct, s.verdict, s.scanned_at AS scannedAt, s.station, s.operator, s.scanner, s.batch_id AS batchId,
           t.number AS batchNumber
         FROM receipts r JOIN scans s ON s.seq = r.scan_seq
         LEFT JOIN ballots b ON b.ballot_id = r.ballot_id LEFT JOIN batches t ON t.batch_id = s.batch_id
         WHERE (@batch IS NULL OR s.batch_id = @batch) ORDER BY s.seq`,
      )
      .iterate({ batch: batchId });
  }
}

export interface ReceiptExportRow {
  seq: number;
  ballotId: string;
  voterId: string | null;
  lastName: string | null;
  firstName: string | null;
  precinct: string | null;
  verdict: Verdict;
  scannedAt: string;
  station: string;
  operator: string;
  scanner: string | null;
  batchId: string | null;
  batchNumber: number | null;
}
