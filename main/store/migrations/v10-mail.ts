/**
 * USPS IV-MTR scan events (issue 18, docs/mail.md). Events inform a ballot's history and its
 * mail status; they never touch receipts, scans or verdicts.
 */
export const v10Mail = `
-- One row per file (or API fetch) brought in: who, when, and what became of its lines.
CREATE TABLE mail_imports (
  import_id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  file TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('ivmtr-delimited', 'ivmtr-json', 'ivmtr-api')),
  operator TEXT NOT NULL,
  read INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  unknown_imbs INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  rejects_file TEXT
) STRICT;

-- One row per distinct USPS scan: the same scan delivered twice is one row, by the unique
-- (mailer_id, serial, dedupe_key), where dedupe_key is a 53-bit hash of the scan's other parts
-- (shared/mail/event.ts dedupeHash); that index also finds a piece's events by mailer ID + serial.
-- ballot_id is NULL when the IMb matches no ballot of the roll (counted, kept for a later roll).
CREATE TABLE mail_events (
  id INTEGER PRIMARY KEY,
  dedupe_key INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES mail_imports(import_id),
  ballot_id TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('out', 'back')),
  barcode_id TEXT NOT NULL,
  stid TEXT NOT NULL,
  mailer_id TEXT NOT NULL,
  serial TEXT NOT NULL,
  routing_zip TEXT NOT NULL,
  scanned_at TEXT NOT NULL,
  scanned_at_utc TEXT,
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
CREATE INDEX mail_events_ballot ON mail_events(ballot_id) WHERE ballot_id IS NOT NULL;
CREATE UNIQUE INDEX mail_events_piece ON mail_events(mailer_id, serial, dedupe_key);
-- The mail-stream chart (main/mail/stream.ts) groups by day, direction and phase over a date
-- range: this covering index answers it in scanned_at order without reading the table.
CREATE INDEX mail_events_day ON mail_events(scanned_at, direction, mail_phase, ballot_id) WHERE ballot_id IS NOT NULL;
`;
