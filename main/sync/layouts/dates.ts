/**
 * Dates in the layouts US state systems read: MM/DD/YYYY, in the office's own time zone.
 * The station stores instants (ISO 8601 with an offset); an envelope scanned at 9 p.m. on
 * election day in Florida is "11/03", though it is already the 4th in UTC.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for a zone Intl does not know: a configuration bug, not data.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * "YYYY-MM-DD" (a calendar date, kept as it is) or an ISO instant (seen from `timeZone`) as
 * MM/DD/YYYY. null for anything else, so a formatter can name the bad field.
 */
export function usDate(value: string, timeZone: string): string | null {
  const cal = CALENDAR_DATE.exec(value);
  if (cal) {
    const [y, m, d] = [Number(cal[1]), Number(cal[2]), Number(cal[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? `${cal[2]}/${cal[3]}/${cal[1]}` : null;
  }
  if (!INSTANT.test(value)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['month']}/${parts['day']}/${parts['year']}`;
}
