/**
 * Runs the heavy mail reads (reads.ts) on a thread of their own, for the app: one worker with one
 * read-only connection, started at the first read and kept; requests go in order, and a request
 * the same as one still being answered (the same read, by the same role, at the same minute)
 * shares its answer, so forty supervisors opening the Reports screen at once cost one query.
 * Where there is no compiled worker (the sources under the test runner), or the database is in
 * memory, or INTAKE_READ_THREADS=0, the read runs on the caller's thread, as the CLI runs it.
 */
import { Worker } from 'node:worker_threads';
import { ServiceError, type ServiceErrorCode } from '../../shared/errors.js';
import type { Actor } from '../actions/context.js';
import type { ReadContext } from '../actions/mail-attention.js';
import { builtFile } from '../worker/chunk-stream.js';
import { runMailRead, type MailRead, type MailReadKind, type MailReadResult } from './reads.js';

export interface ReadRequest<K extends MailReadKind = MailReadKind> {
  id: number;
  file: string;
  /** The station's clock at the request, as an ISO instant (the lists count hours and days from it). */
  now: string;
  actor: Actor | null;
  read: MailRead<K>;
}

export type ReadResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; service: boolean; code: ServiceErrorCode | 'internal'; message: string };

const WORKER = new URL('./reads-worker.js', import.meta.url);

export class MailReads {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly shared = new Map<string, Promise<unknown>>();
  /** Requests sent to the thread so far (a shared answer is not sent again). */
  sent = 0;

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: URL | null = process.env['INTAKE_READ_THREADS'] === '0' ? null : builtFile(WORKER),
  ) {}

  /** True when reads run on a thread of their own. */
  get offThread(): boolean {
    return this.file !== null && this.ctx.store.path !== ':memory:';
  }

  /** The read's answer: the same function's on either side of the thread (the router checks it against the contract, as any answer). */
  run<K extends MailReadKind>(actor: Actor | null, read: MailRead<K>): Promise<MailReadResult<K>> {
    if (!this.offThread) return Promise.resolve().then(() => runMailRead(this.ctx, actor, read));
    const now = this.ctx.clock();
    const key = JSON.stringify([actor?.name ?? null, actor?.role ?? null, now.toISOString().slice(0, 16), read]);
    const same = this.shared.get(key) as Promise<MailReadResult<K>> | undefined;
    if (same) return same;
    const p = this.send<K>({ id: this.nextId++, file: this.ctx.store.path, now: now.toISOString(), actor, read }).finally(() => this.shared.delete(key));
    this.shared.set(key, p);
    return p;
  }

  private send<K extends MailReadKind>(req: ReadRequest<K>): Promise<MailReadResult<K>> {
    const worker = this.start();
    this.sent += 1;
    return new Promise((resolve, reject) => {
      this.waiting.set(req.id, { resolve: (v) => resolve(v as MailReadResult<K>), reject });
      worker.postMessage(req);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.file as URL);
    w.unref(); // a station closing does not wait on its reports' thread
    w.on('message', (res: ReadResponse) => {
      const waiter = this.waiting.get(res.id);
      if (!waiter) return;
      this.waiting.delete(res.id);
      if (res.ok) waiter.resolve(res.value);
      else waiter.reject(res.service ? new ServiceError(res.code as ServiceErrorCode, res.message) : new Error(res.message));
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the mail report could not be read: its thread stopped (${why}); try again`));
      this.waiting.clear();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  /** Ends the thread (the station closing); a read after starts it again. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const waiter of this.waiting.values()) waiter.reject(new Error('the station closed before the mail report was read'));
    this.waiting.clear();
    if (w) await w.terminate();
  }
}
