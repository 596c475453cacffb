import { availableParallelism } from 'node:os';
import type { Db } from './db.js';

const SORT_THREADS = Math.min(4, Math.max(1, availableParallelism()));

/**
 * Runs `build` (CREATE INDEX statements over a table just loaded) with SQLite's sorter on worker
 * threads, in runs sized by the page cache: small runs sort within the CPU's caches and merge on
 * the threads. The connection's settings are back after, whatever happens.
 */
export function withSortThreads<T>(db: Db, build: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`threads = ${SORT_THREADS}`);
  db.pragma('cache_size = -2048');
  try {
    return build();
  } finally {
    db.pragma(`cache_size = ${cache}`);
    db.pragma('threads = 0');
  }
}
