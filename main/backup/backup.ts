import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyPrivateSync, openPrivateSync, tightenIfPresent } from '../store/private-file.js';
import { copyNeededImages } from './images.js';
import { Store } from '../store/store.js';
import { ServiceError } from '../../shared/errors.js';

export class BackupError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  scans: number;
  auditEntries: number;
  /** Pictures copied into the image store beside the backup (ones already there are not copied again). */
  images: number;
}

/**
 * A consistent copy of the live database through SQLite's online backup API: scanning can go on
 * while it runs, and the copy is a whole database as of one moment (WAL included). Written to
 * a temporary name and renamed, so a half-written backup never looks like a good one.
 */
export async function backupTo(store: Store, file: string): Promise<BackupResult> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new BackupError(`backup folder ${dir} does not exist (is the drive mounted?)`);
  const temp = `${file}.partial`;
  fs.rmSync(temp, { force: true });
  try {
    // Created owner-only before SQLite writes a page into it (SQLite keeps an existing file's mode).
    fs.closeSync(openPrivateSync(temp, 'wx'));
    await store.db.backup(temp);
    // A backup is a single self-contained file: rollback journal, not WAL, so opening it to
    // verify leaves no -wal/-shm companions behind. Restoring brings WAL back.
    const copy = new Database(temp);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new BackupError(`backup to ${file} failed: ${(e as Error).message}`);
  }
  let images: number;
  try {
    // The pictures the copy names, beside it (see backup/images.ts); the station's own are checked as they go.
    images = store.path === ':memory:' ? 0 : copyNeededImages(file, store.path, file, "the station's image store");
  } catch (e) {
    throw new BackupError(`backup to ${file}: its images could not be copied: ${(e as Error).message}`);
  }
  return { ...describe(file), images };
}

function describe(file: string): Omit<BackupResult, 'images'> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return { file, bytes: fs.statSync(file).size, scans: n('SELECT count(*) AS n FROM scans'), auditEntries: n('SELECT count(*) AS n FROM audit_log') };
  } finally {
    db.close();
  }
}

/** The automatic backup after a batch closes, to the configured second folder (if any). */
export async function backupAfterClose(store: Store, batchNumber: number, station: string): Promise<BackupResult | null> {
  const dir = store.config.get('backupDir');
  if (!dir) return null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return backupTo(store, path.join(dir, `intake-${station.replace(/[^A-Za-z0-9_-]/g, '_')}-batch${batchNumber}-${stamp}.db`));
}

/** Checks a backup before anyone relies on it: SQLite's integrity check and the audit chain. */
export function verifyBackup(file: string): { ok: boolean; integrity: string; audit: ReturnType<Store['verifyAudit']> } {
  if (!fs.existsSync(file)) throw new BackupError(`no backup at ${file}`);
  const raw = new Database(file, { readonly: true, fileMustExist: true });
  let integrity: string;
  try {
    integrity = String(raw.pragma('integrity_check', { simple: true }));
  } catch (e) {
    throw new BackupError(`${file} is not a station database: ${(e as Error).message}`);
  } finally {
    raw.close();
  }
  // Opened read-only through the store so the audit check is the same code the station runs.
  const store = Store.open(file, { readonly: true });
  try {
    const audit = store.verifyAudit();
    return { ok: integrity === 'ok' && audit.ok, integrity, audit };
  } finally {
    store.close();
  }
}

/**
 * Puts a verified backup in place of the station's database. The current file is kept beside
 * it (never deleted), and nothing is replaced unless the backup verifies.
 */
export function restoreFrom(backup: string, target: string): { restored: string; previous: string | null } {
  const check = verifyBackup(backup);
  if (!check.ok)
    throw new BackupError(`the backup does not verify (integrity: ${check.integrity}; audit: ${check.audit.ok ? 'ok' : check.audit.reason}): nothing was restored`);
  try {
    // Every picture the backup names, checked against its hash before anything is replaced.
    copyNeededImages(backup, backup, target, 'the backup');
  } catch (e) {
    throw new BackupError(`${(e as Error).message}; the station's database was not replaced`);
  }
  let previous: string | null = null;
  if (fs.existsSync(target)) {
    previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const probe = new Database(target);
    try {
      // Folds the WAL into the file so the kept copy is whole, and fails if another program holds it.
      probe.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      probe.close();
    }
    fs.renameSync(target, previous);
    tightenIfPresent(previous);
    for (const ext of ['-wal', '-shm']) fs.rmSync(`${target}${ext}`, { force: true });
  }
  fs.rmSync(`${target}.restoring`, { force: true });
  copyPrivateSync(backup, `${target}.restoring`);
  fs.renameSync(`${target}.restoring`, target);
  return { restored: target, previous };
}
