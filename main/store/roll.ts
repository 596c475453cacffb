import { availableParallelism } from 'node:os';
import { rollValues, type RollValues } from '../../shared/roll/values.js';
import type { RollRow } from '../../shared/roll/types.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/** A ballot as stored, in the shape the rest of the station uses. */
export interface BallotRecord extends RollRow {
  importId: number;
  updatedImportId: number;
}

const COLUMNS = [
  'ballot_id', 'election_id', 'voter_id', 'alt_voter_id', 'imb_mailer_id', 'imb_serial', 'last_name', 'first_name',
  'middle_name', 'suffix', 'dob', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state',
  'mail_zip', 'precinct', 'ballot_style', 'jurisdiction', 'issued_at', 'status', 'vote_method', 'voted_other_method',
  'state_returned_at', 'source_status', 'cancelled_at',
] as const;
/** Columns a re-import may change (everything but the key). */
const DATA_COLUMNS = COLUMNS.filter((c) => c !== 'ballot_id');
const SORT_THREADS = Math.min(4, Math.max(1, availableParallelism()));
/** The roll's secondary indexes (migration v1): what each covers, by name. */
const SECONDARY_INDEXES = {
  ballots_voter: { on: '(voter_id, election_id)', key: ['voter_id', 'election_id'], nocase: false, partial: false },
  ballots_alt_voter: { on: '(alt_voter_id) WHERE alt_voter_id IS NOT NULL', key: ['alt_voter_id'], nocase: false, partial: true },
  ballots_imb: { on: '(imb_serial, imb_mailer_id) WHERE imb_serial IS NOT NULL', key: ['imb_serial', 'imb_mailer_id'], nocase: false, partial: true },
  ballots_name: { on: '(last_name COLLATE NOCASE, first_name COLLATE NOCASE)', key: ['last_name', 'first_name'], nocase: true, partial: false },
} as const;
type IndexName = keyof typeof SECONDARY_INDEXES;
const INDEX_NAMES = Object.keys(SECONDARY_INDEXES) as IndexName[];
const createIndex = (name: IndexName, table: string) => `CREATE INDEX IF NOT EXISTS ${name} ON ${table}${SECONDARY_INDEXES[name].on}`;

/** The secondary indexes' keys as batch column positions, in INDEX_NAMES order (for roll/batch.ts's KeyOrder). */
export const INDEX_KEYS = INDEX_NAMES.map((name) => {
  const ix = SECONDARY_INDEXES[name];
  return { columns: ix.key.map((c) => COLUMNS.indexOf(c)), nocase: ix.nocase, partial: ix.partial };
});

type RowValues = RollValues;
const toValues = rollValues;

/**
 * Rows packed for the store (roll/batch.ts packs them): the roll's columns in COLUMNS order,
 * then the row's number in the file. SQLite unpacks them itself, in one INSERT … SELECT per
 * batch, so no JavaScript string is made per field on the inserting thread.
 */
export interface RollBatch {
  /** Rows in the batch (at most MAX_BATCH_ROWS). */
  n: number;
  /** n rows of rowWidth bytes: each stored column at its offset, UTF-8, padded with U+0001. */
  data: Uint8Array;
  rowWidth: number;
  /** One letter per column: n null in every row, c the same in every row, e fixed width, v padded. */
  kinds: string;
  offsets: number[];
  widths: number[];
  /** The value of each `c` column. */
  constants: (string | number | null)[];
}
/** The padding byte of a RollBatch's `v` columns (U+0001: a roll value never holds it). */
export const BATCH_PAD = 1;
const DECODER = new TextDecoder();

/** One value back out of a batch (for the rare row that needs a second look: a repeated key). */
export function batchValue(b: RollBatch, row: number, col: number): string | number | null {
  const kind = b.kinds[col];
  if (kind === 'n') return null;
  if (kind === 'c') return b.constants[col] ?? null;
  const start = row * b.rowWidth + (b.offsets[col] as number);
  let end = start + (b.widths[col] as number);
  while (end > start && b.data[end - 1] === BATCH_PAD) end -= 1;
  if (end === start) return null;
  const text = DECODER.decode(b.data.subarray(start, end));
  return INTEGER_COLUMNS.has(col) ? Number(text) : text;
}

/** Columns of a RollBatch: COLUMNS, then the row number. */
export const BATCH_COLUMNS = COLUMNS.length + 1;
const ROW_NO = COLUMNS.length;
export const MAX_BATCH_ROWS = 4096;
const INTEGER_COLUMNS = new Set([COLUMNS.indexOf('voted_other_method'), ROW_NO]);

/** Row numbers 0…MAX_BATCH_ROWS-1, to unpack a batch from (one per connection). */
function ensureBatchSeq(db: Db): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS roll_seq (i INTEGER PRIMARY KEY)');
  const have = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM temp.roll_seq').get()?.n ?? 0;
  if (have < MAX_BATCH_ROWS)
    db.prepare(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${MAX_BATCH_ROWS}) INSERT OR IGNORE INTO temp.roll_seq SELECT i FROM s`).run();
}

/**
 * The expressions that unpack a batch of the given kinds into the batch columns `pick`, in order,
 * one row per `i` of temp.roll_seq (see BATCH_FROM).
 */
function batchExprs(kinds: string, pick: readonly number[]): string {
  const exprs = pick.map((k) => {
    const int = INTEGER_COLUMNS.has(k);
    const raw = `substr(@b, i * @rw + @o${k}, @w${k})`;
    switch (kinds[k]) {
      case 'n':
        return 'NULL';
      case 'c':
        return `@c${k}`;
      case 'e':
        return int ? `CAST(${raw} AS INTEGER)` : `CAST(${raw} AS TEXT)`;
      case 'v': {
        const text = `NULLIF(rtrim(CAST(${raw} AS TEXT), @pad), '')`;
        return int ? `CAST(${text} AS INTEGER)` : text;
      }
      default:
        throw new Error(`a roll batch column of unknown kind ${kinds[k] ?? '(none)'}`);
    }
  });
  return exprs.join(', ');
}
const BATCH_FROM = 'FROM temp.roll_seq WHERE i < @n ORDER BY i';

function batchParams(b: RollBatch, pick: readonly number[]): Record<string, unknown> {
  if (b.n > MAX_BATCH_ROWS || b.kinds.length !== BATCH_COLUMNS) throw new Error('a roll batch out of shape');
  const p: Record<string, unknown> = { b: b.data, rw: b.rowWidth, n: b.n };
  let padded = false;
  for (const k of pick) {
    const kind = b.kinds[k];
    if (kind === 'c') p[`c${k}`] = b.constants[k];
    else if (kind === 'e' || kind === 'v') {
      p[`o${k}`] = (b.offsets[k] as number) + 1;
      p[`w${k}`] = b.widths[k];
      if (kind === 'v') padded = true;
    }
  }
  if (padded) p['pad'] = '\u0001';
  return p;
}

/** Prepared batch statements by column kinds (a roll has few distinct shapes; a bound on them anyway). */
class BatchStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly sql: (exprs: string) => string,
    readonly pick: readonly number[],
  ) {}

  run(b: RollBatch, extra: Record<string, unknown> = {}): number {
    let stmt = this.cache.get(b.kinds);
    if (!stmt) {
      if (this.cache.size >= 256) this.cache.clear();
      stmt = this.db.prepare(this.sql(batchExprs(b.kinds, this.pick)));
      this.cache.set(b.kinds, stmt);
    }
    return stmt.run({ ...batchParams(b, this.pick), ...extra }).changes;
  }
}

export interface BallotRow {
  id: number;
  ballot_id: string; election_id: string; voter_id: string; alt_voter_id: string | null;
  imb_mailer_id: string | null; imb_serial: string | null; last_name: string; first_name: string;
  middle_name: string | null; suffix: string | null; dob: string | null; res_address: string | null;
  res_city: string | null; res_zip: string | null; mail_address: string | null; mail_city: string | null;
  mail_state: string | null; mail_zip: string | null; precinct: string | null; ballot_style: string | null;
  jurisdiction: string | null; issued_at: string | null; status: 'ISSUED' | 'CANCELLED';
  vote_method: 'MAIL' | 'IN_PERSON'; voted_other_method: 0 | 1; state_returned_at: string | null;
  source_status: string | null; import_id: number; updated_import_id: number;
  cancelled_at: string | null;
}

export function toBallotRecord(b: BallotRow): BallotRecord {
  return {
    ballotId: b.ballot_id, electionId: b.election_id, voterId: b.voter_id, altVoterId: b.alt_voter_id,
    imbMailerId: b.imb_mailer_id, imbSerial: b.imb_serial, lastName: b.last_name, firstName: b.first_name,
    middleName: b.middle_name, suffix: b.suffix, dob: b.dob, resAddress: b.res_address, resCity: b.res_city,
    resZip: b.res_zip, mailAddress: b.mail_address, mailCity: b.mail_city, mailState: b.mail_state,
    mailZip: b.mail_zip, precinct: b.precinct, ballotStyle: b.ballot_style, jurisdiction: b.jurisdiction,
    issuedAt: b.issued_at, status: b.status, voteMethod: b.vote_method, votedOtherMethod: b.voted_other_method === 1,
    stateReturnedAt: b.state_returned_at, sourceStatus: b.source_status, cancelledAt: b.cancelled_at, importId: b.import_id,
    updatedImportId: b.updated_import_id,
  };
}

export interface MergeCounts {
  imported: number;
  updated: number;
  unchanged: number;
}

/**
 * A roll import in two phases. Rows are first staged in a connection-private TEMP table in
 * short transactions (scans keep flowing between them); then one transaction merges the
 * stage into `ballots`. A failure before or during the merge leaves the roll as it was.
 */
export class RollStaging {
  private readonly insert;
  private readonly batchInsert;
  private readonly firstRowOf;
  private pending: { rowNo: number; values: RowValues }[] = [];
  staged = 0;

  constructor(private readonly db: Db) {
    // TEXT affinity on purpose: an untyped column would turn '000000042' into 42.
    db.exec(`DROP TABLE IF EXISTS temp.roll_stage;
      CREATE TEMP TABLE roll_stage (row_no INTEGER NOT NULL, ${COLUMNS.map((c) => `${c} ${c === 'voted_other_method' ? 'INTEGER' : 'TEXT'}`).join(', ')},
        PRIMARY KEY (ballot_id)) WITHOUT ROWID`);
    this.insert = db.prepare(
      `INSERT INTO temp.roll_stage (row_no, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT(ballot_id) DO NOTHING`,
    );
    this.firstRowOf = db.prepare<[string], { row_no: number }>('SELECT row_no FROM temp.roll_stage WHERE ballot_id = ?');
    ensureBatchSeq(db);
    this.batchInsert = new BatchStatements(
      db,
      (exprs) => `INSERT INTO temp.roll_stage (row_no, ${COLUMNS.join(', ')}) SELECT ${exprs} ${BATCH_FROM} ON CONFLICT(ballot_id) DO NOTHING`,
      [ROW_NO, ...COLUMNS.map((_, i) => i)],
    );
  }

  /**
   * Stages a packed batch in one statement (rows queued with add are written first); returns the
   * rows whose key an earlier row already has, as flush does.
   */
  addBatch(b: RollBatch): { rowNo: number; ballotId: string; firstRowNo: number }[] {
    const dupes = this.pending.length > 0 ? this.flush() : [];
    const changes = this.batchInsert.run(b);
    this.staged += changes;
    if (changes === b.n) return dupes;
    for (let r = 0; r < b.n; r++) {
      const ballotId = String(batchValue(b, r, 0));
      const rowNo = Number(batchValue(b, r, ROW_NO));
      const firstRowNo = this.firstRowOf.get(ballotId)?.row_no ?? 0;
      if (firstRowNo !== rowNo) dupes.push({ rowNo, ballotId, firstRowNo });
    }
    return dupes;
  }

  /**
   * Queues a row; returns the row number of an earlier row with the same ballot ID when the
   * file repeats a key (the caller rejects the later row), checked when the chunk is flushed.
   */
  add(rowNo: number, row: RollRow): void {
    this.pending.push({ rowNo, values: toValues(row) });
  }

  /** As add, with the row already in column order (see shared/roll/values.ts). */
  addValues(rowNo: number, values: RollValues): void {
    this.pending.push({ rowNo, values });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes queued rows in one short transaction; returns the rows whose key was already staged. */
  flush(): { rowNo: number; ballotId: string; firstRowNo: number }[] {
    const dupes: { rowNo: number; ballotId: string; firstRowNo: number }[] = [];
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const { rowNo, values } of rows) {
        if (this.insert.run(rowNo, ...values).changes === 0) {
          const ballotId = String(values[0]);
          dupes.push({ rowNo, ballotId, firstRowNo: this.firstRowOf.get(ballotId)?.row_no ?? 0 });
        } else this.staged += 1;
      }
    })();
    return dupes;
  }

  /**
   * Merges the stage into the roll in one transaction: new ballots are inserted, changed ones
   * updated (their old values kept in ballot_changes), identical ones left alone. Receipts
   * live in other tables and are never touched. On an empty roll the secondary indexes are
   * dropped and built once afterwards, which is several times faster at state scale.
   */
  /** Must run inside the caller's write transaction (which also records the import). */
  merge(importId: number): MergeCounts {
    if (!this.db.inTransaction) throw new Error('roll merge outside a transaction');
    const changed = DATA_COLUMNS.map((c) => `b.${c}`).join(', ');
    const staged = DATA_COLUMNS.map((c) => `s.${c}`).join(', ');
    return this.mergeInto(importId, changed, staged);
  }

  private mergeInto(importId: number, changed: string, staged: string): MergeCounts {
    {
      const empty = this.db.prepare('SELECT 1 FROM ballots LIMIT 1').get() === undefined;
      if (empty) {
        for (const name of INDEX_NAMES) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
        const n = this.db
          .prepare(
            `INSERT INTO ballots (${COLUMNS.join(', ')}, import_id, updated_import_id)
             SELECT ${COLUMNS.join(', ')}, ?, ? FROM temp.roll_stage ORDER BY ballot_id`,
          )
          .run(importId, importId).changes;
        for (const name of INDEX_NAMES) this.db.exec(createIndex(name, 'ballots'));
        return { imported: n, updated: 0, unchanged: 0 };
      }
      keepCancellationDates(this.db);
      const counts = this.db
        .prepare<[], { total: number; existing: number; updated: number }>(
          `SELECT count(*) AS total, count(b.id) AS existing,
                  coalesce(sum(b.id IS NOT NULL AND (${changed}) IS NOT (${staged})), 0) AS updated
           FROM temp.roll_stage s LEFT JOIN ballots b ON b.ballot_id = s.ballot_id`,
        )
        .get() ?? { total: 0, existing: 0, updated: 0 };
      const json = (alias: string) => `json_object(${DATA_COLUMNS.map((c) => `'${c}', ${alias}.${c}`).join(', ')})`;
      this.db
        .prepare(
          `INSERT INTO ballot_changes (ballot_id, import_id, before, after)
           SELECT s.ballot_id, ?, ${json('b')}, ${json('s')}
           FROM temp.roll_stage s JOIN ballots b ON b.ballot_id = s.ballot_id
           WHERE (${changed}) IS NOT (${staged})`,
        )
        .run(importId);
      this.db
        .prepare(
          `INSERT INTO ballots (${COLUMNS.join(', ')}, import_id, updated_import_id)
           SELECT ${COLUMNS.join(', ')}, ?, ? FROM temp.roll_stage WHERE true
           ON CONFLICT(ballot_id) DO UPDATE SET ${DATA_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')},
             updated_import_id = excluded.updated_import_id
           WHERE (${DATA_COLUMNS.map((c) => `ballots.${c}`).join(', ')}) IS NOT (${DATA_COLUMNS.map((c) => `excluded.${c}`).join(', ')})`,
        )
        .run(importId, importId);
      return { imported: counts.total - counts.existing, updated: counts.updated, unchanged: counts.existing - counts.updated };
    }
  }

  dispose(): void {
    this.pending = [];
    this.db.exec('DROP TABLE IF EXISTS temp.roll_stage');
  }
}

export interface ImportMeta {
  startedAt: string;
  finishedAt: string;
  file: string;
  format: string;
  operator: string;
  read: number;
  rejected: number;
  rejectsFile: string | null;
}

export interface RollQuery {
  name?: string;
  dob?: string;
  voterId?: string;
  ballotId?: string;
  address?: string;
  limit?: number;
}

export interface RollStats {
  ballots: number;
  voters: number;
  elections: { electionId: string; ballots: number }[];
  byStatus: Record<string, number>;
  inPerson: number;
  withImb: number;
  imports: number;
  lastImport: { importId: number; finishedAt: string; file: string; format: string } | null;
}

/** Roll queries: stats, the phone-inquiry search, a ballot's roll history. */
export class RollStore {
  private readonly loadTable;

  constructor(private readonly db: Db) {
    // Asked on every scan that finds nothing: prepared once.
    this.loadTable = db.prepare(LOAD_TABLE_EXISTS);
  }

  /** Records the import and merges the stage, all in one transaction. */
  commitImport(staging: RollStaging, meta: ImportMeta, onMerged: (importId: number, counts: MergeCounts) => void): MergeCounts & { importId: number } {
    return this.db
      .transaction(() => {
        const importId = Number(
          this.db
            .prepare(
              `INSERT INTO roll_imports (started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected, rejects_file)
               VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)`,
            )
            .run(meta.startedAt, meta.finishedAt, meta.file, meta.format, meta.operator, meta.read, meta.rejected, meta.rejectsFile).lastInsertRowid,
        );
        const counts = staging.merge(importId);
        this.db.prepare('UPDATE roll_imports SET imported = ?, updated = ?, unchanged = ? WHERE import_id = ?').run(counts.imported, counts.updated, counts.unchanged, importId);
        onMerged(importId, counts);
        return { ...counts, importId };
      })
      .immediate();
  }

  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM ballots LIMIT 1').get() === undefined;
  }

  /** Whether a first import is loading the roll (or was killed before it finished: the next import tidies up). */
  firstImportPending(): boolean {
    return this.loadTable.get() !== undefined;
  }

  stats(): RollStats {
    const one = <T>(sql: string): T => this.db.prepare<[], T>(sql).get() as T;
    const byStatus: Record<string, number> = {};
    for (const r of this.db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM ballots GROUP BY status').all())
      byStatus[r.status] = r.n;
    const last = this.db
      .prepare<[], { importId: number; finishedAt: string; file: string; format: string }>(
        'SELECT import_id AS importId, finished_at AS finishedAt, file, format FROM roll_imports ORDER BY import_id DESC LIMIT 1',
      )
      .get();
    return {
      ballots: one<{ n: number }>('SELECT count(*) AS n FROM ballots').n,
      voters: one<{ n: number }>('SELECT count(DISTINCT voter_id) AS n FROM ballots').n,
      elections: this.db
        .prepare<[], { electionId: string; ballots: number }>('SELECT election_id AS electionId, count(*) AS ballots FROM ballots GROUP BY election_id ORDER BY election_id')
        .all(),
      byStatus,
      inPerson: one<{ n: number }>("SELECT count(*) AS n FROM ballots WHERE vote_method = 'IN_PERSON'").n,
      withImb: one<{ n: number }>('SELECT count(*) AS n FROM ballots WHERE imb_serial IS NOT NULL').n,
      imports: one<{ n: number }>('SELECT count(*) AS n FROM roll_imports').n,
      lastImport: last ?? null,
    };
  }

  /**
   * The phone-inquiry search. Name is "LAST" or "LAST, FIRST" (prefixes, any case); every given
   * criterion must match. Returns whole voters: all their ballots, newest first.
   */
  find(q: RollQuery): BallotRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.ballotId) {
      where.push('ballot_id = ?');
      args.push(q.ballotId.trim());
    }
    if (q.voterId) {
      where.push('(voter_id = ? OR alt_voter_id = ?)');
      args.push(q.voterId.trim(), q.voterId.trim());
    }
    if (q.name) {
      const [last, first] = q.name.split(',').map((s) => s.trim());
      where.push("last_name LIKE ? ESCAPE '\\' COLLATE NOCASE");
      args.push(likePrefix(last ?? ''));
      if (first) {
        where.push("first_name LIKE ? ESCAPE '\\' COLLATE NOCASE");
        args.push(likePrefix(first));
      }
    }
    if (q.dob) {
      where.push('dob = ?');
      args.push(q.dob.trim());
    }
    if (q.address) {
      where.push("(res_address LIKE ? ESCAPE '\\' COLLATE NOCASE OR mail_address LIKE ? ESCAPE '\\' COLLATE NOCASE)");
      args.push(`%${escapeLike(q.address.trim())}%`, `%${escapeLike(q.address.trim())}%`);
    }
    if (where.length === 0) return [];
    const limit = Math.min(q.limit ?? 50, 500);
    // Find the voters first, then return every ballot of each (the reissue history).
    return this.db
      .prepare<(string | number)[], BallotRow>(
        `SELECT * FROM ballots WHERE voter_id IN (SELECT DISTINCT voter_id FROM ballots WHERE ${where.join(' AND ')} LIMIT ?)
         ORDER BY last_name, first_name, voter_id, coalesce(issued_at, '') DESC, id DESC`,
      )
      .all(...args, limit);
  }

  changesOf(ballotId: string): { importId: number; before: Record<string, unknown>; after: Record<string, unknown>; at: string }[] {
    return this.db
      .prepare<[string], { importId: number; before: string; after: string; at: string }>(
        `SELECT c.import_id AS importId, c.before, c.after, i.finished_at AS at FROM ballot_changes c
         JOIN roll_imports i ON i.import_id = c.import_id WHERE c.ballot_id = ? ORDER BY c.id`,
      )
      .all(ballotId)
      .map((r) => ({ importId: r.importId, at: r.at, before: JSON.parse(r.before) as Record<string, unknown>, after: JSON.parse(r.after) as Record<string, unknown> }));
  }

  rejectsFileOf(importId: number): string | null {
    return this.db.prepare<[number], { f: string | null }>('SELECT rejects_file AS f FROM roll_imports WHERE import_id = ?').get(importId)?.f ?? null;
  }

  importOf(importId: number): { finishedAt: string; file: string } | undefined {
    return this.db.prepare<[number], { finishedAt: string; file: string }>('SELECT finished_at AS finishedAt, file FROM roll_imports WHERE import_id = ?').get(importId);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePrefix(s: string): string {
  return `${escapeLike(s)}%`;
}

/**
 * A re-import that says a ballot is cancelled but gives no date keeps the date already recorded
 * (from an earlier file, or the state's change feed): the staged row takes it before the merge
 * compares, so an unchanged ballot still counts as unchanged.
 */
function keepCancellationDates(db: Db): void {
  db.exec(`UPDATE temp.roll_stage SET cancelled_at = (SELECT b.cancelled_at FROM ballots b WHERE b.ballot_id = roll_stage.ballot_id)
           WHERE status = 'CANCELLED' AND cancelled_at IS NULL`);
}

export type StateChangeKind = 'cancelled' | 'voted_in_person' | 'reissued';

/**
 * Applies one change from the state's feed to the roll, inside the caller's transaction, with
 * the before/after kept in ballot_changes like any re-import. Returns what it did, or why not.
 */
export function applyStateChangeWithin(
  db: Db,
  importId: number,
  change: { kind: StateChangeKind; ballotId: string; newBallotId?: string; at: string },
): 'applied' | 'unchanged' | 'unknown-ballot' {
  const b = db.prepare<[string], BallotRow>('SELECT * FROM ballots WHERE ballot_id = ?').get(change.ballotId);
  if (!b) return 'unknown-ballot';
  const record = (before: Record<string, unknown>, after: Record<string, unknown>) =>
    db.prepare('INSERT INTO ballot_changes (ballot_id, import_id, before, after) VALUES (?, ?, ?, ?)').run(change.ballotId, importId, JSON.stringify(before), JSON.stringify(after));
  switch (change.kind) {
    case 'cancelled':
      // The feed's date is kept; an earlier date already recorded is not replaced.
      if (b.status === 'CANCELLED' && b.cancelled_at !== null) return 'unchanged';
      // A ballot the roll already cancelled keeps its own status words (NC's SPOILED-EV says more).
      db.prepare(
        `UPDATE ballots SET source_status = CASE WHEN status = 'CANCELLED' THEN source_status ELSE 'STATE: CANCELLED' END, status = 'CANCELLED',
           cancelled_at = coalesce(cancelled_at, ?), updated_import_id = ? WHERE id = ?`,
      ).run(change.at, importId, b.id);
      record({ status: b.status, cancelled_at: b.cancelled_at }, { status: 'CANCELLED', cancelled_at: b.cancelled_at ?? change.at });
      return 'applied';
    case 'voted_in_person':
      if (b.voted_other_method === 1) return 'unchanged';
      db.prepare('UPDATE ballots SET voted_other_method = 1, updated_import_id = ? WHERE id = ?').run(importId, b.id);
      record({ voted_other_method: 0 }, { voted_other_method: 1 });
      return 'applied';
    case 'reissued': {
      if (!change.newBallotId) return 'unchanged';
      const exists = db.prepare('SELECT 1 FROM ballots WHERE ballot_id = ?').get(change.newBallotId);
      if (exists) return 'unchanged';
      // The new ballot carries the voter's roll data; being issued later, it supersedes the old one.
      db.prepare(
        `INSERT INTO ballots (${COLUMNS.join(', ')}, import_id, updated_import_id)
         SELECT ?, election_id, voter_id, alt_voter_id, NULL, NULL, last_name, first_name, middle_name, suffix, dob, res_address,
           res_city, res_zip, mail_address, mail_city, mail_state, mail_zip, precinct, ballot_style, jurisdiction, ?, 'ISSUED',
           vote_method, voted_other_method, NULL, 'STATE: REISSUED', NULL, ?, ? FROM ballots WHERE id = ?`,
      ).run(change.newBallotId, change.at, importId, importId, b.id);
      record({ reissued: null }, { reissued: change.newBallotId });
      return 'applied';
    }
  }
}

/** The initial load's table, beside `ballots` until it takes its place. */
const LOAD_TABLE = 'roll_initial_load';
const LOAD_TABLE_EXISTS = `SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '${LOAD_TABLE}'`;
/** Rows per committed chunk of the initial load. */
const LOAD_CHUNK_ROWS = 65_536;

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
 * station's file (`roll_initial_load`, the same columns as `ballots`), in committed chunks, so
 * that scans may write between chunks and no transaction outgrows the page cache. Nobody reads
 * that table. At the end one short
 * transaction checks the roll is still empty, records the import and puts the table in place of
 * `ballots` (DROP, RENAME): until then the roll is exactly as it was, and an import that fails or
 * is killed leaves it so (recoverInitialLoad tidies up after a kill).
 *
 * A secondary index whose keys arrive in order (voter IDs, IMb serials, as state exports are
 * sorted) is kept up while loading, where each entry lands beside the last; one whose keys turn
 * out to arrive at random (names) is dropped as soon as that shows and built at the end with
 * SQLite's multi-threaded sorter. An index name belongs to one table: while loading, the roll's
 * secondary indexes are on the load table and the empty `ballots` has none; they are back on
 * `ballots` when the load ends, whichever way it ends.
 */
export class InitialLoad {
  private readonly batches: BatchStatements;
  /** The import's ID, taken at the start (ballots carry it) and recorded at the swap. */
  private importId: number;
  /** The id the next inserted ballot gets (rowids are assigned max + 1, and only this load writes the table). */
  private nextId = 1;
  private chunkRows = 0;
  private rows = 0;
  /** Chunks committed so far. */
  chunks = 0;
  /** Descents seen per live index (INDEX_NAMES order); null once it is left for the end. */
  private readonly live: (number | null)[] = INDEX_NAMES.map(() => 0);
  inserted = 0;

  /** The caller holds the import lock and has run recoverInitialLoad. */
  constructor(private readonly db: Db) {
    ensureBatchSeq(db);
    // Every row references this import, which is recorded only in the swap's transaction: with
    // the check on, every chunk would fail it. Once the swap has run, every reference holds.
    db.pragma('foreign_keys = OFF');
    // The chunks are not the roll: they need no fsync each (the swap commits with FULL, and a
    // power cut before it leaves only the load table behind). The WAL is copied into the
    // database once, at the end (roll/import.ts): a checkpoint thread during the load cost more
    // than it saved (each PASSIVE checkpoint sorts the index of a WAL that never restarts while
    // chunks keep coming; on a 10M roll, 3.5 s more and 10 s more CPU).
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
    this.batches = new BatchStatements(
      db,
      (exprs) =>
        `INSERT INTO ${LOAD_TABLE} (${COLUMNS.join(', ')}, import_id, updated_import_id) SELECT ${exprs}, @imp, @imp ${BATCH_FROM}
         ON CONFLICT(ballot_id) DO NOTHING`,
      COLUMNS.map((_, i) => i),
    );
  }

  /**
   * Inserts a packed batch; returns its rows whose ballot ID an earlier row of the file has (the
   * caller rejects them). `descents`: per index (INDEX_KEYS order), the batch's rows whose key
   * sorts below the previous row's.
   */
  addBatch(b: RollBatch, descents: readonly number[] = []): { rowNo: number; ballotId: string }[] {
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
    const changes = this.batches.run(b, { imp: this.importId });
    this.nextId += changes;
    this.inserted += changes;
    this.chunkRows += b.n;
    const dupes: { rowNo: number; ballotId: string }[] = [];
    if (changes < b.n) {
      // Rows go in in order and a repeated key is skipped: walk the batch against what went in.
      const kept = this.db.prepare<[number], string>(`SELECT ballot_id FROM ${LOAD_TABLE} WHERE id >= ? ORDER BY id`).pluck().all(first);
      let j = 0;
      for (let r = 0; r < b.n; r++) {
        const ballotId = String(batchValue(b, r, 0));
        if (kept[j] === ballotId) j += 1;
        else dupes.push({ rowNo: Number(batchValue(b, r, ROW_NO)), ballotId });
      }
    }
    if (this.chunkRows >= LOAD_CHUNK_ROWS) {
      this.db.exec('COMMIT');
      this.chunkRows = 0;
      this.chunks += 1;
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
      const cache = db.pragma('cache_size', { simple: true }) as number;
      // Each sort runs on worker threads, in runs sized by the page cache: small runs sort within
      // the CPU's caches and merge on the threads. The name index of a 10M roll, on this 2-core
      // machine: 7.5 s with 2 MiB, 10 s with 16 MiB, 15 s with 64 MiB (BENCHMARKS.md).
      db.pragma(`threads = ${SORT_THREADS}`);
      db.pragma('cache_size = -2048');
      INDEX_NAMES.forEach((name, k) => {
        if (this.live[k] === null) db.transaction(() => db.exec(createIndex(name, LOAD_TABLE))).immediate();
      });
      db.pragma(`cache_size = ${cache}`);
      db.pragma('threads = 0');
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
