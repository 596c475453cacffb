import { rollValues, type RollValues } from '../../../shared/roll/values.js';
import type { RollRow } from '../../../shared/roll/types.js';
import type { Db } from '../db.js';
import { COLUMNS, createIndex, DATA_COLUMNS, INDEX_NAMES } from './columns.js';
import { CHUNK_FROM, ChunkStatements, chunkValue, ensureChunkSeq, ROLL_CHUNK, ROW_NO, type RollChunk } from './packed-rows.js';

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
  private readonly chunkInsert;
  private readonly firstRowOf;
  private pending: { rowNo: number; values: RollValues }[] = [];
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
    ensureChunkSeq(db);
    this.chunkInsert = new ChunkStatements(
      db,
      ROLL_CHUNK,
      (exprs) => `INSERT INTO temp.roll_stage (row_no, ${COLUMNS.join(', ')}) SELECT ${exprs.join(', ')} ${CHUNK_FROM} ON CONFLICT(ballot_id) DO NOTHING`,
      [ROW_NO, ...COLUMNS.map((_, i) => i)],
    );
  }

  /**
   * Stages a packed chunk in one statement (rows queued with add are written first); returns the
   * rows whose key an earlier row already has, as flush does.
   */
  addChunk(b: RollChunk): { rowNo: number; ballotId: string; firstRowNo: number }[] {
    const dupes = this.pending.length > 0 ? this.flush() : [];
    const changes = this.chunkInsert.run(b);
    this.staged += changes;
    if (changes === b.n) return dupes;
    for (let r = 0; r < b.n; r++) {
      const ballotId = String(chunkValue(b, r, 0));
      const rowNo = Number(chunkValue(b, r, ROW_NO));
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
    this.pending.push({ rowNo, values: rollValues(row) });
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

/**
 * A re-import that says a ballot is cancelled but gives no date keeps the date already recorded
 * (from an earlier file, or the state's change feed): the staged row takes it before the merge
 * compares, so an unchanged ballot still counts as unchanged.
 */
function keepCancellationDates(db: Db): void {
  db.exec(`UPDATE temp.roll_stage SET cancelled_at = (SELECT b.cancelled_at FROM ballots b WHERE b.ballot_id = roll_stage.ballot_id)
           WHERE status = 'CANCELLED' AND cancelled_at IS NULL`);
}
