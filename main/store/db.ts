import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';
import { isLocked, lockedMessage } from './faults.js';
import { ensurePrivateDir, openPrivateSync, tightenIfPresent } from './private-file.js';

export type Db = Database.Database;

/** Raised when the database cannot be used at all; the message is shown to the clerk as is. */
export class StoreOpenError extends Error {
  constructor(
    message: string,
    readonly code: 'folder-missing' | 'read-only' | 'locked' | 'corrupt' | 'too-new' | 'open-failed' | 'disk-full',
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/** The platform's per-user app-data folder, shared by the Electron app and the CLI. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  const dir =
    process.platform === 'win32'
      ? path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Ballot Intake Station')
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support', 'Ballot Intake Station')
        : path.join(env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'), 'ballot-intake-station');
  return path.join(dir, 'intake.db');
}

export interface OpenOptions {
  /** Create the parent folder if missing (true for the default location only). */
  createFolder?: boolean;
  readonly?: boolean;
  migrations?: readonly Migration[];
  /** How long a write waits for another program's lock before giving up (default: INTAKE_BUSY_TIMEOUT_MS, else 5 s). */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function busyTimeout(options: OpenOptions): number {
  const env = process.env['INTAKE_BUSY_TIMEOUT_MS'];
  const ms = options.busyTimeoutMs ?? (env ? Number(env) : DEFAULT_BUSY_TIMEOUT_MS);
  return Number.isInteger(ms) && ms >= 0 ? Math.min(ms, 600_000) : DEFAULT_BUSY_TIMEOUT_MS;
}

/**
 * Opens the station database with the settings receipts depend on: WAL, synchronous=FULL (a
 * verdict is shown only after its commit reached the disk), foreign keys, a busy timeout for
 * a second process (the CLI beside the app), then brings the schema forward.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const dir = path.dirname(path.resolve(file));
  if (options.createFolder) {
    try {
      ensurePrivateDir(dir); // the station's own folder: owner-only
    } catch (e) {
      throw new StoreOpenError(`cannot create the database folder ${dir}: ${(e as Error).message}`, 'open-failed');
    }
  } else if (!fs.existsSync(dir)) throw new StoreOpenError(`database folder ${dir} does not exist`, 'folder-missing');
  if (!options.readonly) {
    try {
      fs.accessSync(dir, fs.constants.W_OK);
    } catch {
      throw new StoreOpenError(`database folder ${dir} is read-only: receipts cannot be recorded`, 'read-only');
    }
  }
  if (!options.readonly && file !== ':memory:') makePrivate(file);
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (e) {
    throw diskFull(dir) ?? new StoreOpenError(`cannot open database ${file}: ${(e as Error).message}`, 'open-failed');
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeout(options)}`);
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreOpenError(`database ${file} refused WAL mode (${String(mode)})`, 'open-failed');
      if (file !== ':memory:') tightenIfPresent(`${file}-wal`, `${file}-shm`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536'); // 64 MiB page cache: the memory bound of a state-sized roll
    db.pragma('temp_store = FILE');
    if (!options.readonly) migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreOpenError) throw e;
    throw diskFull(dir) ?? classifyOpenError(file, e as Error);
  }
}

/**
 * Runs `fn`'s writes as commits that need not wait for the disk: for bookkeeping the station can
 * derive again (replication cursors, rows it can pull from the hub again). With WAL and
 * synchronous=NORMAL the file stays consistent; a power cut may take such a commit back, never a
 * receipt, since the next FULL commit (a scan's) syncs the WAL with these frames in it. Inside a
 * transaction it changes nothing: the enclosing commit decides.
 */
export function withRelaxedSync<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/**
 * Voters' names and addresses: the database and its companions are owner-only. A new file is
 * created 0600 before SQLite opens it, so SQLite gives its -wal and -shm the same mode; an
 * existing database (from before this rule) has its files tightened here.
 */
function makePrivate(file: string): void {
  try {
    if (fs.existsSync(file)) tightenIfPresent(file, `${file}-wal`, `${file}-shm`, `${file}-journal`);
    else fs.closeSync(openPrivateSync(file, 'wx'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EEXIST') return makePrivate(file); // another process created it meanwhile
    if (code === 'EACCES' || code === 'EROFS') throw new StoreOpenError(`database ${file} cannot be written (${(e as Error).message})`, 'read-only');
    throw diskFull(path.dirname(path.resolve(file))) ?? new StoreOpenError(`cannot open database ${file}: ${(e as Error).message}`, 'open-failed');
  }
}

/** SQLite says "disk I/O error" when it cannot even create its WAL index on a full disk: say why. */
function diskFull(dir: string): StoreOpenError | null {
  try {
    const st = fs.statfsSync(dir);
    if (st.bavail === 0) return new StoreOpenError(`the disk holding ${dir} is full: free space before the station can record anything`, 'disk-full');
  } catch {
    // statfs unsupported here: fall back to SQLite's own words
  }
  return null;
}

function classifyOpenError(file: string, e: Error): StoreOpenError {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new StoreOpenError(`database ${file} is corrupt or not a station database (${e.message})`, 'corrupt');
  if (isLocked(e)) return new StoreOpenError(`${lockedMessage(file)} (${file})`, 'locked');
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
    return new StoreOpenError(`database ${file} cannot be written (${e.message})`, 'read-only');
  return new StoreOpenError(`cannot open database ${file}: ${e.message}`, 'open-failed');
}

export function schemaVersion(db: Db): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies every migration newer than the database, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const current = schemaVersion(db);
  // The highest version, not the last listed: merged branches append their migrations out of order.
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  if (current > latest)
    throw new StoreOpenError(
      `database schema version ${current} is newer than this program understands (${latest}): use a newer station`,
      'too-new',
    );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      const refused = m.refuses?.(db) ?? null;
      if (refused !== null)
        throw new StoreOpenError(`this station's database cannot be brought up to date (step ${m.version}, ${m.name}): ${refused}. Nothing in it was changed; use the station version that made it`, 'open-failed');
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
  return schemaVersion(db);
}
