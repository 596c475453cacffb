import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { rollValues, type RollItem } from '../../shared/roll/values.js';
import { readRollBatches, RollFileError, type RollReadOptions } from './read.js';
import type { WorkerInput, WorkerMessage } from './read-worker.js';

const BATCH_ROWS = 2000;
const WINDOW = 8;

/**
 * The roll's rows in batches, ready for the store. A file is read on a worker thread when the
 * compiled worker is there (the installed app and CLI); a stream, or the sources run by the test
 * runner, are read on this thread. Both give the same items in the same order.
 */
export async function* readItems(source: string | NodeJS.ReadableStream, opts: RollReadOptions): AsyncGenerator<RollItem[]> {
  const worker = typeof source === 'string' && process.env['INTAKE_IMPORT_THREADS'] !== '0' ? workerFile() : null;
  if (worker && typeof source === 'string') {
    yield* fromWorker(worker, source, opts);
    return;
  }
  for await (const batch of readRollBatches(source, opts)) yield batch.map((rec): RollItem => (rec.ok ? { rowNo: rec.rowNo, ok: true, values: rollValues(rec.row) } : rec));
}

function workerFile(): URL | null {
  const url = new URL('./read-worker.js', import.meta.url);
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

async function* fromWorker(file: URL, source: string, opts: RollReadOptions): AsyncGenerator<RollItem[]> {
  const { onProgress, ...rest } = opts;
  const input: WorkerInput = { source, opts: rest, batchRows: BATCH_ROWS, window: WINDOW };
  const worker = new Worker(file, { workerData: input });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`the roll reader stopped (exit ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
      wake = null;
      const m = queue.shift();
      if (!m) throw failure ?? new Error('the roll reader stopped');
      if (m.type === 'error') throw m.fileError ? new RollFileError(m.message) : new Error(m.message);
      if (m.type === 'done') return;
      if (m.progress) onProgress?.(m.progress);
      yield m.items;
      worker.postMessage(1); // room for one more batch
    }
  } finally {
    await worker.terminate();
  }
}
