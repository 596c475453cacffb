import { parseTypedDate, usDate } from '../../shared/typed-dates.js';

/** A local calendar day as the report asks for it: its window, offset and name. */
export interface Day {
  ymd: string;
  from: string;
  to: string;
  utcOffsetMinutes: number;
  dayLabel: string;
}

export function todayYmd(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function dayOf(ymd: string): Day {
  const [y = 1970, m = 1, d = 1] = ymd.split('-').map(Number);
  const start = new Date(y, m - 1, d);
  const end = new Date(y, m - 1, d + 1);
  return {
    ymd,
    from: start.toISOString(),
    to: end.toISOString(),
    utcOffsetMinutes: -start.getTimezoneOffset(),
    dayLabel: start.toLocaleDateString('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
  };
}

export function shiftDay(ymd: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = ymd.split('-').map(Number);
  return todayYmd(new Date(y, m - 1, d + days));
}

export { parseTypedDate, usDate };
