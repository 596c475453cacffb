import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';

// Two closed batches: batch 1 counted by hand, batch 2 not. Every failure a supervisor can meet
// is made real: no address set, a refused connection (a port nobody listens on), a folder that
// does not exist; then files written to a real folder and the upload confirmed.
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-sync-', (store, intake) => {
    seed(store, Array.from({ length: 5 }, (_, i) => ({ ballotId: `SY-${i}`, voterId: `V${i}` })));
    for (const b of ['SY-0', 'SY-1', 'SY-2']) intake.scan({ raw: b, operator: 'Clara' });
    intake.closeBatch(null, 3, 'Sue');
    for (const b of ['SY-3', 'SY-4']) intake.scan({ raw: b, operator: 'Clara' });
    intake.closeBatch(null, null, 'Sue');
  });
  p = s.p;
  await signIn(p, s.served.url);
  await p.keyboard.press('F6');
  await p.waitForSelector('h1:has-text("Sync with the state")');
});
afterAll(async () => s.stop());

function outbox(): Record<number, string> {
  const db = new Database(s.served.db, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT b.number, o.status FROM sync_outbox o JOIN batches b USING (batch_id)').all() as { number: number; status: string }[];
    return Object.fromEntries(rows.map((r) => [r.number, r.status]));
  } finally {
    db.close();
  }
}
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}
/** Waits, then checks the message is still there: a table refresh must not wipe it. */
async function stays(testId: string, text: string): Promise<void> {
  await p.waitForSelector(`[data-testid=${testId}] >> text=${text}`);
  await p.waitForTimeout(1500);
  expect(await p.textContent(`[data-testid=${testId}]`)).toContain(text);
}

describe('sync: every failure said and kept, files are written not acknowledged, uncounted trays warned of', () => {
  it('warns before sending batches with no hand count; a missing address is said and stays', async () => {
    await p.fill('input[name=token]', 'secret-token');
    await p.focus('input[name=token]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[role=alertdialog] >> text=1 batch has no hand count');
    expect(await p.textContent('[role=alertdialog]')).toContain('batch 2');
    await look(p, 'sync-01-uncounted-warning');
    await p.keyboard.press('Enter');
    await stays('sync-send-problem', 'No state API address is set');
    expect(outbox()).toEqual({ 1: 'pending', 2: 'pending' });
  });

  it('a refused connection is said in words, with the next try in local time', async () => {
    const port = await freePort();
    const store = Store.open(s.served.db);
    store.config.set('syncUrl', `http://127.0.0.1:${port}/api`, 'test', new Date().toISOString());
    store.config.set('syncRetryBaseSeconds', 60, 'test', new Date().toISOString());
    store.close();
    await p.click('[data-testid=sync-send-problem] button:has-text("Dismiss")');
    expect(await p.locator('[data-testid=sync-send-problem]').count()).toBe(0);
    await p.click('button:has-text("Send closed batches now")');
    await p.waitForSelector('[role=alertdialog]');
    await p.keyboard.press('Enter');
    await stays('sync-send-problem', "refused the connection");
    expect(await p.textContent('[data-testid=sync-send-problem]')).toMatch(/Next try in \d+ (s|min) \(at \d{1,2}:\d{2}:\d{2} [AP]M\)\./);
    await p.waitForSelector('tr[data-batch="1"] >> text=Not sent yet: waiting to try again');
    expect(await p.textContent('tr[data-batch="1"]')).toMatch(/Next try in \d+ (s|min) \(at \d{1,2}:\d{2}:\d{2} [AP]M\)/);
    await expectPlainWords(p);
    await look(p, 'sync-02-refused');
  });

  it('a folder that is not there is said, and stays', async () => {
    await p.fill('input[name=syncDir]', path.join(s.dir, 'no-such-drive'));
    await p.focus('input[name=syncDir]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[role=alertdialog]');
    await p.keyboard.press('Enter');
    await stays('sync-folder-problem', 'There is no folder');
    expect(await p.textContent('[data-testid=sync-folder-problem]')).toContain('is the drive plugged in and mounted?');
  });

  it('writing files marks batches written, awaiting upload, with name and hash; only a confirmed upload counts as delivered', async () => {
    const drive = path.join(s.dir, 'usb');
    fs.mkdirSync(drive);
    await p.fill('input[name=syncDir]', drive);
    await p.click('button:has-text("Write files")');
    await p.waitForSelector('[role=alertdialog]');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=sync-written] >> text=2 files written');
    await p.waitForSelector('tr[data-batch="1"][data-status=written]');
    expect(outbox()).toEqual({ 1: 'sending', 2: 'sending' }); // not acknowledged: a file on a drive is not the state's receipt
    const row = await p.textContent('tr[data-batch="1"]');
    expect(row).toContain('Written, awaiting upload');
    const file = fs.readdirSync(drive).find((f) => f.includes('-0001-') && f.endsWith('.csv')) ?? '';
    expect(row).toContain(file);
    expect(row).toContain(createHash('sha256').update(fs.readFileSync(path.join(drive, file))).digest('hex'));
    await expectPlainWords(p);
    await look(p, 'sync-03-written');
    await p.click('tr[data-batch="1"] button:has-text("Mark uploaded")');
    await p.waitForSelector(`[role=alertdialog] >> text=${file}`);
    await p.keyboard.press('Enter');
    await p.waitForSelector('tr[data-batch="1"] >> text=Uploaded (confirmed by a supervisor)');
    expect(outbox()).toEqual({ 1: 'acknowledged', 2: 'sending' });
    await look(p, 'sync-04-uploaded');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
