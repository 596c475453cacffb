import type { Store } from '../store/store.js';

/**
 * How long envelope images must be kept before a purge may remove them.
 *
 * - The floor everywhere: 52 U.S.C. § 20701 (Civil Rights Act of 1960, Title III) requires
 *   every record and paper relating to an application, registration or other act requisite to
 *   voting in a federal election to be kept for 22 months from the election. An envelope (and
 *   its image) is such a paper, so while the station's electionDate is set, nothing captured
 *   for that election may be purged until 22 months after it.
 * - A state's own period, longer or counted differently, is the setting images.retentionDays
 *   (days from capture), which the office sets from its records-retention schedule.
 */
export const FEDERAL_RETENTION_MONTHS = 22;

/** The latest day a purge may cut at (YYYY-MM-DD), or null when nothing forbids any day; with why. */
export function latestPurgeDay(store: Store, now: Date): { day: string; why: string } | null {
  const limits: { day: string; why: string }[] = [];
  const days = store.config.get('images.retentionDays');
  if (days !== undefined)
    limits.push({ day: new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10), why: `images must be kept ${days} days (setting images.retentionDays)` });
  const election = store.config.get('electionDate');
  if (election) {
    const until = new Date(`${election}T00:00:00Z`);
    until.setUTCMonth(until.getUTCMonth() + FEDERAL_RETENTION_MONTHS);
    // Until the federal period has run, no image of this election may go: only days before the election are purgeable.
    if (now < until) limits.push({ day: election, why: `records of the election of ${election} must be kept ${FEDERAL_RETENTION_MONTHS} months, until ${until.toISOString().slice(0, 10)} (52 U.S.C. § 20701)` });
  }
  limits.sort((a, b) => a.day.localeCompare(b.day));
  return limits[0] ?? null;
}
