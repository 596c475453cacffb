/** How long a scanner source waits before trying its device again. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Up to this fraction is taken off each delay at random, so two scanners unplugged together do not retry in step. */
  jitter: number;
}

/** 250 ms doubling to 5 s: a replugged scanner is back within seconds, an absent one costs little. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 5000, jitter: 0.2 };

/** `attempt` counts from 0; `random` returns [0, 1) like Math.random. */
export function reconnectDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new Error(`reconnectDelay: attempt must be an integer ≥ 0, got ${attempt}`);
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (1 - opts.jitter * random()));
}
