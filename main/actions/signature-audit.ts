import { localDate } from '../../shared/cure/calendar.js';
import { ServiceError } from '../../shared/errors.js';
import type { SignatureDecision } from '../../shared/signatures/decisions.js';
import { authorize, type ActionContext, type Actor } from './context.js';
import { rulesOf } from './signatures.js';

/** The queue's counts; newly stored envelope images are brought in first where the station can write. */
export function signatureQueueCounts(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'signatures.queueCounts');
  const at = ctx.clock().toISOString();
  try {
    ctx.store.write(() => ctx.store.signatures.catchUpWithin(at));
  } catch {
    // A station in a fault state (disk full, read-only) still counts what it has.
  }
  const c = ctx.store.signatures.stageCounts();
  const { timeZone } = rulesOf(ctx);
  const today = localDate(at, timeZone);
  // The first instant of today, local: count decisions from it.
  const dayStart = new Date(Date.parse(`${today}T00:00:00Z`) - offsetMs(at, timeZone)).toISOString();
  return {
    firstLevel: c.tier1,
    secondLevel: c.tier2,
    supervisor: c.supervisor,
    noSignatureOnFile: c['no-reference'],
    samplePending: c.sample,
    decidedToday: ctx.store.signatures.decidedSince(dayStart),
    votersWithSignatures: ctx.store.signatures.votersWithReferences(),
  };
}

/** The zone's offset from UTC at an instant (local wall time minus UTC). */
function offsetMs(instant: string, timeZone: string): number {
  const d = new Date(instant);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
  return wall - Math.floor(d.getTime() / 1000) * 1000;
}

interface Tally {
  sampled: number;
  agreed: number;
  disagreed: number;
  pending: number;
  rate: number | null;
}

const tally = (): Tally => ({ sampled: 0, agreed: 0, disagreed: 0, pending: 0, rate: null });

function count(t: Tally, blind: SignatureDecision | null): void {
  t.sampled += 1;
  if (blind === null) t.pending += 1;
  else if (blind === 'match') t.agreed += 1;
  else t.disagreed += 1;
  const decided = t.agreed + t.disagreed;
  t.rate = decided === 0 ? null : t.agreed / decided;
}

/**
 * The sample audit's report: how often a blind second look agreed with each first-level
 * reviewer's "matches", per reviewer and per day (the profile's time zone), and each
 * disagreement with the supervisor's decision once made.
 */
export function signatureAgreement(ctx: ActionContext, actor: Actor | null, input: { from?: string | undefined; to?: string | undefined }) {
  authorize(actor, 'signatures.agreement');
  const { timeZone } = rulesOf(ctx);
  const overall = tally();
  const byReviewer = new Map<string, Tally>();
  const byDay = new Map<string, Tally>();
  const disagreements = [];
  for (const r of ctx.store.signatures.sampleRows()) {
    const day = localDate(r.firstAt, timeZone);
    if ((input.from && day < input.from) || (input.to && day > input.to)) continue;
    for (const t of [overall, at(byReviewer, r.firstOperator), at(byDay, day)]) count(t, r.blindDecision);
    if (r.blindDecision && r.blindDecision !== 'match' && r.blindOperator && r.blindAt)
      disagreements.push({ scanSeq: r.scanSeq, ballotId: r.ballotId, firstOperator: r.firstOperator, blindOperator: r.blindOperator, blindDecision: r.blindDecision, at: r.blindAt, resolution: r.resolution });
  }
  return {
    sampleRate: ctx.store.config.get('signatures.sampleRate') ?? 0.02,
    overall,
    byReviewer: [...byReviewer].map(([operator, t]) => ({ operator, ...t })).sort((a, b) => a.operator.localeCompare(b.operator)),
    byDay: [...byDay].map(([day, t]) => ({ day, ...t })).sort((a, b) => a.day.localeCompare(b.day)),
    disagreements,
  };
}

function at(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = tally()));
  return t;
}

/** Every operator, and whether they review signatures (supervisors always do) with their party. */
export function signatureReviewers(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'signatures.reviewers');
  return ctx.store.operators
    .list()
    .filter((o) => o.active)
    .map((o) => {
      const r = ctx.store.signatures.reviewer(o.name);
      return { name: o.name, role: o.role, reviewer: o.role === 'supervisor' || (r?.reviewer ?? false), party: r?.party ?? null };
    });
}

/** A supervisor names (or un-names) a clerk as a signature reviewer, and sets anyone's party designation. */
export function setSignatureReviewer(ctx: ActionContext, actor: Actor | null, input: { name: string; reviewer: boolean; party?: string | null | undefined }) {
  const who = authorize(actor, 'signatures.setReviewer');
  const op = ctx.store.operators.get(input.name);
  if (!op || op.active === 0) throw new ServiceError('not-found', `There is no operator ${input.name}.`);
  if (op.role === 'supervisor' && !input.reviewer) throw new ServiceError('invalid', `${op.name} is a supervisor: supervisors always review signatures.`);
  const party = input.party === undefined ? (ctx.store.signatures.reviewer(op.name)?.party ?? null) : input.party?.trim().toUpperCase() || null;
  ctx.store.write(() => ctx.store.signatures.setReviewerWithin(op.name, input.reviewer || op.role === 'supervisor', party, who.name, ctx.clock().toISOString()));
  return { name: op.name, reviewer: input.reviewer || op.role === 'supervisor', party };
}


