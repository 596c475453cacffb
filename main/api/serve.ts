import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from './router.js';
import { Session } from './router.js';

/**
 * The loopback transport: the same React UI in a real browser, talking to the same router.
 * Bound to 127.0.0.1 only; a random token per run (exchanged once for an HttpOnly,
 * SameSite=Strict cookie), and Host and Origin checked on every request, so neither another
 * user's process, a web page in the same browser, nor DNS rebinding can drive the station.
 */
export interface ServeOptions {
  port?: number;
  token?: string;
  rendererDir: string;
  maxUploadBytes?: number;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.map': 'application/json',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
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
  const cookieValue = crypto.createHash('sha256').update(token).digest('hex');
  const maxUpload = options.maxUploadBytes ?? 8 * 1024 ** 3;
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const hasCookie = (req: http.IncomingMessage) =>
    (req.headers.cookie ?? '').split(';').some((c) => {
      const [k, v] = c.trim().split('=');
      return k === cookieName && v !== undefined && timingSafeEqual(v, cookieValue);
    });

  const server = http.createServer((req, res) => {
    void (async () => {
      const security = {
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-store',
      };
      if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 421, 'wrong Host header', security);
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? ''}`);
      const given = url.searchParams.get('token');
      if (given !== null) {
        if (!timingSafeEqual(given, token)) return send(res, 403, 'wrong token', security);
        res.writeHead(303, { ...security, Location: '/', 'Set-Cookie': `${cookieName}=${cookieValue}; HttpOnly; SameSite=Strict; Path=/` });
        return res.end();
      }
      if (!hasCookie(req)) return send(res, 401, 'open the URL printed by `intake serve` (it carries the token)', security);
      if (req.method === 'POST' && url.pathname === '/upload') {
        if (!allowedOrigins().has(req.headers.origin ?? '')) return send(res, 403, 'wrong Origin', security);
        return upload(req, res, router, maxUpload, security);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', security);
      return staticFile(res, options.rendererDir, url.pathname, security);
    })().catch((e: unknown) => send(res, 500, `server error: ${(e as Error).message}`, {}));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const ok = allowedHosts().has(req.headers.host ?? '') && allowedOrigins().has(req.headers.origin ?? '') && hasCookie(req) && (req.url ?? '') === '/api';
    if (!ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws, router));
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

function connect(ws: WebSocket, router: Router): void {
  const session = new Session(crypto.randomUUID());
  const unsubscribe = router.station.subscribe((e) => {
    // Events carry voter names: only a signed-in window receives them.
    if (session.operator && ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
  });
  // binaryType is 'nodebuffer' (the default): each message arrives as one Buffer.
  ws.on('message', (data: Buffer) => {
    void (async () => {
      let msg: { id?: unknown; method?: unknown; input?: unknown };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ id: null, response: { ok: false, error: { code: 'invalid-input', message: 'a message must be JSON' } } }));
        return;
      }
      const response = await router.handle(session, msg.method, msg.input);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: typeof msg.id === 'number' ? msg.id : null, response }));
    })();
  });
  ws.on('close', unsubscribe);
}

async function upload(req: http.IncomingMessage, res: http.ServerResponse, router: Router, maxBytes: number, headers: Record<string, string>): Promise<void> {
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
    return send(res, 413, `upload failed: ${(e as Error).message}`, headers);
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ uploadId: id, bytes: size }));
}

function staticFile(res: http.ServerResponse, root: string, pathname: string, headers: Record<string, string>): void {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(root, rel);
  if (!file.startsWith(path.resolve(root) + path.sep)) return send(res, 404, 'not found', headers);
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, 'not found', headers);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size });
    fs.createReadStream(file).pipe(res);
  });
}

function send(res: http.ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
