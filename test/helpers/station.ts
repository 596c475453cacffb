import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RollRow } from '../../shared/roll/types.js';
import { Store } from '../../main/store/store.js';

/** A temporary folder removed after the test; real files, as the station uses them. */
export function tempDir(prefix = 'intake-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;

/** A complete roll row with plausible values; tests override what they care about. */
export function rollRow(over: Partial<RollRow> = {}): RollRow {
  counter += 1;
  return {
    ballotId: `B${String(counter).padStart(6, '0')}`,
    electionId: 'E2026',
    voterId: `V${String(counter).padStart(6, '0')}`,
    altVoterId: null,
    imbMailerId: null,
    imbSerial: null,
    lastName: 'DOE',
    firstName: 'JANE',
    middleName: null,
    suffix: null,
    dob: '1970-01-01',
    resAddress: '1 MAIN ST',
    resCity: 'RALEIGH',
    resZip: '27601',
    mailAddress: null,
    mailCity: null,
    mailState: null,
    mailZip: null,
    precinct: 'P-01',
    ballotStyle: null,
    jurisdiction: null,
    issuedAt: '2026-10-01',
    status: 'ISSUED',
    voteMethod: 'MAIL',
    votedOtherMethod: false,
    stateReturnedAt: null,
    sourceStatus: null,
    cancelledAt: null,
    ...over,
  };
}

/** Puts rows in the roll through the real staging and merge path (no CSV needed). */
export function seedRoll(store: Store, rows: RollRow[], operator = 'test'): void {
  const staging = store.rollStaging();
  try {
    rows.forEach((r, i) => staging.add(i + 2, r));
    const dupes = staging.flush();
    if (dupes.length > 0) throw new Error(`seedRoll: duplicate ballot IDs ${dupes.map((d) => d.ballotId).join(', ')}`);
    const now = new Date().toISOString();
    store.roll.commitImport(staging, { startedAt: now, finishedAt: now, file: 'seed', format: 'station', operator, read: rows.length, rejected: 0, rejectsFile: null }, () => undefined);
  } finally {
    staging.dispose();
  }
}

/** A store on a real file in a temp folder. */
export function tempStore(): { store: Store; dbPath: string; dir: string; reopen: () => Store; cleanup: () => void } {
  const t = tempDir();
  const dbPath = path.join(t.dir, 'intake.db');
  const handle = {
    store: Store.open(dbPath),
    dbPath,
    dir: t.dir,
    reopen: () => {
      handle.store.close();
      handle.store = Store.open(dbPath);
      return handle.store;
    },
    cleanup: () => {
      handle.store.close();
      t.cleanup();
    },
  };
  return handle;
}

/** Opens the database file, runs fn, closes it: for tests that drive the CLI on the same file. */
export function withStoreAt<T>(db: string, fn: (store: Store) => T): T {
  const store = Store.open(db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
