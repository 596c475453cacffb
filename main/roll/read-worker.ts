import { parentPort, workerData } from 'node:worker_threads';
import { packChunks, type ReadChunk } from './read-chunks.js';
import { RollFileError, type RollReadOptions } from './read.js';

/**
 * The roll reader on a thread of its own (see read-chunks.ts): decoding, tokenizing, validating and
 * packing a state-sized file takes one core while the main thread inserts on the other. Each
 * chunk's bytes are transferred, not copied; at most `window` chunks are in flight, so a slow
 * database never lets the file pile up in memory.
 */
export interface WorkerInput {
  source: string;
  opts: Omit<RollReadOptions, 'onProgress'>;
  chunkRows: number;
  window: number;
}
export type WorkerMessage = { type: 'chunk'; chunk: ReadChunk } | { type: 'done' } | { type: 'error'; message: string; fileError: boolean };

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
    for await (const chunk of packChunks(input.source, input.opts, input.chunkRows)) {
      while (credits <= 0) await new Promise<void>((r) => (wake = r));
      credits -= 1;
      const transfer = chunk.rows ? [chunk.rows.data.buffer as ArrayBuffer] : [];
      port?.postMessage({ type: 'chunk', chunk } satisfies WorkerMessage, transfer);
    }
    port?.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (e) {
    port?.postMessage({ type: 'error', message: (e as Error).message, fileError: e instanceof RollFileError } satisfies WorkerMessage);
  }
}
void run();
