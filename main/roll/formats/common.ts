import type { RollRow, SkipKind } from '../../../shared/roll/types.js';

/** A row the layout knows is not an issued ballot: left out of the roll, counted, not rejected. */
export interface Skip {
  skip: SkipKind;
  reason: string;
}

/** A row mapper: the record's fields (by column index) → a row, a row to skip, or the reason it is refused. */
export type RowMapper = (fields: readonly string[]) => RollRow | Skip | string;

export interface FormatSpec {
  /** Columns that must be in the header (after --map renaming). */
  required: readonly string[];
  /** Builds the mapper once per file, from the header's column positions. */
  mapper(index: ReadonlyMap<string, number>, ctx: { electionId: string | undefined }): RowMapper;
}

export const MAX_FIELD = 1000;
// Control characters other than tab/newline; newlines inside quoted fields are folded to spaces.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- one test for both problems on the common path
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

/**
 * One cell as trimmed text or null (a missing column, index -1, is null). Line breaks inside a
 * quoted cell are folded to one space. Called for every cell of a state-sized roll, so the common
 * case (printable ASCII at both ends, no line break) allocates nothing.
 */
export function cell(fields: readonly string[], i: number): string | null {
  if (i < 0) return null;
  const v = fields[i];
  if (v === undefined || v === '') return null;
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(v.length - 1);
  let t = a > 32 && a < 127 && b > 32 && b < 127 ? v : v.trim();
  if (t.indexOf('\n') !== -1 || t.indexOf('\r') !== -1) t = t.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return t === '' ? null : t;
}

/** Reads one column as trimmed text or null; a missing column is null. */
export function getter(index: ReadonlyMap<string, number>, fields: readonly string[]) {
  return (name: string): string | null => cell(fields, index.get(name) ?? -1);
}

/** Whether text may hold a character fieldProblem refuses (one scan of a whole chunk of the file). */
export function mayHoldSuspect(text: string): boolean {
  return SUSPECT.test(text);
}

/**
 * The checks every layout shares: field length, control characters, undecodable bytes. The
 * character checks are skipped when the caller knows the record cannot fail them (`chars` false).
 * `undecodable` says what an undecodable byte means in the encoding in use (roll/encoding.ts).
 */
export function fieldProblem(header: readonly string[], fields: readonly string[], chars = true, undecodable = 'has bytes that are not valid in this encoding'): string | null {
  for (let i = 0; i < fields.length; i += 1) {
    const v = fields[i] as string;
    if (v.length > MAX_FIELD) return `field ${header[i] ?? i + 1} is ${v.length} characters long (limit ${MAX_FIELD})`;
    if (!chars || !SUSPECT.test(v)) continue;
    if (CONTROL.test(v)) return `field ${header[i] ?? i + 1} holds a control character (U+${(CONTROL.exec(v)?.[0].charCodeAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`;
    if (v.includes('\uFFFD')) return `field ${header[i] ?? i + 1} ${undecodable}`;
  }
  return null;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1850 || y > 2200) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0));
}

/** The value of the ASCII digits v[from, to), or -1 if any is not a digit. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** YYYY-MM-DD → itself if a real calendar date, else null. */
export function isoDate(v: string): string | null {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return null;
  const y = digits(v, 0, 4);
  const m = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  return y >= 0 && m >= 0 && d >= 0 && realDate(y, m, d) ? v : null;
}

/** MM/DD/YYYY (NC, GA) → YYYY-MM-DD, or null. */
export function usDate(v: string): string | null {
  const m = US_DATE.exec(v);
  if (!m) return null;
  const [mm, dd, yyyy] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return realDate(yyyy, mm, dd) ? `${yyyy}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}` : null;
}

/** A date or a timestamp (issued_at). */
export function isoDateOrTimestamp(v: string): string | null {
  if (isoDate(v)) return v;
  return ISO_TIMESTAMP.test(v) && isoDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v)) ? v : null;
}

/** The return-envelope IMb: mailer ID 6 digits (first 0–8) or 9 (first 9); mailer + serial = 15 digits. */
export function imbProblem(mailer: string | null, serial: string | null): string | null {
  if (mailer === null && serial === null) return null;
  if (mailer === null || serial === null) return 'imb_mailer_id and imb_serial go together: one is missing';
  const nine = mailer.charCodeAt(0) === 57;
  if (mailer.length !== (nine ? 9 : 6) || !allDigits(mailer)) return `imb_mailer_id ${mailer} is not 6 digits (first 0-8) or 9 digits (first 9)`;
  const want = 15 - mailer.length;
  if (serial.length !== want || !allDigits(serial)) return `imb_serial ${serial} must be ${want} digits with a ${mailer.length}-digit mailer ID`;
  return null;
}

function allDigits(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export const compact = (s: string): string => s.replace(/-/g, '');
