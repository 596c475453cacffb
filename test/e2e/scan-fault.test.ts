import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Store } from '../../main/store/store.js';
import { canMount, fillDisk, freeDisk, mountSmallDisk } from '../helpers/mount.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { expectAccessible } from './axe.js';
import { browser, page, serve, shots, wedgeScan, type Served } from './fixture.js';

// A full disk while the clerk is on another screen (issue 16 item 4): the fault is shown on every
// screen, with the last envelope that was recorded, and a scan made then is refused out loud.

const MOUNT = canMount();
let t: ReturnType<typeof tempDir>;
let disk: string;
let served: Served;
let b: Browser;
let p: Page;
const errors: string[] = [];

beforeAll(async () => {
  if (!MOUNT) return;
  t = tempDir('intake-e2e-scanfault-');
  disk = path.join(t.dir, 'disk');
  fs.mkdirSync(disk);
  mountSmallDisk(disk, 2048);
  const store = Store.open(path.join(disk, 'intake.db'));
  seedRoll(store, Array.from({ length: 40 }, (_, i) => rollRow({ ballotId: `SF-${String(i).padStart(4, '0')}`, voterId: `SFV${i}`, lastName: `LASTKEPT${i}` })));
  const auth = new Auth(store);
  await auth.createOperator('Sue', 'supervisor', '4321', null);
  store.close();
  served = await serve(path.join(disk, 'intake.db'));
  b = await browser();
  p = await page(await b.newContext({ viewport: { width: 1366, height: 768 } }), errors);
});

afterAll(async () => {
  if (!MOUNT) return;
  await b.close();
  await served.stop();
  spawnSync('umount', ['-l', disk]);
  t.cleanup();
});

describe.skipIf(!MOUNT)('a full disk seen from any screen', () => {
  it('shows STOP SCANNING with the last recorded envelope on Batches, Roll and Scan, and refuses the next scan out loud', async () => {
    await p.goto(served.url);
    await p.fill('input[name=operator]', 'Sue');
    await p.fill('input[name=pin]', '4321');
    await p.click('button[type=submit]');
    await p.waitForSelector('header.topbar');
    await wedgeScan(p, 'SF-0000', 20);
    await p.waitForSelector('section[aria-label="Last verdict"][data-verdict=ACCEPTED]');
    await p.click('nav button:has-text("Batches")');
    fillDisk(disk);
    for (let i = 1; i < 30 && !(await p.isVisible('.fault')); i += 1) {
      await wedgeScan(p, `SF-${String(i).padStart(4, '0')}`, 20);
      await p.waitForTimeout(150);
    }
    const banner = p.locator('[role=alert].fault');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/STOP SCANNING\..*disk is full/);
    expect(await banner.textContent()).toMatch(/Last envelope recorded: SF-\d{4}, PAT LASTKEPT\d+|Last envelope recorded: SF-\d{4}/);
    await expectAccessible(p, 'the fault banner on Batches');
    await shots(p, 'fault-on-batches');
    await wedgeScan(p, 'SF-0039', 20);
    await p.waitForSelector('[data-refusal=fault]');
    expect(await p.locator('.toast').count()).toBe(0); // no green of an earlier envelope beside the stop
    expect(await p.textContent('[data-refusal=fault]')).toMatch(/NOT recorded/);
    await p.click('nav button:has-text("Roll")');
    expect(await p.locator('[role=alert].fault').textContent()).toMatch(/STOP SCANNING/);
    await p.click('nav button:has-text("Scan")');
    expect(await p.locator('[role=alert].fault').textContent()).toMatch(/STOP SCANNING/);
    expect(await p.locator('section[aria-label="Last verdict"]').count()).toBe(1); // the last envelope stays in sight
    await expectAccessible(p, 'the scan screen during a fault');
    await shots(p, 'fault-on-scan');
    freeDisk(disk);
    expect(errors.filter((e) => !/disk is full|station is stopped|NOT recorded/.test(e))).toEqual([]);
  });
});
