import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/station.js';
import { runCrashHarness } from './harness.js';

// The short version of `npm run test:crash` (which runs 1,000 kill cycles).
const t = tempDir('intake-crash-');
afterAll(() => t.cleanup());

describe('crash safety', () => {
  it('keeps every printed verdict exactly once across SIGKILLs, with integrity, audit and batches intact', async () => {
    const report = await runCrashHarness({ dir: t.dir, cycles: 12, ballots: 2000, seed: 7, maxLifeMs: 800 });
    expect(report.failures).toEqual([]);
    expect(report.cycles).toBe(12);
    expect(report.printed).toBeGreaterThan(50);
    expect(report.recorded).toBeGreaterThanOrEqual(report.printed);
  }, 120_000);
});
