import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { tempDir } from '../helpers/station.js';
import { startPtyCable, type PtyCable } from '../scanners/pty.js';
import { expectAccessible } from './axe.js';
import { browser, createFirstSupervisor, page, serve, shot, typeBurst, wedgeScan, type Served } from './fixture.js';

const HEADER = 'ballot_id,voter_id,election_id,last_name,first_name,precinct,issued_at,status,voted_other_method';
const ROLL = [
  HEADER,
  'B-0001,V1,E2026,SMITH,ANA,P-07,2026-09-20,ISSUED,N',
  'B-0002,V2,E2026,JONES,BO,P-07,2026-09-20,ISSUED,N',
  'B-0003,V3,E2026,LEE,CY,P-08,2026-09-20,ISSUED,N',
  'B-OLD1,V4,E2026,KIM,DEE,P-08,2026-09-01,ISSUED,N',
  'B-NEW1,V4,E2026,KIM,DEE,P-08,2026-10-01,ISSUED,N',
  'B-CXL1,V5,E2026,ORTIZ,EVA,P-09,2026-09-20,CANCELLED,N',
  'B-VOTE,V6,E2026,WU,FAY,P-09,2026-09-20,ISSUED,Y',
  'B-0004,V7,E2026,NGUYEN,GIA,P-09,2026-09-20,ISSUED,N',
  'BAD-ROW,V8,E2026,,NONAME,P-09,2026-09-20,ISSUED,N',
].join('\n');

/** Straight from the station's database file, as an auditor would count. */
function count(table: 'scans' | 'cure_cases' | 'operators'): number {
  const db = new Database(served.db, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let t: ReturnType<typeof tempDir>;
let served: Served;
let cable: PtyCable;
let b: Browser;
let context: BrowserContext;
let p: Page;
const errors: string[] = [];

const verdict = () => p.locator('section[aria-label="Last verdict"]');
/** Waits for a new verdict (a later scan than the last one seen) and checks its word. */
let lastSeq = 0;
async function expectVerdict(word: string): Promise<void> {
  try {
    const seq = await p.waitForFunction(
      (after) => {
        const el = document.querySelector('section[aria-label="Last verdict"]');
        const n = Number(el?.getAttribute('data-seq') ?? 0);
        return n > after ? n : null;
      },
      lastSeq,
      { timeout: 10_000 },
    );
    lastSeq = Number(await seq.jsonValue());
  } catch (e) {
    throw new Error(`expected a new verdict (${word}); console: ${errors.join(' || ')}`, { cause: e });
  }
  expect(await verdict().getAttribute('data-verdict'), await verdict().textContent() ?? '').toBe(word);
}
async function signIn(name: string, pin: string): Promise<void> {
  await p.fill('input[name=operator]', name);
  await p.fill('input[name=pin]', pin);
  await p.click('button[type=submit]');
  await p.waitForSelector('header.topbar', { timeout: 10_000 });
}
async function signOut(): Promise<void> {
  await p.click('text=Sign out');
  await p.waitForSelector('input[name=operator]');
}
const go = (screen: string) => p.click(`nav button:has-text("${screen}")`);

beforeAll(async () => {
  t = tempDir('intake-e2e-');
  cable = await startPtyCable();
  served = await serve(path.join(t.dir, 'intake.db'), ['--serial', cable.stationPath]);
  b = await browser();
  context = await b.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  p = await page(context, errors);
});

afterAll(async () => {
  await b.close();
  await served.stop();
  await cable.close();
  t.cleanup();
});

describe('the station, end to end in Chromium', () => {
  // Each step stands on the one before: after a failure the rest are skipped, not piled on.
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
    onTestFailed(() => {
      failed = true;
    });
  });

  it('creates nobody when the first supervisor’s second PIN differs, and says so in plain words', async () => {
    await p.goto(served.url);
    await createFirstSupervisor(p, 'Sue', '4321', '4312');
    await p.waitForSelector('[role=alert] >> text=The two PINs differ');
    await expectAccessible(p, 'the first-supervisor screen with a mismatch');
    await shot(p, '01-first-supervisor-mismatch');
    expect(count('operators')).toBe(0);
    await p.reload();
    await p.waitForSelector('text=Create the first supervisor'); // still nobody: the form comes back
  });

  it('creates the first supervisor, configures the station and adds a clerk', async () => {
    await p.goto(served.url);
    await p.waitForSelector('text=Create the first supervisor');
    await expectAccessible(p, 'the first-supervisor screen');
    await shot(p, '01-first-supervisor');
    await createFirstSupervisor(p, 'Sue', '4321');
    await p.waitForSelector('header.topbar', { timeout: 10_000 });
    await go('Settings');
    for (const [key, value] of [['station', 'MAILROOM-1'], ['election', 'E2026'], ['electionDate', '11/03/2026'], ['batchSize', '50']] as const) await p.fill(`input[name=setting-${key}]`, value);
    await p.selectOption('select[name=setting-stateProfile]', 'NC');
    await p.click('button:has-text("Save station and election")');
    await p.waitForSelector('text=Saved: Station name, Election ID, Election day, State rules, Envelopes per tray.').catch(async (e: Error) => {
      const shown = await p.locator('[role=alert]').allTextContents();
      throw new Error(`${e.message} | on screen: ${shown.join(' || ')} | errors: ${errors.join(' || ')}`);
    });
    // The scanner live test: a scan is shown with its scanner, and not recorded.
    await p.waitForSelector('[data-testid=scanner-state-serial-1] >> text=connected');
    await p.click('button:has-text("Live test")');
    await p.waitForSelector('[data-testid=scanner-test-on]');
    await cable.write('TEST-123\r');
    await p.waitForSelector('table[aria-label="Test scans"] >> text=TEST-123');
    await p.click('button:has-text("End the live test")');
    await p.waitForSelector('button:has-text("Live test")');
    expect(count('scans')).toBe(0);
    await p.fill('input[name=newOperator]', 'Clara');
    await p.fill('input[name=newPin]', '2468');
    await p.fill('input[name=newPinAgain]', '2468');
    await p.click('text=Add operator');
    await p.waitForSelector('text=Clara added as clerk');
    await shot(p, '02-settings');
  });

  it('imports a roll through the UI: upload, preview, import, rejects', async () => {
    await go('Roll');
    const file = path.join(t.dir, 'roll.csv');
    fs.writeFileSync(file, `${ROLL}\n`);
    await p.setInputFiles('input[name=rollFile]', file);
    await p.click('button:has-text("Preview")');
    await p.waitForSelector('table[aria-label=Preview] >> text=B-0001');
    await p.click('button:has-text("Import")');
    await p.waitForSelector('[data-testid=import-result]');
    expect(await p.textContent('[data-testid=import-result]')).toContain('8 new');
    await p.waitForSelector('table[aria-label="Rejected rows"] >> text=last_name is empty');
    await shot(p, '03-roll');
    await signOut();
  });

  it('scans by keyboard-wedge bursts with nothing focused, and says each verdict loud', async () => {
    await signIn('Clara', '2468');
    await wedgeScan(p, 'B-0001');
    await expectVerdict('ACCEPTED');
    expect(await verdict().textContent()).toContain('ANA SMITH');
    expect(await p.textContent('[data-testid=live]')).toContain('ACCEPTED. ANA SMITH, precinct P-07');
    await expectAccessible(p, 'the scan screen after a verdict');
    await wedgeScan(p, 'B-0001');
    await expectVerdict('DUPLICATE');
    expect(count('cure_cases')).toBe(0); // the burst's digits are not cure-flag keys
    expect(await verdict().textContent()).toMatch(/Already received .* by Clara/);
    await wedgeScan(p, 'B-9999');
    await expectVerdict('UNKNOWN');
    await wedgeScan(p, 'B-OLD1');
    await expectVerdict('SUPERSEDED');
    await wedgeScan(p, 'B-CXL1');
    await expectVerdict('CANCELLED');
    await wedgeScan(p, 'B-VOTE');
    await expectVerdict('ALREADY_VOTED');
    await shot(p, '04-scan-problem');
  });

  it('never takes a person typing into a field for a scan; keyed entry records it', async () => {
    await p.click('input[name=keyed]');
    await p.keyboard.type('B-0002', { delay: 120 });
    expect(await p.inputValue('input[name=keyed]')).toBe('B-0002');
    await p.keyboard.press('Enter');
    await expectVerdict('ACCEPTED');
    await p.fill('input[name=keyed]', 'XY');
    await p.keyboard.press('Enter');
    await expectVerdict('UNREADABLE');
  });

  it('takes a scan burst that arrives while a form field has focus out of the field', async () => {
    await p.click('input[name=keyed]');
    await typeBurst(p, 'B-0004');
    await expectVerdict('ACCEPTED');
    expect(await p.inputValue('input[name=keyed]')).toBe('');
    expect(await verdict().textContent()).toContain('GIA NGUYEN');
  });

  it('shows a verdict from a real serial scanner on a pty, and flags a cure problem in two steps (choose, F9), never with a digit', async () => {
    await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await p.waitForSelector('[aria-label=Scanners] [data-state=connected]');
    await cable.write('B-0003\r');
    await expectVerdict('ACCEPTED');
    expect(await verdict().textContent()).toContain('CY LEE');
    await p.keyboard.press('1'); // a digit is no command: a scanner types digits
    await p.waitForTimeout(200);
    expect(count('cure_cases')).toBe(0);
    await p.click('button:has-text("No voter signature")');
    await p.keyboard.press('F9');
    await p.waitForSelector('section[aria-label="Last verdict"][data-flagged=yes] >> text=Flagged for cure');
    await shot(p, '05-scan-accepted-flagged');
    await signOut();
  });

  it('lets the supervisor work the review queue: resolve a duplicate, move a cure case', async () => {
    await signIn('Sue', '4321');
    await go('Review');
    await p.waitForFunction(() => Number(document.querySelector('[data-testid=queue-total]')?.textContent?.split(' ')[0]) >= 6);
    await p.click('[role=row]:has-text("Already received")');
    await p.waitForSelector('[data-testid=review-detail] >> text=Set aside as duplicate');
    await p.fill('input[name=reason]', 'same envelope scanned twice');
    await p.click('[data-testid=review-detail] button:has-text("Set aside as duplicate")');
    await p.waitForSelector('text=1 envelope: Set aside as duplicate.');
    await p.click('[role=row]:has-text("Cure: Flagged")');
    await p.waitForSelector('[data-testid=review-detail] >> text=Notice sent to the voter');
    await p.fill('input[name=reason]', 'letter mailed');
    await p.click('[data-testid=review-detail] button:has-text("Notice sent to the voter")');
    await p.waitForSelector('text=is now: Notice sent');
    await shot(p, '06-review');
  });

  it('closes the batch with a hand count and shows the difference; exports receipts', async () => {
    await go('Batches');
    await p.fill('input[name=handCount-1]', '5');
    await p.click('tr[data-batch="1"] button:has-text("Close with this count")');
    await p.waitForSelector('[role=alertdialog] >> text=The counts of batch 1 differ');
    await p.keyboard.press('Enter');
    await p.waitForSelector('text=Batch 1 closed with a difference');
    const download = p.waitForEvent('download');
    await p.click('button:has-text("Cover sheet")');
    expect((await download).suggestedFilename()).toMatch(/^batch-.*\.pdf$/);
    await shot(p, '07-batches');
    await go('Reports');
    const csv = p.waitForEvent('download');
    await p.click('button:has-text("Export receipts")');
    const file = await (await csv).path();
    expect(fs.readFileSync(file, 'utf8')).toContain('B-0003');
    await shot(p, '08-reports');
    await go('Sync');
    await p.waitForSelector('td:has-text("Waiting to be sent")');
    const drive = path.join(t.dir, 'usb');
    fs.mkdirSync(drive);
    await p.fill('input[name=syncDir]', drive);
    await p.click('button:has-text("Write files")');
    await p.waitForSelector('text=1 file written');
    await p.waitForSelector('td:has-text("Written, awaiting upload")');
    const files = fs.readdirSync(drive).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toBe(`${files[0] ?? ''}.sha256`);
    expect(fs.readFileSync(path.join(drive, files[0] ?? ''), 'utf8')).toContain('B-0003');
    await shot(p, '09-sync');
  });

  it('logged no console or page error on any screen', () => {
    expect(errors).toEqual([]);
  });
});
