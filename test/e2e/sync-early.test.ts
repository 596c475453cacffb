import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seed, signIn, supStation, type SupStation } from './supervisor.js';

// The Sync screen asks for the batch list when it opens. On a loaded station the answer can come
// after the supervisor has already typed the token and pressed Enter: the send must wait for the
// list, so that the warning about trays with no hand count is never skipped. The list's answer is
// held back here, on the real socket, and every call the screen makes is watched.

let s: SupStation;
let p: Page;
const calls: string[] = [];
let holding = false;
const held: (() => void)[] = [];

beforeAll(async () => {
  s = await supStation('intake-e2e-sync-early-', (store, intake) => {
    seed(store, Array.from({ length: 4 }, (_, i) => ({ ballotId: `SE-${i}`, voterId: `V${i}` })));
    for (const b of ['SE-0', 'SE-1']) intake.scan({ raw: b, operator: 'Clara' });
    intake.closeBatch(null, 2, 'Sue');
    for (const b of ['SE-2', 'SE-3']) intake.scan({ raw: b, operator: 'Clara' });
    intake.closeBatch(null, null, 'Sue');
  });
  p = s.p;
  await p.routeWebSocket(/\/api$/, (ws) => {
    const server = ws.connectToServer();
    const statusCalls = new Set<number>();
    ws.onMessage((m) => {
      const call = JSON.parse(String(m)) as { id: number; method: string };
      calls.push(call.method);
      if (call.method === 'sync.status') statusCalls.add(call.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const reply = JSON.parse(String(m)) as { id?: number };
      if (holding && reply.id !== undefined && statusCalls.has(reply.id)) held.push(() => ws.send(m));
      else ws.send(m);
    });
  });
  await signIn(p, s.served.url);
}, 60_000);
afterAll(async () => s.stop());

it('a token typed and Enter pressed before the batch list arrives sends nothing until the list is in, then warns of the tray with no hand count', async () => {
  holding = true;
  await p.keyboard.press('F6');
  await p.waitForSelector('h1:has-text("Sync with the state")');
  await p.fill('input[name=token]', 'secret-token');
  await p.focus('input[name=token]');
  await p.keyboard.press('Enter');
  await p.waitForTimeout(800);
  // Nothing went to the state, and no decision was taken without the list.
  expect(calls).not.toContain('sync.run');
  expect(await p.locator('[role=alertdialog]').count()).toBe(0);
  holding = false;
  for (const release of held.splice(0)) release();
  await p.waitForSelector('[role=alertdialog] >> text=1 batch has no hand count');
  expect(await p.textContent('[role=alertdialog]')).toContain('batch 2');
  expect(calls).not.toContain('sync.run');
  await p.keyboard.press('Escape');
  await p.waitForTimeout(300);
  expect(calls).not.toContain('sync.run');
  expect(s.errors).toEqual([]);
});
