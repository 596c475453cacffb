import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postChunk } from '../../main/sync/http.js';
import { chunkKey } from '../../shared/sync/chunks.js';
import type { BatchChunkRequest } from '../../shared/sync/contract.js';
import { spawnStateServer } from './spawn.js';
import type { SpawnedStateServer } from './spawn.js';
import { StateStore } from './store.js';

const TOKEN = 'child-token';
let dir = '';
let running: SpawnedStateServer[] = [];

afterEach(async () => {
  for (const s of running) await s.stop();
  running = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

const body: BatchChunkRequest = {
  batchId: '0b0f7a7e-8a56-4b8e-9d6f-3c1c7a7d1e01',
  stationId: 'ST-1',
  electionId: 'E2026',
  closedAt: '2026-11-03T18:00:00Z',
  handCount: 1,
  chunk: { index: 0, count: 1 },
  receipts: [
    {
      ballotId: 'B1',
      voterId: 'V1',
      receivedAt: '2026-11-03T14:00:00Z',
      verdict: 'ACCEPTED',
      cureCodes: [],
      status: 'RECEIVED',
    },
  ],
};
const key = chunkKey(body.batchId, 0, 1);

async function start(dbPath: string): Promise<SpawnedStateServer> {
  const s = await spawnStateServer({ dbPath, token: TOKEN, faults: { queue: [{ kind: 'drop-after' }] } });
  running.push(s);
  return s;
}

describe('the state server as a child process', () => {
  it('prints its URL, takes faults from the command line, and keeps what it acknowledged across a restart', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-child-'));
    const dbPath = path.join(dir, 'state.db');
    const first = await start(dbPath);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await postChunk({ baseUrl: first.url, token: TOKEN, key, body, timeoutMs: 2_000 })).toMatchObject({
      kind: 'retry',
      reason: 'network',
    });
    expect(await first.receipts()).toHaveLength(1);
    await first.stop();
    expect(first.child.exitCode).toBe(0);

    const second = await start(dbPath);
    await second.setFaults({});
    expect(await postChunk({ baseUrl: second.url, token: TOKEN, key, body, timeoutMs: 2_000 })).toMatchObject(
      { kind: 'acknowledged', repeat: true },
    );
    await second.addChange({
      kind: 'cancelled',
      voterId: 'V9',
      ballotId: 'B9',
      electionId: 'E2026',
      at: '2026-10-01T00:00:00Z',
    });
    expect((await second.stats()).outcomes).toMatchObject({ repeat: 1 });
    expect(await second.batches()).toEqual([
      { batchId: body.batchId, chunkCount: 1, acknowledged: 1, complete: true },
    ]);
    await second.stop();

    const store = new StateStore(dbPath);
    try {
      expect(store.receipts().map((r) => r.ballotId)).toEqual(['B1']);
      expect(store.changesAfter(0, 10)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
