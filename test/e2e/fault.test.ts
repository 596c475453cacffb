import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { canMount, fillDisk, freeDisk, mountSmallDisk } from '../helpers/mount.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { browser, createFirstSupervisor, page, serve, shot, wedgeScan, type Served } from './fixture.js';

// A full disk in the middle of a shift, seen from the clerk's chair: the Scan screen must say
// STOP, say why, and take nothing more; what was recorded stays whole.

const MOUNT = canMount();

let t: ReturnType<typeof tempDir>;
let disk: string;
let served: Served;
let b: Browser;
let p: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!MOUNT) return;
  t = tempDir('intake-e2e-fault-');
  disk = path.join(t.dir, 'disk');
  fs.mkdirSync(disk);
  mountSmallDisk(disk, 2048);
  const store = Store.open(path.join(disk, 'intake.db'));
  seedRoll(store, Array.from({ length: 40 }, (_, i) => rollRow({ ballotId: `DF-${String(i).padStart(4, '0')}`, voterId: `V${i}` })));
  store.close();
  served = await serve(path.join(disk, 'intake.db'));
  b = await browser();
  p = await page(await b.newContext({ viewport: { width: 1200, height: 800 } }), errors);
});

afterAll(async () => {
  if (!MOUNT) return;
  await b.close();
  await served.stop();
  spawnSync('umount', ['-l', disk]);
  t.cleanup();
});

describe.skipIf(!MOUNT)('a full disk, on screen', () => {
  it('stops scanning loudly with the reason, takes no further scan, and keeps every record whole', async () => {
    await p.goto(served.url);
    await createFirstSupervisor(p, 'Sue', '4321');
    await p.waitForSelector('header.topbar');
    await wedgeScan(p, 'DF-0000');
    await p.waitForSelector('section[aria-label="Last verdict"][data-verdict=ACCEPTED]');

    fillDisk(disk);
    for (let i = 1; i < 30; i += 1) {
      if (await p.isVisible('.fault')) break;
      await wedgeScan(p, `DF-${String(i).padStart(4, '0')}`);
      await p.waitForTimeout(150);
    }
    const alert = p.locator('[role=alert].fault');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/STOP SCANNING\..*disk is full/);
    await shot(p, '10-fault-disk-full');

    const db = () => new Database(served.db, { readonly: true, fileMustExist: true });
    const before = (() => {
      const d = db();
      try {
        return (d.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n;
      } finally {
        d.close();
      }
    })();
    freeDisk(disk);
    await wedgeScan(p, 'DF-0039');
    await p.waitForTimeout(500);
    expect(await alert.isVisible()).toBe(true); // the station stays stopped until someone restarts it
    const d = db();
    try {
      expect((d.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n).toBe(before);
      const receipts = (d.prepare('SELECT count(*) AS n FROM receipts').get() as { n: number }).n;
      expect(receipts).toBe(before); // every recorded scan came with its receipt: nothing partial
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      d.close();
    }
    expect(errors.filter((e) => !/disk is full|station is stopped/.test(e))).toEqual([]);
  });
});
