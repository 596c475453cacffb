import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CURE_CODES, CURE_STATES, VERDICTS } from '../domain.js';

/**
 * The wire contract of the reference state API (docs/state-api.md). The station's client, the
 * test server and the sender all parse with these schemas, so the two sides cannot drift.
 */

const isoInstant = z.iso.datetime({ offset: true });

/** Batch IDs are lower-case UUIDs (what randomUUID makes), so a key has one spelling. */
export const BATCH_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Where a received envelope stands when its batch is sent: `RECEIVED` when no cure case was
 * opened, else the state of its cure case (DOMAIN.md §3).
 */
export const RECEIPT_STATUSES = ['RECEIVED', ...CURE_STATES] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const batchReceiptSchema = z.object({
  ballotId: z.string().trim().min(1, 'ballotId is empty'),
  voterId: z.string().trim().min(1, 'voterId is empty'),
  receivedAt: isoInstant,
  verdict: z.enum(VERDICTS),
  cureCodes: z
    .array(z.enum(CURE_CODES))
    .refine((codes) => new Set(codes).size === codes.length, 'cureCodes has a code twice'),
  status: z.enum(RECEIPT_STATUSES),
});
export type BatchReceipt = z.infer<typeof batchReceiptSchema>;

/** Which part of its batch a request carries: a batch of N receipts goes in ceil(N/max) chunks. */
export const chunkInfoSchema = z
  .object({ index: z.number().int().min(0), count: z.number().int().min(1) })
  .refine((c) => c.index < c.count, 'chunk.index must be below chunk.count');
export type ChunkInfo = z.infer<typeof chunkInfoSchema>;

/** The batch-level fields every chunk of a batch repeats unchanged. */
export const batchHeaderSchema = z.object({
  batchId: z.string().regex(BATCH_ID_PATTERN, 'batchId must be a lower-case UUID'),
  stationId: z.string().trim().min(1).max(64),
  electionId: z.string().trim().min(1).max(64),
  closedAt: isoInstant,
  /** null while the supervisor has not counted the tray by hand. */
  handCount: z.number().int().min(0).nullable(),
});
export type BatchHeader = z.infer<typeof batchHeaderSchema>;

/** Body of `POST /v1/batches`. */
export const batchChunkRequestSchema = batchHeaderSchema.extend({
  chunk: chunkInfoSchema,
  receipts: z.array(batchReceiptSchema),
});
export type BatchChunkRequest = z.infer<typeof batchChunkRequestSchema>;

/** 201 (first acknowledgement) and 200 (repeat of an acknowledged key). */
export const ackResponseSchema = z.object({ ack: z.string().min(1) });
export type AckResponse = z.infer<typeof ackResponseSchema>;

/** One reason a chunk was refused; index and ballotId are null when the whole chunk is at fault. */
export const recordErrorSchema = z.object({
  index: z.number().int().min(0).nullable(),
  ballotId: z.string().nullable(),
  error: z.string().min(1),
});
export type RecordError = z.infer<typeof recordErrorSchema>;

/** 400: nothing of the chunk was stored; the key stays unbound. */
export const rejectedResponseSchema = z.object({ errors: z.array(recordErrorSchema).min(1) });
export type RejectedResponse = z.infer<typeof rejectedResponseSchema>;

/** 401, 409, 413, 429, 5xx. */
export const errorResponseSchema = z.object({ error: z.string() });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export const CHANGE_KINDS = ['cancelled', 'voted_in_person', 'reissued'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A state-side fact the station applies to its roll. */
export const stateChangeSchema = z
  .object({
    kind: z.enum(CHANGE_KINDS),
    voterId: z.string().trim().min(1),
    ballotId: z.string().trim().min(1),
    newBallotId: z.string().trim().min(1).optional(),
    electionId: z.string().trim().min(1),
    at: isoInstant,
  })
  .refine((c) => (c.kind === 'reissued') === (c.newBallotId !== undefined), {
    message: 'newBallotId is present exactly when kind is "reissued"',
    path: ['newBallotId'],
  });
export type StateChange = z.infer<typeof stateChangeSchema>;

/** Body of `GET /v1/changes`: fewer than `limit` changes means the station has caught up. */
export const changesResponseSchema = z.object({
  changes: z.array(stateChangeSchema),
  next: z.string().min(1),
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

export const CHANGES_DEFAULT_LIMIT = 100;
export const CHANGES_MAX_LIMIT = 1000;

/**
 * JSON with object keys sorted at every depth and no whitespace: two bodies that mean the same
 * thing give the same text, whatever order their keys were written in. Array order matters.
 * Only JSON values are accepted; anything else (undefined inside an array, NaN, a Date) is a bug.
 */
export function canonicalBody(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalBody: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalBody(v)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalBody(value[k])}`).join(',')}}`;
  }
  throw new Error(`canonicalBody: ${typeof value} is not a JSON value`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Lower-case hex SHA-256 of the canonical body: what binds an idempotency key to its body. */
export function bodyHash(value: unknown): string {
  return createHash('sha256').update(canonicalBody(value), 'utf8').digest('hex');
}
