import { z } from 'zod';
import { empty, method } from '../define.js';
import { reasonSchema } from '../schemas.js';

const syncItem = z.object({
  batchId: z.string(),
  batchNumber: z.number().nullable(),
  station: z.string().nullable(),
  /** 'written': a file was written to a folder and awaits upload (not yet the state's receipt). */
  status: z.enum(['pending', 'sending', 'written', 'acknowledged', 'rejected']),
  queuedAt: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  ack: z.string().nullable(),
  errors: z.unknown(),
  acknowledgedAt: z.string().nullable(),
  target: z.string().nullable(),
  file: z.object({ file: z.string(), folder: z.string(), sha256: z.string(), writtenAt: z.string(), writtenBy: z.string() }).nullable(),
  handCount: z.number().nullable(),
});

export const syncMethods = {
  'sync.status': method({ role: 'clerk', writes: false, input: empty, output: z.array(syncItem) }),
  /** Sends what is due now, to the configured syncUrl, with the token given here or else INTAKE_SYNC_TOKEN (never stored). */
  'sync.run': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ token: z.string().min(1).max(500).optional() }).strict(),
    output: z.object({ acknowledged: z.array(z.string()), rejected: z.array(z.string()), waiting: z.array(z.object({ batchId: z.string(), nextAttemptAt: z.string().nullable(), lastError: z.string().nullable() })) }),
  }),
  /** For states that take uploads: closed batches as files in a folder (a removable drive), with SHA-256 sidecars. */
  'sync.toFolder': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ dir: z.string().min(1).max(1000), layout: z.enum(['csv', 'florida']) }).strict(),
    output: z.object({ folder: z.string(), written: z.array(z.object({ batchId: z.string(), file: z.string(), sha256: z.string(), receipts: z.number() })) }),
  }),
  /** A supervisor confirms a written file was uploaded to the state: the batch is acknowledged with its name and hash. */
  'sync.confirmUpload': method({ role: 'supervisor', writes: true, input: z.object({ batchId: z.string().max(64) }).strict(), output: z.object({ batchId: z.string(), ack: z.string() }) }),
  'sync.requeue': method({ role: 'supervisor', writes: true, input: z.object({ batchId: z.string().max(64), reason: reasonSchema }).strict(), output: z.object({ batchId: z.string() }) }),
} as const;
