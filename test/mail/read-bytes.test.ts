import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../bench/mail.js';
import { readDelimitedChunks, splitPoint } from '../../main/mail/read-delimited-bytes.js';
import { packDelimitedStrings, type MailChunk } from '../../main/mail/read-chunks.js';
import { PieceBallots } from '../../main/store/mail-ballots.js';
import { MAIL_CHUNK, MAIL_CHUNK_BALLOT, MAIL_CHUNK_PLACE } from '../../main/store/mail-chunk.js';
import { MailPlaces, type MailPlace } from '../../main/store/mail-places.js';
import { chunkValue } from '../../main/store/packed-rows.js';
import { tempDir } from '../helpers/station.js';
import { HEADER, imb } from './files.js';

// The delimited reader's byte path (main/mail/read-delimited-bytes.ts) against the string path it
// stands in for (readDelimited, then packMailChunks): the same rows in the same order, the same
// rejects with their line numbers, the same counts, whatever the line.

const dirs: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function file(name: string, content: string | Buffer): string {
  const d = tempDir('mail-bytes-');
  dirs.push(d);
  const f = path.join(d.dir, name);
  fs.writeFileSync(f, content);
  return f;
}

/**
 * Everything a reader's chunks carry, rows decoded, each row's place number given with the
 * place's values (a place must come in the row's chunk or one before it).
 */
function unpack(chunks: Iterable<MailChunk>) {
  const rows: unknown[][] = [];
  const rejects: MailChunk['rejects'] = [];
  const places: MailPlace[] = [];
  const byNumber = new Map<number, string[]>();
  let read = 0;
  let nearRepeats = 0;
  for (const c of chunks) {
    read += c.read;
    nearRepeats += c.nearRepeats;
    rejects.push(...c.rejects);
    for (const p of c.places) {
      expect(byNumber.has(p.place)).toBe(false);
      byNumber.set(p.place, p.values);
      places.push(p);
    }
    const b = c.rows;
    if (!b) continue;
    for (let r = 0; r < b.n; r++) {
      const row: unknown[] = Array.from({ length: MAIL_CHUNK.columns }, (_, col) => chunkValue(MAIL_CHUNK, b, r, col));
      const place = byNumber.get(row[MAIL_CHUNK_PLACE] as number);
      expect(place).toBeDefined();
      row.push(place);
      rows.push(row);
    }
  }
  return { rows, rejects, read, nearRepeats, places };
}

async function collect(gen: AsyncIterable<MailChunk>): Promise<MailChunk[]> {
  const out: MailChunk[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

const M = '123456';
/** Ballots for pieces of mailer M with serials 1–250 (the lines use 1–500: both paths find some and miss some), one ID not ASCII. */
const BALLOTS = (() => {
  const enc = new TextEncoder();
  const ids = Array.from({ length: 250 }, (_, k) => (k === 7 ? 'B-\u00e9-8' : `B-${k + 1}`));
  const bytes = ids.map((id) => enc.encode(id));
  const starts = [0];
  for (const b of bytes) starts.push((starts.at(-1) as number) + b.length);
  const all = new Uint8Array(starts.at(-1) as number);
  bytes.forEach((b, k) => all.set(b, starts[k]));
  return new PieceBallots({ pieces: Float64Array.from(ids, (_, k) => Number(M + String(k + 1).padStart(9, '0'))), starts: Uint32Array.from(starts), bytes: all });
})();

/** Both readers over `f` (chunks of `chunkRows`): the same everything. */
async function same(f: string, chunkRows?: number) {
  const strings = unpack(await collect(packDelimitedStrings(f, BALLOTS, chunkRows)));
  const bytes = unpack(readDelimitedChunks(f, BALLOTS, chunkRows));
  expect(bytes).toEqual(strings);
  return bytes;
}

const line = (cells: string[], d = '|') => cells.join(d);
/** A scan's 13 cells (HEADER order), any of them replaced. */
function cells(k: number, over: Partial<Record<number, string>> = {}): string[] {
  const c = [
    imb(k % 3 === 0 ? '777' : '700', M, String(1 + (k % 500)).padStart(9, '0')), `2026-10-${String(1 + (k % 28)).padStart(2, '0')} ${String(k % 24).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:07`,
    'SD', String(100 + (k % 900)), k % 4 === 0 ? 'L' : 'A', `Phase ${k % 5} - Processing`, `DBCS-${k % 40}`, 'DBCS', `RALEIGH ${k % 7}`, 'L1', 'RALEIGH', 'NC', '27676',
  ];
  for (const [i, v] of Object.entries(over)) c[Number(i)] = v as string;
  return c;
}

/** Lines each path must agree on: the common ones and every kind of odd one. */
function oddLines(): string[] {
  const out: string[] = [];
  const variants: Partial<Record<number, string>>[] = [
    {},
    { 0: imb('700', '912345678', '123456') }, // a 9-digit mailer ID
    { 0: '0070012345600000000' + '1' }, // 20 digits, no routing
    { 0: `${imb('700', M, '000000001')}1234` }, // 29 digits
    { 0: `${imb('700', M, '000000001')}123456` }, // 31
    { 0: `${imb('700', M, '000000001')}12` }, // 27: refused
    { 0: `05${imb('700', M, '000000001').slice(2)}` }, // barcode ID 05: refused
    { 0: `  ${imb('700', M, '000000002')}  ` }, // spaces around
    { 0: '' },
    { 0: 'x0070012345600000000127610' },
    { 1: '2026-10-05T08:09:10' },
    { 1: '2026-10-05 08:09' },
    { 1: '2026-10-05 08:09:10.123' },
    { 1: '2026-10-05T08:09:10-04:00' },
    { 1: '2026-10-05T08:09:10Z' },
    { 1: '10/5/2026 8:09:10' },
    { 1: '2026-02-29 08:00:00' },
    { 1: '2024-02-29 08:00:00' },
    { 1: '2026-13-01 08:00:00' },
    { 1: '2026-10-01 24:00:00' },
    { 1: '1899-10-01 08:00:00' },
    { 1: '' },
    { 1: ' 2026-10-05 08:09:10 ' },
    { 2: 'SDXXXXXXXXX' }, // 11: too long
    { 2: '' },
    { 3: ' 918 ' },
    { 4: 'actual' },
    { 4: 'ACTUAL' },
    { 4: 'l' },
    { 4: 'Logical' },
    { 4: 'assumed' },
    { 4: 'X' },
    { 4: '' },
    { 5: 'P'.repeat(100) },
    { 5: 'P'.repeat(101) },
    { 5: 'Phase 4c – Delivery' }, // an en dash: not ASCII
    { 6: 'M'.repeat(61) },
    { 8: 'SAN JOSÉ P&DC' },
    { 8: 'has\ttab' },
    { 8: 'a "quoted" name' },
    { 8: '"quoted, with comma"' },
    { 8: 'bell\u0007' },
    { 8: 'del\u007f' },
    { 7: 'SCANNER\u0001TYPE' }, // a control character in a column the station does not read
    { 9: 'LOCALE ÜBER' }, // not ASCII in a column not read
    { 10: 'C'.repeat(61) },
    { 11: 'nc' },
    { 11: 'N' },
    { 11: 'N1' },
    { 11: '' },
    { 12: '27676-1234' },
    { 12: '276761234' },
    { 12: '2767' },
    { 12: '27676-12' },
    { 12: 'ABCDE' },
    { 12: '' },
    { 12: ' 27601 ' },
  ];
  for (let k = 0; k < 3000; k++) {
    const v = variants[k % variants.length] ?? {};
    out.push(line(cells(k, v)));
    if (k % 37 === 0) out.push(line(cells(k, v))); // a near repeat
    if (k % 101 === 0) out.push('', '   ', 'no delimiter here');
    if (k % 211 === 0) out.push(line(cells(k).slice(0, 2)), line(cells(k).slice(0, 1)), line([...cells(k), 'extra', 'cells']));
  }
  out.push('x'.repeat(65_536), 'y'.repeat(65_537), `${'z'.repeat(65_534)}\r`, 'é'.repeat(40_000), 'é'.repeat(70_000));
  for (let k = 0; k < 200; k++) out.push(line(cells(k))); // far repeats
  return out;
}

describe('mail file reader: the byte path and the string path agree', () => {
  it('on a headed pipe file with every kind of odd line, in LF and CRLF, with and without a final newline, in small and full chunks', async () => {
    const lines = oddLines();
    for (const [eol, end] of [['\n', '\n'], ['\r\n', '\r\n'], ['\n', '']] as const) {
      const f = file('odd.txt', [HEADER.join('|'), ...lines].join(eol) + end);
      const r = await same(f);
      expect(r.rows.length).toBeGreaterThan(1500);
      expect(r.rejects.length).toBeGreaterThan(300);
      expect(r.nearRepeats).toBeGreaterThan(50);
      // Each event's ballot, found where it is packed: some, none, and a UTF-8 one.
      const ballots = r.rows.map((row) => row[MAIL_CHUNK_BALLOT]);
      expect(ballots).toContain(null);
      expect(ballots).toContain('B-\u00e9-8');
      expect(ballots.filter((b) => b !== null).length).toBeGreaterThan(300);
      await same(f, 7);
    }
  });

  it('on comma, tab and headerless files, a header with a BOM, a header naming a field twice, and fields in another order', async () => {
    const lines = oddLines().slice(0, 4000);
    const reorder = (l: string) => {
      const c = l.split('|');
      return [c[12], c[1], c[0], ...c.slice(2, 12)].join('|');
    };
    const files = [
      [HEADER.join(','), ...lines.map((l) => l.split('|').join(','))].join('\n'),
      [HEADER.join('\t'), ...lines.map((l) => l.split('|').join('\t'))].join('\n'),
      lines.join('\n'),
      ['\uFEFF' + HEADER.join('|'), ...lines].join('\n'),
      ['', '  ', HEADER.join('|'), ...lines].join('\n'),
      [[...HEADER, 'barcode'].join('|'), ...lines.map((l) => `${l}|${imb('700', M, '000000009')}`)].join('\n'),
      [[HEADER[12], HEADER[1], HEADER[0], ...HEADER.slice(2, 12)].join('|'), ...lines.map(reorder)].join('\n'),
      ['imb|scan_date_time', ...lines.map((l) => l.split('|').slice(0, 2).join('|'))].join('\n'),
    ];
    for (const text of files) await same(file('f.txt', text));
  });

  it('on the smallest files: empty, a newline, a header alone, one line with and without its newline, one line then a blank one', async () => {
    const one = line(cells(1));
    for (const text of ['', '\n', '\r\n', HEADER.join('|'), `${HEADER.join('|')}\n`, one, `${one}\n`, `${one}\r\n`, `${one}\n\n`, `${HEADER.join('|')}\n${one}`, `\n\n${one}`]) {
      const r = await same(file('small.txt', text));
      expect(r.read).toBeLessThanOrEqual(1);
    }
    expect((await same(file('one.txt', `${HEADER.join('|')}\n${one}`))).rows).toHaveLength(1);
  });

  it('over read-buffer boundaries and repeat windows: a bench file of 30,000 scans (every 200th line twice), a line of 1.5 MiB, repeats either side of line 8,192', async () => {
    const bench = file('bench.txt', '');
    generate(bench, 30_000);
    const text = fs.readFileSync(bench, 'utf8').split('\n');
    await same(bench);
    // A repeat 8,000 lines later is one the window of 8,192 lines may or may not still hold, as the string path decides.
    const spliced = [...text.slice(0, 9000), 'w'.repeat(1_500_000), ...text.slice(1, 400), ...text.slice(8100, 8300), ...text.slice(9000)];
    const r = await same(file('spliced.txt', spliced.join('\n')));
    expect(r.rejects.map((x) => x.lineNo)).toContain(9001);
    expect(r.nearRepeats).toBeGreaterThan(150);
  });
});

/** The file read in two parts split at byte `at` (a line's start), as the two readers of an import read it: their rows, rejects and counts, one after the other. */
function inParts(f: string, at: number, chunkRows?: number) {
  const first = unpack(readDelimitedChunks(f, BALLOTS, chunkRows, new MailPlaces(), { from: 0, to: at }));
  const second = unpack(readDelimitedChunks(f, BALLOTS, chunkRows, new MailPlaces(undefined, 1_000_000_000), { from: at, to: Infinity }));
  expect(second.places.every((p) => p.place >= 1_000_000_000)).toBe(true);
  // Place numbers differ between the two (the store maps the second's): each row is compared by its place's values.
  const rows = [...first.rows, ...second.rows].map((r) => r.filter((_, i) => i !== MAIL_CHUNK_PLACE));
  return { rows, rejects: [...first.rejects, ...second.rejects], read: first.read + second.read, nearRepeats: first.nearRepeats + second.nearRepeats };
}

function whole(f: string, chunkRows?: number) {
  const w = unpack(readDelimitedChunks(f, BALLOTS, chunkRows));
  return { rows: w.rows.map((r) => r.filter((_, i) => i !== MAIL_CHUNK_PLACE)), rejects: w.rejects, read: w.read, nearRepeats: w.nearRepeats };
}

/** The offsets of the starts of lines 2… of a file. */
function lineStarts(f: string): number[] {
  const b = fs.readFileSync(f);
  const out: number[] = [];
  for (let i = b.indexOf(10); i >= 0 && i + 1 < b.length; i = b.indexOf(10, i + 1)) out.push(i + 1);
  return out;
}

describe('mail file reader: a file read by two readers, each a part', () => {
  it('reads what one reader reads, split at its middle, either side of repeat windows (lines 8,192 and 16,384), inside a window, with a repeat across the split, in LF and CRLF', () => {
    const bench = file('bench.txt', '');
    generate(bench, 18_000);
    const text = fs.readFileSync(bench, 'utf8').split('\n');
    // Repeats that straddle each split below: a line copied a few lines later.
    const lines = [...text.slice(0, 8190), text[8185] as string, ...text.slice(8190, 16380), text[16375] as string, text[16376] as string, ...text.slice(16380)];
    expect(lines.length).toBeGreaterThan(16_390);
    for (const eol of ['\n', '\r\n']) {
      const f = file('split.txt', lines.join(eol));
      const all = whole(f);
      expect(all.nearRepeats).toBeGreaterThan(80);
      const starts = lineStarts(f);
      const mid = splitPoint(f);
      expect(mid).not.toBeNull();
      const at = eol === '\n' ? [mid, starts[8189], starts[8191], starts[8192], starts[16384], starts[1], starts.at(-1)] : [mid, starts[8191]];
      for (const a of at) expect(inParts(f, a as number)).toEqual(all);
    }
  }, 120_000);

  it('reads what one reader reads on a headerless file split after line 16,384, its first record repeated just after the split (one reader, whose window no longer holds line 1, keeps it)', () => {
    const bench = file('bench.txt', '');
    generate(bench, 17_000);
    const text = fs.readFileSync(bench, 'utf8').split('\n').slice(1);
    const lines = [...text.slice(0, 16_400), text[0] as string, ...text.slice(16_400)];
    const f = file('headerless.txt', lines.join('\n'));
    const starts = lineStarts(f);
    const all = whole(f);
    for (const at of [starts[16_390], starts[16_399], starts[16_400]]) expect(inParts(f, at as number)).toEqual(all);
  });

  it('reads what one reader reads in small chunks', () => {
    const f = file('small-chunks.txt', '');
    generate(f, 3_000);
    expect(inParts(f, splitPoint(f) as number, 7)).toEqual(whole(f, 7));
  });

  it('reads what one reader reads on every kind of odd line (rejects keep the file\'s line numbers), and on headerless, comma, BOM and reordered files', () => {
    const lines = oddLines();
    const texts = [
      [HEADER.join('|'), ...lines].join('\n'),
      lines.join('\n'),
      [HEADER.join(','), ...lines.map((l) => l.split('|').join(','))].join('\r\n'),
      ['\uFEFF' + HEADER.join('|'), ...lines].join('\n'),
      [[HEADER[12], HEADER[1], HEADER[0], ...HEADER.slice(2, 12)].join('|'), ...lines.map((l) => { const c = l.split('|'); return [c[12], c[1], c[0], ...c.slice(2, 12)].join('|'); })].join('\n'),
    ];
    for (const text of texts) {
      const f = file('odd.txt', text);
      const all = whole(f);
      expect(all.rejects.length).toBeGreaterThan(300);
      const starts = lineStarts(f);
      for (const at of [splitPoint(f) as number, starts[2], starts[Math.floor(starts.length / 3)], starts.at(-3)]) expect(inParts(f, at as number)).toEqual(all);
    }
  });

  it('is not split when it cannot be: a first line blank or too long, one line, nothing after the middle but the last line', () => {
    const one = line(cells(1));
    expect(splitPoint(file('a.txt', ''))).toBeNull();
    expect(splitPoint(file('b.txt', `${one}\n`))).toBeNull();
    expect(splitPoint(file('c.txt', `\n${one}\n${one}\n${one}\n`))).toBeNull();
    expect(splitPoint(file('d.txt', `${'x'.repeat(70_000)}\n${one}\n${one}\n`))).toBeNull();
    expect(splitPoint(file('e.txt', `${HEADER.join('|')}\n${one}\n${'y'.repeat(5_000)}`))).toBeNull();
    const f = file('f.txt', `${HEADER.join('|')}\n${one}\n${one}\n${one}\n`);
    const at = splitPoint(f) as number;
    expect(fs.readFileSync(f).subarray(at - 1, at).toString()).toBe('\n');
    expect(inParts(f, at)).toEqual(whole(f));
    // The file cut short after it was split (still being written, or replaced): refused in words.
    const size = fs.statSync(f).size;
    for (const from of [size + 10, 3 * 1024 * 1024])
      expect(() => [...readDelimitedChunks(f, BALLOTS, undefined, new MailPlaces(), { from, to: Infinity })]).toThrow('the file changed while it was being imported: import it again once it is complete');
  });
});
