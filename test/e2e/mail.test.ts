import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMailFile } from '../../main/mail/import.js';
import { delimited, imb, write, type Scan } from '../mail/files.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';

// A mail room whose IV-MTR file was just imported: one ballot that came back to the office's
// facility three days ago and was never scanned in, one returned undeliverable (a new ballot was
// issued since), one never scanned by the USPS at all.
const MID = '123456';
const ago = (days: number, hh = '09:30:00') => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10) + ` ${hh}`;
let s: SupStation;
let p: Page;
beforeAll(async () => {
  s = await supStation('intake-e2e-mail-', async (store) => {
    seed(store, [
      { ballotId: 'ML-1', voterId: 'V1', lastName: 'RIVERA', firstName: 'LUZ', imbMailerId: MID, imbSerial: '000000001', issuedAt: '2026-10-01' },
      { ballotId: 'ML-2', voterId: 'V2', lastName: 'OKAFOR', firstName: 'EMEKA', imbMailerId: MID, imbSerial: '000000002', issuedAt: '2026-10-01' },
      { ballotId: 'ML-2R', voterId: 'V2', lastName: 'OKAFOR', firstName: 'EMEKA', imbMailerId: MID, imbSerial: '000000012', issuedAt: '2026-11-20' },
      { ballotId: 'ML-3', voterId: 'V3', lastName: 'NGUYEN', firstName: 'AN', imbMailerId: MID, imbSerial: '000000003', issuedAt: '2026-10-01' },
    ]);
    store.config.set('mailOfficeZips', ['27699'], 'setup', new Date().toISOString());
    const out1 = imb('700', MID, '000000001');
    const back1 = imb('777', MID, '000000001', '27699');
    const out2 = imb('700', MID, '000000002');
    const scans: Scan[] = [
      { imb: out1, at: ago(20, '08:10:00'), phase: 'Phase 1 - Origin Processing', zip: '27676' },
      { imb: out1, at: ago(18, '11:42:00'), phase: 'Phase 4c - Delivery', handling: 'L', zip: '27330' },
      { imb: back1, at: ago(6, '17:05:00'), phase: 'Phase 1 - Origin Processing', zip: '27330' },
      { imb: back1, at: ago(3, '04:20:00'), phase: 'Phase 3b - Destination SCF Processing', zip: '27699' },
      { imb: out2, at: ago(19, '08:10:00'), phase: 'Phase 1 - Origin Processing', zip: '27676' },
      { imb: out2, at: ago(12, '14:00:00'), phase: 'Undeliverable as Addressed - Return to Sender', zip: '27605' },
    ];
    const file = write(path.dirname(store.path), 'ivmtr-feed.txt', delimited(scans));
    await importMailFile(store, file, { format: 'ivmtr-delimited', operator: 'Sue' });
  });
  p = s.p;
  await signIn(p, s.served.url);
});
afterAll(async () => s.stop());

describe('USPS mail tracking on the screens', () => {
  it("shows a ballot's mail status and each USPS scan (when, what, where) in the voter lookup", async () => {
    await p.keyboard.press('F4');
    await p.fill('input[name=find-ballotId]', 'ML-1');
    await p.keyboard.press('Enter');
    const journey = p.locator('[data-ballot="ML-1"] [data-testid=mail-journey]');
    await journey.waitFor();
    expect(await journey.getAttribute('data-mail-status')).toBe('arrived');
    const text = await journey.innerText();
    expect(text).toMatch(/In the mail: arrived at the office's mail facility \(4 USPS scans, each at the facility’s local time\)/);
    expect(text).toMatch(/on its way to the voter: origin processing at RALEIGH NC P&DC, RALEIGH, NC 27676/);
    expect(text).toMatch(/on its way to the voter: delivery \(assumed, not a carrier scan\)/);
    expect(text).toMatch(/on its way back to the office: destination SCF processing at RALEIGH NC P&DC, RALEIGH, NC 27699/);
    expect(text).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2} [AP]M on its way/);
    await p.locator('[data-ballot="ML-1"] summary').click();
    expect(await p.locator('[data-ballot="ML-1"] ul.history').innerText()).toMatch(/USPS scan, on its way back: Phase 3b - Destination SCF Processing at RALEIGH NC P&DC, RALEIGH NC 27699/);
    await expectPlainWords(p);
    await look(p, 'mail-01-lookup');
  });

  it('gives a supervisor the three attention counts, each list, and its CSV', async () => {
    await p.keyboard.press('F5');
    const panel = p.locator('section.mail-attention');
    await panel.locator('[data-list=undeliverable] .big:text("1")').waitFor();
    const counts = await panel.locator('[aria-label="Mail attention counts"]').innerText();
    expect(counts).toMatch(/2\s*with no USPS scan yet/); // ML-3, and the reissue ML-2R (issued 12 days ago)
    expect(counts).toMatch(/1\s*returned undeliverable/i);
    expect(counts).toMatch(/1\s*at the office’s mail facility, not received/i);
    await panel.locator('[data-list=undeliverable] button:has-text("Show")').click();
    const list = panel.locator('[data-testid=mail-attention-list]');
    await list.locator('text=OKAFOR, EMEKA').waitFor();
    expect(await list.innerText()).toMatch(/ML-2\s.*\byes\b/s);
    await panel.locator('[data-list=not-received] button:has-text("Show")').click();
    await list.locator('text=RIVERA, LUZ').waitFor();
    await expectPlainWords(p);
    await look(p, 'mail-02-attention');
    const download = p.waitForEvent('download');
    await panel.locator('[data-list=no-scan] button:has-text("Export CSV")').click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^mail-no-scan-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await fs.readFile(await d.path(), 'utf8');
    expect(csv.split('\n')[1]).toMatch(/^ML-3,V3,NGUYEN,AN,/);
  });

  it('charts the ballots per mail phase per day, out and back', async () => {
    const stream = p.locator('section.mail-stream');
    await stream.scrollIntoViewIfNeeded();
    await stream.locator('[role=img][aria-label="Outbound ballots scanned per phase per day"] .recharts-bar-rectangle').first().waitFor();
    expect(await stream.locator('[role=img][aria-label="Returning ballots scanned per phase per day"] .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    expect(await stream.innerText()).toContain('Phase 4c');
    await look(p, 'mail-03-stream');
  });

  it('logged no console or page error', () => expect(s.errors).toEqual([]));
});
