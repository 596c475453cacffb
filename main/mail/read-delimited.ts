/**
 * IV-MTR's delimited piece-scan file ("IV Mail Tracking & Reporting User Guide" V2.6, "Delimited
 * File"): one scan a line, fields separated by a pipe (or a comma or tab, which the first line
 * shows), with or without a header line. A header decides the columns by name (layout.ts);
 * without one, the columns are read in HEADERLESS_ORDER. Quotes are honoured for comma files.
 */
import { err, ok, type Result } from '../../shared/result.js';
import { fieldOf, HEADERLESS_ORDER, MailFileError, type Field, type Parsed, type ParsedBatch, type RawRecord } from './layout.js';
import { BATCH_LINES, MAX_LINE, readLines } from './read-lines.js';

export type Columns = readonly (Field | null)[];

function delimiterOf(line: string): string {
  if (line.includes('|')) return '|';
  if (line.includes('\t')) return '\t';
  return ',';
}

/** One line's cells; quotes (doubled inside) only matter when the line has any. */
export function splitCells(line: string, delimiter: string): Result<string[]> {
  if (!line.includes('"')) return ok(line.split(delimiter));
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) return err('a quoted field is not closed on its line');
  cells.push(cell);
  return ok(cells);
}

/** The header's columns, when the first line is one (it names the IMb column). */
function headerColumns(cells: string[]): Columns | null {
  const cols = cells.map((c) => fieldOf(c) ?? null);
  return cols.includes('imb') ? cols : null;
}

function recordOf(cells: string[], columns: Columns): RawRecord {
  const r: RawRecord = {};
  const n = Math.min(cells.length, columns.length);
  for (let i = 0; i < n; i++) {
    const f = columns[i];
    if (f) r[f] = cells[i];
  }
  return r;
}

/**
 * A delimited file's lines one by one, in order: the first line that is not blank decides the
 * delimiter and whether there is a header (and so the columns).
 */
export class DelimitedLines {
  columns: Columns | null = null;
  delimiter = '|';

  /** One line's text (a final CR already off): its record or why not; null for a blank line or the header. */
  parse(lineNo: number, lineText: string): Parsed | null {
    const text = this.columns ? lineText : lineText.replace(/^\uFEFF/, '');
    if (text.trim() === '') return null;
    if (!this.columns) {
      if (/^\s*[[{]/.test(text)) throw new MailFileError('this file looks like JSON, not a delimited file: import it with --format ivmtr-json');
      this.delimiter = delimiterOf(text);
      const first = splitCells(text, this.delimiter);
      const header = first.ok ? headerColumns(first.value) : null;
      this.columns = header ?? HEADERLESS_ORDER;
      if (header) return null;
    }
    const cells = splitCells(text, this.delimiter);
    if (!cells.ok) return { lineNo, error: cells.error, raw: text };
    if (cells.value.length < 2) return { lineNo, error: `the line has no ${JSON.stringify(this.delimiter)} between fields`, raw: text };
    return { lineNo, record: recordOf(cells.value, this.columns), raw: text };
  }
}

/** The error of a line longer than MAX_LINE. */
export const tooLongError = `the line is longer than ${MAX_LINE / 1024} KiB`;

/** The file's records, a batch per `batchLines` lines (blank ones and the header counted). */
export async function* readDelimited(source: string | NodeJS.ReadableStream, batchLines = BATCH_LINES): AsyncGenerator<ParsedBatch> {
  const lines = new DelimitedLines();
  for await (const batch of readLines(source, batchLines)) {
    const out: ParsedBatch = [];
    for (const line of batch) {
      if ('tooLong' in line) {
        out.push({ lineNo: line.lineNo, error: tooLongError, raw: line.start });
        continue;
      }
      const p = lines.parse(line.lineNo, line.text);
      if (p) out.push(p);
    }
    yield out;
  }
}
