/**
 * Envelope images (issue 19). The files live in the content-addressed image store
 * (main/images/image-store.ts); these rows link each to its scan, and each row's `image.store`
 * audit entry records its hash, so `audit verify` names a file replaced, altered or missing.
 * A purge keeps the row (who captured what, when) and sets purged_at; the file goes.
 */
export const v11Images = `
CREATE TABLE envelope_images (
  id INTEGER PRIMARY KEY,
  scan_seq INTEGER NOT NULL REFERENCES scans(seq),
  ballot_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('envelope', 'signature')),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes INTEGER NOT NULL CHECK (bytes > 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  format TEXT NOT NULL CHECK (format IN ('webp', 'jpeg')),
  source TEXT NOT NULL CHECK (source IN ('sane', 'camera', 'sorter', 'file')),
  design TEXT,
  captured_at TEXT NOT NULL,
  captured_by TEXT NOT NULL,
  purged_at TEXT,
  purged_by TEXT,
  UNIQUE (scan_seq, kind, sha256)
) STRICT;
CREATE INDEX envelope_images_sha ON envelope_images(sha256);
CREATE INDEX envelope_images_ballot ON envelope_images(ballot_id) WHERE ballot_id IS NOT NULL;
CREATE INDEX envelope_images_live ON envelope_images(captured_at) WHERE purged_at IS NULL;

-- Where the signature sits on each envelope design: a rectangle in fractions of the image.
CREATE TABLE image_templates (
  design TEXT PRIMARY KEY,
  x REAL NOT NULL CHECK (x >= 0 AND x <= 1),
  y REAL NOT NULL CHECK (y >= 0 AND y <= 1),
  w REAL NOT NULL CHECK (w > 0 AND w <= 1),
  h REAL NOT NULL CHECK (h > 0 AND h <= 1),
  sample_sha256 TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

-- Sorter images whose envelope has not been scanned yet (or whose index line names no
-- envelope): retried on each pass over the folder, reported until matched.
CREATE TABLE sorter_pending (
  id INTEGER PRIMARY KEY,
  folder TEXT NOT NULL,
  file TEXT NOT NULL,
  barcode TEXT NOT NULL,
  tray TEXT,
  sequence INTEGER,
  reason TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_tried_at TEXT NOT NULL,
  imported_at TEXT,
  scan_seq INTEGER REFERENCES scans(seq),
  UNIQUE (folder, file)
) STRICT;
CREATE INDEX sorter_pending_open ON sorter_pending(barcode) WHERE imported_at IS NULL;
`;
