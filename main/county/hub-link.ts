import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { builtFile } from '../worker/chunk-stream.js';

/**
 * The replicator's one connection to the county hub, on a thread of its own (docs/county.md
 * "Station side"). The TLS, the PostgreSQL wire protocol and the decoding of the hub's rows are
 * most of what replication costs a station's CPU; here they run beside the station's thread, not
 * on it, so its event loop stays free for the scanners and its own CPU time (which the kernel
 * weighs when it wakes the thread for a scan) is the scans' and the SQLite work's. The SQLite
 * reads and writes stay on the station's thread, which owns its database connection.
 *
 * The thread can also run at a lower priority (INTAKE_HUB_NICE, Linux: per thread). It does not
 * by default: at nice +10 the county benchmark's 20 stations on two saturated cores left
 * replication seconds behind (lag p99 6.3 s, catch-up 16.4 s) for no clear gain in scan time.
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

/** How much lower the link's thread runs than the scans, by default: not lower (see above). */
export const HUB_LINK_NICE = 0;

/** INTAKE_HUB_NICE (0–19) when set to one, else HUB_LINK_NICE. */
export function hubLinkNice(env: NodeJS.ProcessEnv = process.env): number {
  const v = env['INTAKE_HUB_NICE'] ?? '';
  return /^\d{1,2}$/.test(v) && Number(v) <= 19 ? Number(v) : HUB_LINK_NICE;
}

/**
 * The messages between the station's thread and the link's. Each connection on the thread has a
 * generation: answers for an older one are dropped.
 */
export type ToLink =
  | { type: 'connect'; gen: number; config: pg.ClientConfig; channel: string }
  | { type: 'query'; gen: number; id: number; text: string; values: unknown[] }
  | { type: 'close'; gen: number }
  | { type: 'end' };
export type FromLink =
  | { type: 'ready'; gen: number; nice: number | null }
  | { type: 'notify'; gen: number }
  | { type: 'result'; gen: number; id: number; rows: unknown[] }
  | { type: 'error'; gen: number; id: number | null; error: LinkError };

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
  return builtFile(new URL('./hub-link-worker.js', import.meta.url));
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
 * `onNotify` when the hub notifies it: on the link thread `thread` when given, else here.
 */
export async function openHubLink(config: pg.ClientConfig, channel: string, onNotify: () => void, thread: LinkThread | null = null): Promise<HubLink> {
  if (thread) return thread.open(config, channel, onNotify);
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

interface Waiting {
  resolve: (rows: unknown[]) => void;
  reject: (e: Error) => void;
}

/**
 * The link's thread, as the station sees it. It outlives its connections: a station whose hub is
 * down tries again every few seconds, and starting a thread (loading pg, TLS) costs more CPU than
 * the attempt itself, so one thread serves every connection of a replicator, one at a time. A
 * thread that dies is started again by the next open().
 */
export class LinkThread {
  private worker: Worker | null = null;
  private gen = 0;
  private nextId = 1;
  /** The current connection: its generation, its queries waiting, what to call. */
  private current: { gen: number; waiting: Map<number, Waiting>; onNotify: () => void; opened: (nice: number | null) => void; fail: (e: Error) => void } | null = null;
  private exited: Promise<void> | null = null;
  /** How many threads this has started (tests: a reconnect reuses the thread). */
  started = 0;

  constructor(
    private readonly url: URL,
    private readonly nice: number = HUB_LINK_NICE,
  ) {}

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url, { workerData: { nice: this.nice } });
    this.started += 1;
    this.worker = w;
    this.exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.on('message', (m: FromLink) => this.message(m));
    w.on('error', (e) => this.died(w, new Error(`the link to the county hub stopped: ${e.message}`)));
    w.on('exit', (code) => this.died(w, new Error(`the link to the county hub was closed (its thread ended, code ${code})`)));
    return w;
  }

  private message(m: FromLink): void {
    const c = this.current;
    if (!c || m.gen !== c.gen) return; // an answer for a connection given up on
    if (m.type === 'ready') c.opened(m.nice);
    else if (m.type === 'notify') c.onNotify();
    else if (m.type === 'result') this.settle(c.waiting, m.id, null, m.rows);
    else if (m.id === null) c.fail(fromLinkError(m.error));
    else this.settle(c.waiting, m.id, fromLinkError(m.error), []);
  }

  private died(w: Worker, e: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.current?.fail(e);
  }

  private settle(waiting: Map<number, Waiting>, id: number, error: Error | null, rows: unknown[]): void {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    if (error) w.reject(error);
    else w.resolve(rows);
  }

  /** A new connection on the thread (the one before it, if any, is closed first). */
  open(config: pg.ClientConfig, channel: string, onNotify: () => void): Promise<HubLink> {
    const worker = this.thread();
    const gen = ++this.gen;
    const waiting = new Map<number, Waiting>();
    let gone: Error | null = null;
    let threadNice: number | null = null;
    return new Promise<HubLink>((resolve, reject) => {
      let opened = false;
      const link: HubLink = {
        get threadNice() {
          return threadNice;
        },
        query: <R>(text: string, values: unknown[] = []): Promise<{ rows: R[] }> => {
          if (gone) return Promise.reject(gone);
          const id = this.nextId++;
          return new Promise<unknown[]>((res, rej) => {
            waiting.set(id, { resolve: res, reject: rej });
            worker.postMessage({ type: 'query', gen, id, text, values } satisfies ToLink);
          }).then((rows) => ({ rows: asBuffers(rows) as R[] }));
        },
        end: () => {
          fail(new Error('the link to the county hub was closed'));
          if (this.worker === worker) worker.postMessage({ type: 'close', gen } satisfies ToLink);
          return Promise.resolve();
        },
      };
      const fail = (e: Error) => {
        if (!opened) reject(e);
        opened = true;
        gone ??= e;
        for (const w of waiting.values()) w.reject(gone);
        waiting.clear();
        if (this.current?.gen === gen) this.current = null;
      };
      this.current?.fail(new Error('the link to the county hub was replaced by a new connection'));
      this.current = {
        gen,
        waiting,
        onNotify,
        opened: (nice) => {
          threadNice = nice;
          opened = true;
          resolve(link);
        },
        fail,
      };
      worker.postMessage({ type: 'connect', gen, config, channel } satisfies ToLink);
    });
  }

  /** Ends the thread (its connection closed first); at most 2 s, then it is stopped. */
  async end(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.current?.fail(new Error('the link to the county hub was closed'));
    const done = setTimeout(() => void w.terminate(), 2000);
    w.postMessage({ type: 'end' } satisfies ToLink);
    await this.exited;
    clearTimeout(done);
  }
}
