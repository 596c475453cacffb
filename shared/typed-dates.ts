/**
 * Dates and times as people type them into a form: 11/03/2026, 11/3/26, 2026-11-03, Nov 3 2026,
 * 3 November 2026; 7:30 pm, 19:30, 7pm. Pure, so Settings and the tests read them alike.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function ymd(y: number, m: number, d: number): Parsed<string> {
  if (y < 100) y += 2000;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200)
    return { ok: false, error: 'That date does not exist: check the month and the day.' };
  return { ok: true, value: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

function monthOf(word: string): number {
  const i = MONTHS.indexOf(word.slice(0, 3).toLowerCase());
  return i < 0 ? 0 : i + 1;
}

/** A calendar date → YYYY-MM-DD. Slashes are read month first, as in the United States. */
export function parseTypedDate(text: string): Parsed<string> {
  const t = text.trim().replace(/,/g, ' ').replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(t);
  if (m) return ymd(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /^([A-Za-z]{3,})\.? (\d{1,2}) (\d{4})$/.exec(t);
  if (m && monthOf(m[1] ?? '')) return ymd(Number(m[3]), monthOf(m[1] ?? ''), Number(m[2]));
  m = /^(\d{1,2}) ([A-Za-z]{3,})\.? (\d{4})$/.exec(t);
  if (m && monthOf(m[2] ?? '')) return ymd(Number(m[3]), monthOf(m[2] ?? ''), Number(m[1]));
  return { ok: false, error: 'Type the date as month/day/year, for example 11/03/2026.' };
}

/** A time of day → HH:MM (24-hour). */
export function parseTypedTime(text: string): Parsed<string> {
  const t = text.trim().toLowerCase().replace(/\./g, '').replace(/\s+/g, '');
  const m = /^(\d{1,2})(?::(\d{2}))?(am|pm|a|p)?$/.exec(t);
  if (!m) return { ok: false, error: 'Type the time as, for example, 7:30 pm or 19:30.' };
  let h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  const half = m[3]?.[0];
  if (half && (h < 1 || h > 12)) return { ok: false, error: 'With am or pm, the hour is 1 to 12.' };
  if (half === 'p' && h !== 12) h += 12;
  if (half === 'a' && h === 12) h = 0;
  if (h > 23 || min > 59) return { ok: false, error: 'That time does not exist: the hour is 0 to 23, the minutes 0 to 59.' };
  return { ok: true, value: `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` };
}

/** YYYY-MM-DD → 11/03/2026, the way it is typed back. */
export function usDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return y && m && d ? `${m}/${d}/${y}` : isoDate;
}
