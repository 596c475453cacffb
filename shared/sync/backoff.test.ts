import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, nextDelay, parseRetryAfter } from './backoff.js';

const NOW = Date.UTC(2026, 10, 3, 12, 0, 0); // Tue, 03 Nov 2026 12:00:00 GMT

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7_000);
  });

  it('reads the three HTTP-date forms of RFC 9110', () => {
    expect(parseRetryAfter('Tue, 03 Nov 2026 12:01:30 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Tuesday, 03-Nov-26 12:00:05 GMT', NOW)).toBe(5_000);
    expect(parseRetryAfter('Tue Nov  3 12:00:10 2026', NOW)).toBe(10_000);
  });

  it('treats a date in the past as now', () => {
    expect(parseRetryAfter('Mon, 02 Nov 2026 12:00:00 GMT', NOW)).toBe(0);
  });

  it.each([
    ['soon'],
    [''],
    ['-5'],
    ['1.5'],
    ['12abc'],
    ['Tue, 31 Feb 2026 12:00:00 GMT'],
    ['Tue, 03 Nov 2026 25:00:00 GMT'],
    ['Tue, 03 Nov 2026 12:00:00 PST'],
    ['2026-11-03T12:00:00Z'],
    ['99999999999999999999'],
  ])('returns null for nonsense: %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });

  it('returns null without a header', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
  });
});

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const policy = fc
  .record({
    baseMs: fc.integer({ min: 1, max: 10_000 }),
    capMs: fc.integer({ min: 1, max: 1_000_000 }),
    maxDelayMs: fc.integer({ min: 1, max: 10_000_000 }),
  })
  .filter((p) => p.capMs >= p.baseMs);

describe('backoff', () => {
  it('stays in [0, min(cap, base·2^attempt)) — full jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), policy, unit, (attempt, p, r) => {
        const d = backoffDelay(attempt, p, () => r);
        const ceiling = Math.min(p.capMs, p.baseMs * 2 ** Math.min(attempt, 52));
        return Number.isInteger(d) && d >= 0 && d < ceiling;
      }),
    );
  });

  it('uses the whole window: the draw decides where', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(4_000);
    expect(backoffDelay(40, DEFAULT_BACKOFF, () => 0.5)).toBe(DEFAULT_BACKOFF.capMs / 2);
  });

  it('is never shorter than Retry-After, never longer than the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.integer({ min: 0, max: 100_000_000 }), { nil: undefined }),
        policy,
        unit,
        (attempt, retryAfter, p, r) => {
          const d = nextDelay(attempt, retryAfter, p, () => r);
          const floor = Math.min(retryAfter ?? 0, p.maxDelayMs);
          return (
            d >= floor &&
            d <= p.maxDelayMs &&
            d >=
              Math.min(
                backoffDelay(attempt, p, () => r),
                p.maxDelayMs,
              )
          );
        },
      ),
    );
  });

  it('caps a far-off Retry-After at the documented maximum', () => {
    expect(nextDelay(0, 24 * 3600_000, DEFAULT_BACKOFF, () => 0)).toBe(DEFAULT_BACKOFF.maxDelayMs);
    expect(nextDelay(0, 30_000, DEFAULT_BACKOFF, () => 0)).toBe(30_000);
  });

  it('throws on arguments only a bug would pass', () => {
    expect(() => backoffDelay(-1)).toThrow(/attempt/);
    expect(() => backoffDelay(1.5)).toThrow(/attempt/);
    expect(() => backoffDelay(0, DEFAULT_BACKOFF, () => 1)).toThrow(/random/);
  });
});
