import { z } from 'zod';

/**
 * What the test state server can do wrong, on purpose. A plan is a queue (each fault is used
 * once, by the next matching request) and/or probabilities drawn from a seeded generator, so a
 * "random" run is the same run every time.
 */

const route = z.enum(['batches', 'changes']).optional();

export const faultSchema = z.discriminatedUnion('kind', [
  /** The socket is destroyed before anything is processed. */
  z.object({ kind: z.literal('drop-before'), route }),
  /** Processed and committed, then the socket is destroyed: the answer is lost. */
  z.object({ kind: z.literal('drop-after'), route }),
  z.object({ kind: z.literal('status-500'), route }),
  /** `retryAfter` is the raw header: delta-seconds, an HTTP-date, or nonsense on purpose. */
  z.object({ kind: z.literal('status-503-retry-after'), retryAfter: z.string(), route }),
  z.object({ kind: z.literal('status-429-retry-after'), retryAfter: z.string(), route }),
  /** Answers after `ms`; processes before the wait (`processFirst`) or after it. */
  z.object({
    kind: z.literal('slow'),
    ms: z.number().int().min(0).max(600_000),
    processFirst: z.boolean(),
    route,
  }),
  /** 200 with a body that is not JSON, or not the schema; processes first only if asked. */
  z.object({
    kind: z.literal('garbage'),
    body: z.string().optional(),
    processFirst: z.boolean().optional(),
    route,
  }),
]);
export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault['kind'];
export type FaultRoute = NonNullable<Fault['route']>;

export const FAULT_KINDS: readonly FaultKind[] = [
  'drop-before',
  'drop-after',
  'status-500',
  'status-503-retry-after',
  'status-429-retry-after',
  'slow',
  'garbage',
];

export const faultPlanSchema = z.object({
  queue: z.array(faultSchema).optional(),
  random: z
    .object({
      seed: z.number().int(),
      faults: z.array(z.object({ p: z.number().min(0).max(1), fault: faultSchema })),
    })
    .refine(
      (r) => r.faults.reduce((sum, f) => sum + f.p, 0) <= 1 + 1e-9,
      'the probabilities add up to more than 1',
    )
    .optional(),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;

/** mulberry32: tiny, seedable, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private queue: Fault[] = [];
  private random: { draw: () => number; faults: { p: number; fault: Fault }[] } | null = null;

  constructor(plan: FaultPlan = {}) {
    this.set(plan);
  }

  /** Replaces the whole plan (an empty plan means: behave). */
  set(plan: FaultPlan): void {
    const p = faultPlanSchema.parse(plan);
    this.queue = [...(p.queue ?? [])];
    this.random = p.random ? { draw: seededRandom(p.random.seed), faults: p.random.faults } : null;
  }

  pending(): number {
    return this.queue.length;
  }

  /** The fault for the next request on `r`, if any: the queue first, then the dice. */
  next(r: FaultRoute): Fault | null {
    const i = this.queue.findIndex((f) => f.route === undefined || f.route === r);
    if (i >= 0) return this.queue.splice(i, 1)[0] ?? null;
    if (!this.random) return null;
    let u = this.random.draw();
    for (const { p, fault } of this.random.faults) {
      if (u < p) return fault.route === undefined || fault.route === r ? fault : null;
      u -= p;
    }
    return null;
  }
}
