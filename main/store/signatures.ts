import { z } from 'zod';
import type { SignatureDecision } from '../../shared/signatures/decisions.js';
import type { Level, Outcome, Stage } from '../../shared/signatures/tiers.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

/** The reference ids a reviewer had on screen, as stored (JSON), checked both ways. */
export const referencesShownSchema = z.array(z.number().int().positive()).max(6);

export interface ReferenceSignature {
  referenceId: number;
  voterId: string;
  capturedOn: string;
  sha256: string;
  source: 'state-export' | 'prior-envelope';
}

export interface SignatureItemRow {
  scan_seq: number;
  ballot_id: string;
  voter_id: string | null;
  stage: Stage;
  round: number;
  sampled: 0 | 1;
  outcome: string | null;
  queued_at: string;
}

export interface ReviewRow {
  review_id: number;
  scan_seq: number;
  round: number;
  level: Level;
  decision: SignatureDecision;
  operator: string;
  party: string | null;
  decided_at: string;
  references_shown: string;
  reason: string | null;
  outcome: Outcome;
  cure_case_id: number | null;
}

export type NewReview = Omit<ReviewRow, 'review_id' | 'references_shown'> & { referencesShown: number[] };

const REF_COLUMNS = 'reference_id AS referenceId, voter_id AS voterId, captured_on AS capturedOn, sha256, source';

/** Signatures on file, the review queue and its decisions (migration 12). */
export class SignatureStore {
  /** Statements prepared once per connection: a reviewer's every key runs the same dozen. */
  private readonly prepare: Db['prepare'];

  constructor(
    db: Db,
    private readonly audit: AuditLog,
  ) {
    const cache = new Map<string, ReturnType<Db['prepare']>>();
    this.prepare = ((sql: string) => {
      let stmt = cache.get(sql);
      if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
      return stmt;
    }) as Db['prepare'];
  }

  /**
   * Brings newly stored signature crops into the queue (from envelope_images, past the cursor):
   * envelopes received (ACCEPTED, or LATE pending review) with a voter's signature to look at.
   * Cheap when nothing is new: one indexed range read. Runs inside the caller's write.
   */
  catchUpWithin(at: string): number {
    const { cursor, last } = this.imagesAhead();
    if (last <= cursor) return 0;
    const n = this.prepare(
        `INSERT OR IGNORE INTO signature_items (scan_seq, ballot_id, voter_id, stage, queued_at, updated_at)
         SELECT s.seq, s.ballot_id, s.voter_id,
           CASE WHEN EXISTS (SELECT 1 FROM reference_signatures r WHERE r.voter_id = s.voter_id) THEN 'tier1' ELSE 'no-reference' END, ?, ?
         FROM envelope_images e JOIN scans s ON s.seq = e.scan_seq
         WHERE e.id > ? AND e.id <= ? AND e.kind = 'signature' AND e.purged_at IS NULL
           AND s.ballot_id IS NOT NULL AND s.verdict IN ('ACCEPTED', 'LATE')
         ORDER BY e.id`,
      )
      .run(at, at, cursor, last).changes;
    this.prepare('UPDATE signature_state SET images_cursor = ? WHERE id = 1').run(last);
    return n;
  }

  /** How far the queue has read envelope_images, and how far there is (a read: nothing new, nothing to write). */
  imagesAhead(): { cursor: number; last: number } {
    const cursor = (this.prepare('SELECT images_cursor AS c FROM signature_state WHERE id = 1').get() as { c: number }).c;
    const last = (this.prepare('SELECT coalesce(max(id), 0) AS m FROM envelope_images').get() as { m: number }).m;
    return { cursor, last };
  }

  /** The latest signature crop of an envelope still in the image store. */
  envelopeCrop(scanSeq: number): string | null {
    const r = this.prepare<[number], { sha256: string }>("SELECT sha256 FROM envelope_images WHERE scan_seq = ? AND kind = 'signature' AND purged_at IS NULL ORDER BY id DESC LIMIT 1")
      .get(scanSeq);
    return r?.sha256 ?? null;
  }

  sampleSeed(): string {
    return (this.prepare('SELECT sample_seed AS s FROM signature_state WHERE id = 1').get() as { s: string }).s;
  }

  /**
   * The first items of one stage this reviewer may take: not one they already decided on. Read
   * along the (stage, scan_seq) index, oldest first.
   */
  candidates(stage: Exclude<Stage, 'done'>, operator: string, limit: number): SignatureItemRow[] {
    return this.prepare<[string, string, number], SignatureItemRow>(
        `SELECT * FROM signature_items i INDEXED BY signature_items_open
         WHERE i.stage = ? AND i.stage <> 'done'
           AND NOT EXISTS (SELECT 1 FROM signature_reviews r WHERE r.scan_seq = i.scan_seq AND r.operator = ?)
         ORDER BY i.scan_seq LIMIT ?`,
      )
      .all(stage, operator, limit);
  }

  item(scanSeq: number): SignatureItemRow | undefined {
    return this.prepare<[number], SignatureItemRow>('SELECT * FROM signature_items WHERE scan_seq = ?').get(scanSeq);
  }

  /** Moves an envelope that is no longer a receipt (undone) out of the queue. */
  voidWithin(scanSeq: number, at: string): void {
    this.prepare("UPDATE signature_items SET stage = 'done', outcome = 'void', round = round + 1, updated_at = ? WHERE scan_seq = ?").run(at, scanSeq);
  }

  reviewsOf(scanSeq: number): ReviewRow[] {
    return this.prepare<[number], ReviewRow>('SELECT * FROM signature_reviews WHERE scan_seq = ? ORDER BY review_id').all(scanSeq);
  }

  /** References shown in a review, validated as read back. */
  shownIn(r: ReviewRow): number[] {
    try {
      const parsed = referencesShownSchema.safeParse(JSON.parse(r.references_shown));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  /**
   * Records a decision and moves its envelope, in the caller's write. The (scan, round) key lets
   * one decision per round through: a second one sent at the same time fails on it.
   */
  recordWithin(review: NewReview, stage: Stage, sampled: boolean): ReviewRow {
    const moved = this.prepare("UPDATE signature_items SET stage = ?, round = round + 1, sampled = max(sampled, ?), outcome = CASE WHEN ? = 'done' THEN ? ELSE outcome END, updated_at = ? WHERE scan_seq = ? AND round = ?")
      .run(stage, sampled ? 1 : 0, stage, review.outcome, review.decided_at, review.scan_seq, review.round).changes;
    if (moved !== 1) throw new Error(`signature item ${review.scan_seq} moved under us (round ${review.round})`);
    const shown = JSON.stringify(referencesShownSchema.parse(review.referencesShown));
    const id = Number(
      this.prepare(
          `INSERT INTO signature_reviews (scan_seq, round, level, decision, operator, party, decided_at, references_shown, reason, outcome, cure_case_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(review.scan_seq, review.round, review.level, review.decision, review.operator, review.party, review.decided_at, shown, review.reason, review.outcome, review.cure_case_id).lastInsertRowid,
    );
    const { referencesShown, ...rest } = review;
    this.audit.append(
      { actor: review.operator, action: 'signature.decide', entity: 'scan', entityId: String(review.scan_seq), before: null, after: { ...rest, referencesShown, stage } },
      review.decided_at,
    );
    return { ...rest, review_id: id, references_shown: shown };
  }

  // ── signatures on file ──────────────────────────────────────────────────────

  /** Up to `limit` signatures on file, newest first; none captured before `since` (YYYY-MM-DD) when given. */
  references(voterId: string, limit: number, since: string | null): ReferenceSignature[] {
    return this.prepare<[string, string, number], ReferenceSignature>(
        `SELECT ${REF_COLUMNS} FROM reference_signatures WHERE voter_id = ? AND captured_on >= ? AND purged_at IS NULL ORDER BY captured_on DESC, reference_id DESC LIMIT ?`,
      )
      .all(voterId, since ?? '0000-00-00', limit);
  }

  referencesById(ids: readonly number[]): ReferenceSignature[] {
    if (ids.length === 0) return [];
    return this.prepare<number[], ReferenceSignature>(`SELECT ${REF_COLUMNS} FROM reference_signatures WHERE reference_id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids);
  }

  /** Adds a signature on file (the same image for the same voter once); true when new. */
  addReferenceWithin(ref: Omit<ReferenceSignature, 'referenceId'> & { fromScanSeq: number | null; file: string | null }, actor: string, at: string): boolean {
    const r = this.prepare('INSERT OR IGNORE INTO reference_signatures (voter_id, captured_on, sha256, source, from_scan_seq, file, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ref.voterId, ref.capturedOn, ref.sha256, ref.source, ref.fromScanSeq, ref.file, at, actor);
    if (r.changes === 0) return false;
    this.audit.append(
      { actor, action: 'signature.reference', entity: 'voter', entityId: ref.voterId, before: null, after: { referenceId: Number(r.lastInsertRowid), capturedOn: ref.capturedOn, sha256: ref.sha256, source: ref.source, fromScanSeq: ref.fromScanSeq, file: ref.file } },
      at,
    );
    // Envelopes that waited with nothing on file can now be compared.
    this.prepare("UPDATE signature_items SET stage = 'tier1', round = round + 1, updated_at = ? WHERE stage = 'no-reference' AND voter_id = ?").run(at, ref.voterId);
    return true;
  }

  /** How many signatures on file (not purged) use this image: a purge of envelope images keeps such a file. */
  liveReferenceUses(sha256: string): number {
    return this.prepare<[string], { n: number }>('SELECT count(*) AS n FROM reference_signatures WHERE sha256 = ? AND purged_at IS NULL').get(sha256)?.n ?? 0;
  }

  /**
   * Retention: marks purged every signature on file that came to the station before `beforeIso`
   * (its imported_at: the station's copy is what the rule keeps), in the caller's write. Rows
   * stay (history); the caller removes the files no one else uses.
   */
  purgeReferencesWithin(beforeIso: string, actor: string, at: string): { bySource: Record<string, number>; shas: string[] } {
    const rows = this.prepare<[string], { sha256: string; source: string }>('SELECT sha256, source FROM reference_signatures WHERE imported_at < ? AND purged_at IS NULL').all(beforeIso);
    this.prepare('UPDATE reference_signatures SET purged_at = ?, purged_by = ? WHERE imported_at < ? AND purged_at IS NULL').run(at, actor, beforeIso);
    const bySource: Record<string, number> = { 'state-export': 0, 'prior-envelope': 0 };
    for (const r of rows) bySource[r.source] = (bySource[r.source] ?? 0) + 1;
    this.audit.append(
      { actor, action: 'signature.reference.purge', entity: 'voter', entityId: null, before: { before: beforeIso }, after: { before: beforeIso, purgedAt: at, references: rows.length, bySource } },
      at,
    );
    return { bySource, shas: [...new Set(rows.map((r) => r.sha256))] };
  }

  /** Whether the roll has a ballot for this voter. */
  voterKnown(voterId: string): boolean {
    return this.prepare('SELECT 1 FROM ballots WHERE voter_id = ? LIMIT 1').get(voterId) !== undefined;
  }

  /** A file's key in VR Systems' export: the envelope's bar code (a ballot ID), else a voter ID. */
  voterOfKey(key: string): string | null {
    const byBallot = this.prepare<[string], { voter_id: string }>('SELECT voter_id FROM ballots WHERE ballot_id = ?').get(key);
    if (byBallot) return byBallot.voter_id;
    return this.voterKnown(key) ? key : null;
  }

  votersWithReferences(): number {
    return (this.prepare('SELECT count(DISTINCT voter_id) AS n FROM reference_signatures').get() as { n: number }).n;
  }

  // ── counts and the sample report ────────────────────────────────────────────

  stageCounts(): Record<Stage, number> {
    const counts: Record<Stage, number> = { tier1: 0, tier2: 0, sample: 0, supervisor: 0, 'no-reference': 0, done: 0 };
    for (const r of this.prepare<[], { stage: Stage; n: number }>("SELECT stage, count(*) AS n FROM signature_items INDEXED BY signature_items_open WHERE stage <> 'done' GROUP BY stage").all()) counts[r.stage] = r.n;
    return counts;
  }

  decidedSince(at: string): number {
    return (this.prepare('SELECT count(*) AS n FROM signature_reviews WHERE decided_at >= ?').get(at) as { n: number }).n;
  }

  /**
   * Every sampled envelope: its first-level match, and the blind look and a supervisor's
   * decision where made (null while pending).
   */
  sampleRows(): { scanSeq: number; ballotId: string; firstOperator: string; firstAt: string; blindOperator: string | null; blindDecision: SignatureDecision | null; blindAt: string | null; resolution: SignatureDecision | null }[] {
    return this.prepare(
        `SELECT i.scan_seq AS scanSeq, i.ballot_id AS ballotId, f.operator AS firstOperator, f.decided_at AS firstAt,
           b.operator AS blindOperator, b.decision AS blindDecision, b.decided_at AS blindAt,
           (SELECT s.decision FROM signature_reviews s WHERE s.scan_seq = i.scan_seq AND s.level = 'supervisor' AND s.review_id > b.review_id ORDER BY s.review_id LIMIT 1) AS resolution
         FROM signature_items i
         JOIN signature_reviews f ON f.scan_seq = i.scan_seq AND f.level = '1' AND f.decision = 'match'
         LEFT JOIN signature_reviews b ON b.scan_seq = i.scan_seq AND b.level = 'sample'
         WHERE i.sampled = 1 ORDER BY f.decided_at, i.scan_seq`,
      )
      .all() as ReturnType<SignatureStore['sampleRows']>;
  }

  decisionsOfBallot(ballotId: string): ReviewRow[] {
    return this.prepare<[string], ReviewRow>('SELECT r.* FROM signature_reviews r JOIN signature_items i ON i.scan_seq = r.scan_seq WHERE i.ballot_id = ? ORDER BY r.review_id')
      .all(ballotId);
  }

  // ── reviewers ───────────────────────────────────────────────────────────────

  reviewer(name: string): { reviewer: boolean; party: string | null } | undefined {
    const r = this.prepare<[string], { reviewer: 0 | 1; party: string | null }>('SELECT reviewer, party FROM signature_reviewers WHERE name = ?').get(name);
    return r ? { reviewer: r.reviewer === 1, party: r.party } : undefined;
  }

  reviewers(): { name: string; reviewer: boolean; party: string | null }[] {
    return this.prepare<[], { name: string; reviewer: 0 | 1; party: string | null }>('SELECT name, reviewer, party FROM signature_reviewers ORDER BY name')
      .all()
      .map((r) => ({ name: r.name, reviewer: r.reviewer === 1, party: r.party }));
  }

  setReviewerWithin(name: string, reviewer: boolean, party: string | null, actor: string, at: string): void {
    const before = this.reviewer(name) ?? null;
    this.prepare('INSERT INTO signature_reviewers (name, reviewer, party, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET reviewer = excluded.reviewer, party = excluded.party, updated_at = excluded.updated_at, updated_by = excluded.updated_by')
      .run(name, reviewer ? 1 : 0, party, at, actor);
    this.audit.append({ actor, action: 'signature.reviewer', entity: 'operator', entityId: name, before, after: { reviewer, party } }, at);
  }
}
