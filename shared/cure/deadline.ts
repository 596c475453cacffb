import type { CureCode } from '../domain.js';
import {
  addDays,
  federalHolidayRules,
  holidaysInYear,
  isWeekend,
  localDate,
  parseDate,
  zonedTimeToInstant,
} from './calendar.js';
import type { CureDeadlineRule, HolidayRule, StateProfile } from './profile.js';

export { addDays, localDate, zonedTimeToInstant } from './calendar.js';

/**
 * Deadline arithmetic for cure cases, pure. Election dates are "YYYY-MM-DD"; every deadline
 * is an ISO instant (UTC, "Z") of a wall-clock time in the profile's time zone, so a rule's
 * "5 p.m." stays 5 p.m. on the office clock whatever DST did in between.
 */

type HolidayProfile = Pick<StateProfile, 'holidays'>;

/** Federal holidays (when the profile counts them), the state's own, and one-off closures. */
export function holidays(profile: HolidayProfile, year: number): Map<string, string> {
  const rulesFor = (y: number): HolidayRule[] => [
    ...(profile.holidays.federal ? federalHolidayRules(y) : []),
    ...profile.holidays.state,
  ];
  const out = holidaysInYear(rulesFor, year);
  for (const date of profile.holidays.dates) if (date.startsWith(`${year}-`)) out.set(date, 'office closure');
  return out;
}

export function isBusinessDay(date: string, profile: HolidayProfile): boolean {
  return !isWeekend(date) && !holidays(profile, parseDate(date).y).has(date);
}

/** The date `n` business days after `date` (n = 0: `date` itself). */
export function addBusinessDays(date: string, n: number, profile: HolidayProfile): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`business days must be a whole number ≥ 0, not ${n}`);
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isBusinessDay(d, profile)) left -= 1;
  }
  return d;
}

function ruleDate(rule: CureDeadlineRule, electionDate: string, profile: HolidayProfile): string {
  switch (rule.kind) {
    case 'calendarDaysAfterElection':
      return addDays(electionDate, rule.days);
    case 'businessDaysAfterElection':
      return addBusinessDays(electionDate, rule.days, profile);
    case 'daysBeforeCertification':
      return addDays(electionDate, rule.certificationDaysAfterElection - rule.days);
  }
}

export function deadlineOf(rule: CureDeadlineRule, profile: StateProfile, electionDate: string): string {
  return zonedTimeToInstant(ruleDate(rule, electionDate, profile), rule.time, profile.timeZone);
}

/**
 * The cure deadline for an election. Given the case's codes, the earliest of their deadlines
 * (a code may carry its own rule: Arizona's missing signature closes on election day,
 * Pennsylvania's missing ID on the sixth day after): a ballot counts only once every problem
 * is cured. Without codes, the profile's deadline.
 */
export function cureDeadline(
  profile: StateProfile,
  electionDate: string,
  codes: readonly CureCode[] = [],
): string {
  const general = deadlineOf(profile.cureDeadline, profile, electionDate);
  if (codes.length === 0) return general;
  return codes
    .map((code) => {
      const rule = profile.cureCodes[code]?.deadline;
      return rule ? deadlineOf(rule, profile, electionDate) : general;
    })
    .reduce((a, b) => (b < a ? b : a));
}

/** The last instant a returned envelope is on time (postmark rules: received by this instant). */
export function receiptDeadline(profile: StateProfile, electionDate: string): string {
  const rule = profile.receiptDeadline;
  switch (rule.kind) {
    case 'electionDayClose':
      return zonedTimeToInstant(electionDate, rule.time, profile.timeZone);
    case 'postmarkGrace':
      return zonedTimeToInstant(addDays(electionDate, rule.receivedWithinDays), rule.time, profile.timeZone);
  }
}

const END_OF_DAY = '23:59';

/**
 * When the voter's notice is due for a case flagged at `flaggedAt` (ISO instant): the end of
 * the Nth (calendar or business) day after the flag's local date; capped at the end of the
 * Nth day after the election where the state sets such a cap (Colorado), unless the flag
 * itself came after the cap, when only the per-flag period can still be met.
 * Null where the state sets no notice period.
 */
export function notifyBy(profile: StateProfile, electionDate: string, flaggedAt: string): string | null {
  if (profile.notifyWithinDays === undefined) return null;
  parseDate(electionDate);
  const flagDate = localDate(flaggedAt, profile.timeZone);
  const dueDate =
    profile.notifyDayKind === 'business'
      ? addBusinessDays(flagDate, profile.notifyWithinDays, profile)
      : addDays(flagDate, profile.notifyWithinDays);
  const due = zonedTimeToInstant(dueDate, END_OF_DAY, profile.timeZone);
  if (profile.notifyNoLaterThanDaysAfterElection === undefined) return due;
  const cap = zonedTimeToInstant(
    addDays(electionDate, profile.notifyNoLaterThanDaysAfterElection),
    END_OF_DAY,
    profile.timeZone,
  );
  if (Date.parse(flaggedAt) > Date.parse(cap)) return due;
  return due < cap ? due : cap;
}
