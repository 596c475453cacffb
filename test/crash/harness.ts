// The crash harness (issue "Reliability and security"): a real `intake scan` child process is fed
// envelope codes continuously and killed with SIGKILL at random moments, then restarted; after
// every kill the database is checked: each scan whose verdict was printed is there exactly once
// with that verdict, integrity_check is ok, the audit chain verifies, and no batch is half-closed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BIN } from '../helpers/cli.js';

export interface CrashOptions {
  dir: string;
  cycles: number;
  ballots: number;
  seed?: number;
  /** Longest a child lives before it is killed. */
  maxLifeMs?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  cycles: number;
  printed: number;
  recorded: number;
  failures: string[];
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function prepareRoll(dir: string, ballots: number): string {
  const db = path.join(dir, 'crash.db');
  const roll = path.join(dir, 'roll.csv');
  const lines = ['ballot_id,voter_id,election_id,last_name,first_name,issued_at,status'];
  for (let i = 0; i < ballots; i += 1) lines.push(`C-${String(i).padStart(6, '0')},V${i},E1,VOTER,NUMBER${i},2026-10-01,ISSUED`);
  fs.writeFileSync(roll, `${lines.join('\n')}\n`);
  return db;
}

/**
 * Runs one child until it is killed; resolves with the verdict lines it printed. `fromFirstVerdict`:
 * the child lives `lifeMs` from its first verdict (killed while scanning, however long a loaded
 * machine takes to start it), else from its start (some kills land while it starts).
 */
function runChild(db: string, codes: string[], lifeMs: number, fromFirstVerdict: boolean): Promise<{ printed: { seq: number; verdict: string; raw: string }[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'scan', '--station', 'CRASH', '--operator', 'harness', '--db', db], { stdio: ['pipe', 'pipe', 'pipe'] });
    const printed: { seq: number; verdict: string; raw: string }[] = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) printed.push(JSON.parse(line) as { seq: number; verdict: string; raw: string });
      }
      if (fromFirstVerdict && printed.length > 0 && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), lifeMs);
    });
    child.stdin.on('error', () => undefined); // EPIPE after the kill
    let i = 0;
    const feed = setInterval(() => {
      for (let k = 0; k < 5 && i < codes.length; k += 1, i += 1) child.stdin.write(`${codes[i] as string}\n`);
    }, 1);
    // A child that never scans is killed all the same (its cycle then prints nothing).
    let timer: NodeJS.Timeout | undefined = fromFirstVerdict ? undefined : setTimeout(() => child.kill('SIGKILL'), lifeMs);
    const never = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(feed);
      clearTimeout(timer);
      clearTimeout(never);
      resolve({ printed });
    });
  });
}

/** The invariants, read with a plain connection (as an auditor would). */
export function checkDatabase(db: string, printed: Map<number, { verdict: string; raw: string }>): string[] {
  const failures: string[] = [];
  const conn = new Database(db, { readonly: true });
  try {
    const integrity = conn.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') failures.push(`integrity_check: ${String(integrity)}`);
    const rows = conn.prepare('SELECT seq, verdict, raw FROM scans').all() as { seq: number; verdict: string; raw: string }[];
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    for (const [seq, p] of printed) {
      const r = bySeq.get(seq);
      if (!r) failures.push(`scan ${seq} (${p.verdict}) was printed but is not in the database`);
      else if (r.verdict !== p.verdict || r.raw !== p.raw) failures.push(`scan ${seq} differs: printed ${p.verdict} ${p.raw}, stored ${r.verdict} ${r.raw}`);
    }
    const doubled = conn.prepare('SELECT ballot_id, count(*) AS n FROM receipts GROUP BY ballot_id HAVING n > 1').all();
    if (doubled.length > 0) failures.push(`ballots received twice: ${JSON.stringify(doubled)}`);
    const accepted = conn.prepare("SELECT ballot_id, count(*) AS n FROM scans WHERE verdict = 'ACCEPTED' AND seq NOT IN (SELECT scan_seq FROM scan_undos) GROUP BY ballot_id HAVING n > 1").all();
    if (accepted.length > 0) failures.push(`ballots accepted twice: ${JSON.stringify(accepted)}`);
    const halfClosed = conn.prepare("SELECT batch_id FROM batches WHERE (status = 'CLOSED') <> (closed_at IS NOT NULL) OR (status = 'CLOSED' AND scanned_count IS NULL)").all();
    if (halfClosed.length > 0) failures.push(`half-closed batches: ${JSON.stringify(halfClosed)}`);
    const open = conn.prepare("SELECT station, count(*) AS n FROM batches WHERE status = 'OPEN' GROUP BY station HAVING n > 1").all();
    if (open.length > 0) failures.push(`two open batches on a station: ${JSON.stringify(open)}`);
    const unqueued = conn.prepare("SELECT b.batch_id FROM batches b LEFT JOIN sync_outbox o ON o.batch_id = b.batch_id WHERE b.status = 'CLOSED' AND o.batch_id IS NULL").all();
    if (unqueued.length > 0) failures.push(`closed batches not queued for sync: ${JSON.stringify(unqueued)}`);
  } finally {
    conn.close();
  }
  return failures;
}

export async function runCrashHarness(opts: CrashOptions): Promise<CrashReport> {
  const db = prepareRoll(opts.dir, opts.ballots);
  const imp = spawn(process.execPath, [BIN, 'roll', 'import', path.join(opts.dir, 'roll.csv'), '--format', 'station', '--db', db]);
  await new Promise((r) => imp.on('exit', r));
  const cfg = spawn(process.execPath, [BIN, 'config', 'set', 'batchSize', '25', '--db', db]);
  await new Promise((r) => cfg.on('exit', r));
  const rand = rng(opts.seed ?? 1);
  const printed = new Map<number, { verdict: string; raw: string }>();
  const report: CrashReport = { cycles: 0, printed: 0, recorded: 0, failures: [] };
  for (let c = 0; c < opts.cycles; c += 1) {
    // Mostly fresh ballots, some repeats (duplicates) and some junk (unreadable).
    const codes = Array.from({ length: 400 }, () => {
      const r = rand();
      if (r < 0.05) return `junk\u0001${Math.floor(rand() * 1e6)}`;
      return `C-${String(Math.floor(rand() * opts.ballots)).padStart(6, '0')}`;
    });
    const life = 400 + Math.floor(rand() * (opts.maxLifeMs ?? 1200));
    // Three kills in four while scanning, timed from the first verdict; the fourth from the start.
    const fromStart = c % 4 === 3;
    const { printed: lines } = await runChild(db, codes, fromStart ? life : life - 400, !fromStart);
    for (const l of lines) {
      if (printed.has(l.seq)) report.failures.push(`seq ${l.seq} printed twice`);
      printed.set(l.seq, { verdict: l.verdict, raw: l.raw });
    }
    report.printed += lines.length;
    const failures = checkDatabase(db, printed);
    report.cycles += 1;
    if (failures.length > 0) {
      report.failures.push(...failures.map((f) => `cycle ${c}: ${f}`));
      break;
    }
    opts.log?.(`cycle ${c + 1}/${opts.cycles}: ${lines.length} verdicts printed, ${printed.size} in total, all on disk`);
  }
  const conn = new Database(db, { readonly: true });
  report.recorded = (conn.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n;
  conn.close();
  const verify = spawn(process.execPath, [BIN, 'audit', 'verify', '--db', db]);
  const code = await new Promise<number | null>((r) => verify.on('exit', r));
  if (code !== 0) report.failures.push('the audit chain does not verify');
  return report;
}
