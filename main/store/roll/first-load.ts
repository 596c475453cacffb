import type { Db } from '../db.js';
import { withSortThreads } from '../sort-threads.js';
import type { ImportMeta } from './ballot-row.js';
import { COLUMNS, createIndex, INDEX_NAMES } from './columns.js';
import { CHUNK_FROM, ChunkStatements, chunkValue, ensureChunkSeq, ROLL_CHUNK, ROW_NO, type RollChunk } from './packed-rows.js';

/** The initial load's table, beside `ballots` until it takes its place. */
const LOAD_TABLE = 'roll_initial_load';
export const LOAD_TABLE_EXISTS = `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '${LOAD_TABLE}'`;
/** Rows per commit of the initial load. */
const ROWS_PER_COMMIT = 65_536;

/**
 * Puts the roll's indexes and tables right after an initial load that stopped half way (a
 * crash, a killed process): drops the load's table and restores the secondary indexes of
 * `ballots`. Only for the holder of the import lock (roll/import.ts): another import may be
 * loading otherwise.
 */
export function recoverInitialLoad(db: Db): void {
  const left = db.prepare(LOAD_TABLE_EXISTS).get() !== undefined;
  const missing = INDEX_NAMES.filter((name) => db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ? AND tbl_name = 'ballots'").get(name) === undefined);
  if (!left && missing.length === 0) return;
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${LOAD_TABLE}`); // and its indexes, which hold the roll's index names
    for (const name of INDEX_NAMES) db.exec(createIndex(name, 'ballots'));
  }).immediate();
}

/**
 * The first import into an empty roll, at state scale. Rows go into a table of their own in the
 * station's file (`roll_initial_load`, the same columns as `ballots`), committed every
 * ROWS_PER_COMMIT rows, so that scans may write between commits and no transaction outgrows the
 * page cache. Nobody reads that table. At the end one short transaction checks the roll is still
 * empty, records the import and puts the table in place of `ballots` (DROP, RENAME): until then
 * the roll is exactly as it was, and an import that fails or is killed leaves it so
 * (recoverInitialLoad tidies up after a kill).
 *
 * A secondary index whose keys arrive in order (voter IDs, IMb serials, as state exports are
 * sorted) is kept up while loading, where each entry lands beside the last; one whose keys turn
 * out to arrive at random (names) is dropped as soon as that shows and built at the end with
 * SQLite's multi-threaded sorter. An index name belongs to one table: while loading, the roll's
 * secondary indexes are on the load table and the empty `ballots` has none; they are back on
 * `ballots` when the load ends, whichever way it ends.
 */
export class InitialLoad {
  private readonly chunkInserts: ChunkStatements;
  /** The import's ID, taken at the start (ballots carry it) and recorded at the swap. */
  private importId: number;
  /** The id the next inserted ballot gets (rowids are assigned max + 1, and only this load writes the table). */
  private nextId = 1;
  private uncommitted = 0;
  private rows = 0;
  /** Commits made so far. */
  commits = 0;
  /** Descents seen per live index (INDEX_NAMES order); null once it is left for the end. */
  private readonly live: (number | null)[] = INDEX_NAMES.map(() => 0);
  inserted = 0;

  /** The caller holds the import lock and has run recoverInitialLoad. */
  constructor(private readonly db: Db) {
    ensureChunkSeq(db);
    // Every row references this import, which is recorded only in the swap's transaction: with
    // the check on, every commit would fail it. Once the swap has run, every reference holds.
    db.pragma('foreign_keys = OFF');
    // These commits are not the roll: they need no fsync each (the swap commits with FULL, and a
    // power cut before it leaves only the load table behind). The WAL is copied into the
    // database once, at the end (roll/import.ts): a checkpoint during the load costs more than it
    // saves, as each one sorts the index of a WAL that never restarts while rows keep coming.
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    try {
      this.importId = db
        .transaction(() => {
          if (db.prepare('SELECT 1 FROM ballots LIMIT 1').get() !== undefined) throw new Error('the roll is not empty any more');
          const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'ballots'").get()?.sql ?? '';
          const create = table.replace(/^CREATE TABLE "?ballots"?/, `CREATE TABLE ${LOAD_TABLE}`);
          if (create === table) throw new Error('unreachable: the ballots table has no CREATE statement');
          db.exec(`DROP TABLE IF EXISTS ${LOAD_TABLE}`);
          db.exec(create);
          for (const name of INDEX_NAMES) {
            db.exec(`DROP INDEX IF EXISTS ${name}`);
            db.exec(createIndex(name, LOAD_TABLE));
          }
          return (db.prepare<[], { n: number }>('SELECT coalesce(max(import_id), 0) + 1 AS n FROM roll_imports').get()?.n ?? 1);
        })
        .immediate();
    } catch (e) {
      this.restorePragmas();
      throw e;
    }
    this.chunkInserts = new ChunkStatements(
      db,
      ROLL_CHUNK,
      (exprs) =>
        `INSERT INTO ${LOAD_TABLE} (${COLUMNS.join(', ')}, import_id, updated_import_id) SELECT ${exprs.join(', ')}, @imp, @imp ${CHUNK_FROM}
         ON CONFLICT(ballot_id) DO NOTHING`,
      COLUMNS.map((_, i) => i),
    );
  }

  /**
   * Inserts a packed chunk; returns its rows whose ballot ID an earlier row of the file has (the
   * caller rejects them). `descents`: per index (INDEX_KEYS order), the chunk's rows whose key
   * sorts below the previous row's.
   */
  addChunk(b: RollChunk, descents: readonly number[] = []): { rowNo: number; ballotId: string }[] {
    if (!this.db.inTransaction) this.db.exec('BEGIN IMMEDIATE');
    this.rows += b.n;
    this.live.forEach((seen, k) => {
      if (seen === null) return;
      const now = seen + (descents[k] ?? 0);
      // Keys out of order more than now and then: cheaper to sort once at the end.
      if (now > 64 + this.rows / 100) {
        this.db.exec(`DROP INDEX ${INDEX_NAMES[k] as string}`);
        this.live[k] = null;
      } else this.live[k] = now;
    });
    const first = this.nextId;
    const changes = this.chunkInserts.run(b, { imp: this.importId });
    this.nextId += changes;
    this.inserted += changes;
    this.uncommitted += b.n;
    const dupes: { rowNo: number; ballotId: string }[] = [];
    if (changes < b.n) {
      // Rows go in in order and a repeated key is skipped: walk the chunk against what went in.
      const kept = this.db.prepare<[number], string>(`SELECT ballot_id FROM ${LOAD_TABLE} WHERE id >= ? ORDER BY id`).pluck().all(first);
      let j = 0;
      for (let r = 0; r < b.n; r++) {
        const ballotId = String(chunkValue(b, r, 0));
        if (kept[j] === ballotId) j += 1;
        else dupes.push({ rowNo: Number(chunkValue(b, r, ROW_NO)), ballotId });
      }
    }
    if (this.uncommitted >= ROWS_PER_COMMIT) {
      this.db.exec('COMMIT');
      this.uncommitted = 0;
      this.commits += 1;
    }
    return dupes;
  }

  /**
   * Builds the indexes left for the end, then in one transaction: checks the roll is still empty,
   * records the import (`audit` appends its audit entry) and puts the loaded table in place.
   */
  finish(meta: ImportMeta, audit: (importId: number) => void): { importId: number } {
    const db = this.db;
    try {
      if (db.inTransaction) db.exec('COMMIT');
      withSortThreads(db, () =>
        INDEX_NAMES.forEach((name, k) => {
          if (this.live[k] === null) db.transaction(() => db.exec(createIndex(name, LOAD_TABLE))).immediate();
        }),
      );
      db.pragma('synchronous = FULL');
      const importId = db
        .transaction(() => {
          if (db.prepare('SELECT 1 FROM ballots LIMIT 1').get() !== undefined) throw new Error('the roll is not empty any more');
          const taken = db.prepare('SELECT 1 FROM roll_imports WHERE import_id = ?').get(this.importId) !== undefined;
          const importId = Number(
            db
              .prepare(
                `INSERT INTO roll_imports (import_id, started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected, rejects_file)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`,
              )
              .run(taken ? null : this.importId, meta.startedAt, meta.finishedAt, meta.file, meta.format, meta.operator, meta.read, this.inserted, meta.rejected, meta.rejectsFile).lastInsertRowid,
          );
          // Another import was recorded meanwhile (the state's change feed): the rows take the new ID.
          if (importId !== this.importId) db.prepare(`UPDATE ${LOAD_TABLE} SET import_id = ?, updated_import_id = ?`).run(importId, importId);
          db.exec('DROP TABLE ballots');
          db.exec(`ALTER TABLE ${LOAD_TABLE} RENAME TO ballots`);
          audit(importId);
          return importId;
        })
        .immediate();
      this.restorePragmas();
      return { importId };
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Leaves the roll as it was: the load's table dropped, the secondary indexes of `ballots` back. */
  abort(): void {
    const db = this.db;
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.pragma('synchronous = FULL');
      recoverInitialLoad(db);
    } catch {
      // A disk that failed the load may fail this too: the next import tidies up (importRoll),
      // and the caller reports the load's own error, not this one.
    } finally {
      this.restorePragmas();
    }
  }

  private restorePragmas(): void {
    this.db.pragma('threads = 0');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('wal_autocheckpoint = 1000');
    this.db.pragma('foreign_keys = ON');
  }
}
