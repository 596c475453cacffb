import { describe, expect, it } from 'vitest';
import { FaultInjector, faultPlanSchema, seededRandom } from './faults.js';

describe('fault plans', () => {
  it('uses queued faults once each, in order, for the route they name', () => {
    const f = new FaultInjector({
      queue: [{ kind: 'status-500', route: 'changes' }, { kind: 'drop-after' }, { kind: 'garbage' }],
    });
    expect(f.next('batches')?.kind).toBe('drop-after');
    expect(f.next('changes')?.kind).toBe('status-500');
    expect(f.next('changes')?.kind).toBe('garbage');
    expect(f.next('batches')).toBeNull();
    expect(f.pending()).toBe(0);
  });

  it('draws the same faults for the same seed', () => {
    const plan = {
      random: {
        seed: 7,
        faults: [
          { p: 0.3, fault: { kind: 'drop-before' as const } },
          { p: 0.2, fault: { kind: 'status-500' as const } },
        ],
      },
    };
    const run = () => {
      const f = new FaultInjector(plan);
      return Array.from({ length: 200 }, () => f.next('batches')?.kind ?? '-');
    };
    const a = run();
    expect(run()).toEqual(a);
    const share = (k: string) => a.filter((x) => x === k).length / a.length;
    expect(share('drop-before')).toBeGreaterThan(0.15);
    expect(share('status-500')).toBeGreaterThan(0.08);
    expect(share('-')).toBeGreaterThan(0.3);
  });

  it('gives different runs for different seeds', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    expect(Array.from({ length: 5 }, a)).not.toEqual(Array.from({ length: 5 }, b));
  });

  it('refuses a plan whose probabilities add up to more than one, or an unknown fault', () => {
    expect(
      faultPlanSchema.safeParse({
        random: {
          seed: 1,
          faults: [
            { p: 0.7, fault: { kind: 'garbage' } },
            { p: 0.7, fault: { kind: 'garbage' } },
          ],
        },
      }).success,
    ).toBe(false);
    expect(faultPlanSchema.safeParse({ queue: [{ kind: 'meteor' }] }).success).toBe(false);
  });
});
