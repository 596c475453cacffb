// The county benchmark (issue 17): 20 stations × 10 scans/s into one PostgreSQL hub, each station a
// worker thread driving the REAL code on its own SQLite file (Intake: decision + durable commit;
// Replicator: push after each commit, pull on NOTIFY), for --minutes N (default 10); then one
// station is cut off (its link through a TCP proxy resets every connection) for as long again,
// healed, and timed until the hub holds all it scanned meanwhile. Floors, in the same run on the
// same servers: bare INSERTs of the same rows into the same PostgreSQL, and a bare SQLite INSERT +
// commit of a scan row with the station's settings (WAL, synchronous=FULL).
//
//   npm run bench -- --only county [--minutes N] [--stations N] [--rate N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { addStation, initHub } from '../main/hub/admin.js';
import { Store } from '../main/store/store.js';
import { startHub } from '../test/helpers/pg.js';
import { startProxy, type TcpProxy } from '../test/helpers/tcp-proxy.js';
import { rollRow, seedRoll } from '../test/helpers/station.js';

type Figure = Record<string, unknown>;

export interface CountyBenchOptions {
  minutes: number;
  stations: number;
  rate: number;
  work: string;
  log: (s: string) => void;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
function summary(xs: number[]): Figure {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50ms: r(pct(s, 50)), p99ms: r(pct(s, 99)), p999ms: r(pct(s, 99.9)), maxms: r(s.at(-1) ?? NaN) };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StationRun {
  id: string;
  worker: Worker;
  proxy: TcpProxy | null;
  ask<T>(m: string, type: string): Promise<T>;
}

export async function benchCounty(o: CountyBenchOptions): Promise<Figure> {
  const dir = path.join(o.work, 'county');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const hub = await startHub();
  const runs: StationRun[] = [];
  try {
    const admin = await hub.superuser();
    await initHub(admin);
    const perStation = Math.ceil(o.rate * o.minutes * 60 * 2.2) + 100;
    const shared = Array.from({ length: 2000 }, (_, i) => `SH${String(i).padStart(6, '0')}`);
    o.log(`county: ${o.stations} stations, ${o.rate} scans/s each, ${o.minutes} min + ${o.minutes} min partition of one; rolls of ${perStation} own + ${shared.length} shared ballots`);
    for (let i = 0; i < o.stations; i += 1) {
      const id = `s${String(i).padStart(2, '0')}`;
      const { password } = await addStation(admin, id, null);
      const db = path.join(dir, `${id}.db`);
      const own = Array.from({ length: perStation }, (_, k) => `${id.toUpperCase()}-${String(k).padStart(7, '0')}`);
      // Station 0 reaches the hub through a proxy, the link the partition cuts.
      const proxy = i === 0 ? await startProxy({ host: '127.0.0.1', port: hub.port }) : null;
      const store = Store.open(db);
      seedRoll(store, [...own, ...shared].map((b, k) => rollRow({ ballotId: b, voterId: `V-${b}-${k}`, electionId: 'E2026' })));
      const at = new Date().toISOString();
      store.config.set('election', 'E2026', 'bench', at);
      store.config.set('batchSize', 100_000, 'bench', at);
      store.config.set('hub', `postgres://localhost:${proxy?.port ?? hub.port}/${hub.database}`, 'bench', at);
      store.config.set('hub.station', id, 'bench', at);
      store.config.set('hub.ca', hub.caFile, 'bench', at);
      store.close();
      const worker = new Worker(new URL('./county-worker.mjs', import.meta.url), {
        workerData: { db, name: id.toUpperCase(), own, shared, ratePerSecond: o.rate, sharedFraction: 0.02, env: { INTAKE_HUB_PASSWORD: password, INTAKE_HUB_TIMEOUT_MS: '5000' } },
      });
      const failures = new Set<(e: unknown) => void>();
      worker.on('error', (e) => {
        for (const f of failures) f(e);
      });
      const ask = <T>(m: string, type: string) =>
        new Promise<T>((resolve, reject) => {
          const on = (msg: { type: string }) => {
            if (msg.type !== type) return;
            worker.off('message', on);
            resolve(msg as T);
          };
          worker.on('message', on);
          failures.add(reject);
          worker.postMessage(m);
        });
      runs.push({ id, worker, proxy, ask });
    }
    await admin.end();

    // Phase 1: everyone connected.
    o.log(`county: phase 1, ${o.minutes} min`);
    await sleep(o.minutes * 60_000);
    type Collected = { scanMs: number[]; lagMs: number[] };
    const phase1 = await Promise.all(runs.map((r) => r.ask<Collected>('collect', 'collected')));

    // Phase 2: station 0 cut off (every connection reset, new ones refused) while all scan on.
    const cut = runs[0];
    if (!cut?.proxy) throw new Error('station 0 has no proxy');
    cut.proxy.setMode('reset');
    const before = await cut.ask<{ head: number; pushedThrough: number }>('status', 'status');
    o.log(`county: phase 2, station ${cut.id} cut off for ${o.minutes} min`);
    await sleep(o.minutes * 60_000);
    const atHeal = await cut.ask<{ head: number; pushedThrough: number }>('status', 'status');
    const healed = performance.now();
    cut.proxy.setMode('pass');
    let caughtUp = NaN;
    let firstAck = NaN;
    for (;;) {
      const s = await cut.ask<{ head: number; pushedThrough: number }>('status', 'status');
      if (Number.isNaN(firstAck) && s.pushedThrough > atHeal.pushedThrough) firstAck = performance.now() - healed;
      if (s.pushedThrough >= atHeal.head) {
        caughtUp = performance.now() - healed;
        break;
      }
      if (performance.now() - healed > 120_000) break;
      await sleep(20);
    }
    o.log(`county: station ${cut.id} caught up ${atHeal.head - before.pushedThrough} entries in ${Math.round(caughtUp)} ms`);
    const phase2 = await Promise.all(runs.map((r) => r.ask<Collected>('collect', 'collected')));
    type Done = { scanMs: number[]; lagMs: number[]; verdicts: Record<string, number>; audit: { n: number; max: number }; scans: number; countyReceipts: number; conflicts: number };
    await Promise.all(runs.map((r) => r.ask('pause-scans', 'paused')));
    const done = await Promise.all(runs.map((r) => r.ask<Done>('stop', 'done')));

    // Lost / doubled: the hub's copy of each station's log against the station's own.
    const su = await hub.superuser();
    const held = await su.query<{ station_id: string; n: string; d: string; max: string }>(
      'SELECT station_id, count(*) AS n, count(DISTINCT local_seq) AS d, max(local_seq) AS max FROM intake.entries GROUP BY station_id',
    );
    const byStation = new Map(held.rows.map((r) => [r.station_id, r]));
    let lost = 0;
    let doubled = 0;
    runs.forEach((r, i) => {
      const mine = done[i]?.audit ?? { n: 0, max: 0 };
      const h = byStation.get(r.id);
      lost += Math.max(0, mine.n - Number(h?.d ?? 0));
      doubled += Number(h?.n ?? 0) - Number(h?.d ?? 0);
    });
    const conflictsAtHub = Number((await su.query<{ n: string }>('SELECT count(*) AS n FROM intake.conflicts')).rows[0]?.n ?? 0);

    // Floors: bare INSERTs of the same rows into the same PostgreSQL (no checks, no functions).
    await su.query(`CREATE TABLE floor_entries (LIKE intake.entries INCLUDING DEFAULTS)`);
    await su.query('ALTER TABLE floor_entries ADD UNIQUE (station_id, local_seq)');
    const taken = (await su.query<Record<string, unknown>>('SELECT station_id, local_seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM intake.entries ORDER BY hub_seq LIMIT 8000')).rows;
    // The same rows (repeated under new seqs when the run was short): 2,000 one by one, 6,000 in pushes of 500.
    const sample = Array.from({ length: 8000 }, (_, k) => ({ ...taken[k % taken.length], local_seq: 1_000_000_000 + k }));
    const cols = ['station_id', 'local_seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash'];
    const insert = async (rows: Record<string, unknown>[]) => {
      const values = rows.map((_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(',')})`).join(',');
      await su.query(`INSERT INTO floor_entries (${cols.join(',')}) VALUES ${values}`, rows.flatMap((row) => cols.map((c) => row[c])));
    };
    const single: number[] = [];
    for (const row of sample.slice(0, 2000)) {
      const t0 = performance.now();
      await insert([row]);
      single.push(performance.now() - t0);
    }
    const bulk = sample.slice(2000, 8000);
    const t0 = performance.now();
    for (let k = 0; k < bulk.length; k += 500) await insert(bulk.slice(k, k + 500));
    const bulkMs = performance.now() - t0;
    await su.end();
    // Floor of a scan: the same row into a bare SQLite table with the station's settings.
    const floorDb = new Database(path.join(dir, 'floor.db'));
    floorDb.pragma('journal_mode = WAL');
    floorDb.pragma('synchronous = FULL');
    floorDb.exec('CREATE TABLE scans (seq INTEGER PRIMARY KEY, scanned_at TEXT, station TEXT, operator TEXT, raw TEXT, ballot_id TEXT, verdict TEXT, reason TEXT)');
    const ins = floorDb.prepare('INSERT INTO scans (scanned_at, station, operator, raw, ballot_id, verdict, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const floorScan: number[] = [];
    for (let k = 0; k < 2000; k += 1) {
      const a = performance.now();
      floorDb.transaction(() => ins.run(new Date().toISOString(), 'S00', 'bench', `B${k}`, `B${k}`, 'ACCEPTED', 'issued, current, first receipt, in time')).immediate();
      floorScan.push(performance.now() - a);
      if (k % 10 === 0) await sleep(0);
    }
    floorDb.close();

    const verdicts: Record<string, number> = {};
    for (const d of done) for (const [k, v] of Object.entries(d.verdicts)) verdicts[k] = (verdicts[k] ?? 0) + v;
    const scanAll = [...phase1, ...phase2, ...done].flatMap((p) => p.scanMs);
    const lag1 = phase1.flatMap((p) => p.lagMs);
    const lag2Others = phase2.slice(1).flatMap((p) => p.lagMs);
    return {
      stations: o.stations,
      ratePerStation: o.rate,
      minutes: o.minutes,
      scans: done.reduce((n, d) => n + d.scans, 0),
      verdicts,
      scanToDurableVerdict: summary(scanAll),
      scanFloorBareSqliteInsert: summary(floorScan),
      replicationLag: summary(lag1),
      replicationLagOthersDuringPartition: summary(lag2Others),
      lagFloorBareInsertOneRow: summary(single),
      lost,
      doubled,
      conflictsAtHub,
      partition: {
        station: cut.id,
        entriesWaiting: atHeal.head - atHeal.pushedThrough,
        firstAcknowledgedMs: Math.round(firstAck),
        catchUpMs: Math.round(caughtUp),
      },
      catchUpFloorBareInsert6000RowsMs: Math.round(bulkMs),
      cpus: os.cpus().length,
    };
  } finally {
    for (const r of runs) {
      await r.worker.terminate();
      await r.proxy?.close();
    }
    await hub.stop();
  }
}
