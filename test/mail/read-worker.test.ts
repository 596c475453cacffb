import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importMailFile, type MailFormat } from '../../main/mail/import.js';
import { MailFileError } from '../../main/mail/layout.js';
import type { Store } from '../../main/store/store.js';
import { ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir, tempStore } from '../helpers/station.js';
import { HEADER, imb } from './files.js';

// The file reader on its worker thread (main/mail/read-worker.ts, compiled: `npm run build` first)
// against the same reader on the test's own thread: the same events, ids, counts and rejects.

const WORKER = pathToFileURL(path.join(ROOT, 'dist', 'main', 'mail', 'read-worker.js'));
const MID = '123456';
const SERIALS = 300; // ballots with an IMb; serials above are unknown IMbs

beforeAll(() => {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER.pathname} is missing: npm run build first`);
});

const stores: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const t of stores.splice(0)) t.cleanup();
});

function folder(): string {
  const d = tempDir('mail-worker-');
  stores.push(d);
  return d.dir;
}

/** A station with the same roll every time (ballot IDs by serial). */
function station(): ReturnType<typeof tempStore> {
  const t = tempStore();
  stores.push(t);
  seedRoll(
    t.store,
    Array.from({ length: SERIALS }, (_, i) => rollRow({ ballotId: `W-${i + 1}`, voterId: `WV${i + 1}`, imbMailerId: MID, imbSerial: String(i + 1).padStart(9, '0') })),
  );
  return t;
}

const PHASES = ['Phase 0 - Origin Processing Cancellation of Postage', 'Phase 3b - Destination SCF Processing', 'Phase 4c - Delivery'];

/** Scan line k: pieces in a scrambled order, times not in file order, some unknown IMbs, a facility name that grows half way (its slot widens). */
function line(k: number, delimiter = '|'): string {
  const piece = (k * 7919) % 1000;
  const serial = String(piece % 10 === 9 ? 900_000 + piece : 1 + (piece % 400)).padStart(9, '0');
  const stid = k % 3 === 0 ? '777' : '700';
  const day = 1 + ((k * 13) % 28);
  const when = `2026-10-${String(day).padStart(2, '0')} ${String(k % 24).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:${String((k * 7) % 60).padStart(2, '0')}`;
  const facility = k > 9000 ? `RALEIGH NC PROCESSING AND DISTRIBUTION CENTER ${k % 7}` : `RALEIGH ${k % 5}`;
  const cells = [imb(stid, MID, serial), when, 'SD', String(100 + (k % 900)), k % 4 === 0 ? 'L' : 'A', PHASES[k % 3] ?? '', `DBCS-${k % 40}`, 'DBCS', facility, 'L1', 'RALEIGH', 'NC', k % 11 === 0 ? '' : '27676'];
  return cells.join(delimiter);
}

/**
 * 20,000 scans and the troubles of a real feed: every 50th line sent again at once (a near
 * repeat), lines 1…400 again at the end (far repeats, beyond the reader's window), a malformed
 * line, one with a bad date, an over-long one, blank lines.
 */
function scanLines(delimiter = '|'): string[] {
  const lines: string[] = [];
  for (let k = 0; k < 20_000; k++) {
    lines.push(line(k, delimiter));
    if (k % 50 === 0) lines.push(line(k, delimiter));
    if (k === 5000) lines.push('not|an|imb', '', `${imb('700', MID, '000000001')}|2026-02-30 08:00:00|SD|918|A|x|m|t|f|l|c|NC|27676`);
    if (k === 12_000) lines.push('x'.repeat(100_000));
  }
  for (let k = 0; k < 400; k++) lines.push(line(k, delimiter));
  return lines;
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * The real reader worker, made to exit with `code` after posting a chunk when `when` holds (a
 * JavaScript condition over `workerData` and `sent`, the chunks it has posted): as a crash or a
 * kill would end it.
 */
function dyingReader(dir: string, code: number, when: string): URL {
  return pathToFileURL(
    write(
      dir,
      'dying-worker.mjs',
      `import { parentPort, workerData } from 'node:worker_threads';
       const post = parentPort.postMessage.bind(parentPort);
       let sent = 0;
       parentPort.postMessage = (m, transfer) => { post(m, transfer); if (m.type === 'chunk' && ${when}) process.exit(${code}); };
       await import(${JSON.stringify(WORKER.href)});`,
    ),
  );
}

/** Everything an import leaves: every event as stored, the import rows' counts, the rejects file. */
function contents(store: Store, rejectsFile: string) {
  return {
    events: store.db.prepare('SELECT * FROM mail_events ORDER BY id').raw().all(),
    imports: store.db.prepare('SELECT import_id, format, read, imported, duplicates, unknown_imbs, rejected, finished_at IS NOT NULL AS finished FROM mail_imports ORDER BY import_id').all(),
    rejects: fs.existsSync(rejectsFile) ? fs.readFileSync(rejectsFile, 'utf8') : null,
  };
}

/** Imports `file` into two stations, one reading on the worker and one on this thread, and returns both. */
async function bothWays(file: string, format: MailFormat, stations = [station(), station()]) {
  const [worker, here] = stations as [ReturnType<typeof tempStore>, ReturnType<typeof tempStore>];
  const out = [];
  for (const [t, reader] of [[worker, WORKER], [here, null]] as const) {
    const rejectsFile = path.join(t.dir, `${path.basename(file)}.rejects.csv`);
    const summary = await importMailFile(t.store, file, { format, operator: 'sue', rejectsFile, reader });
    out.push({ summary: { ...summary, rejectsFile: summary.rejectsFile && path.basename(summary.rejectsFile) }, ...contents(t.store, rejectsFile) });
  }
  return { worker: out[0], here: out[1], stations };
}

describe('mail file reader: its worker thread and this thread give the same import', () => {
  it('a headed pipe file of 20,000 scans with near and far repeats, unknown IMbs, out-of-order times, bad lines; then a second file into events already kept', async () => {
    const dir = folder();
    const lines = scanLines();
    const file = write(dir, 'feed.txt', [HEADER.join('|'), ...lines].join('\n') + '\n');
    const first = await bothWays(file, 'ivmtr-delimited');
    expect(first.worker).toEqual(first.here);
    const read = lines.filter((l) => l !== '').length;
    expect(first.worker?.summary).toMatchObject({ read, rejected: 3, rejectsFile: 'feed.txt.rejects.csv' });
    const s = first.worker?.summary as { imported: number; duplicates: number; unknownImbs: number };
    expect(s.duplicates).toBeGreaterThanOrEqual(400 + 400); // near (every 50th line sent twice) and far (the last 400 lines)
    expect(s.imported + s.duplicates).toBe(read - 3);
    expect(s.unknownImbs).toBeGreaterThan(0);
    expect(first.worker?.events).toHaveLength(s.imported);
    // Line numbers count the header and the blank line.
    const lineOf = (text: string) => String(lines.indexOf(text) + 2);
    expect(first.worker?.rejects?.split('\n').slice(1, 4).map((l) => l.split(',')[0])).toEqual([lineOf('not|an|imb'), String(Number(lineOf('not|an|imb')) + 2), lineOf('x'.repeat(100_000))]);

    // The same stations again: a CRLF file into the events now kept (the incremental path).
    const crlf = write(dir, 'crlf.txt', [HEADER.join('|'), ...scanLines().slice(19_000), ...['10', '11'].map((h) => `${imb('700', MID, '000000007')}|2026-11-30 ${h}:00:00|SD|918|A|Phase 4c - Delivery|DBCS-1|DBCS|RALEIGH|L1|RALEIGH|NC|27676`)].join('\r\n') + '\r\n');
    const second = await bothWays(crlf, 'ivmtr-delimited', first.stations);
    expect(second.worker).toEqual(second.here);
    expect(second.worker?.summary).toMatchObject({ imported: 2, rejected: 0 });
  });

  it('a CRLF file, a quoted comma file, a headerless one and a JSON file, each into an empty table', async () => {
    const dir = folder();
    const comma = scanLines(',').map((l, k) => (k % 3 === 0 ? l.replace(/,(Phase [^,]*),/, ',"$1, ""quoted""",') : l));
    const files: [string, string, MailFormat][] = [
      ['crlf.txt', [HEADER.join('|'), ...scanLines()].join('\r\n') + '\r\n', 'ivmtr-delimited'],
      ['quoted.csv', [HEADER.join(','), ...comma].join('\n'), 'ivmtr-delimited'],
      ['headless.txt', scanLines().join('\n'), 'ivmtr-delimited'],
      ['feed.json', JSON.stringify({ events: scanLines().slice(0, 3000).map((l) => Object.fromEntries(l.split('|').map((c, i) => [HEADER[i] ?? 'x', c]))) }, null, 1), 'ivmtr-json'],
    ];
    for (const [name, text, format] of files) {
      const r = await bothWays(write(dir, name, text), format);
      expect(r.worker, name).toEqual(r.here);
      expect(r.worker?.summary.imported, name).toBeGreaterThan(1000);
    }
    const quoted = await bothWays(write(dir, 'q2.csv', [HEADER.join(','), ...comma.slice(0, 10)].join('\n')), 'ivmtr-delimited');
    expect(quoted.worker?.events.some((e) => (e as unknown[]).includes('Phase 0 - Origin Processing Cancellation of Postage, "quoted"'))).toBe(true);
  });
});

describe('mail file reader: a file that fails leaves the events as they were', () => {
  const snapshot = (store: Store) => ({
    events: store.db.prepare('SELECT * FROM mail_events ORDER BY id').raw().all(),
    schema: store.db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ('mail_event_rows', 'mail_places', 'mail_events', 'mail_events_load') ORDER BY name").all(),
    pragmas: [store.db.pragma('foreign_keys', { simple: true }), store.db.pragma('synchronous', { simple: true }), store.db.pragma('wal_autocheckpoint', { simple: true })],
  });

  it('JSON given as delimited, and a folder given as a file: refused in plain words, into an empty table and into events kept', async () => {
    const t = station();
    const json = write(t.dir, 'x.txt', JSON.stringify({ events: [{ imb: imb('700', MID, '000000001') }] }));
    for (const reader of [WORKER, null]) {
      const before = snapshot(t.store);
      await expect(importMailFile(t.store, json, { format: 'ivmtr-delimited', operator: 'sue', reader })).rejects.toThrow(MailFileError);
      await expect(importMailFile(t.store, json, { format: 'ivmtr-delimited', operator: 'sue', reader })).rejects.toThrow('this file looks like JSON, not a delimited file: import it with --format ivmtr-json');
      await expect(importMailFile(t.store, t.dir, { format: 'ivmtr-delimited', operator: 'sue', reader })).rejects.toThrow(/^cannot read the file: EISDIR/);
      expect(snapshot(t.store)).toEqual(before);
      await importMailFile(t.store, write(t.dir, 'ok.txt', [HEADER.join('|'), line(1)].join('\n')), { format: 'ivmtr-delimited', operator: 'sue', reader });
    }
    expect(t.store.db.prepare('SELECT count(*) FROM mail_events').pluck().get()).toBe(1);
  });

  it('a reader worker that dies half way is reported in words and leaves nothing behind; the next import runs', async () => {
    const t = station();
    const file = write(t.dir, 'feed.txt', [HEADER.join('|'), ...scanLines()].join('\n'));
    // The real reader, made to die after its second chunk (as a crash or a kill would end it).
    const dying = dyingReader(t.dir, 3, '++sent === 2');
    const throwing = write(t.dir, 'throwing-worker.mjs', `throw new Error('out of memory, say');`);
    const before = snapshot(t.store);
    await expect(importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: dying })).rejects.toThrow(
      'the reader of the mail file stopped before the end of the file (exit code 3)',
    );
    expect(snapshot(t.store)).toEqual(before);
    await expect(importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: pathToFileURL(throwing) })).rejects.toThrow(
      'the reader of the mail file stopped before the end of the file (out of memory, say)',
    );
    expect(snapshot(t.store)).toEqual(before);
    expect(fs.existsSync(`${t.dbPath}.mail-import-lock`)).toBe(false);
    expect(t.store.db.prepare('SELECT count(*) AS n, count(finished_at) AS finished FROM mail_imports').get()).toEqual({ n: 2, finished: 0 });
    const s = await importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: WORKER });
    expect(s).toMatchObject({ read: scanLines().filter((l) => l !== '').length, rejected: 3 });
  });
});

describe('mail file reader: a file read in two halves at once (two workers) gives the import one reader gives', () => {
  /** Imports `file` with a reader worker, in two halves (splitBytes 0) or whole; what it leaves, each event without its ID. */
  async function imported(file: string, splitBytes: number) {
    const t = station();
    const rejectsFile = path.join(t.dir, 'rejects.csv');
    const summary = await importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', rejectsFile, reader: WORKER, splitBytes });
    const c = contents(t.store, rejectsFile);
    const top = t.store.db.prepare('SELECT max(id) FROM mail_event_rows').pluck().get() as number;
    return {
      split: top > summary.read + 1, // the second half's IDs start after the first half's bytes (one reader's follow the lines)
      summary: { ...summary, rejectsFile: summary.rejectsFile && path.basename(summary.rejectsFile) },
      events: c.events.map((e) => (e as unknown[]).slice(1)),
      imports: c.imports,
      rejects: c.rejects,
      places: t.store.db.prepare(`SELECT ${'direction, barcode_id, stid, operation_code, event_code, handling, handling_code, mail_phase, machine_name, facility_name, facility_city, facility_state, facility_zip'} FROM mail_places ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13`).raw().all(),
      leftovers: fs.readdirSync(t.dir).filter((f) => f.endsWith('.part')),
      integrity: t.store.db.pragma('integrity_check', { simple: true }),
      foreignKeys: t.store.db.pragma('foreign_key_check'),
    };
  }

  it('on a headed pipe file with near repeats, far repeats (the second half repeating the first), unknown IMbs, bad lines on both sides of the middle, in LF, CRLF and headerless', async () => {
    const dir = folder();
    const lines = scanLines();
    // Bad lines in the second half too: their line numbers are the file's.
    lines.splice(15_000, 0, 'not|an|imb|either', `${imb('700', MID, '000000002')}|2026-13-01 08:00:00|SD|918|A|x|m|t|f|l|c|NC|27676`);
    const files = [
      write(dir, 'lf.txt', [HEADER.join('|'), ...lines].join('\n') + '\n'),
      write(dir, 'crlf.txt', [HEADER.join('|'), ...lines].join('\r\n')),
      write(dir, 'headerless.txt', lines.join('\n')),
      // One place in every line: each half's chunks name it once for all their rows.
      write(dir, 'one-place.txt', [HEADER.join('|'), ...Array.from({ length: 6000 }, (_, k) => `${imb('700', MID, String(1 + (k % 500)).padStart(9, '0'))}|2026-10-${String(1 + (k % 28)).padStart(2, '0')} 08:${String(k % 60).padStart(2, '0')}:00|SD|918|A|Phase 4c - Delivery|DBCS-1|DBCS|RALEIGH|L1|RALEIGH|NC|27676`), 'bad|line', 'bad|line|2'].join('\n')),
    ];
    for (const file of files) {
      const [two, one] = [await imported(file, 0), await imported(file, Infinity)];
      expect(two.split, file).toBe(true);
      expect(one.split, file).toBe(false);
      expect({ ...two, split: null }, file).toEqual({ ...one, split: null });
      expect(two.summary.rejected, file).toBe(file.endsWith('one-place.txt') ? 2 : 5);
      expect(two.places.length, file).toBe(file.endsWith('one-place.txt') ? 1 : two.places.length); // each place kept once, though both halves met it
      if (!file.endsWith('one-place.txt')) expect(two.places.length, file).toBeGreaterThan(100);
      expect(two.leftovers).toEqual([]);
      expect(two.integrity).toBe('ok');
      expect(two.foreignKeys).toEqual([]);
    }
  });

  it('a second file, into the events the split import kept, adds only its new events and keeps places once', async () => {
    const dir = folder();
    const t = station();
    const first = write(dir, 'first.txt', [HEADER.join('|'), ...scanLines()].join('\n'));
    await importMailFile(t.store, first, { format: 'ivmtr-delimited', operator: 'sue', reader: WORKER, splitBytes: 0 });
    const places = t.store.db.prepare('SELECT count(*) FROM mail_places').pluck().get() as number;
    const second = write(dir, 'second.txt', [HEADER.join('|'), ...scanLines().slice(100, 200), `${imb('700', MID, '000000007')}|2026-11-30 10:00:00|SD|918|A|Phase 4c - Delivery|DBCS-1|DBCS|RALEIGH|L1|RALEIGH|NC|27676`].join('\n'));
    const s = await importMailFile(t.store, second, { format: 'ivmtr-delimited', operator: 'sue', reader: WORKER, splitBytes: 0 });
    expect(s).toMatchObject({ imported: 1, duplicates: 100 });
    expect(t.store.db.prepare('SELECT count(*) FROM mail_places').pluck().get()).toBe(places + 1);
    expect(t.store.db.prepare('SELECT count(*) FROM mail_events').pluck().get()).toBe(t.store.db.prepare('SELECT count(*) FROM mail_event_rows').pluck().get());
  });

  it('40 split imports of one file at once: the first loads it, the other 39 find every event already kept; places kept once', async () => {
    const t = station();
    const file = write(t.dir, 'feed.txt', [HEADER.join('|'), ...scanLines().slice(0, 300)].join('\n'));
    const all = await Promise.all(Array.from({ length: 40 }, () => importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: WORKER, splitBytes: 0 })));
    const kept = t.store.db.prepare('SELECT count(*) FROM mail_event_rows').pluck().get() as number;
    expect(all.filter((s) => s.imported > 0)).toHaveLength(1);
    expect(all.map((s) => s.imported + s.duplicates).every((n) => n === all[0]?.read)).toBe(true);
    expect(all.slice(1).every((s) => s.duplicates === s.read)).toBe(true);
    expect(kept).toBe(all[0]?.imported);
    const places = t.store.db.prepare('SELECT count(*) AS n, count(DISTINCT direction || stid || operation_code || handling_code || mail_phase || machine_name || facility_name || facility_zip) AS distinctValues FROM mail_places').get() as { n: number; distinctValues: number };
    expect(places.n).toBe(places.distinctValues);
  }, 120_000);

  it('two reader workers that die half way are reported in words and leave nothing behind (no part of the rejects), and the next import runs', async () => {
    const t = station();
    const file = write(t.dir, 'feed.txt', [HEADER.join('|'), ...scanLines()].join('\n'));
    // The second half's reader dies after its first chunk, the first half's reads on.
    const dying = dyingReader(t.dir, 4, 'workerData.input.part?.bytes.from > 0 && ++sent === 1');
    const before = t.store.db.prepare('SELECT count(*) FROM mail_event_rows').pluck().get();
    await expect(importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: dying, splitBytes: 0 })).rejects.toThrow(
      'the reader of the mail file stopped before the end of the file (exit code 4)',
    );
    expect(t.store.db.prepare('SELECT count(*) FROM mail_event_rows').pluck().get()).toBe(before);
    expect(t.store.db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'mail_events_load'").pluck().get()).toBe(0);
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(fs.existsSync(`${t.dbPath}.mail-import-lock`)).toBe(false);
    const s = await importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue', reader: WORKER, splitBytes: 0 });
    expect(s).toMatchObject({ read: scanLines().filter((l) => l !== '').length, rejected: 3 });
  });
});
