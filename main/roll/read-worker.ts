import { parentPort, workerData } from 'node:worker_threads';
import { packBatches, type ReadBatch } from './items.js';
import { RollFileError, type RollReadOptions } from './read.js';

/**
 * The roll reader on a thread of its own (see items.ts): decoding, tokenizing, validating and
 * packing a state-sized file takes one core while the main thread inserts on the other. Each
 * batch's bytes are transferred, not copied; at most `window` batches are in flight, so a slow
 * database never lets the file pile up in memory.
 */
export interface WorkerInput {
  source: string;
  opts: Omit<RollReadOptions, 'onProgress'>;
  batchRows: number;
  window: number;
}
export type WorkerMessage = { type: 'batch'; batch: ReadBatch } | { type: 'done' } | { type: 'error'; message: string; fileError: boolean };

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
  try {
    for await (const batch of packBatches(input.source, input.opts, input.batchRows)) {
      while (credits <= 0) await new Promise<void>((r) => (wake = r));
      credits -= 1;
      const transfer = batch.rows ? [batch.rows.data.buffer as ArrayBuffer] : [];
      port?.postMessage({ type: 'batch', batch } satisfies WorkerMessage, transfer);
    }
    port?.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (e) {
    port?.postMessage({ type: 'error', message: (e as Error).message, fileError: e instanceof RollFileError } satisfies WorkerMessage);
  }
}
void run();
