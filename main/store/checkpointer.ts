import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves WAL checkpoints off the scanning thread. By default SQLite checkpoints inside whichever
 * commit pushes the WAL past 1,000 pages: with several pages written per scan, one scan in a
 * hundred would copy the log into the database and fsync it before its verdict. A long-running
 * station (the app, `intake serve`, `intake scan`) runs this instead: a thread with its own
 * connection runs PASSIVE checkpoints (which never block a writer) every `intervalMs`, and the
 * scanning connection's automatic checkpoint is raised to a safety net it should never reach.
 * A scan's commit then fsyncs only its own WAL frames.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage(String(e && e.message)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export function startCheckpointer(file: string, intervalMs = 500, onError: (message: string) => void = () => undefined): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  worker.on('message', (m: string) => onError(m));
  worker.on('error', (e) => onError(e.message));
  worker.unref();
  return {
    stop: async () => {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}

const ONCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 1000');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage(null);
} catch (e) {
  parentPort.postMessage(String(e && e.message));
} finally {
  db.close();
}
`;

/**
 * One PASSIVE checkpoint on a thread and a connection of its own: the log of a bulk load copied
 * into the database while this thread goes on with the load's closing work (building its
 * indexes), so that the final checkpoint has only that work's pages left to copy. Resolves when it
 * is over, with the error it met, if any (a checkpoint left undone is no fault: the final one does it).
 */
export function checkpointOnce(file: string): Promise<string | null> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(ONCE, { eval: true, workerData: { file, driver } });
  return new Promise((resolve) => {
    let said: string | null = null;
    worker.on('message', (m: string | null) => (said = m));
    worker.on('error', (e) => (said = e.message));
    worker.on('exit', () => resolve(said));
  });
}
