import { StoreOpenError } from './db.js';
import { takeLockFile } from './lock-file.js';

/**
 * One station app per database: the Electron app and `intake serve` hold this lock for their
 * lifetime, so two windows can never scan into one file believing they are alone. One-off CLI
 * commands do not take it (an import or a sync beside the running app is fine: SQLite
 * serialises writers). A lock left by a crashed process is taken over.
 */
export function acquireStationLock(dbPath: string): () => void {
  const release = takeLockFile(`${dbPath}.station-lock`, {
    sameProcessHolds: false,
    held: (h) => new StoreOpenError(`the database ${dbPath} is already open in another station (process ${h.pid}, since ${h.since}): close it first`, 'locked'),
    failed: (e) => new StoreOpenError(`cannot lock ${dbPath}: ${e.message}`, e.message.startsWith('another process') ? 'locked' : 'open-failed'),
  });
  process.once('exit', release);
  return release;
}
