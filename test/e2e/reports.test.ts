import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../reports/pdf-text.js';
import { apiFor } from '../helpers/api.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';

// A day of work: two clerks, problems, a cure case, a closed tray nobody counted.
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-reports-', async (store, intake) => {
    seed(store, Array.from({ length: 8 }, (_, i) => ({ ballotId: `RP-${i}`, voterId: `V${i}` })));
    for (const [b, who] of [['RP-0', 'Clara'], ['RP-1', 'Clara'], ['RP-2', 'Bo'], ['RP-0', 'Bo'], ['NOPE', 'Clara'], ['RP-3', 'Clara']] as const) intake.scan({ raw: b, operator: who });
    const api = apiFor(store);
    const r = await api.call(api.as('Clara'), 'cure.flag', { ballotId: 'RP-3', codes: ['NO_VOTER_SIGNATURE'] });
    if (!r.ok) throw new Error(r.error.message);
    intake.closeBatch(null, null, 'Sue');
  });
  p = s.p;
  await signIn(p, s.served.url);
  await p.keyboard.press('F5');
  await p.waitForSelector('h1:has-text("Reports for")');
});
afterAll(async () => s.stop());

describe('the day report on screen and on paper', () => {
  it('shows the day in numbers, receipts per hour by clerk as a chart and a table, problems, cure cases, the uncounted tray', async () => {
    await p.waitForSelector('[aria-label="The day in numbers"] >> text=envelopes scanned');
    const totals = await p.textContent('[aria-label="The day in numbers"]');
    expect(totals).toMatch(/6\s*envelopes scanned/);
    expect(totals).toMatch(/4\s*received/);
    expect(totals).toMatch(/2\s*problems/);
    expect(totals).toMatch(/1\s*open cure cases/);
    expect(await p.locator('[role=img][aria-label="Received per hour, by clerk"] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await p.textContent('table[aria-label="Received per clerk"]')).toMatch(/Clara\s*3/);
    expect(await p.textContent('table[aria-label="Cure cases by state and deadline"]')).toContain('Flagged');
    expect(await p.textContent('table[aria-label="Trays not yet counted or synced"]')).toContain('not counted');
    await expectPlainWords(p);
    await look(p, 'reports-01-day');
  });

  it('moves to the day before with a typed date, and says a date it cannot read', async () => {
    await p.click('button:has-text("Day before")');
    await p.waitForFunction(() => /(^|\D)0\s*envelopes scanned/.test(document.querySelector('[aria-label="The day in numbers"]')?.textContent ?? ''));
    expect(await p.textContent('[aria-label="The day in numbers"]')).toMatch(/0\s*envelopes scanned/);
    await p.fill('input[name=reportDay]', 'someday');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=reports-problem] >> text=Type the date as month/day/year');
    await p.click('[data-testid=reports-problem] button:has-text("Dismiss")');
    const now = new Date();
    await p.fill('input[name=reportDay]', `${now.getMonth() + 1}/${now.getDate()}/${now.getFullYear()}`);
    await p.focus('input[name=reportDay]');
    await p.keyboard.press('Enter');
    // The day before's totals are on screen until the typed day's arrive: wait for the new ones, not just any.
    await p.waitForFunction(() => /6\s*envelopes scanned/.test(document.querySelector('[aria-label="The day in numbers"]')?.textContent ?? ''));
    expect(await p.textContent('[aria-label="The day in numbers"]')).toMatch(/6\s*envelopes scanned/);
  });

  it("prints the day's report as a PDF that says the same", async () => {
    const download = p.waitForEvent('download');
    await p.click('button:has-text("Print the day\'s report")');
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^day-report-MAILROOM-1-\d{4}-\d{2}-\d{2}\.pdf$/);
    const text = await pdfText(new Uint8Array(await (await import('node:fs/promises')).readFile(await d.path())));
    expect(text).toMatch(/Envelopes scanned: 6\s+Received: 4\s+Problems: 2\s+Open cure cases: 1/);
    expect(text).toContain('NOT COUNTED');
    await p.waitForSelector('[data-testid=report-printed] >> text=Saved day-report-');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
