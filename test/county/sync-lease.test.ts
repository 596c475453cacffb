import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../main/actions/sync.js';
import { closeHubReader } from '../../main/county/hub-reader.js';
import { startStateServer, type StateServer } from '../state-server/server.js';
import { startCountyHub, type CountyHub } from '../hub/fixture.js';
import { countyStation, sue } from './helpers.js';

const TOKEN = 'county-sync-token';
let county: CountyHub;
let server: StateServer;
type S = Awaited<ReturnType<typeof countyStation>>;
let a: S;
let b: S;

/** Scans n envelopes of the station's roll from `from` and closes the tray: one more batch in its outbox. */
function closeBatches(s: S, prefix: string, count: number, size: number, from = 0): string[] {
  const ids: string[] = [];
  for (let k = 0; k < count; k += 1) {
    for (let i = 0; i < size; i += 1) s.station.intake().scan({ raw: `${prefix}${String(from + k * size + i).padStart(4, '0')}`, operator: 'clara' });
    ids.push(s.station.intake().closeBatch(null, size, 'sue').batchId);
  }
  return ids;
}

const ballots = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

beforeAll(async () => {
  county = await startCountyHub();
  a = await countyStation(county, 'a', ballots('SA', 60));
  b = await countyStation(county, 'b', ballots('SB', 60));
  server = await startStateServer({ dbPath: path.join(a.dir, 'state.db'), token: TOKEN, maxChunk: 1000 });
  const at = new Date().toISOString();
  for (const s of [a, b]) {
    for (const [k, v] of [['election', 'E2026'], ['syncUrl', server.url], ['syncChunkSize', 4], ['syncTimeoutSeconds', 2]] as const) s.store.config.set(k, v, 't', at);
    s.env['INTAKE_SYNC_TOKEN'] = TOKEN;
  }
}, 30_000);
afterAll(async () => {
  await server?.close();
  for (const s of [a, b]) {
    await closeHubReader(s.store);
    await s.close();
  }
  await county?.close();
});

const sync = (s: S) => runSync(s.station, sue, s.env, {});

describe('sync to the state from one station at a time (the hub lease), each batch once county-wide', () => {
  it('two stations race `sync` 40 times at once: every batch reaches the state exactly once, and each refusal names the station holding the lease', async () => {
    const batches = [...closeBatches(a, 'SA', 5, 6), ...closeBatches(b, 'SB', 5, 6)];
    const runs = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => sync(i % 2 === 0 ? a : b)));
    const refused = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    expect(runs.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    for (const m of refused) expect(m).toMatch(/^Station [ab] is sending the county's batches to the state \(since .+\)\. Only one station syncs at a time: sync from station [ab], or try again after it finishes/);
    // What a refused station did not send goes on its next turn.
    for (const s of [a, b]) await sync(s);
    const stored = server.receipts();
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((r) => `${r.batchId}/${r.ballotId}`)).size).toBe(60);
    expect(server.stats().outcomes['repeat'] ?? 0).toBe(0); // no chunk was ever sent twice
    expect(new Set(server.batches().filter((x) => x.complete).map((x) => x.batchId))).toEqual(new Set(batches));
    const sent = await county.admin.query<{ batch_id: string; station_id: string; ack: string | null }>('SELECT batch_id, station_id, ack FROM intake.sync_sent ORDER BY batch_id');
    expect(sent.rows.map((r) => r.batch_id).sort()).toEqual([...batches].sort());
    for (const r of sent.rows) expect(r.ack).not.toBeNull();
    for (const s of [a, b]) for (const id of s.store.sync.list().map((x) => x.batchId)) expect(s.store.sync.get(id)?.status).toBe('acknowledged');
    expect((await county.admin.query('SELECT count(*)::int AS n FROM intake.sync_lease')).rows[0]).toEqual({ n: 0 }); // every run let go
  }, 60_000);

  it('a holder that died keeps the lease until it expires; then the next station takes it', async () => {
    await county.admin.query(`INSERT INTO intake.sync_lease (station_id, run_id, acquired_at, expires_at) VALUES ('b', 'b:crashed-run', now(), now() + interval '1 minute')`);
    await expect(sync(a)).rejects.toThrow(/Station b is sending the county's batches/);
    await county.admin.query(`UPDATE intake.sync_lease SET expires_at = now() - interval '1 second'`);
    await expect(sync(a)).resolves.toMatchObject({ rejected: [] });
  });

  it('a batch the hub records as sent by another station is never sent from here (a restored copy of a station, say)', async () => {
    const [id] = closeBatches(a, 'SA', 1, 3, 40);
    await county.admin.query(`INSERT INTO intake.sync_sent (batch_id, station_id) VALUES ($1, 'b')`, [id]);
    const before = server.receipts().length;
    const r = await sync(a);
    expect(r.waiting).toEqual([expect.objectContaining({ batchId: id, lastError: 'station b has already sent this batch to the state' })]);
    expect(server.receipts()).toHaveLength(before);
  });

  it("the state's change feed is read once for the county: the next station starts from the county's cursor at the hub", async () => {
    const ballot = 'SA0050';
    server.addChange({ kind: 'voted_in_person', voterId: `V-${ballot}`, ballotId: ballot, electionId: 'E2026', at: '2026-10-25T10:00:00Z' });
    const ra = await runSync(a.station, sue, a.env, { changes: true });
    expect(ra.changes).toMatchObject({ pages: 1 });
    const cursor = (await county.admin.query<{ cursor: string; station_id: string }>('SELECT cursor, station_id FROM intake.feed_state')).rows[0];
    expect(cursor).toMatchObject({ station_id: 'a', cursor: ra.changes?.cursor });
    const rb = await runSync(b.station, sue, b.env, { changes: true });
    expect(rb.changes).toMatchObject({ applied: 0, unknown: 0, cursor: ra.changes?.cursor }); // nothing read twice
  });

  it('a station on its own (no hub) syncs as it always did', async () => {
    const { tempStore, seedRoll, rollRow } = await import('../helpers/station.js');
    const { Station } = await import('../../main/api/station.js');
    const t = tempStore();
    try {
      const at = new Date().toISOString();
      for (const [k, v] of [['election', 'E2026'], ['syncUrl', server.url]] as const) t.store.config.set(k, v, 't', at);
      seedRoll(t.store, [rollRow({ ballotId: 'ALONE001', electionId: 'E2026' })]);
      const st = new Station(t.store);
      st.intake().scan({ raw: 'ALONE001', operator: 'clara' });
      st.intake().closeBatch(null, 1, 'sue');
      expect((await runSync(st, sue, { INTAKE_SYNC_TOKEN: TOKEN }, {})).acknowledged).toHaveLength(1);
    } finally {
      t.cleanup();
    }
  });
});
