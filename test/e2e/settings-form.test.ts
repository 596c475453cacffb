import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPlainWords, look, supStation, type SupStation } from './supervisor.js';
import { signIn } from './supervisor.js';

// Settings as a supervisor fills them in: dates typed as people type them, one Save per section
// with the result beside it, lists edited, a label rule built and tried live, operators managed.
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-settings-form-', () => undefined);
  p = s.p;
  await signIn(p, s.served.url);
  await p.keyboard.press('F7');
  await p.waitForSelector('h1:has-text("Settings")');
  await p.waitForSelector('input[name=setting-station]:not([disabled])');
});
afterAll(async () => s.stop());

function stored(key: string): unknown {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM config WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  } finally {
    db.close();
  }
}
function operator(name: string): { active: number } | undefined {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT active FROM operators WHERE name = ?').get(name) as { active: number } | undefined;
  } finally {
    db.close();
  }
}
const station = () => p.locator('form[aria-labelledby=station-and-election]');

describe('settings as a form', () => {
  it('shows the stored election day as typed in the US, and a select for the state rules', async () => {
    expect(await p.inputValue('input[name=setting-electionDate]')).toBe('11/03/2026');
    expect(await p.locator('select[name=setting-stateProfile] option').allTextContents()).toContain('North Carolina');
    await look(p, 'settings-01-form');
  });

  it('refuses a date that does not exist beside its field, in words, and saves nothing', async () => {
    await p.fill('input[name=setting-electionDate]', '02/30/2026');
    await station().locator('button[type=submit]').click();
    await p.waitForSelector('[data-testid=problem-station-and-election] >> text=that date does not exist');
    expect(await station().textContent()).not.toMatch(/ISO|8601|YYYY|invalid input for/);
    expect(stored('electionDate')).toBe('2026-11-03');
    await look(p, 'settings-02-bad-date');
  });

  it('takes dates and times as people type them, and the state profile; one Save, the result beside it', async () => {
    await p.click('[data-testid=problem-station-and-election] button:has-text("Dismiss")');
    await p.fill('input[name=setting-electionDate]', 'Nov 3, 2026');
    await p.fill('input[name=setting-receiptDeadline]', '11/03/2026 7:30 pm');
    await p.selectOption('select[name=setting-stateProfile]', 'NC');
    await p.fill('input[name=setting-jurisdiction]', 'WAKE');
    await station().locator('button[type=submit]').click();
    await p.waitForSelector('[data-testid=saved-station-and-election] >> text=Saved: Election day, State rules, Receipt deadline, County.');
    expect(stored('electionDate')).toBe('2026-11-03');
    expect(stored('stateProfile')).toBe('NC');
    expect(stored('receiptDeadline')).toMatch(/^2026-11-03T19:30:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(String(stored('receiptDeadline')))).toBe(new Date(2026, 10, 3, 19, 30).getTime());
    await p.waitForSelector('[data-testid=receipt-rule] >> text=no postmark grace');
    expect(await p.inputValue('input[name=setting-receiptDeadline]')).toBe('11/03/2026 7:30 PM');
    await expectPlainWords(p);
  });

  it('clears an optional setting', async () => {
    await p.click('button[aria-label="Clear County"]');
    await station().locator('button[type=submit]').click();
    await p.waitForSelector('[data-testid=saved-station-and-election] >> text=Saved: County.');
    expect(stored('jurisdiction')).toBeUndefined();
  });

  it('says a refused value with the field’s own name, not the schema’s', async () => {
    await p.fill('input[name=setting-syncUrl]', 'not an address');
    await p.click('button:has-text("Save sync and backup")');
    await p.waitForSelector('[data-testid=problem-sync-and-backup] >> text=State API address');
    expect(await p.textContent('[data-testid=problem-sync-and-backup]')).toContain('not a web address (it should look like https://');
    expect(await p.textContent('[data-testid=problem-sync-and-backup]')).not.toMatch(/syncUrl|invalid input for/);
    expect(stored('syncUrl')).toBeUndefined();
  });

  it('edits the mailer IDs as a list and builds a label rule checked live against a sample', async () => {
    await p.fill('input[name=newMailerId]', '12345');
    await p.focus('input[name=newMailerId]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=problem-labels] >> text=A mailer ID is 6 digits');
    await p.fill('input[name=newMailerId]', '123456');
    await p.keyboard.press('Enter');
    await p.fill('input[name=newMailerId]', '987654321');
    await p.keyboard.press('Enter');
    await p.click('button[aria-label="Remove mailer ID 123456"]');
    await p.check('input[name=ownLabel]');
    await p.fill('input[name=labelPrefix]', 'NC');
    await p.fill('input[name=labelLength]', '6');
    await p.selectOption('select[name=labelCharset]', 'alnum');
    await p.fill('input[name=labelSample]', 'NC123456');
    await p.waitForSelector('[data-testid=label-check] >> text=Reads as ballot ID NC123456.');
    await p.fill('input[name=labelSample]', 'XX123456');
    await p.waitForSelector('[data-testid=label-check] >> text=Not a valid label');
    await look(p, 'settings-03-labels');
    await p.click('button:has-text("Save envelope barcodes")');
    await p.waitForSelector('[data-testid=saved-labels] >> text=Saved: Mailer IDs, Label rule.');
    expect(stored('imbMailerIds')).toEqual(['987654321']);
    expect(stored('labelRule')).toEqual({ charset: 'alnum', checkDigit: 'none', carries: 'ballot', prefix: 'NC', length: 6 });
  });

  it('asks for a new PIN twice, resets a PIN, and disables an operator after asking', async () => {
    await p.fill('input[name=newOperator]', 'Dana');
    await p.fill('input[name=newPin]', '1357');
    await p.fill('input[name=newPinAgain]', '1358');
    await p.click('button:has-text("Add operator")');
    await p.waitForSelector('[data-testid=problem-operators] >> text=The two PINs differ');
    expect(operator('Dana')).toBeUndefined();
    await p.fill('input[name=newPinAgain]', '1357');
    await p.click('button:has-text("Add operator")');
    await p.waitForSelector('[data-testid=operators-note] >> text=Dana added as clerk.');
    await p.click('tr[data-operator=Clara] button:has-text("Reset PIN")');
    await p.fill('input[name=resetPin]', '8642');
    await p.fill('input[name=resetPinAgain]', '8642');
    await p.click('button:has-text("Set the new PIN")');
    await p.waitForSelector('[data-testid=operators-note] >> text=Clara’s PIN is changed');
    await p.click('tr[data-operator=Dana] button:has-text("Disable")');
    await p.waitForSelector('[role=alertdialog] >> text=Disable Dana?');
    await look(p, 'settings-04-disable-confirm');
    await p.keyboard.press('Enter');
    await p.waitForSelector('tr[data-operator=Dana] >> text=disabled');
    expect(operator('Dana')).toEqual({ active: 0 });
    expect(await p.locator('tr[data-operator=Sue] button:has-text("Disable")').count()).toBe(0);
  });

  it('lists plugged-in scanners as a table', async () => {
    await p.click('button:has-text("Find plugged-in scanners")');
    await p.waitForSelector('table[aria-label="Plugged-in scanners"]');
    const headers = await p.locator('table[aria-label="Plugged-in scanners"] th').allTextContents();
    expect(headers.slice(0, 3)).toEqual(['Device', 'Kind', 'Where']);
    await look(p, 'settings-05-scanners');
  });

  it('shows the station log in words and local times: the start of intake serve, newest first', async () => {
    const log = p.locator('[data-testid=station-log]');
    await log.scrollIntoViewIfNeeded();
    await p.waitForSelector('[data-testid=station-log] >> text=the station started');
    const text = await log.innerText();
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|station\.started|"event"/);
    await expectPlainWords(p);
    await look(p, 'settings-06-station-log');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
