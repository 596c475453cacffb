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
/** chronological() in shared/mail/status.ts, then the store's own order (scanned_at, id) that its stable sort keeps. */
const CHRONO = `coalesce(substr(e.scanned_at_utc, 1, 19), e.scanned_at), e.operation_code || '|' || e.event_code || '|' || e.facility_zip || '|' || e.machine_name, e.scanned_at, e.id`;
const CHRONO_DESC = `coalesce(substr(e.scanned_at_utc, 1, 19), e.scanned_at) DESC, e.operation_code || '|' || e.event_code || '|' || e.facility_zip || '|' || e.machine_name DESC, e.scanned_at DESC, e.id DESC`;
const BALLOT_COLS = 'b.voter_id, b.last_name, b.first_name, b.precinct, b.issued_at';

// Cheap LIKE tests that every scan the rule's regular expressions accept also passes (LIKE is
// case-blind for ASCII, as the rule is), so the JS functions run on a few scans, not all of them.
const ARRIVAL_SUPERSET = `e.mail_phase LIKE '%4c%' OR e.mail_phase LIKE '%deliver%' OR substr(e.facility_zip, 1, 5) IN (SELECT value FROM json_each(@opts, '$.officeZips'))`;
const TERMINAL_SUPERSET = `e.mail_phase LIKE '%4c%' OR e.mail_phase LIKE '%deliver%' OR e.mail_phase LIKE '%to sender%' OR e.mail_phase LIKE '%UAA%'
  OR e.mail_phase LIKE '%nixie%' OR e.operation_code IN (SELECT value FROM json_each(@opts, '$.undeliverableOpCodes'))`;

/** The first back scan that is an arrival, per open ballot. */
export const NOT_RECEIVED_SQL = `
  WITH a AS (SELECT ${EVENT_COLS}, row_number() OVER (PARTITION BY e.ballot_id ORDER BY ${CHRONO}) AS rn
             FROM mail_events e WHERE e.ballot_id IS NOT NULL AND e.direction = 'back'
               AND (${ARRIVAL_SUPERSET}) AND mail_arrival(e.mail_phase, e.facility_zip, @opts) = 1)
  SELECT e.*, ${BALLOT_COLS} FROM a e JOIN ballots b ON b.ballot_id = e.ballot_id
  WHERE e.rn = 1 AND ${OPEN} ORDER BY b.ballot_id`;

/** The latest delivery-or-undeliverable out scan, per open ballot with no back scan, when it is undeliverable. */
export const UNDELIVERABLE_SQL = `
  WITH t AS (SELECT ${EVENT_COLS}, row_number() OVER (PARTITION BY e.ballot_id ORDER BY ${CHRONO_DESC}) AS rn
             FROM mail_events e WHERE e.ballot_id IS NOT NULL AND e.direction = 'out'
               AND (${TERMINAL_SUPERSET}) AND mail_terminal(e.mail_phase, e.operation_code, @opts) > 0)
  SELECT e.*, ${BALLOT_COLS} FROM t e JOIN ballots b ON b.ballot_id = e.ballot_id
  WHERE e.rn = 1 AND mail_terminal(e.mail_phase, e.operation_code, @opts) = 2 AND ${OPEN}
    AND NOT EXISTS (SELECT 1 FROM mail_events k WHERE k.ballot_id = b.ballot_id AND k.direction = 'back')
  ORDER BY b.ballot_id`;
