import type { Db } from './db.js';

/** One status change of one ballot, as a tracking service (BallotTrax, Ballot Scout…) shows it. */
export interface FeedEvent {
  /** The audit log's sequence number: a stable, gap-free cursor. */
  cursor: number;
  at: string;
  ballotId: string;
  voterId: string | null;
  status: 'received' | 'flagged' | 'cured' | 'accepted' | 'rejected' | 'receipt-withdrawn';
  detail: string;
  cureCodes: string[];
}

interface Row {
  seq: number;
  at: string;
  action: string;
  after: string | null;
  scan_ballot: string | null;
  scan_voter: string | null;
  scan_verdict: string | null;
}

/**
 * The tracking feed is derived from the audit log rather than kept beside it: whatever the
 * station recorded is exactly what the voter is shown, and the log's seq is the cursor.
 */
export function* feedSince(db: Db, since: number): Generator<FeedEvent> {
  const stmt = db.prepare<[number], Row>(
    `SELECT a.seq, a.at, a.action, a.after, s.ballot_id AS scan_ballot, s.voter_id AS scan_voter, s.verdict AS scan_verdict
     FROM audit_log a LEFT JOIN scans s ON a.entity = 'scan' AND s.seq = CAST(a.entity_id AS INTEGER)
     WHERE a.seq > ? AND a.action IN ('scan.record', 'scan.undo', 'cure.flag', 'cure.transition', 'problem.resolve')
     ORDER BY a.seq`,
  );
  for (const r of stmt.iterate(since)) {
    const after = r.after ? (JSON.parse(r.after) as Record<string, unknown>) : {};
    const e = toEvent(r, after);
    if (e) yield e;
  }
}

function toEvent(r: Row, after: Record<string, unknown>): FeedEvent | null {
  const base = { cursor: r.seq, at: r.at, voterId: r.scan_voter, cureCodes: [] as string[] };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (r.action) {
    case 'scan.record':
      if (!r.scan_ballot || (r.scan_verdict !== 'ACCEPTED' && r.scan_verdict !== 'LATE')) return null;
      return { ...base, ballotId: r.scan_ballot, status: 'received', detail: r.scan_verdict === 'LATE' ? 'received after the deadline' : 'received' };
    case 'scan.undo':
      if (!r.scan_ballot || after['undone'] !== true) return null;
      return { ...base, ballotId: r.scan_ballot, status: 'receipt-withdrawn', detail: `scan withdrawn: ${str(after['reason']) ?? ''}` };
    case 'problem.resolve': {
      if (!r.scan_ballot) return null;
      const res = str(after['resolution']);
      if (res === 'accept-postmark') return { ...base, ballotId: r.scan_ballot, status: 'accepted', detail: 'accepted: postmarked in time' };
      if (res === 'reject-late') return { ...base, ballotId: r.scan_ballot, status: 'rejected', detail: 'rejected: received after the deadline' };
      return null;
    }
    case 'cure.flag': {
      const ballotId = str(after['ballotId']);
      if (!ballotId) return null;
      const codes = Array.isArray(after['codes']) ? after['codes'].map(String) : [];
      return { ...base, ballotId, voterId: null, status: 'flagged', detail: `needs cure: ${codes.join(', ')}`, cureCodes: codes };
    }
    case 'cure.transition': {
      const ballotId = str(after['ballotId']);
      const state = str(after['state']);
      if (!ballotId || !state) return null;
      const status = state === 'CURED' ? 'cured' : state === 'ACCEPTED' ? 'accepted' : state === 'REJECTED' ? 'rejected' : null;
      return status ? { ...base, ballotId, voterId: null, status, detail: `${state.toLowerCase()}: ${str(after['reason']) ?? ''}` } : null;
    }
    default:
      return null;
  }
}
