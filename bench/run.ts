// The benchmark suite (issue 6): each figure beside the floor of the same work, measured in the
// same run on this machine, written to bench/results/<date>.json. BENCHMARKS.md explains them.
//
//   npm run bench                                   # everything, on a 10,000,000-row roll
//   npm run bench -- --ballots 1000000 --only import,scan
//   options: --ballots N (≥ 200,000; default 10,000,000) · --only a,b (import, scan, memory, serial,
//   sync, review, start) · --scans N (default 100,000) · --reuse (keep the rolls imported before)
//
// Benchmarks never run inside `npm test`; nothing here is a pass/fail test.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { Auth } from '../main/auth/auth.js';
import { Intake } from '../main/intake/intake.js';
import { ScannerHub } from '../main/scanners/hub.js';
import { MemoryScannerSource } from '../main/scanners/memory.js';
import { Store } from '../main/store/store.js';
import { SyncSender } from '../main/sync/sender.js';
import { startPtyCable, waitFor } from '../test/scanners/pty.js';
import { startStateServer } from '../test/state-server/server.js';
import { benchImages } from './images.js';
import { benchMail } from './mail.js';
import { benchCounty } from './county.js';
import { benchMailAttention } from './mail-attention.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'bin', 'intake.js');
const DATA = path.join(ROOT, 'bench', 'data');
const WORK = path.join(os.tmpdir(), 'intake-bench');

const { values } = parseArgs({
  options: {
    ballots: { type: 'string', default: '10000000' },
    only: { type: 'string' },
    scans: { type: 'string', default: '100000' },
    // Keep the rolls an earlier run imported into $TMPDIR/intake-bench (otherwise each run imports
    // them afresh with the code under test).
    reuse: { type: 'boolean', default: false },
    // county: how long each phase runs, how many stations, scans per second each (bench/county.ts)
    minutes: { type: 'string', default: '10' },
    stations: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
  },
});
const BALLOTS = Number(values.ballots);
const SCANS = Number(values.scans);
const ALL = ['import', 'scan', 'memory', 'serial', 'sync', 'review', 'start', 'images', 'signatures', 'mail', 'county', 'mail-attention'];
const only = new Set(values.only?.split(',') ?? ALL);
for (const name of only)
  if (!ALL.includes(name)) {
    process.stderr.write(`unknown benchmark ${name}: pick from ${ALL.join(',')}\n`);
    process.exit(2);
  }
if (!Number.isInteger(BALLOTS) || BALLOTS < 200_000 || !Number.isInteger(SCANS) || SCANS < 1000) {
  process.stderr.write('--ballots must be a whole number ≥ 200000 and --scans ≥ 1000\n');
  process.exit(2);
}

/** The smaller roll the serial, sync, review and memory benchmarks start from (copied, untouched). */
const SMALL = Math.min(1_000_000, BALLOTS);

type Figure = Record<string, unknown>;
const results: Record<string, Figure> = {};
const log = (s: string) => process.stderr.write(`${s}\n`);
const ms = (ns: bigint) => Number(ns) / 1e6;
const ballotId = (i: number) => `B${String(i).padStart(10, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
function summary(lat: number[]): Figure {
  const s = [...lat].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50ms: r(percentile(s, 50)), p99ms: r(percentile(s, 99)), p999ms: r(percentile(s, 99.9)), maxms: r(s.at(-1) ?? NaN) };
}
/** How many latencies fall below each bound (ms), the last bucket open-ended. */
function histogram(lat: number[]): Record<string, number> {
  const bounds = [0.25, 0.5, 1, 2, 5, 10, 20, 50];
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const x of lat) {
    const i = bounds.findIndex((b) => x < b);
    const k = i < 0 ? bounds.length : i;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const out: Record<string, number> = {};
  bounds.forEach((b, i) => (out[`<${b}ms`] = counts[i] ?? 0));
  out[`>=${bounds.at(-1)}ms`] = counts[bounds.length] ?? 0;
  return out;
}
/** Runs fn over 0..n-1 in transactions of `per` (seeding data through the Store, not timed). */
function inTransactions(store: Store, per: number, done: () => boolean, fn: (i: number) => void): void {
  let i = 0;
  while (!done())
    store.write(() => {
      for (const end = i + per; i < end && !done(); i++) fn(i);
    });
}
/** Wall time and peak RSS (GNU time) of a command. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; peakRssMB: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const seconds = ms(process.hrtime.bigint() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds: Math.round(seconds * 10) / 10, peakRssMB: Math.round(kb / 1024), stdout: r.stdout };
}
function rm(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

function rollFile(n: number): string {
  const file = path.join(DATA, `roll-${n}.csv`);
  if (!fs.existsSync(file)) {
    log(`generating ${n.toLocaleString()} ballots…`);
    fs.mkdirSync(DATA, { recursive: true });
    execFileSync('npx', ['tsx', path.join(ROOT, 'bench', 'gen.ts'), '--ballots', String(n), '--format', 'station', '--seed', '1', '--out', file], { stdio: 'inherit' });
  }
  return file;
}

/**
 * The imported roll (imported once per run, by the import benchmark or here). It stays untouched:
 * every benchmark that writes works on a copy.
 */
function rollDb(n: number): string {
  const db = path.join(WORK, `roll-${n}.db`);
  if (!fs.existsSync(db)) {
    log(`importing ${n.toLocaleString()} ballots…`);
    execFileSync(process.execPath, [BIN, 'roll', 'import', rollFile(n), '--format', 'station', '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return db;
}
/** A fresh copy of the imported roll of n ballots (with its WAL, should one be left). */
function copyOfRoll(n: number, name: string): string {
  const from = rollDb(n);
  const to = path.join(WORK, name);
  rm(to);
  fs.copyFileSync(from, to);
  if (fs.existsSync(`${from}-wal`)) fs.copyFileSync(`${from}-wal`, `${to}-wal`);
  return to;
}
/** The big roll as a station has it: one copy per run (the scan benchmark makes it afresh), which the memory and start benchmarks share. */
function stationDb(): string {
  const db = path.join(WORK, `station-${BALLOTS}.db`);
  return fs.existsSync(db) ? db : copyOfRoll(BALLOTS, `station-${BALLOTS}.db`);
}

// 1. Roll import vs `sqlite3 .import` of the same file into a bare table.
function benchImport(): void {
  const file = rollFile(BALLOTS);
  const db = path.join(WORK, `roll-${BALLOTS}.db`);
  rm(db);
  rm(path.join(WORK, `station-${BALLOTS}.db`)); // the station's copy follows the new import
  // Each timed run starts with the disk's write-back done: gigabytes deleted or written just
  // before (the last run's databases) would otherwise be flushed during it.
  spawnSync('sync');
  log('import: intake roll import…');
  const ours = timed(process.execPath, [BIN, 'roll', 'import', file, '--format', 'station', '--db', db]);
  const floorDb = path.join(WORK, 'floor-import.db');
  rm(floorDb);
  spawnSync('sync');
  log('import: sqlite3 .import…');
  const floor = timed('sqlite3', [floorDb, '-cmd', '.mode csv', `.import ${file} roll`]);
  rm(floorDb);
  results['import'] = {
    rows: BALLOTS,
    file: path.basename(file),
    fileMB: Math.round(fs.statSync(file).size / 1e6),
    seconds: ours.seconds,
    peakRssMB: ours.peakRssMB,
    summary: JSON.parse(ours.stdout) as unknown,
    target: { seconds: 60 * (BALLOTS / 10_000_000), peakRssMB: 500 },
    floor: { what: 'sqlite3 CLI: .mode csv, .import into a bare table (no validation, no indexes)', seconds: floor.seconds, peakRssMB: floor.peakRssMB },
  };
  log(`import: ${ours.seconds} s, ${ours.peakRssMB} MB; floor ${floor.seconds} s`);
}

// 2. Scan → durable verdict, in process, on the big roll; beside a bare SELECT + INSERT.
function scanMix(n: number, rollSize: number, seed: number): string[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const codes: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.05 && codes.length > 0) codes.push(codes[Math.floor(rnd() * codes.length)] ?? ballotId(1)); // a duplicate
    else if (r < 0.08) codes.push(`X${Math.floor(rnd() * 1e9)}`); // not in the roll
    else codes.push(ballotId(1 + Math.floor(rnd() * rollSize)));
  }
  return codes;
}

/**
 * Runs every code through a scanner hub into `one`, timing each from hand-over to return. The
 * scanner has a backlog: it keeps a few codes queued (one more for each handled), so the hub
 * always has a next scan and gives the event loop its turn between two, as for every station.
 */
async function throughHub(codes: string[], one: (raw: string) => void): Promise<number[]> {
  const lat: number[] = [];
  const source = new MemoryScannerSource('bench');
  let next = 0;
  const more = () => {
    const text = codes[next++];
    if (text !== undefined) source.scan(text);
  };
  const hub = new ScannerHub({
    onScan: (scan) => {
      const t = process.hrtime.bigint();
      one(scan.text);
      lat.push(ms(process.hrtime.bigint() - t));
      more();
    },
  });
  hub.add(source);
  for (let i = 0; i < 16; i++) more();
  await hub.drain();
  await hub.stop();
  if (lat.length !== codes.length) throw new Error(`the hub handled ${lat.length} of ${codes.length} scans`);
  return lat;
}

/** The same codes in one synchronous loop, no turn of the event loop between them. */
function backToBack(codes: string[], one: (raw: string) => void): number[] {
  const lat: number[] = [];
  for (const raw of codes) {
    const t = process.hrtime.bigint();
    one(raw);
    lat.push(ms(process.hrtime.bigint() - t));
  }
  return lat;
}

/** The floor of one scan: the same lookup and one bare INSERT, autocommit, same pragmas, same file. */
function bareScans(db: string): { one: (raw: string) => void; close: () => void } {
  const bare = new Database(db);
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.pragma('cache_size = -65536');
  bare.exec('CREATE TABLE IF NOT EXISTS bench_floor (seq INTEGER PRIMARY KEY, ballot_id TEXT, at TEXT, verdict TEXT)');
  const select = bare.prepare('SELECT id, voter_id, status FROM ballots WHERE ballot_id = ?');
  const insert = bare.prepare('INSERT INTO bench_floor (ballot_id, at, verdict) VALUES (?, ?, ?)');
  return {
    one: (raw) => {
      const row = select.get(raw);
      insert.run(raw, new Date().toISOString(), row ? 'FOUND' : 'UNKNOWN');
    },
    close: () => {
      bare.exec('DROP TABLE bench_floor');
      bare.close();
    },
  };
}

async function benchScan(): Promise<void> {
  // Always a fresh copy of the roll: scanning into a station that has taken these codes before
  // (a second run with --reuse) would time second scans (DUPLICATE), not receipts.
  const db = copyOfRoll(BALLOTS, `station-${BALLOTS}.db`);
  const store = Store.open(db);
  store.checkpointInBackground(); // as the app, `intake serve` and `intake scan` do
  const intake = new Intake(store, 'BENCH-1');
  const codes = scanMix(SCANS, BALLOTS, 7);
  const backlogCodes = scanMix(SCANS, BALLOTS, 8);
  for (const c of scanMix(500, BALLOTS, 99)) intake.scan({ raw: c, operator: 'warmup' });
  const verdicts: Record<string, number> = {};

  log(`scan: ${SCANS.toLocaleString()} scans through a scanner hub into intake…`);
  const t0 = process.hrtime.bigint();
  const lat = await throughHub(codes, (raw) => {
    const o = intake.scan({ raw, operator: 'bench', scanner: 'bench' });
    verdicts[o.verdict] = (verdicts[o.verdict] ?? 0) + 1;
  });
  const seconds = ms(process.hrtime.bigint() - t0) / 1000;
  log(`scan: ${SCANS.toLocaleString()} more, back to back in one loop…`);
  const t1 = process.hrtime.bigint();
  const backlog = backToBack(backlogCodes, (raw) => intake.scan({ raw, operator: 'bench-backlog' }));
  const backlogSeconds = ms(process.hrtime.bigint() - t1) / 1000;
  store.close();

  const floor = bareScans(db);
  const floorHub = await throughHub(codes, floor.one);
  const floorBacklog = backToBack(backlogCodes, floor.one);
  floor.close();
  results['scan'] = {
    roll: BALLOTS,
    scans: SCANS,
    what: 'each scan timed from the scanner hub handing it over to its durable verdict; the hub gives the event loop a turn between two scans, as in the app',
    verdicts,
    scansPerSecond: Math.round(SCANS / seconds),
    latency: summary(lat),
    histogram: histogram(lat),
    target: { p99ms: 2, p999ms: 5 },
    floor: { what: 'bare prepared SELECT by ballot_id + INSERT, autocommit, WAL, synchronous=FULL, same file, same codes, through a hub the same way', latency: summary(floorHub), histogram: histogram(floorHub) },
    backToBack: {
      what: 'as many other codes in one synchronous loop, no turn of the event loop between scans (no scanner feeds the station so): V8 collects garbage inside scans',
      scansPerSecond: Math.round(SCANS / backlogSeconds),
      latency: summary(backlog),
      histogram: histogram(backlog),
      floor: { latency: summary(floorBacklog), histogram: histogram(floorBacklog) },
    },
  };
  log(`scan: through the hub ${JSON.stringify(summary(lat))} floor ${JSON.stringify(summary(floorHub))}`);
  log(`scan: back to back ${JSON.stringify(summary(backlog))} floor ${JSON.stringify(summary(floorBacklog))}`);
}

// 3. Memory: RSS of a process scanning 20,000 envelopes on a 1M roll and on the big roll.
function benchMemory(): void {
  // A 1M roll beside the big one; on a quick run, a roll a tenth of its size.
  const sizes = [BALLOTS > 1_000_000 ? 1_000_000 : Math.round(BALLOTS / 10), BALLOTS];
  const out: Figure = {};
  for (const n of sizes) {
    // The big roll is the one the scan benchmark scanned into; the small one a copy of its own.
    const db = n === BALLOTS ? stationDb() : copyOfRoll(n, 'memory.db');
    const script = `
      import fs from 'node:fs';
      import { Store } from '${ROOT}/dist/main/store/store.js';
      import { Intake } from '${ROOT}/dist/main/intake/intake.js';
      const store = Store.open(${JSON.stringify(db)});
      const intake = new Intake(store, 'MEM');
      for (let i = 0; i < 20000; i++) intake.scan({ raw: 'B' + String(1 + Math.floor(Math.random() * ${n})).padStart(10, '0'), operator: 'mem' });
      global.gc?.();
      const peakKB = Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
      console.log(JSON.stringify({ rssMB: Math.round(process.memoryUsage().rss / 1048576), peakRssMB: Math.round(peakKB / 1024), heapMB: Math.round(process.memoryUsage().heapUsed / 1048576) }));
      store.close();`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    out[`roll${n}`] = JSON.parse(r.stdout.trim()) as unknown;
    if (n !== BALLOTS) rm(db);
  }
  results['memory'] = { ...out, pageCacheMB: 64, note: 'RSS after 20,000 random scans and the peak (VmHWM); the SQLite page cache is configured at 64 MiB' };
  log(`memory: ${JSON.stringify(out)}`);
}

// 4. Sustained scans through two serial scanners on real ptys.
async function benchSerial(): Promise<void> {
  const db = copyOfRoll(SMALL, 'serial.db');
  const a = await startPtyCable();
  const b = await startPtyCable();
  const perPort = Math.max(1000, Math.floor(SCANS / 4));
  const child = spawn(process.execPath, [BIN, 'scan', '--serial', a.stationPath, '--serial', b.stationPath, '--station', 'BENCH', '--operator', 'bench', '--db', db], { stdio: ['pipe', 'pipe', 'pipe'] });
  let lines = 0;
  let first = 0n;
  let last = 0n;
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      buf = buf.slice(i + 1);
      lines += 1;
      if (first === 0n) first = process.hrtime.bigint();
      last = process.hrtime.bigint();
    }
  });
  await new Promise((r) => setTimeout(r, 2000)); // both ports open
  log(`serial: ${(2 * perPort).toLocaleString()} codes through two ptys…`);
  const payload = (offset: number) => Array.from({ length: perPort }, (_, k) => `${ballotId(offset + k)}\r`).join('');
  const t0 = process.hrtime.bigint();
  await Promise.all([a.write(payload(1)), b.write(payload(Math.floor(SMALL / 2) + 1))]);
  await waitFor(() => lines >= 2 * perPort, `${2 * perPort} verdicts (have ${lines})`, 600_000).catch((e: Error) => log(e.message));
  const seconds = ms(last - t0) / 1000;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await a.close();
  await b.close();
  // Every code written must come back as exactly one record: a code split in two (a fault and a
  // fragment) counts as lost, even though the record count then exceeds the codes written.
  const { recorded, verdicts, whole } = (() => {
    const d = new Database(db, { readonly: true });
    try {
      const rows = d.prepare("SELECT verdict, count(*) AS n FROM scans WHERE station = 'BENCH' GROUP BY verdict").all() as { verdict: string; n: number }[];
      const wholeCodes = d.prepare("SELECT count(DISTINCT raw) AS n FROM scans WHERE station = 'BENCH' AND raw GLOB 'B[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'").get() as { n: number };
      return { recorded: rows.reduce((t, r) => t + r.n, 0), verdicts: Object.fromEntries(rows.map((r) => [r.verdict, r.n])), whole: wholeCodes.n };
    } finally {
      d.close();
    }
  })();
  rm(db);
  results['serial'] = { codes: 2 * perPort, verdictsPrinted: lines, recorded, wholeCodesRecorded: whole, lost: 2 * perPort - whole, verdicts, seconds: Math.round(seconds * 100) / 100, scansPerSecond: Math.round(lines / seconds), target: { scansPerSecond: 1000 } };
  log(`serial: ${JSON.stringify(results['serial'])}`);
}

// 5. Sync of 100,000 receipts to the loopback state server, beside a bare POST loop of the same bytes.
async function benchSync(): Promise<void> {
  const n = 100_000;
  const db = copyOfRoll(SMALL, 'sync.db');
  const store = Store.open(db);
  store.config.set('batchSize', 1000, 'bench', new Date().toISOString());
  store.config.set('election', 'E2026', 'bench', new Date().toISOString());
  const intake = new Intake(store, 'SYNC-1');
  log('sync: recording 100,000 receipts in 100 batches…');
  // Through the real pipeline, 5,000 scans to a transaction (seeding, not timed), until exactly n
  // receipts are in closed batches (some ballots of the roll are cancelled, superseded or voted
  // in person: those scans are not receipts).
  let accepted = 0;
  inTransactions(store, 5000, () => accepted >= n, (i) => {
    if (intake.scan({ raw: ballotId(i + 1), operator: 'bench' }).verdict === 'ACCEPTED') accepted += 1;
  });
  const token = 'bench-token';
  const server = await startStateServer({ dbPath: path.join(WORK, 'state.db'), token, maxChunk: 1000 });
  const t0 = process.hrtime.bigint();
  const report = await new SyncSender(store, { baseUrl: server.url, token }).runUntilDone(600_000);
  const seconds = ms(process.hrtime.bigint() - t0) / 1000;
  const stored = server.receipts().length;
  await server.close();
  // The floor: the very request bodies the station froze, POSTed in a bare loop to a fresh server.
  const chunks = store.sync.list().flatMap((b) => store.sync.chunks(b.batchId));
  const bytes = chunks.reduce((s, c) => s + Buffer.byteLength(c.body), 0);
  store.close();
  fs.rmSync(path.join(WORK, 'state.db'), { force: true });
  fs.rmSync(path.join(WORK, 'state-floor.db'), { force: true });
  const fresh = await startStateServer({ dbPath: path.join(WORK, 'state-floor.db'), token, maxChunk: 1000 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/v1/batches', fresh.url);
  const f0 = process.hrtime.bigint();
  for (const c of chunks) {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': c.key } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(c.body);
    });
  }
  const floorSeconds = ms(process.hrtime.bigint() - f0) / 1000;
  await fresh.close();
  agent.destroy();
  rm(db);
  results['sync'] = {
    receipts: stored,
    batches: report.acknowledged.length,
    requests: chunks.length,
    bodyMB: Math.round(bytes / 1e5) / 10,
    receivedByServer: stored,
    seconds: Math.round(seconds * 100) / 100,
    target: { seconds: 30 },
    floor: { what: 'the same frozen request bodies POSTed in a bare keep-alive loop to a fresh state server', seconds: Math.round(floorSeconds * 100) / 100 },
  };
  log(`sync: ${JSON.stringify(results['sync'])}`);
}

// 6. The review queue with 100,000 problem ballots, in Chromium, against `intake serve`.
async function benchReview(): Promise<void> {
  const db = copyOfRoll(SMALL, 'review.db');
  const store = Store.open(db);
  await new Auth(store).createOperator('Sue', 'supervisor', '4321', null);
  const intake = new Intake(store, 'REVIEW-1');
  log('review: recording 100,000 problem scans…');
  // Unknown codes, and second scans of envelopes already received: 100,000 problems to review,
  // recorded through the real pipeline 5,000 to a transaction (seeding, not timed).
  let problems = 0;
  inTransactions(store, 5000, () => problems >= 100_000, (i) => {
    if (intake.scan({ raw: i % 10 === 0 ? ballotId(1 + (i % 5000)) : `NOPE-${i}`, operator: 'bench' }).verdict !== 'ACCEPTED') problems += 1;
  });
  store.close();
  const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url } = JSON.parse(await new Promise<string>((r) => serve.stdout.once('data', (d: Buffer) => r(d.toString())))) as { url: string };
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    await page.goto(url);
    await page.fill('input[name=operator]', 'Sue');
    await page.fill('input[name=pin]', '4321');
    await page.click('button[type=submit]');
    await page.waitForSelector('header.topbar');
    const firstPaint: number[] = [];
    const filter: number[] = [];
    const scroll: number[] = [];
    for (let round = 0; round < 5; round++) {
      await page.click('nav button:has-text("Scan")');
      await page.waitForSelector('section[aria-label="Last verdict"]');
      // From the click to the first rows of the queue on screen, timed in the page.
      firstPaint.push(
        await page.evaluate(async () => {
          const t = performance.now();
          const btn = [...document.querySelectorAll('nav button')].find((b) => b.textContent?.startsWith('Review')) as HTMLButtonElement;
          btn.click();
          while (!document.querySelector('.queue [role=option] span:not(.muted)')) await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - t;
        }),
      );
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=queue-total]')?.textContent?.replace(/\D/g, '')) >= 100000);
      filter.push(
        await page.evaluate(async (verdict) => {
          const select = document.querySelector('select[name=verdict]') as HTMLSelectElement;
          const total = document.querySelector('[data-testid=queue-total]') as HTMLElement;
          const before = total.textContent;
          const t = performance.now();
          // React tracks an input's value itself: set it through the prototype, as a person's choice would.
          // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element below
          const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set;
          setter?.call(select, verdict);
          select.dispatchEvent(new Event('change', { bubbles: true }));
          while (total.textContent === before || !document.querySelector('.queue [role=option] span:not(.muted)')) await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - t;
        }, round % 2 === 0 ? 'DUPLICATE' : 'UNKNOWN'),
      );
      scroll.push(
        await page.evaluate(async () => {
          const q = document.querySelector('.queue') as HTMLElement;
          const t = performance.now();
          q.scrollTop = q.scrollHeight / 2;
          await new Promise((r) => requestAnimationFrame(r));
          while (document.querySelector('.queue .muted')) await new Promise((r) => requestAnimationFrame(r));
          return performance.now() - t;
        }),
      );
      await page.selectOption('select[name=verdict]', '');
    }
    const med = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN);
    results['review'] = {
      problems: 100_000,
      firstPaintMs: { median: med(firstPaint), all: firstPaint.map(Math.round) },
      filterMs: { median: med(filter), all: filter.map(Math.round) },
      scrollToMiddleMs: { median: med(scroll), all: scroll.map(Math.round) },
      target: { firstPaintMs: 1000, filterMs: 100 },
    };
    log(`review: ${JSON.stringify(results['review'])}`);
  } finally {
    await browser.close();
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
    rm(db);
  }
}

// 7. App start to ready with the big roll: `intake serve` spawned → URL printed → first page served.
async function benchStart(): Promise<void> {
  const db = stationDb();
  const runs: { readyMs: number; firstPageMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'ignore'] });
    const line = await new Promise<string>((r) => serve.stdout.once('data', (d: Buffer) => r(d.toString())));
    const ready = ms(process.hrtime.bigint() - t0);
    const { url } = JSON.parse(line) as { url: string };
    await new Promise<void>((resolve) => http.get(url, (res) => res.resume().on('end', resolve)));
    runs.push({ readyMs: Math.round(ready), firstPageMs: Math.round(ms(process.hrtime.bigint() - t0)) });
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
  }
  const med = (k: 'readyMs' | 'firstPageMs') => [...runs.map((r) => r[k])].sort((a, b) => a - b)[2];
  results['start'] = { roll: BALLOTS, readyMs: med('readyMs'), firstPageMs: med('firstPageMs'), runs, target: { ms: 2000 } };
  log(`start: ${JSON.stringify(results['start'])}`);
}

function machine(): Figure {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const sqlite = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string };
  const cli = spawnSync('sqlite3', ['--version'], { encoding: 'utf8' }).stdout.split(' ')[0] ?? 'unknown';
  return {
    cpu,
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite: sqlite.v,
    sqlite3Cli: cli,
  };
}

async function main(): Promise<void> {
  if (!values.reuse) fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const started = new Date();
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  // The full-size run is the day's file; a run on another roll size has its own, so figures of
  // different sizes never mix.
  const day = started.toISOString().slice(0, 10);
  const file = path.join(dir, BALLOTS === 10_000_000 ? `${day}.json` : `${day}-${BALLOTS}.json`);
  // The code measured: the commit, and any files changed in the work tree beside it.
  const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const code = { commit: git(['rev-parse', '--short', 'HEAD']), changed: git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean) };
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  // Written after each benchmark (a failure later keeps what was measured); several runs on one
  // day merge their figures into the day's file, each figure stamped with its own run.
  const save = () => {
    const prior = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { results?: Record<string, Figure> }) : {};
    const out = { date: started.toISOString(), command, ballots: BALLOTS, machine: machine(), code, results: { ...(prior.results ?? {}), ...results } };
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  };
  const benches: [string, () => void | Promise<void>][] = [
    ['import', benchImport],
    ['scan', benchScan],
    ['memory', benchMemory],
    ['serial', benchSerial],
    ['sync', benchSync],
    ['review', benchReview],
    ['start', benchStart],
    ['images', async () => void (results['images'] = await benchImages({ envelopes: 300, work: WORK, log }))],
    ['signatures', async () => void (results['signatures'] = await (await import('./signatures.js')).benchSignatures())],
    ['mail', async () => void (results['mail'] = await benchMail({ events: 10 * SMALL, ballots: SMALL, roll: () => copyOfRoll(SMALL, 'mail.db'), data: DATA, work: WORK, bin: BIN, log }))],
    ['county', async () => void (results['county'] = await benchCounty({ minutes: Number(values.minutes), stations: Number(values.stations), rate: Number(values.rate), work: WORK, log }))],
    ['mail-attention', async () => void (results['mail-attention'] = await benchMailAttention({ ballots: SMALL, work: WORK, log }))],
  ];
  let failed = 0;
  for (const [name, run] of benches) {
    if (!only.has(name)) continue;
    // The machine may be shared: the load when each benchmark starts says how quiet it was.
    const run0 = { ran: new Date().toISOString(), command, code, loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100 };
    try {
      await run();
      results[name] = { ...run0, ...results[name] };
    } catch (e) {
      failed += 1;
      results[name] = { ...run0, error: (e as Error).message };
      log(`${name}: FAILED ${(e as Error).stack ?? ''}`);
    }
    save();
  }
  log(`written ${path.relative(ROOT, file)}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
