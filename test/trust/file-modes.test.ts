import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupTo, restoreFrom } from '../../main/backup/backup.js';
import { Intake } from '../../main/intake/intake.js';
import { defaultDbPath } from '../../main/store/db.js';
import { RejectsWriter } from '../../main/roll/rejects.js';
import { openPrivateSync } from '../../main/store/private-file.js';
import { Store } from '../../main/store/store.js';
import { writeWithSidecar } from '../../main/sync/files.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';

const CHILD = path.join(ROOT, 'test', 'trust', 'modes-child.ts');
const mode = (f: string) => fs.statSync(f).mode & 0o777;

/** Runs a command under `umask 000`, the worst case: nothing narrows a mode but the program. */
function underUmask000(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INTAKE_OPERATOR: '' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir('intake-modes-');
});
afterEach(() => t.cleanup());

describe('files holding voters’ data are owner-only', () => {
  it('under umask 000: a new station folder is 0700; the database, -wal, -shm, sync CSVs, sidecars and backup are 0600', () => {
    const dataHome = path.join(t.dir, 'data');
    const syncDir = path.join(t.dir, 'to-state');
    fs.mkdirSync(syncDir);
    const backup = path.join(t.dir, 'backup.db');
    const r = underUmask000(['--import', 'tsx', CHILD, dataHome, syncDir, backup]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { db: number; wal: number; shm: number; dbPath: string };
    expect({ db: out.db, wal: out.wal, shm: out.shm }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600 });
    expect(mode(path.dirname(out.dbPath))).toBe(0o700);
    expect(mode(dataHome)).toBe(0o700); // a missing parent is created owner-only too
    const written = fs.readdirSync(syncDir);
    expect(written.some((f) => f.endsWith('.csv'))).toBe(true);
    for (const f of written) expect(`${f} ${mode(path.join(syncDir, f)).toString(8)}`).toBe(`${f} 600`);
    expect(mode(backup)).toBe(0o600);
  });

  it('an existing database with 0644 files in a 0755 folder is tightened when it is opened', () => {
    const dbPath = defaultDbPath({ XDG_DATA_HOME: t.dir });
    fs.mkdirSync(path.dirname(dbPath), { mode: 0o755 });
    fs.chmodSync(path.dirname(dbPath), 0o755);
    const old = Store.open(dbPath);
    old.config.set('station', 'MAIL-1', 'sue', new Date().toISOString());
    // As an older station left them, while it is still running (so -wal and -shm exist).
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.chmodSync(f, 0o644);
    const again = Store.open(dbPath, { createFolder: true });
    try {
      expect([dbPath, `${dbPath}-wal`, `${dbPath}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect(mode(path.dirname(dbPath))).toBe(0o700);
      expect(again.config.get('station')).toBe('MAIL-1'); // nothing recorded is changed
    } finally {
      again.close();
      old.close();
    }
  });

  it('a 0555 station folder made read-only on purpose stays read-only (only group and other bits go)', () => {
    const dbPath = defaultDbPath({ XDG_DATA_HOME: t.dir });
    fs.mkdirSync(path.dirname(dbPath));
    fs.chmodSync(path.dirname(dbPath), 0o555);
    try {
      Store.open(dbPath, { createFolder: true }).close(); // refused as read-only, unless the tests run as root
    } catch (e) {
      expect((e as Error).message).toMatch(/read-only/);
    }
    expect(mode(path.dirname(dbPath))).toBe(0o500);
    fs.chmodSync(path.dirname(dbPath), 0o700);
  });

  it('writing into an existing 0644 file makes it 0600 before the first byte (openPrivateSync, writeWithSidecar)', async () => {
    const file = path.join(t.dir, 'export.csv');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o644);
    const fd = openPrivateSync(file);
    expect(fs.fstatSync(fd).mode & 0o777).toBe(0o600);
    expect(fs.fstatSync(fd).size).toBe(0);
    fs.closeSync(fd);
    const csv = path.join(t.dir, 'batch.csv');
    fs.writeFileSync(csv, 'old');
    fs.writeFileSync(`${csv}.sha256`, 'old');
    for (const f of [csv, `${csv}.sha256`]) fs.chmodSync(f, 0o644);
    await writeWithSidecar(csv, 'ballot,voter\n');
    expect([mode(csv), mode(`${csv}.sha256`)]).toEqual([0o600, 0o600]);
  });

  it('the rejects file of a roll import, left 0644 by an earlier import is 0600 before the new rejects go in', async () => {
    const file = path.join(t.dir, 'roll.csv.rejects.csv');
    fs.writeFileSync(file, 'old rejects');
    fs.chmodSync(file, 0o644);
    const w = new RejectsWriter(file);
    w.add(2, 'no ballot ID', 'DOE,JANE,1 MAIN ST');
    await w.close();
    expect(mode(file)).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('old rejects');
  });

  it('receipts export --out and feed export --out over existing 0644 files, under umask 000 (the real CLI)', () => {
    const db = path.join(t.dir, 'intake.db');
    const store = Store.open(db);
    seedRoll(store, [rollRow({ ballotId: 'RCPT-0001' })]);
    new Intake(store, 'MAIL-1').scan({ raw: 'RCPT-0001', operator: 'clara' });
    store.close();
    for (const [args, name] of [[['receipts', 'export', '--format', 'csv'], 'receipts.csv'], [['feed', 'export', '--format', 'ndjson'], 'feed.ndjson']] as const) {
      const out = path.join(t.dir, name);
      fs.writeFileSync(out, 'someone else could read this');
      fs.chmodSync(out, 0o644);
      const r = underUmask000([BIN, ...args, '--out', out, '--db', db]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(fs.readFileSync(out, 'utf8')).toContain('RCPT-0001');
      expect(`${name} ${mode(out).toString(8)}`).toBe(`${name} 600`);
    }
  });

  it('a backup and a restore are 0600, and the database set aside by the restore is tightened', async () => {
    const db = path.join(t.dir, 'intake.db');
    const store = Store.open(db);
    store.config.set('station', 'MAIL-1', 'sue', new Date().toISOString());
    const backup = path.join(t.dir, 'copy.db');
    fs.writeFileSync(backup, 'an older file of the same name');
    fs.chmodSync(backup, 0o644);
    await backupTo(store, backup);
    store.close();
    expect(mode(backup)).toBe(0o600);
    fs.chmodSync(db, 0o644);
    const { previous } = restoreFrom(backup, db);
    expect(mode(db)).toBe(0o600);
    expect(mode(previous ?? '')).toBe(0o600);
  });
});
