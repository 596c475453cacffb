// Three real station processes (`intake scan`, replicating to the hub) on one real PostgreSQL hub,
// each behind its own TCP proxy: a duplicate across stations caught at scan time; a partition
// (blackholed link) during which both sides accept the same ballot, healed: both receipts kept,
// the conflict in both stations' review queues and at the hub, nothing lost, nothing doubled.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { ballotHistory } from '../../main/intake/history.js';
import { countyRoll, scanChild, startCounty, until, type ScanChild, type TestCounty, type TestStationFiles } from '../helpers/county.js';

let county: TestCounty;
const children: ScanChild[] = [];
const child = (i: number): ScanChild => {
  const c = children[i];
  if (!c) throw new Error(`no station process ${i}`);
  return c;
};

function q<T>(db: string, sql: string, ...args: unknown[]): T[] {
  const c = new Database(db, { readonly: true });
  try {
    return c.prepare(sql).all(...args) as T[];
  } finally {
    c.close();
  }
}
const st = (i: number): TestStationFiles => {
  const s = county.stations[i];
  if (!s) throw new Error(`no station ${i}`);
  return s;
};
const pushedAll = (s: TestStationFiles) =>
  q<{ ok: number }>(s.db, 'SELECT (SELECT pushed_through FROM replication_state) = (SELECT max(seq) FROM audit_log) AS ok')[0]?.ok === 1;

async function hubCounts(): Promise<Map<string, { n: number; max: number; distinct: number }>> {
  const su = await county.hub.superuser();
  try {
    const r = await su.query<{ station_id: string; n: string; max: string; d: string }>(
      'SELECT station_id, count(*) AS n, max(local_seq) AS max, count(DISTINCT local_seq) AS d FROM intake.entries GROUP BY station_id',
    );
    return new Map(r.rows.map((x) => [x.station_id, { n: Number(x.n), max: Number(x.max), distinct: Number(x.d) }]));
  } finally {
    await su.end();
  }
}

/** Every station's whole audit log is at the hub exactly once: same count, same last seq, no repeats. */
async function expectNothingLostNothingDoubled(): Promise<void> {
  const hub = await hubCounts();
  for (const s of county.stations) {
    const local = q<{ n: number; max: number }>(s.db, 'SELECT count(*) AS n, max(seq) AS max FROM audit_log')[0];
    expect(hub.get(s.id), `station ${s.id}`).toEqual({ n: local?.n, max: local?.max, distinct: local?.n });
  }
}

beforeAll(async () => {
  county = await startCounty(['a', 'b', 'c'], countyRoll(100));
  for (const s of county.stations) children.push(scanChild(s));
}, 60_000);

afterAll(async () => {
  for (const c of children) await c.kill().catch(() => undefined);
  await county?.stop();
});

describe('three station processes, one hub', () => {
  it('the same envelope at a second station is DUPLICATE at scan time, naming the first station and its time', async () => {
    const [a, b] = [child(0), child(1)];
    const first = await a.scan('CB000001');
    expect(first.verdict).toBe('ACCEPTED');
    await until("B has A's receipt", () => q(st(1).db, "SELECT 1 FROM county_receipts WHERE ballot_id = 'CB000001'").length > 0);
    const second = await b.scan('CB000001');
    expect(second.verdict).toBe('DUPLICATE');
    expect(second.duplicateOf).toMatchObject({ station: 'a', at: first.scannedAt });
    expect(second.reason).toMatch(/^already received .* at a by ann/);
  });

  it('partition (blackholed link): both sides accept the same ballot; healed, both receipts are kept, the conflict is in both review queues and at the hub; nothing lost or doubled', async () => {
    const [a, b, c] = [child(0), child(1), child(2)];
    st(1).proxy.setMode('drop');
    const atA = await a.scan('CB000002');
    const atB = await b.scan('CB000002'); // B cannot know: it is cut off, and scanning goes on
    expect(atA.verdict).toBe('ACCEPTED');
    expect(atB.verdict).toBe('ACCEPTED');
    // While cut off, B's status says so in plain words.
    await until('B records the lost link', () => q<{ e: string | null }>(st(1).db, 'SELECT last_error AS e FROM replication_state')[0]?.e);
    const words = q<{ e: string }>(st(1).db, 'SELECT last_error AS e FROM replication_state')[0]?.e ?? '';
    expect(words).toMatch(/county hub .* (did not answer in time|link .* was cut)/);
    st(1).proxy.setMode('pass');
    await until('both conflicts pulled', () =>
      [st(0), st(1)].every((s) => q(s.db, "SELECT 1 FROM county_conflicts WHERE ballot_id = 'CB000002' AND local_scan_seq IS NOT NULL").length === 1), 20_000);
    for (const [i, mine] of [[0, atA], [1, atB]] as const) {
      const store = Store.open(st(i).db);
      try {
        const queue = store.cure.queue({ offset: 0, limit: 50 });
        const item = queue.items.find((x) => x.ballotId === 'CB000002');
        expect(item, `station ${st(i).id}`).toMatchObject({ kind: 'problem', id: mine.seq, state: 'COUNTY_CONFLICT' });
      } finally {
        store.close();
      }
    }
    // Both receipts in the ballot's history, at each of the two stations.
    for (const i of [0, 1]) {
      const store = Store.open(st(i).db);
      try {
        const lines = ballotHistory(store, 'CB000002').map((e) => e.detail).join('\n');
        expect(lines).toMatch(/ACCEPTED at [AB]:/);
        expect(lines).toMatch(/ACCEPTED at station [ab] \(county, its scan \d+\)/);
        expect(lines).toMatch(/county conflict: received at a scan \d+ and at b scan \d+ while the stations were apart \(unresolved\)/);
      } finally {
        store.close();
      }
    }
    const su = await county.hub.superuser();
    try {
      const receipts = await su.query<{ station_id: string; dup: string | null }>(
        "SELECT station_id, cross_station_duplicate_of AS dup FROM intake.receipts WHERE ballot_id = 'CB000002' ORDER BY hub_seq",
      );
      expect(receipts.rows.map((r) => [r.station_id, r.dup === null])).toEqual([['a', true], ['b', false]]);
      const conflicts = await su.query("SELECT 1 FROM intake.conflicts c JOIN intake.receipts r ON r.hub_seq = c.second_hub_seq WHERE r.ballot_id = 'CB000002'");
      expect(conflicts.rowCount).toBe(1);
    } finally {
      await su.end();
    }
    // The third station, never cut off, now refuses the envelope too.
    await until('C has the receipts', () => q(st(2).db, "SELECT 1 FROM county_receipts WHERE ballot_id = 'CB000002'").length === 2);
    expect((await c.scan('CB000002')).verdict).toBe('DUPLICATE');
    await until('all pushed', () => county.stations.every(pushedAll), 15_000);
    await expectNothingLostNothingDoubled();
  }, 40_000);

  it('a reset link and a slow link (100 ms each way) only delay replication', async () => {
    const [a, b] = [child(0), child(1)];
    st(0).proxy.setMode('reset');
    await a.scan('CB000010');
    st(0).proxy.setMode('delay', 100);
    await a.scan('CB000011');
    await until("B has A's receipts through the slow link", () => q(st(1).db, "SELECT 1 FROM county_receipts WHERE ballot_id IN ('CB000010','CB000011')").length === 2, 15_000);
    st(0).proxy.setMode('pass');
    expect((await b.scan('CB000011')).verdict).toBe('DUPLICATE');
    await until('all pushed', () => county.stations.every(pushedAll), 15_000);
    await expectNothingLostNothingDoubled();
  }, 30_000);
});
