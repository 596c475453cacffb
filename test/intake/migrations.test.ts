import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { migrate, openDatabase, schemaVersion, StoreOpenError } from '../../main/store/db.js';
import { Store } from '../../main/store/store.js';
import { tempDir } from '../helpers/station.js';

const latest = Math.max(0, ...MIGRATIONS.map((m) => m.version));
let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

describe('migrations', () => {
  it('are listed 1, 2, 3 … with no gap and no repeat (branches merged out of order cannot skip one)', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('brings an empty database to the latest version with WAL, FULL sync and foreign keys', () => {
    t = tempDir();
    const db = openDatabase(path.join(t.dir, 'a.db'));
    expect(schemaVersion(db)).toBe(latest);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('brings a database made by every earlier schema version forward, keeping its data', () => {
    // Every version there is (numbers may skip while helpers' migrations are merged).
    for (const v of MIGRATIONS.map((m) => m.version)) {
      t = tempDir();
      const file = path.join(t.dir, `v${v}.db`);
      const old = new Database(file);
      migrate(old, MIGRATIONS.filter((m) => m.version <= v));
      expect(schemaVersion(old)).toBe(v);
      old.prepare("INSERT INTO config (key, value, updated_at, updated_by) VALUES ('station', '\"OLD\"', 'x', 'y')").run();
      old.close();
      const store = Store.open(file);
      expect(schemaVersion(store.db)).toBe(latest);
      expect(store.config.get('station')).toBe('OLD');
      store.close();
      t.cleanup();
    }
    t = tempDir();
  });

  it('is idempotent and refuses a database from a newer program', () => {
    t = tempDir();
    const file = path.join(t.dir, 'n.db');
    const db = openDatabase(file);
    expect(migrate(db)).toBe(latest);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')").run(latest + 1);
    db.close();
    expect(() => openDatabase(file)).toThrow(StoreOpenError);
    expect(() => openDatabase(file)).toThrow(/newer than this program/);
  });

  it('gives a clear error for a missing folder and for a file that is not a database', async () => {
    t = tempDir();
    expect(() => openDatabase(path.join(t.dir, 'nope', 'x.db'))).toThrow(/does not exist/);
    const fs = await import('node:fs');
    const junk = path.join(t.dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not sqlite'.repeat(100));
    expect(() => openDatabase(junk)).toThrow(/corrupt or not a station database/);
  });
});
