import fs from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import iconv from 'iconv-lite';
import type { RollFormat, RollRecord } from '../../shared/roll/types.js';
import { err, ok, type Result } from '../../shared/result.js';
import { fieldProblem, type FormatSpec, type RowMapper } from './formats/common.js';
import { gaSos } from './formats/ga-sos.js';
import { ncSbe } from './formats/nc-sbe.js';
import { station } from './formats/station.js';

export interface RollReadOptions {
  format: RollFormat;
  /** --map SRC=FIELD: source column name → station column name. */
  map?: Record<string, string>;
  /** --election: required when the layout has none (GA), overrides otherwise. */
  electionId?: string;
  /** Default: station utf8; nc-sbe and ga-sos cp1252, as the states publish them. */
  encoding?: 'utf8' | 'latin1' | 'cp1252';
  onProgress?: (p: { bytes: number; totalBytes: number | null; rows: number }) => void;
}

/** A problem with the file as a whole: nothing of it is imported. */
export class RollFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollFileError';
  }
}

const FORMATS: Record<RollFormat, FormatSpec> = { station, 'nc-sbe': ncSbe, 'ga-sos': gaSos };
const DEFAULT_ENCODING: Record<RollFormat, 'utf8' | 'cp1252'> = { station: 'utf8', 'nc-sbe': 'cp1252', 'ga-sos': 'cp1252' };
const MAX_RAW = 2000;

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

function openSource(source: string | NodeJS.ReadableStream, encoding: 'utf8' | 'latin1' | 'cp1252'): { stream: NodeJS.ReadableStream; bytes: () => number; total: number | null } {
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
    stream = fs.createReadStream(source, { highWaterMark: 1 << 20 });
  } else stream = source;
  stream.on('data', (chunk: Buffer | string) => {
    counted += chunk.length;
  });
  // csv-parse decodes UTF-8 itself (and strips a BOM); the single-byte encodings go through iconv.
  const decoded = encoding === 'utf8' ? stream : stream.pipe(iconv.decodeStream(encoding === 'cp1252' ? 'win1252' : 'latin1'));
  return { stream: decoded, bytes: () => counted, total };
}

/**
 * Streams a roll file and yields one record per data row: a validated row, or a rejection with
 * the spreadsheet row number (the header is row 1) and a specific reason. Problems with the file
 * as a whole (unreadable, empty, a header that is not this layout's) throw RollFileError before
 * any row is yielded. Memory stays flat whatever the file's size.
 */
export async function* readRoll(source: string | NodeJS.ReadableStream, opts: RollReadOptions): AsyncGenerator<RollRecord> {
  const spec = FORMATS[opts.format];
  if (opts.format === 'ga-sos' && !opts.electionId) throw new RollFileError("Georgia's STATEWIDE.csv names no election: give --election ID");
  const { stream, bytes, total } = openSource(source, opts.encoding ?? DEFAULT_ENCODING[opts.format]);
  // relax_column_count: a short or long row is a rejection with its row number, not a fatal error;
  // relax_quotes: a stray quote inside an unquoted field is data; skip_records_with_error: a
  // record csv-parse cannot parse is reported through 'skip' and the rest of the file goes on.
  // Records end at CRLF, LF or CR, mixed in one file (files pasted together from two systems).
  const parser = parse({ bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: true, skip_records_with_error: true, max_record_size: 1 << 20 });
  const skipped: RollRecord[] = [];
  parser.on('skip', (e: CsvError & { lines?: number }) => {
    skipped.push({ rowNo: e.lines ?? 0, ok: false, error: `malformed CSV: ${e.message}`, raw: '' });
  });
  stream.on('error', (e: Error) => parser.destroy(e));
  stream.pipe(parser);

  let header: string[] | null = null;
  let mapRow: RowMapper | null = null;
  // Row numbers are counted here, not taken from csv-parse, which counts a quoted CRLF as two lines.
  let nextLine = 1;
  let rows = 0;
  let lastReport = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const rowNo = nextLine;
      nextLine += 1 + innerLineBreaks(fields);
      if (header === null) {
        header = checkHeader(fields, opts, spec);
        const index = new Map(header.map((h, i) => [h, i] as const));
        mapRow = spec.mapper(index, { electionId: opts.electionId });
        continue;
      }
      while (skipped.length > 0) yield skipped.shift() as RollRecord;
      if (fields.length === 1 && fields[0] === '') continue; // a blank line
      rows += 1;
      if (!mapRow) throw new Error('unreachable: the header sets the mapper');
      yield toRecord(rowNo, fields, header, mapRow);
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
  while (skipped.length > 0) yield skipped.shift() as RollRecord;
  if (header === null) throw new RollFileError('the file is empty: no header row');
  opts.onProgress?.({ bytes: bytes(), totalBytes: total, rows });
}

function innerLineBreaks(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) if (f.includes('\n') || f.includes('\r')) n += f.match(/\r\n|\r|\n/g)?.length ?? 0;
  return n;
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

function toRecord(rowNo: number, fields: string[], header: string[], mapRow: RowMapper): RollRecord {
  const raw = () => {
    const s = fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
    return s.length > MAX_RAW ? `${s.slice(0, MAX_RAW)}…` : s;
  };
  if (fields.length !== header.length) return { rowNo, ok: false, error: `${fields.length} fields, the header has ${header.length}`, raw: raw() };
  const problem = fieldProblem(header, fields);
  if (problem) return { rowNo, ok: false, error: problem, raw: raw() };
  const row = mapRow(fields);
  return typeof row === 'string' ? { rowNo, ok: false, error: row, raw: raw() } : { rowNo, ok: true, row };
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
  const { stream } = openSource(path, opts.encoding ?? DEFAULT_ENCODING[opts.format]);
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, to_line: 1 });
  stream.pipe(parser);
  try {
    for await (const rec of parser as AsyncIterable<string[]>) return rec.map((h) => h.trim());
    return [];
  } finally {
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}
