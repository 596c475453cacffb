/**
 * State files spell one status several ways: North Carolina writes `SPOILED-EV`, `SPOILED - EV`
 * and, on ncsbe.gov, "Spoiled - EV"; `ONE-STOP` and `ONE STOP`. Statuses are compared by this key:
 * upper case, every run of spaces, hyphens, dashes (a spreadsheet's en dash) and underscores one
 * hyphen.
 */
export function statusKey(text: string | null): string {
  return (text ?? '').trim().toUpperCase().replace(/[\s_\-\u2010-\u2015]+/g, '-');
}

/**
 * North Carolina's "Spoiled - EV": the voter's mail ballot, spoiled because the voter then voted
 * early in person (one-stop). Source: NCSBE, "Outstanding Ballots Data Report Summary"
 * (ncsbe.gov/results-data/absentee-and-provisional-data/outstanding-ballots-data-report-summary).
 */
export function isSpoiledForEarlyVote(sourceStatus: string | null): boolean {
  return statusKey(sourceStatus) === 'SPOILED-EV';
}
