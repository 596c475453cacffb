import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer } from 'ws';
import type { Router, Session } from './router.js';
import { connectSocket, MAX_MESSAGE_BYTES, MAX_SOCKETS } from './ws-transport.js';
import { contentTypeOf } from '../../shared/content-types.js';

/**
 * The loopback transport: the same React UI in a real browser, talking to the same router.
 * Bound to 127.0.0.1 only; a random token per run, exchanged ONCE for an HttpOnly,
 * SameSite=Strict cookie (a second exchange is refused, so a copied link or a leaked URL opens
 * nothing), and Host and Origin checked on every request, so neither another user's process, a
 * web page in the same browser, nor DNS rebinding can drive the station (docs/security.md).
 */
export interface ServeOptions {
  port?: number;
  token?: string;
  rendererDir: string;
  maxUploadBytes?: number;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function serve(router: Router, options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? crypto.randomBytes(24).toString('hex');
  const cookieName = 'intake_session';
  // Random, not derived from the token: knowing a used link gives nothing.
  const cookieValue = crypto.randomBytes(32).toString('hex');
  let exchanged = false;
  const maxUpload = options.maxUploadBytes ?? 8 * 1024 ** 3;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const hasCookie = (req: http.IncomingMessage) =>
    (req.headers.cookie ?? '').split(';').some((c) => {
      const [k, v] = c.trim().split('=');
      return k === cookieName && v !== undefined && timingSafeEqual(v, cookieValue);
    });

  const sockets = new Set<Session>();
  const server = http.createServer((req, res) => {
    void (async () => {
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, 'wrong Host header');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const given = url.searchParams.get('token');
      if (given !== null) {
        if (!timingSafeEqual(given, token)) return send(res, 403, 'wrong token');
        // A window that already holds the cookie (a reload of the link) needs no second exchange.
        if (!hasCookie(req)) {
          if (exchanged) return send(res, 403, 'this link has already been used to open the station: go back to the window it opened, or restart `intake serve` for a new link');
          exchanged = true;
        }
        res.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': `${cookieName}=${cookieValue}; HttpOnly; SameSite=Strict; Path=/` });
        return res.end();
      }
      if (!hasCookie(req)) return send(res, 401, 'open the URL printed by `intake serve` (it carries the token)');
      if (req.method === 'POST' && url.pathname === '/upload') {
        // A refused upload's body is not read: close the connection rather than drain gigabytes.
        const refuse = (message: string) => {
          res.shouldKeepAlive = false;
          send(res, 403, message);
        };
        if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse('wrong Origin');
        // Only a signed-in, unlocked supervisor imports a roll: no file lands on the station's disk otherwise.
        if (![...sockets].some((s) => s.operator?.role === 'supervisor')) return refuse('sign in as a supervisor to upload a roll file');
        return upload(req, res, router, maxUpload);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      return staticFile(res, options.rendererDir, url.pathname);
      // Never the error's own text: it may carry the install path.
    })().catch(() => send(res, 500, 'server error'));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => undefined); // a client that resets mid-handshake must not end the server
    const ok = allowedHosts().has(req.headers.host ?? '') && allowedOrigins().has(req.headers.origin ?? '') && hasCookie(req) && (req.url ?? '') === '/api';
    if (!ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    // A station has a few windows; a program opening thousands of sockets gets no more.
    if (wss.clients.size >= MAX_SOCKETS) {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = connectSocket(ws, router);
      sockets.add(session);
      ws.once('close', () => sockets.delete(session));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function upload(req: http.IncomingMessage, res: http.ServerResponse, router: Router, maxBytes: number): Promise<void> {
  const id = crypto.randomUUID();
  const dir = router.station.ensureUploadsDir();
  const target = path.join(dir, id);
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) req.destroy(new Error(`upload larger than ${maxBytes} bytes`));
  });
  try {
    await pipeline(req, fs.createWriteStream(target, { mode: 0o600 }));
  } catch (e) {
    fs.rmSync(target, { force: true });
    if (size > maxBytes) return send(res, 413, `upload larger than ${maxBytes} bytes`);
    // The error's own text names the uploads folder: say what happened in plain words instead.
    return send(res, 500, (e as NodeJS.ErrnoException).code === 'ENOSPC' ? 'upload failed: the station\'s disk is full' : 'upload failed: the file could not be written, or the connection was cut');
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ uploadId: id, bytes: size }));
}

function staticFile(res: http.ServerResponse, root: string, pathname: string): void {
  const rel = requestPath(pathname);
  if (rel === null) return send(res, 400, 'bad request path');
  const file = path.resolve(root, rel);
  if (!file.startsWith(path.resolve(root) + path.sep)) return send(res, 404, 'not found');
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, 'not found');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(path.extname(file)), 'Content-Length': st.size });
    fs.createReadStream(file).pipe(res);
  });
}

/** A URL path as a relative file name; null for malformed percent-encoding or a NUL (a 400, not a 500). */
export function requestPath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  return decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
}

function send(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
