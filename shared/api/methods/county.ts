import { z } from 'zod';
import { empty, method } from '../define.js';

/** Replication to the county hub, as the screens show it (main/county/replicator.ts). */
export const countyStatusSchema = z.object({
  /** A hub is configured (`intake config set hub …`); false: this station works alone. */
  configured: z.boolean(),
  /** The hub's URL as configured (it never carries the password). */
  hub: z.string().nullable(),
  stationId: z.string().nullable(),
  connected: z.boolean(),
  localHead: z.number(),
  pushedThrough: z.number(),
  /** Entries recorded here that the hub has not acknowledged yet. */
  waiting: z.number(),
  /** How long the oldest of those has waited (seconds); null when none wait. */
  lagSeconds: z.number().nullable(),
  pullCursor: z.number(),
  countyReceipts: z.number(),
  openConflicts: z.number(),
  lastPushAt: z.string().nullable(),
  lastPullAt: z.string().nullable(),
  /** The last failure in plain words (cleared by the next acknowledged push). */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
});

export const countyMethods = {
  /** Is this station reaching the county hub, and how far behind is it? (Any signed-in operator.) */
  'county.status': method({ role: 'clerk', writes: false, input: empty, output: countyStatusSchema }),
} as const;
