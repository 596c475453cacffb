import type { HolidayRule } from './profile.js';

/**
 * Calendar dates ("YYYY-MM-DD", no time, no zone) and wall-clock time in an IANA zone, with
 * nothing but Intl. Dates are handled as UTC midnights so that adding days never meets DST.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function parseDate(date: string): Ymd {
  const match = DATE.exec(date);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  if (!match || formatDate(Date.UTC(y, m - 1, d)) !== date)
    throw new Error(`not a calendar date (YYYY-MM-DD): ${date}`);
  return { y, m, d };
}

function formatDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

function utcMidnight(date: string): number {
  const { y, m, d } = parseDate(date);
  return Date.UTC(y, m - 1, d);
}

export function addDays(date: string, n: number): string {
  return formatDate(utcMidnight(date) + n * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

function ymd(y: number, m: number, d: number): string {
  return formatDate(Date.UTC(y, m - 1, d));
}

/** The date a holiday rule gives in a year (the observed date for fixed holidays that say so). */
export function holidayDate(rule: HolidayRule, year: number): string {
  switch (rule.kind) {
    case 'fixed': {
      const date = ymd(year, rule.month, rule.day);
      if (!rule.observed) return date;
      // 5 U.S.C. 6103(b) and Executive Order 11582: Saturday → Friday, Sunday → Monday.
      const w = weekday(date);
      return w === 6 ? addDays(date, -1) : w === 0 ? addDays(date, 1) : date;
    }
    case 'nthWeekday':
      return addDays(nthWeekday(year, rule.month, rule.weekday, rule.n), rule.offsetDays);
  }
}

function nthWeekday(year: number, month: number, wd: number, n: number): string {
  if (n === -1) {
    const last = ymd(year, month + 1, 0);
    return addDays(last, -((weekday(last) - wd + 7) % 7));
  }
  const first = ymd(year, month, 1);
  return addDays(first, ((wd - weekday(first) + 7) % 7) + (n - 1) * 7);
}

/**
 * The eleven legal public holidays of 5 U.S.C. 6103(a). Juneteenth is a federal holiday
 * from 2021 on (Pub. L. 117-17).
 */
export function federalHolidayRules(year: number): HolidayRule[] {
  const rules: HolidayRule[] = [
    { kind: 'fixed', name: "New Year's Day", month: 1, day: 1, observed: true },
    {
      kind: 'nthWeekday',
      name: 'Birthday of Martin Luther King, Jr.',
      month: 1,
      weekday: 1,
      n: 3,
      offsetDays: 0,
    },
    { kind: 'nthWeekday', name: "Washington's Birthday", month: 2, weekday: 1, n: 3, offsetDays: 0 },
    { kind: 'nthWeekday', name: 'Memorial Day', month: 5, weekday: 1, n: -1, offsetDays: 0 },
    { kind: 'fixed', name: 'Independence Day', month: 7, day: 4, observed: true },
    { kind: 'nthWeekday', name: 'Labor Day', month: 9, weekday: 1, n: 1, offsetDays: 0 },
    { kind: 'nthWeekday', name: 'Columbus Day', month: 10, weekday: 1, n: 2, offsetDays: 0 },
    { kind: 'fixed', name: 'Veterans Day', month: 11, day: 11, observed: true },
    { kind: 'nthWeekday', name: 'Thanksgiving Day', month: 11, weekday: 4, n: 4, offsetDays: 0 },
    { kind: 'fixed', name: 'Christmas Day', month: 12, day: 25, observed: true },
  ];
  if (year >= 2021)
    rules.push({
      kind: 'fixed',
      name: 'Juneteenth National Independence Day',
      month: 6,
      day: 19,
      observed: true,
    });
  return rules;
}

/** Holiday dates that fall in `year` (New Year's Day of year+1 can be observed on Dec 31). */
export function holidaysInYear(rulesFor: (year: number) => HolidayRule[], year: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const y of [year, year + 1])
    for (const rule of rulesFor(y)) {
      const date = holidayDate(rule, y);
      if (date.startsWith(`${year}-`)) out.set(date, rule.name);
    }
  return out;
}

// ---- wall-clock time in a zone ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `timeZone` at an instant, as if it were UTC (ms). */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of wallFormatter(timeZone).formatToParts(instantMs))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const get = (k: string): number => parts[k] ?? Number.NaN;
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

function offsetMs(instantMs: number, timeZone: string): number {
  return wallClockMs(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock of `timeZone` reads `date` `time`. Like Temporal's
 * "compatible" disambiguation: a time repeated when clocks fall back is its first occurrence;
 * a time skipped when clocks spring forward is read with the offset before the change
 * (so 02:30 on a spring-forward night is 03:30 daylight time).
 */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): string {
  const { y, m, d } = parseDate(date);
  const hm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!hm) throw new Error(`not a time (HH:MM): ${time}`);
  const local = Date.UTC(y, m - 1, d, Number(hm[1]), Number(hm[2]));
  const before = offsetMs(local - DAY_MS, timeZone);
  const after = offsetMs(local + DAY_MS, timeZone);
  const candidates = [local - before, local - after].filter((t) => wallClockMs(t, timeZone) === local);
  const chosen = candidates.length > 0 ? Math.min(...candidates) : local - before;
  return new Date(chosen).toISOString();
}

/** The calendar date on the wall clock of `timeZone` at an ISO instant. */
export function localDate(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`not an ISO instant: ${instant}`);
  return formatDate(wallClockMs(ms, timeZone));
}
