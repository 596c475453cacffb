import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Intake } from '../../main/intake/intake.js';
import { Store } from '../../main/store/store.js';
import type { RollRow } from '../../shared/roll/types.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { expectAccessible } from './axe.js';
import { browser, page, serve, SHOTS, type Served } from './fixture.js';

/**
 * A station for the supervisor's screens: a real database seeded through the real store (roll,
 * operators Sue the supervisor and Clara the clerk, scans), then `intake serve` on it and
 * Chromium at 1366×768, the smaller of the two screens the office uses.
 */
export interface SupStation {
  served: Served;
  b: Browser;
  p: Page;
  dir: string;
  errors: string[];
  stop(): Promise<void>;
}

export const STATION = 'MAILROOM-1';

export async function supStation(prefix: string, seed: (store: Store, intake: Intake) => void | Promise<void>, browserArgs: string[] = []): Promise<SupStation> {
  const t = tempDir(prefix);
  const db = path.join(t.dir, 'intake.db');
  const store = Store.open(db);
  try {
    const at = new Date().toISOString();
    for (const [k, v] of [['station', STATION], ['election', 'E2026'], ['electionName', '2026 General Election'], ['electionDate', '2026-11-03']] as const) store.config.set(k, v, 'setup', at);
    const auth = new Auth(store);
    const sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
    await auth.createOperator('Clara', 'clerk', '2468', sue);
    await seed(store, new Intake(store, STATION));
  } finally {
    store.close();
  }
  const served = await serve(db);
  const b = await browser(browserArgs);
  const context = await b.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 } });
  const errors: string[] = [];
  const p = await page(context, errors);
  return {
    served,
    b,
    p,
    dir: t.dir,
    errors,
    stop: async () => {
      await b.close();
      await served.stop();
      t.cleanup();
    },
  };
}

export function roll(rows: Partial<RollRow>[]): RollRow[] {
  return rows.map((r) => rollRow(r));
}

export function seed(store: Store, rows: Partial<RollRow>[]): void {
  seedRoll(store, roll(rows));
}

export async function signIn(p: Page, url: string, name = 'Sue', pin = '4321'): Promise<void> {
  await p.goto(url);
  await p.fill('input[name=operator]', name);
  await p.fill('input[name=pin]', pin);
  await p.click('button[type=submit]');
  await p.waitForSelector('header.topbar', { timeout: 15_000 });
}

export const go = (p: Page, screen: string) => p.click(`nav button:has-text("${screen}")`);

/** Screenshots at 1366×768 and 1920×1080, the whole page (long screens scroll), and axe on the state. */
export async function look(p: Page, name: string): Promise<void> {
  await expectAccessible(p, name); // the whole page: the top bar, the screen, its dialogs and toasts
  const before = p.viewportSize();
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await p.setViewportSize({ width: w, height: h });
    await p.waitForTimeout(80);
    await p.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`), fullPage: true });
  }
  if (before) await p.setViewportSize(before);
}

/** No ISO stamp, schema path or code word anywhere a person reads on this screen. */
export async function expectPlainWords(p: Page): Promise<void> {
  const text = await p.locator('main').innerText();
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  expect(text).not.toMatch(/invalid input for|ISO 8601|\bALREADY_VOTED\b|\bSET-ASIDE-DUPLICATE\b|set-aside-duplicate|NOTICE_SENT|\[object Object\]/);
}
