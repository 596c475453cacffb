/**
 * When to try again after a failed send. Pure: the clock and the random source come in as
 * arguments, so the sender and the tests decide them.
 */

export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** The exponential ceiling stops growing here. */
  readonly capMs: number;
  /**
   * No delay is ever longer than this, whatever a server's Retry-After asks: a state server that
   * answers "come back tomorrow" must not silently park the day's batches past a deadline.
   */
  readonly maxDelayMs: number;
}

/** 1 s, doubling to 5 minutes; a Retry-After is honoured up to one hour. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxDelayMs: 60 * 60_000 };

/**
 * "Full jitter": a uniform draw in [0, min(cap, base·2^attempt)). Spreading retries over the
 * whole window keeps many stations that failed together from retrying together.
 * `attempt` counts from 0 (the first retry); `random` returns [0, 1) like Math.random.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new Error(`backoffDelay: attempt must be an integer ≥ 0, got ${attempt}`);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 52));
  const r = random();
  if (!(r >= 0 && r < 1)) throw new Error(`backoffDelay: random() must return [0, 1), got ${r}`);
  return Math.floor(r * ceiling);
}

/**
 * The delay before the next try: the jittered backoff, but never shorter than the server's
 * Retry-After, and never longer than `policy.maxDelayMs`.
 */
export function nextDelay(
  attempt: number,
  retryAfterMs?: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const backoff = backoffDelay(attempt, policy, random);
  const wanted = retryAfterMs === undefined ? backoff : Math.max(backoff, retryAfterMs);
  return Math.min(wanted, policy.maxDelayMs);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MON = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: recipients accept IMF-fixdate and the two obsolete forms.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MON} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Milliseconds to wait according to a Retry-After header (RFC 9110 §10.2.3): delta-seconds or
 * an HTTP-date. A date in the past means "now" (0). Anything else is null: the caller falls
 * back to its own backoff rather than trusting nonsense.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : null;
  }
  const at = parseHttpDate(value, nowMs);
  return at === null ? null : Math.max(0, at - nowMs);
}

function parseHttpDate(value: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  m = RFC850.exec(value);
  if (m) return utc(rfc850Year(Number(m[3]), nowMs), m[2], m[1], m[4], m[5], m[6]);
  m = ASCTIME.exec(value);
  if (m) return utc(Number(m[6]), m[1], m[2], m[3], m[4], m[5]);
  return null;
}

/** A two-digit year more than 50 years in the future means the past century (RFC 9110). */
function rfc850Year(yy: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utc(year: number, mon?: string, day?: string, h?: string, mi?: string, s?: string): number | null {
  const month = MONTHS.indexOf(mon ?? '');
  const [d, hh, mm, ss] = [day, h, mi, s].map((x) => Number((x ?? '').trim()));
  if (month < 0 || d === undefined || hh === undefined || mm === undefined || ss === undefined) return null;
  if (hh > 23 || mm > 59 || ss > 60) return null;
  const ms = Date.UTC(year, month, d, hh, mm, Math.min(ss, 59));
  // Date.UTC rolls 31 Feb over into March: a date that does not round-trip is not a date.
  return new Date(ms).getUTCDate() === d ? ms : null;
}
