import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkKey, parseChunkKey, planChunks, splitIntoChunks } from './chunks.js';
import type { BatchReceipt } from './contract.js';

const BATCH = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';

describe('splitIntoChunks', () => {
  it('keeps every receipt once, in order, in chunks of at most maxChunk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (items, max) => {
          const chunks = splitIntoChunks(items, max);
          expect(chunks.flat()).toEqual(items);
          expect(chunks.length).toBe(Math.max(1, Math.ceil(items.length / max)));
          chunks.forEach((c, i) => {
            expect(c.length).toBeLessThanOrEqual(max);
            if (i < chunks.length - 1) expect(c.length).toBe(max);
          });
        },
      ),
    );
  });

  it('sends an empty batch as one empty chunk', () => {
    expect(splitIntoChunks([], 10)).toEqual([[]]);
  });

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => splitIntoChunks([1], 0)).toThrow(/maxChunk/);
    expect(() => splitIntoChunks([1], 2.5)).toThrow(/maxChunk/);
  });
});

describe('chunk keys', () => {
  it('is <batch UUID>:<i>/<n> and parses back', () => {
    expect(chunkKey(BATCH, 0, 3)).toBe(`${BATCH}:0/3`);
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 10_000 }), fc.nat(), (uuid, count, i) => {
        const index = i % count;
        const key = chunkKey(uuid.toLowerCase(), index, count);
        expect(parseChunkKey(key)).toEqual({ batchId: uuid.toLowerCase(), index, count });
      }),
    );
  });

  it('refuses arguments only a bug would pass', () => {
    expect(() => chunkKey('not-a-uuid', 0, 1)).toThrow(/UUID/);
    expect(() => chunkKey(BATCH.toUpperCase(), 0, 1)).toThrow(/UUID/);
    expect(() => chunkKey(BATCH, 3, 3)).toThrow(/index/);
    expect(() => chunkKey(BATCH, 0, 0)).toThrow(/count/);
  });

  it.each([
    `${BATCH}:3/3`,
    `${BATCH}:01/3`,
    `${BATCH}:0/0`,
    `${BATCH}:0`,
    `${BATCH.toUpperCase()}:0/1`,
    `x${BATCH}:0/1`,
    `${BATCH}:0/1 `,
    '',
  ])('parses nothing else: %j', (key) => expect(parseChunkKey(key)).toBeNull());
});

describe('planChunks', () => {
  const receipts: BatchReceipt[] = Array.from({ length: 5 }, (_, i) => ({
    ballotId: `B${i}`,
    voterId: `V${i}`,
    receivedAt: '2026-11-03T14:00:00Z',
    verdict: 'ACCEPTED',
    cureCodes: [],
    status: 'RECEIVED',
  }));
  const header = {
    batchId: BATCH,
    stationId: 'S1',
    electionId: 'E1',
    closedAt: '2026-11-03T18:00:00Z',
    handCount: null,
  };

  it('repeats the batch header in every chunk and numbers the chunks', () => {
    const plan = planChunks(header, receipts, 2);
    expect(plan.map((p) => p.key)).toEqual([`${BATCH}:0/3`, `${BATCH}:1/3`, `${BATCH}:2/3`]);
    expect(plan.map((p) => p.body.chunk)).toEqual([
      { index: 0, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
    expect(plan.map((p) => p.body.receipts.map((r) => r.ballotId))).toEqual([
      ['B0', 'B1'],
      ['B2', 'B3'],
      ['B4'],
    ]);
    for (const p of plan) expect(p.body).toMatchObject(header);
  });

  it('gives the same keys and bodies every time (a restarted station rebuilds them)', () => {
    expect(planChunks(header, receipts, 2)).toEqual(planChunks(header, receipts, 2));
  });
});
