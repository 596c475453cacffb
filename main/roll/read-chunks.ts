import { noSkips, type SkipCounts } from '../../shared/roll/types.js';
import { rollValues } from '../../shared/roll/values.js';
import { INDEX_KEYS } from '../store/roll/columns.js';
import { ChunkEncoder } from '../store/chunk-encoder.js';
import { CHUNK_COLUMNS, MAX_CHUNK_ROWS, type RollChunk } from '../store/roll/packed-rows.js';
import { KeyOrder } from './chunk.js';
import { readRecordChunks, RollFileError, type RollReadOptions } from './read.js';
import { chunksFromWorker, compiledWorker } from '../worker/chunk-stream.js';
import type { WorkerInput } from './read-worker.js';

/** Rows per chunk: big enough that one statement's overhead is nothing per row, small enough to stay in the young generation. */
export const CHUNK_ROWS = 2048;
const WINDOW = 8;

/** A stretch of the roll file, ready for the store. */
export interface ReadChunk {
  /** Its valid rows, packed (null when it has none). */
  rows: RollChunk | null;
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
 * Reads a roll and packs its valid rows, `chunkRows` at a time (a stream's rows as they arrive).
 * Runs on this thread or in the reader's worker thread; progress rides along with the chunks.
 */
export async function* packChunks(source: string | NodeJS.ReadableStream, opts: RollReadOptions, chunkRows: number): AsyncGenerator<ReadChunk> {
  const encoder = new ChunkEncoder(CHUNK_COLUMNS, Math.max(1, Math.min(chunkRows, MAX_CHUNK_ROWS)));
  const order = new KeyOrder(INDEX_KEYS);
  let rejects: ReadChunk['rejects'] = [];
  let skipped = noSkips();
  let read = 0;
  let progress: ReadChunk['progress'] = null;
  const take = (): ReadChunk => withRows(encoder.take());
  const withRows = (rows: RollChunk | null): ReadChunk => {
    const b: ReadChunk = { rows, rejects, read, skipped, progress, descents: order.take() };
    rejects = [];
    skipped = noSkips();
    read = 0;
    progress = null;
    return b;
  };
  const { onProgress: _, ...rest } = opts;
  for await (const chunk of readRecordChunks(source, { ...rest, onProgress: (p) => (progress = p) })) {
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
 * The roll's rows in packed chunks, ready for the store. A file is read on a worker thread when
 * the compiled worker is there (the installed app and CLI); a stream, or the sources run by the
 * test runner, are read on this thread. Both give the same chunks of the same rows.
 */
export async function* readChunks(source: string | NodeJS.ReadableStream, opts: RollReadOptions, chunkRows = CHUNK_ROWS): AsyncGenerator<ReadChunk> {
  const worker = typeof source === 'string' ? compiledWorker(new URL('./read-worker.js', import.meta.url)) : null;
  const { onProgress, ...rest } = opts;
  const chunks =
    worker && typeof source === 'string'
      ? chunksFromWorker<WorkerInput, ReadChunk>(worker, { source, opts: rest, chunkRows }, {
          window: WINDOW,
          fileError: (m) => new RollFileError(m),
          stopped: (detail) => new Error(`the roll reader stopped (${detail})`),
        })
      : packChunks(source, rest, chunkRows);
  for await (const b of chunks) {
    if (b.progress) onProgress?.(b.progress);
    yield b;
  }
}
