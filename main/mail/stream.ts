import type { Store } from '../store/store.js';

export interface StreamRow {
  /** The facility-local day of the scans, YYYY-MM-DD. */
  day: string;
  direction: 'out' | 'back';
  /** "Phase 1" … "Phase 4c", or "Other scans" for a phase the file did not number (a return to sender). */
  phase: string;
  ballots: number;
}

/**
 * The mail stream: for each day, how many ballots the USPS scanned in each mail phase, going out
 * and coming back. A ballot scanned twice in one phase on one day counts once. Phases are read
 * from IV-MTR's own wording ("Phase 1 - Origin Processing", "Phase 4c - Delivery").
 */
export function mailStream(store: Store, from: string, to: string): StreamRow[] {
  // Grouped in SQL (a county's election is ~10 million scans); a ballot whose scans on one day
  // spell the same phase two ways counts in both spellings' groups, which then add up.
  const rows = store.db
    .prepare<[string, string], { day: string; direction: 'out' | 'back'; mail_phase: string; n: number }>(
      `SELECT substr(scanned_at, 1, 10) AS day, direction, mail_phase, count(DISTINCT ballot_id) AS n FROM mail_events
       WHERE ballot_id IS NOT NULL AND scanned_at >= ? AND scanned_at < ?
       GROUP BY 1, 2, 3`,
    )
    .all(from, `${to}T99`);
  const counts = new Map<string, StreamRow>();
  for (const r of rows) {
    const phase = phaseOf(r.mail_phase);
    const key = `${r.day}|${r.direction}|${phase}`;
    const row = counts.get(key) ?? { day: r.day, direction: r.direction, phase, ballots: 0 };
    row.ballots += r.n;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => a.day.localeCompare(b.day) || a.direction.localeCompare(b.direction) || a.phase.localeCompare(b.phase));
}

export function phaseOf(text: string): string {
  const m = /phase\s*(\d[a-d]?)/i.exec(text);
  return m?.[1] ? `Phase ${m[1].toLowerCase()}` : 'Other scans';
}
