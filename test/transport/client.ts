/**
 * Clients of the loopback transport for the tests: the one-time token exchange, a well-behaved
 * API socket (the `ws` package, as the renderer would), and a raw TCP socket that writes
 * hand-made WebSocket frames, valid or not.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import type { ApiResponse } from '../../shared/api/define.js';
import type { ApiEvent } from '../../shared/api/events.js';

export interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(port: number, pathname: string, opts: { headers?: Record<string, string>; method?: string; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Exchanges the run's token for the cookie (this works once per run). */
export async function exchange(url: string): Promise<string> {
  const u = new URL(url);
  const r = await request(Number(u.port), `/?token=${u.searchParams.get('token') ?? ''}`);
  if (r.status !== 303) throw new Error(`token exchange answered ${r.status}: ${r.body}`);
  return (r.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
}

/** A well-behaved window: calls with ids, and every pushed event kept in order. */
export class Client {
  readonly events: ApiEvent[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResponse<unknown>) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as { id?: number | null; response?: ApiResponse<unknown>; event?: string };
      if (msg.response && typeof msg.id === 'number') {
        this.pending.get(msg.id)?.(msg.response);
        this.pending.delete(msg.id);
      } else if (msg.event) this.events.push(msg as ApiEvent);
    });
  }

  static open(port: number, cookie: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { Origin: `http://127.0.0.1:${port}`, Cookie: cookie } });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, input: unknown = {}): Promise<ApiResponse<unknown> & { value?: never; error?: { code: string; message: string } }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in 10 s`)), 10_000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r as never);
      });
      this.ws.send(JSON.stringify({ id, method, input }));
    });
  }

  /** The value of a call that must succeed. */
  async ok<T = Record<string, unknown>>(method: string, input: unknown = {}): Promise<T> {
    const r = await this.call(method, input);
    if (!r.ok) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.value as T;
  }

  named(event: string): ApiEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  async waitFor(event: string, count = 1, timeoutMs = 10_000): Promise<ApiEvent[]> {
    const until = Date.now() + timeoutMs;
    while (this.named(event).length < count) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${count} ${event} event(s); got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.named(event);
  }

  /** Resolves once the connection is closed (the server has let go of its session). */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Frame {
  fin?: boolean;
  /** The three reserved bits, 0–7. */
  rsv?: number;
  opcode: number;
  /** Clients must mask; false writes an unmasked frame. */
  masked?: boolean;
  payload: Buffer;
  /** Declare this length in the header instead of the payload's (a lie about the size). */
  declaredLength?: number;
}

/** One WebSocket frame, built by hand (RFC 6455 §5.2) so it can break any rule. */
export function frame(f: Frame): Buffer {
  const len = f.declaredLength ?? f.payload.length;
  const masked = f.masked ?? true;
  const head = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f)];
  const m = masked ? 0x80 : 0;
  let ext: Buffer;
  if (len < 126) ext = Buffer.from([m | len]);
  else if (len < 65536) {
    ext = Buffer.alloc(3);
    ext[0] = m | 126;
    ext.writeUInt16BE(len, 1);
  } else {
    ext = Buffer.alloc(9);
    ext[0] = m | 127;
    ext.writeBigUInt64BE(BigInt(len), 1);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), ext, f.payload]);
  const key = crypto.randomBytes(4);
  const body = Buffer.from(f.payload.map((b, i) => b ^ (key[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

export const text = (s: string | Buffer): Buffer => frame({ opcode: 1, payload: Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8') });

/** What came back on a raw socket: text messages and the close code, if the server closed it. */
export interface RawResult {
  messages: string[];
  closeCode: number | null;
  /** The server closed the connection. */
  ended: boolean;
  /** The upgrade was refused: the response head. */
  refused?: string;
}

/**
 * Opens the API socket by hand (the real HTTP upgrade), writes `bytes`, and collects what the
 * server answers until it closes the connection or `settleMs` pass.
 */
export async function rawExchange(port: number, cookie: string, bytes: Buffer[], settleMs = 300): Promise<RawResult> {
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const key = crypto.randomBytes(16).toString('base64');
  sock.write(
    `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let buf: Buffer = Buffer.alloc(0);
  let upgraded = false;
  let last = Date.now();
  const result: RawResult = { messages: [], closeCode: null, ended: false };
  sock.on('close', () => (result.ended = true));
  sock.on('data', (d: Buffer) => {
    last = Date.now();
    buf = Buffer.concat([buf, d]);
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        result.refused = head;
        sock.destroy();
        return;
      }
      upgraded = true;
      buf = buf.subarray(end + 4);
      for (const b of bytes) sock.write(b);
    }
    buf = readServerFrames(buf, result);
  });
  // Done when the server closes, or when it has said nothing more for settleMs.
  const hardStop = Date.now() + 10_000;
  while (!result.ended && Date.now() < hardStop && !(upgraded && Date.now() - last > settleMs)) await new Promise((r) => setTimeout(r, 10));
  if (!result.ended) sock.destroy();
  return result;
}

/** Server frames are unmasked and (here) short; unfinished bytes are returned for the next read. */
function readServerFrames(buf: Buffer, out: RawResult): Buffer {
  for (;;) {
    if (buf.length < 2) return buf;
    const opcode = (buf[0] ?? 0) & 0x0f;
    let len = (buf[1] ?? 0) & 0x7f;
    let off = 2;
    if (len === 126) {
      if (buf.length < 4) return buf;
      len = buf.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (buf.length < 10) return buf;
      len = Number(buf.readBigUInt64BE(2));
      off = 10;
    }
    if (buf.length < off + len) return buf;
    const payload = buf.subarray(off, off + len);
    if (opcode === 1) out.messages.push(payload.toString('utf8'));
    if (opcode === 8) out.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    buf = buf.subarray(off + len);
  }
}
