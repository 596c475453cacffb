import type { z } from 'zod';
import type { BatchChunkRequest, RecordError } from '../../shared/sync/contract.js';
import { batchChunkRequestSchema, bodyHash } from '../../shared/sync/contract.js';
import { parseChunkKey } from '../../shared/sync/chunks.js';
import type { StateStore } from './store.js';

/** What a handler decided; `outcome` names it for the server's statistics. */
export interface Reply {
  status: number;
  body: unknown;
  outcome: string;
}

const chunkError = (error: string): RecordError => ({ index: null, ballotId: null, error });
const rejected = (errors: RecordError[]): Reply => ({ status: 400, body: { errors }, outcome: 'rejected' });

/**
 * `POST /v1/batches` after authentication: the order of the checks is the contract.
 * A key is bound to a body only once its chunk is stored, so a refused chunk (400, 413) can be
 * corrected and sent again under the same key.
 */
export function acceptChunk(
  store: StateStore,
  key: string | undefined,
  raw: unknown,
  maxChunk: number,
  now: string,
): Reply {
  const parsedKey = key === undefined ? null : parseChunkKey(key);
  if (key === undefined || parsedKey === null) {
    return rejected([chunkError('Idempotency-Key must be "<batch UUID>:<chunk index>/<chunk count>"')]);
  }
  const existing = store.chunk(key);
  if (existing) {
    return existing.bodyHash === bodyHash(raw)
      ? { status: 200, body: { ack: existing.ack }, outcome: 'repeat' }
      : {
          status: 409,
          body: { error: `key ${key} was acknowledged for a different body` },
          outcome: 'conflict',
        };
  }
  const size = receiptCount(raw);
  if (size > maxChunk) {
    return {
      status: 413,
      body: { error: `${size} receipts in one chunk; this server takes at most ${maxChunk}` },
      outcome: 'too-large',
    };
  }
  const parsed = batchChunkRequestSchema.safeParse(raw);
  if (!parsed.success) return rejected(issuesToErrors(parsed.error.issues, raw));
  const body = parsed.data;
  const mismatch = keyMismatch(parsedKey, body);
  if (mismatch) return rejected([chunkError(mismatch)]);
  const dupes = duplicateBallots(body);
  if (dupes.length > 0) return rejected(dupes);
  const clash = splitClash(store, body);
  if (clash) return { status: 409, body: { error: clash }, outcome: 'conflict' };
  const ack = store.storeChunk(key, body, bodyHash(raw), now);
  return { status: 201, body: { ack }, outcome: 'stored' };
}

function receiptCount(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || !('receipts' in raw)) return 0;
  return Array.isArray(raw.receipts) ? raw.receipts.length : 0;
}

function keyMismatch(
  key: { batchId: string; index: number; count: number },
  body: BatchChunkRequest,
): string | null {
  if (key.batchId === body.batchId && key.index === body.chunk.index && key.count === body.chunk.count)
    return null;
  return `Idempotency-Key ${key.batchId}:${key.index}/${key.count} does not match the body (${body.batchId}, chunk ${body.chunk.index}/${body.chunk.count})`;
}

function duplicateBallots(body: BatchChunkRequest): RecordError[] {
  const seen = new Set<string>();
  const errors: RecordError[] = [];
  body.receipts.forEach((r, index) => {
    if (seen.has(r.ballotId))
      errors.push({ index, ballotId: r.ballotId, error: 'ballotId appears twice in this chunk' });
    seen.add(r.ballotId);
  });
  return errors;
}

/** Every chunk of a batch must come from one split: mixing splits could count a receipt twice. */
function splitClash(store: StateStore, body: BatchChunkRequest): string | null {
  const counts = store.chunkCounts(body.batchId).filter((n) => n !== body.chunk.count);
  if (counts.length > 0)
    return `batch ${body.batchId} is being acknowledged in ${counts.join(', ')} chunks, not ${body.chunk.count}`;
  return null;
}

/** Zod issues as the contract's per-record errors: an issue under receipts[i] names record i. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], raw: unknown): RecordError[] {
  return issues.map((issue) => {
    const [top, index, ...rest] = issue.path;
    if (top === 'receipts' && typeof index === 'number') {
      return {
        index,
        ballotId: rawBallotId(raw, index),
        error: `${rest.map(String).join('.') || 'receipt'}: ${issue.message}`,
      };
    }
    return chunkError(`${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
  });
}

function rawBallotId(raw: unknown, index: number): string | null {
  if (typeof raw !== 'object' || raw === null || !('receipts' in raw) || !Array.isArray(raw.receipts))
    return null;
  const record: unknown = raw.receipts[index];
  if (typeof record !== 'object' || record === null || !('ballotId' in record)) return null;
  return typeof record.ballotId === 'string' ? record.ballotId : null;
}
