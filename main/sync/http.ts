import http from 'node:http';
import https from 'node:https';
import type { BatchChunkRequest, RecordError, StateChange } from '../../shared/sync/contract.js';
import {
  ackResponseSchema,
  canonicalBody,
  changesResponseSchema,
  CHANGES_MAX_LIMIT,
  errorResponseSchema,
  rejectedResponseSchema,
} from '../../shared/sync/contract.js';
import { parseRetryAfter } from '../../shared/sync/backoff.js';

/**
 * The station's client of the reference state API (docs/state-api.md). Every answer, and every
 * way of not getting one, becomes a value of a closed union; nothing the network or the server
 * does makes these functions throw (only a bug does: an address that unsafeStateUrl refuses,
 * which the callers check first, or a limit out of range). A `retry` means: send the very same key and body again later.
 *
 * Built on node:http rather than fetch: one fresh connection per call (`agent: false`), so a
 * socket the server dropped on the previous try is never reused, no client-side retry happens
 * behind our back, socket errors keep their codes (ECONNRESET, ECONNREFUSED) for the outbox's
 * last_error, and Node 20 and Electron's Node behave the same. A sync is a few requests a day;
 * connection reuse buys nothing.
 */

export type RetryReason =
  'timeout' | 'network' | 'throttled' | 'unavailable' | 'server-error' | 'garbage' | 'unexpected-status';

export interface RetryOutcome {
  kind: 'retry';
  reason: RetryReason;
  /** For people: the status, error code or first bytes of the answer. */
  detail: string;
  /** What the server's Retry-After asked for, when it sent a readable one. */
  retryAfterMs?: number;
}

export type ChunkOutcome =
  | { kind: 'acknowledged'; ack: string; repeat: boolean }
  | { kind: 'rejected'; errors: RecordError[] }
  | { kind: 'conflict'; detail: string }
  | { kind: 'unauthorized' }
  | { kind: 'too-large' }
  | RetryOutcome;

export type ChangesOutcome =
  | { kind: 'changes'; changes: StateChange[]; next: string }
  | { kind: 'unauthorized' }
  /** 400: the server refused the cursor or the limit. */
  | { kind: 'rejected'; error: string }
  | RetryOutcome;

export interface PostChunkArgs {
  baseUrl: string;
  token: string;
  key: string;
  body: BatchChunkRequest;
  timeoutMs: number;
}

export interface GetChangesArgs {
  baseUrl: string;
  token: string;
  /** null (or '') for the beginning of the feed. */
  since: string | null;
  limit: number;
  timeoutMs: number;
}

/** Answers bigger than this are not an answer of this API. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export async function postChunk(args: PostChunkArgs): Promise<ChunkOutcome> {
  const text = canonicalBody(args.body);
  const raw = await exchange({
    method: 'POST',
    url: endpoint(args.baseUrl, 'v1/batches'),
    headers: {
      ...commonHeaders(args.token),
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
      'Idempotency-Key': args.key,
    },
    body: text,
    timeoutMs: args.timeoutMs,
  });
  return raw.kind === 'retry' ? raw : chunkOutcome(raw);
}

export async function getChanges(args: GetChangesArgs): Promise<ChangesOutcome> {
  if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > CHANGES_MAX_LIMIT) {
    throw new Error(`getChanges: limit must be an integer from 1 to ${CHANGES_MAX_LIMIT}, got ${args.limit}`);
  }
  const url = endpoint(args.baseUrl, 'v1/changes');
  if (args.since !== null && args.since !== '') url.searchParams.set('since', args.since);
  url.searchParams.set('limit', String(args.limit));
  const raw = await exchange({
    method: 'GET',
    url,
    headers: commonHeaders(args.token),
    timeoutMs: args.timeoutMs,
  });
  return raw.kind === 'retry' ? raw : changesOutcome(raw);
}

function chunkOutcome(raw: RawAnswer): ChunkOutcome {
  switch (raw.status) {
    case 200:
    case 201: {
      const parsed = ackResponseSchema.safeParse(json(raw.text));
      if (parsed.success) return { kind: 'acknowledged', ack: parsed.data.ack, repeat: raw.status === 200 };
      return retry('garbage', `HTTP ${raw.status} without an acknowledgement: ${snippet(raw.text)}`);
    }
    case 400: {
      const parsed = rejectedResponseSchema.safeParse(json(raw.text));
      // A refusal we cannot read is still a refusal: the supervisor sees it rather than a loop.
      const errors = parsed.success
        ? parsed.data.errors
        : [{ index: null, ballotId: null, error: `HTTP 400: ${snippet(raw.text)}` }];
      return { kind: 'rejected', errors };
    }
    case 401:
    case 403:
      return { kind: 'unauthorized' };
    case 409:
      return { kind: 'conflict', detail: errorText(raw) };
    case 413:
      return { kind: 'too-large' };
    default:
      return retryFor(raw);
  }
}

function changesOutcome(raw: RawAnswer): ChangesOutcome {
  switch (raw.status) {
    case 200: {
      const parsed = changesResponseSchema.safeParse(json(raw.text));
      if (parsed.success) return { kind: 'changes', changes: parsed.data.changes, next: parsed.data.next };
      return retry('garbage', `HTTP 200 that is not a change list: ${snippet(raw.text)}`);
    }
    case 400:
      return { kind: 'rejected', error: errorText(raw) };
    case 401:
    case 403:
      return { kind: 'unauthorized' };
    default:
      return retryFor(raw);
  }
}

/** 429, 503, other 5xx, and statuses this API never sends (a proxy's 404, a 302 to a login page). */
function retryFor(raw: RawAnswer): RetryOutcome {
  const header = raw.headers['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : null, Date.now()) ?? undefined;
  const reason: RetryReason =
    raw.status === 429
      ? 'throttled'
      : raw.status === 503
        ? 'unavailable'
        : raw.status >= 500
          ? 'server-error'
          : 'unexpected-status';
  return retry(reason, `HTTP ${raw.status}: ${errorText(raw)}`, retryAfterMs);
}

function retry(reason: RetryReason, detail: string, retryAfterMs?: number): RetryOutcome {
  return retryAfterMs === undefined
    ? { kind: 'retry', reason, detail }
    : { kind: 'retry', reason, detail, retryAfterMs };
}

function errorText(raw: RawAnswer): string {
  const parsed = errorResponseSchema.safeParse(json(raw.text));
  return parsed.success ? parsed.data.error : snippet(raw.text);
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const snippet = (text: string): string => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

function commonHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
}

/**
 * Why a state API address must not be used, or null. Every request carries the bearer token:
 * over plain http anyone on the way could read it, so http is allowed only to this computer
 * (a test server, a local relay). Checked before any connection (or name lookup) is made.
 */
export function unsafeStateUrl(baseUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `the state API address ${JSON.stringify(baseUrl.slice(0, 200))} is not a web address (it should look like https://state.example/api)`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return `the state API address must start with https:// (it starts with ${url.protocol}//)`;
  if (isLoopback(url.hostname)) return null;
  return `refused to sync with ${url.host} over plain http: the sync token would cross the network unencrypted. Use its https:// address (plain http is only for this computer: 127.0.0.1, ::1 or localhost)`;
}

/** 127.0.0.0/8, ::1 and localhost (the URL parser has already turned 127.1 or 0x7f.1 into 127.0.0.1). */
function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `baseUrl` may carry a path prefix (https://state.example/api); an unsafe one is refused here too. */
function endpoint(baseUrl: string, path: string): URL {
  const problem = unsafeStateUrl(baseUrl);
  if (problem) throw new Error(problem);
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

interface Exchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

interface RawAnswer {
  kind: 'answer';
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request on its own connection; the deadline covers connecting, sending and the whole answer. */
function exchange(x: Exchange): Promise<RawAnswer | RetryOutcome> {
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(x.timeoutMs);
    const fail = (e: unknown): void =>
      resolve(
        signal.aborted
          ? retry('timeout', `no complete answer within ${x.timeoutMs} ms`)
          : retry('network', describe(e)),
      );
    const client = x.url.protocol === 'https:' ? https : http;
    const req = client.request(
      x.url,
      { method: x.method, headers: x.headers, agent: false, signal },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) return void parts.push(chunk);
          resolve(retry('garbage', `an answer over ${MAX_RESPONSE_BYTES} bytes`));
          req.destroy();
        });
        res.on('error', fail);
        res.on('end', () => {
          if (!res.complete) return fail(new Error('answer cut short'));
          resolve({
            kind: 'answer',
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(parts).toString('utf8'),
          });
        });
      },
    );
    req.on('error', fail);
    req.end(x.body);
  });
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code ? `${code}: ${e.message}` : e.message;
}
