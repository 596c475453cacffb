/**
 * Migration 9: the station side of the county hub (docs/county.md).
 * - replication_state: one row; how far the hub has acknowledged this station's audit log
 *   (pushed_through = local audit seq) and how far this station has read the hub (pull_cursor =
 *   hub_seq), with the last error in plain words. Moved forward only in the transaction that
 *   stores what was pulled, so a crash never skips or repeats a row.
 * - county_receipts: other stations' receipts as pulled from the hub, consulted at scan time
 *   (indexed by ballot and by voter + election: one probe each per scan).
 * - county_conflicts: two receipts of one ballot (or voter) accepted while stations were apart,
 *   as the hub found them; both sides kept, shown in this station's review queue.
 */
export const v9County = `
CREATE TABLE replication_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pushed_through INTEGER NOT NULL DEFAULT 0,
  pull_cursor INTEGER NOT NULL DEFAULT 0,
  last_push_at TEXT,
  last_pull_at TEXT,
  last_error TEXT,
  last_error_at TEXT
) STRICT;
INSERT INTO replication_state (id) VALUES (1);

CREATE TABLE county_receipts (
  hub_seq INTEGER PRIMARY KEY,
  station_id TEXT NOT NULL,
  scan_seq INTEGER NOT NULL,
  ballot_id TEXT,
  voter_id TEXT,
  election_id TEXT,
  verdict TEXT NOT NULL,
  station_time TEXT NOT NULL,
  operator TEXT,
  batch_number INTEGER,
  undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  pulled_at TEXT NOT NULL,
  UNIQUE (station_id, scan_seq)
) STRICT;
CREATE INDEX county_receipts_ballot ON county_receipts(ballot_id) WHERE undone = 0;
CREATE INDEX county_receipts_voter ON county_receipts(voter_id, election_id) WHERE undone = 0;

CREATE TABLE county_conflicts (
  hub_seq INTEGER PRIMARY KEY,
  ballot_id TEXT,
  voter_id TEXT,
  election_id TEXT,
  first_station TEXT NOT NULL,
  first_scan_seq INTEGER NOT NULL,
  first_time TEXT,
  second_station TEXT NOT NULL,
  second_scan_seq INTEGER NOT NULL,
  second_time TEXT,
  -- This station's own scan in the conflict (NULL when two other stations clashed): the review queue shows it.
  local_scan_seq INTEGER,
  detected_at TEXT NOT NULL,
  body TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  resolution TEXT
) STRICT;
CREATE INDEX county_conflicts_local ON county_conflicts(local_scan_seq) WHERE local_scan_seq IS NOT NULL;
`;
