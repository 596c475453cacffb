/**
 * A file reader on a thread of its own, for the bulk imports (the roll's and the mail events'):
 * decoding, splitting, validating and packing a state-sized file takes one core while the main
 * thread inserts on the other. The worker sends its chunks in file order; each chunk's packed bytes
 * are transferred, not copied; at most `window` chunks are in flight (the main thread gives one
 * credit back per chunk it has taken), so a slow database never lets the file pile up in memory.
 *
 * The worker runs only from its compiled .js file (the installed app and CLI, dist/); the sources
 * run by the test runner read on the main thread, giving the same chunks.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';

export type ChunkMessage<C> = { type: 'chunk'; chunk: C } | { type: 'done' } | { type: 'error'; message: string; fileError: boolean };

interface Envelope<I> {
  input: I;
  window: number;
}

/**
 * The compiled worker script at `url` (made with `new URL('./x-worker.js', import.meta.url)`),
 * or null when it is not there (the sources under the test runner) or INTAKE_IMPORT_THREADS=0
 * asks for one thread.
 */
export function compiledWorker(url: URL): URL | null {
  if (process.env['INTAKE_IMPORT_THREADS'] === '0') return null;
  return builtFile(url);
}

/** `url` when it names a file that is there (a compiled worker beside its module), else null. */
export function builtFile(url: URL): URL | null {
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

export interface FromWorkerOptions {
  /** Chunks in flight at most. */
  window: number;
  /** The error of a file the worker could not read as a whole (the reader's own error class). */
  fileError: (message: string) => Error;
  /** The error when the worker stopped without finishing: `detail` says how. */
  stopped: (detail: string) => Error;
}

/** The chunks the worker at `file` reads from `input`, in order. The worker is ended when the caller stops. */
export async function* chunksFromWorker<I, C>(file: URL, input: I, opts: FromWorkerOptions): AsyncGenerator<C> {
  const worker = new Worker(file, { workerData: { input, window: opts.window } satisfies Envelope<I> });
  const queue: ChunkMessage<C>[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const stop = (e: Error) => {
    failure ??= e;
    wake?.();
  };
  worker.on('message', (m: ChunkMessage<C>) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => stop(opts.stopped(e.message)));
  // A clean exit comes after the worker's last message ('done'); one without it is a stop too
  // (a turn later, so that messages already delivered are taken first).
  worker.on('exit', (code) => (code === 0 ? setImmediate(() => stop(opts.stopped('it ended without finishing'))) : stop(opts.stopped(`exit code ${code}`))));
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
      wake = null;
      const m = queue.shift();
      if (!m) throw failure ?? opts.stopped('no reason given');
      if (m.type === 'error') throw m.fileError ? opts.fileError(m.message) : new Error(m.message);
      if (m.type === 'done') return;
      yield m.chunk;
      worker.postMessage(1); // room for one more chunk
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * The worker's side: sends the chunks `read` makes of the input the main thread gave, then
 * 'done', or the error that stopped it. `transfer` names each chunk's buffers to move, not copy.
 */
export function serveChunks<I, C>(read: (input: I) => AsyncIterable<C>, transfer: (chunk: C) => ArrayBuffer[], isFileError: (e: unknown) => boolean): void {
  const port = parentPort;
  if (!port) throw new Error('a chunk reader runs as a worker thread');
  const { input, window } = workerData as Envelope<I>;
  let credits = window;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits += 1;
    wake?.();
    wake = null;
  });
  const run = async (): Promise<void> => {
    try {
      for await (const chunk of read(input)) {
        while (credits <= 0) await new Promise<void>((r) => (wake = r));
        credits -= 1;
        port.postMessage({ type: 'chunk', chunk } satisfies ChunkMessage<C>, transfer(chunk));
      }
      port.postMessage({ type: 'done' } satisfies ChunkMessage<C>);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message, fileError: isFileError(e) } satisfies ChunkMessage<C>);
    }
  };
  void run();
}
