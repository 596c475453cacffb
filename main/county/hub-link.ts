import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';

/**
 * The replicator's one connection to the county hub, on a thread of its own at a lower CPU
 * priority than the scans (docs/county.md "Where a station's CPU goes"). The TLS, the PostgreSQL
 * wire protocol and the decoding of the hub's rows are most of what replication costs a station's
 * CPU; on the scan's thread they sit in the run queue beside the next scan. Here they run on a
 * worker thread whose nice value is raised (Linux: per thread), so on a busy machine the kernel
 * runs a waiting scan first and replication takes the time the scans leave. The SQLite reads
 * and writes stay on the station's thread, which owns its database connection.
 *
 * The compiled worker runs in the installed app and CLI (dist/); the sources under the test
 * runner, a build without it, or INTAKE_HUB_THREAD=0 use a plain pg.Client on this thread:
 * the same queries, the same answers, the same errors.
 */
export interface HubLink {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
  /** The link thread's nice value when it runs on a thread of its own (null when it could not be read or lowered). */
  readonly threadNice?: number | null;
}

/** How much lower the link's thread runs than the scans, by default (nice +10: a weight of 110 against 1,024). */
export const HUB_LINK_NICE = 10;

/** INTAKE_HUB_NICE (0–19) when set to one, else HUB_LINK_NICE. */
export function hubLinkNice(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['INTAKE_HUB_NICE'] ?? '');
  return env['INTAKE_HUB_NICE'] !== undefined && env['INTAKE_HUB_NICE'] !== '' && Number.isInteger(n) && n >= 0 && n <= 19 ? n : HUB_LINK_NICE;
}

/** The messages between the station's thread and the link's. */
export type ToLink = { type: 'query'; id: number; text: string; values: unknown[] } | { type: 'end' };
export type FromLink =
  | { type: 'ready'; nice: number | null }
  | { type: 'notify' }
  | { type: 'result'; id: number; rows: unknown[] }
  | { type: 'error'; id: number | null; error: LinkError };

/** An error as it crosses threads: a pg error's fields the station reads (code, hint, …), kept. */
export interface LinkError {
  name: string;
  message: string;
  fields: Record<string, string | number>;
}

export function toLinkError(e: unknown): LinkError {
  const err = (e && typeof e === 'object' ? e : { message: String(e) }) as Record<string, unknown>;
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err)) if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  return { name: typeof err['name'] === 'string' ? err['name'] : 'Error', message: typeof err['message'] === 'string' ? err['message'] : String(e), fields };
}

/** The error again on this side, with the same code, hint, detail and message as pg gave. */
export function fromLinkError(l: LinkError): Error {
  const e = new Error(l.message);
  Object.assign(e, l.fields);
  e.name = l.name;
  return e;
}

/** A Uint8Array that crossed threads (structured clone) is a Buffer again, as pg gives bytea. */
function asBuffers(rows: unknown[]): unknown[] {
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    const r = row as Record<string, unknown>;
    for (const [k, v] of Object.entries(r)) if (v instanceof Uint8Array && !Buffer.isBuffer(v)) r[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return rows;
}

/** The compiled link worker beside this module, unless INTAKE_HUB_THREAD=0 asks for one thread. */
export function hubLinkWorker(env: NodeJS.ProcessEnv = process.env): URL | null {
  if (env['INTAKE_HUB_THREAD'] === '0') return null;
  const url = new URL('./hub-link-worker.js', import.meta.url);
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Lowers the calling thread's CPU priority by `nice` (Linux, where a thread has its own nice
 * value: /proc/thread-self names its task ID). Elsewhere, or when refused, it stays as it is:
 * a matter of latency under load, never of correctness. Returns the thread's nice value after, or
 * null when it could not be set.
 */
export function lowerThisThread(nice: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(tid) || tid <= 0) return null;
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
    return os.getPriority(tid);
  } catch {
    return null;
  }
}

/**
 * Connects to the hub (`config`: connection.ts's hubTarget) and LISTENs on `channel`, calling
 * `onNotify` when the hub notifies it. On the worker thread `worker` when given, else here.
 */
export async function openHubLink(config: pg.ClientConfig, channel: string, onNotify: () => void, worker: URL | null = hubLinkWorker(), nice = HUB_LINK_NICE): Promise<HubLink> {
  if (!worker) {
    const client = new pg.Client(config);
    client.on('error', () => undefined); // surfaced by the next query; never an unhandled crash
    client.on('notification', onNotify);
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    return { query: (text, values) => client.query(text, values) as never, end: () => client.end() };
  }
  return WorkerLink.open(worker, config, channel, onNotify, nice);
}

/** The station's side of the link on a worker thread. */
class WorkerLink implements HubLink {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();
  /** Why the link is gone, once it is: every query after that fails with it. */
  private gone: Error | null = null;
  private ended: Promise<void> | null = null;
  private exited = false;
  threadNice: number | null = null;

  private constructor(private readonly worker: Worker) {
    worker.once('exit', () => (this.exited = true));
  }

  static open(url: URL, config: pg.ClientConfig, channel: string, onNotify: () => void, nice: number): Promise<WorkerLink> {
    const worker = new Worker(url, { workerData: { config, channel, nice } });
    const link = new WorkerLink(worker);
    return new Promise<WorkerLink>((resolve, reject) => {
      let opened = false;
      worker.on('message', (m: FromLink) => {
        if (m.type === 'ready') {
          opened = true;
          link.threadNice = m.nice;
          resolve(link);
        } else if (m.type === 'notify') onNotify();
        else if (m.type === 'result') link.settle(m.id, null, m.rows);
        else if (m.id === null) {
          // The connection itself failed: before it opened, the open's error; after, every query's.
          const e = fromLinkError(m.error);
          if (!opened) reject(e);
          link.fail(e);
        } else link.settle(m.id, fromLinkError(m.error), []);
      });
      worker.on('error', (e) => {
        const err = new Error(`the link to the county hub stopped: ${e.message}`);
        if (!opened) reject(err);
        link.fail(err);
      });
      worker.on('exit', (code) => {
        const err = new Error(`the link to the county hub was closed (its thread ended, code ${code})`);
        if (!opened) reject(err);
        link.fail(err);
      });
    });
  }

  query<R>(text: string, values: unknown[] = []): Promise<{ rows: R[] }> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'query', id, text, values } satisfies ToLink);
    }).then((rows) => ({ rows: asBuffers(rows) as R[] }));
  }

  end(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.ended ??= new Promise<void>((resolve) => {
      const done = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once('exit', () => {
        clearTimeout(done);
        resolve();
      });
      this.worker.postMessage({ type: 'end' } satisfies ToLink);
    });
    return this.ended;
  }

  private settle(id: number, error: Error | null, rows: unknown[]): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (error) w.reject(error);
    else w.resolve(rows);
  }

  private fail(e: Error): void {
    this.gone ??= e;
    for (const w of this.waiting.values()) w.reject(this.gone);
    this.waiting.clear();
    void this.worker.terminate();
  }
}
