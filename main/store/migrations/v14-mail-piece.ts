import type Database from 'better-sqlite3';

/**
 * A scan event's mail piece kept as one number (issue 18: the first import of ten million scans
 * must take a minute): the IMb's 15 digits of mailer ID and serial, as the roll's IMbs are looked
 * up already (store/mail-ballots.ts pieceOf). A 6-digit mailer ID never starts with 9 and a
 * 9-digit one always does (USPS-B-3200), so the number names one pair, and the view gives both
 * back, with their leading zeros. The day index goes (see MAIL_BALLOT_INDEX). The unique index that finds a repeat is two integers wide instead
 * of two strings and an integer: built from a first bulk load in 10.1 s instead of 15.7 s on
 * ten million events (BENCHMARKS.md), and each row is about ten bytes narrower.
 */

/** The piece of a row: its mailer ID's digits then its serial's, as a number (15 digits, leading zeros dropped). */
const MAILER_LEN = (piece: string) => `CASE WHEN ${piece} >= 900000000000000 THEN 9 ELSE 6 END`;
const DIGITS = (piece: string) => `printf('%015d', ${piece})`;

/**
 * The view every reader reads events through: migration 10's table column for column, then the
 * piece (to find a piece's events by the unique index).
 */
export const MAIL_EVENTS_VIEW = `CREATE VIEW mail_events AS
SELECT e.id AS id, e.dedupe_key AS dedupe_key, e.import_id AS import_id, e.ballot_id AS ballot_id, p.direction AS direction,
  p.barcode_id AS barcode_id, p.stid AS stid, substr(${DIGITS('e.piece')}, 1, ${MAILER_LEN('e.piece')}) AS mailer_id,
  substr(${DIGITS('e.piece')}, ${MAILER_LEN('e.piece')} + 1) AS serial, e.routing_zip AS routing_zip,
  e.scanned_at AS scanned_at, e.scanned_at_utc AS scanned_at_utc, p.operation_code AS operation_code, p.event_code AS event_code,
  p.handling AS handling, p.handling_code AS handling_code, p.mail_phase AS mail_phase, p.machine_name AS machine_name,
  p.facility_name AS facility_name, p.facility_city AS facility_city, p.facility_state AS facility_state, p.facility_zip AS facility_zip,
  e.piece AS piece
FROM mail_event_rows e JOIN mail_places p ON p.place = e.place`;

/** The event rows' indexes (names kept from migration 10), built after a first bulk load (store/mail-load.ts). */
export const MAIL_PIECE_INDEX = 'CREATE UNIQUE INDEX mail_events_piece ON mail_event_rows(piece, dedupe_key)';
export const MAIL_BALLOT_INDEX = 'CREATE INDEX mail_events_ballot ON mail_event_rows(ballot_id) WHERE ballot_id IS NOT NULL';
// Migrations 10-13's day index (scanned_at, place, ballot_id) is not made again. Only the
// mail-stream chart read it, and it reads the table as fast within 10-15% (main/mail/stream.ts),
// while a first load of ten million events spent 8 s of its minute building it, and every later
// event kept it up to date (BENCHMARKS.md, issue 18).

/** The event rows' table (a bulk load's own table is made like it: store/mail-load.ts). */
const EVENT_ROWS = (name: string) => `CREATE TABLE ${name} (
  id INTEGER PRIMARY KEY,
  dedupe_key INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES mail_imports(import_id),
  ballot_id TEXT,
  piece INTEGER NOT NULL,
  routing_zip TEXT NOT NULL,
  scanned_at TEXT NOT NULL,
  scanned_at_utc TEXT,
  place INTEGER NOT NULL REFERENCES mail_places(place)
) STRICT`;

/**
 * Events this migration cannot carry over: a mailer ID and serial that are not an IMb's 15 digits
 * (the readers never kept one; an old station edited by hand might hold one). None is dropped or
 * guessed: the station says which and stays as it was.
 */
export function v14Refuses(db: Database.Database): string | null {
  const bad = db
    .prepare<[], { n: number; id: number; mailer_id: string; serial: string }>(
      `SELECT count(*) OVER () AS n, id, mailer_id, serial FROM mail_event_rows
       WHERE NOT (length(mailer_id) = CASE WHEN substr(mailer_id, 1, 1) = '9' THEN 9 ELSE 6 END AND length(mailer_id) + length(serial) = 15
                  AND mailer_id || serial NOT GLOB '*[^0-9]*') ORDER BY id LIMIT 1`,
    )
    .get();
  if (!bad) return null;
  const what = `mailer ID ${JSON.stringify(bad.mailer_id)} and serial ${JSON.stringify(bad.serial)}`;
  return `${bad.n.toLocaleString('en-US')} USPS scan ${bad.n === 1 ? 'event has' : 'events have'} a mailer ID and serial that are not an IMb's 15 digits (the first: event ${bad.id}, ${what})`;
}

// Every stored event came through an IMb of 20 to 31 digits (layout.ts, read-delimited-bytes.ts),
// so its mailer ID and serial are 15 digits together; a row that is not would stop the migration
// at the NOT NULL above (no guess is made for it).
export const v14MailPiece = `
DROP TABLE IF EXISTS mail_events_load;
DROP VIEW mail_events;
${EVENT_ROWS('mail_event_rows_v14')};
INSERT INTO mail_event_rows_v14 (id, dedupe_key, import_id, ballot_id, piece, routing_zip, scanned_at, scanned_at_utc, place)
  SELECT id, dedupe_key, import_id, ballot_id,
    CASE WHEN length(mailer_id) + length(serial) = 15 AND mailer_id || serial NOT GLOB '*[^0-9]*' THEN CAST(mailer_id || serial AS INTEGER) END,
    routing_zip, scanned_at, scanned_at_utc, place
  FROM mail_event_rows ORDER BY id;
DROP TABLE mail_event_rows;
ALTER TABLE mail_event_rows_v14 RENAME TO mail_event_rows;
${MAIL_PIECE_INDEX};
${MAIL_BALLOT_INDEX};
${MAIL_EVENTS_VIEW};
`;
