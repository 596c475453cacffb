import fs from 'node:fs';
import os from 'node:os';

/** Who holds a lock file: written into it, read back by whoever finds it taken. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockFileOptions {
  /** The error for a lock held by a live process on this host. */
  held(holder: LockHolder): Error;
  /** The error for a lock file that cannot be written at all (permissions, a missing folder). */
  failed(e: Error): Error;
  /** Whether this same process holding the lock already counts as held (a second sender in one app). */
  sameProcessHolds: boolean;
}

/**
 * A lock as a file created exclusively beside the database, naming its holder. A file left by a
 * process that is gone (a crash, a power cut) is taken over; one held by a live process on this
 * host is an error. Returns the release, which removes the file only if it is still ours.
 */
export function takeLockFile(file: string, o: LockFileOptions): () => void {
  const mine: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
          if (held.pid === mine.pid && held.since === mine.since) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw o.failed(e as Error);
      let held: LockHolder | null = null;
      try {
        held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
      } catch {
        held = null; // unreadable: a torn write of a crashed process
      }
      if (held && held.host === os.hostname() && (o.sameProcessHolds || held.pid !== process.pid) && alive(held.pid)) throw o.held(held);
      fs.rmSync(file, { force: true });
    }
  }
  throw o.failed(new Error(`another process keeps taking ${file}`));
}
