import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import iconv from 'iconv-lite';
import type { RollFormat, RollRecord } from '../../shared/roll/types.js';
import { err, ok, type Result } from '../../shared/result.js';
import { fieldProblem, mayHoldSuspect, type FormatSpec, type RowMapper } from './formats/common.js';
import { gaSos } from './formats/ga-sos.js';
import { ncSbe } from './formats/nc-sbe.js';
import { station } from './formats/station.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import { fileHead, sniffEncoding, undecodableHint, type RollEncoding } from './encoding.js';
import { ServiceError } from '../../shared/errors.js';

export interface RollReadOptions {
  format: RollFormat;
  /** --map SRC=FIELD: source column name → station column name. */
  map?: Record<string, string>;
  /** --election: required when the layout has none (GA), overrides otherwise. */
  electionId?: string;
  /**
   * Default: station utf8; nc-sbe and ga-sos cp1252 as the states publish them, unless the file's
   * first megabyte shows otherwise (see chooseEncoding).
   */
  encoding?: RollEncoding;
  onProgress?: (p: { bytes: number; totalBytes: number | null; rows: number }) => void;
}

/** A problem with the file as a whole: nothing of it is imported. */
export class RollFileError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'RollFileError';
  }
}

const FORMATS: Record<RollFormat, FormatSpec> = { station, 'nc-sbe': ncSbe, 'ga-sos': gaSos };
const DEFAULT_ENCODING: Record<RollFormat, 'utf8' | 'cp1252'> = { station: 'utf8', 'nc-sbe': 'cp1252', 'ga-sos': 'cp1252' };

/**
 * The encoding a read uses: the one given; else, for a state layout read from a file, the one its
 * first megabyte shows (encoding.ts's sniffEncoding); else the layout's default.
 */
export function chooseEncoding(source: string | NodeJS.ReadableStream, opts: Pick<RollReadOptions, 'format' | 'encoding'>): { encoding: RollEncoding; detected: boolean } {
  if (opts.encoding) return { encoding: opts.encoding, detected: false };
  const fallback = DEFAULT_ENCODING[opts.format];
  if (fallback !== 'cp1252' || typeof source !== 'string') return { encoding: fallback, detected: false };
  return { encoding: sniffEncoding(fileHead(source)), detected: true };
}
const MAX_RAW = 2000;
const MAX_RECORD_CHARS = 1 << 20;
// eslint-disable-next-line no-control-regex -- ASCII is U+0000 to U+007F
const NOT_ASCII = /[^\u0000-\u007f]/;

export function parseMapOption(text: string): Result<Record<string, string>> {
  const out: Record<string, string> = {};
  const targets = new Set<string>();
  for (const part of text.split(',')) {
    const [src, field, extra] = part.split('=').map((s) => s?.trim());
    if (!src || !field || extra !== undefined) return err(`"${part}" is not SRC=FIELD`);
    if (Object.hasOwn(out, src)) return err(`source column ${src} is mapped twice`);
    if (targets.has(field)) return err(`two columns are mapped to ${field}`);
    out[src] = field;
    targets.add(field);
  }
  return ok(out);
}

function openSource(source: string | NodeJS.ReadableStream, encoding: RollEncoding): { stream: NodeJS.ReadableStream; bytes: () => number; total: number | null } {
  let stream: NodeJS.ReadableStream;
  let total: number | null = null;
  let counted = 0;
  if (typeof source === 'string') {
    try {
      const st = fs.statSync(source);
      if (!st.isFile()) throw new RollFileError(`${source} is not a file`);
      total = st.size;
    } catch (e) {
      if (e instanceof RollFileError) throw e;
      throw new RollFileError(`cannot read ${source}: ${(e as Error).message}`);
    }
    stream = fs.createReadStream(source, { highWaterMark: 1 << 16 });
  } else stream = source;
  stream.on('data', (chunk: Buffer | string) => {
    counted += chunk.length;
  });
  // Decoded to text here (a UTF-8 character split between two reads is put back together); the
  // tokenizer drops a BOM.
  const decoder = encoding === 'utf8' ? new PassThrough({ encoding: 'utf8' }) : iconv.decodeStream(encoding === 'cp1252' ? 'win1252' : 'latin1');
  const decoded = stream.pipe(decoder);
  // pipe() does not carry errors: a read error (a pulled USB stick) must end the import.
  stream.on('error', (e: Error) => (decoded as NodeJS.ReadableStream & { destroy: (e: Error) => void }).destroy(e));
  return { stream: decoded, bytes: () => counted, total };
}

/**
 * Streams a roll file and yields one record per data row: a validated row, or a rejection with
 * the spreadsheet row number (the header is row 1) and a specific reason. Problems with the file
 * as a whole (unreadable, empty, a header that is not this layout's) throw RollFileError before
 * any row is yielded. Memory stays flat whatever the file's size.
 */
export async function* readRoll(source: string | NodeJS.ReadableStream, opts: RollReadOptions): AsyncGenerator<RollRecord> {
  for await (const chunk of readRecordChunks(source, opts)) yield* chunk.records;
}

/** The records of one chunk of the file; `ascii` when none of their text is outside ASCII. */
export interface RecordChunk {
  records: RollRecord[];
  ascii: boolean;
}

/**
 * As readRoll, a chunk of the file at a time: the records of each chunk in one array, so a
 * state-sized import pays for one await per chunk, not one per row.
 */
export async function* readRecordChunks(source: string | NodeJS.ReadableStream, opts: RollReadOptions): AsyncGenerator<RecordChunk> {
  const spec = FORMATS[opts.format];
  if (opts.format === 'ga-sos' && !opts.electionId) throw new RollFileError("Georgia's STATEWIDE.csv names no election: give --election ID");
  const { encoding } = chooseEncoding(source, opts);
  const undecodable = undecodableHint(encoding);
  const { stream, bytes, total } = openSource(source, encoding);
  const tokenizer = new CsvTokenizer(MAX_RECORD_CHARS);
  let header: string[] | null = null;
  let mapRow: RowMapper | null = null;
  let rows = 0;
  let lastReport = 0;
  const records: CsvRecord[] = [];
  let ended = false;
  let carrySuspect = false;
  let carryWide = false;
  try {
    const chunks = (stream as AsyncIterable<string>)[Symbol.asyncIterator]();
    while (!ended) {
      const next = await chunks.next();
      // One scan of the chunk for control characters and undecodable bytes; only a record that
      // holds text from a chunk with one is checked field by field.
      const suspect = !next.done && mayHoldSuspect(next.value);
      const check: boolean = suspect || carrySuspect;
      // Likewise one scan for text outside ASCII (the packer then takes a string's length as its UTF-8 length).
      const wide = !next.done && NOT_ASCII.test(next.value);
      const ascii: boolean = !wide && !carryWide;
      if (next.done) {
        tokenizer.end(records);
        ended = true;
      } else tokenizer.push(next.value, records);
      carrySuspect = tokenizer.pending && check;
      carryWide = tokenizer.pending && !ascii;
      const out: RollRecord[] = [];
      for (let k = 0; k < records.length; k++) {
        const rec = records[k] as CsvRecord;
        if (header === null) {
          if (!('fields' in rec)) throw new RollFileError(`the header row cannot be read: ${rec.error}`);
          header = checkHeader(rec.fields, opts, spec);
          const index = new Map(header.map((h, i) => [h, i] as const));
          mapRow = spec.mapper(index, { electionId: opts.electionId });
          continue;
        }
        if (!('fields' in rec)) {
          rows += 1;
          out.push({ rowNo: rec.line, ok: false, error: `malformed CSV: ${rec.error}`, raw: '' });
          continue;
        }
        const fields = rec.fields;
        if (fields.length === 1 && fields[0] === '') continue; // a blank line
        rows += 1;
        if (!mapRow) throw new Error('unreachable: the header sets the mapper');
        out.push(toRecord(rec.line, fields, header, mapRow, check, undecodable));
      }
      records.length = 0;
      if (out.length > 0) yield { records: out, ascii };
      if (opts.onProgress && rows - lastReport >= 5000) {
        lastReport = rows;
        opts.onProgress({ bytes: bytes(), totalBytes: total, rows });
      }
    }
  } catch (e) {
    if (e instanceof RollFileError) throw e;
    throw new RollFileError(`cannot read the roll file: ${(e as Error).message}`);
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
  if (header === null) throw new RollFileError('the file is empty: no header row');
  opts.onProgress?.({ bytes: bytes(), totalBytes: total, rows });
}

function checkHeader(fields: string[], opts: RollReadOptions, spec: FormatSpec): string[] {
  const header = fields.map((f) => {
    const name = f.trim();
    return opts.map?.[name] ?? name;
  });
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') continue;
    if (seen.has(h)) throw new RollFileError(`the header names column "${h}" twice`);
    seen.add(h);
  }
  const missing = spec.required.filter((c) => !seen.has(c) && !(c === 'election_id' && opts.electionId));
  if (missing.length > 0) {
    const hint = header.length <= 2 ? ' (is this a CSV file of that layout?)' : '';
    throw new RollFileError(`the header lacks ${missing.join(', ')} for the ${opts.format} layout${hint}`);
  }
  if (opts.format === 'station' && !seen.has('election_id') && !opts.electionId)
    throw new RollFileError('the header has no election_id column: give --election ID');
  return header;
}

function toRecord(rowNo: number, fields: string[], header: string[], mapRow: RowMapper, checkChars: boolean, undecodable: string): RollRecord {
  if (fields.length !== header.length) return { rowNo, ok: false, error: `${fields.length} fields, the header has ${header.length}`, raw: rawRow(fields) };
  const problem = fieldProblem(header, fields, checkChars, undecodable);
  if (problem) return { rowNo, ok: false, error: problem, raw: rawRow(fields) };
  const row = mapRow(fields);
  if (typeof row === 'string') return { rowNo, ok: false, error: row, raw: rawRow(fields) };
  if ('skip' in row) return { rowNo, ok: false, error: row.reason, raw: '', skipped: row.skip };
  return { rowNo, ok: true, row };
}

/** A refused row as CSV again, for the rejects file. */
function rawRow(fields: string[]): string {
  const s = fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
  return s.length > MAX_RAW ? `${s.slice(0, MAX_RAW)}…` : s;
}

/** The header and first rows, for the UI's column-mapping step; reads no further. */
export async function previewRoll(path: string, opts: RollReadOptions, n: number): Promise<{ headers: string[]; records: RollRecord[] }> {
  const records: RollRecord[] = [];
  for await (const r of readRoll(path, opts)) {
    records.push(r);
    if (records.length >= n) break;
  }
  return { headers: await readHeader(path, opts), records };
}

/** The file's own column names (before --map), for the mapping step. */
export async function readHeader(path: string, opts: Pick<RollReadOptions, 'format' | 'encoding'>): Promise<string[]> {
  const { stream } = openSource(path, chooseEncoding(path, opts).encoding);
  const tokenizer = new CsvTokenizer(MAX_RECORD_CHARS);
  const out: CsvRecord[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      tokenizer.push(chunk, out);
      if (out.length > 0) break;
    }
    if (out.length === 0) tokenizer.end(out);
    const first = out[0];
    return first && 'fields' in first ? first.fields.map((h) => h.trim()) : [];
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}
