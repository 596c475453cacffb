import { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';
import { hasOpenConflicts, markConflictsResolved, type ResolvedConflict } from '../store/county-conflicts.js';
import type { Store } from '../store/store.js';
import type { HubReader } from './hub-reader.js';

/**
 * Applies, at the owning station, the resolutions supervisors at other stations made of its
 * problem scans (audit action county.resolve there). Each becomes this station's own
 * problem_resolutions row and `problem.resolve` entry, naming the supervisor and the station
 * ("sue (station b)") and carrying the hub sequence, so this station's queue drops it and its
 * audit says who resolved it where. Idempotent: a scan already resolved or undone here is left
 * as it is (the first resolution stands; the hub marks the rest applied when this station's own
 * entry reaches it), so pulling the same rows again changes nothing.
 */
export interface PendingResolution {
  hubSeq: number;
  byStation: string;
  actor: string;
  at: string;
  scanSeq: number;
  resolution: string;
  reason: string;
}

export interface ApplyReport {
  applied: number;
  /** This station's copies of cross-station conflicts marked resolved now. */
  conflicts: number;
  skipped: { hubSeq: number; scanSeq: number; why: string }[];
}

/** One pending resolution, in one transaction; returns why it was skipped, or null when applied. */
export function applyResolution(store: Store, r: PendingResolution, at: string): string | null {
  return store.write(() => {
    const scan = store.scans.get(r.scanSeq);
    if (!scan) return `there is no scan ${r.scanSeq} here`;
    const prior = store.cure.resolutionOf(r.scanSeq);
    if (prior) return `already resolved (${prior.resolution}) by ${prior.actor}`;
    if (store.scans.undoOf(r.scanSeq)) return 'the scan was taken back';
    if (scan.verdict === 'ACCEPTED') return 'the scan was accepted';
    const allowed: readonly string[] = PROBLEM_RESOLUTIONS[scan.verdict];
    if (!allowed.includes(r.resolution)) return `a ${scan.verdict} scan is not resolved as ${r.resolution}`;
    store.cure.resolveProblemWithin(r.scanSeq, r.resolution, `${r.actor} (station ${r.byStation})`, r.reason, at, {
      viaStation: r.byStation,
      hubSeq: r.hubSeq,
      resolvedAt: r.at,
    });
    return null;
  });
}

/** Pulls this station's pending resolutions from the hub and applies each (one round). */
export async function applyCountyResolutions(store: Store, hub: HubReader, clock: () => Date = () => new Date()): Promise<ApplyReport> {
  const { resolutions: pending, conflicts: resolved } = await hub.call<{ resolutions: PendingResolution[]; conflicts: ResolvedConflict[] }>(
    'SELECT intake.county_pending($1, $2) AS v',
    [500, hasOpenConflicts(store.db)],
    'Could not read resolutions from the hub',
  );
  const report: ApplyReport = { applied: 0, conflicts: 0, skipped: [] };
  for (const r of pending) {
    const row = { ...r, hubSeq: Number(r.hubSeq), scanSeq: Number(r.scanSeq) };
    const why = applyResolution(store, row, clock().toISOString());
    if (why === null) report.applied += 1;
    else report.skipped.push({ hubSeq: row.hubSeq, scanSeq: row.scanSeq, why });
  }
  if (resolved.length > 0) report.conflicts = markConflictsResolved(store.db, resolved);
  return report;
}
