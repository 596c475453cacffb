/**
 * The station log on real files: JSON lines with a declared event ID, rotation at size, owner-only
 * modes, several processes writing at once, hostile messages stored escaped, tail across files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPLOG_EVENT_IDS } from '../../shared/oplog/events.js';
import { forTerminal } from '../../main/oplog/format.js';
import { logFileFor, oplog, stationLog } from '../../main/oplog/index.js';
import { MAX_MESSAGE, StationLog } from '../../main/oplog/station-log.js';
import { tempDir } from '../helpers/station.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'writer-child.ts');

let t: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  t = tempDir('oplog-');
  file = path.join(t.dir, 'logs', 'station.log');
});
afterEach(() => t.cleanup());

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const rawLines = (p: string) => fs.readFileSync(p, 'utf8').split('\n').filter((l) => l !== '');

describe('StationLog', () => {
  it('writes one JSON line an event: time, event ID, disposition, message, pid; folder 0700, file 0600', () => {
    const log = new StationLog(file);
    log.event('scanner.disconnected', 'failure', 'scanner Desk 1 (desk-1) disconnected: port lost');
    log.event('station.started', 'success', 'intake serve started');
    const [first, second] = rawLines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({ event: 'scanner.disconnected', disposition: 'failure', message: 'scanner Desk 1 (desk-1) disconnected: port lost', pid: process.pid, level: 'warn' });
    expect(second).toMatchObject({ event: 'station.started', disposition: 'success', level: 'info' });
    expect(Date.parse(String(first?.['time']))).toBeGreaterThan(Date.now() - 60_000);
    expect(first).not.toHaveProperty('hostname');
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('puts a widened folder and file back to owner-only on the next write', () => {
    const log = new StationLog(file);
    log.event('station.started', 'success', 'one');
    fs.chmodSync(file, 0o644);
    fs.chmodSync(path.dirname(file), 0o755);
    log.event('station.stopped', 'success', 'two');
    expect(mode(file)).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
  });

  it('rotates at the size limit, keeps `keep` old files, drops the oldest, and loses no line it kept', () => {
    const log = new StationLog(file, { maxBytes: 2000, keep: 3 });
    for (let i = 0; i < 200; i += 1) log.event('import.started', 'na', `line ${String(i).padStart(4, '0')}`);
    const files = log.out.files();
    expect(files).toEqual([file, `${file}.1`, `${file}.2`, `${file}.3`]);
    expect(fs.existsSync(`${file}.4`)).toBe(false);
    for (const f of files) {
      expect(fs.statSync(f).size).toBeLessThanOrEqual(2000);
      expect(mode(f)).toBe(0o600);
    }
    // Newest to oldest, each file's lines in order, no gap between files.
    const numbers = [...files].reverse().flatMap((f) => rawLines(f).map((l) => Number(/line (\d+)/.exec(l)?.[1])));
    expect(numbers.at(-1)).toBe(199);
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
    // tail reads back across the rotated files.
    const tail = log.tail(40);
    expect(tail.map((e) => e.message)).toEqual(Array.from({ length: 40 }, (_, i) => `line ${String(160 + i).padStart(4, '0')}`));
  });

  it('stores a message with control characters escaped: no raw ESC, CSI, CR, bidi override or separator in the file, the same text when read back', () => {
    const log = new StationLog(file);
    const hostile = 'scanner \u001b[31mRED\u001b[0m\r\nfake line\u009b2J \u202eevil\u2028next\u007f\u0000end';
    log.event('scanner.fault', 'failure', hostile);
    const bytes = fs.readFileSync(file, 'utf8');
    expect(bytes.split('\n').filter((l) => l !== '')).toHaveLength(1);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(bytes.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
    expect(bytes).toContain('\\u001b[31mRED');
    expect(bytes).toContain('\\u009b2J');
    expect(bytes).toContain('\\u202eevil');
    expect(log.tail(1)[0]?.message).toBe(hostile);
    expect(forTerminal(hostile)).not.toMatch(/[\p{C}\u2028]/u);
  });

  it('cuts a message longer than the limit, so one event stays one readable line', () => {
    const log = new StationLog(file);
    log.event('sync.failed', 'failure', 'x'.repeat(MAX_MESSAGE * 50));
    const [entry] = log.tail(5);
    expect(entry?.message.length).toBeLessThan(MAX_MESSAGE + 20);
    expect(entry?.message.endsWith('… (cut)')).toBe(true);
  });

  it('tail skips a torn last line, a line that is not JSON and an event it does not know', () => {
    const log = new StationLog(file);
    log.event('station.started', 'success', 'first');
    fs.appendFileSync(file, 'not json\n{"time":"x","event":"made.up","disposition":"na","message":"m","pid":1}\n');
    log.event('station.stopped', 'success', 'second');
    fs.appendFileSync(file, '{"time":"2026-11-03T07:00:00.000Z","event":"station.sta');
    expect(log.tail(10).map((e) => e.message)).toEqual(['first', 'second']);
    expect(log.tail(1).map((e) => e.message)).toEqual(['second']);
  });

  it('four processes writing at once with rotation: every line whole, none lost', async () => {
    const max = 4000;
    const children = Array.from({ length: 4 }, (_, w) =>
      spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(w), '150', String(max)], { stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    const codes = await Promise.all(
      children.map(
        (c) =>
          new Promise<number | null>((resolve) => {
            let err = '';
            c.stderr.on('data', (d: Buffer) => (err += d.toString()));
            c.on('close', (code) => resolve(code === 0 ? 0 : (console.error(err), code)));
          }),
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const log = new StationLog(file, { maxBytes: max, keep: 50 });
    const files = log.out.files();
    expect(files.length).toBeGreaterThan(3);
    const all = files.flatMap(rawLines);
    for (const l of all) expect(() => JSON.parse(l) as unknown, l).not.toThrow();
    expect(new Set(all.map((l) => (JSON.parse(l) as { message: string }).message)).size).toBe(600);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('oplog (the station-wide entry point)', () => {
  it('puts the log beside the database, in logs/station.log; a database in memory has none', () => {
    const db = path.join(t.dir, 'intake.db');
    oplog.event(db, 'station.started', 'success', 'beside the database');
    expect(stationLog(db)?.file).toBe(path.join(t.dir, 'logs', 'station.log'));
    expect(oplog.tail(db, 5).map((e) => e.message)).toEqual(['beside the database']);
    expect(stationLog(':memory:')).toBeNull();
    expect(() => oplog.event(':memory:', 'station.started', 'success', 'nowhere')).not.toThrow();
    expect(logFileFor('relative.db')).toBe(path.resolve('logs', 'station.log'));
  });

  it('a log that cannot be written never stops the station: said once on stderr, the call returns', () => {
    const db = path.join(t.dir, 'blocked', 'intake.db');
    fs.mkdirSync(path.join(t.dir, 'blocked'));
    // A file where the logs folder should be: mkdir fails even for root.
    fs.writeFileSync(path.join(t.dir, 'blocked', 'logs'), '');
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (written.push(s), true));
    try {
      expect(() => oplog.event(db, 'database.fault', 'failure', 'disk full')).not.toThrow();
      expect(() => oplog.event(db, 'database.fault', 'failure', 'disk full again')).not.toThrow();
    } finally {
      process.stderr.write = write;
    }
    expect(written.filter((w) => w.startsWith('station log: cannot write'))).toHaveLength(1);
  });

  it('declares each event ID once', () => {
    expect(new Set(OPLOG_EVENT_IDS).size).toBe(OPLOG_EVENT_IDS.length);
    for (const id of OPLOG_EVENT_IDS) expect(id).toMatch(/^[a-z]+\.[a-z_]+$/);
  });
});
