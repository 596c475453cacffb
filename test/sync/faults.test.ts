import { describe, expect, it } from 'vitest';
import { postChunk } from '../../main/sync/http.js';
import type { ChunkOutcome } from '../../main/sync/http.js';
import { planChunks } from '../../shared/sync/chunks.js';
import type { StateServer } from '../state-server/server.js';
import { header, receipt, singleChunk, stateServer, TOKEN } from './helpers.js';

/** Each way the link or the state can fail, and what the client makes of it. */

const send = (
  server: StateServer,
  chunk: ReturnType<typeof singleChunk>,
  timeoutMs = 2_000,
): Promise<ChunkOutcome> =>
  postChunk({ baseUrl: server.url, token: TOKEN, key: chunk.key, body: chunk.body, timeoutMs });

/** Polls the server until `done`; bounded, and no assertion on how long it took. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe('faults → ChunkOutcome', () => {
  it('drop-before: retry; nothing was stored; the retry is a first acknowledgement', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'drop-before' }] } });
    const chunk = singleChunk(2);
    expect(await send(server, chunk)).toMatchObject({ kind: 'retry', reason: 'network' });
    expect(server.receipts()).toHaveLength(0);
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: false });
  });

  it('drop-after: retry; the state holds the receipts; the same key then gets repeat:true; stored once', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'drop-after' }] } });
    const chunk = singleChunk(3);
    expect(await send(server, chunk)).toMatchObject({ kind: 'retry', reason: 'network' });
    expect(server.receipts()).toHaveLength(3);
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: true });
    expect(server.receipts().map((r) => r.ballotId)).toEqual(chunk.body.receipts.map((r) => r.ballotId));
    expect(server.stats().outcomes).toMatchObject({ stored: 1, repeat: 1 });
  });

  it('status-500: retry (server-error), nothing stored', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'status-500' }] } });
    expect(await send(server, singleChunk(1))).toMatchObject({ kind: 'retry', reason: 'server-error' });
    expect(server.receipts()).toHaveLength(0);
  });

  it('status-503 with Retry-After in seconds: retry (unavailable) with the wait', async () => {
    const server = await stateServer({
      faults: { queue: [{ kind: 'status-503-retry-after', retryAfter: '2' }] },
    });
    expect(await send(server, singleChunk(1))).toEqual({
      kind: 'retry',
      reason: 'unavailable',
      detail: 'HTTP 503: try later',
      retryAfterMs: 2_000,
    });
  });

  it('status-429 with Retry-After as an HTTP-date: retry (throttled) with the wait until then', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
    const server = await stateServer({
      faults: { queue: [{ kind: 'status-429-retry-after', retryAfter: at.toUTCString() }] },
    });
    const outcome = await send(server, singleChunk(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'throttled' });
    const wait = (outcome as { retryAfterMs?: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(60_000);
    expect(wait).toBeLessThanOrEqual(121_000);
  });

  it('a Retry-After that means nothing is left out', async () => {
    const server = await stateServer({
      faults: { queue: [{ kind: 'status-503-retry-after', retryAfter: 'whenever' }] },
    });
    const outcome = await send(server, singleChunk(1));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'unavailable' });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('slow, processed first: timeout; the retry with the same key is a repeat', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'slow', ms: 400, processFirst: true }] } });
    const chunk = singleChunk(2);
    expect(await send(server, chunk, 100)).toMatchObject({ kind: 'retry', reason: 'timeout' });
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: true });
    expect(server.receipts()).toHaveLength(2);
  });

  it('slow, processed after the wait: timeout; the retry lands first; the late original changes nothing', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'slow', ms: 300, processFirst: false }] } });
    const chunk = singleChunk(2);
    expect(await send(server, chunk, 100)).toMatchObject({ kind: 'retry', reason: 'timeout' });
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: false });
    await until(() => server.stats().inFlight === 0, 'the delayed request to finish');
    expect(server.stats().outcomes).toMatchObject({ stored: 1, repeat: 1 });
    expect(server.receipts()).toHaveLength(2);
  });

  it.each([
    ['not JSON', undefined],
    ['JSON, but not the schema', '{"ok":true}'],
  ])('garbage (%s): retry (garbage), and the retry is a first acknowledgement', async (_what, body) => {
    const server = await stateServer({ faults: { queue: [{ kind: 'garbage', ...(body ? { body } : {}) }] } });
    const chunk = singleChunk(1);
    expect(await send(server, chunk)).toMatchObject({ kind: 'retry', reason: 'garbage' });
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: false });
  });

  it('garbage after processing: the retry is a repeat', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'garbage', processFirst: true }] } });
    const chunk = singleChunk(1);
    expect(await send(server, chunk)).toMatchObject({ kind: 'retry', reason: 'garbage' });
    expect(await send(server, chunk)).toMatchObject({ kind: 'acknowledged', repeat: true });
  });

  it('a fault scoped to the change feed leaves batches alone', async () => {
    const server = await stateServer({ faults: { queue: [{ kind: 'status-500', route: 'changes' }] } });
    expect(await send(server, singleChunk(1))).toMatchObject({ kind: 'acknowledged' });
    expect(server.stats().queuedFaults).toBe(1);
  });

  it('under seeded random faults, retrying each chunk with its key lands every receipt exactly once', async () => {
    const server = await stateServer({
      maxChunk: 3,
      faults: {
        random: {
          seed: 2026,
          faults: [
            { p: 0.15, fault: { kind: 'drop-before' } },
            { p: 0.15, fault: { kind: 'drop-after' } },
            { p: 0.1, fault: { kind: 'status-503-retry-after', retryAfter: '0' } },
            { p: 0.1, fault: { kind: 'garbage', processFirst: true } },
            { p: 0.05, fault: { kind: 'slow', ms: 150, processFirst: true } },
          ],
        },
      },
    });
    const batches = Array.from({ length: 4 }, () => ({
      h: header(),
      receipts: Array.from({ length: 7 }, () => receipt()),
    }));
    for (const { h, receipts } of batches) {
      for (const c of planChunks(h, receipts, 3)) {
        let outcome: ChunkOutcome | null = null;
        for (let attempt = 0; attempt < 50 && outcome?.kind !== 'acknowledged'; attempt += 1) {
          outcome = await postChunk({
            baseUrl: server.url,
            token: TOKEN,
            key: c.key,
            body: c.body,
            timeoutMs: 80,
          });
          expect(['acknowledged', 'retry']).toContain(outcome.kind);
        }
        expect(outcome?.kind).toBe('acknowledged');
      }
    }
    await until(() => server.stats().inFlight === 0, 'slow requests to finish');
    const stored = server.receipts().map((r) => r.ballotId);
    expect(stored).toHaveLength(28);
    expect(new Set(stored).size).toBe(28);
    expect(server.batches().every((b) => b.complete)).toBe(true);
    expect(Object.keys(server.stats().faults).length).toBeGreaterThanOrEqual(3);
  });
});
