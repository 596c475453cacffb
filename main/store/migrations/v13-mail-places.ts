/**
 * USPS scan events stored narrow (issue 18: a county's first import of ten million scans must take
 * a minute): each event row holds its own parts (piece, time, ballot, dedupe key) and one number
 * into `mail_places` for the thirteen columns a few thousand scans share (direction, barcode ID,
 * STID, codes, phase, machine, facility). `mail_events` stays, as a view with migration 10's
 * columns in their order, so every reader reads what it read before. Only the mail import
 * (store/mail-load.ts) writes the tables.
 */
import { PLACE_COLUMNS } from '../mail-places.js';

/** The view as this migration made it (migration 14 makes it again over a one-number piece: v14-mail-piece.ts). */
const V13_EVENTS_VIEW = `CREATE VIEW mail_events AS
SELECT e.id AS id, e.dedupe_key AS dedupe_key, e.import_id AS import_id, e.ballot_id AS ballot_id, p.direction AS direction,
  p.barcode_id AS barcode_id, p.stid AS stid, e.mailer_id AS mailer_id, e.serial AS serial, e.routing_zip AS routing_zip,
  e.scanned_at AS scanned_at, e.scanned_at_utc AS scanned_at_utc, p.operation_code AS operation_code, p.event_code AS event_code,
  p.handling AS handling, p.handling_code AS handling_code, p.mail_phase AS mail_phase, p.machine_name AS machine_name,
  p.facility_name AS facility_name, p.facility_city AS facility_city, p.facility_state AS facility_state, p.facility_zip AS facility_zip
FROM mail_event_rows e JOIN mail_places p ON p.place = e.place`;

/** The piece index as this migration made it (migration 14: one number for mailer ID and serial). */
const V13_PIECE_INDEX = 'CREATE UNIQUE INDEX mail_events_piece ON mail_event_rows(mailer_id, serial, dedupe_key)';
const V13_BALLOT_INDEX = 'CREATE INDEX mail_events_ballot ON mail_event_rows(ballot_id) WHERE ballot_id IS NOT NULL';
/** The mail-stream chart's index as this migration made it (migration 14 drops it). */
const V13_DAY_INDEX = 'CREATE INDEX mail_events_day ON mail_event_rows(scanned_at, place, ballot_id) WHERE ballot_id IS NOT NULL';

const placeColumns = PLACE_COLUMNS.join(', ');

export const v13MailPlaces = `
CREATE TABLE mail_places (
  place INTEGER PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('out', 'back')),
  barcode_id TEXT NOT NULL,
  stid TEXT NOT NULL,
  operation_code TEXT NOT NULL,
  event_code TEXT NOT NULL,
  handling TEXT NOT NULL CHECK (handling IN ('actual', 'assumed', 'logical', 'unknown')),
  handling_code TEXT NOT NULL,
  mail_phase TEXT NOT NULL,
  machine_name TEXT NOT NULL,
  facility_name TEXT NOT NULL,
  facility_city TEXT NOT NULL,
  facility_state TEXT NOT NULL,
  facility_zip TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX mail_places_values ON mail_places(${placeColumns});

-- One row per distinct USPS scan, as migration 10's mail_events had it (see there), its place by number.
CREATE TABLE mail_event_rows (
  id INTEGER PRIMARY KEY,
  dedupe_key INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES mail_imports(import_id),
  ballot_id TEXT,
  mailer_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  routing_zip TEXT NOT NULL,
  scanned_at TEXT NOT NULL,
  scanned_at_utc TEXT,
  place INTEGER NOT NULL REFERENCES mail_places(place)
) STRICT;

DROP TABLE IF EXISTS mail_events_load;
INSERT INTO mail_places (${placeColumns}) SELECT ${placeColumns} FROM mail_events GROUP BY ${placeColumns} ORDER BY min(id);
INSERT INTO mail_event_rows (id, dedupe_key, import_id, ballot_id, mailer_id, serial, routing_zip, scanned_at, scanned_at_utc, place)
  SELECT e.id, e.dedupe_key, e.import_id, e.ballot_id, e.mailer_id, e.serial, e.routing_zip, e.scanned_at, e.scanned_at_utc, p.place
  FROM mail_events e JOIN mail_places p ON ${PLACE_COLUMNS.map((c) => `p.${c} = e.${c}`).join(' AND ')}
  ORDER BY e.id;
DROP TABLE mail_events;
${V13_PIECE_INDEX};
${V13_BALLOT_INDEX};
${V13_DAY_INDEX};
${V13_EVENTS_VIEW};
`;
