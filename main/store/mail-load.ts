/**
 * Writing an import's scan events, two ways (the caller holds the mail-import lock):
 *
 * - **Into events already kept** (a daily feed file): each batch in one write transaction, each
 *   event inserted unless the unique (mailer_id, serial, dedupe_key) already holds it, its ballot
 *   found in the same statement through the roll's IMb index.
 * - **Into an empty table** (the first, state-sized import): events are appended to a table of
 *   their own with no index, committed batch by batch, and at the end one transaction removes the
 *   repeats, builds the indexes with SQLite's sorter and puts the table in place of the empty
 *   `mail_events`. Random-order inserts into three large B-trees would dirty a page per event; a
 *   sort builds each index in order. Until the swap nobody sees the events; a crash leaves only
 *   the load table, dropped by the next import (recoverMailLoad).
 */
import { dedupeHash, eventDirection, type MailEvent } from '../../shared/mail/event.js';
import type { Db } from './db.js';

const LOAD_TABLE = 'mail_events_load';
const BALLOT_INDEX = 'CREATE INDEX mail_events_ballot ON mail_events(ballot_id) WHERE ballot_id IS NOT NULL';
const PIECE_INDEX = 'CREATE UNIQUE INDEX mail_events_piece ON mail_events(mailer_id, serial, dedupe_key)';
// The mail-stream chart's covering index (migration 10): rebuilt with the others after the first bulk load.
const DAY_INDEX = 'CREATE INDEX mail_events_day ON mail_events(scanned_at, direction, mail_phase, ballot_id) WHERE ballot_id IS NOT NULL';

const COLUMNS = `dedupe_key, import_id, ballot_id, direction, barcode_id, stid, mailer_id, serial, routing_zip, scanned_at, scanned_at_utc,
  operation_code, event_code, handling, handling_code, mail_phase, machine_name, facility_name, facility_city, facility_state, facility_zip`;
const BALLOT_OF = '(SELECT ballot_id FROM temp.mail_imb_ballots WHERE serial = ? AND mailer_id = ?)';

/**
 * The roll's IMbs and their ballots, in a small table of this connection that answers each event's
 * lookup from one B-tree in the page cache (the roll's own index would send every one of ten
 * million lookups on to a random page of the ballots table). Where two ballots share an IMb, the
 * newest (highest row) wins, as the intake's IMb lookup has it.
 */
export function loadImbBallots(db: Db): void {
  db.exec(`DROP TABLE IF EXISTS temp.mail_imb_ballots;
    CREATE TEMP TABLE mail_imb_ballots (serial TEXT NOT NULL, mailer_id TEXT NOT NULL, ballot_id TEXT NOT NULL, PRIMARY KEY (serial, mailer_id)) WITHOUT ROWID;
    INSERT OR REPLACE INTO temp.mail_imb_ballots SELECT imb_serial, imb_mailer_id, ballot_id FROM ballots WHERE imb_serial IS NOT NULL AND imb_mailer_id IS NOT NULL ORDER BY imb_serial, imb_mailer_id, id;`);
}
const VALUES = `(?, ?, ${BALLOT_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function params(e: MailEvent, importId: number): unknown[] {
  return [
    dedupeHash(e), importId, e.serial, e.mailerId, eventDirection(e), e.barcodeId, e.stid, e.mailerId, e.serial, e.routingZip,
    e.scannedAt, e.scannedAtUtc, e.operationCode, e.eventCode, e.handling, e.handlingCode, e.mailPhase, e.machineName,
    e.facilityName, e.facilityCity, e.facilityState, e.facilityZip,
  ];
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
  add(events: readonly MailEvent[]): BatchCounts;
  /** Inside the import's closing transaction. */
  finish(): FinalCounts;
  /** After it. */
  done(): void;
  abort(): void;
}

export function mailEventWriter(db: Db, importId: number): MailEventWriter {
  loadImbBallots(db);
  const empty = db.prepare('SELECT 1 FROM mail_events LIMIT 1').get() === undefined;
  return empty ? new BulkWriter(db, importId) : new IncrementalWriter(db, importId);
}

class IncrementalWriter implements MailEventWriter {
  readonly bulk = false;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {
    this.insert = db.prepare<unknown[], { ballot_id: string | null }>(
      `INSERT INTO mail_events (${COLUMNS}) VALUES ${VALUES} ON CONFLICT (mailer_id, serial, dedupe_key) DO NOTHING RETURNING ballot_id`,
    );
  }

  add(events: readonly MailEvent[]): BatchCounts {
    const c = { imported: 0, duplicates: 0, unknownImbs: 0 };
    this.db
      .transaction(() => {
        for (const e of events) {
          const row = this.insert.get(params(e, this.importId));
          if (!row) c.duplicates += 1;
          else {
            c.imported += 1;
            if (row.ballot_id === null) c.unknownImbs += 1;
          }
        }
      })
      .immediate();
    return c;
  }

  finish(): FinalCounts {
    return { imported: 0, duplicates: 0, unknownImbs: 0, final: false };
  }

  done(): void {}

  abort(): void {}
}

class BulkWriter implements MailEventWriter {
  readonly bulk = true;
  private readonly insert;
  private readonly settings: { synchronous: unknown; autocheckpoint: unknown };
  private added = 0;

  constructor(
    private readonly db: Db,
    private readonly importId: number,
  ) {
    recoverMailLoad(db);
    // The load table is not the station's record until the swap: its commits need no fsync each,
    // and the WAL is copied into the database once, after the swap (mail/import.ts), not at every
    // thousand pages (as roll/first-load.ts does for a first roll).
    this.settings = { synchronous: db.pragma('synchronous', { simple: true }), autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }) };
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'mail_events'").get()?.sql ?? '';
    const create = table.replace(/^CREATE TABLE "?mail_events"?/, `CREATE TABLE ${LOAD_TABLE}`);
    if (create === table) throw new Error('unreachable: the mail_events table has no CREATE statement');
    db.exec(create);
    this.insert = db.prepare(`INSERT INTO ${LOAD_TABLE} (${COLUMNS}) VALUES ${VALUES}`);
  }

  /** Keys of the last two batches: a repeat close to its first (a line sent twice) is left out here, cheaply. */
  private recent = new Set<string>();
  private older = new Set<string>();
  private nearRepeats = 0;

  add(events: readonly MailEvent[]): BatchCounts {
    this.db
      .transaction(() => {
        for (const e of events) {
          const p = params(e, this.importId);
          const key = `${e.mailerId}${e.serial}:${String(p[0])}`;
          if (this.recent.has(key) || this.older.has(key)) {
            this.nearRepeats += 1;
            continue;
          }
          this.recent.add(key);
          this.insert.run(p);
          this.added += 1;
        }
      })
      .immediate();
    this.older = this.recent;
    this.recent = new Set();
    return { imported: 0, duplicates: 0, unknownImbs: 0 };
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
    const unknownImbs = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM mail_events WHERE ballot_id IS NULL').get()?.n ?? 0;
    return { imported: this.added - duplicates, duplicates: duplicates + this.nearRepeats, unknownImbs, final: true };
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
