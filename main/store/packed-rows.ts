import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * Rows packed for the store (roll/chunk.ts ChunkEncoder packs them): a bulk import's rows, one
 * column after another in each row. SQLite unpacks them itself, in one INSERT … SELECT per chunk,
 * so no JavaScript string is made per field on the inserting thread, and a reader on a worker
 * thread can hand a chunk over by transfer instead of by copy. The roll (store/roll/packed-rows.ts)
 * and the mail events (store/mail-load.ts) each describe their columns with a ChunkShape.
 */
export interface PackedChunk {
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

/** What a kind of chunk holds: how many columns, which are integers, which are never null. */
export interface ChunkShape {
  /** Used in messages ("a roll chunk out of shape"). */
  name: string;
  columns: number;
  /** Columns stored as the digits of an integer (read back as integers). */
  integers: ReadonlySet<number>;
  /**
   * Text columns that are never null: the encoder packs an empty string as absent (null), and
   * these read it back as '' instead.
   */
  notNull: ReadonlySet<number>;
}

/** The padding byte of a chunk's `v` columns (U+0001: a stored value never holds it). */
export const CHUNK_PAD = 1;
/** Rows a chunk holds at most (the mail file's byte reader fills them; the roll's and the objects' packers use fewer). */
export const MAX_CHUNK_ROWS = 16384;
const DECODER = new TextDecoder();

/** What a packer saw of each column over a chunk's rows (a column's kind and width come from it). */
export interface ColumnsSeen {
  nulls: ArrayLike<number>;
  /** 0 when every row held the same value. */
  differs: ArrayLike<number>;
  minLen: ArrayLike<number>;
  maxLen: ArrayLike<number>;
  /** Each `v` column's width in a row. */
  slots: ArrayLike<number>;
}

/**
 * A packer's n rows as a chunk: each column's kind (n null in every row, c the same in every
 * row, e fixed width, v padded) and width from what it saw; `constant(c)` is the value of a `c` column.
 */
export function packedChunk(n: number, columns: number, seen: ColumnsSeen, data: Uint8Array, rowWidth: number, offsets: readonly number[], constant: (c: number) => string | number | null): PackedChunk {
  let kinds = '';
  const widths: number[] = [];
  const constants: (string | number | null)[] = [];
  for (let c = 0; c < columns; c++) {
    let kind = 'v';
    if (seen.nulls[c] === n) kind = 'n';
    else if (seen.differs[c] === 0) kind = 'c';
    else if (seen.nulls[c] === 0 && seen.minLen[c] === seen.maxLen[c]) kind = 'e';
    kinds += kind;
    widths.push(kind === 'e' ? (seen.maxLen[c] as number) : kind === 'v' ? (seen.slots[c] as number) : 0);
    constants.push(kind === 'c' ? constant(c) : null);
  }
  return { n, data: data.subarray(0, n * rowWidth), rowWidth, kinds, offsets: offsets.slice(), widths, constants };
}

/** One value back out of a chunk (for the rare row that needs a second look: a repeated key). */
export function chunkValue(shape: ChunkShape, b: PackedChunk, row: number, col: number): string | number | null {
  const kind = b.kinds[col];
  const absent = shape.notNull.has(col) ? '' : null;
  if (kind === 'n') return absent;
  if (kind === 'c') return b.constants[col] ?? absent;
  const start = row * b.rowWidth + (b.offsets[col] as number);
  let end = start + (b.widths[col] as number);
  while (end > start && b.data[end - 1] === CHUNK_PAD) end -= 1;
  if (end === start) return absent;
  const text = DECODER.decode(b.data.subarray(start, end));
  return shape.integers.has(col) ? Number(text) : text;
}

/** Row numbers 0…MAX_CHUNK_ROWS-1, to unpack a chunk from (one per connection). */
export function ensureChunkSeq(db: Db): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS chunk_seq (i INTEGER PRIMARY KEY)');
  const have = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM temp.chunk_seq').get()?.n ?? 0;
  if (have < MAX_CHUNK_ROWS)
    db.prepare(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${MAX_CHUNK_ROWS}) INSERT OR IGNORE INTO temp.chunk_seq SELECT i FROM s`).run();
}

/** One row per row of the chunk, in order: each expression reads its column of row `i`. */
export const CHUNK_FROM = 'FROM temp.chunk_seq WHERE i < @n ORDER BY i';

/**
 * The expressions that unpack a chunk of the given kinds into the chunk columns `pick`, in order,
 * one row per `i` of temp.chunk_seq (see CHUNK_FROM).
 */
function chunkExprs(shape: ChunkShape, kinds: string, pick: readonly number[]): string[] {
  return pick.map((k) => {
    const int = shape.integers.has(k);
    const notNull = shape.notNull.has(k);
    const raw = `substr(@b, i * @rw + @o${k}, @w${k})`;
    switch (kinds[k]) {
      case 'n':
        return notNull ? "''" : 'NULL';
      case 'c':
        return `@c${k}`;
      case 'e':
        return int ? `CAST(${raw} AS INTEGER)` : `CAST(${raw} AS TEXT)`;
      case 'v': {
        const unpadded = `rtrim(CAST(${raw} AS TEXT), @pad)`;
        const text = notNull ? unpadded : `NULLIF(${unpadded}, '')`;
        return int ? `CAST(${text} AS INTEGER)` : text;
      }
      default:
        throw new Error(`a ${shape.name} chunk column of unknown kind ${kinds[k] ?? '(none)'}`);
    }
  });
}

function chunkParams(shape: ChunkShape, b: PackedChunk, pick: readonly number[]): Record<string, unknown> {
  if (b.n > MAX_CHUNK_ROWS || b.kinds.length !== shape.columns) throw new Error(`a ${shape.name} chunk out of shape`);
  const p: Record<string, unknown> = { b: b.data, rw: b.rowWidth, n: b.n };
  let padded = false;
  for (const k of pick) {
    const kind = b.kinds[k];
    if (kind === 'c') p[`c${k}`] = b.constants[k] ?? (shape.notNull.has(k) ? '' : null);
    else if (kind === 'e' || kind === 'v') {
      p[`o${k}`] = (b.offsets[k] as number) + 1;
      p[`w${k}`] = b.widths[k];
      if (kind === 'v') padded = true;
    }
  }
  if (padded) p['pad'] = '\u0001';
  return p;
}

/**
 * Prepared chunk statements by column kinds (a file has few distinct shapes; a bound on them
 * anyway). `sql` is given the unpacking expression of each column of `pick`, in that order.
 */
export class ChunkStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly shape: ChunkShape,
    private readonly sql: (exprs: string[]) => string,
    readonly pick: readonly number[],
  ) {}

  private statement(b: PackedChunk): Statement {
    let stmt = this.cache.get(b.kinds);
    if (!stmt) {
      if (this.cache.size >= 256) this.cache.clear();
      stmt = this.db.prepare(this.sql(chunkExprs(this.shape, b.kinds, this.pick)));
      this.cache.set(b.kinds, stmt);
    }
    return stmt;
  }

  run(b: PackedChunk, extra: Record<string, unknown> = {}): number {
    return this.statement(b).run({ ...chunkParams(this.shape, b, this.pick), ...extra }).changes;
  }

  /** For a statement that returns rows (… RETURNING): its rows. */
  all<R>(b: PackedChunk, extra: Record<string, unknown> = {}): R[] {
    return this.statement(b).all({ ...chunkParams(this.shape, b, this.pick), ...extra }) as R[];
  }
}
