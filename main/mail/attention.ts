import type { MailEvent } from '../../shared/mail/event.js';
import { MAIL_STATUS_WORDS, type MailStatusOptions } from '../../shared/mail/status.js';
import { toStoredEvent, type EventRow } from '../store/mail.js';
import { NOT_RECEIVED_SQL, notReceivedSql, registerMailFunctions, UNDELIVERABLE_SQL, undeliverableSql } from './attention-sql.js';
import type { Store } from '../store/store.js';

/**
 * The supervisor's three attention lists (issue 18):
 *  - no-scan: outbound ballots the USPS has not scanned at all N days after they were issued
 *    (a missing scan is not proof of loss: in 2020 the USPS pulled ~300,000 ballots to deliver
 *    them faster, unscanned — the list is where to look, not a verdict);
 *  - undeliverable: ballots whose outbound piece came back undeliverable (a reissue may be
 *    needed; the voter may have moved), with whether a newer ballot was issued since;
 *  - not-received: return envelopes the USPS scanned at the office's facility (or delivered to
 *    the office) more than N hours ago that the station has not received: the list a county
 *    checks before certification, and the evidence for a ballot whose postmark is missing.
 * Each is read with SQL that narrows to the candidates, then the one status rule
 * (shared/mail/status.ts) decides, so the lists and the lookup screen never disagree.
 */

export const ATTENTION_LISTS = ['no-scan', 'undeliverable', 'not-received'] as const;
export type AttentionList = (typeof ATTENTION_LISTS)[number];

export interface AttentionRow {
  ballotId: string;
  voterId: string;
  lastName: string;
  firstName: string;
  precinct: string | null;
  issuedAt: string | null;
  /** Plain words: "no scan yet", "returned undeliverable", "arrived at the office's mail facility". */
  status: string;
  /** The scan that put the ballot on the list (none for no-scan). */
  event: { at: string; phase: string; facility: string; city: string; state: string; zip: string } | null;
  /** Days since issue (no-scan), since the undeliverable scan, or hours since arrival (not-received). */
  waited: number;
  /** Undeliverable only: a newer mail ballot was issued to the same voter since. */
  reissued: boolean;
}

export interface AttentionOptions extends MailStatusOptions {
  now: Date;
  /** no-scan: days since issue; undeliverable: ignored; not-received: hours since arrival. */
  days: number;
  hours: number;
}

interface BallotRow {
  ballot_id: string;
  voter_id: string;
  last_name: string;
  first_name: string;
  precinct: string | null;
  issued_at: string | null;
}

const NOT_RECEIVED = `NOT EXISTS (SELECT 1 FROM receipts r WHERE r.ballot_id = b.ballot_id AND NOT EXISTS (SELECT 1 FROM scan_undos u WHERE u.scan_seq = r.scan_seq))`;
const OPEN = `b.status = 'ISSUED' AND b.vote_method = 'MAIL' AND ${NOT_RECEIVED}`;
const COLS = 'b.ballot_id, b.voter_id, b.last_name, b.first_name, b.precinct, b.issued_at';

/** A scan's moment on the station's clock: the UTC instant when USPS gave one, else the facility's local time read as the station's (they serve the same area). */
export function eventInstant(e: Pick<MailEvent, 'scannedAt' | 'scannedAtUtc'>): number {
  return e.scannedAtUtc ? Date.parse(e.scannedAtUtc) : new Date(e.scannedAt).getTime();
}

const eventOut = (e: MailEvent): AttentionRow['event'] => ({ at: e.scannedAtUtc ?? e.scannedAt, phase: e.mailPhase, facility: e.facilityName, city: e.facilityCity, state: e.facilityState, zip: e.facilityZip });

const person = (b: BallotRow) => ({ ballotId: b.ballot_id, voterId: b.voter_id, lastName: b.last_name, firstName: b.first_name, precinct: b.precinct, issuedAt: b.issued_at });

export function* attentionRows(store: Store, list: AttentionList, o: AttentionOptions): Generator<AttentionRow> {
  if (list === 'no-scan') yield* noScan(store, o);
  else yield* fromEvents(store, list, o);
}

const NO_SCAN_WHERE = `b.imb_serial IS NOT NULL AND b.issued_at IS NOT NULL AND substr(b.issued_at, 1, 10) <= ? AND ${OPEN}
       AND NOT EXISTS (SELECT 1 FROM mail_event_rows e WHERE e.ballot_id = b.ballot_id)`;
const noScanCutoff = (o: AttentionOptions) => new Date(o.now.getTime() - o.days * 86_400_000).toISOString().slice(0, 10);

function* noScan(store: Store, o: AttentionOptions): Generator<AttentionRow> {
  const cutoff = noScanCutoff(o);
  const stmt = store.db.prepare<[string], BallotRow>(`SELECT ${COLS} FROM ballots b WHERE ${NO_SCAN_WHERE} ORDER BY b.issued_at, b.ballot_id`);
  for (const b of stmt.iterate(cutoff)) {
    const waited = Math.floor((o.now.getTime() - Date.parse(`${(b.issued_at ?? '').slice(0, 10)}T00:00:00Z`)) / 86_400_000);
    yield { ...person(b), status: 'no scan yet', event: null, waited, reissued: false };
  }
}

/**
 * One query per list: a window over the ballot's scans picks the one scan the status rule
 * (shared/mail/status.ts) would pick, in the rule's own order (chronological(): the UTC instant
 * else local time, then operation|event|ZIP|machine, then the store's order), and the rule's own
 * tests run inside SQLite as functions (attention-sql.ts), so list and lookup screen never disagree.
 *  - not-received: the first back scan that is an arrival (office ZIP or delivery);
 *  - undeliverable: no back scan at all, and the latest out scan that is delivery-or-undeliverable
 *    is undeliverable.
 */
function* fromEvents(store: Store, list: 'undeliverable' | 'not-received', o: AttentionOptions): Generator<AttentionRow> {
  const opts = ruleOptions(store, o);
  const stmt = store.db.prepare<[{ opts: string }], BallotRow & EventRow>(list === 'undeliverable' ? UNDELIVERABLE_SQL : NOT_RECEIVED_SQL);
  const newer = store.db.prepare<[string, string, string], { n: number }>(
    `SELECT count(*) AS n FROM ballots WHERE voter_id = ? AND ballot_id <> ? AND vote_method = 'MAIL' AND status = 'ISSUED' AND coalesce(issued_at, '') >= ?`,
  );
  for (const r of stmt.iterate({ opts })) {
    const e = toStoredEvent(r);
    const at = eventInstant(e);
    if (list === 'undeliverable') {
      const reissued = (newer.get(r.voter_id, r.ballot_id, r.issued_at ?? '')?.n ?? 0) > 0;
      yield { ...person(r), status: MAIL_STATUS_WORDS['returned-undeliverable'], event: eventOut(e), waited: Math.max(0, Math.floor((o.now.getTime() - at) / 86_400_000)), reissued };
    } else if (waitedLongEnough(o, at))
      yield { ...person(r), status: MAIL_STATUS_WORDS.arrived, event: eventOut(e), waited: Math.floor((o.now.getTime() - at) / 3_600_000), reissued: false };
  }
}

/** not-received: a return that arrived at `at` (eventInstant) has waited the list's hours. */
const waitedLongEnough = (o: AttentionOptions, at: number) => o.now.getTime() - at >= o.hours * 3_600_000;

/** The status rule's options as the lists' SQL takes them (attention-sql.ts), its functions registered on the connection. */
function ruleOptions(store: Store, o: AttentionOptions): string {
  registerMailFunctions(store.db);
  return JSON.stringify({ officeZips: o.officeZips, undeliverableOpCodes: o.undeliverableOpCodes ?? [] });
}

/** The three counts for the Attention panel: the lists' own queries, reading no more of each scan picked than the count needs. */
export function attentionCounts(store: Store, o: AttentionOptions): Record<AttentionList, number> {
  // The no-scan list can be most of a county's roll before the first USPS file: counted in SQL.
  const noScanCount = store.db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ballots b WHERE ${NO_SCAN_WHERE}`).get(noScanCutoff(o))?.n ?? 0;
  const opts = ruleOptions(store, o);
  const undeliverable = store.db.prepare<[{ opts: string }], number>(undeliverableSql('count')).pluck().get({ opts }) ?? 0;
  let notReceived = 0;
  const arrivals = store.db.prepare<[{ opts: string }], { scanned_at: string; scanned_at_utc: string | null }>(notReceivedSql('instants'));
  for (const r of arrivals.iterate({ opts })) if (waitedLongEnough(o, eventInstant({ scannedAt: r.scanned_at, scannedAtUtc: r.scanned_at_utc }))) notReceived += 1;
  return { 'no-scan': noScanCount, undeliverable, 'not-received': notReceived };
}
