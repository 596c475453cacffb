import { serveChunks } from '../worker/chunk-stream.js';
import { packChunks, type ReadChunk } from './read-chunks.js';
import { RollFileError, type RollReadOptions } from './read.js';

/** The roll reader on a thread of its own (see read-chunks.ts and worker/chunk-stream.ts). */
export interface WorkerInput {
  source: string;
  opts: Omit<RollReadOptions, 'onProgress'>;
  chunkRows: number;
}

serveChunks<WorkerInput, ReadChunk>(
  (input) => packChunks(input.source, input.opts, input.chunkRows),
  (chunk) => (chunk.rows ? [chunk.rows.data.buffer as ArrayBuffer] : []),
  (e) => e instanceof RollFileError,
);
