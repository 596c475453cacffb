import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

// Checkpoints on their own thread: the scanning connection never copies the WAL into the
// database itself, yet the database file does receive the scans, and the WAL stays bounded.

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 3000 }, (_, i) => rollRow({ ballotId: `CP-${i}`, voterId: `V${i}` })));
  t.store.db.pragma('wal_checkpoint(TRUNCATE)');
});
afterEach(() => t.cleanup());

const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);

async function scanAndWait(background: boolean): Promise<{ dbGrew: number; wal: number }> {
  if (background) t.store.checkpointInBackground();
  else t.store.db.pragma('wal_autocheckpoint = 20000');
  const before = size(t.dbPath);
  const intake = new Intake(t.store, 'CP');
  for (let i = 0; i < 1500; i++) intake.scan({ raw: `CP-${i}`, operator: 'clara' });
  await new Promise((r) => setTimeout(r, 1500));
  return { dbGrew: size(t.dbPath) - before, wal: size(`${t.dbPath}-wal`) };
}

describe('background checkpoints', () => {
  it('copy the scans into the database file without the scanning thread doing it', async () => {
    const r = await scanAndWait(true);
    expect(r.dbGrew).toBeGreaterThan(0);
    const store = t.reopen();
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((store.db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n).toBe(1500);
  });

  it('(the control: with no checkpointer and the safety net far off, the database file does not grow)', async () => {
    const r = await scanAndWait(false);
    expect(r.dbGrew).toBe(0);
    expect(r.wal).toBeGreaterThan(0);
  });
});
