import type { Db } from './db.js';

/** A conflict the hub holds as resolved, as county_resolved_conflicts returns it. */
export interface ResolvedConflict {
  firstStation: string;
  firstSeq: number;
  secondStation: string;
  secondSeq: number;
  resolvedAt: string;
  resolvedBy: string | null;
  resolution: string | null;
}

/**
 * Marks this station's copies of conflicts resolved at the hub (migration 9's county_conflicts, a
 * cache of the hub's state, not a deciding table: no audit entry). Only open ones change, so
 * marking the same rows again changes nothing. Returns how many were marked now.
 */
/** Whether this station has a cross-station conflict still open (only then is the hub asked). */
export function hasOpenConflicts(db: Db): boolean {
  return db.prepare('SELECT 1 FROM county_conflicts WHERE resolved_at IS NULL LIMIT 1').get() !== undefined;
}

export function markConflictsResolved(db: Db, rows: readonly ResolvedConflict[]): number {
  // The common case (nothing open here) takes no write lock: scans never wait on this.
  if (rows.length === 0 || !hasOpenConflicts(db)) return 0;
  const stmt = db.prepare(
    `UPDATE county_conflicts SET resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution = @resolution
     WHERE resolved_at IS NULL AND first_station = @firstStation AND first_scan_seq = @firstSeq
       AND second_station = @secondStation AND second_scan_seq = @secondSeq`,
  );
  return db.transaction(() => rows.reduce((n, r) => n + stmt.run({ ...r, firstSeq: Number(r.firstSeq), secondSeq: Number(r.secondSeq), resolvedBy: r.resolvedBy ?? 'hub', resolution: r.resolution ?? '' }).changes, 0)).immediate();
}
