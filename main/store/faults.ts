import fs from 'node:fs';
import path from 'node:path';

/**
 * SQLite's words for "this station cannot record any more" and what the clerk is told. Shared
 * by the API router (which turns the screen red) and the CLI (which stops reading scans).
 */
export const FAULT_CODES = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB']);

export function isFault(e: unknown): e is Error & { code: string } {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (FAULT_CODES.has(code) || code.startsWith('SQLITE_IOERR'));
}

export function faultMessage(code: string, detail: string): string {
  if (code === 'SQLITE_FULL') return `the disk is full: nothing more can be recorded. Stop scanning, free space, then restart the station (${detail})`;
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') return `the database cannot be written: check the drive and the folder's permissions (${detail})`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `the database is damaged: stop scanning and restore the last backup (${detail})`;
  return `the database failed (${code}): stop scanning and call a supervisor (${detail})`;
}

/** Another connection held the database longer than the busy timeout: not a fault, a wait. */
export function isLocked(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/** "the database is locked by another program (process 4242: node intake serve): close it and try again" */
export function lockedMessage(dbPath: string): string {
  const who = lockHolders(dbPath);
  return `the database is locked by another program${who ? ` (${who})` : ''}: close it and try again`;
}

/**
 * Who has the database open, as far as this computer tells: the station and roll-import lock
 * files name their process; on Linux, /proc names every other process with the file open.
 */
export function lockHolders(dbPath: string): string | null {
  const file = path.resolve(dbPath);
  const found = new Map<number, string>();
  for (const [suffix, what] of [['.station-lock', 'a station app'], ['.roll-import-lock', 'a roll import']] as const) {
    const pid = lockFilePid(`${file}${suffix}`);
    if (pid !== null && pid !== process.pid) found.set(pid, what);
  }
  for (const pid of openersOf(file)) if (!found.has(pid)) found.set(pid, commandOf(pid));
  const list = [...found].slice(0, 3).map(([pid, what]) => `process ${pid}${what ? `: ${what}` : ''}`);
  return list.length > 0 ? list.join('; ') : null;
}

function lockFilePid(file: string): number | null {
  try {
    const pid = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    if (typeof pid !== 'number') return null;
    process.kill(pid, 0); // throws if the process is gone: a stale lock names nobody
    return pid;
  } catch {
    return null;
  }
}

/** Processes (not this one) with the database or its WAL open, from /proc; none elsewhere. */
function openersOf(file: string): number[] {
  const targets = new Set([file, `${file}-wal`, `${file}-shm`]);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`))
        if (targets.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))) {
          pids.push(pid);
          break;
        }
    } catch {
      // another user's process, or one that just ended
    }
  }
  return pids;
}

/** The holder's command line, short and printable (it is shown on a terminal). */
function commandOf(pid: number): string {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    // The program and its first words that look like a script or a command (not inline code).
    const words = argv.slice(1).filter((a) => !a.startsWith('-') && !/\s/.test(a)).slice(0, 2);
    const text = [argv[0] ?? '', ...words].map((a) => path.basename(a)).join(' ');
    return text.replace(/[^\x20-\x7e]|[()]/g, '?').slice(0, 60);
  } catch {
    return '';
  }
}
