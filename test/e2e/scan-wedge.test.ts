import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Store } from '../../main/store/store.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { startPtyCable, type PtyCable } from '../scanners/pty.js';
import { expectAccessible } from './axe.js';
import { browser, page, serve, shots, typeBurst, wedgeScan, type Served } from './fixture.js';

// Issue 16, items 1–6, the way a scanner and a clerk drive the scan screen: slow and stalling
// wedge scanners, flags that a scanner can never raise, scans from every screen, the lock.

let t: ReturnType<typeof tempDir>;
let served: Served;
let cable: PtyCable;
let b: Browser;
let p: Page;
const errors: string[] = [];
const BALLOTS = Array.from({ length: 30 }, (_, i) => `SW-${String(i + 1).padStart(4, '0')}`);

function db<T>(fn: (d: Database.Database) => T): T {
  const d = new Database(served.db, { readonly: true, fileMustExist: true });
  try {
    return fn(d);
  } finally {
    d.close();
  }
}
const count = (sql: string) => db((d) => (d.prepare(sql).get() as { n: number }).n);
const scans = () => count('SELECT count(*) AS n FROM scans');

const panel = () => p.locator('section[aria-label="Last verdict"]');
let lastSeq = 0;
async function expectVerdict(word: string, ballot?: string): Promise<void> {
  const seq = await p
    .waitForFunction((after) => {
      const n = Number(document.querySelector('section[aria-label="Last verdict"]')?.getAttribute('data-seq') ?? 0);
      return n > after ? n : null;
    }, lastSeq, { timeout: 10_000 })
    .catch((e: unknown) => {
      throw new Error(`expected a new verdict (${word}); errors: ${errors.join(' || ')}`, { cause: e });
    });
  lastSeq = Number(await seq.jsonValue());
  expect(await panel().getAttribute('data-verdict')).toBe(word);
  if (ballot) expect(db((d) => (d.prepare('SELECT raw FROM scans WHERE seq = ?').get(lastSeq) as { raw: string }).raw)).toBe(ballot);
}
async function signIn(name: string, pin: string): Promise<void> {
  await p.fill('input[name=operator]', name);
  await p.fill('input[name=pin]', pin);
  await p.click('button[type=submit]');
  await p.waitForSelector('header.topbar', { timeout: 10_000 });
}
const go = (screen: string) => p.click(`nav button:has-text("${screen}")`);

beforeAll(async () => {
  t = tempDir('intake-e2e-scan-');
  const file = path.join(t.dir, 'intake.db');
  const store = Store.open(file);
  const at = new Date().toISOString();
  for (const [k, v] of [['station', 'MAILROOM-2'], ['election', 'E2026'], ['electionDate', '2026-11-03'], ['stateProfile', 'NC']] as const) store.config.set(k, v, 'test', at);
  seedRoll(store, [
    ...BALLOTS.map((ballotId, i) => rollRow({ ballotId, voterId: `SWV${i}`, lastName: `VOTER${i + 1}`, firstName: 'PAT' })),
    rollRow({ ballotId: 'SW-VOTE', voterId: 'SWV99', lastName: 'WU', firstName: 'FAY', votedOtherMethod: true }),
  ]);
  const auth = new Auth(store);
  const sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
  await auth.createOperator('Clara', 'clerk', '2468', sue);
  store.close();
  cable = await startPtyCable();
  served = await serve(file, ['--serial', cable.stationPath]);
  b = await browser();
  p = await page(await b.newContext({ viewport: { width: 1366, height: 768 } }), errors);
});

afterAll(async () => {
  await b.close();
  await served.stop();
  await cable.close();
  t.cleanup();
});

describe('the scan screen never takes a scanner for a person', () => {
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
    onTestFailed(() => {
      failed = true;
    });
  });

  it('records wedge scanners at 5, 20, 35 and 60 ms per key, and their digits flag nothing', async () => {
    await p.goto(served.url);
    await signIn('Clara', '2468');
    await expectAccessible(p, 'the scan screen, ready');
    const gaps = [5, 20, 35, 60];
    for (const [i, gap] of gaps.entries()) {
      await wedgeScan(p, BALLOTS[i] ?? '', gap);
      await expectVerdict('ACCEPTED', BALLOTS[i]);
    }
    expect(count('SELECT count(*) AS n FROM cure_cases')).toBe(0);
    await expectAccessible(p, 'the scan screen, accepted');
    await shots(p, 'scan-accepted');
  });

  it('one 45 ms pause inside a 5 ms-per-key burst records the whole code, not its tail', async () => {
    await wedgeScan(p, BALLOTS[4] ?? '', 5, { pauseAt: 3, pauseMs: 45 });
    await expectVerdict('ACCEPTED', BALLOTS[4]);
  });

  it('a code cut by a long pause says SCAN AGAIN out loud and records nothing, not even its tail', async () => {
    const before = scans();
    await wedgeScan(p, BALLOTS[5] ?? '', 5, { pauseAt: 3, pauseMs: 400 });
    await p.waitForSelector('[data-refusal=cut]');
    expect(await p.textContent('[data-refusal=cut]')).toMatch(/SCAN AGAIN/);
    await p.waitForTimeout(300);
    expect(scans()).toBe(before);
    await expectAccessible(p, 'the scan screen, a cut scan');
    await shots(p, 'scan-cut');
  });

  it('flags only in two deliberate steps with keys no scanner sends; the panel says FLAGGED; the same clerk undoes it', async () => {
    await wedgeScan(p, BALLOTS[6] ?? '', 5);
    await expectVerdict('ACCEPTED', BALLOTS[6]);
    await p.keyboard.press('1'); // the old one-key flag
    await p.waitForTimeout(200);
    expect(count('SELECT count(*) AS n FROM cure_cases')).toBe(0);
    await p.keyboard.press('F8'); // choose with the keyboard: F8 moves, Escape clears
    await p.keyboard.press('F8');
    expect(await p.locator('button[aria-pressed=true]').count()).toBe(1);
    await p.keyboard.press('Escape');
    expect(await p.locator('button[aria-pressed=true]').count()).toBe(0);
    await p.click('button:has-text("No voter signature")');
    await p.keyboard.press('F9');
    await p.waitForSelector('section[aria-label="Last verdict"][data-flagged=yes]');
    expect(await panel().textContent()).toMatch(/ACCEPTED — FLAGGED FOR CURE.*No voter signature/);
    expect(await panel().evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(await p.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accept')));
    expect(count("SELECT count(*) AS n FROM cure_cases WHERE state = 'FLAGGED'")).toBe(1);
    await expectAccessible(p, 'the scan screen, flagged');
    await shots(p, 'scan-flagged');
    await p.keyboard.press('F10');
    await p.waitForSelector('section[aria-label="Last verdict"][data-flagged=no]');
    expect(count("SELECT count(*) AS n FROM cure_cases WHERE state = 'ACCEPTED'")).toBe(1);
    expect(count('SELECT count(*) AS n FROM cure_steps')).toBe(2); // an undo record, not a delete
  });

  it('a slow scanner right after a flag choice records its scan and never confirms the choice', async () => {
    await p.click('button:has-text("No witness signature")');
    await wedgeScan(p, BALLOTS[7] ?? '', 60);
    await expectVerdict('ACCEPTED', BALLOTS[7]);
    expect(count("SELECT count(*) AS n FROM cure_cases WHERE state = 'FLAGGED'")).toBe(0);
    expect(await p.locator('button[aria-pressed=true]').count()).toBe(0); // the choice belonged to the envelope before
  });

  it('shows problems in the staff’s words, colours the last scans, keeps the panel one height and the table above the fold', async () => {
    const heights: number[] = [];
    const measure = async () => heights.push(Math.round((await panel().boundingBox())?.height ?? 0));
    await measure();
    await wedgeScan(p, BALLOTS[7] ?? '', 5);
    await expectVerdict('DUPLICATE');
    await measure();
    expect(await panel().textContent()).toMatch(/ALREADY RECEIVED.*Already received today .* by Clara/);
    expect(await panel().textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // the station's reason too, in local time
    await shots(p, 'scan-duplicate');
    await wedgeScan(p, 'SW-VOTE', 20);
    await expectVerdict('ALREADY_VOTED');
    await measure();
    expect(await panel().textContent()).toContain('ALREADY VOTED IN PERSON');
    await wedgeScan(p, 'NOPE-404', 5);
    await expectVerdict('UNKNOWN');
    await measure();
    expect(new Set(heights).size).toBe(1);
    const text = await p.locator('main').innerText();
    expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/); // no ALREADY_VOTED, no codes
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // no ISO timestamps
    expect(await p.locator('tr.row-problem').count()).toBeGreaterThanOrEqual(3);
    const table = await p.locator('table[aria-label="Last scans"]').boundingBox();
    expect((table?.y ?? 999) + 100).toBeLessThan(768); // the newest rows are in sight at 1366×768
    await expectAccessible(p, 'the scan screen, problem verdicts');
    await shots(p, 'scan-problems');
  });

  it('records a scan on any other screen with a toast (wedge and serial), and a text box there does not swallow it', async () => {
    await go('Batches');
    await wedgeScan(p, BALLOTS[8] ?? '', 35);
    await p.waitForSelector(`.toast[data-verdict=ACCEPTED]`);
    expect(count(`SELECT count(*) AS n FROM scans WHERE raw = '${BALLOTS[8] ?? ''}'`)).toBe(1);
    await expectAccessible(p, 'the verdict toast on Batches');
    await shots(p, 'toast-on-batches');
    await go('Roll');
    const box = p.locator('main input:not([type=file]):not([type=password])').first();
    await box.click();
    await p.keyboard.type('SMI', { delay: 110 });
    await typeBurst(p, BALLOTS[9] ?? '', 35); // a slow scanner this station has already shown (on Batches)
    await p.waitForFunction((b) => document.querySelector('.toast')?.textContent?.includes('VOTER10') ?? b, false);
    expect(await box.inputValue()).toBe('SMI');
    expect(count(`SELECT count(*) AS n FROM scans WHERE raw = '${BALLOTS[9] ?? ''}'`)).toBe(1);
    // A serial scanner's verdict reaches the clerk on another screen too.
    await p.waitForSelector('[aria-label=Scanners] [data-state=connected]');
    await cable.write(`${BALLOTS[11] ?? ''}\r`);
    await p.waitForFunction((code) => document.querySelector('.toast')?.textContent?.includes(code) ?? false, 'VOTER12');
    await go('Scan');
    lastSeq = Number(await panel().getAttribute('data-seq'));
  });

  it('locks at once: no voter on screen, a scan refused out loud, and only the same operator’s PIN unlocks', async () => {
    await p.click('header button:has-text("Lock")');
    await p.waitForSelector('[data-testid=lock]');
    expect(await p.locator('body').innerText()).not.toContain('VOTER');
    const before = scans();
    await wedgeScan(p, BALLOTS[10] ?? '', 5);
    await p.waitForSelector('[data-testid=lock] [data-refusal=locked]');
    expect(await p.textContent('[data-refusal=locked]')).toMatch(/Sign in to scan/);
    expect(scans()).toBe(before);
    await expectAccessible(p, 'the lock screen');
    await shots(p, 'scan-locked');
    expect(await p.locator('input[name=operator]').count()).toBe(0); // the PIN only
    await p.fill('input[name=unlock-pin]', '0000');
    await p.click('button:has-text("Unlock")');
    await p.waitForSelector('[data-testid=lock] .error');
    await p.fill('input[name=unlock-pin]', '2468');
    await p.click('button:has-text("Unlock")');
    await p.waitForSelector('header.topbar >> text=Clara');
    await wedgeScan(p, BALLOTS[10] ?? '', 5);
    await expectVerdict('ACCEPTED', BALLOTS[10]);
  });

  it('the live test shows a slow scanner’s scans and its rhythm, and records none of them', async () => {
    await p.click('text=Sign out');
    await signIn('Sue', '4321');
    await go('Settings');
    await p.click('button:has-text("Live test")', { timeout: 5000 });
    await p.waitForSelector('[data-testid=scanner-test-on]', { timeout: 5000 }).catch(async (e: Error) => {
      throw new Error(`${e.message} | on screen: ${await p.locator('body').innerText()}`);
    });
    const before = scans();
    await wedgeScan(p, 'SLOW-0060', 60);
    await p.waitForSelector('table[aria-label="Test scans"] >> text=SLOW-0060', { timeout: 5000 }).catch(async (e: Error) => {
      throw new Error(`${e.message} | on screen: ${await p.locator('main').innerText()}`);
    });
    expect(await p.textContent('table[aria-label="Test scans"]')).toMatch(/60 ms/);
    await p.waitForFunction(() => /about \d+ ms per key/.test(document.querySelector('[data-testid=wedge-rhythm]')?.textContent ?? ''));
    expect(scans()).toBe(before);
    // A scanner that sends no terminator: set so for this station, and its codes end by silence.
    await p.selectOption('select[name=wedge-terminator]', 'none');
    await p.fill('input[name=wedge-max-gap]', '80');
    await p.click('button:has-text("Save scanner timing")');
    await p.waitForSelector('text=Keyboard-wedge timing saved');
    expect(db((d) => (d.prepare("SELECT value FROM config WHERE key = 'keyboardWedge'").get() as { value: string }).value)).toBe('{"terminator":"none","maxGapMs":80}');
    await p.waitForTimeout(300); // the window's detector reloads the setting
    await wedgeScan(p, 'NOTERM-0042', 10, { terminator: null });
    await p.waitForSelector('table[aria-label="Test scans"] >> text=NOTERM-0042');
    // A whole code, not a cut one (as it would be under the default Enter-or-Tab setting).
    expect(await p.textContent('table[aria-label="Test scans"] tr:has-text("NOTERM-0042")')).not.toMatch(/read only in part/);
    expect(scans()).toBe(before);
    await expectAccessible(p, 'the scanner live test');
    await shots(p, 'settings-live-test');
    await p.click('button:has-text("End the live test")');
  });

  it('logged no console or page error', () => {
    expect(errors).toEqual([]);
  });
});
