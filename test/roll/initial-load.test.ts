import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { KeyOrder } from '../../main/roll/chunk.js';
import { importRoll } from '../../main/roll/import.js';
import { packChunks } from '../../main/roll/read-chunks.js';
import { openDatabase } from '../../main/store/db.js';
import { INDEX_KEYS } from '../../main/store/roll/columns.js';
import { InitialLoad } from '../../main/store/roll/first-load.js';
import { BIN } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

// The first import into an empty roll (store/roll/first-load.ts InitialLoad): a table of its own, loaded in
// committed chunks of 65,536 rows, put in place of `ballots` at the end.

const HEADER = 'ballot_id,voter_id,election_id,imb_mailer_id,imb_serial,last_name,first_name,issued_at,status\n';
const LAST = ['SMITH', 'garcia', 'Nguyen', 'JOHNSON', 'müller', "O'BRIEN", 'LEE', 'Brown'];
const FIRST = ['ANA', 'bo', 'Chen', 'DEV', 'ÉLISE', 'Femi'];
const ROLL_INDEXES = ['ballots_alt_voter', 'ballots_imb', 'ballots_name', 'ballots_voter'];

/** A station roll of n rows: ballot IDs in order; voter IDs and IMb serials in order, or shuffled. */
function rollCsv(file: string, n: number, order: 'sorted' | 'shuffled'): void {
  const perm = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  if (order === 'shuffled')
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
    }
  const out = fs.openSync(file, 'w');
  let buf = HEADER;
  for (let i = 0; i < n; i++) {
    const k = perm[i] as number;
    buf += `B${String(i).padStart(7, '0')},V${String(k).padStart(7, '0')},E2026,314159,${String(k).padStart(9, '0')},${LAST[(i * 7) % LAST.length]},${FIRST[(i * 5) % FIRST.length]},2026-10-01,ISSUED\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(out, buf);
      buf = '';
    }
  }
  fs.writeSync(out, buf);
  fs.closeSync(out);
}

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

const schema = (db: Database.Database, type: string) =>
  db.prepare<[string], { name: string; tbl_name: string }>('SELECT name, tbl_name FROM sqlite_schema WHERE type = ? ORDER BY name').all(type);
const rollIndexes = (db: Database.Database, table: string) =>
  schema(db, 'index').filter((i) => i.tbl_name === table && !i.name.startsWith('sqlite_autoindex')).map((i) => i.name);

/** Everything a loaded roll must be: every row, its indexes on `ballots`, nothing of the load left. */
function expectLoaded(n: number): void {
  const db = t.store.db;
  expect(db.prepare('SELECT count(*) AS n FROM ballots').get()).toEqual({ n });
  expect(schema(db, 'table').map((x) => x.name)).not.toContain('roll_initial_load');
  expect(rollIndexes(db, 'ballots')).toEqual(ROLL_INDEXES);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok'); // every index holds exactly the table's rows
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(t.store.roll.firstImportPending()).toBe(false);
  expect(fs.existsSync(`${t.dbPath}.roll-import-lock`)).toBe(false);
  // The lookups the scan path and the supervisor make use those indexes.
  const plan = (sql: string) => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());
  expect(plan("SELECT * FROM ballots WHERE last_name = 'LEE' COLLATE NOCASE AND first_name = 'ANA' COLLATE NOCASE")).toContain('ballots_name');
  expect(plan("SELECT * FROM ballots WHERE voter_id = 'V1' AND election_id = 'E1'")).toContain('ballots_voter');
  expect(plan("SELECT * FROM ballots WHERE imb_serial = '1' AND imb_mailer_id = '2'")).toContain('ballots_imb');
}

describe('the first import into an empty roll', () => {
  it.each(['sorted', 'shuffled'] as const)('loads a roll of several chunks, keys %s: every row, the roll indexed, nothing of the load left', async (order) => {
    const file = path.join(t.dir, 'roll.csv');
    const n = 150_000;
    rollCsv(file, n, order);
    const phases: string[] = [];
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue', onProgress: (p) => phases.push(p.phase) });
    expect(s).toMatchObject({ read: n, imported: n, rejected: 0 });
    expect(phases.at(-1)).toBe('done');
    expectLoaded(n);
    // Names compare as NOCASE in the index: every spelling of LEE, found through it.
    const lee = t.store.db.prepare("SELECT count(*) AS n FROM ballots WHERE last_name = 'lee' COLLATE NOCASE").get() as { n: number };
    expect(lee.n).toBe(Array.from({ length: n }, (_, i) => LAST[(i * 7) % LAST.length]).filter((x) => x === 'LEE').length);
    t.store.config.set('election', 'E2026', 't', new Date().toISOString());
    const intake = new Intake(t.store, 'ST1');
    expect(intake.scan({ raw: 'B0149999', operator: 'al' }).verdict).toBe('ACCEPTED');
    expect(intake.scan({ raw: 'B0000000', operator: 'al' }).verdict).toBe('ACCEPTED');
    expect(intake.scan({ raw: 'B0000000', operator: 'al' }).verdict).toBe('DUPLICATE');
    const imports = t.store.db.prepare('SELECT import_id, read, imported FROM roll_imports').all();
    expect(imports).toEqual([{ import_id: 1, read: n, imported: n }]);
    expect(t.store.db.prepare('SELECT count(*) AS n FROM ballots WHERE import_id = 1 AND updated_import_id = 1').get()).toEqual({ n });
    expect(t.store.verifyAudit().ok).toBe(true);
    // The next import takes the staged path on the loaded roll.
    const again = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: n });
  });

  it('keeps indexes whose keys arrive in order up while loading, leaves the rest for the end; a scan meanwhile says why it found nothing', async () => {
    const file = path.join(t.dir, 'roll.csv');
    rollCsv(file, 70_000, 'sorted');
    const conn = openDatabase(t.dbPath);
    const load = new InitialLoad(conn);
    try {
      expect(rollIndexes(t.store.db, 'ballots')).toEqual([]);
      expect(rollIndexes(t.store.db, 'roll_initial_load')).toEqual(ROLL_INDEXES);
      // The roll is still empty to everyone else: a scan is recorded, and says why it found
      // nothing. (Between chunks, that is: a chunk's transaction makes a scan wait for it.)
      const o = new Intake(t.store, 'ST1').scan({ raw: 'B0000001', operator: 'al' });
      expect(o.verdict).toBe('UNKNOWN');
      expect(o.reason).toMatch(/first import has not finished/);
      let rows = 0;
      for await (const b of packChunks(file, { format: 'station' }, 2048)) if (b.rows) rows += b.rows.n - load.addChunk(b.rows, b.descents).length;
      expect(rows).toBe(70_000);
      expect(load.commits).toBe(1); // 65,536 rows committed, the rest in the open transaction
      // Voter IDs and IMb serials came in order: kept up. Names did not: left for the end.
      expect(rollIndexes(t.store.db, 'roll_initial_load')).toEqual(['ballots_alt_voter', 'ballots_imb', 'ballots_voter']);
      load.finish({ startedAt: 'a', finishedAt: 'b', file, format: 'station', operator: 'sue', read: 70_000, rejected: 0, rejectsFile: null }, () => undefined);
    } finally {
      conn.close();
    }
    expectLoaded(70_000);
    expect(new Intake(t.store, 'ST1').scan({ raw: 'B0000002', operator: 'al' }).reason).not.toMatch(/first import/);
  });

  it('counts keys that sort below the one before, as SQLite orders them (NOCASE folds ASCII only, nulls skipped by a partial index)', () => {
    const order = new KeyOrder([
      { columns: [0], nocase: true, partial: false },
      { columns: [1], nocase: false, partial: true },
    ]);
    const rows: [string, string | null][] = [['apple', null], ['APPLE', '2'], ['Banana', null], ['banana', '10'], ['Éclair', '3'], ['zebra', null]];
    for (const [a, b] of rows) order.observe([a, b] as never);
    // NOCASE: apple = APPLE < Banana = banana < Éclair (É is not ASCII: above every letter), then
    // zebra: one descent. Partial: 2, 10, 3 compared as text, nulls skipped: 10 < 2, one descent.
    expect(order.take()).toEqual([1, 1]);
    order.observe(['aardvark', '1'] as never);
    expect(order.take()).toEqual([1, 1]);
    expect(INDEX_KEYS).toHaveLength(4);
  });

  it('refuses to put the load in place when the roll stopped being empty, and leaves the roll as it is', async () => {
    const file = path.join(t.dir, 'roll.csv');
    rollCsv(file, 5_000, 'shuffled');
    const conn = openDatabase(t.dbPath);
    const load = new InitialLoad(conn);
    try {
      // Meanwhile something else puts a ballot in the roll.
      t.store.db.transaction(() => {
        t.store.db.prepare("INSERT INTO roll_imports VALUES (50, 'a', 'b', 'other.csv', 'station', 'x', 1, 1, 0, 0, 0, NULL)").run();
        t.store.db
          .prepare("INSERT INTO ballots (ballot_id, election_id, voter_id, last_name, first_name, status, vote_method, voted_other_method, import_id, updated_import_id) VALUES ('OTHER-1', 'E2026', 'V9', 'X', 'Y', 'ISSUED', 'MAIL', 0, 50, 50)")
          .run();
      })();
      for await (const b of packChunks(file, { format: 'station' }, 2048)) if (b.rows) load.addChunk(b.rows, b.descents);
      expect(() => load.finish({ startedAt: 'a', finishedAt: 'b', file, format: 'station', operator: 'sue', read: 5_000, rejected: 0, rejectsFile: null }, () => undefined)).toThrow(
        /not empty any more/,
      );
    } finally {
      conn.close();
    }
    expect(t.store.db.prepare('SELECT ballot_id FROM ballots').pluck().all()).toEqual(['OTHER-1']);
    expect(rollIndexes(t.store.db, 'ballots')).toEqual(ROLL_INDEXES);
    expect(t.store.roll.firstImportPending()).toBe(false);
    expect(t.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a second import while one runs, and the first one finishes', async () => {
    const file = path.join(t.dir, 'roll.csv');
    rollCsv(file, 20_000, 'sorted');
    const first = importRoll(t.store, file, { format: 'station', operator: 'sue' });
    await expect(importRoll(t.store, file, { format: 'station', operator: 'bob' })).rejects.toThrow(/another roll import is running on this database \(process \d+/);
    expect(await first).toMatchObject({ imported: 20_000 });
    expectLoaded(20_000);
  });

  it('a load killed half way leaves the roll empty; the next import tidies up and loads it', async () => {
    const big = path.join(t.dir, 'big.csv');
    rollCsv(big, 600_000, 'shuffled');
    t.store.close();
    // The real CLI, killed once it has committed a chunk into its table.
    const child = spawn(process.execPath, [BIN, 'roll', 'import', big, '--format', 'station', '--db', t.dbPath, '--operator', 'sue'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const peek = () => {
      try {
        const db = new Database(t.dbPath, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM roll_initial_load').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0; // not created yet
      }
    };
    const deadline = Date.now() + 60_000;
    while (peek() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    expect(peek()).toBeGreaterThan(0);
    expect(fs.existsSync(`${t.dbPath}.roll-import-lock`)).toBe(true); // left by the dead process

    t.reopen();
    expect(t.store.roll.isEmpty()).toBe(true);
    expect(t.store.roll.firstImportPending()).toBe(true);
    expect(t.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const o = new Intake(t.store, 'ST1').scan({ raw: 'B0000001', operator: 'al' });
    expect(o).toMatchObject({ verdict: 'UNKNOWN' });
    expect(o.reason).toMatch(/first import has not finished/);

    const small = path.join(t.dir, 'small.csv');
    rollCsv(small, 3_000, 'sorted');
    expect(await importRoll(t.store, small, { format: 'station', operator: 'sue' })).toMatchObject({ imported: 3_000 });
    expectLoaded(3_000);
  }, 90_000);
});
