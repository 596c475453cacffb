/**
 * The station log for the rest of the code: `oplog.event(store, id, disposition, message)` from
 * wherever something happens to the station. The log sits beside the store's database; a store
 * in memory (tests, tools) has none. Writing the log never gets in the way of the station: if
 * the disk refuses it, that is said once on stderr and the work goes on.
 */
import type { Disposition, OplogEntry, OplogEventId } from '../../shared/oplog/events.js';
import { logFileFor, StationLog } from './station-log.js';

export { logFileFor, StationLog } from './station-log.js';

/** Anything that knows its database file: a Store, or the path itself. */
export type LogPlace = { readonly path: string } | string;

const logs = new Map<string, StationLog>();
let complained = false;

/** The log of the station whose database is at `place`, or null for a database in memory. */
export function stationLog(place: LogPlace): StationLog | null {
  const dbPath = typeof place === 'string' ? place : place.path;
  if (dbPath === ':memory:' || dbPath === '') return null;
  const file = logFileFor(dbPath);
  let log = logs.get(file);
  if (!log) {
    log = new StationLog(file);
    logs.set(file, log);
  }
  return log;
}

export const oplog = {
  event(place: LogPlace, event: OplogEventId, disposition: Disposition, message: string): void {
    try {
      stationLog(place)?.event(event, disposition, message);
    } catch (e) {
      if (complained) return;
      complained = true;
      process.stderr.write(`station log: cannot write (${(e as Error).message}); the station goes on without it\n`);
    }
  },

  /** The last `n` events, oldest first. */
  tail(place: LogPlace, n: number): OplogEntry[] {
    return stationLog(place)?.tail(n) ?? [];
  },
};
