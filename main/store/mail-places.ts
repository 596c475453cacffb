/**
 * Where and how a USPS scan happened, kept once: the "place" of a scan event is its direction,
 * barcode ID, STID, operation and event codes, handling, mail phase, machine and facility. A
 * county's ten million scans come from a few thousand such places at most (a facility's machines
 * times its operations), so each event row holds one small integer into `mail_places` instead of
 * thirteen columns of text (migration 13, store/migrations/v13-mail-places.ts). The rows are
 * less than half as wide: the first import writes, sorts and copies into the database that much
 * less (BENCHMARKS.md, issue 18).
 *
 * The dictionary is filled where events are packed (on the reader's thread for a file import):
 * seeded with the places already kept, it gives each new place the next number, and each chunk
 * carries the places first seen since the chunk before (`take`), which the store inserts before
 * the chunk's rows. One import at a time writes events (the mail-import lock), so the numbers it
 * gives are free.
 */
import type { Db } from './db.js';

/** A place's columns in `mail_places`, in this order everywhere (the key, the chunk's list, the view). */
export const PLACE_COLUMNS = [
  'direction', 'barcode_id', 'stid', 'operation_code', 'event_code', 'handling', 'handling_code', 'mail_phase', 'machine_name',
  'facility_name', 'facility_city', 'facility_state', 'facility_zip',
] as const;

export interface MailPlace {
  place: number;
  /** In PLACE_COLUMNS order; '' for an empty value. */
  values: string[];
}

/** What a MailPlaces is made of (and what crosses to the reader's thread). */
export interface MailPlacesData {
  known: MailPlace[];
}

/** Bytes of a key at most: each value is short (the readers refuse long ones), and a value's length takes two bytes. */
const MAX_KEY = 1 << 14;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * The columns of one place as bytes, each as (buffer, start, length), in PLACE_COLUMNS order;
 * and, when the reader knows them, the raw bytes the place was made from (see setRaw).
 */
export class PlaceParts {
  readonly buf: Uint8Array[] = new Array<Uint8Array>(PLACE_COLUMNS.length).fill(new Uint8Array(0));
  readonly start = new Int32Array(PLACE_COLUMNS.length);
  readonly len = new Int32Array(PLACE_COLUMNS.length);
  rawBuf: Uint8Array = new Uint8Array(0);
  rawHead = 0;
  rawFrom = -1;
  rawTo = -1;

  set(col: number, buf: Uint8Array, start: number, len: number): void {
    this.buf[col] = buf;
    this.start[col] = start;
    this.len[col] = len;
  }

  /**
   * The bytes the place's columns are a function of, as the file gave them: RAW_HEAD bytes at
   * `head` (the IMb's barcode ID and STID) and [from, to) (the rest of the line after the IMb and
   * the date). Two events with the same raw bytes have the same place, so the dictionary finds a
   * place seen before from them, without making its key. `from` < 0: none.
   */
  setRaw(buf: Uint8Array, head: number, from: number, to: number): void {
    this.rawBuf = buf;
    this.rawHead = head;
    this.rawFrom = from;
    this.rawTo = to;
  }
}

/** Bytes of the IMb in a raw place (the barcode ID and STID). */
const RAW_HEAD = 5;
/** Raw spellings remembered at most (a file that spells each place many ways starts over, and the places stay). */
const MAX_RAW = 1 << 16;

export class MailPlaces {
  /** By a hash of the key, the index (into keys and ids) of each place with that hash. */
  private readonly byHash = new Map<number, number | number[]>();
  private readonly keys: Uint8Array[] = [];
  private readonly ids: number[] = [];
  private readonly key = new Uint8Array(MAX_KEY);
  private readonly parts = new PlaceParts();
  private fresh: MailPlace[] = [];
  private next = 1;
  /** Raw spellings seen (PlaceParts.setRaw): by hash, the indexes into rawKeys and rawIds. */
  private rawByHash = new Map<number, number | number[]>();
  /** Buffers, for their native compare (sameRaw). */
  private rawKeys: Buffer[] = [];
  private rawIds: number[] = [];

  /** `firstNew`: the least number a new place may get (a second reader's places: store/mail-load.ts). */
  constructor(data: MailPlacesData = { known: [] }, firstNew = 1) {
    for (const p of data.known) {
      if (p.values.length !== PLACE_COLUMNS.length || !Number.isSafeInteger(p.place) || p.place < 1) throw new Error('the kept mail places are out of shape');
      this.remember(this.keyOfValues(p.values), p.place);
      if (p.place >= this.next) this.next = p.place + 1;
    }
    if (firstNew > this.next) this.next = firstNew;
  }

  /** Places known (kept, and given since). */
  get size(): number {
    return this.ids.length;
  }

  /**
   * The place's number, from its raw bytes when given and seen before, else from its columns as
   * bytes; a place not seen before gets the next number, and is listed for `take`.
   */
  idOf(parts: PlaceParts): number {
    if (parts.rawFrom < 0) return this.idOfColumns(parts);
    const buf = parts.rawBuf;
    const head = parts.rawHead;
    const from = parts.rawFrom;
    const to = parts.rawTo;
    let h = 0x811c9dc5;
    for (let i = head; i < head + RAW_HEAD; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
    for (let i = from; i < to; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
    h >>>= 0;
    const found = this.rawByHash.get(h);
    if (found !== undefined) {
      if (typeof found === 'number') {
        if (sameRaw(this.rawKeys[found] as Buffer, buf, head, from, to)) return this.rawIds[found] as number;
      } else for (const i of found) if (sameRaw(this.rawKeys[i] as Buffer, buf, head, from, to)) return this.rawIds[i] as number;
    }
    const place = this.idOfColumns(parts);
    if (this.rawKeys.length >= MAX_RAW) {
      this.rawByHash = new Map();
      this.rawKeys = [];
      this.rawIds = [];
    }
    const key = Buffer.alloc(RAW_HEAD + to - from);
    key.set(buf.subarray(head, head + RAW_HEAD), 0);
    key.set(buf.subarray(from, to), RAW_HEAD);
    bucket(this.rawByHash, h, this.rawKeys.length);
    this.rawKeys.push(key);
    this.rawIds.push(place);
    return place;
  }

  /** The place's key (each column's length in two bytes, then its bytes) written into this.key; returns its length. */
  private writeKey(parts: PlaceParts): number {
    const key = this.key;
    let at = 0;
    for (let c = 0; c < PLACE_COLUMNS.length; c++) {
      const len = parts.len[c] as number;
      if (at + len + 2 > MAX_KEY) throw new Error('a USPS scan\u2019s facility and codes are too long to keep');
      key[at++] = len >>> 8;
      key[at++] = len & 0xff;
      const src = parts.buf[c] as Uint8Array;
      const s = parts.start[c] as number;
      for (let i = 0; i < len; i++) key[at + i] = src[s + i] as number;
      at += len;
    }
    return at;
  }

  private idOfColumns(parts: PlaceParts): number {
    const key = this.key;
    const at = this.writeKey(parts);
    const hash = hashOf(key, at);
    const found = this.byHash.get(hash);
    if (found !== undefined) {
      if (typeof found === 'number') {
        if (same(this.keys[found] as Uint8Array, key, at)) return this.ids[found] as number;
      } else for (const i of found) if (same(this.keys[i] as Uint8Array, key, at)) return this.ids[i] as number;
    }
    const place = this.next++;
    const copy = key.slice(0, at);
    this.remember(copy, place, hash);
    this.fresh.push({ place, values: valuesOf(copy) });
    return place;
  }

  /** The place's number, from its values (PLACE_COLUMNS order). */
  idOfValues(values: readonly string[]): number {
    return this.idOf(this.partsOf(values));
  }

  /** The values (PLACE_COLUMNS order) as this.parts, with no raw bytes. */
  private partsOf(values: readonly string[]): PlaceParts {
    const parts = this.parts;
    parts.rawFrom = -1;
    values.forEach((v, c) => {
      const b = ENCODER.encode(v);
      parts.set(c, b, 0, b.length);
    });
    return parts;
  }

  /** The places given numbers since the last take, in the order given (the store inserts them before the rows that use them). */
  take(): MailPlace[] {
    const f = this.fresh;
    this.fresh = [];
    return f;
  }

  private keyOfValues(values: readonly string[]): Uint8Array {
    return this.key.slice(0, this.writeKey(this.partsOf(values)));
  }

  private remember(key: Uint8Array, place: number, hash = hashOf(key, key.length)): void {
    bucket(this.byHash, hash, this.keys.length);
    this.keys.push(key);
    this.ids.push(place);
  }
}

/** Files index `i` under `hash` (most hashes hold one index: a number, not an array). */
function bucket(map: Map<number, number | number[]>, hash: number, i: number): void {
  const had = map.get(hash);
  if (had === undefined) map.set(hash, i);
  else if (typeof had === 'number') map.set(hash, [had, i]);
  else had.push(i);
}

function hashOf(key: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ (key[i] as number), 0x01000193);
  return h >>> 0;
}

function same(kept: Uint8Array, key: Uint8Array, len: number): boolean {
  if (kept.length !== len) return false;
  for (let i = 0; i < len; i++) if (kept[i] !== key[i]) return false;
  return true;
}

/** The raw bytes kept (RAW_HEAD bytes, then the rest) against buf's: about a hundred bytes a line, the rest compared by Node's native compare. */
function sameRaw(kept: Buffer, buf: Uint8Array, head: number, from: number, to: number): boolean {
  if (kept.length !== RAW_HEAD + to - from) return false;
  for (let i = 0; i < RAW_HEAD; i++) if (kept[i] !== buf[head + i]) return false;
  return kept.compare(buf, from, to, RAW_HEAD, kept.length) === 0;
}

function valuesOf(key: Uint8Array): string[] {
  const values: string[] = [];
  let at = 0;
  for (let c = 0; c < PLACE_COLUMNS.length; c++) {
    const len = ((key[at] as number) << 8) | (key[at + 1] as number);
    at += 2;
    values.push(DECODER.decode(key.subarray(at, at + len)));
    at += len;
  }
  return values;
}

/** The places kept, for an import's dictionary. */
export function keptMailPlaces(db: Db): MailPlacesData {
  const rows = db.prepare<[], unknown[]>(`SELECT place, ${PLACE_COLUMNS.join(', ')} FROM mail_places ORDER BY place`).raw().all();
  return { known: rows.map((r) => ({ place: r[0] as number, values: r.slice(1).map((v) => String(v)) })) };
}

/** Inserts an import's new places (MailPlaces.take), inside the caller's write transaction. */
export function placeInserter(db: Db): (places: readonly MailPlace[]) => void {
  const insert = db.prepare(`INSERT INTO mail_places (place, ${PLACE_COLUMNS.join(', ')}) VALUES (${PLACE_COLUMNS.map(() => '?').join(', ')}, ?)`);
  return (places) => {
    for (const p of places) insert.run(p.place, ...p.values);
  };
}
