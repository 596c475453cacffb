import { describe, expect, it } from 'vitest';
import { chunkKey, planChunks } from '../../shared/sync/chunks.js';
import { postChunk } from '../../main/sync/http.js';
import type { ChunkOutcome } from '../../main/sync/http.js';
import { header, receipt, singleChunk, stateServer, TOKEN } from './helpers.js';

/** The client against the real reference server on 127.0.0.1: the contract, answer by answer. */

const TIMEOUT = 2_000;

describe('POST /v1/batches', () => {
  it('acknowledges with 201, then answers a repeat of the key with 200 and the same ack', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(3);
    const first = await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT });
    const again = await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT });
    expect(first).toMatchObject({ kind: 'acknowledged', repeat: false });
    expect(again).toEqual({ kind: 'acknowledged', repeat: true, ack: (first as { ack: string }).ack });
    expect(server.receipts().map((r) => r.ballotId)).toEqual(body.receipts.map((r) => r.ballotId));
  });

  it('treats a body with its keys in another order as the same body', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(1);
    const reversed = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
    await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT });
    expect(
      await postChunk({ baseUrl: server.url, token: TOKEN, key, body: reversed, timeoutMs: TIMEOUT }),
    ).toMatchObject({ repeat: true });
  });

  it('answers 409 when an acknowledged key comes back with a different body', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(2);
    await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT });
    const changed = { ...body, handCount: 7 };
    const outcome = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key,
      body: changed,
      timeoutMs: TIMEOUT,
    });
    expect(outcome).toMatchObject({
      kind: 'conflict',
      detail: expect.stringContaining('different body') as string,
    });
    expect(server.receipts()).toHaveLength(2);
  });

  it('refuses bad records one by one (400), stores nothing, and takes the corrected chunk under the same key', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(3);
    const bad = {
      ...body,
      receipts: [
        body.receipts[0],
        { ...body.receipts[1], ballotId: '' },
        { ...body.receipts[2], verdict: 'MAYBE' },
      ],
    } as unknown as typeof body;
    const outcome = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key,
      body: bad,
      timeoutMs: TIMEOUT,
    });
    expect(outcome.kind).toBe('rejected');
    const errors = (outcome as Extract<ChunkOutcome, { kind: 'rejected' }>).errors;
    expect(errors).toEqual([
      { index: 1, ballotId: '', error: expect.stringMatching(/^ballotId: /) as string },
      {
        index: 2,
        ballotId: body.receipts[2]?.ballotId,
        error: expect.stringMatching(/^verdict: /) as string,
      },
    ]);
    expect(server.receipts()).toHaveLength(0);
    expect(
      await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT }),
    ).toMatchObject({ kind: 'acknowledged', repeat: false });
  });

  it('refuses a ballot twice in one chunk, naming the second', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(2);
    const twice = {
      ...body,
      receipts: [body.receipts[0], { ...body.receipts[1], ballotId: body.receipts[0]?.ballotId }],
    } as typeof body;
    const outcome = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key,
      body: twice,
      timeoutMs: TIMEOUT,
    });
    expect(outcome).toEqual({
      kind: 'rejected',
      errors: [
        { index: 1, ballotId: body.receipts[0]?.ballotId, error: 'ballotId appears twice in this chunk' },
      ],
    });
  });

  it('refuses a key that does not name the body', async () => {
    const server = await stateServer();
    const { body } = singleChunk(1);
    const outcome = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key: chunkKey(header().batchId, 0, 1),
      body,
      timeoutMs: TIMEOUT,
    });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      errors: [{ index: null, ballotId: null, error: expect.stringMatching(/does not match/) as string }],
    });
    const malformed = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key: 'batch-1',
      body,
      timeoutMs: TIMEOUT,
    });
    expect(malformed).toMatchObject({
      kind: 'rejected',
      errors: [{ index: null, error: expect.stringMatching(/Idempotency-Key/) as string }],
    });
  });

  it('answers 401 to a wrong token, and stores nothing', async () => {
    const server = await stateServer();
    const { key, body } = singleChunk(1);
    expect(await postChunk({ baseUrl: server.url, token: 'wrong', key, body, timeoutMs: TIMEOUT })).toEqual({
      kind: 'unauthorized',
    });
    expect(server.receipts()).toHaveLength(0);
  });

  it('answers 413 to a chunk over its limit', async () => {
    const server = await stateServer({ maxChunk: 2 });
    const { key, body } = singleChunk(3);
    expect(await postChunk({ baseUrl: server.url, token: TOKEN, key, body, timeoutMs: TIMEOUT })).toEqual({
      kind: 'too-large',
    });
  });

  it('completes a batch when every chunk is acknowledged, each receipt once', async () => {
    const server = await stateServer({ maxChunk: 2 });
    const h = header();
    const receipts = Array.from({ length: 5 }, () => receipt());
    const plan = planChunks(h, receipts, 2);
    for (const [i, c] of plan.entries()) {
      expect(server.batches().some((b) => b.complete)).toBe(false);
      const outcome = await postChunk({
        baseUrl: server.url,
        token: TOKEN,
        key: c.key,
        body: c.body,
        timeoutMs: TIMEOUT,
      });
      expect(outcome, `chunk ${i}`).toMatchObject({ kind: 'acknowledged', repeat: false });
    }
    expect(server.batches()).toEqual([
      { batchId: h.batchId, chunkCount: 3, acknowledged: 3, complete: true },
    ]);
    expect(server.receipts().map((r) => r.ballotId)).toEqual(receipts.map((r) => r.ballotId));
  });

  it('refuses to mix two splits of one batch (409)', async () => {
    const server = await stateServer();
    const h = header();
    const receipts = Array.from({ length: 4 }, () => receipt());
    const [first] = planChunks(h, receipts, 2);
    const [other] = planChunks(h, receipts, 1);
    if (!first || !other) throw new Error('no plan');
    await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key: first.key,
      body: first.body,
      timeoutMs: TIMEOUT,
    });
    const outcome = await postChunk({
      baseUrl: server.url,
      token: TOKEN,
      key: other.key,
      body: other.body,
      timeoutMs: TIMEOUT,
    });
    expect(outcome).toMatchObject({
      kind: 'conflict',
      detail: expect.stringMatching(/in 2 chunks, not 4/) as string,
    });
    expect(server.receipts()).toHaveLength(2);
  });

  it('gives an empty batch its acknowledgement too', async () => {
    const server = await stateServer();
    const [only] = planChunks(header({ handCount: 0 }), [], 10);
    if (!only) throw new Error('no plan');
    expect(
      await postChunk({
        baseUrl: server.url,
        token: TOKEN,
        key: only.key,
        body: only.body,
        timeoutMs: TIMEOUT,
      }),
    ).toMatchObject({ kind: 'acknowledged' });
    expect(server.batches()).toMatchObject([{ complete: true }]);
  });

  it('says "retry" when nobody listens', async () => {
    const server = await stateServer();
    const url = server.url;
    await server.close();
    const { key, body } = singleChunk(1);
    expect(await postChunk({ baseUrl: url, token: TOKEN, key, body, timeoutMs: TIMEOUT })).toMatchObject({
      kind: 'retry',
      reason: 'network',
      detail: expect.stringMatching(/ECONNREFUSED/) as string,
    });
  });
});
