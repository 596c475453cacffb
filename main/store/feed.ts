import { z } from 'zod';
import type { AuditAction } from '../../shared/audit-actions.js';
import type { Db } from './db.js';
import type { MailStatusOptions } from '../../shared/mail/status.js';
import { mailMilestones, type MailFeedStatus } from '../mail/feed-mail.js';

/** One status change of one ballot, as a tracking service (BallotTrax, Ballot Scout…) shows it. */
export interface FeedEvent {
  /** The audit log's sequence number: a stable, gap-free cursor. */
  cursor: number;
  at: string;
  ballotId: string;
  voterId: string | null;
  status: 'received' | 'flagged' | 'cured' | 'not-cured' | 'accepted' | 'rejected' | 'receipt-withdrawn' | MailFeedStatus;
  detail: string;
  cureCodes: string[];
  /** Mail milestones only: the USPS scan that showed it (facility-local time, and UTC when USPS gave it). */
  mail?: { scannedAt: string; scannedAtUtc: string | null; phase: string; facility: string; city: string; state: string; zip: string };
}

interface Row {
  seq: number;
  at: string;
  action: string;
  entity_id: string;
  after: string | null;
  scan_ballot: string | null;
  scan_voter: string | null;
  scan_verdict: string | null;
  case_voter: string | null;
}

/**
 * The tracking feed is derived from the audit log rather than kept beside it: whatever the
 * station recorded is exactly what the voter is shown, and the log's seq is the cursor.
 */
/** The audit actions that change what a voter is shown (names checked against the one list). */
const FEED_ACTIONS = ['scan.record', 'scan.undo', 'cure.flag', 'cure.transition', 'problem.resolve', 'mail.import', 'mail.fetch'] as const satisfies readonly AuditAction[];

function* feedSince(db: Db, since: number, mailOpts: MailStatusOptions): Generator<FeedEvent> {
  const stmt = db.prepare<[number], Row>(
    `SELECT a.seq, a.at, a.action, a.entity_id, a.after, s.ballot_id AS scan_ballot, s.voter_id AS scan_voter, s.verdict AS scan_verdict,
            b.voter_id AS case_voter
     FROM audit_log a
     LEFT JOIN scans s ON a.entity = 'scan' AND s.seq = CAST(a.entity_id AS INTEGER)
     LEFT JOIN ballots b ON a.entity = 'cure_case' AND b.ballot_id = json_extract(a.after, '$.ballotId')
     WHERE a.seq > ? AND a.action IN (${FEED_ACTIONS.map((a) => `'${a}'`).join(', ')})
     ORDER BY a.seq`,
  );
  const voterOf = db.prepare<[string], { voter_id: string }>('SELECT voter_id FROM ballots WHERE ballot_id = ?');
  for (const r of stmt.iterate(since)) {
    if (r.action === 'mail.import' || r.action === 'mail.fetch') {
      // One import's milestones share its entry's cursor: every one of them is in the same export.
      for (const m of mailMilestones(db, Number(r.entity_id), mailOpts)) {
        const e = m.event;
        const mail = { scannedAt: e.scannedAt, scannedAtUtc: e.scannedAtUtc, phase: e.mailPhase, facility: e.facilityName, city: e.facilityCity, state: e.facilityState, zip: e.facilityZip };
        yield { cursor: r.seq, at: r.at, ballotId: m.ballotId, voterId: voterOf.get(m.ballotId)?.voter_id ?? null, status: m.status, detail: m.detail, cureCodes: [], mail };
      }
      continue;
    }
    const after = parseAfter(r.after);
    const e = toEvent(r, after);
    if (e) yield e;
  }
}

/** The newest cursor there is: the last audit entry's seq (0 for an empty log). */
function lastCursor(db: Db): number {
  return db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM audit_log').get()?.seq ?? 0;
}

const afterSchema = z.record(z.string(), z.unknown());

/** An audit entry's `after`, read back as the object it was written as; anything else is no detail. */
function parseAfter(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed = afterSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

const CASE_STATUS: Readonly<Record<string, FeedEvent['status']>> = {
  CURED: 'cured',
  NOT_CURED: 'not-cured',
  ACCEPTED: 'accepted',
  REJECTED: 'rejected',
};

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
      return { ...base, ballotId, voterId: r.case_voter, status: 'flagged', detail: `needs cure: ${codes.join(', ')}`, cureCodes: codes };
    }
    case 'cure.transition': {
      const ballotId = str(after['ballotId']);
      const state = str(after['state']);
      if (!ballotId || !state) return null;
      // NOTICE_SENT and CURE_RECEIVED change nothing the voter is shown; NOT_CURED does (the
      // BallotTrax file turns Rejected), and it may still be followed by ACCEPTED or REJECTED.
      const status = CASE_STATUS[state] ?? null;
      return status ? { ...base, ballotId, voterId: r.case_voter, status, detail: `${state.toLowerCase()}: ${str(after['reason']) ?? ''}` } : null;
    }
    default:
      return null;
  }
}

/** What a tracking or state file says of one ballot: the roll's facts, its receipt, its cure case. */
export interface BallotStatusRow {
  ballot_id: string;
  election_id: string;
  voter_id: string;
  status: 'ISSUED' | 'CANCELLED';
  /** The day the ballot was cancelled, when the roll or the state's change feed said (migration 8). */
  cancelled_at: string | null;
  issued_at: string | null;
  precinct: string | null;
  ballot_style: string | null;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  suffix: string | null;
  mail_address: string | null;
  mail_city: string | null;
  mail_state: string | null;
  mail_zip: string | null;
  /** When the current (not undone) receipt was scanned; null: not received. */
  received_at: string | null;
  /** The receipt's verdict (ACCEPTED or LATE), and a supervisor's decision on a LATE one. */
  receipt_verdict: string | null;
  late_resolution: string | null;
  /** The ballot's latest cure case, if any. */
  cure_state: string | null;
  cure_codes: string | null;
  cure_updated_at: string | null;
}

const STATUS_SELECT = `
  SELECT b.ballot_id, b.election_id, b.voter_id, b.status, b.cancelled_at, b.issued_at, b.precinct, b.ballot_style,
         b.last_name, b.first_name, b.middle_name, b.suffix, b.mail_address, b.mail_city, b.mail_state, b.mail_zip,
         s.scanned_at AS received_at, s.verdict AS receipt_verdict, pr.resolution AS late_resolution,
         c.state AS cure_state, c.codes AS cure_codes, c.updated_at AS cure_updated_at
  FROM ballots b
  LEFT JOIN receipts r ON r.ballot_id = b.ballot_id
  LEFT JOIN scans s ON s.seq = r.scan_seq AND NOT EXISTS (SELECT 1 FROM scan_undos u WHERE u.scan_seq = s.seq)
  LEFT JOIN problem_resolutions pr ON pr.scan_seq = s.seq
  LEFT JOIN cure_cases c ON c.case_id = (SELECT max(case_id) FROM cure_cases WHERE ballot_id = b.ballot_id)`;

/** The status of each named ballot (those not in the roll are left out). */
function ballotStatuses(db: Db, ballotIds: readonly string[]): BallotStatusRow[] {
  const stmt = db.prepare<[string], BallotStatusRow>(`${STATUS_SELECT} WHERE b.ballot_id = ?`);
  const out: BallotStatusRow[] = [];
  for (const id of ballotIds) {
    const row = stmt.get(id);
    if (row) out.push(row);
  }
  return out;
}

/**
 * One row per voter of an election, for a state's daily complete file: the voter's received mail
 * ballot if there is one, else the mail ballot issued last. Streams: a county's roll never
 * sits in memory.
 */
function* voterStatuses(db: Db, electionId: string): Generator<BallotStatusRow> {
  const stmt = db.prepare<[string], BallotStatusRow & { pick: number }>(
    `SELECT * FROM (
       SELECT x.*, row_number() OVER (PARTITION BY x.voter_id ORDER BY (x.received_at IS NOT NULL) DESC, x.issued_at DESC, x.ballot_id DESC) AS pick
       FROM (${STATUS_SELECT} WHERE b.election_id = ? AND b.vote_method = 'MAIL') x
     ) WHERE pick = 1 ORDER BY voter_id`,
  );
  for (const { pick: _pick, ...row } of stmt.iterate(electionId)) yield row;
}

/** The tracking feed and ballot statuses, over the audit log and the roll. */
export class FeedStore {
  constructor(private readonly db: Db) {}

  /** Every status change after the cursor, oldest first (streamed); the mail options decide the mail milestones. */
  since(cursor: number, mailOpts: MailStatusOptions = { officeZips: [] }): Generator<FeedEvent> {
    return feedSince(this.db, cursor, mailOpts);
  }

  lastCursor(): number {
    return lastCursor(this.db);
  }

  ballotStatuses(ballotIds: readonly string[]): BallotStatusRow[] {
    return ballotStatuses(this.db, ballotIds);
  }

  voterStatuses(electionId: string): Generator<BallotStatusRow> {
    return voterStatuses(this.db, electionId);
  }
}
