import fs from 'node:fs';
import { defaultDbPath } from '../../store/db.js';
import { formatEntry } from '../../oplog/format.js';
import { logFileFor, StationLog } from '../../oplog/index.js';
import { parseEntry } from '../../oplog/station-log.js';
import type { OplogEntry } from '../../../shared/oplog/events.js';
import { CommandError, parse, UsageError, type Io } from '../context.js';

const USAGE = 'usage: intake log tail [-n N] [--follow] [--json]';

/**
 * The station log (start and stop, scanners, faults, imports, sync, notices). It reads the
 * file beside the database without opening the database, so it works when the database cannot.
 */
export async function logCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'tail') throw new UsageError(USAGE);
  const { values, positionals } = parse(rest, { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(USAGE);
  const n = values.lines === undefined ? 20 : Number(values.lines);
  if (!/^\d{1,4}$/.test(values.lines ?? '20') || n < 1 || n > 5000) throw new UsageError('-n must be a whole number from 1 to 5000');
  const log = new StationLog(logFileFor(values.db ?? io.env['INTAKE_DB'] ?? defaultDbPath(io.env)));
  // Listening before the first line is printed: whoever reads it may stop us at once.
  const stopped = values.follow ? untilStopped() : null;
  const print = (e: OplogEntry) => io.stdout.write(`${values.json ? JSON.stringify(e) : formatEntry(e)}\n`);
  // Where a follower starts: the tail stops there, so no line is shown twice or missed between.
  const start = sizeAndInode(log.file);
  let entries: OplogEntry[];
  try {
    entries = log.tail(n, start.size);
  } catch (e) {
    throw new CommandError(`cannot read the station log ${log.file}: ${(e as Error).message}`);
  }
  if (entries.length === 0 && !values.follow) io.stderr.write(`intake log: nothing logged yet in ${log.file}\n`);
  entries.forEach(print);
  if (stopped) await follow(log.file, start, print, stopped);
  return 0;
}

function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Prints lines as they are appended, across rotations, until `stopped` (SIGINT or SIGTERM). */
async function follow(file: string, start: { size: number; ino: number }, print: (e: OplogEntry) => void, stopped: Promise<void>): Promise<void> {
  let at = start;
  let partial = '';
  const take = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const e = parseEntry(line);
      if (e) print(e);
    }
  };
  const poll = () => {
    const now = sizeAndInode(file);
    if (now.ino !== at.ino || now.size < at.size) {
      // Rotated, maybe more than once: finish the old file where we were, read any newer rotated
      // files whole, oldest first, then the new current file from its start.
      for (const r of rotatedSince(file, at)) take(readRange(r.file, r.from, r.size));
      partial = '';
      at = { ino: now.ino, size: 0 };
    }
    if (now.size === at.size) return;
    take(readRange(file, at.size, now.size));
    at = now;
  };
  const timer = setInterval(poll, 200);
  await stopped;
  clearInterval(timer);
}

/** The rotated files written since `at` (the file we were reading), oldest first, with where to start. */
function rotatedSince(file: string, at: { ino: number; size: number }): { file: string; from: number; size: number }[] {
  const newer: { file: string; from: number; size: number }[] = [];
  for (let i = 1; i <= 100; i += 1) {
    const f = `${file}.${i}`;
    const st = sizeAndInode(f);
    if (st.ino === 0 || at.ino === 0) break;
    if (st.ino === at.ino) return [{ file: f, from: at.size, size: st.size }, ...newer];
    newer.unshift({ file: f, from: 0, size: st.size });
  }
  // The file we were reading is gone (dropped, or cut in place): nothing older can be found.
  return [];
}

function sizeAndInode(file: string): { size: number; ino: number } {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return { size: st?.size ?? 0, ino: st?.ino ?? 0 };
}

function readRange(file: string, from: number, to: number): string {
  if (to <= from) return '';
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(to - from);
    const got = fs.readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, got).toString('utf8');
  } catch {
    // Rotated away between the size check and the read: the next poll reads the new file.
    return '';
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
