/**
 * `intake log tail` through the real CLI (build first): readable lines or JSON, -n, what reaches
 * a terminal, --follow across a rotation, and `intake serve` logging its start and stop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oplog } from '../../main/oplog/index.js';
import { StationLog } from '../../main/oplog/station-log.js';
import { BIN, intake, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';
import { waitFor } from '../scanners/pty.js';

let t: ReturnType<typeof tempDir>;
let db: string;
beforeEach(() => {
  t = tempDir('oplog-cli-');
  db = path.join(t.dir, 'intake.db');
});
afterEach(() => t.cleanup());

describe('intake log tail', () => {
  it('shows what a roll import logged: readable lines by default, -n, --json', () => {
    const roll = path.join(t.dir, 'station-roll.csv');
    fs.copyFileSync(path.join(ROOT, 'resources', 'sample-data', 'station-roll.csv'), roll);
    expect(intake(['roll', 'import', roll, '--format', 'station', '--db', db, '--operator', 'sue']).status).toBe(0);
    const r = intake(['log', 'tail', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}na {7}import\.started {2}roll import of station-roll\.csv \(station, by sue\) started$/);
    expect(lines[1]).toMatch(/ success {2}import\.finished {2}roll import of station-roll\.csv .* 9 imported/);
    expect(intake(['log', 'tail', '-n', '1', '--db', db]).stdout.trimEnd().split('\n')).toHaveLength(1);
    const json = intake(['log', 'tail', '--json', '--db', db]).lines<{ event: string; disposition: string }>();
    expect(json.map((e) => [e.event, e.disposition])).toEqual([
      ['import.started', 'na'],
      ['import.finished', 'success'],
    ]);
    // INTAKE_DB finds the same log.
    expect(intake(['log', 'tail', '-n', '1'], { env: { INTAKE_DB: db } }).stdout).toContain('import.finished');
  });

  it('says plainly when nothing is logged yet, and refuses a bad -n or an unknown subcommand', () => {
    const none = intake(['log', 'tail', '--db', db]);
    expect(none).toMatchObject({ status: 0, stdout: '' });
    expect(none.stderr).toBe(`intake log: nothing logged yet in ${path.join(t.dir, 'logs', 'station.log')}\n`);
    for (const n of ['0', 'abc', '99999', '-3', '1e3']) {
      const r = intake(['log', 'tail', '-n', n, '--db', db]);
      expect(r.status, n).toBe(2);
      expect(r.stderr).toMatch(/-n must be a whole number from 1 to 5000|intake log:/);
    }
    expect(intake(['log', 'rm', '--db', db])).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: intake log tail') as unknown });
    expect(intake(['log', 'tail', 'extra', '--db', db]).status).toBe(2);
    // A folder where the log file should be: a plain reason, not a stack trace.
    fs.mkdirSync(path.join(t.dir, 'logs', 'station.log'), { recursive: true });
    const unreadable = intake(['log', 'tail', '--db', db]);
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toMatch(/^intake log: cannot read the station log .*station\.log: EISDIR/);
    expect(unreadable.stderr.split('\n')).toHaveLength(2);
  });

  it('never prints a control character to the terminal: ESC, CSI, CR, bidi overrides shown as code points', () => {
    oplog.event(db, 'scanner.fault', 'failure', 'Desk \u001b]0;owned\u0007 \u009b2J \u202eevil\r\nnext');
    const r = intake(['log', 'tail', '--db', db]);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout.slice(0, -1)).not.toMatch(/[\p{C}\u2028\u2029]/u);
    expect(r.stdout).toContain('Desk \\u{1b}]0;owned\\u{7} \\u{9b}2J \\u{202e}evil\\u{d}\\u{a}next');
    // --json keeps the message exact, escaped by JSON.
    expect(intake(['log', 'tail', '--json', '--db', db]).lines<{ message: string }>()[0]?.message).toBe('Desk \u001b]0;owned\u0007 \u009b2J \u202eevil\r\nnext');
  });

  it('--follow prints new events as they come, across a rotation, and exits 0 on SIGTERM', async () => {
    const log = new StationLog(path.join(t.dir, 'logs', 'station.log'), { maxBytes: 1500, keep: 20 });
    log.event('station.started', 'success', 'before');
    const child = spawn(process.execPath, [BIN, 'log', 'tail', '--follow', '-n', '100', '--db', db]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Written while it starts: each shown once, by the tail or by the follower, never both or neither.
    for (let i = 0; i < 5; i += 1) {
      log.event('sync.started', 'na', `early ${i}`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await waitFor(() => out.includes('early 4'), 'the early lines', 15_000);
    // Enough lines to rotate the file several times while it follows, some bursts rotating it
    // twice or more between two of its looks.
    for (let i = 0; i < 40; i += 1) {
      log.event('sync.started', 'na', `after ${i}`);
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(() => out.includes('after 39'), 'the last line', 15_000);
    expect(log.out.files().length).toBeGreaterThan(2);
    const shown = out.trimEnd().split('\n').map((l) => /(before|(early|after) \d+)$/.exec(l)?.[1]);
    expect(shown).toEqual(['before', ...Array.from({ length: 5 }, (_, i) => `early ${i}`), ...Array.from({ length: 40 }, (_, i) => `after ${i}`)]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('--follow stopped the moment it prints its first line still exits 0, ten times over', async () => {
    oplog.event(db, 'station.started', 'success', 'first');
    for (let i = 0; i < 10; i += 1) {
      const child = spawn(process.execPath, [BIN, 'log', 'tail', '--follow', '--db', db]);
      child.stdout.once('data', () => child.kill('SIGTERM'));
      expect(await new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })))).toEqual({ code: 0, signal: null });
    }
  });
});

describe('intake serve', () => {
  it('logs its start and its stop, even when stopped the moment it prints its URL', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { env: { ...process.env, INTAKE_OPERATOR: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<unknown>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, err })));
    await waitFor(() => out.includes('"url"'), 'intake serve to start', 30_000);
    // At once: serve listens for the signal before it prints the URL (it used to be killed
    // outright about one run in three, with no shutdown and its lock file left behind).
    child.kill('SIGTERM');
    expect(await exited).toMatchObject({ code: 0 });
    const events = intake(['log', 'tail', '--json', '--db', db]).lines<{ event: string; message: string }>();
    expect(events.map((e) => e.event)).toEqual(['station.started', 'station.stopped']);
    expect(events[0]?.message).toMatch(/^intake serve started on 127\.0\.0\.1:\d+$/);
  });
});
