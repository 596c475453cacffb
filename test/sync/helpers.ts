import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { BatchChunkRequest, BatchHeader, BatchReceipt } from '../../shared/sync/contract.js';
import { chunkKey } from '../../shared/sync/chunks.js';
import { startStateServer } from '../state-server/server.js';
import type { StateServer, StateServerOptions } from '../state-server/server.js';

export const TOKEN = 'test-token';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A temp folder removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sync-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real state server on 127.0.0.1 with its own SQLite file, closed after the test. */
export async function stateServer(opts: Partial<StateServerOptions> = {}): Promise<StateServer> {
  const server = await startStateServer({ dbPath: path.join(tempDir(), 'state.db'), token: TOKEN, ...opts });
  cleanups.push(() => server.close());
  return server;
}

let n = 0;
export function receipt(over: Partial<BatchReceipt> = {}): BatchReceipt {
  n += 1;
  return {
    ballotId: `B${String(n).padStart(6, '0')}`,
    voterId: `V${String(n).padStart(6, '0')}`,
    receivedAt: '2026-11-03T14:05:00.000Z',
    verdict: 'ACCEPTED',
    cureCodes: [],
    status: 'RECEIVED',
    ...over,
  };
}

export function header(over: Partial<BatchHeader> = {}): BatchHeader {
  return {
    batchId: randomUUID(),
    stationId: 'ST-1',
    electionId: 'E2026',
    closedAt: '2026-11-03T18:00:00.000Z',
    handCount: 3,
    ...over,
  };
}

/** A one-chunk batch of `count` receipts, with its key. */
export function singleChunk(
  count = 3,
  over: Partial<BatchHeader> = {},
): { key: string; body: BatchChunkRequest } {
  const h = header(over);
  return {
    key: chunkKey(h.batchId, 0, 1),
    body: { ...h, chunk: { index: 0, count: 1 }, receipts: Array.from({ length: count }, () => receipt()) },
  };
}
