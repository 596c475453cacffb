import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback IV-MTR for the tests: a real HTTP server on 127.0.0.1 that speaks the shapes of the
 * "Informed Visibility IV-MTR API Developer Toolkit" v2.5 (token at /oauth/authenticate and
 * /oauth/token; pieces at /ivws_api/informedvisapi/api/mt/get/piece/…; see main/mail/fetch-http.ts),
 * and misbehaves on request: an access token that expires mid-run, 429 with Retry-After, 5xx, and
 * answers that are not answers (HTML, cut-short JSON, wrong types, a 2 GB Content-Length).
 */

export interface ServerScan {
  scan_date_time: string;
  scan_event_code?: string | null;
  handling_event_type?: string | null;
  mail_phase?: string | null;
  machine_name?: string | null;
  scan_facility_name?: string | null;
  scan_facility_city?: string | null;
  scan_facility_state?: string | null;
  scan_facility_zip?: string | null;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** The token the client holds stops working (the server forgets it): one 401, then a refresh must follow. */
  | { kind: 'expire-token'; refreshToo?: boolean }
  | { kind: 'html' }
  | { kind: 'truncated-json' }
  | { kind: 'wrong-types' }
  | { kind: 'huge-length' }
  /** Sends half the declared bytes, then drops the connection. */
  | { kind: 'cut-connection' };

export interface Logged {
  method: string;
  path: string;
  auth: string | null;
  body: string;
  at: number;
}

export interface IvmtrServer {
  url: string;
  authUrl: string;
  apiUrl: string;
  /** Every request, in order (bodies too: the tests check where the password went). */
  log: Logged[];
  /** A piece and its scans; `imb` is the 20- to 31-digit IMb, MID and serial are read from it. */
  addPiece(imb: string, scans: ServerScan[]): void;
  /** What the MID + serial look-up answers, whatever pieces there are (a server that lies). */
  setBarcodes(mid: string, serial: string, imbs: string[]): void;
  /** The fault for the n-th piece request from now (1: the next one). */
  failAt(n: number, fault: Fault): void;
  username: string;
  password: string;
  close(): Promise<void>;
}

const API = '/ivws_api/informedvisapi/api/mt/get/piece/';

export async function startIvmtrServer(opts: { username?: string; password?: string; expiresIn?: number } = {}): Promise<IvmtrServer> {
  const username = opts.username ?? 'county-bcg';
  const password = opts.password ?? 's3cret-bcg-password';
  const tokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const byMidSerial = new Map<string, string[]>();
  const scans = new Map<string, ServerScan[]>();
  const faults = new Map<number, Fault>();
  const log: Logged[] = [];
  let issued = 0;
  let pieceRequests = 0;

  const issue = (): Record<string, unknown> => {
    issued += 1;
    const access = `access-${issued}`;
    const ref = `refresh-${issued}`;
    tokens.add(access);
    refreshTokens.add(ref);
    return { access_token: access, refresh_token: ref, token_type: 'Bearer', expires_in: opts.expiresIn ?? 900 };
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  const onAuth = (path: string, body: string, res: http.ServerResponse): void => {
    let b: Record<string, unknown> = {};
    try {
      b = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'invalid_request' });
    }
    if (b['grant_type'] !== 'authorization' || b['response_type'] !== 'token') return send(res, 400, { error: 'unsupported_grant_type' });
    if (path === '/oauth/authenticate') {
      if (b['username'] !== username || b['password'] !== password || typeof b['client_id'] !== 'string') return send(res, 401, { error: 'invalid_grant', error_description: 'Bad credentials' });
      return send(res, 200, issue());
    }
    const ref = b['refresh_token'];
    if (typeof ref !== 'string' || !refreshTokens.delete(ref)) return send(res, 401, { error: 'invalid_grant', error_description: 'refresh token expired' });
    return send(res, 200, issue());
  };

  const fault = (f: Fault, req: http.IncomingMessage, res: http.ServerResponse): void => {
    switch (f.kind) {
      case 'status':
        return send(res, f.status, f.body ?? { message: `status ${f.status}` }, f.retryAfter ? { 'Retry-After': f.retryAfter } : {});
      case 'expire-token':
        tokens.delete((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (f.refreshToo) refreshTokens.clear();
        return send(res, 401, { message: 'Token expired' });
      case 'html':
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return void res.end('<html><body><h1>Scheduled maintenance</h1></body></html>');
      case 'truncated-json':
        // A complete HTTP answer whose JSON stops half way (a proxy that cut the body and fixed the length).
        return send(res, 200, '{"message":null,"data":{"imb":"00700901234567000001","scans":[{"scan_date_time":"2026-10');
      case 'wrong-types':
        return send(res, 200, { message: null, data: { imb: 42, scans: 'none' } });
      case 'huge-length':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 ** 3) });
        res.write('{"data":');
        return;
      case 'cut-connection':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '400' });
        res.write('{"message":null,"data":{');
        setTimeout(() => res.destroy(), 20);
        return;
    }
  };

  const onPiece = (path: string, req: http.IncomingMessage, res: http.ServerResponse): void => {
    pieceRequests += 1;
    const f = faults.get(pieceRequests);
    if (f) {
      faults.delete(pieceRequests);
      return fault(f, req, res);
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(token)) return send(res, 401, { message: 'Unauthorized' });
    const rest = path.slice(API.length).split('/');
    if (rest[0] === 'imb' && rest[1]) {
      const s = scans.get(rest[1]);
      return send(res, 200, s ? { message: null, data: { imb: rest[1], scans: s } } : { message: 'Barcode not found.', data: null });
    }
    if (rest[0] === 'mid' && rest[2] === 'serial' && rest[1] && rest[3]) {
      const list = byMidSerial.get(`${rest[1]}/${rest[3]}`);
      return send(res, 200, list ? { message: null, data: { barcodes: list } } : { message: 'Barcode not found.', data: null });
    }
    return send(res, 404, { message: 'No such resource' });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = Buffer.concat(chunks).toString('utf8');
      log.push({ method: req.method ?? '', path, auth: req.headers.authorization ?? null, body, at: Date.now() });
      if (req.method === 'POST' && (path === '/oauth/authenticate' || path === '/oauth/token')) return onAuth(path, body, res);
      if (req.method === 'GET' && path.startsWith(API)) return onPiece(path, req, res);
      send(res, 404, { message: 'No such resource' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    authUrl: `${url}/oauth`,
    apiUrl: `${url}/ivws_api/informedvisapi`,
    log,
    username,
    password,
    addPiece(imb, list) {
      const mid = imb[5] === '9' ? imb.slice(5, 14) : imb.slice(5, 11);
      const serial = imb.slice(5 + mid.length, 20);
      const key = `${mid}/${serial}`;
      byMidSerial.set(key, [...new Set([...(byMidSerial.get(key) ?? []), imb])]);
      scans.set(imb, [...(scans.get(imb) ?? []), ...list]);
    },
    setBarcodes(mid, serial, imbs) {
      byMidSerial.set(`${mid}/${serial}`, imbs);
    },
    failAt(n, f) {
      faults.set(pieceRequests + n, f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
