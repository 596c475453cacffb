import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchChunkRequestSchema,
  bodyHash,
  canonicalBody,
  chunkInfoSchema,
  stateChangeSchema,
} from './contract.js';

/** The same object with its keys in another order, at every depth. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value === 'object' && value !== null) {
    // defineProperty, so that a "__proto__" key stays a key.
    const out = {};
    for (const [k, v] of Object.entries(value).reverse())
      Object.defineProperty(out, k, { value: reordered(v), enumerable: true });
    return out;
  }
  return value;
}

const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('canonicalBody', () => {
  it('does not depend on key order', () => {
    fc.assert(fc.property(json, (v) => canonicalBody(v) === canonicalBody(reordered(v))));
  });

  it('is JSON that means the same value', () => {
    fc.assert(fc.property(json, (v) => isDeepStrictEqual(JSON.parse(canonicalBody(v)), v)));
  });

  it('sorts keys and leaves out no whitespace', () => {
    expect(canonicalBody({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -1.5 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":-1.5,"z":0}}',
    );
    expect(canonicalBody({ a: 1, skipped: undefined })).toBe('{"a":1}');
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalBody(Number.NaN)).toThrow(/JSON/);
    expect(() => canonicalBody([undefined])).toThrow(/JSON/);
    expect(() => canonicalBody(new Date(0))).toThrow(/JSON/);
  });
});

describe('bodyHash', () => {
  it('is the hex SHA-256 of the canonical body', () => {
    // echo -n '{"a":1}' | sha256sum
    expect(bodyHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('changes when any value changes', () => {
    expect(bodyHash({ a: 1, b: [1, 2] })).not.toBe(bodyHash({ a: 1, b: [2, 1] }));
    expect(bodyHash({ handCount: null })).not.toBe(bodyHash({ handCount: 0 }));
  });
});

describe('schemas', () => {
  const body = {
    batchId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
    stationId: 'S1',
    electionId: 'E1',
    closedAt: '2026-11-03T18:00:00-05:00',
    handCount: null,
    chunk: { index: 0, count: 1 },
    receipts: [
      {
        ballotId: 'B1',
        voterId: 'V1',
        receivedAt: '2026-11-03T14:00:00Z',
        verdict: 'LATE',
        cureCodes: ['NO_DATE'],
        status: 'FLAGGED',
      },
    ],
  };

  it('accepts a chunk with a null hand count', () => {
    expect(batchChunkRequestSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    ['an upper-case batch ID', { batchId: body.batchId.toUpperCase() }],
    ['a negative hand count', { handCount: -1 }],
    ['a closedAt without offset', { closedAt: '2026-11-03T18:00:00' }],
    ['a cure code twice', { receipts: [{ ...body.receipts[0], cureCodes: ['NO_DATE', 'NO_DATE'] }] }],
    ['an unknown status', { receipts: [{ ...body.receipts[0], status: 'LOST' }] }],
  ])('refuses %s', (_what, over) => {
    expect(batchChunkRequestSchema.safeParse({ ...body, ...over }).success).toBe(false);
  });

  it('keeps chunk.index below chunk.count', () => {
    expect(chunkInfoSchema.safeParse({ index: 1, count: 1 }).success).toBe(false);
    expect(chunkInfoSchema.safeParse({ index: 0, count: 1 }).success).toBe(true);
  });

  it('wants newBallotId exactly for a reissue', () => {
    const change = {
      kind: 'reissued',
      voterId: 'V1',
      ballotId: 'B1',
      electionId: 'E1',
      at: '2026-11-01T10:00:00Z',
    };
    expect(stateChangeSchema.safeParse(change).success).toBe(false);
    expect(stateChangeSchema.safeParse({ ...change, newBallotId: 'B2' }).success).toBe(true);
    expect(stateChangeSchema.safeParse({ ...change, kind: 'cancelled', newBallotId: 'B2' }).success).toBe(
      false,
    );
  });
});
