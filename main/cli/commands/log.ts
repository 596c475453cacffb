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
  let entries: OplogEntry[];
  try {
    entries = log.tail(n);
  } catch (e) {
    throw new CommandError(`cannot read the station log ${log.file}: ${(e as Error).message}`);
  }
  if (entries.length === 0 && !values.follow) io.stderr.write(`intake log: nothing logged yet in ${log.file}\n`);
  entries.forEach(print);
  if (stopped) await follow(log.file, print, stopped);
  return 0;
}

function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Prints lines as they are appended, across rotations, until `stopped` (SIGINT or SIGTERM). */
async function follow(file: string, print: (e: OplogEntry) => void, stopped: Promise<void>): Promise<void> {
  let at = sizeAndInode(file);
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
      // Rotated: finish the old file (now `.1`) where we were, then read the new one from its start.
      const old = sizeAndInode(`${file}.1`);
      if (at.ino !== 0 && old.ino === at.ino) take(readRange(`${file}.1`, at.size, old.size));
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
