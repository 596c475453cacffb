/**
 * Writing an import's scan events, two ways (the caller holds the mail-import lock):
 *
 * - **Into events already kept** (a daily feed file): each chunk in one write transaction, each
 *   event inserted unless the unique (piece, dedupe_key) already holds it.
 * - **Into an empty table** (the first, state-sized import): events are appended to a table of
 *   their own with no index, committed chunk by chunk, and at the end one transaction removes the
 *   repeats, builds the indexes with SQLite's sorter and puts the table in place of the empty
 *   `mail_event_rows`. Random-order inserts into three large B-trees would dirty a page per event;
 *   a sort builds each index in order. Until the swap nobody sees the events; a crash leaves only
 *   the load table, dropped by the next import (recoverMailLoad).
 *
 * Either way a chunk's new places (store/mail-places.ts: each event row holds its place's
 * number) go into `mail_places` in the chunk's transaction, before its rows.
 *
 * Either way events arrive packed (store/mail-chunk.ts: a file's reader packs them, on a thread of
 * its own), each with its ballot, found by the packer in the roll's IMbs as they were when the
 * import began (store/mail-ballots.ts, the writer's `ballots`), and each chunk goes in with one
 * INSERT … SELECT that SQLite unpacks itself; events given as objects (the IV-MTR API, add) are
 * packed here first.
 */
import type { MailEvent } from '../../shared/mail/event.js';
import type { Db } from './db.js';
import { pieceBallots, type PieceBallots } from './mail-ballots.js';
import { MAIL_CHUNK, MAIL_CHUNK_COLUMNS, MailEventPacker } from './mail-chunk.js';
import type { Statement } from 'better-sqlite3';
import { keptMailPlaces, MailPlaces, PLACE_COLUMNS, placeInserter, type MailPlace, type MailPlacesData } from './mail-places.js';
import { MAIL_BALLOT_INDEX, MAIL_EVENTS_VIEW, MAIL_PIECE_INDEX } from './migrations/v14-mail-piece.js';
import { CHUNK_FROM, ChunkStatements, ensureChunkSeq, type PackedChunk } from './packed-rows.js';
import { renumberPlaces } from './mail-rows.js';
import { withSortThreads } from './sort-threads.js';

const LOAD_TABLE = 'mail_events_load';

/**
 * One chunk's events into `table`, each with this import's ID (each carries its ballot: the
 * packer found it). `tail`: the rest of the statement. `ids`: each row given its ID, the chunk's
 * first row @id, the next @id + 1, and so on (else SQLite gives them).
 */
function chunkInsert(db: Db, table: string, tail: string, ids = false): ChunkStatements {
  const [idColumn, idValue] = ids ? ['id, ', '@id + i, '] : ['', ''];
  return new ChunkStatements(
    db,
    MAIL_CHUNK,
    (exprs) => `INSERT INTO ${table} (${idColumn}import_id, ${MAIL_CHUNK_COLUMNS.join(', ')}) SELECT ${idValue}@imp, ${exprs.join(', ')} ${CHUNK_FROM} ${tail}`,
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
  /** The roll's IMbs and ballots as the import began: what a reader packing chunks for addChunk finds each event's ballot in. */
  readonly ballots: PieceBallots;
  /** The places kept as the import began: what a reader packing chunks for addChunk numbers places from (one reader an import). */
  readonly places: MailPlacesData;
  /**
   * A chunk of events packed by a MailEventPacker (null: none), the events that packer left out
   * as repeats meanwhile (they are duplicates) and the places it numbered since the chunk before:
   * in a write transaction of its own, or in the caller's. The load into an empty table counts
   * only at the end (zeros until finish).
   */
  addChunk(chunk: PackedChunk | null, nearRepeats: number, places?: readonly MailPlace[], part?: 0 | 1): BatchCounts;
  /**
   * Readies the writer for a second reader of the file, reading from byte `from` on (the load
   * into an empty table only: null otherwise). Its chunks come to addChunk as part 1; its new
   * places are numbered from the number returned (none of the first reader's can reach it).
   */
  splitAt(from: number): number | null;
  /** Events as objects (the IV-MTR API's): packed, then as addChunk, in one write transaction. */
  add(events: readonly MailEvent[]): BatchCounts;
  /** Inside the import's closing transaction. */
  finish(): FinalCounts;
  /** After it. */
  done(): void;
  abort(): void;
}

export function mailEventWriter(db: Db, importId: number): MailEventWriter {
  const ballots = pieceBallots(db);
  ensureChunkSeq(db);
  const empty = db.prepare('SELECT 1 FROM mail_event_rows LIMIT 1').get() === undefined;
  return empty ? new BulkWriter(db, importId, ballots) : new IncrementalWriter(db, importId, ballots);
}

const zero = (): BatchCounts => ({ imported: 0, duplicates: 0, unknownImbs: 0 });

abstract class ChunkWriter implements MailEventWriter {
  abstract readonly bulk: boolean;
  readonly places: MailPlacesData;
  private readonly packer: MailEventPacker;
  private readonly insertPlaces: (places: readonly MailPlace[]) => void;

  constructor(
    protected readonly db: Db,
    readonly ballots: PieceBallots,
  ) {
    this.places = keptMailPlaces(db);
    this.packer = new MailEventPacker(ballots, undefined, new MailPlaces(this.places));
    this.insertPlaces = placeInserter(db);
  }

  /** One chunk's events in (of `part` of the file: splitAt), inside the caller's transaction. */
  protected abstract insert(chunk: PackedChunk | null, nearRepeats: number, part?: 0 | 1): BatchCounts;

  /** A chunk's new places (of `part` of the file: splitAt), kept before its rows, inside the caller's transaction. */
  protected keepPlaces(places: readonly MailPlace[], part: 0 | 1): void {
    if (part !== 0) throw new Error('unreachable: a second part of a file, with no split');
    this.insertPlaces(places);
  }

  /** A write transaction (or a savepoint in the caller's). */
  protected transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  addChunk(chunk: PackedChunk | null, nearRepeats: number, places: readonly MailPlace[] = [], part: 0 | 1 = 0): BatchCounts {
    return this.transaction(() => {
      this.keepPlaces(places, part);
      return this.insert(chunk, nearRepeats, part);
    });
  }

  add(events: readonly MailEvent[]): BatchCounts {
    const chunks: PackedChunk[] = [];
    const before = this.packer.nearRepeats;
    for (const e of events) this.packer.add(e, chunks);
    this.packer.endBatch();
    const last = this.packer.take();
    if (last) chunks.push(last);
    const nearRepeats = this.packer.nearRepeats - before;
    const places = this.packer.places.take();
    return this.transaction(() => {
      this.keepPlaces(places, 0);
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

  splitAt(_from: number): number | null {
    return null;
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
    ballots: PieceBallots,
  ) {
    super(db, ballots);
    this.inserts = chunkInsert(db, 'mail_event_rows', 'ON CONFLICT (piece, dedupe_key) DO NOTHING RETURNING ballot_id IS NULL AS unknown');
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

  done(): void {}

  abort(): void {}
}

/**
 * A part of the file, as the load writes it (BulkWriter.splitAt): the ID its next event gets, and
 * the place numbers its reader gave that the store already holds under another number (the other
 * reader met the place first), with that number.
 */
interface Part {
  nextId: number;
  renumber: Map<number, number>;
}

class BulkWriter extends ChunkWriter {
  readonly bulk = true;
  private readonly inserts;
  private readonly settings: { synchronous: unknown; autocheckpoint: unknown; foreignKeys: unknown };
  private added = 0;
  private nearRepeats = 0;
  private readonly parts: Part[] = [{ nextId: 1, renumber: new Map() }];
  /** A place kept, by its values (when the file is read in two parts). */
  private findPlace: Statement | null = null;

  constructor(
    db: Db,
    private readonly importId: number,
    ballots: PieceBallots,
  ) {
    super(db, ballots);
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
    const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'mail_event_rows'").get()?.sql ?? '';
    const create = table.replace(/^CREATE TABLE "?mail_event_rows"?/, `CREATE TABLE ${LOAD_TABLE}`);
    if (create === table) throw new Error('unreachable: the mail_event_rows table has no CREATE statement');
    db.exec(create);
    this.inserts = chunkInsert(db, LOAD_TABLE, '', true);
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

  /** Each event with the ID that comes next in its part, and its place under the store's number. */
  protected insert(chunk: PackedChunk | null, nearRepeats: number, part: 0 | 1 = 0): BatchCounts {
    const into = this.partOf(part);
    this.nearRepeats += nearRepeats;
    if (chunk) {
      if (into.renumber.size > 0) renumberPlaces(chunk, into.renumber);
      this.added += this.inserts.run(chunk, { imp: this.importId, id: into.nextId });
      into.nextId += chunk.n;
    }
    return zero();
  }

  private partOf(part: 0 | 1): Part {
    const into = this.parts[part];
    if (!into) throw new Error('unreachable: a second part of a file, with no split');
    return into;
  }

  /**
   * The second part's events take IDs from `from` + 1: the first part holds fewer than `from`
   * lines, so its events' IDs stay below, and IDs follow the file (the first of two repeats is
   * the one kept: finish). Each reader numbers the places it meets; a place both meet is kept
   * under the number that came first, and the other reader's rows are given it as they go in.
   */
  override splitAt(from: number): number {
    if (this.parts.length > 1) throw new Error('unreachable: a file split twice');
    this.parts.push({ nextId: from + 1, renumber: new Map() });
    this.findPlace = this.db.prepare(`SELECT place FROM mail_places WHERE ${PLACE_COLUMNS.map((c) => `${c} = ?`).join(' AND ')}`).pluck();
    // The first reader numbers at most one new place a line, and its part holds fewer than `from` lines.
    return this.places.known.reduce((max, p) => Math.max(max, p.place), 0) + 1 + from;
  }

  /** When the file is split: a place the store holds already (the other reader met it first) is renumbered, not kept again. */
  protected override keepPlaces(places: readonly MailPlace[], part: 0 | 1): void {
    const find = this.findPlace;
    if (!find) return super.keepPlaces(places, part);
    const into = this.partOf(part);
    for (const p of places) {
      const kept = find.get(...p.values) as number | undefined;
      if (kept === undefined) super.keepPlaces([p], 0);
      else into.renumber.set(p.place, kept);
    }
  }

  private restore(): void {
    this.db.pragma(`synchronous = ${Number(this.settings.synchronous)}`);
    this.db.pragma(`wal_autocheckpoint = ${Number(this.settings.autocheckpoint)}`);
  }

  /** Repeats out, indexes built, the table in place: inside the caller's transaction. */
  finish(): FinalCounts {
    if (this.db.prepare('SELECT 1 FROM mail_event_rows LIMIT 1').get() !== undefined)
      throw new Error('events were imported meanwhile by another way in: import this file again');
    // The view goes while the table is swapped (a rename checks every view over the schema) and comes back as it was.
    this.db.exec(`DROP VIEW mail_events; DROP TABLE mail_event_rows; ALTER TABLE ${LOAD_TABLE} RENAME TO mail_event_rows; ${MAIL_EVENTS_VIEW};`);
    return withSortThreads(this.db, () => {
      // Most files hold no repeats: try the unique index first, and sort the repeats out only when it fails.
      let duplicates = 0;
      try {
        this.db.exec(MAIL_PIECE_INDEX);
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
        duplicates = this.db
          .prepare(
            `DELETE FROM mail_event_rows WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY piece, dedupe_key ORDER BY id) AS n
             FROM mail_event_rows) WHERE n > 1)`,
          )
          .run().changes;
        this.db.exec(MAIL_PIECE_INDEX);
      }
      this.db.exec(MAIL_BALLOT_INDEX);
      // The events with a ballot, counted from the ballot index just built (it holds only them): the rest carry an unknown IMb.
      const known = this.db.prepare<[], number>('SELECT count(*) FROM mail_event_rows INDEXED BY mail_events_ballot WHERE ballot_id IS NOT NULL').pluck().get() ?? 0;
      const imported = this.added - duplicates;
      return { imported, duplicates: duplicates + this.nearRepeats, unknownImbs: imported - known, final: true };
    });
  }

  /** After the closing transaction (a pragma cannot change synchronous inside one). */
  done(): void {
    this.restore();
  }

  abort(): void {
    try {
      this.restore();
      recoverMailLoad(this.db);
    } catch {
      // the next import drops it
    }
  }
}
