import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from '../helpers/station.js';
import { browser, serve, type Served } from './fixture.js';

// The loopback transport is the one way into the station besides Electron's IPC: these tests
// attack the real `intake serve` the way a hostile page or program on the same machine could.

let t: ReturnType<typeof tempDir>;
let served: Served;
let port: number;
let token: string;
let cookie: string;
let b: Browser;

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function get(pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket with the given headers; resolves to the socket or to the refusal. */
function socket(headers: Record<string, string>): Promise<WebSocket | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ refused: -1 }));
  });
}
async function openSocket(): Promise<WebSocket> {
  const ws = await socket({ Origin: `http://127.0.0.1:${port}`, Cookie: cookie });
  if (!(ws instanceof WebSocket)) throw new Error(`the API socket was refused: ${ws.refused}`);
  return ws;
}
let nextId = 1;
function call(ws: WebSocket, method: unknown, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string; issues?: { path: string }[] } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse((data as Buffer).toString('utf8')) as { id: number | null; response?: never };
      if (msg.id !== id || !msg.response) return;
      ws.off('message', onMessage);
      resolve(msg.response);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, input }));
  });
}
function counts(): { scans: number; operators: number; audit: number } {
  const db = new Database(served.db, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return { scans: one('SELECT count(*) AS n FROM scans'), operators: one('SELECT count(*) AS n FROM operators'), audit: one('SELECT count(*) AS n FROM audit_log') };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  t = tempDir('intake-e2e-sec-');
  served = await serve(path.join(t.dir, 'intake.db'));
  const url = new URL(served.url);
  port = Number(url.port);
  token = url.searchParams.get('token') ?? '';
  const exchange = await get(`/?token=${token}`);
  const setCookie = exchange.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
  cookie = setCookie.split(';')[0] ?? '';
  b = await browser();
});

afterAll(async () => {
  await b.close();
  await served.stop();
  t.cleanup();
});

describe('intake serve over HTTP', () => {
  it('listens on loopback only', async () => {
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    expect(served.url.startsWith('http://127.0.0.1:')).toBe(true);
    if (!outside) return; // a machine with no other interface has nothing to reach from outside
    const reached = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: outside, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('exchanges the per-run token once for an HttpOnly, SameSite=Strict cookie; refuses a second exchange, a wrong or missing token', async () => {
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(cookie).toMatch(/^intake_session=[0-9a-f]{64}$/);
    const again = await get(`/?token=${token}`);
    expect(again.status).toBe(403);
    expect(again.body).toContain('this link has already been used');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await get(`/?token=${'0'.repeat(48)}`)).status).toBe(403);
    const none = await get('/');
    expect(none.status).toBe(401);
    expect(none.body).toContain('open the URL printed by `intake serve`');
    expect((await get('/', { Cookie: 'intake=forged' })).status).toBe(401);
    expect((await get('/', { Cookie: cookie })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the cookie', async () => {
    const r = await get('/', { Cookie: cookie, Host: `evil.example:${port}` });
    expect(r.status).toBe(421);
  });

  it('serves every page with a strict Content-Security-Policy and no framing', async () => {
    for (const r of [await get('/', { Cookie: cookie }), await get('/'), await get('/nope.js', { Cookie: cookie })]) {
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('opens the API socket only with the cookie, the station Origin and the station Host', async () => {
    const ok = `http://127.0.0.1:${port}`;
    expect(await socket({ Origin: 'http://evil.example', Cookie: cookie })).toEqual({ refused: 403 });
    expect(await socket({ Origin: `http://127.0.0.1:${port + 1}`, Cookie: cookie })).toEqual({ refused: 403 });
    expect(await socket({ Origin: ok })).toEqual({ refused: 403 });
    expect(await socket({ Origin: ok, Cookie: cookie, Host: `evil.example:${port}` })).toEqual({ refused: 403 });
    const ws = await openSocket();
    ws.close();
  });
});

describe('hostile calls on an open socket', () => {
  it('answers each with a specific error and records nothing', async () => {
    const ws = await openSocket();
    const first = await call(ws, 'session.createFirstSupervisor', { operator: 'Sue', pin: '4321' });
    expect(first.ok).toBe(true);
    await call(ws, 'session.signOut', {});
    const before = counts();

    expect((await call(ws, 'scan.submit', { raw: 'B-0001' })).error).toMatchObject({ code: 'unauthenticated', message: 'Sign in first.' });
    expect((await call(ws, 'session.createFirstSupervisor', { operator: 'Mallory', pin: '0000' })).error?.code).toBe('forbidden');
    expect((await call(ws, 'session.signIn', { operator: 'Sue', pin: '9999' })).error?.code).toBe('unauthenticated');
    expect((await call(ws, 'no.such.method', {})).error).toMatchObject({ code: 'not-found' });
    expect((await call(ws, { toString: 1 }, {})).error).toMatchObject({ code: 'not-found' });
    expect((await call(ws, '__proto__', {})).error).toMatchObject({ code: 'not-found' });

    expect((await call(ws, 'session.signIn', { operator: 'Sue', pin: '4321' })).ok).toBe(true);
    const bad = await call(ws, 'scan.submit', { raw: 'x'.repeat(5000) });
    expect(bad.error?.code).toBe('invalid-input');
    // Plain words for people; the field's path stays in the structured issues.
    expect(bad.error?.message).toBe('The scan text is too long (at most 4096 characters).');
    expect(bad.error?.issues?.[0]?.path).toBe('raw');
    expect((await call(ws, 'scan.submit', { raw: 'B-1', admin: true })).error?.code).toBe('invalid-input');
    expect((await call(ws, 'scan.submit', null)).error?.code).toBe('invalid-input');
    expect((await call(ws, 'settings.set', { key: 'constructor', value: 1 })).error?.code).toBe('invalid-input');
    expect((await call(ws, 'operators.create', { name: 'Carl', role: 'clerk', pin: '1357' })).ok).toBe(true);
    await call(ws, 'session.signOut', {});

    expect((await call(ws, 'session.signIn', { operator: 'Carl', pin: '1357' })).ok).toBe(true);
    const forbidden = await call(ws, 'operators.create', { name: 'Eve', role: 'supervisor', pin: '1111' });
    expect(forbidden.error).toMatchObject({ code: 'forbidden' });
    expect(forbidden.error?.message).toContain('Carl is a clerk');
    expect((await call(ws, 'settings.set', { key: 'election', value: 'X' })).error?.code).toBe('forbidden');

    const raw = await new Promise<string>((resolve) => {
      ws.once('message', (d) => resolve((d as Buffer).toString('utf8')));
      ws.send('{not json');
    });
    expect(JSON.parse(raw)).toMatchObject({ id: null, response: { ok: false, error: { code: 'invalid-input' } } });
    ws.close();

    const after = counts();
    expect(after.scans).toBe(before.scans);
    expect(after.operators).toBe(before.operators + 1); // Carl, made by the supervisor; nobody else
  });
});

/** A browser context holding the station's cookie (the token itself opens the station once only). */
async function stationContext() {
  const context = await b.newContext();
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name: name ?? '', value: value ?? '', domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);
  return context;
}

describe('in Chromium', () => {
  it('a page from another origin on this machine can neither open the API socket nor frame the station', async () => {
    // Sign in to the station in this browser first, so its cookie is there to be abused:
    // 127.0.0.1 on another port is the same site, so SameSite alone would not stop it.
    const context = await stationContext();
    const station = await context.newPage();
    await station.goto(served.origin);
    await station.waitForSelector('input[name=operator]');

    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>evil</title><iframe id=f src="http://127.0.0.1:${port}/"></iframe>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilPort = (evil.address() as net.AddressInfo).port;
    try {
      const attacker = await context.newPage();
      await attacker.goto(`http://127.0.0.1:${evilPort}/`);
      const outcome = await attacker.evaluate(
        (p) =>
          new Promise<string>((resolve) => {
            const ws = new window.WebSocket(`ws://127.0.0.1:${p}/api`);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        port,
      );
      expect(outcome).toBe('refused');
      const read = await attacker.evaluate(async (p) => {
        try {
          const r = await fetch(`http://127.0.0.1:${p}/`, { credentials: 'include' });
          return `read ${r.status}`;
        } catch {
          return 'blocked';
        }
      }, port);
      expect(read).toBe('blocked');
      await attacker.waitForTimeout(300);
      const frame = attacker.frames().find((f) => f !== attacker.mainFrame());
      expect(frame?.url() ?? '').not.toContain(`127.0.0.1:${port}/`);
    } finally {
      evil.close();
      await context.close();
    }
  });

  it('the served page runs no injected inline script', async () => {
    const context = await stationContext();
    const p = await context.newPage();
    const violations: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    await p.goto(served.origin);
    await p.waitForSelector('input[name=operator]');
    const ran = await p.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          (window as unknown as { injected?: boolean }).injected = false;
          const s = document.createElement('script');
          s.textContent = 'window.injected = true';
          document.body.append(s);
          setTimeout(() => resolve((window as unknown as { injected?: boolean }).injected === true), 100);
        }),
    );
    expect(ran).toBe(false);
    expect(violations.join('\n')).toMatch(/Content Security Policy/);
    await context.close();
  });
});
