/**
 * Signature review (issue 19): the voters' signatures on file, the queue of envelopes awaiting
 * a reviewer, and every reviewer's decision (append-only). Images themselves live in the image
 * store (envelope_images, migration 11); these rows name them by SHA-256.
 */
export const v12Signatures = `
-- Signatures on file: from the state's export, or an earlier envelope a reviewer matched.
CREATE TABLE reference_signatures (
  reference_id INTEGER PRIMARY KEY,
  voter_id TEXT NOT NULL,
  captured_on TEXT NOT NULL CHECK (captured_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  source TEXT NOT NULL CHECK (source IN ('state-export', 'prior-envelope')),
  from_scan_seq INTEGER REFERENCES scans(seq),
  file TEXT,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  -- Retention (issue 19): a purged signature's file is gone; its row stays as history.
  purged_at TEXT,
  purged_by TEXT,
  UNIQUE (voter_id, sha256)
) STRICT;
CREATE INDEX reference_signatures_voter ON reference_signatures(voter_id, captured_on DESC, reference_id DESC);

-- One row per imaged envelope awaiting (or done with) review: its stage now. The decisions
-- that moved it are in signature_reviews; round counts them, so a stale decision is refused.
CREATE TABLE signature_items (
  scan_seq INTEGER PRIMARY KEY REFERENCES scans(seq),
  ballot_id TEXT NOT NULL,
  voter_id TEXT,
  stage TEXT NOT NULL CHECK (stage IN ('tier1', 'tier2', 'sample', 'supervisor', 'no-reference', 'done')),
  round INTEGER NOT NULL DEFAULT 0,
  sampled INTEGER NOT NULL DEFAULT 0 CHECK (sampled IN (0, 1)),
  outcome TEXT,
  queued_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX signature_items_open ON signature_items(stage, scan_seq) WHERE stage <> 'done';
CREATE INDEX signature_items_voter ON signature_items(voter_id) WHERE stage = 'no-reference';

CREATE TABLE signature_reviews (
  review_id INTEGER PRIMARY KEY,
  scan_seq INTEGER NOT NULL REFERENCES signature_items(scan_seq),
  round INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('1', '2', 'sample', 'supervisor', 'no-reference')),
  decision TEXT NOT NULL CHECK (decision IN ('match', 'no-match', 'no-signature', 'refer')),
  operator TEXT NOT NULL,
  party TEXT,
  decided_at TEXT NOT NULL,
  references_shown TEXT NOT NULL,
  reason TEXT,
  outcome TEXT NOT NULL,
  cure_case_id INTEGER REFERENCES cure_cases(case_id),
  -- One decision per round: of 40 decisions sent at once, one moves the item.
  UNIQUE (scan_seq, round)
) STRICT;
CREATE INDEX signature_reviews_day ON signature_reviews(decided_at);
CREATE INDEX signature_reviews_operator ON signature_reviews(operator, scan_seq);

-- Clerks a supervisor has named as signature reviewers (supervisors always are), with the
-- party designation a bipartisan pair is checked against.
CREATE TABLE signature_reviewers (
  name TEXT PRIMARY KEY REFERENCES operators(name),
  reviewer INTEGER NOT NULL CHECK (reviewer IN (0, 1)),
  party TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

-- The sample's secret seed (so a reviewer cannot tell which of their matches will be audited)
-- and how far the queue has read the envelope images.
CREATE TABLE signature_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sample_seed TEXT NOT NULL,
  images_cursor INTEGER NOT NULL
) STRICT;
INSERT INTO signature_state (id, sample_seed, images_cursor) VALUES (1, lower(hex(randomblob(16))), 0);
`;
