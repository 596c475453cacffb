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
