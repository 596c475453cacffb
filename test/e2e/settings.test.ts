import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/station.js';
import { browser, createFirstSupervisor, page, serve, type Served } from './fixture.js';

// The Settings screen asks the station for its settings when it opens. On a loaded machine the
// answer can come after the supervisor has started typing: it must neither write over what was
// typed nor let a Save go out with the field emptied under the supervisor's hands. The answer is
// held back here, on the real socket, until the test lets it through.

let t: ReturnType<typeof tempDir>;
let served: Served;
let b: Browser;
let p: Page;
const errors: string[] = [];
let release: () => void = () => undefined;
let holding = false;

beforeAll(async () => {
  t = tempDir('intake-e2e-settings-');
  served = await serve(path.join(t.dir, 'intake.db'));
  b = await browser();
  const context = await b.newContext({ viewport: { width: 1400, height: 1000 } });
  p = await page(context, errors);
  await p.routeWebSocket(/\/api$/, (ws) => {
    const server = ws.connectToServer();
    const settingsCalls = new Set<number>();
    ws.onMessage((m) => {
      const call = JSON.parse(String(m)) as { id: number; method: string };
      if (call.method === 'settings.get') settingsCalls.add(call.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const reply = JSON.parse(String(m)) as { id?: number };
      if (holding && reply.id !== undefined && settingsCalls.has(reply.id)) {
        release = () => ws.send(m);
        return;
      }
      ws.send(m);
    });
  });
});

afterAll(async () => {
  await b.close();
  await served.stop();
  t.cleanup();
});

function stored(key: string): unknown {
  const db = new Database(served.db, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM config WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  } finally {
    db.close();
  }
}

it('keeps what the supervisor typed when the settings arrive late, saves exactly that, and shows it while the reload after the save is held back', async () => {
  await p.goto(served.url);
  await createFirstSupervisor(p, 'Sue', '4321');
  await p.waitForSelector('header.topbar', { timeout: 10_000 });

  holding = true;
  await p.click('nav button:has-text("Settings")');
  const field = p.locator('input[name=setting-station]');
  // The field waits for the settings rather than taking keys that the answer would wipe.
  const typing = field.fill('MAILROOM-9');
  await new Promise((r) => setTimeout(r, 500));
  holding = false;
  release();
  await typing;
  await expect.poll(() => field.inputValue()).toBe('MAILROOM-9');
  // The settings reload after the save is held back: the saved name stays on screen meanwhile
  // (it used to fall back to the old, empty value until the answer came).
  holding = true;
  await p.click('button:has-text("Save station and election")');
  await p.waitForSelector('text=Saved: Station name.');
  expect(await field.inputValue()).toBe('MAILROOM-9');
  await new Promise((r) => setTimeout(r, 300));
  expect(await field.inputValue()).toBe('MAILROOM-9');
  holding = false;
  release();
  await new Promise((r) => setTimeout(r, 300));
  expect(await field.inputValue()).toBe('MAILROOM-9');
  expect(stored('station')).toBe('MAILROOM-9');

  // A reload of the screen (adding an operator reloads it) keeps a typed, unsaved field.
  await p.fill('input[name=setting-election]', 'E2099');
  await p.fill('input[name=newOperator]', 'Clara');
  await p.fill('input[name=newPin]', '2468');
  await p.fill('input[name=newPinAgain]', '2468');
  await p.click('text=Add operator');
  await p.waitForSelector('text=Clara added as clerk');
  await expect.poll(() => p.locator('table >> text=Clara').count()).toBeGreaterThan(0);
  expect(await p.locator('input[name=setting-election]').inputValue()).toBe('E2099');
  expect(stored('election')).not.toBe('E2099');
  expect(errors).toEqual([]);
});
