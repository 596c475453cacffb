import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { serve, type Served } from '../e2e/fixture.js';
import { startPtyCable, waitFor, type PtyCable } from '../scanners/pty.js';
import { Store } from '../../main/store/store.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { Client, exchange } from './client.js';

// Issue 14 item 6: a hardware scan is credited to the operator of the most recently active
// signed-in, unlocked window, and refused loudly when there is none (everyone signed out or
// locked): no receipt, a scanner fault a supervisor can list, and a scanRefused event to every
// window. A real `intake serve --serial` on a socat pty.

let t: ReturnType<typeof tempDir>;
let served: Served;
let cable: PtyCable;
let port: number;
let cookie: string;
let db: string;

beforeAll(async () => {
  t = tempDir('intake-hw-scan-');
  db = path.join(t.dir, 'intake.db');
  const store = Store.open(db);
  try {
    seedRoll(store, Array.from({ length: 10 }, (_, i) => rollRow({ ballotId: `HW-${i}`, voterId: `HWV${i}` })));
    const auth = new Auth(store);
    const sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
    await auth.createOperator('Carl', 'clerk', '1357', sue);
  } finally {
    store.close();
  }
  cable = await startPtyCable();
  served = await serve(db, ['--serial', cable.stationPath]);
  port = Number(new URL(served.url).port);
  cookie = await exchange(served.url);
});

afterAll(async () => {
  await served.stop();
  await cable.close();
  t.cleanup();
});

function receipts(): { ballot_id: string; operator: string }[] {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare('SELECT ballot_id, operator FROM scans ORDER BY seq').all() as { ballot_id: string; operator: string }[];
  } finally {
    d.close();
  }
}

describe('hardware scans and who is signed in', () => {
  it('credits the signed-in clerk; refuses after sign-out and while locked; credits the clerk again after unlock', async () => {
    const carl = await Client.open(port, cookie);
    const other = await Client.open(port, cookie); // a second window, never signed in
    // Signed in: credited to Carl.
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await waitFor(async () => JSON.stringify(await carl.ok('scanners.status')).includes('"connected"'), 'the serial scanner to connect', 15_000);
    await cable.write('HW-1\r');
    const first = await carl.waitFor('verdict', 1);
    expect(first[0]?.payload).toMatchObject({ operator: 'Carl' });
    expect(receipts()).toEqual([{ ballot_id: 'HW-1', operator: 'Carl' }]);

    // Signed out: refused, no receipt, every window told (the one never signed in too).
    await carl.ok('session.signOut');
    await cable.write('HW-2\r');
    await carl.waitFor('scanRefused', 1);
    await other.waitFor('scanRefused', 1);
    expect(carl.named('scanRefused')[0]?.payload).toMatchObject({ scanner: 'serial-1', reason: 'sign in to scan' });
    expect(receipts()).toHaveLength(1);

    // Locked: refused the same way; the locked window still hears it, and no verdict reaches it.
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await carl.ok('session.lock');
    await cable.write('HW-3\r');
    await carl.waitFor('scanRefused', 2);
    expect(receipts()).toHaveLength(1);
    expect(carl.named('verdict')).toHaveLength(1);

    // Unlocked: credited to Carl again.
    await carl.ok('session.unlock', { pin: '1357' });
    await cable.write('HW-4\r');
    await carl.waitFor('verdict', 2);
    expect(receipts()).toEqual([
      { ballot_id: 'HW-1', operator: 'Carl' },
      { ballot_id: 'HW-4', operator: 'Carl' },
    ]);

    // A supervisor sees both refused scans, newest first; a clerk may not.
    expect((await carl.call('scans.refused', { limit: 10 })).error?.code).toBe('forbidden');
    const sue = await Client.open(port, cookie);
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    const refused = await sue.ok<{ scanner: string; raw: string; reason: string; at: string }[]>('scans.refused', { limit: 10 });
    expect(refused.map((r) => [r.scanner, r.raw])).toEqual([
      ['serial-1', 'HW-3'],
      ['serial-1', 'HW-2'],
    ]);
    expect(refused[0]?.reason).toContain('not recorded');
    for (const c of [carl, other, sue]) await c.close();
  });

  it('credits the most recently active unlocked window, not whoever signed in last', async () => {
    const carl = await Client.open(port, cookie);
    const sue = await Client.open(port, cookie);
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    await carl.ok('scan.recent', { limit: 1 }); // Carl acted last
    await cable.write('HW-5\r');
    expect((await carl.waitFor('verdict', 1))[0]?.payload).toMatchObject({ operator: 'Carl' });
    await carl.ok('session.lock'); // Carl leaves: Sue's window is the one left unlocked
    await cable.write('HW-6\r');
    expect((await sue.waitFor('verdict', 2))[1]?.payload).toMatchObject({ operator: 'Sue' });
    await carl.close();
    await sue.close();
  });

  it('stores a refused scan with no control or bidi character left in it (ESC, CSI, U+202E)', async () => {
    const watcher = await Client.open(port, cookie);
    await cable.write(Buffer.concat([Buffer.from('HW\x1b[2J\x9b2J'), Buffer.from('\u202e', 'utf8'), Buffer.from('-9\r')]));
    await watcher.waitFor('scanRefused', 1);
    const sue = await Client.open(port, cookie);
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    const [last] = await sue.ok<{ raw: string }[]>('scans.refused', { limit: 1 });
    expect(last?.raw).toMatch(/^HW.*-9$/);
    // eslint-disable-next-line no-control-regex
    expect(last?.raw).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    await watcher.close();
    await sue.close();
  });
});
