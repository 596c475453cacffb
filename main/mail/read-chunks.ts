/**
 * A mail file's events, read, checked and packed for the store (store/mail-chunk.ts), with the
 * records refused on the way: on a worker thread of its own for a file (worker/chunk-stream.ts:
 * reading, splitting and checking ten million lines takes one core while the main thread
 * inserts on the other), or on this thread (records that came another way, a build without the
 * compiled worker). Both give the same chunks.
 */
import { PieceBallots, type PieceBallotsData } from '../store/mail-ballots.js';
import { MailEventPacker } from '../store/mail-chunk.js';
import { MailPlaces, type MailPlace, type MailPlacesData } from '../store/mail-places.js';
import type { PackedChunk } from '../store/packed-rows.js';
import { chunksFromWorker, compiledWorker } from '../worker/chunk-stream.js';
import { MailFileError, toMailEvent, type ParsedBatch } from './layout.js';
import { readDelimited } from './read-delimited.js';
import { readDelimitedChunks, type FilePart } from './read-delimited-bytes.js';
import { BATCH_LINES } from './read-lines.js';
import { readJson } from './read-json.js';

/** The formats of a mail file (see import.ts). */
export type MailFileFormat = 'ivmtr-delimited' | 'ivmtr-json';

/** A stretch of the file, ready for the store. */
export interface MailChunk {
  /** Its new events, packed (null when it has none). */
  rows: PackedChunk | null;
  /** The places (store/mail-places.ts) first given a number since the chunk before: the store keeps them before the rows. */
  places: MailPlace[];
  /** Records refused, in file order. */
  rejects: { lineNo: number; error: string; raw: string }[];
  /** Records read (valid and refused). */
  read: number;
  /** Events left out as a repeat of one just before (store/mail-chunk.ts): duplicates. */
  nearRepeats: number;
}

/** Chunks in flight between the reader's thread and the store's, at most. */
const WINDOW = 8;

/**
 * Records' checks and packing. The packer looks for repeats over windows of `perWindow` batches
 * (see MailEventPacker: a window is the import's batch of BATCH_LINES lines, whatever the size of
 * the batches it is read in), and the rest of each window goes out as a chunk with its rejects,
 * so rejects never pile up.
 */
export async function* packMailChunks(batches: AsyncIterable<ParsedBatch>, ballots: PieceBallots, chunkRows?: number, perWindow = 1, places = new MailPlaces()): AsyncGenerator<MailChunk> {
  const packer = new MailEventPacker(ballots, chunkRows, places);
  let rejects: MailChunk['rejects'] = [];
  let read = 0;
  let near = packer.nearRepeats;
  const chunk = (rows: PackedChunk | null): MailChunk => {
    const c: MailChunk = { rows, places: places.take(), rejects, read, nearRepeats: packer.nearRepeats - near };
    rejects = [];
    read = 0;
    near = packer.nearRepeats;
    return c;
  };
  const ready: PackedChunk[] = [];
  let inWindow = 0;
  for await (const batch of batches) {
    for (const p of batch) {
      read += 1;
      if ('error' in p) {
        rejects.push({ lineNo: p.lineNo, error: p.error, raw: p.raw });
        continue;
      }
      const e = toMailEvent(p.record);
      if (!e.ok) {
        rejects.push({ lineNo: p.lineNo, error: e.error, raw: p.raw });
        continue;
      }
      packer.add(e.value, ready);
      for (const rows of ready) yield chunk(rows);
      ready.length = 0;
    }
    if (++inWindow < perWindow) continue;
    inWindow = 0;
    packer.endBatch();
    const rest = packer.take();
    if (rest || read > 0) yield chunk(rest);
  }
  if (inWindow > 0) {
    const rest = packer.take();
    if (rest || read > 0) yield chunk(rest);
  }
}

/**
 * A delimited file's chunks by the string path alone (readDelimited, a batch of records at a
 * time): what readDelimitedChunks' fast path is held to (test/mail/read-bytes.test.ts). Read in
 * batches of READ_LINES = BATCH_LINES / 8 lines: a batch of records in flight is young garbage,
 * not a survivor that every minor GC copies.
 */
const READ_LINES = 1024;
export function packDelimitedStrings(file: string, ballots: PieceBallots, chunkRows?: number, places = new MailPlaces()): AsyncGenerator<MailChunk> {
  return packMailChunks(readDelimited(file, READ_LINES), ballots, chunkRows, BATCH_LINES / READ_LINES, places);
}

/** What the reader's worker is given. */
export interface MailWorkerInput {
  file: string;
  format: MailFileFormat;
  /** The roll's IMbs and ballots (store/mail-ballots.ts), as plain arrays. */
  ballots: PieceBallotsData;
  /** The places already kept (store/mail-places.ts). */
  places: MailPlacesData;
  chunkRows: number | undefined;
  /** The part of the file to read (a delimited file read by two readers: mail/import.ts), and the least number its new places get. */
  part?: { bytes: FilePart; firstNewPlace: number };
}

/** The chunks of a whole file: a delimited one read as bytes (read-delimited-bytes.ts), a JSON one as packMailChunks reads it. */
export async function* packMailFile(input: MailWorkerInput): AsyncGenerator<MailChunk> {
  try {
    const ballots = new PieceBallots(input.ballots);
    const places = new MailPlaces(input.places, input.part?.firstNewPlace);
    if (input.format === 'ivmtr-json') {
      if (input.part) throw new Error('unreachable: a JSON file is read whole');
      yield* packMailChunks(readJson(input.file), ballots, input.chunkRows, 1, places);
    } else yield* readDelimitedChunks(input.file, ballots, input.chunkRows, places, input.part?.bytes);
  } catch (e) {
    // The file system's own error (EACCES, EISDIR, EIO), said as what it stopped.
    if (typeof (e as { code?: unknown }).code === 'string' && !(e instanceof MailFileError)) throw new Error(`cannot read the file: ${(e as Error).message}`);
    throw e;
  }
}

/** The compiled reader worker beside this module, when there is one (the installed app and CLI). */
export function mailReaderWorker(): URL | null {
  return compiledWorker(new URL('./read-worker.js', import.meta.url));
}

/**
 * A mail file's chunks, each event with its ballot from `ballots`: read by the worker script
 * `worker` (by default the compiled reader worker, when there is one), or on this thread when it is null.
 */
export function readMailChunks(
  file: string,
  format: MailFileFormat,
  ballots: PieceBallots,
  worker: URL | null = mailReaderWorker(),
  chunkRows?: number,
  places: MailPlacesData = { known: [] },
  part?: MailWorkerInput['part'],
): AsyncGenerator<MailChunk> {
  const input: MailWorkerInput = { file, format, ballots: ballots.data, places, chunkRows, ...(part ? { part } : {}) };
  if (!worker) return packMailFile(input);
  return chunksFromWorker<MailWorkerInput, MailChunk>(worker, input, {
    window: WINDOW,
    fileError: (m) => new MailFileError(m),
    stopped: (detail) => new Error(`the reader of the mail file stopped before the end of the file (${detail})`),
  });
}
