import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BIN, ROOT } from '../helpers/cli.js';

export const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

export interface Served {
  url: string;
  origin: string;
  db: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The real server: `intake serve` on a real database, as a child process. */
export async function serve(db: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`intake serve did not start: ${err}`)), 20_000);
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(d.toString());
    });
    child.once('exit', (c) => reject(new Error(`intake serve exited ${c}: ${err}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    origin: new URL(url).origin,
    db,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function browser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** A page that fails the test on any console error or page error. */
export async function page(context: BrowserContext, errors: string[]): Promise<Page> {
  const p = await context.newPage();
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  p.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return p;
}

export async function shot(p: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A scanner's burst, as the browser sees one: real key events through the DevTools protocol,
 * stamped 3 ms apart (a loaded test machine cannot deliver them that fast in real time, and the
 * wedge detector reads each event's timeStamp, as it must).
 */
export async function typeBurst(p: Page, text: string, gapMs = 3): Promise<void> {
  const cdp = await p.context().newCDPSession(p);
  let at = Date.now() / 1000;
  const send = (params: Record<string, unknown>) => cdp.send('Input.dispatchKeyEvent', { ...params, timestamp: at } as never);
  for (const ch of text) {
    at += gapMs / 1000;
    await send({ type: 'keyDown', key: ch, text: ch, unmodifiedText: ch });
    await send({ type: 'keyUp', key: ch });
  }
  at += gapMs / 1000;
  await send({ type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 });
  await send({ type: 'char', key: 'Enter', text: '\r' });
  await send({ type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 });
  await cdp.detach();
}

/** A scanner's burst with nothing focused. */
export async function wedgeScan(p: Page, code: string): Promise<void> {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await typeBurst(p, code);
}
