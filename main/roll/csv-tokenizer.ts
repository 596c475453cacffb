/**
 * A streaming CSV tokenizer (RFC 4180, as states and spreadsheets write it), built for a
 * state-sized roll: a line without a quote is split with one native call; only lines with
 * quotes are walked character by character. It reads what the roll importer needs and no more:
 *
 * - records end at CRLF, LF or CR, mixed in one file; a BOM at the very start is dropped;
 * - a field that starts with `"` is quoted: `""` inside it is one quote, and commas and line
 *   breaks inside it are data; a quote inside an unquoted field is data too (spreadsheets write
 *   `5" FLOPPY` that way);
 * - a record that cannot be read (text after a closing quote, a quote never closed, a record
 *   over `maxRecordChars`) becomes an error record with its line number, and reading goes on
 *   at the next line: one bad row never stops an import.
 *
 * Each record carries the line it starts on (the header is line 1), counting the line breaks
 * inside quoted fields, so rejections name the row a person sees in a text editor.
 */
export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export class CsvTokenizer {
  private buf = '';
  private line = 1;
  private started = false;

  constructor(private readonly maxRecordChars = 1 << 20) {}

  /** Adds a decoded chunk; complete records are appended to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    if (!this.started) {
      if (chunk === '') return;
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buf = this.buf === '' ? chunk : this.buf + chunk;
    this.drain(out, false);
  }

  /** Whether text is held back for the next chunk (a record not yet complete, or one being skipped). */
  get pending(): boolean {
    return this.buf !== '' || this.skipping;
  }

  /** The end of the input: whatever is left is the last record. */
  end(out: CsvRecord[]): void {
    this.drain(out, true);
    this.buf = '';
  }

  private drain(out: CsvRecord[], final: boolean): void {
    const s = this.buf;
    const n = s.length;
    const find = new Finder(s);
    let pos = 0;
    while (pos < n) {
      if (this.skipping) {
        // The tail of an over-long record, already reported: dropped up to the next line break.
        const nl = find.lineBreak(pos);
        if (nl === -1) {
          pos = n;
          break;
        }
        this.skipping = false;
        pos = afterBreak(s, nl);
        continue;
      }
      const nl = find.lineBreak(pos);
      // A lone CR at the very end of a chunk may be the first half of a CRLF: wait for more.
      if (!final && (nl === -1 || (nl === n - 1 && s.charCodeAt(nl) === 13))) {
        if (n - pos > this.maxRecordChars) pos = this.overlong(s, pos, out, find);
        break;
      }
      const lineEnd = nl === -1 ? n : nl;
      const quote = find.quote(pos);
      if (quote === -1 || quote >= lineEnd) {
        // The fast path: no quote before the line break.
        if (lineEnd - pos > this.maxRecordChars) out.push({ line: this.line, error: `the row is longer than ${this.maxRecordChars} characters` });
        else out.push({ line: this.line, fields: s.slice(pos, lineEnd).split(',') });
        this.line += 1;
        pos = nl === -1 ? n : afterBreak(s, nl);
        continue;
      }
      const r = this.quoted(s, pos, final, find);
      if (r === null) {
        if (n - pos > this.maxRecordChars) pos = this.overlong(s, pos, out, find);
        break; // the record goes on in the next chunk
      }
      out.push(r.record);
      this.line += 1 + r.breaks;
      pos = r.next;
    }
    this.buf = pos >= n ? '' : s.slice(pos);
  }

  private skipping = false;

  /** A record too long to be a roll row: reported once, then skipped to the next line break. */
  private overlong(s: string, pos: number, out: CsvRecord[], find: Finder): number {
    out.push({ line: this.line, error: `the row is longer than ${this.maxRecordChars} characters (a quote never closed?)` });
    this.line += 1;
    const nl = find.lineBreak(pos + this.maxRecordChars);
    if (nl === -1) {
      this.skipping = true;
      return s.length;
    }
    return afterBreak(s, nl);
  }

  /**
   * Walks one record that has a quote. Returns null when the record is not complete in the buffer
   * (and more input may come).
   */
  private quoted(s: string, start: number, final: boolean, find: Finder): { record: CsvRecord; next: number; breaks: number } | null {
    const n = s.length;
    const fields: string[] = [];
    let i = start;
    let breaks = 0;
    for (;;) {
      // At the start of a field.
      if (i < n && s.charCodeAt(i) === 34) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = s.indexOf('"', from);
          if (q === -1) {
            if (!final) return null;
            return { record: { line: this.line, error: 'a quoted field is never closed (the quote runs to the end of the file)' }, next: n, breaks: 0 };
          }
          value += s.slice(from, q);
          if (q + 1 < n && s.charCodeAt(q + 1) === 34) {
            value += '"';
            from = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return null;
          i = q + 1;
          break;
        }
        breaks += countBreaks(value);
        fields.push(value);
        const c = i < n ? s.charCodeAt(i) : -1;
        if (c === 44) {
          i += 1;
          continue;
        }
        if (c === -1 || c === 10 || c === 13) {
          if (c === 13 && i + 1 >= n && !final) return null;
          return { record: { line: this.line, fields }, next: c === -1 ? n : afterBreak(s, i), breaks };
        }
        // Text after a closing quote: the record is malformed; resume after its line.
        const nl = find.lineBreak(i);
        if (nl === -1 && !final) return null;
        return {
          record: { line: this.line, error: `text after a closing quote in field ${fields.length} ("${s.slice(i, Math.min(i + 12, nl === -1 ? n : nl))}")` },
          next: nl === -1 ? n : afterBreak(s, nl),
          breaks,
        };
      }
      // An unquoted field: up to the next comma or line break (a quote inside it is data).
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j += 1;
      }
      fields.push(s.slice(i, j));
      if (j >= n) {
        if (!final) return null;
        return { record: { line: this.line, fields }, next: n, breaks };
      }
      const c = s.charCodeAt(j);
      if (c === 44) {
        i = j + 1;
        continue;
      }
      if (c === 13 && j + 1 >= n && !final) return null;
      return { record: { line: this.line, fields }, next: afterBreak(s, j), breaks };
    }
  }
}

/**
 * Finds the next line break and the next quote in one buffer, remembering what it found, so a
 * buffer with no CR (or no quote) at all is searched once, not once a line.
 */
class Finder {
  private lf = -2;
  private cr = -2;
  private q = -2;

  constructor(private readonly s: string) {}

  /** The index of the next CR or LF at or after `from`, or -1. */
  lineBreak(from: number): number {
    if (this.lf !== -1 && this.lf < from) this.lf = this.s.indexOf('\n', from);
    if (this.cr !== -1 && this.cr < from) this.cr = this.s.indexOf('\r', from);
    if (this.cr === -1) return this.lf;
    if (this.lf === -1) return this.cr;
    return this.cr < this.lf ? this.cr : this.lf;
  }

  /** The index of the next quote at or after `from`, or -1. */
  quote(from: number): number {
    if (this.q !== -1 && this.q < from) this.q = this.s.indexOf('"', from);
    return this.q;
  }
}

/** Past the line break at `at` (CRLF counts as one). */
function afterBreak(s: string, at: number): number {
  return s.charCodeAt(at) === 13 && s.charCodeAt(at + 1) === 10 ? at + 2 : at + 1;
}

function countBreaks(v: string): number {
  if (v.indexOf('\n') === -1 && v.indexOf('\r') === -1) return 0;
  return v.match(/\r\n|\r|\n/g)?.length ?? 0;
}
