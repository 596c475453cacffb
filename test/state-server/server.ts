import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateChange } from '../../shared/sync/contract.js';
import { acceptChunk } from './batches.js';
import type { Reply } from './batches.js';
import { listChanges } from './changes.js';
import { FaultInjector } from './faults.js';
import type { Fault, FaultPlan, FaultRoute } from './faults.js';
import { adminReply } from './admin.js';
import { authorized, parseJson, sha256, snapshot } from './context.js';
import type { Body, ServerContext, ServerStats } from './context.js';
import { StateStore } from './store.js';
import type { BatchProgress, StoredReceipt } from './store.js';

/**
 * The reference state server (docs/state-api.md) on 127.0.0.1, for tests and for people:
 * a real HTTP server with its own SQLite file, and faults on demand.
 */

export interface StateServerOptions {
  dbPath: string;
  token: string;
  faults?: FaultPlan;
  /** Receipts per chunk above which the server answers 413. */
  maxChunk?: number;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  /** Bytes of request body above which the server answers 413. */
  maxBodyBytes?: number;
}

export type { ServerStats } from './context.js';

export interface StateServer {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(plan: FaultPlan): void;
  stats(): ServerStats;
  receipts(): StoredReceipt[];
  batches(): BatchProgress[];
  addChange(change: StateChange): void;
}

export const DEFAULT_MAX_CHUNK = 1000;

export async function startStateServer(opts: StateServerOptions): Promise<StateServer> {
  const ctx: ServerContext = {
    store: new StateStore(opts.dbPath),
    faults: new FaultInjector(opts.faults),
    tokenHash: sha256(opts.token),
    maxChunk: opts.maxChunk ?? DEFAULT_MAX_CHUNK,
    maxBodyBytes: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    stats: { requests: 0, inFlight: 0, completed: 0, outcomes: {}, faults: {}, queuedFaults: 0 },
    closing: new AbortController(),
  };
  const server = http.createServer((req, res) => onRequest(ctx, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => closeServer(ctx, server),
    setFaults: (plan) => ctx.faults.set(plan),
    stats: () => snapshot(ctx),
    receipts: () => ctx.store.receipts(),
    batches: () => ctx.store.batches(),
    addChange: (change) => void ctx.store.addChange(change),
  };
}

async function closeServer(ctx: ServerContext, server: http.Server): Promise<void> {
  if (ctx.closing.signal.aborted) return;
  ctx.closing.abort();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  ctx.store.close();
}

function onRequest(ctx: ServerContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  ctx.stats.requests += 1;
  ctx.stats.inFlight += 1;
  handle(ctx, req, res)
    .catch((e: unknown) => {
      if (!ctx.closing.signal.aborted) console.error('state server: handler failed', e);
      if (ctx.closing.signal.aborted || res.headersSent) res.destroy();
      else send(res, { status: 500, body: { error: 'internal error' }, outcome: 'bug' });
    })
    .finally(() => {
      ctx.stats.inFlight -= 1;
      ctx.stats.completed += 1;
    });
}

async function handle(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://state.invalid');
  const route = apiRoute(req.method, url.pathname);
  if (route === null || route === 'method') {
    const body = await readBody(req, ctx.maxBodyBytes);
    const reply =
      route === 'method'
        ? { status: 405, body: { error: 'method not allowed' }, outcome: 'method' }
        : adminReply(ctx, req, url, body);
    return send(res, count(ctx, reply));
  }
  const fault = ctx.faults.next(route);
  if (fault) ctx.stats.faults[fault.kind] = (ctx.stats.faults[fault.kind] ?? 0) + 1;
  if (fault?.kind === 'drop-before') return void req.socket.destroy();
  const body = await readBody(req, ctx.maxBodyBytes);
  const early = await beforeProcessing(ctx, res, fault);
  if (early) return;
  const reply = count(ctx, processApi(ctx, route, req, url, body));
  await afterProcessing(ctx, res, fault, reply);
}

/** Faults that act before the request is processed; true when the answer has been given. */
async function beforeProcessing(
  ctx: ServerContext,
  res: http.ServerResponse,
  fault: Fault | null,
): Promise<boolean> {
  switch (fault?.kind) {
    case undefined:
    case 'drop-before':
    case 'drop-after':
      return false;
    case 'status-500':
      send(res, { status: 500, body: { error: 'injected failure' }, outcome: 'fault' });
      return true;
    case 'status-503-retry-after':
    case 'status-429-retry-after':
      send(
        res,
        {
          status: fault.kind === 'status-503-retry-after' ? 503 : 429,
          body: { error: 'try later' },
          outcome: 'fault',
        },
        { 'Retry-After': fault.retryAfter },
      );
      return true;
    case 'slow':
      if (!fault.processFirst) await sleep(fault.ms, undefined, { signal: ctx.closing.signal });
      return false;
    case 'garbage':
      if (fault.processFirst === true) return false;
      sendGarbage(res, fault.body);
      return true;
  }
}

async function afterProcessing(
  ctx: ServerContext,
  res: http.ServerResponse,
  fault: Fault | null,
  reply: Reply,
): Promise<void> {
  if (fault?.kind === 'drop-after') return void res.socket?.destroy();
  if (fault?.kind === 'slow' && fault.processFirst)
    await sleep(fault.ms, undefined, { signal: ctx.closing.signal });
  if (fault?.kind === 'garbage') return sendGarbage(res, fault.body);
  send(res, reply);
}

function processApi(
  ctx: ServerContext,
  route: FaultRoute,
  req: http.IncomingMessage,
  url: URL,
  body: Body,
): Reply {
  if (!authorized(ctx, req))
    return { status: 401, body: { error: 'missing or wrong bearer token' }, outcome: 'unauthorized' };
  if (route === 'changes') return listChanges(ctx.store, url.searchParams);
  if (body.tooLarge)
    return { status: 413, body: { error: `body over ${ctx.maxBodyBytes} bytes` }, outcome: 'too-large' };
  const json = parseJson(body.text);
  if (json === undefined)
    return {
      status: 400,
      body: { errors: [{ index: null, ballotId: null, error: 'body is not JSON' }] },
      outcome: 'rejected',
    };
  const key = req.headers['idempotency-key'];
  return acceptChunk(
    ctx.store,
    typeof key === 'string' ? key : undefined,
    json,
    ctx.maxChunk,
    new Date().toISOString(),
  );
}

function apiRoute(method: string | undefined, path: string): FaultRoute | 'method' | null {
  if (path === '/v1/batches') return method === 'POST' ? 'batches' : 'method';
  if (path === '/v1/changes') return method === 'GET' ? 'changes' : 'method';
  return null;
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) parts.push(chunk);
  }
  return { text: Buffer.concat(parts).toString('utf8'), tooLarge: size > limit };
}

function count(ctx: ServerContext, reply: Reply): Reply {
  ctx.stats.outcomes[reply.outcome] = (ctx.stats.outcomes[reply.outcome] ?? 0) + 1;
  return reply;
}

function send(res: http.ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendGarbage(res: http.ServerResponse, body = '<html><body>502 Bad Gateway</body></html>'): void {
  res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
