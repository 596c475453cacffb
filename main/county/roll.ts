import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ServiceError } from '../../shared/errors.js';
import { importRoll, type ImportSummary } from '../roll/import.js';
import { openPrivateSync } from '../store/private-file.js';
import { ballotsForPublish, PUBLISH_COLUMNS, type PublishRow } from '../store/roll/publish.js';
import type { Store } from '../store/store.js';
import type { HubReader } from './hub-reader.js';

/**
 * The county roll (docs/county.md): imported once at one station, published to the hub in
 * chunks, pulled by every station whose rollSource is "county". A pull writes the version to a
 * private CSV in the station layout (county-roll-v<N>.csv beside the database, 0600) and runs it
 * through the ordinary import, so the merge, the audit entry, the station log and the one-import
 * lock are the same as for a file a supervisor imports; the file is removed afterwards and its
 * name, kept in the roll's import history, says which county version this station holds.
 */
export const PUBLISH_CHUNK = 5000;
const PULL_PAGE = 10_000;
const VERSION_FILE = /county-roll-v(\d+)\.csv$/;

export async function publishRoll(store: Store, hub: HubReader, onProgress?: (sent: number) => void): Promise<{ version: number; rows: number }> {
  if (store.roll.isEmpty()) throw new ServiceError('invalid', 'This station has no roll to publish: import the roll file here first (intake roll import FILE).');
  const version = Number(await hub.call<string>('SELECT intake.roll_publish_begin() AS v', [], 'Cannot publish the roll'));
  let chunk: PublishRow[] = [];
  let sent = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    await hub.call('SELECT intake.roll_publish_rows($1, $2, $3::jsonb) AS v', [version, sent + 1, JSON.stringify(chunk)], 'Cannot publish the roll');
    sent += chunk.length;
    chunk = [];
    onProgress?.(sent);
  };
  // Rows are read from SQLite while chunks go out: at most one chunk is held in memory.
  for (const row of ballotsForPublish(store.db)) {
    chunk.push(row);
    if (chunk.length >= PUBLISH_CHUNK) await flush();
  }
  await flush();
  const done = await hub.call<{ version: number; rows: number }>('SELECT intake.roll_publish_finish($1, $2) AS v', [version, sent], 'Cannot publish the roll');
  return { version: Number(done.version), rows: Number(done.rows) };
}

/** The county roll version this station last pulled (0: none). */
export function countyRollVersionHere(store: Store): number {
  const file = store.roll.stats().lastImport?.file ?? '';
  const m = VERSION_FILE.exec(file);
  return m ? Number(m[1]) : 0;
}

export interface CountyRollPull {
  version: number;
  pulled: boolean;
  summary: ImportSummary | null;
}

/** Pulls the hub's newest roll version when it is newer than this station's (or `force`). */
export async function pullCountyRoll(store: Store, hub: HubReader, operator: string, opts: { force?: boolean } = {}): Promise<CountyRollPull> {
  const current = await hub.call<{ version?: number; rows?: number }>('SELECT intake.roll_current() AS v', [], 'Cannot pull the county roll');
  if (current.version === undefined) throw new ServiceError('not-found', 'No roll has been published to the county hub yet: a supervisor publishes one with intake roll publish.');
  const version = Number(current.version);
  if (!opts.force && version <= countyRollVersionHere(store)) return { version, pulled: false, summary: null };
  const file = path.join(path.dirname(path.resolve(store.path)), `county-roll-v${version}.csv`);
  const fd = openPrivateSync(file, 'w');
  try {
    fs.writeSync(fd, stringify([[...PUBLISH_COLUMNS]]));
    for (let after = 0; ; ) {
      const rows = await hub.call<PublishRow[]>('SELECT intake.roll_page($1, $2, $3) AS v', [version, after, PULL_PAGE], 'Cannot pull the county roll');
      if (rows.length === 0) break;
      fs.writeSync(fd, stringify(rows.map((r) => PUBLISH_COLUMNS.map((c) => r[c] ?? ''))));
      after += rows.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  try {
    const summary = await importRoll(store, file, { format: 'station', operator, rejectsFile: `${file}.rejects.csv` });
    return { version, pulled: true, summary };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const following = new WeakSet<Store>();

/**
 * For the running station (the replicator calls it after each pull round): when this station
 * follows the county roll and the hub has a newer version, pull it in the background. One pull
 * at a time per station; a failure is tried again on a later round.
 */
export function followCountyRoll(store: Store, hub: HubReader, onError: (e: unknown) => void): void {
  if (following.has(store) || store.config.get('rollSource') !== 'county') return;
  following.add(store);
  void pullCountyRoll(store, hub, 'county roll')
    .catch((e: unknown) => {
      if (!(e instanceof ServiceError && e.code === 'not-found')) onError(e);
    })
    .finally(() => following.delete(store));
}
