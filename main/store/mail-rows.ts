/**
 * Mail events packed straight from bytes (the delimited file reader's fast path,
 * mail/read-delimited-bytes.ts): the same PackedChunk as MailEventPacker makes from MailEvent
 * objects (store/mail-chunk.ts, the columns in MAIL_CHUNK_COLUMNS order), but each value is
 * copied as bytes from where it lies (the file's buffer, or a small scratch buffer for the few
 * values that are made, not copied), so no string and no object is made per event.
 *
 * The repeat window is MailEventPacker's: an event already packed in this batch or the one
 * before is left out (counted as a near repeat), here kept in two open-addressing sets of
 * (dedupe hash, piece) pairs, the piece being the IMb's 15 digits of mailer ID + serial as a
 * number (the mailer ID's first digit says its length, so the digits name one pair).
 */
import { CHUNK_PAD as PAD, MAX_CHUNK_ROWS, packedChunk, type PackedChunk } from './packed-rows.js';
import type { PieceBallots } from './mail-ballots.js';
import { MAIL_CHUNK, MAIL_CHUNK_BALLOT, MAIL_CHUNK_COLUMNS, MAIL_CHUNK_PLACE } from './mail-chunk.js';
import { MailPlaces, type PlaceParts } from './mail-places.js';

const COLUMNS = MAIL_CHUNK_COLUMNS.length;
/** The width of a packed row's place number (every safe integer fits). */
export const PLACE_DIGITS = 16;
const DECODER = new TextDecoder();

/** A set of (hash, piece) pairs, both whole numbers below 2^53, of at most `capacity / 4` entries before it grows. */
class PairSet {
  private hashes: Float64Array;
  private pieces: Float64Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 15) {
    this.hashes = new Float64Array(capacity);
    this.pieces = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  private slot(hash: number, piece: number): number {
    let h = Math.imul((hash >>> 0) ^ Math.imul(piece >>> 0, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return h & this.mask;
  }

  has(hash: number, piece: number): boolean {
    for (let i = this.slot(hash, piece); ; i = (i + 1) & this.mask) {
      if (this.used[i] === 0) return false;
      if (this.hashes[i] === hash && this.pieces[i] === piece) return true;
    }
  }

  /** Adds a pair not in the set. */
  add(hash: number, piece: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    let i = this.slot(hash, piece);
    while (this.used[i] !== 0) i = (i + 1) & this.mask;
    this.used[i] = 1;
    this.hashes[i] = hash;
    this.pieces[i] = piece;
    this.size += 1;
  }

  clear(): void {
    if (this.size === 0) return;
    this.used.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const { hashes, pieces, used } = this;
    this.hashes = new Float64Array(hashes.length * 2);
    this.pieces = new Float64Array(hashes.length * 2);
    this.used = new Uint8Array(hashes.length * 2);
    this.mask = hashes.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] !== 0) this.add(hashes[i] as number, pieces[i] as number);
  }
}

/**
 * The row being packed: each column's bytes as (buffer, start, length); a length of 0 is an
 * empty value (packed as absent, read back as '' for the NOT NULL columns: MAIL_CHUNK).
 */
export class MailRow {
  readonly buf: Uint8Array[] = new Array<Uint8Array>(COLUMNS).fill(new Uint8Array(0));
  readonly start = new Int32Array(COLUMNS);
  readonly len = new Int32Array(COLUMNS);

  set(col: number, buf: Uint8Array, start: number, len: number): void {
    this.buf[col] = buf;
    this.start[col] = start;
    this.len[col] = len;
  }
}

/**
 * Packs rows of bytes into PackedChunks (store/packed-rows.ts), as ChunkEncoder does for values:
 * a slot per column as wide as the widest value seen so far (a row that does not fit closes the
 * chunk and widens the slot), and per chunk each column's kind: `n` empty in every row, `c` the
 * same in every row, `e` the same length in every row, `v` padded.
 */
export class MailRowPacker {
  private readonly slots = new Int32Array(COLUMNS);
  private readonly offsets: number[] = new Array<number>(COLUMNS).fill(0);
  private rowWidth = 0;
  private data = new Uint8Array(0);
  private n = 0;
  private readonly maxRows: number;
  private readonly firstLen = new Int32Array(COLUMNS);
  private readonly differs = new Uint8Array(COLUMNS);
  private readonly nulls = new Int32Array(COLUMNS);
  private readonly minLen = new Int32Array(COLUMNS);
  private readonly maxLen = new Int32Array(COLUMNS);
  private recent = new PairSet();
  private older = new PairSet();
  private batchHadEvents = false;
  /** The place number's digits. */
  private readonly digits = new Uint8Array(PLACE_DIGITS);
  /** Events left out as repeats so far. */
  nearRepeats = 0;

  /** Rows a chunk: as many as a chunk may hold (each is one INSERT … SELECT, in a transaction of its own). */
  constructor(
    private readonly ballots: PieceBallots,
    chunkRows = MAX_CHUNK_ROWS,
    readonly places = new MailPlaces(),
  ) {
    this.maxRows = Math.max(1, Math.min(chunkRows, MAX_CHUNK_ROWS));
  }

  /**
   * One event: left out (and counted) when the pair (hash, piece) was packed in this batch or
   * the one before, else packed from `row` with the number of its place (`place`'s columns) and
   * the piece's ballot (those two columns set here); a chunk that is complete is pushed onto `ready`.
   */
  add(hash: number, piece: number, row: MailRow, place: PlaceParts, ready: PackedChunk[]): void {
    this.batchHadEvents = true;
    if (this.recent.has(hash, piece) || this.older.has(hash, piece)) {
      this.nearRepeats += 1;
      return;
    }
    this.recent.add(hash, piece);
    // A fixed width, so that the store can give a row another number where the bytes lie
    // (renumberPlaces: a file read in two parts).
    writePlaceDigits(this.digits, 0, this.places.idOf(place));
    row.set(MAIL_CHUNK_PLACE, this.digits, 0, PLACE_DIGITS);
    const b = this.ballots.find(piece);
    if (b < 0) row.set(MAIL_CHUNK_BALLOT, row.buf[MAIL_CHUNK_BALLOT] as Uint8Array, 0, 0);
    else row.set(MAIL_CHUNK_BALLOT, this.ballots.data.bytes, this.ballots.start(b), this.ballots.end(b) - this.ballots.start(b));
    if (this.n === 0 || !this.fits(row)) {
      const early = this.take();
      if (early) ready.push(early);
      this.layout(row);
    }
    this.write(row);
    if (this.n >= this.maxRows) ready.push(this.take() as PackedChunk);
  }

  /** A batch is over: the repeats looked for are now those of this batch and the next. */
  endBatch(): void {
    if (!this.batchHadEvents) return;
    const older = this.older;
    this.older = this.recent;
    this.recent = older;
    this.recent.clear();
    this.batchHadEvents = false;
  }

  /** The rows packed since the last take; null when there are none. */
  take(): PackedChunk | null {
    const n = this.n;
    if (n === 0) return null;
    const chunk = packedChunk(n, COLUMNS, { nulls: this.nulls, differs: this.differs, minLen: this.minLen, maxLen: this.maxLen, slots: this.slots }, this.data, this.rowWidth, this.offsets, (c) => {
      const o = this.offsets[c] as number;
      const text = DECODER.decode(this.data.subarray(o, o + (this.firstLen[c] as number)));
      return MAIL_CHUNK.integers.has(c) ? Number(text) : text;
    });
    this.n = 0;
    this.data = new Uint8Array(0);
    return chunk;
  }

  private fits(row: MailRow): boolean {
    const len = row.len;
    const slots = this.slots;
    for (let c = 0; c < COLUMNS; c++) if ((len[c] as number) > (slots[c] as number)) return false;
    return true;
  }

  /** Slots for a new chunk, wide enough for `row` and for everything seen before. */
  private layout(row: MailRow): void {
    let width = 0;
    for (let c = 0; c < COLUMNS; c++) {
      const len = row.len[c] as number;
      if (len > (this.slots[c] as number)) this.slots[c] = len;
      this.offsets[c] = width;
      width += this.slots[c] as number;
    }
    this.rowWidth = width;
    this.data = new Uint8Array(this.maxRows * width);
    this.data.fill(PAD);
  }

  private write(row: MailRow): void {
    const data = this.data;
    const at = this.n * this.rowWidth;
    const first = this.n === 0;
    const { buf, start, len } = row;
    for (let c = 0; c < COLUMNS; c++) {
      const l = len[c] as number;
      const src = buf[c] as Uint8Array;
      const s = start[c] as number;
      const o = this.offsets[c] as number;
      const to = at + o;
      if (first) {
        for (let i = 0; i < l; i++) data[to + i] = src[s + i] as number;
        this.firstLen[c] = l;
        this.differs[c] = 0;
        this.nulls[c] = 0;
        this.minLen[c] = 0x7fffffff;
        this.maxLen[c] = 0;
      } else if (this.differs[c] === 0 && l === this.firstLen[c]) {
        // Copied while compared with the first row's value.
        let same = 1;
        for (let i = 0; i < l; i++) {
          const b = src[s + i] as number;
          data[to + i] = b;
          if (b !== data[o + i]) same = 0;
        }
        if (same === 0) this.differs[c] = 1;
      } else {
        for (let i = 0; i < l; i++) data[to + i] = src[s + i] as number;
        this.differs[c] = 1;
      }
      if (l === 0) {
        this.nulls[c] = (this.nulls[c] as number) + 1;
        continue;
      }
      if (l < (this.minLen[c] as number)) this.minLen[c] = l;
      if (l > (this.maxLen[c] as number)) this.maxLen[c] = l;
    }
    this.n += 1;
  }
}

/**
 * Gives rows of a chunk packed here other place numbers (`renumber`: from, to), where the bytes
 * lie: each row's number is PLACE_DIGITS digits wide (or one number for the whole chunk).
 */
export function renumberPlaces(chunk: PackedChunk, renumber: ReadonlyMap<number, number>): void {
  const kind = chunk.kinds[MAIL_CHUNK_PLACE];
  if (kind === 'c') {
    const to = renumber.get(chunk.constants[MAIL_CHUNK_PLACE] as number);
    if (to !== undefined) chunk.constants[MAIL_CHUNK_PLACE] = to;
    return;
  }
  if (kind !== 'e' || chunk.widths[MAIL_CHUNK_PLACE] !== PLACE_DIGITS) throw new Error('unreachable: a chunk whose place numbers are not of one width');
  const data = chunk.data;
  for (let r = 0, at = chunk.offsets[MAIL_CHUNK_PLACE] as number; r < chunk.n; r++, at += chunk.rowWidth) {
    let from = 0;
    for (let k = 0; k < PLACE_DIGITS; k++) from = from * 10 + ((data[at + k] as number) - 0x30);
    const to = renumber.get(from);
    if (to !== undefined) writePlaceDigits(data, at, to);
  }
}

/** `place` as PLACE_DIGITS decimal digits at buf[at], zeros first. */
function writePlaceDigits(buf: Uint8Array, at: number, place: number): void {
  let k = at + PLACE_DIGITS;
  let n = place;
  do {
    const d = n % 10;
    buf[--k] = 0x30 + d;
    n = (n - d) / 10;
  } while (n > 0);
  while (k > at) buf[--k] = 0x30;
}
