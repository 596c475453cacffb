import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, type CsvRecord } from '../../main/roll/csv-tokenizer.js';

/** Tokenizes `text` fed in the given chunk sizes (cycled). */
function tokenize(text: string, sizes: number[] = [text.length || 1], max?: number): CsvRecord[] {
  const t = new CsvTokenizer(max);
  const out: CsvRecord[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const size = Math.max(1, sizes[k % sizes.length] ?? 1);
    t.push(text.slice(i, i + size), out);
    i += size;
    k += 1;
  }
  t.end(out);
  return out;
}
const fields = (rs: CsvRecord[]) => rs.map((r) => ('fields' in r ? r.fields : { error: r.error }));

const quote = (f: string) => (/[",\r\n]/.test(f) || f.startsWith('"') ? `"${f.replace(/"/g, '""')}"` : f);

describe('CsvTokenizer', () => {
  it('reads plain, quoted, doubled-quote, embedded comma and line-break fields', () => {
    const text = 'a,b,c\n"x, y","say ""hi""","two\nlines"\r\nlast,,\n';
    expect(fields(tokenize(text))).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['last', '', ''],
    ]);
    expect(tokenize(text).map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('drops a BOM, reads mixed CRLF, LF and CR line ends, and a last line with no line end', () => {
    expect(fields(tokenize('\uFEFFh1,h2\r\na,b\nc,d\re,f'))).toEqual([
      ['h1', 'h2'],
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('keeps a quote inside an unquoted field as data', () => {
    expect(fields(tokenize('5" FLOPPY,O\'BRIEN\n'))).toEqual([['5" FLOPPY', "O'BRIEN"]]);
  });

  it('reports text after a closing quote and an unclosed quote as errors with their lines, and goes on', () => {
    const rs = tokenize('ok,1\n"a"b,2\nok,3\n"never closed,4\n');
    expect(rs[0]).toEqual({ line: 1, fields: ['ok', '1'] });
    expect(rs[1]).toMatchObject({ line: 2, error: expect.stringContaining('text after a closing quote') as unknown });
    expect(rs[2]).toEqual({ line: 3, fields: ['ok', '3'] });
    expect(rs[3]).toMatchObject({ line: 4, error: expect.stringContaining('never closed') as unknown });
  });

  it('reports an over-long row once and reads the next one', () => {
    const rs = tokenize(`short\n${'x'.repeat(5000)}\nnext\n`, [700], 1000);
    expect(fields(rs)).toEqual([['short'], { error: expect.stringContaining('longer than 1000') as unknown }, ['next']]);
  });

  it('a CRLF split across two chunks is one line end', () => {
    const rs = tokenize('a\r\nb\r\n', [2]);
    expect(fields(rs)).toEqual([['a'], ['b']]);
    expect(rs.map((r) => r.line)).toEqual([1, 2]);
  });

  it('reads any file a spreadsheet could write, in any chunking, exactly as written (and as csv-parse reads it)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', ',', '"', '\n', '\r', '\r\n', 'é', '😀', '=', '-'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 25 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        (records, eol, sizes) => {
          const text = records.map((r) => r.map(quote).join(',')).join(eol) + eol;
          const got = tokenize(text, sizes);
          expect(fields(got)).toEqual(records);
          let line = 1;
          records.forEach((r, i) => {
            expect(got[i]?.line).toBe(line);
            line += 1 + r.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
          });
          expect(fields(got)).toEqual(parse(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }));
        },
      ),
      { numRuns: 400 },
    );
  });
});
