/**
 * The roll's IMbs and their ballots, as the mail import's reader finds each event's ballot (the
 * packers, store/mail-rows.ts and mail-chunk.ts, write it into the event's row): one lookup per
 * event in a hash table of plain typed arrays, on the reader's thread, so the inserting thread
 * only stores the ballot it is given. Made once an import, on the store's thread (pieceBallots),
 * and handed to the reader's worker as three arrays.
 *
 * A piece is the IMb's 15 digits of mailer ID + serial as one number (a 6-digit mailer ID never
 * starts with 9, a 9-digit one always does, so the digits name one pair). Where two ballots share
 * an IMb, the newest (highest row) wins, as the intake's IMb lookup has it.
 */
import type { Db } from './db.js';

/** What a PieceBallots is made of (and what crosses to the reader's thread). */
export interface PieceBallotsData {
  /** The pieces; where one is given twice, the later one's ballot is its ballot. */
  pieces: Float64Array;
  /** Ballot i's ID is bytes[starts[i], starts[i + 1]) (UTF-8). */
  starts: Uint32Array;
  bytes: Uint8Array;
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

export class PieceBallots {
  /** The hash table, made at the first lookup: the store's thread only hands the arrays to the reader's, which looks up. */
  private slots: Int32Array | null = null;
  private mask = 0;

  constructor(readonly data: PieceBallotsData) {
    const n = data.pieces.length;
    if (data.starts.length !== n + 1 || (data.starts[n] ?? 0) > data.bytes.length) throw new Error('the roll\u2019s IMb table is out of shape');
  }

  private table(): Int32Array {
    const { pieces } = this.data;
    const n = pieces.length;
    let size = 16;
    while (size < n * 2) size *= 2;
    const slots = new Int32Array(size);
    this.mask = size - 1;
    // A piece given again later (a newer ballot sharing an IMb) takes its slot over.
    for (let i = 0; i < n; i++) {
      const piece = pieces[i] as number;
      let s = this.slot(piece);
      while (slots[s] !== 0 && pieces[(slots[s] as number) - 1] !== piece) s = (s + 1) & this.mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
    return slots;
  }

  /** An empty table: no event finds a ballot. */
  static empty(): PieceBallots {
    return new PieceBallots({ pieces: new Float64Array(0), starts: new Uint32Array(1), bytes: new Uint8Array(0) });
  }

  /** Entries given (a piece given twice counts twice). */
  get size(): number {
    return this.data.pieces.length;
  }

  private slot(piece: number): number {
    const lo = piece >>> 0;
    const hi = (piece / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The index of the piece's ballot, or -1 when no ballot of the roll carries it. */
  find(piece: number): number {
    const pieces = this.data.pieces;
    const slots = this.slots ?? this.table();
    for (let s = this.slot(piece); ; s = (s + 1) & this.mask) {
      const i = slots[s] as number;
      if (i === 0) return -1;
      if (pieces[i - 1] === piece) return i - 1;
    }
  }

  /** Where ballot `i`'s ID lies in `data.bytes`: [start, end). */
  start(i: number): number {
    return this.data.starts[i] as number;
  }

  end(i: number): number {
    return this.data.starts[i + 1] as number;
  }

  /** The ballot ID of a piece, or null. */
  ballotOf(piece: number): string | null {
    const i = this.find(piece);
    return i < 0 ? null : DECODER.decode(this.data.bytes.subarray(this.start(i), this.end(i)));
  }
}

/** A piece as a number, from the IMb's mailer ID and serial as text; NaN when they are not one. */
export function pieceOf(mailerId: string, serial: string): number {
  if (mailerId.length + serial.length !== 15 || mailerId.length !== (mailerId.startsWith('9') ? 9 : 6)) return NaN;
  const digits = mailerId + serial;
  return /^[0-9]{15}$/.test(digits) ? Number(digits) : NaN;
}

const VALID_IMB = `imb_serial IS NOT NULL AND imb_mailer_id IS NOT NULL
  AND length(imb_mailer_id) = CASE WHEN substr(imb_mailer_id, 1, 1) = '9' THEN 9 ELSE 6 END
  AND length(imb_mailer_id) + length(imb_serial) = 15 AND imb_mailer_id || imb_serial NOT GLOB '*[^0-9]*'`;

/**
 * The roll's IMbs and ballots, now. A roll of a million ballots in about a second: three strings
 * from one pass over the table (the pieces' digits, each ballot ID's length in UTF-8 bytes, the
 * IDs one after another), not a row object per ballot; then, from the IMb index, the few pieces
 * two ballots share, each with its newest ballot, put last so that they win.
 */
export function pieceBallots(db: Db): PieceBallots {
  const all = db
    .prepare<[], { p: string | null; l: string | null; b: string | null }>(
      `SELECT group_concat(imb_mailer_id || imb_serial, '') AS p, group_concat(length(CAST(ballot_id AS BLOB)), ',') AS l, group_concat(ballot_id, '') AS b
       FROM ballots NOT INDEXED WHERE ${VALID_IMB}`,
    )
    .get();
  const shared = db
    .prepare<[], { p: string; b: string }>(
      `SELECT o.imb_mailer_id || o.imb_serial AS p,
         (SELECT n.ballot_id FROM ballots n WHERE n.imb_serial = o.imb_serial AND n.imb_mailer_id = o.imb_mailer_id ORDER BY n.id DESC LIMIT 1) AS b
       FROM ballots o INDEXED BY ballots_imb WHERE ${VALID_IMB} GROUP BY o.imb_serial, o.imb_mailer_id HAVING count(*) > 1`,
    )
    .all();
  const digits = (all?.p ?? '') + shared.map((r) => r.p).join('');
  const lengths = all?.l ?? '';
  const n = digits.length / 15;
  const pieces = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = i * 15; j < i * 15 + 15; j++) v = v * 10 + (digits.charCodeAt(j) - 0x30);
    pieces[i] = v;
  }
  const starts = new Uint32Array(n + 1);
  let at = 0;
  let k = 0;
  // "11,11,…": a comma closes each length, and the end closes the last.
  if (lengths !== '')
    for (let j = 0, len = 0; j <= lengths.length; j++) {
      const c = j < lengths.length ? lengths.charCodeAt(j) : 0x2c;
      if (c !== 0x2c) {
        len = len * 10 + (c - 0x30);
        continue;
      }
      at += len;
      starts[++k] = at;
      len = 0;
    }
  const tail = shared.map((r) => ENCODER.encode(r.b));
  for (const b of tail) {
    at += b.length;
    starts[++k] = at;
  }
  if (k !== n) throw new Error(`the roll\u2019s IMbs did not read back whole (${k} ballots for ${n} IMbs)`);
  const bytes = new Uint8Array(at);
  const head = ENCODER.encodeInto(all?.b ?? '', bytes);
  let to = head.written;
  for (const b of tail) {
    bytes.set(b, to);
    to += b.length;
  }
  return new PieceBallots({ pieces, starts, bytes });
}
