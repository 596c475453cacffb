import { CONFLICT_RESOLUTIONS, type ConflictResolution } from '../../shared/county/conflicts.js';
import { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';
import type { Verdict } from '../../shared/domain.js';
import { ServiceError } from '../../shared/errors.js';
import { hubConfigured, hubReader } from '../county/hub-reader.js';
import { countyBatches, countyQueue, countyReport, type CountyQueueFilter } from '../county/views.js';
import { publishRoll, pullCountyRoll } from '../county/roll.js';
import { authorize, type ActionContext, type Actor } from './context.js';
import { resolveProblems } from './cure.js';

/**
 * The county views and operations (docs/county.md). Reads go to the hub; a resolution is this
 * station's own action (an audit entry here, in one transaction), replicated to the hub like
 * every entry and applied by the owning station when it pulls (main/county/resolutions.ts).
 */
export function countyViews(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'county.views');
  const configured = hubConfigured(ctx.store);
  return { configured, station: configured ? (ctx.store.config.get('hub.station') ?? null) : null };
}

export async function countyQueueAction(ctx: ActionContext, actor: Actor | null, input: CountyQueueFilter, env: NodeJS.ProcessEnv = process.env) {
  authorize(actor, 'county.queue');
  return countyQueue(ctx.store, hubReader(ctx.store, env), input);
}

export async function countyReportAction(ctx: ActionContext, actor: Actor | null, input: { from: string; to: string }, env: NodeJS.ProcessEnv = process.env) {
  authorize(actor, 'county.report');
  return countyReport(hubReader(ctx.store, env), input);
}

export async function countyBatchesAction(ctx: ActionContext, actor: Actor | null, input: { station?: string | undefined; offset: number; limit: number }, env: NodeJS.ProcessEnv = process.env) {
  authorize(actor, 'county.batches');
  return countyBatches(hubReader(ctx.store, env), input);
}

interface HubScan {
  station: string;
  scanSeq: number;
  ballotId: string | null;
  verdict: Verdict;
  undone: boolean;
  resolution: string | null;
  resolvedBy: string | null;
  resolvedStation: string | null;
  /** The hub row through which this answer saw the county (hub migration 7; absent before it). */
  seenThrough?: number | string;
}

/**
 * Resolves any station's problem scan. This station's own scan takes the ordinary path
 * (review.resolve); another station's is checked against the hub (it exists, is a problem, is
 * open, and the resolution fits its verdict) and then recorded here as `county.resolve`.
 */
export async function resolveCountyProblem(
  ctx: ActionContext,
  actor: Actor | null,
  input: { station: string; scanSeq: number; resolution: string; reason: string },
  env: NodeJS.ProcessEnv = process.env,
) {
  const who = authorize(actor, 'county.resolve');
  const reason = input.reason.trim();
  if (!reason) throw new ServiceError('invalid', 'A resolution needs a reason.');
  const hub = hubReader(ctx.store, env);
  if (input.station === hub.station) {
    const r = resolveProblems(ctx, actor, { seqs: [input.scanSeq], resolution: input.resolution, reason });
    if (r.failed[0]) throw new ServiceError('conflict', r.failed[0].error);
    return { station: input.station, scanSeq: input.scanSeq, recordedHere: true };
  }
  const scan = await hub.call<HubScan | null>('SELECT intake.county_scan($1, $2) AS v', [input.station, input.scanSeq], 'Cannot resolve it now');
  const name = `scan ${input.scanSeq} of station ${input.station}`;
  if (!scan) throw new ServiceError('not-found', `The hub has no ${name}.`);
  if (scan.verdict === 'ACCEPTED') throw new ServiceError('invalid', `${name} was accepted: nothing to resolve.`);
  if (scan.undone) throw new ServiceError('conflict', `${name} was taken back at its station: nothing to resolve.`);
  if (scan.resolution)
    throw new ServiceError('conflict', `${name} was already resolved (${scan.resolution}) by ${scan.resolvedBy ?? 'someone'} at station ${scan.resolvedStation ?? input.station}.`);
  // The hub's verdict is text: one this version does not know has no resolutions here.
  const allowed: readonly string[] = Object.hasOwn(PROBLEM_RESOLUTIONS, scan.verdict) ? PROBLEM_RESOLUTIONS[scan.verdict] : [];
  if (!allowed.includes(input.resolution))
    throw new ServiceError('invalid', `A ${scan.verdict} scan is resolved as ${allowed.join(' or ')}, not ${input.resolution}.`);
  const at = ctx.clock().toISOString();
  // The hub row through which the scan was seen open: if another resolution crosses this one on
  // the way, the hub keeps this one as a record (the first stands) instead of refusing this
  // station's push (hub migration 7, main/hub/migrations/county-resolve-checks.ts).
  const seen = Number(scan.seenThrough);
  const openThrough = scan.seenThrough !== undefined && Number.isSafeInteger(seen) && seen >= 0 ? { openThrough: seen } : {};
  ctx.store.write(() =>
    ctx.store.audit.append(
      {
        actor: who.name,
        action: 'county.resolve',
        entity: 'county-scan',
        entityId: `${input.station}:${input.scanSeq}`,
        before: { verdict: scan.verdict, ...openThrough },
        after: { station: input.station, scanSeq: input.scanSeq, ballotId: scan.ballotId, verdict: scan.verdict, resolution: input.resolution, reason },
      },
      at,
    ),
  );
  return { station: input.station, scanSeq: input.scanSeq, recordedHere: false };
}

interface HubConflict {
  conflictId: number;
  resolvedAt: string | null;
  resolution: string | null;
  resolvedBy: string | null;
  /** The hub row through which this answer saw the county (hub migration 8; absent before it). */
  seenThrough?: number | string;
}

/** Settles a cross-station conflict: recorded here, replicated; the hub marks it for every station. */
export async function resolveCountyConflict(
  ctx: ActionContext,
  actor: Actor | null,
  input: { conflictId: number; resolution: ConflictResolution; reason: string },
  env: NodeJS.ProcessEnv = process.env,
) {
  const who = authorize(actor, 'county.resolveConflict');
  const reason = input.reason.trim();
  if (!reason) throw new ServiceError('invalid', 'A resolution needs a reason.');
  // The hub refuses any other (hub migration 8), and a refused entry would hold back this station's log.
  if (!(CONFLICT_RESOLUTIONS as readonly string[]).includes(input.resolution))
    throw new ServiceError('invalid', `A conflict is resolved as ${CONFLICT_RESOLUTIONS.join(' or ')}, not ${String(input.resolution)}.`);
  const hub = hubReader(ctx.store, env);
  const c = await hub.call<HubConflict | null>('SELECT intake.county_conflict($1) AS v', [input.conflictId], 'Cannot resolve it now');
  if (!c) throw new ServiceError('not-found', `The hub has no conflict ${input.conflictId}.`);
  if (c.resolvedAt) throw new ServiceError('conflict', `Conflict ${input.conflictId} was already resolved (${c.resolution ?? ''}) by ${c.resolvedBy ?? 'someone'}.`);
  // The hub row through which the conflict was seen open: if another resolution crosses this one
  // on the way, the hub keeps this one as a record (the first stands) instead of refusing this
  // station's push (hub migration 8, main/hub/migrations/county-conflict-resolve-checks.ts).
  const seen = Number(c.seenThrough);
  const before = c.seenThrough !== undefined && Number.isSafeInteger(seen) && seen >= 0 ? { openThrough: seen } : null;
  ctx.store.write(() =>
    ctx.store.audit.append(
      {
        actor: who.name,
        action: 'county.conflict-resolve',
        entity: 'county-conflict',
        entityId: String(input.conflictId),
        before,
        after: { conflictId: input.conflictId, resolution: input.resolution, reason },
      },
      ctx.clock().toISOString(),
    ),
  );
  return { conflictId: input.conflictId };
}

/** Publishes this station's roll to the hub (one station does this after importing the roll file). */
export async function publishCountyRoll(ctx: ActionContext, actor: Actor | null, env: NodeJS.ProcessEnv = process.env, onProgress?: (sent: number) => void) {
  authorize(actor, 'roll.publish');
  return publishRoll(ctx.store, hubReader(ctx.store, env), onProgress);
}

/** Pulls the county roll into this station's (when newer, or always with `force`). */
export async function pullCountyRollAction(ctx: ActionContext, actor: Actor | null, env: NodeJS.ProcessEnv = process.env, opts: { force?: boolean } = {}) {
  const who = authorize(actor, 'roll.pull');
  if (ctx.store.config.get('rollSource') !== 'county')
    throw new ServiceError('invalid', 'This station keeps its own roll (rollSource is station): set rollSource to county first (intake config set rollSource county).');
  return pullCountyRoll(ctx.store, hubReader(ctx.store, env), who.name, opts);
}
