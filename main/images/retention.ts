import type { Store } from '../store/store.js';

/**
 * How long envelope images must be kept before a purge may remove them.
 *
 * - The floor everywhere: 52 U.S.C. § 20701 (Civil Rights Act of 1960, Title III) requires
 *   every record and paper relating to an application, registration or other act requisite to
 *   voting in a federal election to be kept for 22 months from the election. An envelope (and
 *   its image) is such a paper, so while the station's election (election, electionDate) is
 *   less than 22 months old, a purge may cut only before its first envelope's scan.
 * - A state's own period, longer or counted differently, is the setting images.retentionDays
 *   (days from capture), which the office sets from its records-retention schedule.
 */
export const FEDERAL_RETENTION_MONTHS = 22;

/** The latest day a purge may cut at (YYYY-MM-DD), or null when nothing forbids any day; with why. */
export function latestPurgeDay(store: Store, now: Date, stateMonths?: number): { day: string; why: string } | null {
  // The state profile's imageRetentionMonths, where longer than the federal 22 months, counts instead.
  const months = Math.max(FEDERAL_RETENTION_MONTHS, stateMonths ?? 0);
  const rule = months > FEDERAL_RETENTION_MONTHS ? "the state profile's imageRetentionMonths" : '52 U.S.C. § 20701';
  const limits: { day: string; why: string }[] = [];
  const days = store.config.get('images.retentionDays');
  if (days !== undefined)
    limits.push({ day: new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10), why: `images must be kept ${days} days (setting images.retentionDays)` });
  const electionDate = store.config.get('electionDate');
  const election = store.config.get('election');
  if (electionDate && election) {
    const until = new Date(`${electionDate}T00:00:00Z`);
    until.setUTCMonth(until.getUTCMonth() + months);
    // Every image of this election was captured after its first envelope was scanned: only older ones may go.
    const firstScan = now < until ? store.images.firstScanOfElection(election) : null;
    if (firstScan)
      limits.push({
        day: firstScan.slice(0, 10),
        why: `envelope images of the election of ${electionDate} must be kept ${months} months, until ${until.toISOString().slice(0, 10)} (${rule}), and its first envelope was scanned on ${firstScan.slice(0, 10)}`,
      });
  }
  limits.sort((a, b) => a.day.localeCompare(b.day));
  return limits[0] ?? null;
}
