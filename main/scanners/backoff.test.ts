import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('250 ms doubling to 5 s without jitter', () => {
    const delays = Array.from({ length: 8 }, (_, i) => reconnectDelay(i, DEFAULT_BACKOFF, () => 0));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('jitter takes up to 20% off, never more, never below zero', () => {
    expect(reconnectDelay(0, DEFAULT_BACKOFF, () => 0.999999)).toBe(200);
    expect(reconnectDelay(10, DEFAULT_BACKOFF, () => 0.5)).toBe(4500);
    expect(reconnectDelay(1000, DEFAULT_BACKOFF, () => 0.5)).toBe(4500);
  });

  it('rejects a nonsense attempt number', () => {
    expect(() => reconnectDelay(-1)).toThrow(/attempt/);
    expect(() => reconnectDelay(1.5)).toThrow(/attempt/);
  });
});
