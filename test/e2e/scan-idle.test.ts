import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Store } from '../../main/store/store.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { expectAccessible } from './axe.js';
import { browser, page, serve, wedgeScan, type Served } from './fixture.js';

// The idle lock, renderer side (issue 16 item 6, LOCK-DESIGN.md): after the idle time the screen
// is covered by itself, with no call needed, and the next scan is refused out loud.

let t: ReturnType<typeof tempDir>;
let served: Served;
let b: Browser;
let p: Page;
const errors: string[] = [];
const scans = () => {
  const d = new Database(served.db, { readonly: true, fileMustExist: true });
  try {
    return (d.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n;
  } finally {
    d.close();
  }
};

beforeAll(async () => {
  t = tempDir('intake-e2e-idle-');
  const file = path.join(t.dir, 'intake.db');
  const store = Store.open(file);
  store.config.set('idleLockMinutes', 1, 'test', new Date().toISOString());
  seedRoll(store, [rollRow({ ballotId: 'ID-0001', voterId: 'IDV1', lastName: 'IDLEVOTER' }), rollRow({ ballotId: 'ID-0002', voterId: 'IDV2' })]);
  const auth = new Auth(store);
  const sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
  await auth.createOperator('Clara', 'clerk', '2468', sue);
  store.close();
  served = await serve(file);
  b = await browser();
  p = await page(await b.newContext({ viewport: { width: 1366, height: 768 } }), errors);
});

afterAll(async () => {
  await b.close();
  await served.stop();
  t.cleanup();
});

describe('the idle lock on screen', () => {
  it('covers the last voter’s name by itself after the idle time, refuses the next scan out loud, and unlocks with the same clerk’s PIN only', async () => {
    await p.goto(served.url);
    await p.fill('input[name=operator]', 'Clara');
    await p.fill('input[name=pin]', '2468');
    await p.click('button[type=submit]');
    await p.waitForSelector('header.topbar');
    await wedgeScan(p, 'ID-0001', 20);
    await p.waitForSelector('section[aria-label="Last verdict"] >> text=IDLEVOTER');
    await p.waitForSelector('[data-testid=lock]', { timeout: 75_000 }); // one idle minute, nothing touched
    expect(await p.locator('body').innerText()).not.toContain('IDLEVOTER');
    const before = scans();
    await wedgeScan(p, 'ID-0002', 20);
    await p.waitForSelector('[data-testid=lock] [data-refusal=locked]');
    expect(scans()).toBe(before);
    await expectAccessible(p, 'the lock screen after idle time');
    await p.fill('input[name=unlock-pin]', '4321'); // Sue's PIN does not open Clara's session
    await p.click('button:has-text("Unlock")');
    await p.waitForSelector('[data-testid=lock] .error');
    await p.fill('input[name=unlock-pin]', '2468');
    await p.click('button:has-text("Unlock")');
    await p.waitForSelector('header.topbar >> text=Clara');
    expect(errors).toEqual([]);
  }, 150_000);
});
