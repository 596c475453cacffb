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

/** `extraArgs`: more Chromium switches, e.g. the fake camera fed from a file (camera.test.ts). */
export async function browser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
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

export interface BurstOptions {
  /** One pause before the key at this index (0-based), instead of the usual gap. */
  pauseAt?: number;
  pauseMs?: number;
  /** What the scanner sends after the code: Enter (default), Tab, or nothing. */
  terminator?: 'Enter' | 'Tab' | null;
}

/**
 * A scanner's burst, as the browser sees one: real key events through the DevTools protocol,
 * each stamped at its time and sent no earlier than that time (so a 60 ms-per-key scanner takes
 * 60 ms a key on the wall clock too). The wedge detector reads each event's timeStamp, as it
 * must: a loaded test machine may deliver events late, never with shorter gaps than stamped.
 */
export async function typeBurst(p: Page, text: string, gapMs = 3, opts: BurstOptions = {}): Promise<void> {
  const cdp = await p.context().newCDPSession(p);
  let at = Date.now() / 1000;
  const send = async (params: Record<string, unknown>) => {
    const wait = at * 1000 - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    await cdp.send('Input.dispatchKeyEvent', { ...params, timestamp: at } as never);
  };
  let i = 0;
  for (const ch of text) {
    at += (i === opts.pauseAt ? (opts.pauseMs ?? 45) : gapMs) / 1000;
    i += 1;
    await send({ type: 'keyDown', key: ch, text: ch, unmodifiedText: ch });
    await send({ type: 'keyUp', key: ch });
  }
  const end = opts.terminator === undefined ? 'Enter' : opts.terminator;
  if (end) {
    at += gapMs / 1000;
    const vk = end === 'Enter' ? 13 : 9;
    await send({ type: 'rawKeyDown', key: end, code: end, windowsVirtualKeyCode: vk });
    if (end === 'Enter') await send({ type: 'char', key: 'Enter', text: '\r' });
    await send({ type: 'keyUp', key: end, code: end, windowsVirtualKeyCode: vk });
  }
  await cdp.detach();
}

/** A scanner's burst with nothing focused. */
export async function wedgeScan(p: Page, code: string, gapMs = 3, opts: BurstOptions = {}): Promise<void> {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await typeBurst(p, code, gapMs, opts);
}

/** Screenshots of the same state at the two screen sizes clerks use. */
export async function shots(p: Page, name: string): Promise<void> {
  const before = p.viewportSize();
  for (const [w, h] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await p.setViewportSize({ width: w, height: h });
    await p.waitForTimeout(50);
    fs.mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  if (before) await p.setViewportSize(before);
}

/** First set-up on screen: the first supervisor's name and PIN, the PIN typed twice. */
export async function createFirstSupervisor(p: Page, name: string, pin: string, pinAgain = pin): Promise<void> {
  await p.waitForSelector('text=Create the first supervisor');
  await p.fill('input[name=operator]', name);
  await p.fill('input[name=pin]', pin);
  await p.fill('input[name=pinAgain]', pinAgain);
  await p.click('button[type=submit]');
}
