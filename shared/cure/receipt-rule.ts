import type { StateProfile } from './profile.js';

/**
 * The receipt deadline in the staff's words, for a LATE verdict and the Settings screen: the
 * profile's own sentence when it has one (a state's exceptions are not derivable from the rule),
 * else one made from the rule.
 */
export function receiptRuleText(profile: Pick<StateProfile, 'name' | 'receiptDeadline'>): string {
  const rule = profile.receiptDeadline;
  if (rule.description) return rule.description;
  const at = clockWords(rule.time);
  switch (rule.kind) {
    case 'electionDayClose':
      return `${profile.name}: a mail ballot counts only if it arrives by ${at} on election day; a postmark does not extend this.`;
    case 'postmarkGrace':
      return `${profile.name}: a mail ballot postmarked on or before election day counts if it arrives by ${at} on the ${ordinal(rule.receivedWithinDays)} day after election day.`;
  }
}

/** "19:30" → "7:30 p.m."; "23:59" → "11:59 p.m.". */
export function clockWords(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  const half = h < 12 ? 'a.m.' : 'p.m.';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${h12} ${half}` : `${h12}:${String(m).padStart(2, '0')} ${half}`;
}

function ordinal(n: number): string {
  const tail = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${tail}`;
}
