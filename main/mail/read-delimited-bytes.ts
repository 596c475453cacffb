/**
 * A delimited IV-MTR file (read-delimited.ts) read as bytes, straight into packed chunks
 * (store/mail-rows.ts): ten million lines a file, so the common line (ASCII, no quote, no control
 * character, a plain `YYYY-MM-DD HH:MM:SS` date) is split, checked, hashed and packed where it
 * lies in the read buffer, with no string or object made for it. Any other line (and every line
 * until the header has said the columns) takes the string path of read-delimited.ts and layout.ts
 * toMailEvent, which decides what is refused and in which words; a line the fast path accepts is
 * one the string path would accept with the same values (test/mail/read-bytes.test.ts holds the
 * two to the same rows). Line numbers, the repeat window of BATCH_LINES lines, the rejects and
 * counts are those of read-chunks.ts packMailChunks over readDelimited; the chunks are fuller (up
 * to MAX_CHUNK_ROWS rows: fewer statements and commits), the rejects sent at each window's end.
 */
import fs from 'node:fs';
import { dedupeHash } from '../../shared/mail/event.js';
import { mailEventValues, mailPlaceValues } from '../store/mail-chunk.js';
import { pieceOf, type PieceBallots } from '../store/mail-ballots.js';
import { MailPlaces, PlaceParts } from '../store/mail-places.js';
import { MailRow, MailRowPacker } from '../store/mail-rows.js';
import type { PackedChunk } from '../store/packed-rows.js';
import { FIELDS, MailFileError, toMailEvent, type Field, type Parsed } from './layout.js';
import type { MailChunk } from './read-chunks.js';
import { DelimitedLines, tooLongError, type Columns } from './read-delimited.js';
import { BATCH_LINES, MAX_LINE, withoutCr } from './read-lines.js';

/** Bytes read at a time; a line that does not fit is far longer than MAX_LINE (3 bytes a character at most). */
const READ_BYTES = 1 << 20;
/** Cells of a line the fast path keeps track of. */
const MAX_CELLS = 64;

const F = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;
// Fields, in FIELDS order (checked below).
const F_IMB = 0, F_SCANDATETIME = 1, F_EVENTCODE = 2, F_OPERATIONCODE = 3, F_HANDLING = 4, F_MAILPHASE = 5, F_MACHINENAME = 6, F_FACILITYNAME = 7, F_FACILITYCITY = 8, F_FACILITYSTATE = 9, F_FACILITYZIP = 10;
if (FIELDS.join() !== 'imb,scanDateTime,eventCode,operationCode,handling,mailPhase,machineName,facilityName,facilityCity,facilityState,facilityZip') throw new Error('unreachable: the fields moved');
/** Each text field's longest value (layout.ts MAX). */
const MAX_LEN = { eventCode: 10, operationCode: 10, handling: 20, mailPhase: 100, machineName: 60, facilityName: 100, facilityCity: 60 } as const;

// Columns of MAIL_CHUNK_COLUMNS (the packer sets the place and the ballot).
const C_KEY = 0, C_PIECE = 1, C_ROUTING = 2, C_AT = 3, C_AT_UTC = 4;
// Columns of a place (store/mail-places.ts PLACE_COLUMNS).
const P_DIRECTION = 0, P_BARCODE = 1, P_STID = 2, P_OP = 3, P_EVENT = 4, P_HANDLING = 5, P_HANDLING_CODE = 6, P_PHASE = 7, P_MACHINE = 8, P_FNAME = 9, P_FCITY = 10,
  P_FSTATE = 11, P_FZIP = 12;
// The parts of the dedupe hash, in shared/mail/event.ts dedupeHash's order (a | between each).
const H_BARCODE = 0, H_ROUTING = 1, H_AT = 2, H_OP = 3, H_EVENT = 4, H_FZIP = 5, H_MACHINE = 6, HASHED = 7;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const OUT = ascii('out');
const BACK = ascii('back');
const HANDLING = { actual: ascii('actual'), assumed: ascii('assumed'), logical: ascii('logical'), unknown: ascii('unknown') };
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const TEXT_FIELDS = (['eventCode', 'operationCode', 'handling', 'mailPhase', 'machineName', 'facilityName', 'facilityCity'] as const).map((f) => F[f]);
const TEXT_MAX = (['eventCode', 'operationCode', 'handling', 'mailPhase', 'machineName', 'facilityName', 'facilityCity'] as const).map((f) => MAX_LEN[f]);

/** The number the n ASCII digits at buf[at] write. */
function num(buf: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 10 + ((buf[at + k] as number) - 0x30);
  return v;
}

/** shared/mail/event.ts dedupeHash over the same characters as bytes: the HASHED parts, a | between each. */
function hashOf(parts: PlaceParts): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let p = 0; p < HASHED; p++) {
    if (p > 0) {
      a = Math.imul(a ^ 0x7c, 0x01000193);
      b = Math.imul(b ^ 0x7c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    const src = parts.buf[p] as Uint8Array;
    const from = parts.start[p] as number;
    const to = from + (parts.len[p] as number);
    for (let i = from; i < to; i++) {
      const c = src[i] as number;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}

/**
 * The fast path over one line's bytes, given the file's columns (each field at most once).
 * Returns false, having packed nothing, for any line it does not take: the string path decides.
 */
class FastLines {
  private readonly col = new Int32Array(FIELDS.length).fill(-1);
  private readonly cellStart = new Int32Array(MAX_CELLS);
  private readonly cellEnd = new Int32Array(MAX_CELLS);
  private readonly fs = new Int32Array(FIELDS.length);
  private readonly fe = new Int32Array(FIELDS.length);
  private readonly scratch = new Uint8Array(128);
  private readonly row = new MailRow();
  private readonly place = new PlaceParts();
  /** The parts of the dedupe hash (H_ order). */
  private readonly parts = new PlaceParts();
  /** Per byte: 0 plain, 1 the delimiter, 2 a byte the fast path leaves to the string path (a control character, a quote, not ASCII). */
  private readonly kind = new Uint8Array(256);
  /** The IMb and the date are the first two cells: an event's place is a function of the IMb's first digits and the cells after (store/mail-places.ts setRaw). */
  private readonly rawPlace: boolean;
  readonly usable: boolean;

  constructor(
    columns: Columns,
    private readonly delimiter: number,
  ) {
    let usable = delimiter < 0x80 && delimiter !== 0x22;
    columns.forEach((f, i) => {
      if (!f) return;
      if ((this.col[F[f]] as number) >= 0 || i >= MAX_CELLS) usable = false; // a field named twice: the last one wins, as recordOf has it
      this.col[F[f]] = i;
    });
    this.usable = usable;
    this.rawPlace = this.col[F_IMB] === 0 && this.col[F_SCANDATETIME] === 1;
    for (let b = 0; b < 256; b++) this.kind[b] = b === delimiter ? 1 : b < 0x20 || b >= 0x7f || b === 0x22 ? 2 : 0;
  }

  /** Packs the line buf[s, e) (no CR, no LF), or leaves it to the string path. */
  take(buf: Uint8Array, s: number, e: number, packer: MailRowPacker, ready: PackedChunk[]): boolean {
    const cellStart = this.cellStart;
    const cellEnd = this.cellEnd;
    let cells = 0;
    let from = s;
    const kind = this.kind;
    for (let i = s; i < e; i++) {
      const k = kind[buf[i] as number] as number;
      if (k === 0) continue;
      if (k === 2) return false;
      if (cells < MAX_CELLS) {
        cellStart[cells] = from;
        cellEnd[cells] = i;
      }
      cells += 1;
      from = i + 1;
    }
    if (cells < MAX_CELLS) {
      cellStart[cells] = from;
      cellEnd[cells] = e;
    }
    cells += 1;
    if (cells < 2) return false;
    // Each field's cell, trimmed of spaces (no other white space gets here).
    const fs = this.fs;
    const fe = this.fe;
    for (let f = 0; f < FIELDS.length; f++) {
      const c = this.col[f] as number;
      if (c < 0 || c >= cells) {
        fs[f] = 0;
        fe[f] = 0;
        continue;
      }
      let a = cellStart[c] as number;
      let z = cellEnd[c] as number;
      while (a < z && buf[a] === 0x20) a++;
      while (z > a && buf[z - 1] === 0x20) z--;
      fs[f] = a;
      fe[f] = z;
    }
    const scratch = this.scratch;
    const row = this.row;

    // The IMb: 20, 25, 29 or 31 digits, the barcode ID's second digit 0–4.
    const i0 = fs[F_IMB] as number;
    const imbLen = (fe[F_IMB] as number) - i0;
    if (imbLen !== 20 && imbLen !== 25 && imbLen !== 29 && imbLen !== 31) return false;
    for (let i = i0; i < i0 + imbLen; i++) if (!isDigit(buf[i] as number)) return false;
    if ((buf[i0 + 1] as number) > 0x34) return false;

    // The date-time: YYYY-MM-DD HH:MM:SS (or a T), a real one.
    const w = fs[F_SCANDATETIME] as number;
    if ((fe[F_SCANDATETIME] as number) - w !== 19) return false;
    for (let k = 0; k < 19; k++) {
      const b = buf[w + k] as number;
      if (k === 4 || k === 7) {
        if (b !== 0x2d) return false;
      } else if (k === 10) {
        if (b !== 0x20 && b !== 0x54) return false;
      } else if (k === 13 || k === 16) {
        if (b !== 0x3a) return false;
      } else if (!isDigit(b)) return false;
      scratch[32 + k] = b;
    }
    scratch[42] = 0x54; // T
    const y = num(buf, w, 4), mo = num(buf, w + 5, 2), d = num(buf, w + 8, 2);
    if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || num(buf, w + 11, 2) > 23 || num(buf, w + 14, 2) > 59 || num(buf, w + 17, 2) > 59) return false;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (d > (mo === 2 && leap ? 29 : (DAYS[mo - 1] as number))) return false;

    // The facility ZIP: none, 5 or 9 digits, or ZIP+4 with its hyphen (dropped).
    let z0 = fs[F_FACILITYZIP] as number;
    let zipLen = (fe[F_FACILITYZIP] as number) - z0;
    let zipBuf = buf;
    if (zipLen === 10 && buf[z0 + 5] === 0x2d) {
      for (let k = 0; k < 10; k++) if (k !== 5) scratch[64 + (k < 5 ? k : k - 1)] = buf[z0 + k] as number;
      zipBuf = scratch;
      z0 = 64;
      zipLen = 9;
    } else if (zipLen !== 0 && zipLen !== 5 && zipLen !== 9) return false;
    for (let k = 0; k < zipLen; k++) if (!isDigit(zipBuf[z0 + k] as number)) return false;

    // Text fields: not too long (they hold no control character, see above).
    for (let t = 0; t < TEXT_FIELDS.length; t++) {
      const f = TEXT_FIELDS[t] as number;
      if ((fe[f] as number) - (fs[f] as number) > (TEXT_MAX[t] as number)) return false;
    }
    // The state: none, or two letters (kept upper case).
    let st0 = fs[F_FACILITYSTATE] as number;
    const stLen = (fe[F_FACILITYSTATE] as number) - st0;
    let stBuf = buf;
    if (stLen === 2) {
      for (let k = 0; k < 2; k++) {
        const b = buf[st0 + k] as number;
        const upper = b >= 0x61 && b <= 0x7a ? b - 0x20 : b;
        if (upper < 0x41 || upper > 0x5a) return false;
        scratch[80 + k] = upper;
      }
      stBuf = scratch;
      st0 = 80;
    } else if (stLen !== 0) return false;

    // The dedupe hash (shared/mail/event.ts dedupeHash), over the same characters as bytes.
    const parts = this.parts;
    parts.set(H_BARCODE, buf, i0, 5); // barcode ID and STID
    parts.set(H_ROUTING, buf, i0 + 20, imbLen - 20);
    parts.set(H_AT, scratch, 32, 19);
    parts.set(H_OP, buf, fs[F_OPERATIONCODE] as number, (fe[F_OPERATIONCODE] as number) - (fs[F_OPERATIONCODE] as number));
    parts.set(H_EVENT, buf, fs[F_EVENTCODE] as number, (fe[F_EVENTCODE] as number) - (fs[F_EVENTCODE] as number));
    parts.set(H_FZIP, zipBuf, z0, zipLen);
    parts.set(H_MACHINE, buf, fs[F_MACHINENAME] as number, (fe[F_MACHINENAME] as number) - (fs[F_MACHINENAME] as number));
    const hash = hashOf(parts);
    let piece = 0;
    for (let i = i0 + 5; i < i0 + 20; i++) piece = piece * 10 + ((buf[i] as number) - 0x30);

    // The row, in MAIL_CHUNK_COLUMNS order, and its place.
    // Its decimal digits, in two parts of at most 8 digits each (small-integer arithmetic, not a double's remainder).
    let k = 31;
    const hi = Math.floor(hash / 1e8);
    let lo = hash - hi * 1e8;
    if (hi > 0) {
      for (let d = 0; d < 8; d++) {
        const q = (lo / 10) | 0;
        scratch[k--] = 0x30 + lo - q * 10;
        lo = q;
      }
      lo = hi;
    }
    do {
      const q = (lo / 10) | 0;
      scratch[k--] = 0x30 + lo - q * 10;
      lo = q;
    } while (lo > 0);
    row.set(C_KEY, scratch, k + 1, 31 - k);
    row.set(C_PIECE, buf, i0 + 5, 15);
    row.set(C_ROUTING, buf, i0 + 20, imbLen - 20);
    row.set(C_AT, scratch, 32, 19);
    row.set(C_AT_UTC, scratch, 0, 0);
    const place = this.place;
    const back = buf[i0 + 2] === 0x37 && buf[i0 + 3] === 0x37 && buf[i0 + 4] === 0x37;
    place.set(P_DIRECTION, back ? BACK : OUT, 0, back ? 4 : 3);
    place.set(P_BARCODE, buf, i0, 2);
    place.set(P_STID, buf, i0 + 2, 3);
    place.set(P_OP, buf, fs[F_OPERATIONCODE] as number, (fe[F_OPERATIONCODE] as number) - (fs[F_OPERATIONCODE] as number));
    place.set(P_EVENT, buf, fs[F_EVENTCODE] as number, (fe[F_EVENTCODE] as number) - (fs[F_EVENTCODE] as number));
    const handling = handlingWord(buf, fs[F_HANDLING] as number, fe[F_HANDLING] as number);
    place.set(P_HANDLING, handling, 0, handling.length);
    place.set(P_HANDLING_CODE, buf, fs[F_HANDLING] as number, (fe[F_HANDLING] as number) - (fs[F_HANDLING] as number));
    place.set(P_PHASE, buf, fs[F_MAILPHASE] as number, (fe[F_MAILPHASE] as number) - (fs[F_MAILPHASE] as number));
    place.set(P_MACHINE, buf, fs[F_MACHINENAME] as number, (fe[F_MACHINENAME] as number) - (fs[F_MACHINENAME] as number));
    place.set(P_FNAME, buf, fs[F_FACILITYNAME] as number, (fe[F_FACILITYNAME] as number) - (fs[F_FACILITYNAME] as number));
    place.set(P_FCITY, buf, fs[F_FACILITYCITY] as number, (fe[F_FACILITYCITY] as number) - (fs[F_FACILITYCITY] as number));
    place.set(P_FSTATE, stBuf, st0, stLen);
    place.set(P_FZIP, zipBuf, z0, zipLen);
    place.setRaw(buf, i0, this.rawPlace && cells > 2 ? (cellStart[2] as number) : -1, e);
    packer.add(hash, piece, row, place, ready);
    return true;
  }
}

/** shared/mail/event.ts handlingOf, over ASCII bytes. */
function handlingWord(buf: Uint8Array, s: number, e: number): Uint8Array {
  const is = (word: string) => {
    if (e - s !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (((buf[s + i] as number) | 0x20) !== word.charCodeAt(i)) return false;
    return true;
  };
  if (is('a') || is('actual')) return HANDLING.actual;
  if (is('l') || is('logical')) return HANDLING.logical;
  if (is('assumed')) return HANDLING.assumed;
  return HANDLING.unknown;
}

/** An event read by the string path, packed as bytes. */
class SlowRows {
  private readonly row = new MailRow();
  private readonly place = new PlaceParts();
  private scratch = Buffer.alloc(4096);

  add(p: Extract<Parsed, { record: unknown }>, packer: MailRowPacker, ready: PackedChunk[], rejects: MailChunk['rejects']): void {
    const e = toMailEvent(p.record);
    if (!e.ok) {
      rejects.push({ lineNo: p.lineNo, error: e.error, raw: p.raw });
      return;
    }
    const hash = dedupeHash(e.value);
    // The scratch holds every value until the packer has copied them: a larger one is new, the old one stays with the values in it.
    let at = 0;
    const put = (v: string | number | null, set: (buf: Uint8Array, start: number, len: number) => void) => {
      const s = v === null ? '' : String(v);
      if (at + s.length * 3 > this.scratch.length) {
        this.scratch = Buffer.alloc(Math.max(4096, s.length * 3));
        at = 0;
      }
      const len = this.scratch.write(s, at, 'utf8');
      set(this.scratch, at, len);
      at += len;
    };
    const piece = pieceOf(e.value.mailerId, e.value.serial);
    mailEventValues(e.value, hash, piece).forEach((v, c) => put(v, (b, s, l) => this.row.set(c, b, s, l)));
    mailPlaceValues(e.value).forEach((v, c) => put(v, (b, s, l) => this.place.set(c, b, s, l)));
    packer.add(hash, piece, this.row, this.place, ready);
  }
}

/**
 * A stretch of a file read by one of two readers (mail/import.ts): the bytes [from, to), `from`
 * at the start of a line (0, or just after a LF), `to` just after a LF (or the end of the file).
 */
export interface FilePart {
  from: number;
  to: number;
}

/**
 * Where a delimited file is split between two readers: just after the first LF at or after its
 * middle. Null when it is not split: it is smaller than `minBytes`, the split would leave the
 * second reader nothing, or the first line, which says the columns, is blank or longer than a
 * line may be (the second reader reads it first: partStart).
 */
export function splitPoint(file: string, minBytes = 0): number | null {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < minBytes) return null;
    const probe = Buffer.alloc(Math.min(READ_BYTES, size));
    const headLen = fs.readSync(fd, probe, 0, Math.min(probe.length, MAX_LINE + 2), 0);
    const firstEnd = probe.subarray(0, headLen).indexOf(10);
    if (firstEnd < 0 || firstEnd > MAX_LINE || probe.toString('utf8', 0, firstEnd).replace(/^\uFEFF/, '').trim() === '') return null;
    const middle = Math.floor(size / 2);
    const got = fs.readSync(fd, probe, 0, probe.length, middle);
    const nl = probe.subarray(0, got).indexOf(10);
    const at = middle + nl + 1;
    return nl >= 0 && at > firstEnd + 1 && at < size ? at : null;
  } finally {
    fs.closeSync(fd);
  }
}

/** A file shorter than when it was split, or not the same file (still being written, or replaced). */
const CHANGED = 'the file changed while it was being imported: import it again once it is complete';

/**
 * Where a part that starts at `from` > 0 begins its work: the lines before it are counted (its
 * line numbers are the file's), and it starts reading at the start of the repeat window before
 * the one it starts in (`seedAt`, line `seedLine` + 1), so that its repeat window holds what a
 * reader of the whole file would hold there; what it makes of the lines before `from` is dropped.
 */
function partStart(fd: number, from: number, buf: Buffer): { seedAt: number; seedLine: number } {
  let count = 0;
  // The starts of the last two windows (a window is BATCH_LINES lines): after LF number k * BATCH_LINES.
  let lastAt = 0, lastLine = 0, beforeAt = 0, beforeLine = 0;
  for (let at = 0; at < from; ) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, from - at), at);
    if (got === 0) throw new MailFileError(CHANGED);
    for (let i = buf.indexOf(10, 0); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) {
      count += 1;
      if (count % BATCH_LINES === 0) {
        beforeAt = lastAt;
        beforeLine = lastLine;
        lastAt = at + i + 1;
        lastLine = count;
      }
    }
    at += got;
  }
  return lastLine === 0 ? { seedAt: 0, seedLine: 0 } : { seedAt: beforeAt, seedLine: beforeLine };
}

/** The file's chunks (or those of `part` of it), as read-chunks.ts packMailChunks makes them from readDelimited. */
export function* readDelimitedChunks(file: string, ballots: PieceBallots, chunkRows?: number, places = new MailPlaces(), part?: FilePart): Generator<MailChunk> {
  const packer = new MailRowPacker(ballots, chunkRows, places);
  const slow = new SlowRows();
  const lines = new DelimitedLines();
  let fast: FastLines | null = null;
  let rejects: MailChunk['rejects'] = [];
  let read = 0;
  let near = 0;
  const chunk = (rows: PackedChunk | null): MailChunk => {
    const c: MailChunk = { rows, places: places.take(), rejects, read, nearRepeats: packer.nearRepeats - near };
    rejects = [];
    read = 0;
    near = packer.nearRepeats;
    return c;
  };
  const ready: PackedChunk[] = [];
  /** The fast path, once the columns are known. */
  const useColumns = () => {
    if (!fast && lines.columns) {
      fast = new FastLines(lines.columns, lines.delimiter.charCodeAt(0));
      if (!fast.usable) fast = null;
    }
  };
  /** A line by the string path (the text without its LF; a final CR is dropped here). */
  const slowLine = (lineNo: number, text: string) => {
    if (text.length > MAX_LINE) {
      read += 1;
      rejects.push({ lineNo, error: tooLongError, raw: text.slice(0, 200) });
      return;
    }
    const p = lines.parse(lineNo, withoutCr(text));
    if (!p) {
      useColumns();
      return;
    }
    read += 1;
    if ('error' in p) rejects.push({ lineNo: p.lineNo, error: p.error, raw: p.raw });
    else slow.add(p, packer, ready, rejects);
    useColumns();
  };
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length); // the same bytes: one kind of array on the fast path
  const line = (s: number, nl: number, lineNo: number) => {
    let e = nl;
    if (e > s && bytes[e - 1] === 0x0d) e -= 1;
    if (e === s) return; // blank
    if (fast && nl - s <= MAX_LINE) {
      read += 1;
      if (fast.take(bytes, s, e, packer, ready)) return;
      read -= 1;
    }
    slowLine(lineNo, buf.toString('utf8', s, nl));
  };

  const fd = fs.openSync(file, 'r');
  try {
    let len = 0;
    let lineNo = 0;
    /** The file offset of buf[0]. */
    let bufAt = 0;
    const end = part?.to ?? Infinity;
    /** Lines before this offset belong to another reader: they only fill the repeat window (partStart). */
    let seedUntil = 0;
    if (part && part.from > 0) {
      const start = partStart(fd, part.from, buf);
      // The first line says the columns (a header, or the first record's count of cells): only
      // that is taken from it here (the record it may be is the first part's, and must not enter
      // the repeat window).
      if (start.seedAt > 0) {
        const got = fs.readSync(fd, buf, 0, Math.min(buf.length, start.seedAt), 0);
        const nl = buf.subarray(0, got).indexOf(10);
        if (nl < 0 || nl > MAX_LINE) throw new MailFileError(CHANGED);
        const text = buf.toString('utf8', 0, nl);
        lines.parse(1, withoutCr(text));
        useColumns();
      }
      bufAt = start.seedAt;
      lineNo = start.seedLine;
      seedUntil = part.from;
    }
    let seeding = seedUntil > 0;
    let skipping: string | null = null; // the start of a line too long, whose end is still to come
    for (;;) {
      const got = fs.readSync(fd, buf, len, Math.min(buf.length - len, end - bufAt - len), bufAt + len);
      len += got;
      const view = buf.subarray(0, len);
      let s = 0;
      for (;;) {
        const nl = view.indexOf(10, s);
        if (nl < 0) break;
        lineNo += 1;
        if (skipping !== null) {
          read += 1;
          rejects.push({ lineNo, error: tooLongError, raw: skipping });
          skipping = null;
        } else line(s, nl, lineNo);
        s = nl + 1;
        if (seeding) {
          ready.length = 0;
          if (bufAt + s >= seedUntil) {
            // The part's own lines start here: what the lines before made is not this part's.
            // (The places numbered meanwhile stay listed for its first chunk: its rows may name them.)
            seeding = false;
            packer.take();
            rejects = [];
            read = 0;
            near = packer.nearRepeats;
          }
        }
        for (const rows of ready) yield chunk(rows);
        ready.length = 0;
        if (lineNo % BATCH_LINES === 0) {
          // The window moves on; the rows packed stay for a fuller chunk, the rejects go (they never pile up).
          packer.endBatch();
          if (rejects.length > 0 && !seeding) yield chunk(null);
        }
      }
      if (got === 0) {
        // The last line, with no LF after it.
        if (skipping !== null || s < len) {
          lineNo += 1;
          if (skipping !== null) {
            read += 1;
            rejects.push({ lineNo, error: tooLongError, raw: skipping });
          } else line(s, len, lineNo);
          for (const rows of ready) yield chunk(rows);
          ready.length = 0;
        }
        const rest = packer.take();
        if (rest || read > 0) yield chunk(rest);
        return;
      }
      if (skipping !== null) {
        bufAt += len;
        len = 0;
      } else if (s === 0 && len === buf.length) {
        // No LF in a full buffer: the line is too long; its first characters are kept for the rejects file.
        skipping = buf.toString('utf8', 0, 1024).slice(0, 200);
        bufAt += len;
        len = 0;
      } else {
        buf.copyWithin(0, s, len);
        bufAt += s;
        len -= s;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
