import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wedgeScan } from './fixture.js';
import { seed, signIn, supStation, type SupStation } from './supervisor.js';

// A roll name carrying a right-to-left override (U+202E) must not turn the words after it around
// on screen (issue 14, item 9): every element that shows a name or scanned text isolates it.
// The station still records the scan as it was read.

const RLO = '\u202E';
const LAST = `${RLO}EVIL`;
let s: SupStation;
let p: Page;

beforeAll(async () => {
  s = await supStation('intake-e2e-bidi-', (store) => {
    seed(store, [{ ballotId: 'BD-0001', voterId: 'VBD1', lastName: LAST, firstName: 'ANA', precinct: '12' }]);
  });
  p = s.p;
  await signIn(p, s.served.url);
});
afterAll(async () => s.stop());

function scans(): { raw: string; verdict: string }[] {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT raw, verdict FROM scans ORDER BY seq').all() as { raw: string; verdict: string }[];
  } finally {
    db.close();
  }
}

const bidi = (l: Locator) => l.evaluate((e) => getComputedStyle(e).unicodeBidi);

/** The name is isolated, and the words after it are drawn to its right, in reading order. */
async function expectIsolated(name: Locator, after: Locator): Promise<void> {
  expect(await bidi(name)).toBe('isolate');
  const n = await name.boundingBox();
  const a = await after.boundingBox();
  expect(n && a).toBeTruthy();
  if (n && a && Math.abs(a.y - n.y) < n.height) expect(a.x).toBeGreaterThanOrEqual(n.x + n.width - 1);
}

describe('names with a right-to-left override', () => {
  it('records the scan and shows the name isolated in the verdict panel and the last scans', async () => {
    await wedgeScan(p, 'BD-0001', 5);
    await p.waitForSelector('section[aria-label="Last verdict"][data-verdict=ACCEPTED]');
    expect(scans()).toEqual([{ raw: 'BD-0001', verdict: 'ACCEPTED' }]);
    const panelName = p.locator('section[aria-label="Last verdict"] .name');
    expect(await panelName.textContent()).toBe(`ANA ${LAST} · precinct 12`);
    await expectIsolated(panelName.locator('[data-testid=verdict-name]'), panelName.locator('span').last());
    const row = p.locator('table[aria-label="Last scans"] tbody tr').first();
    expect((await row.locator('td').allTextContents()).slice(2, 4)).toEqual(['BD-0001', `ANA ${LAST}`]);
    expect(await bidi(row.locator('td').nth(3).locator('bdi'))).toBe('isolate');
  });

  it('isolates the name in the toast on another screen, the review queue and its detail', async () => {
    await p.keyboard.press('F2');
    await p.waitForSelector('[data-testid=queue-total]');
    await wedgeScan(p, 'BD-0001', 5); // the same envelope again: a duplicate, recorded from Review
    const toast = p.locator('.toast[data-verdict=DUPLICATE]');
    await toast.waitFor();
    expect(scans().map((x) => x.verdict)).toEqual(['ACCEPTED', 'DUPLICATE']);
    expect(await toast.locator('strong').textContent()).toMatch(/^ALREADY RECEIVED/i);
    await expectIsolated(toast.locator('[data-testid=toast-name]'), toast.locator('.toast-detail'));
    await p.keyboard.press('F3'); // the queue as a supervisor opens it after the scan
    await p.keyboard.press('F2');
    const cell = p.locator('[role=gridcell] bdi', { hasText: 'EVIL' }).first();
    await cell.waitFor();
    expect(await bidi(cell)).toBe('isolate');
    await cell.click();
    await p.keyboard.press('Enter');
    const detail = p.locator('[data-testid=review-detail] .detail-name bdi');
    await detail.waitFor();
    expect(await detail.textContent()).toBe(`${LAST}, ANA`);
    expect(await bidi(detail)).toBe('isolate');
  });

  it('isolates the name in the voter lookup', async () => {
    await p.keyboard.press('F4');
    await p.fill('input[name=find-ballotId]', 'BD-0001');
    await p.keyboard.press('Enter');
    const h = p.locator('section[data-voter=VBD1] h3 bdi');
    await h.waitFor();
    expect(await h.textContent()).toBe(`${LAST}, ANA`);
    expect(await bidi(h)).toBe('isolate');
    expect(s.errors).toEqual([]);
  });
});
