import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLocked, lockedMessage } from '../../main/store/faults.js';
import { Store } from '../../main/store/store.js';
import { intakeAsync, ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
let holder: ChildProcess | null = null;

beforeEach(() => {
  t = tempStore();
  t.store.config.set('station', 'MAIL-1', 'sue', new Date().toISOString());
  t.store.close();
});
afterEach(async () => {
  if (holder && holder.exitCode === null) {
    const gone = new Promise((r) => holder?.once('exit', r));
    holder.stdin?.end();
    await gone;
  }
  holder = null;
  t.cleanup();
});

/**
 * Another program holding the database: an EXCLUSIVE write transaction (or, with `exclusiveMode`,
 * SQLite's exclusive locking mode, which shuts out readers too) until its stdin closes.
 */
async function holdDatabase(exclusiveMode = false): Promise<number> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    ${exclusiveMode ? "db.pragma('locking_mode = EXCLUSIVE');" : ''}
    db.exec('BEGIN EXCLUSIVE');
    db.prepare("INSERT INTO config (key, value, updated_at, updated_by) VALUES ('x', '1', 't', 't')").run();
    process.stdout.write('held\\n');
    process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script, t.dbPath], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  holder = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child.pid ?? 0;
}

const SHORT = { INTAKE_BUSY_TIMEOUT_MS: '300' };

describe('a database locked by another program', () => {
  it('a write gives the station’s own words naming the holder, quickly, with no SqliteError stack (the real CLI)', async () => {
    const pid = await holdDatabase();
    const started = performance.now();
    const r = await intakeAsync(['config', 'set', 'station', 'MAIL-2', '--db', t.dbPath], { env: SHORT });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^intake config: the database is locked by another program \\(process ${pid}: node[^)]*\\): close it and try again\\n$`));
    expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a program in exclusive locking mode stops the open itself, said the same way', async () => {
    const pid = await holdDatabase(true);
    const r = await intakeAsync(['batch', 'list', '--db', t.dbPath], { env: SHORT });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the database is locked by another program (process ${pid}`);
    expect(r.stderr).toContain('close it and try again');
    expect(r.stderr).not.toMatch(/SqliteError|\n\s+at /);
  });

  it('the store’s own busy timeout is set by the option; the error is recognised and the holder named', async () => {
    const pid = await holdDatabase();
    const store = Store.open(t.dbPath, { busyTimeoutMs: 100 });
    try {
      const started = performance.now();
      let caught: unknown;
      try {
        store.config.set('station', 'MAIL-3', 'sue', new Date().toISOString());
      } catch (e) {
        caught = e;
      }
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(isLocked(caught)).toBe(true);
      expect(lockedMessage(store.path)).toContain(`process ${pid}`);
    } finally {
      store.close();
    }
  });

  it('a station lock file names the station app holding the database', () => {
    // The lock file of a live process (this test's parent, standing in for a running station).
    fs.writeFileSync(`${t.dbPath}.station-lock`, JSON.stringify({ pid: process.ppid, host: 'here', since: 'now' }));
    expect(lockedMessage(t.dbPath)).toBe(`the database is locked by another program (process ${process.ppid}: a station app): close it and try again`);
    fs.writeFileSync(`${t.dbPath}.station-lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: 'here', since: 'now' })); // long gone
    expect(lockedMessage(t.dbPath)).toBe('the database is locked by another program: close it and try again');
  });
});
