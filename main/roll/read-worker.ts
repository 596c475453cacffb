import { parentPort, workerData } from 'node:worker_threads';
import { rollValues, type RollItem } from '../../shared/roll/values.js';
import { readRollBatches, RollFileError, type RollReadOptions } from './read.js';

/**
 * The roll reader on a thread of its own (see items.ts): decoding, tokenizing, mapping and
 * validating a state-sized file takes one core while the main thread inserts on the other.
 * Batches go out as plain arrays (cheap to copy between threads); at most WINDOW batches are
 * in flight, so a slow database never lets the file pile up in memory.
 */
export interface WorkerInput {
  source: string;
  opts: Omit<RollReadOptions, 'onProgress'>;
  batchRows: number;
  window: number;
}
export type WorkerMessage =
  | { type: 'batch'; items: RollItem[]; progress: { bytes: number; totalBytes: number | null; rows: number } | null }
  | { type: 'done' }
  | { type: 'error'; message: string; fileError: boolean };

const port = parentPort;
if (!port) throw new Error('read-worker runs as a worker thread');
const input = workerData as WorkerInput;

let credits = input.window;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits += 1;
  wake?.();
  wake = null;
});

async function run(): Promise<void> {
  let items: RollItem[] = [];
  let progress: { bytes: number; totalBytes: number | null; rows: number } | null = null;
  const send = async () => {
    while (credits <= 0) await new Promise<void>((r) => (wake = r));
    credits -= 1;
    port?.postMessage({ type: 'batch', items, progress } satisfies WorkerMessage);
    items = [];
    progress = null;
  };
  try {
    for await (const batch of readRollBatches(input.source, { ...input.opts, onProgress: (p) => (progress = p) })) {
      for (const rec of batch) items.push(rec.ok ? { rowNo: rec.rowNo, ok: true, values: rollValues(rec.row) } : rec);
      if (items.length >= input.batchRows) await send();
    }
    if (items.length > 0) await send();
    port?.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (e) {
    port?.postMessage({ type: 'error', message: (e as Error).message, fileError: e instanceof RollFileError } satisfies WorkerMessage);
  }
}
void run();
