import fs from 'node:fs';
import os from 'node:os';
import { StoreOpenError } from './db.js';

interface LockInfo {
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

/**
 * One station app per database: the Electron app and `intake serve` hold this lock for their
 * lifetime, so two windows can never scan into one file believing they are alone. One-off CLI
 * commands do not take it (an import or a sync beside the running app is fine: SQLite
 * serialises writers). A lock left by a crashed process is taken over.
 */
export function acquireStationLock(dbPath: string): () => void {
  const file = `${dbPath}.station-lock`;
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreOpenError(`cannot lock ${dbPath}: ${(e as Error).message}`, 'open-failed');
      let held: LockInfo | null = null;
      try {
        held = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        held = null; // unreadable: a torn write of a crashed process
      }
      if (held && held.host === os.hostname() && held.pid !== process.pid && alive(held.pid))
        throw new StoreOpenError(`the database ${dbPath} is already open in another station (process ${held.pid}, since ${held.since}): close it first`, 'locked');
      fs.rmSync(file, { force: true });
    }
  }
  throw new StoreOpenError(`cannot lock ${dbPath}: another station keeps taking it`, 'locked');
}
