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
import type pg from 'pg';
import { addStation, initHub } from '../main/hub/admin.js';
import { hubLinkNice } from '../main/county/hub-link.js';
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

/** The p-th percentile of numbers already in ascending order. */
function pct(ascending: number[], p: number): number {
  return ascending[Math.min(ascending.length - 1, Math.floor((p / 100) * ascending.length))] ?? NaN;
}
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
function summary(xs: number[]): Figure {
  const s = sorted(xs);
  return { n: s.length, p50ms: round3(pct(s, 50)), p99ms: round3(pct(s, 99)), p999ms: round3(pct(s, 99.9)), maxms: round3(s.at(-1) ?? NaN) };
}
/** The middle 95% of the p99 of 2,000 random samples of n (with replacement) from xs. */
function bootstrapP99(xs: number[], n: number): { low: number; high: number } {
  const p99s: number[] = [];
  for (let b = 0; b < 2000 && xs.length > 0; b += 1) {
    p99s.push(pct(sorted(Array.from({ length: n }, () => xs[Math.floor(Math.random() * xs.length)] ?? NaN)), 99));
  }
  const s = sorted(p99s);
  return { low: round3(pct(s, 2.5)), high: round3(pct(s, 97.5)) };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StationRun {
  id: string;
  worker: Worker;
  proxy: TcpProxy | null;
  ask<T>(m: string, type: string): Promise<T>;
  /** The station's replicator has reached the hub. */
  ready: Promise<void>;
}

/** INTAKE_HUB_THREAD and INTAKE_HUB_NICE, passed on to every station (to compare the link's placements). */
const linkEnv: Record<string, string> = Object.fromEntries(['INTAKE_HUB_THREAD', 'INTAKE_HUB_NICE'].flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k] ?? '']] : [])));

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
      const { worker, ask, ready } = stationWorker({ db, name: id.toUpperCase(), own, shared, ratePerSecond: o.rate, sharedFraction: 0.02, env: { INTAKE_HUB_PASSWORD: password, INTAKE_HUB_TIMEOUT_MS: '5000', ...linkEnv } });
      runs.push({ id, worker, proxy, ask, ready });
    }
    await admin.end();
    // The control: one more station with the same code, roll and pace on the same machine, but on
    // its own (no hub): the single-station scan time under this very load, beside the county's.
    const controlDb = path.join(dir, 'control.db');
    const controlOwn = Array.from({ length: perStation }, (_, k) => `CTL-${String(k).padStart(7, '0')}`);
    {
      const store = Store.open(controlDb);
      seedRoll(store, [...controlOwn, ...shared].map((b, k) => rollRow({ ballotId: b, voterId: `V-${b}-${k}`, electionId: 'E2026' })));
      const at = new Date().toISOString();
      store.config.set('election', 'E2026', 'bench', at);
      store.config.set('batchSize', 100_000, 'bench', at);
      store.close();
    }
    const control = stationWorker({ db: controlDb, name: 'CONTROL', own: controlOwn, shared, ratePerSecond: o.rate, sharedFraction: 0.02, env: {}, noHub: true });
    await Promise.all([...runs.map((r) => r.ready), control.ready]);
    await Promise.all([...runs, control].map((r) => r.ask('go', 'going')));
    const startedAt = performance.now();

    // Phase 1: everyone connected. The floors run beside it, at one station's pace, under the same
    // load (the same disk, CPUs and PostgreSQL): a bare SQLite commit of a scan row, and a bare
    // one-row INSERT of an entry into a plain table of the same PostgreSQL.
    o.log(`county: phase 1, ${o.minutes} min`);
    const floors = await startFloors(dir, await hub.superuser());
    const watch = watchSlowHubCalls(await hub.superuser(), o.log);
    await sleep(o.minutes * 60_000);
    const floorFigures = await floors.stop();
    type Collected = { scanMs: number[]; lagMs: number[]; scanCpuMs: number[]; scanWaitMs: number[]; threadCpuMs: number; threadWaitMs: number };
    const phase1 = await Promise.all(runs.map((r) => r.ask<Collected>('collect', 'collected')));
    const controlScans = await control.ask<Collected>('collect', 'collected');
    const phase1Seconds = (performance.now() - startedAt) / 1000;
    await control.ask('pause-scans', 'paused');
    await control.ask('stop', 'done');
    await control.worker.terminate();

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
    const slowHubCalls = await watch.stop();
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

    // Catch-up floor: 6,000 entries as bare INSERTs in pushes of 500 into the plain table.
    const taken = (await su.query<Record<string, unknown>>('SELECT station_id, local_seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM intake.entries ORDER BY hub_seq LIMIT 6000')).rows;
    const bulk = Array.from({ length: 6000 }, (_, k) => ({ ...taken[k % taken.length], station_id: 'floor-bulk', local_seq: k + 1 }));
    const t0 = performance.now();
    for (let k = 0; k < bulk.length; k += 500) await insertRows(su, bulk.slice(k, k + 500));
    const bulkMs = performance.now() - t0;
    await su.end();

    const verdicts: Record<string, number> = {};
    for (const d of done) for (const [k, v] of Object.entries(d.verdicts)) verdicts[k] = (verdicts[k] ?? 0) + v;
    const scanAll = [...phase1, ...phase2, ...done].flatMap((p) => p.scanMs);
    const lag1 = phase1.flatMap((p) => p.lagMs);
    // County against control over the same minutes (phase 1, every station connected). The control
    // is one station, so its p99 rests on ~1% of its own scans: set it beside each county
    // station's own p99 (the same number of scans each) and beside the p99 of random county
    // samples of the control's size. Inside those spreads, the county scan is not told apart.
    const scan1 = phase1.flatMap((p) => p.scanMs);
    const perStationP99 = sorted(phase1.map((p) => pct(sorted(p.scanMs), 99)));
    const controlP99 = pct(sorted(controlScans.scanMs), 99);
    const median = (xs: number[]) => pct(sorted(xs), 50);
    const lag2Others = phase2.slice(1).flatMap((p) => p.lagMs);
    return {
      stations: o.stations,
      ratePerStation: o.rate,
      minutes: o.minutes,
      scans: done.reduce((n, d) => n + d.scans, 0),
      verdicts,
      scanToDurableVerdict: summary(scanAll),
      scanPhase1: summary(scan1),
      scanSingleStationSameLoad: summary(controlScans.scanMs),
      scanControlAgainstCounty: {
        controlP99ms: round3(controlP99),
        countyStationsP99ms: { min: round3(perStationP99[0] ?? NaN), median: round3(pct(perStationP99, 50)), max: round3(perStationP99.at(-1) ?? NaN) },
        countyStationsAboveControl: perStationP99.filter((x) => x > controlP99).length,
        countyP99OfControlSizedSamples95: bootstrapP99(scan1, controlScans.scanMs.length),
      },
      // Where the scan's time went (phase 1, /proc/thread-self/schedstat around each scan): on a
      // CPU, waiting for one in the run queue; the rest of the wall time is blocked (the fsync).
      scanParts: {
        county: { cpu: summary(phase1.flatMap((p) => p.scanCpuMs)), runQueueWait: summary(phase1.flatMap((p) => p.scanWaitMs)) },
        control: { cpu: summary(controlScans.scanCpuMs), runQueueWait: summary(controlScans.scanWaitMs) },
      },
      // Each station thread's CPU and run-queue time over phase 1, per second of it.
      threadPerSecond: {
        countyCpuMs: round3(median(phase1.map((p) => p.threadCpuMs / phase1Seconds))),
        countyRunQueueWaitMs: round3(median(phase1.map((p) => p.threadWaitMs / phase1Seconds))),
        controlCpuMs: round3(controlScans.threadCpuMs / phase1Seconds),
        controlRunQueueWaitMs: round3(controlScans.threadWaitMs / phase1Seconds),
      },
      scanFloorBareSqliteInsert: summary(floorFigures.scan),
      replicationLag: summary(lag1),
      replicationLagOthersDuringPartition: summary(lag2Others),
      lagFloorBareInsertOneRow: summary(floorFigures.insert),
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
      // Station calls the hub was still running after 2 s, sampled twice a second (the first 40).
      slowHubCalls,
      cpus: os.cpus().length,
      // The hub connection's thread (main/county/hub-link.ts): its own at this nice value, or the station's.
      hubLink: linkEnv['INTAKE_HUB_THREAD'] === '0' ? 'on the station thread' : `own thread, nice +${hubLinkNice(linkEnv)}`,
    };
  } finally {
    for (const r of runs) {
      await r.worker.terminate();
      await r.proxy?.close();
    }
    await hub.stop();
  }
}

type Ask = <T>(m: string, type: string) => Promise<T>;

/** A benchmark station on a worker thread (county-worker.mjs), and how to talk to it. */
function stationWorker(data: Record<string, unknown>): { worker: Worker; ask: Ask; ready: Promise<void> } {
  const worker = new Worker(new URL('./county-worker.mjs', import.meta.url), { workerData: data });
  const failures = new Set<(e: unknown) => void>();
  worker.on('error', (e) => {
    for (const f of failures) f(e);
  });
  const ask: Ask = <T>(m: string, type: string) =>
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
  const ready = new Promise<void>((resolve) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== 'ready') return;
      worker.off('message', on);
      resolve();
    };
    worker.on('message', on);
  });
  return { worker, ask, ready };
}

const COLS = ['station_id', 'local_seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash'];

async function insertRows(su: pg.Client, rows: Record<string, unknown>[]): Promise<void> {
  const values = rows.map((_, r) => `(${COLS.map((_, c) => `$${r * COLS.length + c + 1}`).join(',')})`).join(',');
  await su.query(`INSERT INTO floor_entries (${COLS.join(',')}) VALUES ${values}`, rows.flatMap((row) => COLS.map((c) => row[c])));
}

/** The floors measured beside phase 1, 10 a second each, until stopped. */
/**
 * Samples the hub's pg_stat_activity twice a second for station calls running over 2 s: what each
 * waits on and who blocks it (a stall every station waits on shows here, and in the log).
 */
function watchSlowHubCalls(su: pg.Client, log: (m: string) => void): { stop: () => Promise<{ total: number; first: unknown[] }> } {
  let stopped = false;
  let total = 0;
  const first: unknown[] = [];
  const loop = (async () => {
    while (!stopped) {
      const r = await su.query<Record<string, unknown>>(
        `SELECT now() AS at, pid, usename, wait_event_type, wait_event, round(extract(epoch FROM now() - query_start)::numeric, 1) AS seconds,
           pg_blocking_pids(pid) AS blocked_by, left(query, 60) AS query
         FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND usename LIKE 'station\\_%' AND now() - query_start > interval '2 seconds'`,
      ).catch(() => {
        // The hub is gone (the run failed and stopped it): stop sampling, or this loop would outlive the run.
        stopped = true;
        return { rows: [] as Record<string, unknown>[] };
      });
      total += r.rows.length;
      for (const row of r.rows) {
        if (first.length >= 40) break;
        first.push(row);
        if (first.length <= 5) log(`county: slow hub call ${JSON.stringify(row)}`);
      }
      await sleep(500);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await su.end();
      return { total, first };
    },
  };
}

async function startFloors(dir: string, su: pg.Client): Promise<{ stop: () => Promise<{ scan: number[]; insert: number[] }> }> {
  await su.query('CREATE TABLE floor_entries (LIKE intake.entries INCLUDING DEFAULTS)');
  await su.query('ALTER TABLE floor_entries ADD UNIQUE (station_id, local_seq)');
  const db = new Database(path.join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE scans (seq INTEGER PRIMARY KEY, scanned_at TEXT, station TEXT, operator TEXT, raw TEXT, ballot_id TEXT, verdict TEXT, reason TEXT)');
  const ins = db.prepare('INSERT INTO scans (scanned_at, station, operator, raw, ballot_id, verdict, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const scan: number[] = [];
  const insert: number[] = [];
  let k = 0;
  let busy = false;
  const timer = setInterval(() => {
    k += 1;
    const at = new Date().toISOString();
    const a = performance.now();
    db.transaction(() => ins.run(at, 'FLOOR', 'bench', `B${k}`, `B${k}`, 'ACCEPTED', 'issued, current, first receipt, in time')).immediate();
    scan.push(performance.now() - a);
    if (busy) return; // one INSERT in flight at a time, as one station pushes
    busy = true;
    const row = { station_id: 'floor', local_seq: k, at, actor: 'bench', action: 'scan.record', entity: 'scan', entity_id: String(k), before: null, after: JSON.stringify({ ballotId: `B${k}`, verdict: 'ACCEPTED' }), prev_hash: '0'.repeat(64), hash: '0'.repeat(64) };
    const b = performance.now();
    void insertRows(su, [row]).then(() => {
      insert.push(performance.now() - b);
      busy = false;
    });
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      while (busy) await sleep(10);
      db.close();
      await su.end();
      return { scan, insert };
    },
  };
}
