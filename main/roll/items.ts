import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { noSkips, type SkipCounts } from '../../shared/roll/types.js';
import { rollValues } from '../../shared/roll/values.js';
import { BATCH_COLUMNS, INDEX_KEYS, MAX_BATCH_ROWS, type RollBatch } from '../store/roll.js';
import { KeyOrder, RollBatchEncoder } from './batch.js';
import { readRollBatches, RollFileError, type RollReadOptions } from './read.js';
import type { WorkerInput, WorkerMessage } from './read-worker.js';

/** Rows per batch: big enough that one statement's overhead is nothing per row, small enough to stay in the young generation. */
export const BATCH_ROWS = 2048;
const WINDOW = 8;

/** A stretch of the roll file, ready for the store. */
export interface ReadBatch {
  /** Its valid rows, packed (null when it has none). */
  rows: RollBatch | null;
  /** Its rows refused while reading, in file order. */
  rejects: { rowNo: number; error: string; raw: string }[];
  /** Records read (valid, refused and skipped). */
  read: number;
  /** Rows the layout skipped on purpose (not ballots), by kind. */
  skipped: SkipCounts;
  /** Per secondary index (INDEX_KEYS order): rows whose key sorts below the previous row's. */
  descents: number[];
  progress: { bytes: number; totalBytes: number | null; rows: number } | null;
}

/**
 * Reads a roll and packs its valid rows, `batchRows` at a time (a stream's rows as they arrive).
 * Runs on this thread or in the reader's worker thread; progress rides along with the batches.
 */
export async function* packBatches(source: string | NodeJS.ReadableStream, opts: RollReadOptions, batchRows: number): AsyncGenerator<ReadBatch> {
  const encoder = new RollBatchEncoder(BATCH_COLUMNS, Math.max(1, Math.min(batchRows, MAX_BATCH_ROWS)));
  const order = new KeyOrder(INDEX_KEYS);
  let rejects: ReadBatch['rejects'] = [];
  let skipped = noSkips();
  let read = 0;
  let progress: ReadBatch['progress'] = null;
  const take = (): ReadBatch => withRows(encoder.take());
  const withRows = (rows: RollBatch | null): ReadBatch => {
    const b: ReadBatch = { rows, rejects, read, skipped, progress, descents: order.take() };
    rejects = [];
    skipped = noSkips();
    read = 0;
    progress = null;
    return b;
  };
  const { onProgress: _, ...rest } = opts;
  for await (const chunk of readRollBatches(source, { ...rest, onProgress: (p) => (progress = p) })) {
    for (const rec of chunk.records) {
      read += 1;
      if (rec.ok) {
        const values = rollValues(rec.row);
        values.push(rec.rowNo);
        const early = encoder.add(values, chunk.ascii);
        order.observe(values);
        if (early) yield withRows(early);
        if (encoder.full) yield take();
      } else if (rec.skipped) skipped[rec.skipped] += 1;
      else rejects.push({ rowNo: rec.rowNo, error: rec.error, raw: rec.raw });
    }
    if (read > 0 && typeof source !== 'string') yield take();
  }
  if (read > 0 || progress) yield take();
}

/**
 * The roll's rows in packed batches, ready for the store. A file is read on a worker thread when
 * the compiled worker is there (the installed app and CLI); a stream, or the sources run by the
 * test runner, are read on this thread. Both give the same batches of the same rows.
 */
export async function* readBatches(source: string | NodeJS.ReadableStream, opts: RollReadOptions, batchRows = BATCH_ROWS): AsyncGenerator<ReadBatch> {
  const worker = typeof source === 'string' && process.env['INTAKE_IMPORT_THREADS'] !== '0' ? workerFile() : null;
  if (worker && typeof source === 'string') {
    yield* fromWorker(worker, source, opts, batchRows);
    return;
  }
  for await (const b of packBatches(source, opts, batchRows)) {
    if (b.progress) opts.onProgress?.(b.progress);
    yield b;
  }
}

function workerFile(): URL | null {
  const url = new URL('./read-worker.js', import.meta.url);
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

async function* fromWorker(file: URL, source: string, opts: RollReadOptions, batchRows: number): AsyncGenerator<ReadBatch> {
  const { onProgress, ...rest } = opts;
  const input: WorkerInput = { source, opts: rest, batchRows, window: WINDOW };
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
      if (m.batch.progress) onProgress?.(m.batch.progress);
      yield m.batch;
      worker.postMessage(1); // room for one more batch
    }
  } finally {
    await worker.terminate();
  }
}
