import { v9County } from './migrations/v9-county.js';
import { v10Mail } from './migrations/v10-mail.js';
import { v11Images } from './migrations/v11-images.js';
import { v12Signatures } from './migrations/v12-signatures.js';
import { v13MailPlaces } from './migrations/v13-mail-places.js';
import type Database from 'better-sqlite3';
import { v14MailPiece, v14Refuses } from './migrations/v14-mail-piece.js';

/**
 * Forward-only schema migrations. Each runs once, in order, inside one transaction, and is
 * recorded in `schema_migrations`. Never edit a shipped migration: add the next one.
 * (vxsuite resets its database on schema change; we hold weeks of receipts, so we cannot.)
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * What in the database this migration cannot carry over, in plain words (null: nothing), asked
   * inside its transaction before its SQL runs; an answer stops the migration with the database as it was.
   */
  readonly refuses?: (db: Database.Database) => string | null;
}

const v1 = `
CREATE TABLE config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

CREATE TABLE roll_imports (
  import_id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  operator TEXT NOT NULL,
  read INTEGER NOT NULL,
  imported INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  rejects_file TEXT
) STRICT;

-- One row per issued ballot. Rolls are re-imported: rows are upserted by ballot_id and
-- never deleted; a ballot's current/superseded state is derived at scan time.
CREATE TABLE ballots (
  id INTEGER PRIMARY KEY,
  ballot_id TEXT NOT NULL UNIQUE,
  election_id TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  alt_voter_id TEXT,
  imb_mailer_id TEXT,
  imb_serial TEXT,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  middle_name TEXT,
  suffix TEXT,
  dob TEXT,
  res_address TEXT,
  res_city TEXT,
  res_zip TEXT,
  mail_address TEXT,
  mail_city TEXT,
  mail_state TEXT,
  mail_zip TEXT,
  precinct TEXT,
  ballot_style TEXT,
  jurisdiction TEXT,
  issued_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('ISSUED', 'CANCELLED')),
  vote_method TEXT NOT NULL CHECK (vote_method IN ('MAIL', 'IN_PERSON')),
  voted_other_method INTEGER NOT NULL CHECK (voted_other_method IN (0, 1)),
  state_returned_at TEXT,
  source_status TEXT,
  import_id INTEGER NOT NULL REFERENCES roll_imports(import_id),
  updated_import_id INTEGER NOT NULL REFERENCES roll_imports(import_id)
) STRICT;
CREATE INDEX ballots_voter ON ballots(voter_id, election_id);
CREATE INDEX ballots_alt_voter ON ballots(alt_voter_id) WHERE alt_voter_id IS NOT NULL;
CREATE INDEX ballots_imb ON ballots(imb_serial, imb_mailer_id) WHERE imb_serial IS NOT NULL;
CREATE INDEX ballots_name ON ballots(last_name COLLATE NOCASE, first_name COLLATE NOCASE);

-- What a re-import changed, for the phone-inquiry history ("reissued on…", "cancelled on…").
CREATE TABLE ballot_changes (
  id INTEGER PRIMARY KEY,
  ballot_id TEXT NOT NULL,
  import_id INTEGER NOT NULL REFERENCES roll_imports(import_id),
  before TEXT NOT NULL,
  after TEXT NOT NULL
) STRICT;
CREATE INDEX ballot_changes_ballot ON ballot_changes(ballot_id);

CREATE TABLE batches (
  batch_id TEXT PRIMARY KEY,
  number INTEGER NOT NULL,
  station TEXT NOT NULL,
  election_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  opened_at TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT,
  close_reason TEXT CHECK (close_reason IN ('size', 'supervisor')),
  scanned_count INTEGER,
  hand_count INTEGER,
  reconciled_at TEXT,
  reconciled_by TEXT,
  UNIQUE (station, number)
) STRICT;
CREATE UNIQUE INDEX batches_one_open ON batches(station) WHERE status = 'OPEN';

-- Every scan, whatever its verdict, is appended here and never changed.
CREATE TABLE scans (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  scanned_at TEXT NOT NULL,
  station TEXT NOT NULL,
  scanner TEXT,
  operator TEXT NOT NULL,
  raw TEXT NOT NULL,
  symbology TEXT,
  keyed INTEGER NOT NULL CHECK (keyed IN (0, 1)),
  decoded_kind TEXT CHECK (decoded_kind IN ('imb', 'label')),
  decoded_key TEXT,
  ballot_id TEXT,
  voter_id TEXT,
  verdict TEXT NOT NULL CHECK (verdict IN ('ACCEPTED','DUPLICATE','UNKNOWN','SUPERSEDED','CANCELLED',
    'ALREADY_VOTED','WRONG_ELECTION','WRONG_JURISDICTION','LATE','UNREADABLE')),
  reason TEXT NOT NULL,
  batch_id TEXT REFERENCES batches(batch_id),
  duplicate_of INTEGER REFERENCES scans(seq)
) STRICT;
CREATE INDEX scans_ballot ON scans(ballot_id) WHERE ballot_id IS NOT NULL;
CREATE INDEX scans_batch ON scans(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX scans_time ON scans(scanned_at);

-- The current receipt of each ballot: at most one, enforced by the key. A scan counts as a
-- receipt when the envelope was taken in for that ballot (ACCEPTED, or LATE pending review).
CREATE TABLE receipts (
  ballot_id TEXT PRIMARY KEY,
  scan_seq INTEGER NOT NULL UNIQUE REFERENCES scans(seq)
) STRICT;

-- Undo is a compensating record: the scan stays, the undo says who took it back and why.
CREATE TABLE scan_undos (
  scan_seq INTEGER PRIMARY KEY REFERENCES scans(seq),
  undone_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;

-- Hash-chained: each entry carries the hash of the one before it (see main/store/audit.ts).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  before TEXT,
  after TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
`;

const v2 = `
-- Operators and roles. PINs are stored only as argon2id hashes.
CREATE TABLE operators (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
  pin_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
) STRICT;
`;

const v3 = `
-- Cure cases: a received envelope with a problem the voter can fix. One open case per ballot.
CREATE TABLE cure_cases (
  case_id INTEGER PRIMARY KEY,
  ballot_id TEXT NOT NULL,
  scan_seq INTEGER REFERENCES scans(seq),
  voter_id TEXT,
  codes TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('FLAGGED','NOTICE_SENT','CURE_RECEIVED','CURED','NOT_CURED','ACCEPTED','REJECTED')),
  profile TEXT NOT NULL,
  deadline TEXT,
  notify_by TEXT,
  opened_at TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX cure_cases_one_open ON cure_cases(ballot_id) WHERE state NOT IN ('ACCEPTED', 'REJECTED');
CREATE INDEX cure_cases_state ON cure_cases(state, deadline);

-- Every step of a case, appended: who, when, why.
CREATE TABLE cure_steps (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cure_cases(case_id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX cure_steps_case ON cure_steps(case_id);

-- A supervisor's decision on a problem scan (duplicate, late, superseded…), appended once.
CREATE TABLE problem_resolutions (
  scan_seq INTEGER PRIMARY KEY REFERENCES scans(seq),
  resolution TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;

-- Notices to voters. Queued in the same transaction as the step that causes them; a sender
-- delivers each exactly once (its message_id survives a crash between send and mark).
CREATE TABLE notice_outbox (
  notice_id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cure_cases(case_id),
  channel TEXT NOT NULL CHECK (channel IN ('mail', 'email', 'text', 'phone')),
  language TEXT NOT NULL,
  recipient TEXT,
  message_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  queued_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX notice_outbox_status ON notice_outbox(status);
`;

const v4 = `
-- Closed batches waiting for the state system; one row per batch, states only move forward.
CREATE TABLE sync_outbox (
  batch_id TEXT PRIMARY KEY REFERENCES batches(batch_id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'acknowledged', 'rejected')),
  queued_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  ack TEXT,
  errors TEXT,
  acknowledged_at TEXT,
  target TEXT
) STRICT;
CREATE INDEX sync_outbox_status ON sync_outbox(status);

-- Each chunk of a batch is idempotent on its own. Its body is frozen when first planned, so a
-- retry sends the very same bytes under the same key even if a cure case moved meanwhile.
CREATE TABLE sync_chunks (
  batch_id TEXT NOT NULL REFERENCES sync_outbox(batch_id),
  chunk_index INTEGER NOT NULL,
  chunk_count INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  ack TEXT,
  acknowledged_at TEXT,
  PRIMARY KEY (batch_id, chunk_index)
) STRICT;

-- Cursors of the state's change feed and of exports (tracking feed).
CREATE TABLE sync_cursors (
  name TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;

// The review queue filters problem scans by verdict and pages them by time: one index serves
// the count and the order without reading every scan.
const v5 = `
CREATE INDEX scans_verdict_time ON scans(verdict, scanned_at);
`;

// Hardware scans refused because no operator was signed in and unlocked (issue 14 item 6):
// never receipts, kept so a supervisor sees them and the envelopes are scanned again.
const v6 = `
CREATE TABLE scan_faults (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  station TEXT NOT NULL,
  scanner TEXT NOT NULL,
  raw TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX scan_faults_at ON scan_faults(at);
`;

// The day a ballot was cancelled, when the roll or the state's change feed says (Florida's daily
// file reports it as AbsReqCanceledDate, rule 1S-2.043). Null for a ballot not cancelled, or
// cancelled by a source that gives no date.
const v7 = `
ALTER TABLE ballots ADD COLUMN cancelled_at TEXT;
`;

// A batch written to a folder is not yet at the state: the file (name, hash, when) is kept apart
// from the outbox's acknowledgement until a supervisor confirms the upload.
const v8 = `
CREATE TABLE sync_files (
  batch_id TEXT PRIMARY KEY REFERENCES sync_outbox(batch_id),
  file TEXT NOT NULL,
  folder TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  written_at TEXT NOT NULL,
  written_by TEXT NOT NULL
) STRICT;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'intake core', sql: v1 },
  { version: 2, name: 'operators', sql: v2 },
  { version: 3, name: 'cure cases and review', sql: v3 },
  { version: 4, name: 'sync outbox', sql: v4 },
  { version: 5, name: 'review queue index', sql: v5 },
  { version: 6, name: 'refused hardware scans', sql: v6 },
  { version: 7, name: 'ballot cancellation date', sql: v7 },
  { version: 8, name: 'sync files written, awaiting upload', sql: v8 },
  { version: 9, name: 'county hub: replication state, county receipts and conflicts', sql: v9County },
  { version: 10, name: 'USPS mail scan events', sql: v10Mail },
  { version: 11, name: 'envelope images', sql: v11Images },
  { version: 12, name: 'signatures on file and signature review', sql: v12Signatures },
  { version: 13, name: 'USPS scan events stored narrow: their places kept once', sql: v13MailPlaces },
  { version: 14, name: 'USPS scan events: the mail piece as one number', sql: v14MailPiece, refuses: v14Refuses },
];
