/**
 * The station log: JSON lines written by pino into a size-rotated file in the data folder,
 * `<folder of the database>/logs/station.log`. Each line has the time, the event ID (one of
 * shared/oplog/events.ts), a disposition, a message in plain words and the writing process.
 * Messages are about the station, never a voter: callers pass ballot, batch and case IDs only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { oplogEntrySchema, type Disposition, type OplogEntry, type OplogEventId } from '../../shared/oplog/events.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

export const LOG_DEFAULTS: RotatingFileOptions = { maxBytes: 5 * 1024 * 1024, keep: 5 };
/** A message longer than this is cut: one event is one readable line, whatever an error said. */
export const MAX_MESSAGE = 2000;

/** `<folder of the database>/logs/station.log`. */
export function logFileFor(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), 'logs', 'station.log');
}

/**
 * Characters JSON may carry raw but a terminal or an editor would act on (DEL, the C1 controls
 * such as CSI, line and paragraph separators, bidirectional overrides): written as \u escapes.
 * pino already escapes the C0 controls (ESC, CR, LF…). Parsed back, the message is unchanged.
 */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapeUnsafe = (line: string): string =>
  line.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export class StationLog {
  readonly out: RotatingFile;
  private readonly logger: Logger;

  constructor(readonly file: string, opts: RotatingFileOptions = LOG_DEFAULTS) {
    this.out = new RotatingFile(file, opts);
    const out = this.out;
    const destination = { write: (line: string) => out.write(escapeUnsafe(line)) };
    this.logger = pino(
      {
        base: { pid: process.pid },
        messageKey: 'message',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    );
  }

  /** Appends one event; a failure to write (disk full…) is thrown to the caller. */
  event(event: OplogEventId, disposition: Disposition, message: string): void {
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (cut)` : message;
    if (disposition === 'failure') this.logger.warn({ event, disposition }, text);
    else this.logger.info({ event, disposition }, text);
  }

  /**
   * The last `n` events, oldest first, across the rotated files; unreadable lines are skipped.
   * `currentBytes` reads the current file only that far (a follower goes on from there).
   */
  tail(n: number, currentBytes?: number): OplogEntry[] {
    const found: OplogEntry[] = [];
    for (const file of this.out.files()) {
      const lines = readLines(file, file === this.file ? currentBytes : undefined);
      for (let i = lines.length - 1; i >= 0 && found.length < n; i -= 1) {
        const entry = parseEntry(lines[i] ?? '');
        if (entry) found.push(entry);
      }
      if (found.length >= n) break;
    }
    return found.reverse();
  }
}

function readLines(file: string, bytes?: number): string[] {
  try {
    const data = fs.readFileSync(file);
    return (bytes === undefined ? data : data.subarray(0, bytes)).toString('utf8').split('\n');
  } catch (e) {
    // Rotated away between listing and reading.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** One line as an entry, or null (blank, torn by a crash mid-write, or not ours). */
export function parseEntry(line: string): OplogEntry | null {
  if (line.trim() === '') return null;
  try {
    const r = oplogEntrySchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
