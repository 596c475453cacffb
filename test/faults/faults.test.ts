import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { canMount, fillDisk, freeDisk, mountSmallDisk } from '../helpers/mount.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { BIN, intake } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';

const MOUNT = canMount();

let t: ReturnType<typeof tempDir>;
let mounted: string | null = null;
beforeEach(() => {
  t = tempDir('intake-fault-');
});
afterEach(() => {
  if (mounted) spawnSync('umount', ['-l', mounted]);
  mounted = null;
  t.cleanup();
});

function smallDisk(kb: number): string {
  const dir = path.join(t.dir, 'disk');
  fs.mkdirSync(dir);
  mountSmallDisk(dir, kb);
  mounted = dir;
  return dir;
}

function seededStore(file: string, n = 20): Store {
  const store = Store.open(file);
  seedRoll(store, Array.from({ length: n }, (_, i) => rollRow({ ballotId: `DF-${String(i).padStart(4, '0')}`, voterId: `V${i}` })));
  return store;
}

describe.skipIf(!MOUNT)('a full disk', () => {
  it('stops scanning loudly in the app, records nothing partial, and the database stays whole', async () => {
    const dir = smallDisk(2048);
    const store = seededStore(path.join(dir, 'intake.db'));
    const api = apiFor(store);
    const clerk = api.as('clara');
    expect(await api.call(clerk, 'scan.submit', { raw: 'DF-0000' })).toMatchObject({ ok: true });
    // Fill the disk to the last byte.
    fillDisk(dir);
    let fault: unknown = null;
    for (let i = 1; i < 20 && !fault; i += 1) {
      const r = await api.call(clerk, 'scan.submit', { raw: `DF-${String(i).padStart(4, '0')}` });
      if (!r.ok) fault = r.error;
    }
    expect(fault).toMatchObject({ code: 'station-fault', message: expect.stringContaining('disk is full') as unknown });
    expect(api.station.fault).toContain('disk is full');
    // Further scans are refused before touching the disk.
    expect(await api.call(clerk, 'scan.submit', { raw: 'DF-0019' })).toMatchObject({ ok: false, error: { code: 'station-fault' } });
    freeDisk(dir);
    const scans = store.db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number };
    const receipts = store.db.prepare('SELECT count(*) AS n FROM receipts').get() as { n: number };
    expect(receipts.n).toBe(scans.n); // every recorded scan is whole: its receipt came with it
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.verifyAudit().ok).toBe(true);
    store.close();
  });

  it('makes the CLI stop with a plain message', () => {
    const dir = smallDisk(2048);
    seededStore(path.join(dir, 'intake.db')).close();
    fillDisk(dir);
    const codes = Array.from({ length: 20 }, (_, i) => `DF-${String(i).padStart(4, '0')}`).join('\n');
    const r = intake(['scan', '--station', 'S', '--operator', 'o', '--db', path.join(dir, 'intake.db')], { input: `${codes}\n` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/disk .*is full/);
  });
});

describe.skipIf(!MOUNT)('a read-only database folder', () => {
  it('refuses to open with a clear reason', () => {
    const dir = smallDisk(4096);
    seededStore(path.join(dir, 'intake.db')).close();
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    expect(() => Store.open(path.join(dir, 'intake.db'))).toThrow(/read-only/);
    const r = intake(['roll', 'stats', '--db', path.join(dir, 'intake.db')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('read-only');
  });
});

describe('a second station on the same database', () => {
  it('is refused while the first runs, and allowed once it is gone', async () => {
    const db = path.join(t.dir, 'intake.db');
    seededStore(db).close();
    const first = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => first.stdout.once('data', () => resolve()));
    const second = intake(['serve', '--port', '0', '--db', db]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/already open in another station \(process \d+/);
    first.kill('SIGTERM');
    await new Promise((r) => first.on('exit', r));
    expect(fs.existsSync(`${db}.station-lock`)).toBe(false);
  });

  it('takes over the lock of a station that crashed', async () => {
    const db = path.join(t.dir, 'intake.db');
    seededStore(db).close();
    fs.writeFileSync(`${db}.station-lock`, JSON.stringify({ pid: 999_999, host: (await import('node:os')).hostname(), since: 'yesterday' }));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(JSON.parse(line)).toMatchObject({ url: expect.stringContaining('http://127.0.0.1:') as unknown });
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  });
});

describe('a damaged database file', () => {
  it('is named as damaged, not opened', () => {
    const db = path.join(t.dir, 'intake.db');
    fs.writeFileSync(db, Buffer.alloc(8192, 0x41));
    const r = intake(['roll', 'stats', '--db', db]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/corrupt or not a station database/);
  });
});
