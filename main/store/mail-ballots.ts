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

/**
 * The roll's IMbs and ballots, now, in about a second for a million ballots: four strings from
 * one pass over the table (each IMb's 15 characters, its mailer ID's length, each ballot ID's
 * length in UTF-8 bytes, the IDs one after another), not a row object per ballot. Only the lengths
 * are tested in SQL (a test of every character there took longer than the rest together); each
 * IMb's digits and its mailer ID's first digit are tested here, and one that fails is left out.
 * Where two ballots share an IMb, the newest is given again last (withNewestLast) and takes the
 * piece over (PieceBallots).
 */
export function pieceBallots(db: Db): PieceBallots {
  const all = db
    .prepare<[], { p: string | null; m: string | null; l: string | null; b: string | null }>(
      `SELECT group_concat(p, '') AS p, group_concat(m, '') AS m, group_concat(l, ',') AS l, group_concat(b, '') AS b
       FROM (SELECT imb_mailer_id || imb_serial AS p, length(imb_mailer_id) AS m, length(CAST(ballot_id AS BLOB)) AS l, ballot_id AS b
             FROM ballots NOT INDEXED
             WHERE imb_serial IS NOT NULL AND imb_mailer_id IS NOT NULL AND length(imb_mailer_id) IN (6, 9) AND length(imb_mailer_id) + length(imb_serial) = 15)`,
    )
    .get();
  const digits = all?.p ?? '';
  const mailerLengths = all?.m ?? '';
  const lengths = all?.l ?? '';
  const n = mailerLengths.length;
  // 15 characters an IMb, as SQLite counts them; JavaScript counts a character beyond the BMP twice.
  if (digits.length !== n * 15) return pieceBallotsCharByChar(db);
  const ids = ENCODER.encode(all?.b ?? '');
  const pieces = new Float64Array(n);
  const starts = new Uint32Array(n + 1);
  let bytes: Uint8Array = ids;
  let kept = 0;
  /** Where the next ballot ID lies in `ids`. */
  let from = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    let len = 0;
    for (let c = lengths.charCodeAt(j); j < lengths.length && c !== 0x2c; c = lengths.charCodeAt(++j)) len = len * 10 + (c - 0x30);
    j += 1;
    let v = 0;
    let ok = (digits.charCodeAt(i * 15) === 0x39) === (mailerLengths.charCodeAt(i) === 0x39);
    for (let k = i * 15; k < i * 15 + 15; k++) {
      const d = digits.charCodeAt(k) - 0x30;
      if (d < 0 || d > 9) ok = false;
      v = v * 10 + d;
    }
    if (!ok) {
      // Not an IMb: the ballot IDs after it move up over its ID (a copy, made at the first one).
      if (bytes === ids) bytes = ids.slice(0, starts[kept]);
      from += len;
      continue;
    }
    pieces[kept] = v;
    if (bytes !== ids) bytes = appended(bytes, starts[kept] as number, ids.subarray(from, from + len));
    from += len;
    starts[kept + 1] = (starts[kept] as number) + len;
    kept += 1;
  }
  if (j < lengths.length || from !== ids.length) throw new Error(`the roll\u2019s IMbs did not read back whole (${n} IMbs, ${from} of ${ids.length} bytes of ballot IDs)`);
  const data = kept === n ? { pieces, starts, bytes } : { pieces: pieces.slice(0, kept), starts: starts.slice(0, kept + 1), bytes: bytes.slice(0, starts[kept]) };
  return new PieceBallots(sharesAny(data.pieces) ? withNewestLast(db, data) : data);
}

/** Whether two entries give the same piece (a sorted copy, about 0.1 s for a million). */
function sharesAny(pieces: Float64Array): boolean {
  const sorted = pieces.slice().sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

/**
 * Each piece two ballots share given once more, last, with its newest ballot (the highest row),
 * so that it wins in PieceBallots whatever order the roll was read in (SQLite does not promise
 * group_concat's order).
 */
function withNewestLast(db: Db, data: PieceBallotsData): PieceBallotsData {
  const shared = db
    .prepare<[], { m: string; s: string; b: string }>(
      `SELECT o.imb_mailer_id AS m, o.imb_serial AS s,
         (SELECT n.ballot_id FROM ballots n WHERE n.imb_serial = o.imb_serial AND n.imb_mailer_id = o.imb_mailer_id ORDER BY n.id DESC LIMIT 1) AS b
       FROM ballots o INDEXED BY ballots_imb WHERE o.imb_serial IS NOT NULL AND o.imb_mailer_id IS NOT NULL
       GROUP BY o.imb_serial, o.imb_mailer_id HAVING count(*) > 1`,
    )
    .all()
    .map((r) => ({ piece: pieceOf(r.m, r.s), id: ENCODER.encode(r.b) }))
    .filter((r) => !Number.isNaN(r.piece));
  const n = data.pieces.length;
  const pieces = new Float64Array(n + shared.length);
  pieces.set(data.pieces);
  const starts = new Uint32Array(n + shared.length + 1);
  starts.set(data.starts);
  let at = data.starts[n] as number;
  const bytes = new Uint8Array(at + shared.reduce((sum, r) => sum + r.id.length, 0));
  bytes.set(data.bytes.subarray(0, at));
  shared.forEach((r, k) => {
    pieces[n + k] = r.piece;
    bytes.set(r.id, at);
    at += r.id.length;
    starts[n + k + 1] = at;
  });
  return { pieces, starts, bytes };
}

/** `add` written at `at` of `into` (grown as needed). */
function appended(into: Uint8Array, at: number, add: Uint8Array): Uint8Array {
  let out = into;
  if (at + add.length > out.length) {
    out = new Uint8Array(Math.max(at + add.length, out.length * 2, 1024));
    out.set(into.subarray(0, at));
  }
  out.set(add, at);
  return out;
}

/** The same, a row at a time: for a roll whose IMb columns hold characters beyond the BMP (never a real IMb). */
function pieceBallotsCharByChar(db: Db): PieceBallots {
  const pieces: number[] = [];
  const ids: Uint8Array[] = [];
  for (const r of db
    .prepare<[], { m: string; s: string; b: string }>('SELECT imb_mailer_id AS m, imb_serial AS s, ballot_id AS b FROM ballots WHERE imb_serial IS NOT NULL AND imb_mailer_id IS NOT NULL ORDER BY id')
    .iterate()) {
    const piece = pieceOf(r.m, r.s);
    if (Number.isNaN(piece)) continue;
    pieces.push(piece);
    ids.push(ENCODER.encode(r.b));
  }
  const starts = new Uint32Array(ids.length + 1);
  ids.forEach((id, i) => (starts[i + 1] = (starts[i] as number) + id.length));
  const bytes = new Uint8Array(starts[ids.length] as number);
  ids.forEach((id, i) => bytes.set(id, starts[i]));
  return new PieceBallots({ pieces: Float64Array.from(pieces), starts, bytes });
}
