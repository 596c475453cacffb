import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';

// Batch 1 was closed full with no hand count; batch 2 is open with 2 envelopes.
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-batches-', (store, intake) => {
    seed(store, Array.from({ length: 6 }, (_, i) => ({ ballotId: `BT-${i}`, voterId: `V${i}` })));
    for (const b of ['BT-0', 'BT-1', 'BT-2']) intake.scan({ raw: b, operator: 'Clara' });
    intake.closeBatch(null, null, 'Sue');
    for (const b of ['BT-3', 'BT-4']) intake.scan({ raw: b, operator: 'Clara' });
  });
  p = s.p;
  await signIn(p, s.served.url);
  await p.keyboard.press('F3');
  await p.waitForSelector('h1:has-text("Batches")');
});
afterAll(async () => s.stop());

function batch(n: number): { status: string; hand_count: number | null } {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, hand_count FROM batches WHERE number = ?').get(n) as { status: string; hand_count: number | null };
  } finally {
    db.close();
  }
}

describe('batches: a hand count per row, Enter submits, a mismatch is confirmed', () => {
  it('gives each row its own hand-count field; a matching count is recorded with Enter', async () => {
    await p.waitForSelector('input[name=handCount-2]'); // the list arrives after the heading
    expect(await p.locator('input[name=handCount-1]').count()).toBe(1);
    expect(await p.locator('input[name=handCount-2]').count()).toBe(1);
    await look(p, 'batches-01-list');
    await p.focus('input[name=handCount-1]');
    await p.keyboard.type('3', { delay: 50 });
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=batch-closed] >> text=Batch 1: hand count recorded: 3 counted by hand, 3 scanned, they match.');
    expect(batch(1)).toEqual({ status: 'CLOSED', hand_count: 3 });
    expect(await p.getAttribute('[data-testid=batch-closed]', 'class')).toBe('ok');
  });

  it('refuses an empty or non-numeric count in words, recording nothing', async () => {
    await p.fill('input[name=handCount-2]', 'two');
    await p.focus('input[name=handCount-2]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=batches-problem] >> text=count the envelopes in the tray by hand');
    expect(batch(2)).toEqual({ status: 'OPEN', hand_count: null });
  });

  it('a count that differs asks once: Escape records nothing, Enter records it as a warning, not green', async () => {
    await p.fill('input[name=handCount-2]', '3');
    await p.focus('input[name=handCount-2]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[role=alertdialog] >> text=The counts of batch 2 differ');
    expect(await p.textContent('[role=alertdialog]')).toContain('1 more counted by hand than scanned');
    await look(p, 'batches-02-mismatch-confirm');
    await p.keyboard.press('Escape');
    expect(await p.locator('[role=alertdialog]').count()).toBe(0);
    expect(batch(2)).toEqual({ status: 'OPEN', hand_count: null });
    await p.focus('input[name=handCount-2]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[role=alertdialog]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=batch-closed] >> text=Batch 2 closed with a difference');
    expect(batch(2)).toEqual({ status: 'CLOSED', hand_count: 3 });
    expect(await p.getAttribute('[data-testid=batch-closed]', 'class')).toBe('warn-note');
    expect(await p.textContent('tr[data-batch="2"]')).toContain('⚠ 1 more counted by hand than scanned');
    await expectPlainWords(p);
    await look(p, 'batches-03-closed-with-difference');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
