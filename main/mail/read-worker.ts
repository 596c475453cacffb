import { serveChunks } from '../worker/chunk-stream.js';
import { MailFileError } from './layout.js';
import { packMailFile, type MailChunk, type MailWorkerInput } from './read-chunks.js';

/** The mail file reader on a thread of its own (see read-chunks.ts and worker/chunk-stream.ts). */
serveChunks<MailWorkerInput, MailChunk>(
  packMailFile,
  (chunk) => (chunk.rows ? [chunk.rows.data.buffer as ArrayBuffer] : []),
  (e) => e instanceof MailFileError,
);
