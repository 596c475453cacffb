import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor } from '../helpers/api.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';

// The review queue driven as a supervisor drives it: keyboard only, from the filters to a bulk
// action. Seeded: 3 duplicates, 2 late envelopes (NC rules), one not on the roll, one cure case,
// and a voter with a long name that must not be cut.
let s: SupStation;
let p: Page;
const LONG = { lastName: 'MONTGOMERY-FITZWILLIAM', firstName: 'ALEXANDRA CATHERINE' };

beforeAll(async () => {
  s = await supStation('intake-e2e-review-', async (store, intake) => {
    seed(store, [
      { ballotId: 'R-0001', voterId: 'V1', lastName: 'SMITH', firstName: 'ANA' },
      { ballotId: 'R-0002', voterId: 'V2', ...LONG },
      { ballotId: 'R-0003', voterId: 'V3', lastName: 'LEE', firstName: 'CY' },
      { ballotId: 'R-0004', voterId: 'V4', lastName: 'KIM', firstName: 'DEE' },
      { ballotId: 'R-0005', voterId: 'V5', lastName: 'WU', firstName: 'FAY' },
      { ballotId: 'R-0006', voterId: 'V6', lastName: 'ORTIZ', firstName: 'EVA' },
    ]);
    for (const b of ['R-0001', 'R-0001', 'R-0002', 'R-0002', 'R-0003', 'R-0003', 'R-0006', 'NOPE-77']) intake.scan({ raw: b, operator: 'Clara' });
    store.config.set('stateProfile', 'NC', 'setup', new Date().toISOString());
    store.config.set('receiptDeadline', '2020-11-03T19:30:00-05:00', 'setup', new Date().toISOString());
    for (const b of ['R-0004', 'R-0005']) intake.scan({ raw: b, operator: 'Clara' });
    const api = apiFor(store);
    const r = await api.call(api.as('Clara'), 'cure.flag', { ballotId: 'R-0006', codes: ['NO_VOTER_SIGNATURE'] });
    if (!r.ok) throw new Error(r.error.message);
  });
  p = s.p;
  await signIn(p, s.served.url);
});
afterAll(async () => s.stop());

function resolutions(): number {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM problem_resolutions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
const total = async () => Number((await p.textContent('[data-testid=queue-total]'))?.split(' ')[0]?.replace(/,/g, ''));
const activeText = () => p.evaluate(() => document.querySelector('.queue .item.active')?.textContent ?? '');
const focused = () => p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? document.activeElement?.getAttribute('role') ?? '');

/** Arrow keys until the active row shows `text`. */
async function arrowTo(text: string): Promise<void> {
  await p.focus('[role=grid]');
  await p.keyboard.press('Home');
  for (let i = 0; i < 30; i += 1) {
    if ((await activeText()).includes(text)) return;
    await p.keyboard.press('ArrowDown');
  }
  throw new Error(`no row with ${text}; active: ${await activeText()}`);
}
async function typeReason(text: string): Promise<void> {
  await p.keyboard.type(text, { delay: 60 }); // a person's pace: never a scanner's burst
}

describe('the review queue, keyboard first', () => {
  it('has column headers, names in full, staff words and local times (no codes, no ISO)', async () => {
    await p.keyboard.press('F2');
    await p.waitForSelector('h1:has-text("Review queue")');
    await expect.poll(total).toBe(7);
    const headers = await p.locator('[role=columnheader]').allTextContents();
    expect(headers).toEqual(['Pick', 'Problem or case', 'Ballot', 'Voter', 'Cure problems', 'Scanned or due']);
    const long = p.locator('.queue .item [role=gridcell]:has-text("MONTGOMERY")').first();
    const fit = await long.evaluate((el) => ({ w: el.scrollWidth - el.clientWidth, h: el.scrollHeight - el.clientHeight, text: el.textContent }));
    expect(fit).toEqual({ w: 0, h: 0, text: "ALEXANDRA CATHERINE MONTGOMERY-FITZWILLIAM" });
    expect(await p.locator('.queue').innerText()).toContain('Already received');
    await expectPlainWords(p);
    await look(p, 'review-01-queue');
  });

  it('moves with the arrow keys, opens with Enter and puts the cursor in the reason; an Alt key resolves', async () => {
    const before = resolutions();
    await arrowTo('R-0001');
    expect(await activeText()).toContain('Already received');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=review-detail] >> text=Set aside as duplicate');
    expect(await focused()).toBe('reason');
    // Without a reason the action is refused, in words, and nothing is recorded.
    await p.keyboard.press('Alt+D');
    await p.waitForSelector('[data-testid=review-problem] >> text=Type a reason first');
    expect(resolutions()).toBe(before);
    await typeReason('same envelope twice');
    await look(p, 'review-02-opened');
    await p.keyboard.press('Alt+D');
    await p.waitForSelector('[data-testid=review-note] >> text=1 envelope: Set aside as duplicate.');
    expect(resolutions()).toBe(before + 1);
    await expect.poll(total).toBe(6);
    expect(await p.inputValue('input[name=reason]')).toBe('');
  });

  it('a LATE envelope states North Carolina’s own rule', async () => {
    await arrowTo('R-0004');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=review-detail] >> text=no postmark grace');
    expect(await p.textContent('[data-testid=review-detail]')).toContain('Accept: postmarked in time');
    await expectPlainWords(p);
    await look(p, 'review-03-late');
  });

  it('moves a cure case with its key, and says the new state in words', async () => {
    await arrowTo('Cure: Flagged');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=review-detail] >> text=No voter signature');
    await typeReason('letter mailed');
    await p.keyboard.press('Alt+N');
    await p.waitForSelector('[data-testid=review-note] >> text=is now: Notice sent');
  });

  it('changing the filter clears the picks and the reason', async () => {
    await arrowTo('R-0002');
    await p.keyboard.press(' ');
    await p.waitForSelector('[data-testid=bulk] >> text=1 picked');
    await p.fill('input[name=reason]', 'half typed');
    await p.selectOption('select[name=verdict]', 'DUPLICATE');
    await expect.poll(total).toBe(2);
    expect(await p.locator('[data-testid=bulk]').count()).toBe(0);
    expect(await p.inputValue('input[name=reason]')).toBe('');
    expect(await p.locator('[data-testid=review-detail]').count()).toBe(0);
  });

  it('a bulk action offers only what fits every picked row, says how many, and asks once', async () => {
    const before = resolutions();
    await arrowTo('R-0002');
    await p.keyboard.press(' ');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press(' ');
    await p.waitForSelector('[data-testid=bulk] >> text=2 picked');
    expect(await p.locator('[data-testid=bulk] button').allTextContents()).toEqual(['Set aside as duplicate: all 2 Alt+D', 'Clear the picks']);
    await p.focus('input[name=reason]');
    await typeReason('scanned twice at the desk');
    await p.keyboard.press('Alt+D');
    await p.waitForSelector('[role=alertdialog] >> text=Set aside as duplicate: 2 envelopes?');
    await look(p, 'review-04-bulk-confirm');
    expect(resolutions()).toBe(before);
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=review-note] >> text=2 envelopes: Set aside as duplicate.');
    expect(resolutions()).toBe(before + 2);
    await expect.poll(total).toBe(0);
    await p.waitForSelector('text=Nothing waits for review with these filters.');
  });

  it('picks of different problems have no action in common, and Escape cancels a confirm', async () => {
    await p.selectOption('select[name=verdict]', '');
    await expect.poll(total).toBe(4);
    await arrowTo('R-0004');
    await p.keyboard.press(' ');
    await arrowTo('NOPE-77');
    await p.keyboard.press(' ');
    await p.waitForSelector('[data-testid=bulk] >> text=no action in common');
    await look(p, 'review-05-mixed-picks');
    await p.click('text=Clear the picks');
    await arrowTo('R-0004');
    await p.keyboard.press(' ');
    await arrowTo('R-0005');
    await p.keyboard.press(' ');
    await p.fill('input[name=reason]', 'postmark 11/02');
    await p.click('[data-testid=bulk] button:has-text("Reject as late")');
    await p.waitForSelector('[role=alertdialog]');
    await p.keyboard.press('Escape');
    expect(await p.locator('[role=alertdialog]').count()).toBe(0);
    expect(await p.locator('[data-testid=bulk]').textContent()).toContain('2 picked');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
