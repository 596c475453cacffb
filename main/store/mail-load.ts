/**
 * Writing an import's scan events, two ways (the caller holds the mail-import lock):
 *
 * - **Into events already kept** (a daily feed file): each chunk in one write transaction, each
 *   event inserted unless the unique (mailer_id, serial, dedupe_key) already holds it, its ballot
 *   found in the same statement through the roll's IMbs (loadImbBallots).
 * - **Into an empty table** (the first, state-sized import): events are appended to a table of
 *   their own with no index, committed chunk by chunk, and at the end one transaction removes the
 *   repeats, builds the indexes with SQLite's sorter and puts the table in place of the empty
 *   `mail_events`. Random-order inserts into three large B-trees would dirty a page per event; a
 *   sort builds each index in order. Until the swap nobody sees the events; a crash leaves only
 *   the load table, dropped by the next import (recoverMailLoad).
 *
 * Either way events arrive packed (store/mail-chunk.ts: a file's reader packs them, on a thread of
 * its own) and each chunk goes in with one INSERT … SELECT that SQLite unpacks itself; events
 * given as objects (the IV-MTR API, add) are packed here first.
 */
import type { MailEvent } from '../../shared/mail/event.js';
import type { Db } from './db.js';
import { MAIL_CHUNK, MAIL_CHUNK_COLUMNS, MailEventPacker } from './mail-chunk.js';
import { CHUNK_FROM, ChunkStatements, ensureChunkSeq, type PackedChunk } from './packed-rows.js';
import { withSortThreads } from './sort-threads.js';

const LOAD_TABLE = 'mail_events_load';
const BALLOT_INDEX = 'CREATE INDEX mail_events_ballot ON mail_events(ballot_id) WHERE ballot_id IS NOT NULL';
const PIECE_INDEX = 'CREATE UNIQUE INDEX mail_events_piece ON mail_events(mailer_id, serial, dedupe_key)';
// The mail-stream chart's covering index (migration 10): rebuilt with the others after the first bulk load.
const DAY_INDEX = 'CREATE INDEX mail_events_day ON mail_events(scanned_at, direction, mail_phase, ballot_id) WHERE ballot_id IS NOT NULL';

/** The IMb table's page cache (KiB, as cache_size has it): 64 MiB, a roll of about 2.5 million IMbs. */
const IMB_CACHE = -65536;

/** The IMb table dropped after an import, and the temp schema's cache back to its size before (`cache`, as loadImbBallots gave it). */
export function dropImbBallots(db: Db, cache: number): void {
  db.exec('DROP TABLE IF EXISTS temp.mail_imb_ballots');
  db.pragma(`temp.cache_size = ${cache}`);
}

/**
 * The roll's IMbs and their ballots, in a small table of this connection that answers each event's
 * lookup from one B-tree in the page cache (the roll's own index would send every one of ten
 * million lookups on to a random page of the ballots table). Keyed by the IMb's 15 digits of
 * mailer ID + serial as an integer (a 6-digit mailer ID never starts with 9, a 9-digit one always
 * does, so the digits name one pair; a rowid lookup, not two text compares). Where two ballots
 * share an IMb, the newest (highest row) wins, as the intake's IMb lookup has it.
 */
export function loadImbBallots(db: Db): number {
  const cache = db.pragma('temp.cache_size', { simple: true }) as number;
  // Its own page cache, big enough to hold it (the temp schema's default is 2 MB: a roll of a
  // million IMbs would then be read back from the temp file at every lookup, in a random order).
  db.pragma(`temp.cache_size = ${IMB_CACHE}`);
  db.exec(`DROP TABLE IF EXISTS temp.mail_imb_ballots;
    CREATE TEMP TABLE mail_imb_ballots (piece INTEGER PRIMARY KEY, ballot_id TEXT NOT NULL);
    INSERT OR REPLACE INTO temp.mail_imb_ballots
      SELECT CAST(imb_mailer_id || imb_serial AS INTEGER), ballot_id FROM ballots
      WHERE imb_serial IS NOT NULL AND imb_mailer_id IS NOT NULL
        AND length(imb_mailer_id) = CASE WHEN substr(imb_mailer_id, 1, 1) = '9' THEN 9 ELSE 6 END
        AND length(imb_mailer_id) + length(imb_serial) = 15 AND imb_mailer_id || imb_serial NOT GLOB '*[^0-9]*'
      ORDER BY imb_serial, imb_mailer_id, id;`);
  return cache;
}

/**
 * One chunk's events into `table`, each with this import's ID and its ballot, found in the same
 * statement (null: an IMb no ballot of the roll has). `tail`: the rest of the statement.
 */
function chunkInsert(db: Db, table: string, tail: string): ChunkStatements {
  const col = (exprs: string[], name: (typeof MAIL_CHUNK_COLUMNS)[number]) => exprs[MAIL_CHUNK_COLUMNS.indexOf(name)] as string;
  return new ChunkStatements(
    db,
    MAIL_CHUNK,
    (exprs) =>
      `INSERT INTO ${table} (import_id, ballot_id, ${MAIL_CHUNK_COLUMNS.join(', ')})
       SELECT @imp, (SELECT ballot_id FROM temp.mail_imb_ballots WHERE piece = CAST(${col(exprs, 'mailer_id')} || ${col(exprs, 'serial')} AS INTEGER)), ${exprs.join(', ')}
       ${CHUNK_FROM} ${tail}`,
    MAIL_CHUNK_COLUMNS.map((_, i) => i),
  );
}

export interface BatchCounts {
  imported: number;
  duplicates: number;
  unknownImbs: number;
}

export interface FinalCounts extends BatchCounts {
  /** Set only by the load into an empty table, whose counts are known at the end. */
  final: boolean;
}

/** Drops a load table a killed import left behind. */
export function recoverMailLoad(db: Db): void {
  if (db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '${LOAD_TABLE}'`).get()) db.exec(`DROP TABLE ${LOAD_TABLE}`);
}

export interface MailEventWriter {
  readonly bulk: boolean;
  /**
   * A chunk of events packed by a MailEventPacker (null: none), and the events that packer left
   * out as repeats meanwhile (they are duplicates): in a write transaction of its own, or in the
   * caller's. The load into an empty table counts only at the end (zeros until finish).
   */
  addChunk(chunk: PackedChunk | null, nearRepeats: number): BatchCounts;
  /** Events as objects (the IV-MTR API's): packed, then as addChunk, in one write transaction. */
  add(events: readonly MailEvent[]): BatchCounts;
  /** Inside the import's closing transaction. */
  finish(): FinalCounts;
  /** After it. */
  done(): void;
  abort(): void;
}

export function mailEventWriter(db: Db, importId: number): MailEventWriter {
  const tempCache = loadImbBallots(db);
  ensureChunkSeq(db);
  const empty = db.prepare('SELECT 1 FROM mail_events LIMIT 1').get() === undefined;
  return empty ? new BulkWriter(db, importId, tempCache) : new IncrementalWriter(db, importId, tempCache);
}

const zero = (): BatchCounts => ({ imported: 0, duplicates: 0, unknownImbs: 0 });

abstract class ChunkWriter implements MailEventWriter {
  abstract readonly bulk: boolean;
  private readonly packer = new MailEventPacker();

  constructor(protected readonly db: Db) {}

  /** One chunk's events in, inside the caller's transaction. */
  protected abstract insert(chunk: PackedChunk | null, nearRepeats: number): BatchCounts;

  /** A write transaction (or a savepoint in the caller's). */
  protected transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  addChunk(chunk: PackedChunk | null, nearRepeats: number): BatchCounts {
    return this.transaction(() => this.insert(chunk, nearRepeats));
  }

  add(events: readonly MailEvent[]): BatchCounts {
    const chunks: PackedChunk[] = [];
    const before = this.packer.nearRepeats;
    for (const e of events) this.packer.add(e, chunks);
    this.packer.endBatch();
    const last = this.packer.take();
    if (last) chunks.push(last);
    const nearRepeats = this.packer.nearRepeats - before;
    return this.transaction(() => {
      const c = this.insert(null, nearRepeats);
      for (const chunk of chunks) {
        const d = this.insert(chunk, 0);
        c.imported += d.imported;
        c.duplicates += d.duplicates;
        c.unknownImbs += d.unknownImbs;
      }
      return c;
    });
  }

  abstract finish(): FinalCounts;
  abstract done(): void;
  abstract abort(): void;
}

class IncrementalWriter extends ChunkWriter {
  readonly bulk = false;
  private readonly inserts;

  constructor(
    db: Db,
    private readonly importId: number,
    private readonly tempCache: number,
  ) {
    super(db);
    this.inserts = chunkInsert(db, 'mail_events', 'ON CONFLICT (mailer_id, serial, dedupe_key) DO NOTHING RETURNING ballot_id IS NULL AS unknown');
  }

  protected insert(chunk: PackedChunk | null, nearRepeats: number): BatchCounts {
    const c = { imported: 0, duplicates: nearRepeats, unknownImbs: 0 };
    if (!chunk) return c;
    const kept = this.inserts.all<{ unknown: number }>(chunk, { imp: this.importId });
    c.imported = kept.length;
    c.duplicates += chunk.n - kept.length;
    for (const k of kept) c.unknownImbs += k.unknown;
    return c;
  }

  finish(): FinalCounts {
    return { ...zero(), final: false };
  }

  done(): void {
    dropImbBallots(this.db, this.tempCache);
  }

  abort(): void {
    try {
      dropImbBallots(this.db, this.tempCache);
    } catch {
      // the next import drops it
    }
  }
}

class BulkWriter extends ChunkWriter {
  readonly bulk = true;
  private readonly inserts;
  private readonly settings: { synchronous: unknown; autocheckpoint: unknown; foreignKeys: unknown };
  private added = 0;
  private nearRepeats = 0;

  constructor(
    db: Db,
    private readonly importId: number,
    private readonly tempCache: number,
  ) {
    super(db);
    recoverMailLoad(db);
    // The load table is not the station's record until the swap: its commits need no fsync each,
    // and the WAL is copied into the database once, after the swap (mail/import.ts), not at every
    // thousand pages (as roll/first-load.ts does for a first roll).
    this.settings = {
      synchronous: db.pragma('synchronous', { simple: true }),
      autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }),
      foreignKeys: db.pragma('foreign_keys', { simple: true }),
    };
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'mail_events'").get()?.sql ?? '';
    const create = table.replace(/^CREATE TABLE "?mail_events"?/, `CREATE TABLE ${LOAD_TABLE}`);
    if (create === table) throw new Error('unreachable: the mail_events table has no CREATE statement');
    db.exec(create);
    this.inserts = chunkInsert(db, LOAD_TABLE, '');
  }

  /**
   * The load's own transactions run without the foreign-key check: every event references this
   * import's row in mail_imports, committed before the first event is written, so the check
   * would look that row up once per event and find it every time. It is off only while a chunk
   * goes in (not inside the caller's transaction, where the pragma does nothing), so the
   * station's other writes on this connection keep it.
   */
  protected override transaction<T>(fn: () => T): T {
    if (this.db.inTransaction || !this.settings.foreignKeys) return super.transaction(fn);
    this.db.pragma('foreign_keys = OFF');
    try {
      return super.transaction(fn);
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  protected insert(chunk: PackedChunk | null, nearRepeats: number): BatchCounts {
    this.nearRepeats += nearRepeats;
    if (chunk) {
      this.added += this.inserts.run(chunk, { imp: this.importId });
    }
    return zero();
  }

  private restore(): void {
    this.db.pragma(`synchronous = ${Number(this.settings.synchronous)}`);
    this.db.pragma(`wal_autocheckpoint = ${Number(this.settings.autocheckpoint)}`);
  }

  /** Repeats out, indexes built, the table in place: inside the caller's transaction. */
  finish(): FinalCounts {
    if (this.db.prepare('SELECT 1 FROM mail_events LIMIT 1').get() !== undefined)
      throw new Error('events were imported meanwhile by another way in: import this file again');
    this.db.exec(`DROP TABLE mail_events; ALTER TABLE ${LOAD_TABLE} RENAME TO mail_events;`);
    return withSortThreads(this.db, () => {
      // Most files hold no repeats: try the unique index first, and sort the repeats out only when it fails.
      let duplicates = 0;
      try {
        this.db.exec(PIECE_INDEX);
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
        duplicates = this.db
          .prepare(
            `DELETE FROM mail_events WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY mailer_id, serial, dedupe_key ORDER BY id) AS n
             FROM mail_events) WHERE n > 1)`,
          )
          .run().changes;
        this.db.exec(PIECE_INDEX);
      }
      this.db.exec(BALLOT_INDEX);
      this.db.exec(DAY_INDEX);
      // The events with a ballot, counted from the ballot index just built (it holds only them): the rest carry an unknown IMb.
      const known = this.db.prepare<[], number>('SELECT count(*) FROM mail_events INDEXED BY mail_events_ballot WHERE ballot_id IS NOT NULL').pluck().get() ?? 0;
      const imported = this.added - duplicates;
      return { imported, duplicates: duplicates + this.nearRepeats, unknownImbs: imported - known, final: true };
    });
  }

  /** After the closing transaction (a pragma cannot change synchronous inside one). */
  done(): void {
    this.restore();
    dropImbBallots(this.db, this.tempCache);
  }

  abort(): void {
    try {
      this.restore();
      dropImbBallots(this.db, this.tempCache);
      recoverMailLoad(this.db);
    } catch {
      // the next import drops it
    }
  }
}
