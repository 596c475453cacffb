/**
 * Hub migration 1: the county's tables. Every object lives in schema `intake` and is owned by
 * the NOLOGIN role `intake_hub_owner` (the migrations run under SET ROLE to it), so the
 * SECURITY DEFINER functions of migration 2 run with that role's rights, never a superuser's.
 * Stations (members of `intake_station`) get no table privilege at all: only EXECUTE on the
 * functions.
 */
export const v1Tables = `
CREATE TABLE intake.stations (
  station_id text PRIMARY KEY CHECK (station_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  role_name text NOT NULL UNIQUE,
  display_name text CHECK (display_name IS NULL OR length(display_name) <= 200),
  registered_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Every station's audit log, entry for entry, as the station hashed it: before/after are kept
-- as the exact text the station's hash covers (jsonb would reorder and re-space it). hub_seq
-- orders the county: stations' clocks differ, so their own times (at) are kept, not trusted.
CREATE TABLE intake.entries (
  hub_seq bigserial PRIMARY KEY,
  station_id text NOT NULL REFERENCES intake.stations(station_id),
  local_seq bigint NOT NULL CHECK (local_seq > 0),
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  before text,
  after text,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (station_id, local_seq)
);
CREATE INDEX entries_action ON intake.entries(action, hub_seq);

-- One row per receipt a station recorded (a scan.record whose verdict is a receipt: ACCEPTED or
-- LATE). scan_seq is the station's scan number (the audit entry's entity_id). A second receipt
-- for the same ballot, or the same voter in the same election, that arrives while the first
-- still counts is KEPT, marked cross_station_duplicate_of the first, with a conflicts row.
CREATE TABLE intake.receipts (
  hub_seq bigint PRIMARY KEY REFERENCES intake.entries(hub_seq),
  station_id text NOT NULL REFERENCES intake.stations(station_id),
  scan_seq bigint NOT NULL,
  ballot_id text NOT NULL,
  voter_id text,
  election_id text,
  verdict text NOT NULL,
  station_time text NOT NULL,
  station_name text,
  operator text,
  batch_id text,
  undone boolean NOT NULL DEFAULT false,
  undone_hub_seq bigint REFERENCES intake.entries(hub_seq),
  cross_station_duplicate_of bigint REFERENCES intake.receipts(hub_seq),
  UNIQUE (station_id, scan_seq)
);
-- The county's rule, enforced by the database itself: one counted receipt per ballot, and per
-- voter per election (a station without an election configured counts as election '').
CREATE UNIQUE INDEX receipts_one_per_ballot ON intake.receipts(ballot_id)
  WHERE NOT undone AND cross_station_duplicate_of IS NULL;
CREATE UNIQUE INDEX receipts_one_per_voter ON intake.receipts(voter_id, coalesce(election_id, ''))
  WHERE NOT undone AND cross_station_duplicate_of IS NULL AND voter_id IS NOT NULL;
CREATE INDEX receipts_duplicates ON intake.receipts(cross_station_duplicate_of) WHERE cross_station_duplicate_of IS NOT NULL;
CREATE INDEX receipts_voter ON intake.receipts(voter_id, election_id);

CREATE TABLE intake.conflicts (
  conflict_id bigserial PRIMARY KEY,
  first_hub_seq bigint NOT NULL REFERENCES intake.receipts(hub_seq),
  second_hub_seq bigint NOT NULL UNIQUE REFERENCES intake.receipts(hub_seq),
  matched_on text NOT NULL CHECK (matched_on IN ('ballot', 'voter')),
  detected_at timestamptz NOT NULL DEFAULT now(),
  resolved_by text,
  resolved_at timestamptz,
  resolution text
);
CREATE INDEX conflicts_open ON intake.conflicts(detected_at) WHERE resolved_at IS NULL;

-- What stations pull: at most one row per entry, written once when the entry arrives (so a
-- re-pull returns exactly what the first pull did), keyed by the entry's hub_seq.
CREATE TABLE intake.feed (
  hub_seq bigint PRIMARY KEY REFERENCES intake.entries(hub_seq),
  station_id text NOT NULL REFERENCES intake.stations(station_id),
  local_seq bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('receipt', 'undo', 'conflict', 'resolution')),
  ballot_id text,
  voter_id text,
  election_id text,
  verdict text,
  station_time text NOT NULL,
  body jsonb NOT NULL
);

REVOKE ALL ON ALL TABLES IN SCHEMA intake FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA intake FROM PUBLIC;
`;
