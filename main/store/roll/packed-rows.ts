import type { Statement } from 'better-sqlite3';
import type { Db } from '../db.js';
import { COLUMNS } from './columns.js';

/**
 * Rows packed for the store (roll/chunk.ts packs them): the roll's columns in COLUMNS order,
 * then the row's number in the file. SQLite unpacks them itself, in one INSERT … SELECT per
 * chunk, so no JavaScript string is made per field on the inserting thread.
 */
export interface RollChunk {
  /** Rows in the chunk (at most MAX_CHUNK_ROWS). */
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
/** The padding byte of a RollChunk's `v` columns (U+0001: a roll value never holds it). */
export const CHUNK_PAD = 1;
const DECODER = new TextDecoder();

/** One value back out of a chunk (for the rare row that needs a second look: a repeated key). */
export function chunkValue(b: RollChunk, row: number, col: number): string | number | null {
  const kind = b.kinds[col];
  if (kind === 'n') return null;
  if (kind === 'c') return b.constants[col] ?? null;
  const start = row * b.rowWidth + (b.offsets[col] as number);
  let end = start + (b.widths[col] as number);
  while (end > start && b.data[end - 1] === CHUNK_PAD) end -= 1;
  if (end === start) return null;
  const text = DECODER.decode(b.data.subarray(start, end));
  return INTEGER_COLUMNS.has(col) ? Number(text) : text;
}

/** Columns of a RollChunk: COLUMNS, then the row number. */
export const CHUNK_COLUMNS = COLUMNS.length + 1;
export const ROW_NO = COLUMNS.length;
export const MAX_CHUNK_ROWS = 4096;
const INTEGER_COLUMNS = new Set([COLUMNS.indexOf('voted_other_method'), ROW_NO]);

/** Row numbers 0…MAX_CHUNK_ROWS-1, to unpack a chunk from (one per connection). */
export function ensureChunkSeq(db: Db): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS roll_seq (i INTEGER PRIMARY KEY)');
  const have = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM temp.roll_seq').get()?.n ?? 0;
  if (have < MAX_CHUNK_ROWS)
    db.prepare(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${MAX_CHUNK_ROWS}) INSERT OR IGNORE INTO temp.roll_seq SELECT i FROM s`).run();
}

/**
 * The expressions that unpack a chunk of the given kinds into the chunk columns `pick`, in order,
 * one row per `i` of temp.roll_seq (see CHUNK_FROM).
 */
function chunkExprs(kinds: string, pick: readonly number[]): string {
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
        throw new Error(`a roll chunk column of unknown kind ${kinds[k] ?? '(none)'}`);
    }
  });
  return exprs.join(', ');
}
export const CHUNK_FROM = 'FROM temp.roll_seq WHERE i < @n ORDER BY i';

function chunkParams(b: RollChunk, pick: readonly number[]): Record<string, unknown> {
  if (b.n > MAX_CHUNK_ROWS || b.kinds.length !== CHUNK_COLUMNS) throw new Error('a roll chunk out of shape');
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

/** Prepared chunk statements by column kinds (a roll has few distinct shapes; a bound on them anyway). */
export class ChunkStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly sql: (exprs: string) => string,
    readonly pick: readonly number[],
  ) {}

  run(b: RollChunk, extra: Record<string, unknown> = {}): number {
    let stmt = this.cache.get(b.kinds);
    if (!stmt) {
      if (this.cache.size >= 256) this.cache.clear();
      stmt = this.db.prepare(this.sql(chunkExprs(b.kinds, this.pick)));
      this.cache.set(b.kinds, stmt);
    }
    return stmt.run({ ...chunkParams(b, this.pick), ...extra }).changes;
  }
}
