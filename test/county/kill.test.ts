// SIGKILL of the hub (postmaster and backends) and of a station process while it pushes, restarted
// in both orders: every scan the station printed (committed locally) reaches the hub exactly once,
// and the hub's copy of the station's log is the station's log, entry for entry.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countyRoll, scanChild, startCounty, until, type ScanChild, type TestCounty, type TestStationFiles } from '../helpers/county.js';

let county: TestCounty;
let station: TestStationFiles;

beforeAll(async () => {
  county = await startCounty(['a'], countyRoll(1000), { proxies: false });
  station = county.stations[0] as TestStationFiles;
}, 60_000);

afterAll(async () => {
  await county?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A station process fed 5 envelopes every 10 ms until stopped. */
function feeding(next: () => string): { child: ScanChild; stop: () => void } {
  const child = scanChild(station);
  const t = setInterval(() => child.feed([next(), next(), next(), next(), next()]), 10);
  return { child, stop: () => clearInterval(t) };
}

function local<T>(sql: string): T[] {
  const c = new Database(station.db, { readonly: true });
  try {
    return c.prepare(sql).all() as T[];
  } finally {
    c.close();
  }
}

it('hub killed mid-push, station killed mid-push, restarted in either order: every printed scan is at the hub exactly once', async () => {
  let i = 0;
  const next = () => `CB${String(i++ % 1000).padStart(6, '0')}`;
  const printed: number[] = [];
  const run = async (fn: (c: ScanChild) => Promise<void>) => {
    const f = feeding(next);
    try {
      await fn(f.child);
    } finally {
      f.stop();
      await f.child.kill('SIGKILL');
      printed.push(...f.child.printed().map((p) => p.seq));
    }
  };
  // Order 1: hub dies while the station pushes; the station scans on, then dies too; the hub comes back first.
  await run(async (c) => {
    await until('scans flowing', () => c.printed().length > 150);
    await county.hub.killHub();
    const before = c.printed().length;
    await until('scanning goes on without the hub', () => c.printed().length > before + 100);
  });
  await county.hub.restart();
  // Order 2: the station dies mid-push with the hub up; then the hub dies; the station comes back first.
  await run(async (c) => {
    const from = local<{ p: number }>('SELECT pushed_through AS p FROM replication_state')[0]?.p ?? 0;
    await until('pushing again', () => (local<{ p: number }>('SELECT pushed_through AS p FROM replication_state')[0]?.p ?? 0) > from && c.printed().length > 150, 15_000);
    await sleep(50);
  });
  await county.hub.killHub();
  await run(async (c) => {
    await until('scanning with the hub down', () => c.printed().length > 100);
  });
  await county.hub.restart();
  // A last session catches up (no more scans needed: it pushes what waits).
  const last = scanChild(station);
  try {
    await until('caught up', () => local<{ ok: number }>('SELECT (SELECT pushed_through FROM replication_state) = (SELECT max(seq) FROM audit_log) AS ok')[0]?.ok === 1, 20_000);
  } finally {
    await last.end();
  }
  const su = await county.hub.superuser();
  try {
    const hub = await su.query<{ local_seq: string; hash: string; action: string; entity_id: string | null }>(
      "SELECT local_seq, hash, action, entity_id FROM intake.entries WHERE station_id = 'a' ORDER BY local_seq",
    );
    const mine = local<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq');
    expect(hub.rows.map((r) => [Number(r.local_seq), r.hash])).toEqual(mine.map((r) => [r.seq, r.hash]));
    const recorded = hub.rows.filter((r) => r.action === 'scan.record').map((r) => Number(r.entity_id));
    expect(new Set(recorded).size).toBe(recorded.length);
    const atHub = new Set(recorded);
    expect(printed.length).toBeGreaterThan(300);
    expect(printed.filter((s) => !atHub.has(s))).toEqual([]);
  } finally {
    await su.end();
  }
}, 50_000);
