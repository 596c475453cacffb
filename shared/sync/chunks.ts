import { BATCH_ID_PATTERN } from './contract.js';
import type { BatchChunkRequest, BatchHeader, BatchReceipt } from './contract.js';

/**
 * Large batches travel in chunks, each idempotent on its own (docs/state-api.md, "Chunks").
 * The key of chunk i of n is `<batch UUID>:<i>/<n>`: fixed by the batch and the split alone, so
 * a station that crashed mid-sync rebuilds the very same keys from its database.
 */

const KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(0|[1-9]\d*)\/([1-9]\d*)$/;

/**
 * Splits in order into chunks of at most `maxChunk`. An empty batch (a tray closed with no
 * envelope) is still one chunk, so the state learns that the batch exists and was empty.
 */
export function splitIntoChunks<T>(receipts: readonly T[], maxChunk: number): T[][] {
  if (!Number.isInteger(maxChunk) || maxChunk < 1)
    throw new Error(`splitIntoChunks: maxChunk must be an integer ≥ 1, got ${maxChunk}`);
  if (receipts.length === 0) return [[]];
  const chunks: T[][] = [];
  for (let i = 0; i < receipts.length; i += maxChunk) chunks.push(receipts.slice(i, i + maxChunk));
  return chunks;
}

export function chunkKey(batchUuid: string, index: number, count: number): string {
  if (!BATCH_ID_PATTERN.test(batchUuid)) throw new Error(`chunkKey: not a lower-case UUID: ${batchUuid}`);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`chunkKey: count must be an integer ≥ 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`chunkKey: index ${index} is outside 0..${count - 1}`);
  return `${batchUuid}:${index}/${count}`;
}

/** The inverse of chunkKey; null for any other text. */
export function parseChunkKey(key: string): { batchId: string; index: number; count: number } | null {
  const m = KEY.exec(key);
  if (!m?.[1]) return null;
  const index = Number(m[2]);
  const count = Number(m[3]);
  if (!Number.isSafeInteger(count) || index >= count) return null;
  return { batchId: m[1], index, count };
}

export interface PlannedChunk {
  readonly key: string;
  readonly body: BatchChunkRequest;
}

/** Every request needed to send a batch, in order. */
export function planChunks(
  header: BatchHeader,
  receipts: readonly BatchReceipt[],
  maxChunk: number,
): PlannedChunk[] {
  const parts = splitIntoChunks(receipts, maxChunk);
  return parts.map((part, index) => {
    const chunk = { index, count: parts.length };
    return {
      key: chunkKey(header.batchId, index, parts.length),
      body: {
        batchId: header.batchId,
        stationId: header.stationId,
        electionId: header.electionId,
        closedAt: header.closedAt,
        handCount: header.handCount,
        chunk,
        receipts: part,
      },
    };
  });
}
