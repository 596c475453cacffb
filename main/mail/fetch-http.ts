import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { parseRetryAfter } from '../../shared/sync/backoff.js';

/**
 * The station's client of the USPS IV-MTR web services, as the "Informed Visibility IV-MTR API
 * Developer Toolkit" v2.5 (USPS, 7/15/2019; postalpro.usps.com/informedvisibility/APItoolkit)
 * describes them:
 *  - §3.1 "Obtaining the Authentication Token": POST {auth}/authenticate with a JSON body
 *    {username, password, grant_type:"authorization", response_type:"token", scope, client_id}
 *    answers {access_token, refresh_token, token_type, expires_in}; POST {auth}/token with
 *    {refresh_token, grant_type:"authorization", response_type:"token", scope} renews it.
 *  - Piece API: GET {api}/api/mt/get/piece/mid/{MID}/serial/{serial}[/stid/{STID}] answers
 *    {message, data:{barcodes:[…]}} (every IMb seen with that MID and serial: a ballot's outbound
 *    piece and its STID 777 return envelope), and GET {api}/api/mt/get/piece/imb/{IMb} answers
 *    {message, data:{imb, scans:[{scan_date_time, scan_event_code, handling_event_type,
 *    mail_phase, machine_name, scanner_type, scan_facility_name, scan_facility_city,
 *    scan_facility_state, scan_facility_zip, …}]}}; a piece never scanned is
 *    {"message":"Barcode not found.","data":null}.
 *
 * Like main/sync/http.ts: node:http, one connection per call, and every answer — or every way of
 * not getting one — becomes a value of a closed union; nothing the network or the server does
 * throws. An answer is read only up to MAX_ANSWER_BYTES, and a Content-Length above it is refused
 * before its body is read.
 */

export type Outcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'not-found' }
  | { kind: 'unauthorized'; detail: string }
  /** Worth trying again: 429, 5xx, a timeout, a dropped connection. */
  | { kind: 'retry'; reason: 'throttled' | 'server-error' | 'timeout' | 'network'; detail: string; retryAfterMs?: number }
  /** Not an answer of this API (HTML, cut-short or mistyped JSON, too big, an odd status): stop, change nothing. */
  | { kind: 'nonsense'; detail: string };

export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const tokenSchema = z.object({
  access_token: z.string().min(1).max(8192),
  refresh_token: z.string().min(1).max(8192).optional(),
  token_type: z.string().max(40).optional(),
  expires_in: z.coerce.number().int().min(1).max(7 * 86_400),
});
export type TokenAnswer = z.infer<typeof tokenSchema>;

const text = z.string().max(400).nullish();
/** One scan as the piece API gives it; unknown fields are ignored (USPS adds them). */
export const apiScanSchema = z.object({
  scan_date_time: z.string().min(10).max(40),
  scan_event_code: text,
  handling_event_type: text,
  mail_phase: text,
  machine_name: text,
  scanner_type: text,
  scan_facility_name: text,
  scan_facility_locale_key: text,
  scan_facility_city: text,
  scan_facility_state: text,
  scan_facility_zip: text,
});
export type ApiScan = z.infer<typeof apiScanSchema>;

const pieceSchema = z.object({
  message: z.string().nullish(),
  data: z.object({ imb: z.string().regex(/^\d{20}(\d{5}|\d{9}|\d{11})?$/), scans: z.array(apiScanSchema).max(10_000) }).nullable(),
});
const barcodesSchema = z.object({
  message: z.string().nullish(),
  data: z.object({ barcodes: z.array(z.string().regex(/^\d{20}(\d{5}|\d{9}|\d{11})?$/)).max(100) }).nullable(),
});

export interface Endpoint {
  url: string;
  timeoutMs: number;
}

export interface Credentials {
  username: string;
  password: string;
  clientId: string;
  scope: string;
}

export async function authenticate(auth: Endpoint, c: Credentials): Promise<Outcome<TokenAnswer>> {
  const body = { username: c.username, password: c.password, grant_type: 'authorization', response_type: 'token', scope: c.scope, client_id: c.clientId };
  return tokenOutcome(await exchange('POST', join(auth.url, 'authenticate'), auth.timeoutMs, null, body));
}

export async function refresh(auth: Endpoint, refreshToken: string, scope: string): Promise<Outcome<TokenAnswer>> {
  const body = { refresh_token: refreshToken, grant_type: 'authorization', response_type: 'token', scope };
  return tokenOutcome(await exchange('POST', join(auth.url, 'token'), auth.timeoutMs, null, body));
}

/** Every IMb the USPS has seen with this MID and serial (outbound and return). */
export async function barcodesOf(api: Endpoint, token: string, mid: string, serial: string): Promise<Outcome<string[]>> {
  const raw = await exchange('GET', join(api.url, `api/mt/get/piece/mid/${mid}/serial/${serial}`), api.timeoutMs, token);
  return dataOutcome(raw, barcodesSchema, (d) => d.barcodes);
}

export async function pieceScans(api: Endpoint, token: string, imb: string): Promise<Outcome<{ imb: string; scans: ApiScan[] }>> {
  const raw = await exchange('GET', join(api.url, `api/mt/get/piece/imb/${imb}`), api.timeoutMs, token);
  return dataOutcome(raw, pieceSchema, (d) => d);
}

function tokenOutcome(raw: Raw): Outcome<TokenAnswer> {
  if (raw.kind !== 'answer') return raw;
  if (raw.status === 200) {
    const parsed = tokenSchema.safeParse(json(raw.text));
    return parsed.success ? { kind: 'ok', value: parsed.data } : nonsense(raw, 'is not a token');
  }
  if (raw.status === 400 || raw.status === 401 || raw.status === 403) return { kind: 'unauthorized', detail: errorText(raw) };
  return otherStatus(raw);
}

function dataOutcome<S extends z.ZodType<{ message?: string | null | undefined; data: unknown }>, T>(raw: Raw, schema: S, pick: (d: NonNullable<z.infer<S>['data']>) => T): Outcome<T> {
  if (raw.kind !== 'answer') return raw;
  if (raw.status === 401 || raw.status === 403) return { kind: 'unauthorized', detail: errorText(raw) };
  if (raw.status === 404) return { kind: 'not-found' };
  if (raw.status !== 200) return otherStatus(raw);
  const parsed = schema.safeParse(json(raw.text));
  if (!parsed.success) return nonsense(raw, `is not what the piece API answers (${parsed.error.issues[0]?.path.join('.') || 'the whole answer'})`);
  const data = parsed.data.data as NonNullable<z.infer<S>['data']> | null;
  return data === null ? { kind: 'not-found' } : { kind: 'ok', value: pick(data) };
}

function otherStatus(raw: Answer): Outcome<never> {
  const retryAfterMs = parseRetryAfter(headerText(raw.headers['retry-after']), Date.now()) ?? undefined;
  const detail = `HTTP ${raw.status}: ${errorText(raw)}`;
  if (raw.status === 429) return retryAfterMs === undefined ? { kind: 'retry', reason: 'throttled', detail } : { kind: 'retry', reason: 'throttled', detail, retryAfterMs };
  if (raw.status >= 500) return retryAfterMs === undefined ? { kind: 'retry', reason: 'server-error', detail } : { kind: 'retry', reason: 'server-error', detail, retryAfterMs };
  return { kind: 'nonsense', detail };
}

const nonsense = (raw: Answer, what: string): Outcome<never> => ({ kind: 'nonsense', detail: `the HTTP ${raw.status} answer ${what}: ${snippet(raw.text)}` });

function errorText(raw: Answer): string {
  const body = json(raw.text);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const k of ['error_description', 'message', 'error']) {
      const v = b[k];
      if (typeof v === 'string') return v.slice(0, 200);
    }
  }
  return snippet(raw.text);
}

const headerText = (h: string | string[] | undefined): string | null => (typeof h === 'string' ? h : null);

function json(t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

const snippet = (t: string): string => JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t);

/** The base URL may carry a path (https://iv.usps.com/ivws_api/informedvisapi). */
function join(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

interface Answer {
  kind: 'answer';
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}
type Raw = Answer | Extract<Outcome<never>, { kind: 'retry' | 'nonsense' }>;

/** One request on its own connection; the deadline covers connecting, sending and the whole answer. */
function exchange(method: 'GET' | 'POST', url: URL, timeoutMs: number, token: string | null, body?: unknown): Promise<Raw> {
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (payload !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) });
    let settled = false;
    const done = (r: Raw): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const fail = (e: unknown): void =>
      done(signal.aborted ? { kind: 'retry', reason: 'timeout', detail: `no complete answer within ${timeoutMs} ms` } : { kind: 'retry', reason: 'network', detail: describe(e) });
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method, headers, agent: false, signal }, (res) => {
      const declared = Number(res.headers['content-length'] ?? '0');
      if (declared > MAX_ANSWER_BYTES) {
        done({ kind: 'nonsense', detail: `the server announced an answer of ${declared.toLocaleString('en-US')} bytes; no answer of this API is over ${MAX_ANSWER_BYTES / 1024 / 1024} MB, so it was not read` });
        return void req.destroy();
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) return void parts.push(chunk);
        done({ kind: 'nonsense', detail: `an answer over ${MAX_ANSWER_BYTES / 1024 / 1024} MB` });
        req.destroy();
      });
      res.on('error', fail);
      res.on('end', () => {
        if (!res.complete) return fail(new Error('the answer was cut short'));
        done({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') });
      });
      res.on('close', () => {
        if (!res.complete) fail(new Error('the answer was cut short'));
      });
    });
    req.on('error', fail);
    req.end(payload);
  });
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code ? `${code}: ${e.message}` : e.message;
}
