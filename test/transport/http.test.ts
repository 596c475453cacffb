import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPath } from '../../main/api/serve.js';
import { serve, type Served } from '../e2e/fixture.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';
import { Client, request } from './client.js';

// The loopback HTTP side of `intake serve` (issue 14 item 10): malformed paths, the one-time
// token, and uploads only from a signed-in supervisor. The real CLI as a child process.

let t: ReturnType<typeof tempDir>;
let served: Served;
let port: number;
let token: string;

beforeAll(async () => {
  t = tempDir('intake-http-');
  served = await serve(path.join(t.dir, 'intake.db'));
  const u = new URL(served.url);
  port = Number(u.port);
  token = u.searchParams.get('token') ?? '';
});

afterAll(async () => {
  await served.stop();
  t.cleanup();
});

/** Writes raw bytes to the port and returns whatever comes back before the server closes. */
function rawHttp(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port }, () => s.end(bytes));
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
  });
}

describe('malformed HTTP', () => {
  it('answers garbage, a 100 kB header and a bad upgrade with a 4xx, and goes on serving', async () => {
    expect(await rawHttp('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX: ${'a'.repeat(100_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
    expect(await rawHttp(`GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)).toMatch(/^HTTP\/1\.1 403/);
    expect(await rawHttp(`GET /\u0000 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(served.child.exitCode).toBeNull();
    expect((await request(port, '/')).status).toBe(401);
  });
});

describe('the serve token', () => {
  let cookie = '';
  it('is exchanged for a cookie once; a second exchange is refused in plain words; a reload with the cookie is fine', async () => {
    const first = await request(port, `/?token=${token}`);
    expect(first.status).toBe(303);
    cookie = (first.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^intake_session=[0-9a-f]{64}$/);
    expect(cookie).not.toContain(token);

    const second = await request(port, `/?token=${token}`);
    expect(second.status).toBe(403);
    expect(second.body).toContain('this link has already been used');
    expect(second.headers['set-cookie']).toBeUndefined();

    const reload = await request(port, `/?token=${token}`, { headers: { Cookie: cookie } });
    expect(reload.status).toBe(303);
    expect((await request(port, '/', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await request(port, `/?token=${'0'.repeat(48)}`)).status).toBe(403);
  });

  describe('malformed paths', () => {
    for (const p of ['/%', '/%00', '/%zz', '/assets/%E0%A4%A', '/a%00b.js', '/%C0%AE%C0%AE/']) {
      it(`answers ${p} with 400 and no path of the install in the body`, async () => {
        const r = await request(port, p, { headers: { Cookie: cookie } });
        expect(r.status).toBe(400);
        expect(r.body).toBe('bad request path\n');
        expect(r.body).not.toContain(ROOT);
        expect(r.headers['content-security-policy']).toBeDefined();
      });
    }

    it('keeps traversal out of the renderer folder', async () => {
      for (const p of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/..%5c..%5cpackage.json']) {
        const r = await request(port, p, { headers: { Cookie: cookie } });
        expect(r.status, p).toBe(404);
        expect(r.body).not.toContain('ballot-intake-station');
      }
    });

    it('decides each path as a pure function', () => {
      expect(requestPath('/')).toBe('index.html');
      expect(requestPath('/assets/a%20b.js')).toBe('assets/a b.js');
      expect(requestPath('/%')).toBeNull();
      expect(requestPath('/%00')).toBeNull();
    });
  });

  describe('uploads', () => {
    const upload = (body: string) => request(port, '/upload', { method: 'POST', body, headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/octet-stream' } });
    const uploads = () => (fs.existsSync(path.join(t.dir, 'uploads')) ? fs.readdirSync(path.join(t.dir, 'uploads')) : []);

    it('refuses a file with no operator signed in, and with only a clerk signed in; takes it from a supervisor', async () => {
      const r = await upload('ballot_id,voter_id\n');
      expect(r.status).toBe(403);
      expect(r.body).toContain('sign in as a supervisor');
      expect(uploads()).toEqual([]);

      const win = await Client.open(port, cookie);
      await win.ok('session.createFirstSupervisor', { operator: 'Sue', pin: '4321' });
      await win.ok('operators.create', { name: 'Carl', role: 'clerk', pin: '1357' });
      await win.ok('session.signOut');
      await win.ok('session.signIn', { operator: 'Carl', pin: '1357' });
      expect((await upload('x')).status).toBe(403);
      await win.ok('session.lock');
      expect((await upload('x')).status).toBe(403);
      await win.ok('session.signOut');
      await win.ok('session.signIn', { operator: 'Sue', pin: '4321' });
      await win.ok('session.lock'); // a locked supervisor uploads nothing either
      expect((await upload('x')).status).toBe(403);
      await win.ok('session.unlock', { pin: '4321' });
      const ok = await upload('ballot_id,voter_id\n');
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ bytes: 19 });
      expect(uploads()).toHaveLength(1);
      await win.close();
      // The window closed: its supervisor no longer opens the door.
      expect((await upload('x')).status).toBe(403);
    });

    it('answers a refused 10 GB upload at once and closes the connection instead of reading it', async () => {
      const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/upload', method: 'POST', headers: { Host: `127.0.0.1:${port}`, Cookie: cookie, Origin: `http://127.0.0.1:${port}`, 'Content-Length': String(10 * 1024 ** 3) } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
        });
        req.on('error', reject);
        req.write(Buffer.alloc(64 * 1024));
      });
      expect(answer).toEqual({ status: 403, connection: 'close' });
      expect(uploads()).toHaveLength(1); // only the supervisor's file from the test before
    });

    it('refuses an upload from another Origin even with the cookie', async () => {
      const r = await request(port, '/upload', { method: 'POST', body: 'x', headers: { Cookie: cookie, Origin: 'http://evil.example' } });
      expect(r.status).toBe(403);
    });
  });
});
