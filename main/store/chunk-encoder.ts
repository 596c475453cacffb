import { CHUNK_PAD as PAD, packedChunk, type PackedChunk } from './packed-rows.js';

/** One row's values in its chunk's column order (a roll's: shared/roll/values.ts; a mail event's: store/mail-chunk.ts). */
export type ChunkValues = readonly (string | number | null)[];

/**
 * Packs validated rows into a PackedChunk (see store/packed-rows.ts): one byte array the store
 * hands to SQLite whole, so the inserting thread creates no string per field and a worker thread
 * can pass the chunk over by transfer instead of by copy. The roll's and the mail events' readers
 * both use it.
 *
 * Each column has a slot of fixed width, the widest value seen so far (a row that does not fit
 * closes the chunk and widens the slot); values are UTF-8, padded with U+0001. Per chunk, each
 * column is then one of:
 * - `n`: null in every row: the store binds NULL;
 * - `c`: the same value in every row (an election ID, a status): bound once;
 * - `e`: present in every row with the same length (IDs, dates): read as is;
 * - `v`: anything else: read and unpadded; a null is all padding.
 *
 * Values never hold a control character such as U+0001 (the readers refuse those); an empty
 * string is packed as absent (null), and a ChunkShape's notNull columns read it back as ''. A
 * number is stored as its digits.
 */
export class ChunkEncoder {
  private readonly slots: number[];
  private offsets: number[] = [];
  private rowWidth = 0;
  private data = new Uint8Array(0);
  private n = 0;
  // Per column, for the rows in the chunk so far.
  private readonly first: (string | number | null)[];
  private readonly differs: Uint8Array;
  private readonly nulls: Int32Array;
  private readonly minLen: Int32Array;
  private readonly maxLen: Int32Array;
  private readonly lens: Int32Array;

  /** `columns` values per row (see the ChunkShape), at most `maxRows` rows per chunk. */
  constructor(
    private readonly columns: number,
    readonly maxRows: number,
  ) {
    this.slots = new Array<number>(columns).fill(0);
    this.first = new Array<string | number | null>(columns).fill(null);
    this.differs = new Uint8Array(columns);
    this.nulls = new Int32Array(columns);
    this.minLen = new Int32Array(columns);
    this.maxLen = new Int32Array(columns);
    this.lens = new Int32Array(columns);
  }

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n >= this.maxRows;
  }

  /**
   * Packs one row. Returns the chunk so far when this row did not fit its slots (the row then
   * starts the next chunk), else null. `ascii`: the caller knows the row's text is all ASCII.
   */
  add(values: ChunkValues, ascii = false): PackedChunk | null {
    if (this.n === 0) this.layout(values);
    if (this.write(values, ascii)) return null;
    // A value longer than its slot: close the chunk, widen, and start the next with this row.
    const done = this.take();
    this.layout(values);
    if (!this.write(values, ascii)) throw new Error('unreachable: a row does not fit slots made for it');
    return done;
  }

  /** The rows packed since the last take; null when there are none. */
  take(): PackedChunk | null {
    const n = this.n;
    if (n === 0) return null;
    const chunk = packedChunk(n, this.columns, { nulls: this.nulls, differs: this.differs, minLen: this.minLen, maxLen: this.maxLen, slots: this.slots }, this.data, this.rowWidth, this.offsets, (c) => this.first[c] ?? null);
    this.n = 0;
    this.data = new Uint8Array(0);
    return chunk;
  }

  /** Slots for a new chunk, wide enough for `values` and for everything seen before. */
  private layout(values: ChunkValues): void {
    let width = 0;
    this.offsets = [];
    for (let c = 0; c < this.columns; c++) {
      const v = norm(values[c]);
      const len = v === null ? 0 : typeof v === 'number' ? Math.max(String(v).length, 10) : utf8Length(v);
      if (len > (this.slots[c] as number)) this.slots[c] = len;
      this.offsets.push(width);
      width += this.slots[c] as number;
    }
    this.rowWidth = width;
    this.data = new Uint8Array(this.maxRows * width);
    this.data.fill(PAD);
  }

  /** Writes a row into the next slot row; false (and nothing written) when a value does not fit. */
  private write(values: ChunkValues, ascii: boolean): boolean {
    const at = this.n * this.rowWidth;
    const data = this.data;
    const lens = this.lens;
    for (let c = 0; c < this.columns; c++) {
      const v = norm(values[c]);
      if (v === null) {
        lens[c] = -1;
        continue;
      }
      const s = typeof v === 'number' ? String(v) : v;
      const slot = this.slots[c] as number;
      const o = at + (this.offsets[c] as number);
      let len = s.length;
      if (len > slot) return this.undo(at);
      let wide = 0;
      if (ascii || typeof v === 'number') {
        for (let i = 0; i < len; i++) {
          const ch = s.charCodeAt(i);
          wide |= ch;
          data[o + i] = ch;
        }
      } else wide = 0x80;
      if (wide >= 0x80) {
        // Not ASCII after all (or not known to be): its UTF-8 bytes, over the same slot.
        len = utf8Length(s);
        if (len > slot) return this.undo(at);
        writeUtf8(s, data, o);
      }
      if (data[o + len - 1] === PAD) throw new Error(`a value ends in U+0001: ${JSON.stringify(s)}`);
      lens[c] = len;
    }
    // The row is in: count it into each column's kind.
    const first = this.n === 0;
    for (let c = 0; c < this.columns; c++) {
      const len = lens[c] as number;
      if (first) {
        this.first[c] = norm(values[c]);
        this.differs[c] = 0;
        this.nulls[c] = 0;
        this.minLen[c] = 0x7fffffff;
        this.maxLen[c] = 0;
      } else if (this.differs[c] === 0 && norm(values[c]) !== this.first[c]) this.differs[c] = 1;
      if (len < 0) {
        this.nulls[c] = (this.nulls[c] as number) + 1;
        continue;
      }
      if (len < (this.minLen[c] as number)) this.minLen[c] = len;
      if (len > (this.maxLen[c] as number)) this.maxLen[c] = len;
    }
    this.n += 1;
    return true;
  }

  /** Clears a row half written. */
  private undo(at: number): false {
    this.data.fill(PAD, at, at + this.rowWidth);
    return false;
  }
}

/** An empty string is stored as null (see ChunkShape's notNull). */
function norm(v: string | number | null | undefined): string | number | null {
  return v === undefined || v === '' ? null : v;
}

/** UTF-8 length of a JS string (a lone surrogate counts as U+FFFD, as it is written). */
export function utf8Length(s: string): number {
  let len = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      len += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i += 1;
    } else len += 2;
  }
  return len;
}

function writeUtf8(s: string, out: Uint8Array, at: number): void {
  let o = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
        out[o++] = 0xf0 | (c >> 18);
        out[o++] = 0x80 | ((c >> 12) & 0x3f);
        out[o++] = 0x80 | ((c >> 6) & 0x3f);
        out[o++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd; // a lone surrogate
    }
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  }
}
