import { describe, expect, it } from 'vitest';
import { getChanges } from '../../main/sync/http.js';
import type { StateChange } from '../../shared/sync/contract.js';
import { stateServer, TOKEN } from './helpers.js';

const changes: StateChange[] = [
  { kind: 'cancelled', voterId: 'V1', ballotId: 'B1', electionId: 'E2026', at: '2026-10-20T10:00:00Z' },
  { kind: 'voted_in_person', voterId: 'V2', ballotId: 'B2', electionId: 'E2026', at: '2026-10-21T10:00:00Z' },
  {
    kind: 'reissued',
    voterId: 'V3',
    ballotId: 'B3',
    newBallotId: 'B3-2',
    electionId: 'E2026',
    at: '2026-10-22T10:00:00Z',
  },
  { kind: 'cancelled', voterId: 'V4', ballotId: 'B4', electionId: 'E2026', at: '2026-10-23T10:00:00Z' },
  { kind: 'cancelled', voterId: 'V5', ballotId: 'B5', electionId: 'E2026', at: '2026-10-24T10:00:00Z' },
];

describe('GET /v1/changes', () => {
  it('pages through the feed with the cursor, then stays put when there is nothing new', async () => {
    const server = await stateServer();
    changes.forEach((c) => server.addChange(c));
    const seen: StateChange[] = [];
    let since: string | null = null;
    const sizes: number[] = [];
    for (let page = 0; page < 10; page += 1) {
      const outcome = await getChanges({
        baseUrl: server.url,
        token: TOKEN,
        since,
        limit: 2,
        timeoutMs: 2_000,
      });
      if (outcome.kind !== 'changes') throw new Error(`unexpected ${outcome.kind}`);
      sizes.push(outcome.changes.length);
      seen.push(...outcome.changes);
      if (outcome.changes.length === 0) expect(outcome.next).toBe(since);
      since = outcome.next;
      if (outcome.changes.length === 0) break;
    }
    expect(sizes).toEqual([2, 2, 1, 0]);
    expect(seen).toEqual(changes);
    server.addChange({
      kind: 'voted_in_person',
      voterId: 'V6',
      ballotId: 'B6',
      electionId: 'E2026',
      at: '2026-10-25T10:00:00Z',
    });
    const later = await getChanges({ baseUrl: server.url, token: TOKEN, since, limit: 2, timeoutMs: 2_000 });
    expect(later).toMatchObject({ kind: 'changes', changes: [{ voterId: 'V6' }] });
  });

  it('starts from the beginning without a cursor', async () => {
    const server = await stateServer();
    server.addChange(changes[0] as StateChange);
    const outcome = await getChanges({
      baseUrl: server.url,
      token: TOKEN,
      since: null,
      limit: 100,
      timeoutMs: 2_000,
    });
    expect(outcome).toMatchObject({ kind: 'changes', changes: [changes[0]] });
  });

  it('refuses a cursor it never gave (400)', async () => {
    const server = await stateServer();
    const outcome = await getChanges({
      baseUrl: server.url,
      token: TOKEN,
      since: 'yesterday',
      limit: 10,
      timeoutMs: 2_000,
    });
    expect(outcome).toMatchObject({ kind: 'rejected', error: expect.stringMatching(/cursor/) as string });
  });

  it('answers 401 to a wrong token', async () => {
    const server = await stateServer();
    expect(
      await getChanges({ baseUrl: server.url, token: 'nope', since: null, limit: 10, timeoutMs: 2_000 }),
    ).toEqual({ kind: 'unauthorized' });
  });

  it('turns faults into retries', async () => {
    const server = await stateServer({
      faults: {
        queue: [
          { kind: 'garbage', body: '{"changes":"lots"}', route: 'changes' },
          { kind: 'status-429-retry-after', retryAfter: '3', route: 'changes' },
          { kind: 'drop-before', route: 'changes' },
        ],
      },
    });
    const get = () =>
      getChanges({ baseUrl: server.url, token: TOKEN, since: null, limit: 10, timeoutMs: 2_000 });
    expect(await get()).toMatchObject({ kind: 'retry', reason: 'garbage' });
    expect(await get()).toMatchObject({ kind: 'retry', reason: 'throttled', retryAfterMs: 3_000 });
    expect(await get()).toMatchObject({ kind: 'retry', reason: 'network' });
    expect(await get()).toMatchObject({ kind: 'changes', changes: [] });
  });

  it('throws on a limit only a bug would pass', async () => {
    await expect(
      getChanges({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, since: null, limit: 0, timeoutMs: 100 }),
    ).rejects.toThrow(/limit/);
  });
});
