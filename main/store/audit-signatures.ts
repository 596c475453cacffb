import type { CoverageProblem } from './audit-coverage.js';
import type { Db } from './db.js';

/**
 * Signature decisions and signatures on file against the audit log, for `audit verify`, both
 * ways: every decision row has its `signature.decide` entry with the same deciding fields (who,
 * level, decision, round, reason, the signatures shown, the outcome), every entry its row; every
 * signature on file has its `signature.reference` entry (same voter, image and day) and back. So
 * a decision rewritten in the database file ("does not match" made "matches"), or a signature on
 * file swapped for another picture, is named.
 */
export function checkSignatures(db: Db): { problem: CoverageProblem | null; checked: number } {
  const problems: CoverageProblem[] = [];
  let checked = 0;
  const decide = new Map<string, { seq: number; after: Record<string, unknown> }>();
  for (const e of db.prepare<[], { seq: number; after: string }>("SELECT seq, after FROM audit_log WHERE action = 'signature.decide'").iterate()) {
    const a = JSON.parse(e.after) as Record<string, unknown>;
    decide.set(`${String(a['scan_seq'])}/${String(a['round'])}`, { seq: e.seq, after: a });
  }
  for (const r of db.prepare<[], Record<string, unknown>>('SELECT * FROM signature_reviews ORDER BY review_id').iterate()) {
    checked += 1;
    const key = `${String(r['scan_seq'])}/${String(r['round'])}`;
    const e = decide.get(key);
    decide.delete(key);
    const what = `the signature decision on scan ${String(r['scan_seq'])} (round ${String(r['round'])})`;
    if (!e) {
      problems.push({ brokenAt: 0, reason: `${what} has no audit entry` });
      continue;
    }
    const same = ['level', 'decision', 'operator', 'party', 'decided_at', 'reason', 'outcome', 'cure_case_id'].every((k) => e.after[k] === r[k]) && JSON.stringify(e.after['referencesShown']) === r['references_shown'];
    if (!same) problems.push({ brokenAt: e.seq, reason: `${what} differs from its audit entry ${e.seq}` });
  }
  for (const [key, e] of decide) problems.push({ brokenAt: e.seq, reason: `a signature decision (scan/round ${key}) is in the audit log (entry ${e.seq}) but missing from the signature_reviews table` });
  const refs = new Map<string, { seq: number; entity: string; after: Record<string, unknown> }>();
  for (const e of db.prepare<[], { seq: number; entity_id: string; after: string }>("SELECT seq, entity_id, after FROM audit_log WHERE action = 'signature.reference'").iterate()) {
    const a = JSON.parse(e.after) as Record<string, unknown>;
    refs.set(String(a['referenceId']), { seq: e.seq, entity: e.entity_id, after: a });
  }
  const purges = referencePurges(db);
  for (const r of db.prepare<[], RefRow>('SELECT reference_id, voter_id, captured_on, sha256, source, imported_at, purged_at, purged_by FROM reference_signatures ORDER BY reference_id').iterate()) {
    checked += 1;
    const e = refs.get(String(r.reference_id));
    refs.delete(String(r.reference_id));
    const what = `signature on file ${r.reference_id} (voter ${r.voter_id})`;
    if (!e) problems.push({ brokenAt: 0, reason: `${what} has no audit entry` });
    else if (e.entity !== r.voter_id || e.after['sha256'] !== r.sha256 || e.after['capturedOn'] !== r.captured_on || e.after['source'] !== r.source)
      problems.push({ brokenAt: e.seq, reason: `${what} differs from its audit entry ${e.seq}` });
    else if (r.purged_at !== null && !coveredByPurge(r, purges)) problems.push({ brokenAt: e.seq, reason: `${what} is marked purged at ${r.purged_at}, but no recorded purge covers it` });
  }
  for (const [id, e] of refs) problems.push({ brokenAt: e.seq, reason: `signature on file ${id} is in the audit log (entry ${e.seq}) but missing from the reference_signatures table` });
  const [first] = problems;
  if (!first) return { problem: null, checked };
  const more = problems.length - 1;
  return { problem: { brokenAt: first.brokenAt, reason: more > 0 ? `${first.reason} (and ${more} more)` : first.reason }, checked };
}

interface RefRow {
  reference_id: number;
  voter_id: string;
  captured_on: string;
  sha256: string;
  source: string;
  imported_at: string;
  purged_at: string | null;
  purged_by: string | null;
}

/** Recorded purges of signatures on file: when → { cut-off, by whom }. */
function referencePurges(db: Db): Map<string, { before: string; actor: string }> {
  const purges = new Map<string, { before: string; actor: string }>();
  for (const e of db.prepare<[], { actor: string; after: string }>("SELECT actor, after FROM audit_log WHERE action = 'signature.reference.purge'").iterate()) {
    const a = JSON.parse(e.after) as { purgedAt: string; before: string };
    purges.set(a.purgedAt, { before: a.before, actor: e.actor });
  }
  return purges;
}

/** A purged mark is true only when a recorded purge at that moment, by that operator, reached back past the row. */
function coveredByPurge(r: RefRow, purges: Map<string, { before: string; actor: string }>): boolean {
  const p = r.purged_at === null ? undefined : purges.get(r.purged_at);
  return p !== undefined && p.actor === r.purged_by && r.imported_at < p.before;
}
