import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupTo, restoreFrom, verifyBackup } from '../../main/backup/backup.js';
import { Intake } from '../../main/intake/intake.js';
import { Store } from '../../main/store/store.js';
import { intake } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 30 }, (_, i) => rollRow({ ballotId: `BK-${String(i).padStart(4, '0')}`, voterId: `V${i}` })));
});
afterEach(() => t.cleanup());

describe('backup and restore', () => {
  it('copies the live database while scans go on, and the copy verifies', async () => {
    const intake = new Intake(t.store, 'ST1');
    for (let i = 0; i < 10; i += 1) intake.scan({ raw: `BK-${String(i).padStart(4, '0')}`, operator: 'a' });
    const file = path.join(t.dir, 'copy.db');
    const pending = backupTo(t.store, file);
    intake.scan({ raw: 'BK-0010', operator: 'a' });
    const r = await pending;
    expect(r.scans).toBeGreaterThanOrEqual(10);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(verifyBackup(file)).toMatchObject({ ok: true, integrity: 'ok' });
  });

  it('restores a verified backup and keeps the current database beside it', async () => {
    const intake = new Intake(t.store, 'ST1');
    intake.scan({ raw: 'BK-0001', operator: 'a' });
    const file = path.join(t.dir, 'good.db');
    await backupTo(t.store, file);
    intake.scan({ raw: 'BK-0002', operator: 'a' });
    t.store.close();
    const r = restoreFrom(file, t.dbPath);
    expect(r.previous && fs.existsSync(r.previous)).toBe(true);
    const restored = Store.open(t.dbPath);
    expect(restored.scans.receipt('BK-0001')).not.toBeNull();
    expect(restored.scans.receipt('BK-0002')).toBeNull();
    expect(restored.verifyAudit().ok).toBe(true);
    restored.close();
    t.store = Store.open(t.dbPath);
  });

  it('refuses a tampered or foreign backup and replaces nothing', async () => {
    new Intake(t.store, 'ST1').scan({ raw: 'BK-0001', operator: 'a' });
    const file = path.join(t.dir, 'bad.db');
    await backupTo(t.store, file);
    const raw = new Database(file);
    raw.prepare("UPDATE scans SET verdict = 'UNKNOWN'").run();
    raw.close();
    expect(verifyBackup(file).ok).toBe(false);
    const before = fs.statSync(t.dbPath).ino;
    expect(() => restoreFrom(file, t.dbPath)).toThrow(/does not verify/);
    expect(fs.statSync(t.dbPath).ino).toBe(before);
    const junk = path.join(t.dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all');
    expect(() => verifyBackup(junk)).toThrow(/not a station database/);
  });

  it('backs up automatically when a batch closes, from the CLI', () => {
    const backups = path.join(t.dir, 'second-drive');
    fs.mkdirSync(backups);
    t.store.config.set('backupDir', backups, 't', new Date().toISOString());
    t.store.config.set('batchSize', 2, 't', new Date().toISOString());
    t.store.close();
    const r = intake(['scan', '--station', 'ST1', '--operator', 'a', '--db', t.dbPath], { input: 'BK-0001\nBK-0002\nBK-0003\n' });
    expect(r.status).toBe(0);
    const files = fs.readdirSync(backups);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^intake-ST1-batch1-.*\.db$/);
    expect(verifyBackup(path.join(backups, files[0] ?? '')).ok).toBe(true);
    const closed = intake(['batch', 'close', '--hand-count', '1', '--station', 'ST1', '--operator', 's', '--db', t.dbPath]);
    expect(closed.json()).toMatchObject({ number: 2, backup: expect.stringContaining('batch2') as unknown });
    const restore = intake(['restore', path.join(backups, files[0] ?? ''), '--verify']);
    expect(restore.status).toBe(0);
    t.store = Store.open(t.dbPath);
  });
});
