import type Database from 'better-sqlite3';
import type { MailEvent } from '../../shared/mail/event.js';
import { isDeliveryEvent, isOfficeFacility, isUndeliverableEvent, type MailStatusOptions } from '../../shared/mail/status.js';

/**
 * The attention lists' SQL (issue 18): one set-based query per list. The status rule's scan tests
 * (shared/mail/status.ts) are regular expressions, so rather than copy them into LIKE patterns
 * (and drift), they run inside SQLite as deterministic functions; the options (office ZIPs,
 * undeliverable operation codes) come in as one JSON parameter, parsed once per query.
 */

const registered = new WeakSet<Database.Database>();
let lastKey = '';
let lastOpts: MailStatusOptions = { officeZips: [] };

function optsOf(json: string): MailStatusOptions {
  if (json !== lastKey) {
    lastOpts = JSON.parse(json) as MailStatusOptions;
    lastKey = json;
  }
  return lastOpts;
}

const piece = (phase: string, zip: string, op: string) => ({ mailPhase: phase, facilityZip: zip, operationCode: op }) as MailEvent;

/** Registered once per connection (a function cannot be replaced while a list is being read). */
export function registerMailFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  const o = { deterministic: true, varargs: false } as const;
  db.function('mail_arrival', o, (phase: unknown, zip: unknown, json: unknown) => {
    const e = piece(String(phase), String(zip), '');
    return isOfficeFacility(e, optsOf(String(json))) || isDeliveryEvent(e) ? 1 : 0;
  });
  db.function('mail_terminal', o, (phase: unknown, op: unknown, json: unknown) => {
    const e = piece(String(phase), '', String(op));
    return isUndeliverableEvent(e, optsOf(String(json))) ? 2 : isDeliveryEvent(e) ? 1 : 0;
  });
  registered.add(db);
}

const NOT_RECEIVED = `NOT EXISTS (SELECT 1 FROM receipts r WHERE r.ballot_id = b.ballot_id AND NOT EXISTS (SELECT 1 FROM scan_undos u WHERE u.scan_seq = r.scan_seq))`;
const OPEN = `b.status = 'ISSUED' AND b.vote_method = 'MAIL' AND ${NOT_RECEIVED}`;
const EVENT_COLS = `e.id, e.import_id, e.ballot_id, e.direction, e.barcode_id, e.stid, e.mailer_id, e.serial, e.routing_zip, e.scanned_at, e.scanned_at_utc,
  e.operation_code, e.event_code, e.handling, e.handling_code, e.mail_phase, e.machine_name, e.facility_name, e.facility_city, e.facility_state, e.facility_zip`;
const BALLOT_COLS = 'b.voter_id, b.last_name, b.first_name, b.precinct, b.issued_at';

/**
 * The places (store/mail-places.ts: a few thousand at most, however many scans), each with what
 * the rule makes of it, decided once per place instead of once per scan:
 *  - tie: chronological()'s second key (operation|event|ZIP|machine) as a rank, in SQLite's own
 *    text order, so the scans' sort carries a small integer instead of a joined string;
 *  - arrival: a back scan at the office's facility or delivering it (backStatus);
 *  - terminal: an out scan that is delivery (1) or undeliverable (2) (outStatus).
 */
const PLACES = `places AS MATERIALIZED (
  SELECT p.place, p.direction,
    dense_rank() OVER (ORDER BY p.operation_code || '|' || p.event_code || '|' || p.facility_zip || '|' || p.machine_name) AS tie,
    p.direction = 'back' AND mail_arrival(p.mail_phase, p.facility_zip, @opts) = 1 AS arrival,
    CASE WHEN p.direction = 'out' THEN mail_terminal(p.mail_phase, p.operation_code, @opts) ELSE 0 END AS terminal
  FROM mail_places p)`;
/** chronological() in shared/mail/status.ts, then the store's own order (scanned_at, id) that its stable sort keeps. */
const CHRONO = (dir: '' | ' DESC') =>
  ['coalesce(substr(e.scanned_at_utc, 1, 19), e.scanned_at)', 'p.tie', 'e.scanned_at', 'e.id'].map((k) => k + dir).join(', ');

// Each list reads the narrow event rows (no join to their places' text), sorts only the scans
// that can decide it, and reads the whole event for the one scan picked per ballot. The rows are
// read in table order (NOT INDEXED): through the ballot index would be a random read per scan.
// The picked scans drive the rest (CROSS JOIN keeps them the outer loop): looked up from each of
// the roll's ballots instead, every ballot would be tested, scanned or not.

/**
 * What a list's query gives for each ballot on it: the whole scan and the ballot (`rows`, in
 * ballot order), or for the counts only the scan's time (`instants`: not-received, whose hours
 * are counted from it) or nothing but the count (`count`).
 */
type Shape = 'rows' | 'instants' | 'count';
const select = (shape: Shape, alias: string) =>
  shape === 'rows' ? `${EVENT_COLS}, ${BALLOT_COLS}` : shape === 'instants' ? `${alias}.scanned_at, ${alias}.scanned_at_utc` : 'count(*) AS n';
// The whole event through the view (its place's text), for rows only: the scan's time comes with
// the picked scan itself, and reading each event again by its ID is a random read per ballot.
const picked = (shape: Shape, alias: string) => (shape === 'rows' ? `CROSS JOIN mail_events e ON e.id = ${alias}.id` : '');
const ordered = (shape: Shape) => (shape === 'rows' ? 'ORDER BY b.ballot_id' : '');

/** The first back scan that is an arrival, per open ballot. */
export const notReceivedSql = (shape: Shape) => `
  WITH ${PLACES},
  a AS (SELECT e.ballot_id, e.id, e.scanned_at, e.scanned_at_utc, row_number() OVER (PARTITION BY e.ballot_id ORDER BY ${CHRONO('')}) AS rn
        FROM mail_event_rows e NOT INDEXED JOIN places p ON p.place = e.place WHERE e.ballot_id IS NOT NULL AND p.arrival)
  SELECT ${select(shape, 'a')} FROM a CROSS JOIN ballots b ON b.ballot_id = a.ballot_id ${picked(shape, 'a')}
  WHERE a.rn = 1 AND ${OPEN} ${ordered(shape)}`;

/** The latest delivery-or-undeliverable out scan, per open ballot with no back scan, when it is undeliverable. */
export const undeliverableSql = (shape: Shape) => `
  WITH ${PLACES},
  t AS (SELECT e.ballot_id, e.id, p.terminal, row_number() OVER (PARTITION BY e.ballot_id ORDER BY ${CHRONO(' DESC')}) AS rn
        FROM mail_event_rows e NOT INDEXED JOIN places p ON p.place = e.place WHERE e.ballot_id IS NOT NULL AND p.terminal > 0)
  SELECT ${select(shape, 't')} FROM t CROSS JOIN ballots b ON b.ballot_id = t.ballot_id ${picked(shape, 't')}
  WHERE t.rn = 1 AND t.terminal = 2 AND ${OPEN}
    AND NOT EXISTS (SELECT 1 FROM mail_event_rows k JOIN mail_places kp ON kp.place = k.place WHERE k.ballot_id = b.ballot_id AND kp.direction = 'back')
  ${ordered(shape)}`;

export const NOT_RECEIVED_SQL = notReceivedSql('rows');
export const UNDELIVERABLE_SQL = undeliverableSql('rows');
