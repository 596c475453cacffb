import path from 'node:path';
import { imageStoreFor } from '../images/image-store.js';
import { canonicalJson } from './audit.js';
import type { CoverageProblem } from './audit-coverage.js';
import type { Db } from './db.js';
import { toImageRecord, type ImageRow } from './images.js';

/**
 * Envelope images against the audit log and the disk, for `audit verify`: every image row has
 * its `image.store` entry (same hash, same scan) and every entry its row; every live image's
 * file is there and still hashes to its name; every purged row is covered by a recorded purge.
 * So a picture replaced or altered on disk, a file deleted without a purge, or a row re-pointed
 * at another file is named. Every file is read and hashed: this is the slow part of verify.
 */
export function checkImages(db: Db, databasePath: string): { problem: CoverageProblem | null; checked: number } {
  if (databasePath === ':memory:') return { problem: null, checked: 0 };
  const entries = new Map<number, { seq: number; after: string }>();
  for (const e of db.prepare<[], { seq: number; entity_id: string; after: string }>("SELECT seq, entity_id, after FROM audit_log WHERE action = 'image.store'").iterate())
    entries.set(Number(e.entity_id), { seq: e.seq, after: e.after });
  const purges = new Map<string, string>(); // purgedAt → cut-off
  for (const e of db.prepare<[], { after: string }>("SELECT after FROM audit_log WHERE action = 'image.purge'").iterate()) {
    const a = JSON.parse(e.after) as { purgedAt: string; before: string };
    purges.set(a.purgedAt, a.before);
  }
  const files = imageStoreFor(databasePath);
  const problems: CoverageProblem[] = [];
  let checked = 0;
  for (const row of db.prepare<[], ImageRow>('SELECT * FROM envelope_images ORDER BY id').iterate()) {
    const p = checkRow(row, entries.get(row.id), purges, files, databasePath);
    entries.delete(row.id);
    if (p) problems.push(p);
    checked += 1;
  }
  for (const [id, e] of entries) problems.push({ brokenAt: e.seq, reason: `image ${id} is in the audit log (entry ${e.seq}) but missing from the envelope_images table` });
  const [first] = problems;
  if (!first) return { problem: null, checked };
  const more = problems.length - 1;
  return { problem: { brokenAt: first.brokenAt, reason: more > 0 ? `${first.reason} (and ${more} more image ${more === 1 ? 'problem' : 'problems'})` : first.reason }, checked };
}

function checkRow(
  row: ImageRow,
  entry: { seq: number; after: string } | undefined,
  purges: Map<string, string>,
  files: ReturnType<typeof imageStoreFor>,
  databasePath: string,
): CoverageProblem | null {
  const what = `image ${row.id} (the ${row.kind} of scan ${row.scan_seq})`;
  if (!entry) return { brokenAt: 0, reason: `${what} has no audit entry` };
  if (canonicalJson(toImageRecord(row)) !== entry.after) return { brokenAt: entry.seq, reason: `${what} differs from its audit entry ${entry.seq}` };
  if (row.purged_at !== null) {
    const before = purges.get(row.purged_at);
    if (before === undefined || !(row.captured_at < before))
      return { brokenAt: entry.seq, reason: `${what} is marked purged at ${row.purged_at}, but no recorded purge covers it` };
    return null;
  }
  const state = files.check(row.sha256);
  const rel = (ext: string) => path.relative(path.dirname(path.resolve(databasePath)), files.pathOf(row.sha256, ext === 'jpg' ? 'jpg' : 'webp'));
  if (state.state === 'missing') return { brokenAt: entry.seq, reason: `${what} is missing from the image store (${rel('webp')}) and no purge removed it` };
  if (state.state === 'altered')
    return {
      brokenAt: entry.seq,
      reason: `${what} was altered or replaced on disk: ${rel(state.ext)} now hashes to ${state.actual.slice(0, 16)}…, the audit log recorded ${row.sha256.slice(0, 16)}… (entry ${entry.seq})`,
    };
  return null;
}
