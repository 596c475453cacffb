// USPS mail-tracking import (issue 18): an IV-MTR delimited file of `events` scans (~10 a piece,
// pieces = events / 10) imported by `intake mail import` into a station holding a roll with IMb
// serials, beside the floor of `sqlite3 .import` of the same file into a bare table; then a
// ballot's mail-status lookup, p99; then the supervisor's reports over the ten million scans (the
// attention counts, the 30-day mail stream): each one's time, and how long the station's thread
// was held while the app read them on its reads thread. Registered in bench/run.ts as `mail`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Station } from '../main/api/station.js';
import { MailReads } from '../main/mail/reads-off-thread.js';
import { runMailRead, type MailRead } from '../main/mail/reads.js';
import { Store } from '../main/store/store.js';

type Figure = Record<string, unknown>;

export interface MailBenchContext {
  /** Scan events in the file (10,000,000 at full size). */
  events: number;
  /** A fresh copy of an imported roll (its serials run 1…ballots under mailer ID 314159, bench/gen.ts). */
  roll: () => string;
  ballots: number;
  data: string;
  work: string;
  bin: string;
  log: (s: string) => void;
}

/**
 * Wall time, peak RSS and CPU time (user + system, GNU time) of a command: on a shared machine the
 * CPU time says more than the wall time, beside the floor's.
 */
function timed(cmd: string, args: string[]): { seconds: number; cpuSeconds: number; peakRssMB: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const num = (re: RegExp) => Number(re.exec(r.stderr)?.[1] ?? NaN);
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  return { seconds: Math.round(seconds * 10) / 10, cpuSeconds: Math.round(cpu * 10) / 10, peakRssMB: Math.round(num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024), stdout: r.stdout };
}

const MAILER = '314159';
const HEADER = 'imb|scan_date_time|scan_event_code|operation_code|handling_event_type|mail_phase|machine_name|scanner_type|scan_facility_name|scan_facility_locale_key|scan_facility_city|scan_facility_state|scan_facility_zip';
/** A piece's journey: out to the voter (STID 700), then back (777) to the office's facility (27601). */
const STEPS: [stid: string, op: string, phase: string, facility: string, zip: string][] = [
  ['700', '010', 'Phase 0 - Origin Processing Cancellation of Postage', 'RALEIGH NC P&DC', '27676'],
  ['700', '044', 'Phase 1 - Origin Primary Processing', 'RALEIGH NC P&DC', '27676'],
  ['700', '271', 'Phase 3a - Destination MMP Processing', 'CHARLOTTE NC P&DC', '28228'],
  ['700', '919', 'Phase 4b - Destination Secondary Processing', 'CHARLOTTE NC P&DC', '28228'],
  ['700', '918', 'Phase 4c - Delivery', 'CHARLOTTE NC CARRIER ANNEX', '28202'],
  ['777', '010', 'Phase 0 - Origin Processing Cancellation of Postage', 'CHARLOTTE NC P&DC', '28228'],
  ['777', '044', 'Phase 1 - Origin Primary Processing', 'CHARLOTTE NC P&DC', '28228'],
  ['777', '271', 'Phase 3a - Destination MMP Processing', 'RALEIGH NC P&DC', '27676'],
  ['777', '919', 'Phase 3b - Destination SCF Processing', 'RALEIGH NC P&DC', '27601'],
  ['777', '918', 'Phase 4c - Delivery', 'RALEIGH NC MAIN OFFICE', '27601'],
];
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * The file, time-ordered as a feed is: step by step, each step over every piece in a shuffled
 * order (a permutation by a multiplier coprime to the piece count). 1% of pieces carry serials
 * beyond the roll (unknown IMbs); every 200th line is sent again (duplicates).
 */
export function generate(file: string, events: number): void {
  const pieces = Math.ceil(events / STEPS.length);
  const mult = 7919; // prime; the generator checks it is coprime to the piece count
  if (pieces % mult === 0) throw new Error('pick a piece count not divisible by 7919');
  const fd = fs.openSync(file, 'w');
  let buf = `${HEADER}\n`;
  let written = 0;
  let lines = 0;
  try {
    for (let s = 0; s < STEPS.length && written < events; s++) {
      const [stid, op, phase, facility, zip] = STEPS[s] as (typeof STEPS)[number];
      for (let k = 0; k < pieces && written < events; k++) {
        const p = (k * mult) % pieces;
        const serial = p % 100 === 99 ? 900_000_000 + p : p + 1;
        const sec = Math.floor((k / pieces) * 86_400);
        const when = `2026-10-${pad(1 + s * 2, 2)} ${pad(Math.floor(sec / 3600), 2)}:${pad(Math.floor(sec / 60) % 60, 2)}:${pad(sec % 60, 2)}`;
        const line = `00${stid}${MAILER}${pad(serial, 9)}${stid === '777' ? '27601' : '27610'}|${when}|SD|${op}|A|${phase}|DBCS-${pad(p % 40, 3)}|DBCS|${facility}|L${zip}|${facility.split(' NC')[0] ?? ''}|NC|${zip}\n`;
        buf += line;
        written += 1;
        lines += 1;
        if (lines % 200 === 0) {
          buf += line;
          lines += 1;
        }
        if (buf.length > 1 << 20) {
          fs.writeSync(fd, buf);
          buf = '';
        }
      }
    }
    fs.writeSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
}

export async function benchMail(ctx: MailBenchContext): Promise<Figure> {
  const file = path.join(ctx.data, `mail-${ctx.events}.txt`);
  if (!fs.existsSync(file)) {
    ctx.log(`mail: generating ${ctx.events.toLocaleString()} scan events…`);
    fs.mkdirSync(ctx.data, { recursive: true });
    generate(file, ctx.events);
  }
  // The same import with one reader worker (INTAKE_MAIL_READERS=1, as before two), just before: the gain of the second, same machine, same hour.
  ctx.log('mail: intake mail import, one reader…');
  const one = timed('env', ['INTAKE_MAIL_READERS=1', process.execPath, ctx.bin, 'mail', 'import', file, '--format', 'ivmtr-delimited', '--db', ctx.roll()]);
  const db = ctx.roll();
  ctx.log('mail: intake mail import…');
  const ours = timed(process.execPath, [ctx.bin, 'mail', 'import', file, '--format', 'ivmtr-delimited', '--db', db]);
  const floorDb = path.join(ctx.work, 'floor-mail.db');
  for (const f of [floorDb, `${floorDb}-wal`]) fs.rmSync(f, { force: true });
  ctx.log('mail: sqlite3 .import…');
  const floor = timed('sqlite3', [floorDb, '-cmd', '.mode list', '-cmd', '.separator |', `.import ${file} scans`]);
  fs.rmSync(floorDb, { force: true });
  const lookup = statusLookups(db, ctx.ballots);
  ctx.log('mail: the attention counts and the mail stream…');
  const reports = await reportReads(db);
  const figure: Figure = {
    events: ctx.events,
    roll: ctx.ballots,
    file: path.basename(file),
    fileMB: Math.round(fs.statSync(file).size / 1e6),
    seconds: ours.seconds,
    cpuSeconds: ours.cpuSeconds,
    peakRssMB: ours.peakRssMB,
    summary: JSON.parse(ours.stdout) as unknown,
    target: { seconds: 60 * (ctx.events / 10_000_000), peakRssMB: 500, statusP99ms: 2 },
    oneReader: { what: 'the same import with one reader worker (INTAKE_MAIL_READERS=1), run just before', seconds: one.seconds, cpuSeconds: one.cpuSeconds, peakRssMB: one.peakRssMB },
    floor: { what: 'sqlite3 CLI: .mode list, .separator |, .import into a bare table (no validation, no matching, no indexes)', seconds: floor.seconds, cpuSeconds: floor.cpuSeconds, peakRssMB: floor.peakRssMB },
    statusLookup: lookup,
    reports,
  };
  ctx.log(`mail: ${ours.seconds} s (CPU ${ours.cpuSeconds} s), ${ours.peakRssMB} MB; one reader ${one.seconds} s (CPU ${one.cpuSeconds} s); floor ${floor.seconds} s (CPU ${floor.cpuSeconds} s); status p99 ${String(lookup['p99ms'])} ms; reports ${JSON.stringify(reports)}`);
  return figure;
}

/** 10,000 ballots' mail status (events by ballot, the receipt, the rules), each timed. */
function statusLookups(db: string, ballots: number): Figure {
  const store = Store.open(db);
  try {
    const opts = { officeZips: ['27601'], undeliverableOpCodes: [] };
    const lat: number[] = [];
    let found = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = `B${pad(1 + ((i * 104_729) % ballots), 10)}`;
      const t = process.hrtime.bigint();
      const s = store.mail.statusOf(id, opts);
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (s) found += 1;
    }
    const sorted = [...lat].sort((a, b) => a - b);
    const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN) * 1000) / 1000;
    return { n: lat.length, withStatus: found, p50ms: at(0.5), p99ms: at(0.99), maxms: at(1) };
  } finally {
    store.close();
  }
}

const SUPERVISOR = { name: 'bench', role: 'supervisor', via: 'cli-setup' } as const;
const REPORTS: Record<string, MailRead> = {
  attentionCounts: { kind: 'attentionCounts', input: {} },
  stream30Days: { kind: 'stream', input: { from: '2026-09-20', to: '2026-10-20' } },
};

/**
 * The reports a supervisor opens, over the events just imported: each read's time on the station's
 * thread (runMailRead), then the same reads through the app's reads thread (the compiled worker,
 * dist/), with the longest the station's thread went without running a 5 ms timer meanwhile.
 */
async function reportReads(db: string): Promise<Figure> {
  const store = Store.open(db);
  const now = new Date('2026-10-22T12:00:00Z');
  store.config.set('mailOfficeZips', ['27610'], 'bench', now.toISOString());
  const station = new Station(store, () => now);
  const reads = new MailReads(station, pathToFileURL(path.join(import.meta.dirname, '..', 'dist', 'main', 'mail', 'reads-worker.js')));
  try {
    const figure: Figure = {};
    for (const [name, read] of Object.entries(REPORTS)) {
      const t = performance.now();
      runMailRead(station, SUPERVISOR, read);
      figure[`${name}Seconds`] = Math.round(performance.now() - t) / 1000;
    }
    if (!reads.offThread) throw new Error('the reads thread is not built: npm run build first');
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const n = performance.now();
      longest = Math.max(longest, n - last);
      last = n;
    }, 5);
    const t = performance.now();
    await Promise.all(Object.values(REPORTS).map((r) => reads.run(SUPERVISOR, r)));
    clearInterval(timer);
    figure['offThread'] = { what: 'both reads on the reads thread, at once', seconds: Math.round(performance.now() - t) / 1000, longestStationThreadPauseMs: Math.round(longest) };
    return figure;
  } finally {
    await reads.close();
    store.close();
  }
}
