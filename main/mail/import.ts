/**
 * Imports a USPS IV-MTR piece-scan file (delimited or JSON), streamed in constant memory: each
 * record read, checked and packed for the store (read-chunks.ts: on a worker thread of its own
 * for a file); a bad one goes to the rejects file with its line number and the rest is imported;
 * events are matched to ballots and deduplicated by the store (store/mail-load.ts). One import at a time per database (in this process: a queue; across
 * processes: a lock file). Mail events never touch a receipt, a scan or a verdict.
 */
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { oplog } from '../oplog/index.js';
import { rejectsPathFor } from '../roll/import.js';
import { RejectsWriter } from '../roll/rejects.js';
import { AuditLog } from '../store/audit.js';
import { checkpointOnce } from '../store/checkpointer.js';
import { takeLockFile } from '../store/lock-file.js';
import { mailEventWriter, recoverMailLoad, type MailEventWriter } from '../store/mail-load.js';
import { MailPlaces } from '../store/mail-places.js';
import type { Store } from '../store/store.js';
import type { ParsedBatch } from './layout.js';
import { mailReaderWorker, packMailChunks, readMailChunks, type MailChunk, type MailFileFormat, type MailWorkerInput } from './read-chunks.js';
import { splitPoint } from './read-delimited-bytes.js';

export const MAIL_FORMATS = ['ivmtr-delimited', 'ivmtr-json'] as const satisfies readonly MailFileFormat[];
export type MailFormat = (typeof MAIL_FORMATS)[number];
/** Every source of events: a file in one of MAIL_FORMATS, or records fetched from the IV-MTR API. */
export type MailSourceFormat = MailFormat | 'ivmtr-api';

export interface MailImportOptions {
  format: MailSourceFormat;
  operator: string;
  /** Where rejected records go; default `<input>.rejects.csv` beside the file. */
  rejectsFile?: string;
  onProgress?: (p: { records: number }) => void;
}

export interface MailImportSummary {
  importId: number;
  file: string;
  format: MailSourceFormat;
  /** Records read (scan lines or scan objects), rejected ones included. */
  read: number;
  /** New events kept. */
  imported: number;
  /** Events already kept (this file or an earlier one): kept once. */
  duplicates: number;
  /** New events whose IMb (mailer ID + serial) matches no ballot of the roll: kept, not attached. */
  unknownImbs: number;
  rejected: number;
  rejectsFile: string | null;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs imports of one database one after another in this process. */
export function queued<T>(dbPath: string, run: () => Promise<T>): Promise<T> {
  const before = queues.get(dbPath) ?? Promise.resolve();
  const next = before.then(run, run);
  const settled = next.catch(() => undefined);
  queues.set(dbPath, settled);
  void settled.then(() => {
    if (queues.get(dbPath) === settled) queues.delete(dbPath);
  });
  return next;
}

/**
 * A delimited file this size or more, loaded into an empty table (a county's first, state-sized
 * file), is read by two readers at once, one on each half, when the machine has two cores or
 * more: one reader takes a core for the whole load (BENCHMARKS.md, "Mail import").
 * `INTAKE_MAIL_READERS=1` keeps to one reader.
 */
export const SPLIT_BYTES = 64 * 1024 * 1024;

export interface MailFileImportOptions extends MailImportOptions {
  format: MailFormat;
  /**
   * The worker script that reads the file (read-chunks.ts): by default the compiled reader beside
   * this module when there is one (the installed app and CLI); null reads on this thread.
   */
  reader?: URL | null;
  /** The size from which a file is read in two halves at once (default SPLIT_BYTES; Infinity: never). */
  splitBytes?: number;
}

export function importMailFile(store: Store, file: string, opts: MailFileImportOptions): Promise<MailImportSummary> {
  return queued(store.path, () => logged(store, file, opts, () => importNow(store, file, opts, (writer) => fileParts(file, opts, writer))));
}

/** The file's chunks: from one reader, or from two, each on a part of the file (SPLIT_BYTES), the second part's for addChunk's part 1. */
function fileParts(file: string, opts: MailFileImportOptions, writer: MailEventWriter): AsyncIterable<MailChunk>[] {
  const worker = opts.reader === undefined ? mailReaderWorker() : opts.reader;
  const read = (part?: MailWorkerInput['part']) => readMailChunks(file, opts.format, writer.ballots, worker, undefined, writer.places, part);
  if (!worker || opts.format !== 'ivmtr-delimited' || availableParallelism() < 2 || process.env['INTAKE_MAIL_READERS'] === '1') return [read()];
  let at: number | null = null;
  try {
    at = splitPoint(file, opts.splitBytes ?? SPLIT_BYTES);
  } catch {
    // The reader says what is wrong with the file, in its own words.
  }
  const firstNewPlace = at === null ? null : writer.splitAt(at);
  if (at === null || firstNewPlace === null) return [read()];
  return [read({ bytes: { from: 0, to: at }, firstNewPlace: 1 }), read({ bytes: { from: at, to: Infinity }, firstNewPlace })];
}

/**
 * Imports records that came another way (the IV-MTR API: `format: 'ivmtr-api'`, `label` naming the
 * query, records made with read-json.ts parsedFromObject): the same checks, matching, dedupe,
 * rejects file (give `rejectsFile`), counts, audit entry and one-at-a-time rule as a file.
 */
export function importMailRecords(store: Store, label: string, batches: AsyncIterable<ParsedBatch>, opts: MailImportOptions & { rejectsFile: string }): Promise<MailImportSummary> {
  return queued(store.path, () => logged(store, label, opts, () => importNow(store, label, opts, (writer) => [packMailChunks(batches, writer.ballots, undefined, 1, new MailPlaces(writer.places))])));
}

async function logged(store: Store, file: string, opts: MailImportOptions, run: () => Promise<MailImportSummary>): Promise<MailImportSummary> {
  const what = `mail import of ${path.basename(file)} (${opts.format}, by ${opts.operator})`;
  oplog.event(store, 'mail.import_started', 'na', `${what} started`);
  try {
    const s = await run();
    oplog.event(store, 'mail.import_finished', 'success', `${what} finished: ${summaryWords(s)}`);
    return s;
  } catch (e) {
    oplog.event(store, 'mail.import_failed', 'failure', `${what} failed: ${(e as Error).message}`);
    throw e;
  }
}

export function takeMailLock(dbPath: string): () => void {
  if (dbPath === ':memory:') return () => undefined;
  return takeLockFile(`${dbPath}.mail-import-lock`, {
    sameProcessHolds: false,
    held: (h) => new Error(`another mail import is running on this database (process ${h.pid}, since ${h.since}): wait for it to finish`),
    failed: (e) => new Error(`cannot lock the mail events for import: ${e.message}`),
  });
}

/**
 * `source`: the events' chunks, from one reader or two (each a part of the file, in file order),
 * each event packed with its ballot from the writer's `ballots` (the roll's IMbs as the import
 * begins) and its place numbered from its `places` (those kept as it begins).
 */
async function importNow(
  store: Store,
  file: string,
  opts: MailImportOptions,
  source: (writer: MailEventWriter) => AsyncIterable<MailChunk>[],
): Promise<MailImportSummary> {
  const release = takeMailLock(store.path);
  const rejectsFile = opts.rejectsFile ?? rejectsPathFor(file);
  const rejects = new RejectsWriter(rejectsFile);
  // The second part's rejects, until the first part's are all written (then appended).
  const partRejects = new RejectsWriter(`${rejectsFile}.part`, false);
  let writer: MailEventWriter | null = null;
  const counts = { read: 0, imported: 0, duplicates: 0, unknownImbs: 0 };
  let importId = 0;
  try {
    fs.rmSync(rejectsFile, { force: true });
    fs.rmSync(partRejects.path, { force: true });
    recoverMailLoad(store.db);
    importId = store.write(
      () =>
        store.db
          .prepare('INSERT INTO mail_imports (started_at, file, format, operator) VALUES (?, ?, ?, ?)')
          .run(new Date().toISOString(), opts.format === 'ivmtr-api' ? file : path.resolve(file), opts.format, opts.operator).lastInsertRowid,
    ) as number;
    const w = mailEventWriter(store.db, importId);
    writer = w;
    // Both parts at once: each chunk in as it comes; the first failure stops the other part.
    const failed: unknown[] = [];
    await Promise.all(
      source(w).map(async (chunks, part) => {
        try {
          for await (const chunk of chunks) {
            if (failed.length > 0) break;
            counts.read += chunk.read;
            for (const r of chunk.rejects) (part === 0 ? rejects : partRejects).add(r.lineNo, r.error, r.raw);
            add(counts, w.addChunk(chunk.rows, chunk.nearRepeats, chunk.places, part === 0 ? 0 : 1));
            opts.onProgress?.({ records: counts.read });
            // Let the rejects stream drain between chunks (a file of nothing but bad lines).
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        } catch (e) {
          failed.push(e);
        }
      }),
    );
    if (failed.length > 0) throw failed[0];
    await rejects.append(partRejects);
    await rejects.close();
    return await finish(store, file, opts, importId, w, counts, rejects.count > 0 ? rejectsFile : null, rejects.count);
  } catch (e) {
    writer?.abort();
    await partRejects.discard();
    await rejects.close().catch(() => undefined);
    if (importId > 0) store.write(() => recordCounts(store, importId, counts, rejects.count, null, null));
    throw e;
  } finally {
    release();
  }
}

function add(into: { imported: number; duplicates: number; unknownImbs: number }, c: { imported: number; duplicates: number; unknownImbs: number }): void {
  into.imported += c.imported;
  into.duplicates += c.duplicates;
  into.unknownImbs += c.unknownImbs;
}

type Counts = { read: number; imported: number; duplicates: number; unknownImbs: number };

/** The import's row: its counts so far, and when it finished (null: it did not). */
function recordCounts(store: Store, importId: number, c: Counts, rejected: number, rejectsFile: string | null, finishedAt: string | null): void {
  store.db
    .prepare(
      `UPDATE mail_imports SET read = ?, imported = ?, duplicates = ?, unknown_imbs = ?, rejected = ?, rejects_file = ?, finished_at = ?
       WHERE import_id = ?`,
    )
    .run(c.read, c.imported, c.duplicates, c.unknownImbs, rejected, rejectsFile, finishedAt, importId);
}

/**
 * The closing transaction: the load put in place (into an empty table), the counts, the audit
 * entry. After a bulk load, the load's log is copied into the database on another thread while
 * this one builds the indexes (checkpointOnce), and the rest of it after.
 */
async function finish(
  store: Store,
  file: string,
  opts: MailImportOptions,
  importId: number,
  writer: MailEventWriter,
  counts: Counts,
  rejectsFile: string | null,
  rejected: number,
): Promise<MailImportSummary> {
  const copying = writer.bulk && store.path !== ':memory:' ? checkpointOnce(store.path) : null;
  const finishedAt = new Date().toISOString();
  store.write(() => {
    const f = writer.finish();
    if (f.final) Object.assign(counts, { imported: f.imported, duplicates: f.duplicates, unknownImbs: f.unknownImbs });
    recordCounts(store, importId, counts, rejected, rejectsFile, finishedAt);
    new AuditLog(store.db).append(
      {
        actor: opts.operator,
        action: 'mail.import',
        entity: 'mail_import',
        entityId: String(importId),
        before: null,
        after: { file: path.basename(file), format: opts.format, ...counts, rejected },
      },
      finishedAt,
    );
  });
  writer.done();
  if (copying) {
    await copying;
    store.db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return { importId, file: opts.format === 'ivmtr-api' ? file : path.resolve(file), format: opts.format, ...counts, rejected, rejectsFile };
}

const n = (x: number) => x.toLocaleString('en-US');

/** The import in one plain sentence or two. */
export function summaryWords(s: Pick<MailImportSummary, 'read' | 'imported' | 'duplicates' | 'unknownImbs' | 'rejected' | 'rejectsFile'>): string {
  if (s.read === 0) return 'The file holds no USPS scans: nothing was imported.';
  const parts = [`${n(s.imported)} new`, `${n(s.duplicates)} already here`];
  if (s.rejected > 0) parts.push(`${n(s.rejected)} rejected${s.rejectsFile ? ` (see ${path.basename(s.rejectsFile)})` : ''}`);
  let text = `Read ${n(s.read)} USPS scans: ${parts.join(', ')}.`;
  if (s.unknownImbs > 0) text += ` ${n(s.unknownImbs)} of the new scans carry an IMb that matches no ballot in the roll (kept, not attached).`;
  return text;
}
