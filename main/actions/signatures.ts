import { createHash } from 'node:crypto';
import { localDate } from '../../shared/cure/calendar.js';
import { ServiceError } from '../../shared/errors.js';
import type { SignatureDecision } from '../../shared/signatures/decisions.js';
import { DEFAULT_SIGNATURE_REVIEW } from '../../shared/signatures/profile-rules.js';
import { decisionsAt, inSample, LEVEL_OF, move, stageGroupsFor, type Outcome, type Reviewer, type SignatureRules, type Stage } from '../../shared/signatures/tiers.js';
import { CureService } from '../cure/service.js';
import type { SignatureItemRow } from '../store/signatures.js';
import { flagEnvelope } from './cure.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** How long `next` holds an envelope for its reviewer before another may take it. */
export const HOLD_MS = 5 * 60_000;
const SHOWN = 6;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Who may review signatures: every supervisor, and the clerks a supervisor has named
 * (signatures.setReviewer). Comparing signatures decides whether a vote counts, so it is a
 * trained, named duty rather than every clerk's; the named list also carries the party
 * designation a bipartisan pair is checked against.
 */
export function reviewerOf(ctx: ActionContext, actor: Actor): Reviewer {
  const row = ctx.store.signatures.reviewer(actor.name);
  const supervisor = actor.role === 'supervisor';
  if (!supervisor && !row?.reviewer)
    throw new ServiceError('forbidden', `${actor.name} is not a signature reviewer: a supervisor names reviewers (intake signatures reviewer ${actor.name} --allow)`);
  return { name: actor.name, party: row?.party ?? null, supervisor };
}

/** The profile's signature rules, with the office's own stricter setting for bipartisan pairs. */
export function rulesOf(ctx: ActionContext): SignatureRules & { lookbackYears: number | null; timeZone: string } {
  const profile = new CureService(ctx.store, ctx.clock).profile();
  const r = profile.signatureReview ?? DEFAULT_SIGNATURE_REVIEW;
  return {
    bipartisanPair: r.bipartisanPair || ctx.store.config.get('signatures.bipartisanPair') === true,
    reasonRequiredFor: r.reasonRequiredFor,
    noSignatureOnFileCure: r.noSignatureOnFileCure,
    lookbackYears: r.lookbackYears,
    timeZone: profile.timeZone,
  };
}

const LEVEL_SHOWN = { tier1: 'first', sample: 'first', tier2: 'second', supervisor: 'supervisor', 'no-reference': 'no-reference' } as const;

function since(ctx: ActionContext, years: number | null): string | null {
  if (years === null) return null;
  const d = ctx.clock();
  return `${d.getUTCFullYear() - years}${d.toISOString().slice(4, 10)}`;
}

/**
 * The envelopes this reviewer is served, in order: up to `want` of them, each still a receipt
 * (one undone since it was queued leaves the queue here).
 */
function servable(ctx: ActionContext, who: Reviewer, now: string, want: number): SignatureItemRow[] {
  const out: SignatureItemRow[] = [];
  for (const group of stageGroupsFor(who)) {
    const rows = group.flatMap((stage) => ctx.store.signatures.candidates(stage, who.name, now, want + 2)).sort((a, b) => a.scan_seq - b.scan_seq);
    for (const row of rows) {
      if (!ctx.store.scans.isReceipt(row.scan_seq)) {
        ctx.store.signatures.voidWithin(row.scan_seq, now);
        continue;
      }
      out.push(row);
      if (out.length === want) return out;
    }
  }
  return out;
}

/** The next envelope awaiting this reviewer, held for them, and the one after it for the screen to preload. */
export function nextSignature(ctx: ActionContext, actor: Actor | null) {
  const who = reviewerOf(ctx, authorize(actor, 'signatures.next'));
  const rules = rulesOf(ctx);
  const from = since(ctx, rules.lookbackYears);
  return ctx.store.write(() => {
    const now = ctx.clock();
    const at = now.toISOString();
    ctx.store.signatures.catchUpWithin(at);
    const [row, after] = servable(ctx, who, at, 2);
    if (!row) return { item: null, following: null };
    const heldUntil = new Date(now.getTime() + HOLD_MS).toISOString();
    ctx.store.signatures.holdWithin(row.scan_seq, who.name, heldUntil);
    const refs = (r: SignatureItemRow) => (r.voter_id ? ctx.store.signatures.references(r.voter_id, SHOWN, from) : []);
    const ballot = ctx.store.scans.byBallotId.get(row.ballot_id);
    const stage = row.stage as Exclude<Stage, 'done'>;
    const blindOrFirst = stage === 'tier1' || stage === 'sample';
    return {
      item: {
        scanSeq: row.scan_seq,
        round: row.round,
        level: LEVEL_SHOWN[stage],
        ballotId: row.ballot_id,
        voterId: row.voter_id,
        voterName: ballot ? [ballot.first_name, ballot.middle_name, ballot.last_name, ballot.suffix].filter(Boolean).join(' ') : null,
        scannedAt: ctx.store.scans.get(row.scan_seq)?.scannedAt ?? row.queued_at,
        envelopeSha256: ctx.store.signatures.envelopeCrop(row.scan_seq),
        references: refs(row).map(({ referenceId, sha256: s, capturedOn, source }) => ({ referenceId, sha256: s, capturedOn, source })),
        decisions: decisionsAt(stage, rules),
        reasonRequiredFor: reasonsFor(stage, rules),
        // Blind: a first-level (or sampled) envelope carries no earlier decision at all.
        earlier: blindOrFirst
          ? []
          : ctx.store.signatures.reviewsOf(row.scan_seq).map((r) => ({ level: r.level, decision: r.decision, operator: r.operator, reason: r.reason, decidedAt: r.decided_at })),
        heldUntil,
      },
      following: after ? { scanSeq: after.scan_seq, envelopeSha256: ctx.store.signatures.envelopeCrop(after.scan_seq), referenceSha256s: refs(after).map((r) => r.sha256) } : null,
    };
  });
}

function reasonsFor(stage: Stage, rules: SignatureRules): SignatureDecision[] {
  // Accepting with nothing on file to compare is always explained.
  return stage === 'no-reference' ? [...new Set<SignatureDecision>([...rules.reasonRequiredFor, 'match'])] : [...rules.reasonRequiredFor];
}

/** What the reviewer is told: a blind look answers like any first-level decision. */
const SHOWN_OUTCOME: Record<Outcome, Exclude<Outcome, 'sample-agreed' | 'sample-disagreed'>> = {
  accepted: 'accepted',
  'second-level': 'second-level',
  supervisor: 'supervisor',
  'cure-opened': 'cure-opened',
  'awaiting-another-reviewer': 'awaiting-another-reviewer',
  'sample-agreed': 'accepted',
  'sample-disagreed': 'supervisor',
};

export interface DecideInput {
  scanSeq: number;
  round: number;
  decision: SignatureDecision;
  reason?: string | undefined;
  referenceIds: number[];
}

/**
 * One reviewer's decision on one envelope: checked against the tiers (shared/signatures/tiers.ts),
 * recorded with who, when, the references shown and the reason, and, where it completes a
 * rejection, the cure case opened through the cure action (one door), all in one transaction.
 */
export function decideSignature(ctx: ActionContext, actor: Actor | null, input: DecideInput) {
  const a = authorize(actor, 'signatures.decide');
  const who = reviewerOf(ctx, a);
  const rules = rulesOf(ctx);
  const reason = input.reason?.trim() || null;
  return ctx.store.write(() => {
    const at = ctx.clock().toISOString();
    const s = ctx.store.signatures;
    const item = s.item(input.scanSeq);
    if (!item) throw new ServiceError('not-found', `Envelope ${input.scanSeq} is not awaiting signature review.`);
    if (item.stage === 'done' || item.round !== input.round)
      throw new ServiceError('conflict', `Envelope ${input.scanSeq} was decided meanwhile (by another reviewer, or a moment ago): take the next one.`);
    if (!ctx.store.scans.isReceipt(item.scan_seq)) {
      s.voidWithin(item.scan_seq, at);
      throw new ServiceError('conflict', `Scan ${item.scan_seq} was undone: it no longer needs a signature review.`);
    }
    const stage = item.stage;
    if (reasonsFor(stage, rules).includes(input.decision) && !reason)
      throw new ServiceError('invalid', `Say why ("${input.decision}" needs a reason under this state's rules).`);
    checkShown(ctx, item, input.referenceIds);
    const earlier = s.reviewsOf(item.scan_seq).map((r) => ({ level: r.level, decision: r.decision, operator: r.operator, party: r.party }));
    const hit = stage === 'tier1' && input.decision === 'match' && inSample(s.sampleSeed(), item.scan_seq, sampleRate(ctx), sha256);
    const m = move(stage, input.decision, who, earlier, rules, hit);
    if (!m.ok) throw new ServiceError(m.code, m.message);
    const cureCase = m.cure
      ? flagEnvelope(ctx, a, { scanSeq: item.scan_seq, codes: [m.cure], reason: `signature review (${LEVEL_OF[stage] === '1' ? 'first level' : 'second look'}): ${reason ?? m.message}` })
      : null;
    s.recordWithin(
      { scan_seq: item.scan_seq, round: item.round, level: LEVEL_OF[stage], decision: input.decision, operator: who.name, party: who.party, decided_at: at, referencesShown: input.referenceIds, reason, outcome: m.outcome, cure_case_id: cureCase?.caseId ?? null },
      m.stage,
      hit,
    );
    if (m.stage === 'done' && (m.outcome === 'accepted' || m.outcome === 'sample-agreed')) addPriorEnvelope(ctx, item, who.name, at, rules.timeZone);
    const shown = SHOWN_OUTCOME[m.outcome];
    return { outcome: shown, message: m.outcome === 'sample-agreed' ? 'signature matches' : m.message, cureCaseId: cureCase?.caseId ?? null };
  });
}

/** The references the reviewer says were on screen must be this voter's signatures on file. */
function checkShown(ctx: ActionContext, item: SignatureItemRow, ids: readonly number[]): void {
  if (new Set(ids).size !== ids.length) throw new ServiceError('invalid', 'A signature on file is listed twice in referenceIds.');
  const found = ctx.store.signatures.referencesById(ids);
  const foreign = ids.filter((id) => !found.some((r) => r.referenceId === id && r.voterId === item.voter_id));
  if (foreign.length > 0) throw new ServiceError('invalid', `Signature on file ${foreign.join(', ')} is not one of this voter's.`);
}

function sampleRate(ctx: ActionContext): number {
  return ctx.store.config.get('signatures.sampleRate') ?? 0.02;
}

/** A matched envelope's signature joins the voter's signatures on file (dated the day it was scanned). */
function addPriorEnvelope(ctx: ActionContext, item: SignatureItemRow, actor: string, at: string, timeZone: string): void {
  const crop = ctx.store.signatures.envelopeCrop(item.scan_seq);
  const scan = ctx.store.scans.get(item.scan_seq);
  if (!crop || !item.voter_id || !scan) return;
  ctx.store.signatures.addReferenceWithin(
    { voterId: item.voter_id, capturedOn: localDate(scan.scannedAt, timeZone), sha256: crop, source: 'prior-envelope', fromScanSeq: item.scan_seq, file: null },
    actor,
    at,
  );
}
