import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHandlers } from '../../main/api/handlers/index.js';
import { Router } from '../../main/api/router.js';
import { serve, type RunningServer } from '../../main/api/serve.js';
import { Station } from '../../main/api/station.js';
import { ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { Client, exchange } from './client.js';

// The idle lock, server side (LOCK-DESIGN, issue 14 item 7): from the moment a window locks, by
// its idle timer or on request, it receives no verdict event (voters' names) over the socket;
// only the same operator's PIN unlocks it. The real serve function on 127.0.0.1, real sockets.

let t: ReturnType<typeof tempStore>;
let server: RunningServer;
let idleMs = 60_000;
const clients: Client[] = [];

async function client(): Promise<Client> {
  const c = await Client.open(server.port, cookie);
  clients.push(c);
  return c;
}
let cookie = '';
let station: Station;

beforeEach(async () => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 10 }, (_, i) => rollRow({ ballotId: `LK-${i}`, voterId: `LKV${i}`, lastName: `VOTER${i}` })));
  station = new Station(t.store);
  const sue = await station.auth.createOperator('Sue', 'supervisor', '4321', null);
  await station.auth.createOperator('Carl', 'clerk', '1357', sue);
  idleMs = 60_000;
  const router = new Router(station, buildHandlers(), { idleLockMs: () => idleMs });
  server = await serve(router, { port: 0, rendererDir: `${ROOT}/renderer` });
  cookie = await exchange(server.url);
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server.close();
  t.cleanup();
});

/** Waits long enough for an event that should NOT come to have arrived if it were sent. */
async function scanAndSettle(scanner: Client, raw: string): Promise<void> {
  const before = scanner.named('verdict').length;
  await scanner.ok('scan.submit', { raw });
  await scanner.waitFor('verdict', before + 1);
  await new Promise((r) => setTimeout(r, 150));
}

describe('a locked window receives no voter data', () => {
  it('on session.lock: no verdict from the moment of the lock; the status says who it is locked for', async () => {
    const carl = await client();
    const sue = await client();
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    await scanAndSettle(sue, 'LK-0');
    expect(carl.named('verdict')).toHaveLength(1); // signed in: it sees the scan

    await carl.ok('session.lock');
    expect(carl.named('sessionLocked').map((e) => e.payload)).toEqual([{ operator: 'Carl', reason: 'requested' }]);
    await scanAndSettle(sue, 'LK-1');
    await scanAndSettle(sue, 'LK-2');
    expect(carl.named('verdict')).toHaveLength(1);
    expect(JSON.stringify(carl.events)).not.toContain('VOTER1');
    expect(await carl.ok('session.status')).toMatchObject({ operator: null, locked: { operator: 'Carl' } });
    expect((await carl.call('scan.submit', { raw: 'LK-3' })).error?.code).toBe('unauthenticated');
    expect((await carl.call('scan.recent', { limit: 5 })).error?.code).toBe('unauthenticated');
  });

  it('on the idle timer: locks at the moment the idle time passes, with no call from the window', async () => {
    idleMs = 250;
    const carl = await client();
    const sue = await client();
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    idleMs = 60_000; // Sue stays signed in while Carl idles
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    const locked = await carl.waitFor('sessionLocked', 1, 3000);
    expect(locked[0]?.payload).toEqual({ operator: 'Carl', reason: 'idle' });
    await scanAndSettle(sue, 'LK-4');
    expect(carl.named('verdict')).toHaveLength(0);
    expect(await carl.ok('session.status')).toMatchObject({ operator: null, locked: { operator: 'Carl' } });
  });

  it('each call re-arms the idle timer', async () => {
    idleMs = 400;
    const carl = await client();
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    for (let i = 0; i < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      await carl.ok('scan.recent', { limit: 1 });
    }
    expect(carl.named('sessionLocked')).toHaveLength(0);
    await carl.waitFor('sessionLocked', 1, 3000);
  });

  it('still tells a locked window what carries no voter data: a station fault and a refused scan', async () => {
    const carl = await client();
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await carl.ok('session.lock');
    station.setFault('the disk is full');
    station.refuseScan('serial-1', 'LK-7');
    station.emit('notice', { level: 'info', message: 'batch 1 closed' });
    await carl.waitFor('scanRefused');
    await carl.waitFor('stationFault');
    expect(carl.named('notice')).toHaveLength(0);
  });
});

describe('unlocking', () => {
  it('refuses a wrong PIN in the same words as sign-in, refuses another operator\'s PIN, and the right PIN restores events', async () => {
    const carl = await client();
    const sue = await client();
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await sue.ok('session.signIn', { operator: 'Sue', pin: '4321' });
    await carl.ok('session.lock');

    const wrong = await carl.call('session.unlock', { pin: '0000' });
    const wrongSignIn = await (await client()).call('session.signIn', { operator: 'Carl', pin: '0000' });
    expect(wrong.error).toEqual(wrongSignIn.error);
    const other = await carl.call('session.unlock', { pin: '4321' }); // Sue's PIN: it unlocks only Carl
    expect(other.ok).toBe(false);
    expect(await carl.ok('session.status')).toMatchObject({ operator: null, locked: { operator: 'Carl' } });
    expect((await carl.call('session.unlock', { operator: 'Sue', pin: '4321' })).error?.code).toBe('invalid-input');
    await scanAndSettle(sue, 'LK-5');
    expect(carl.named('verdict')).toHaveLength(0);

    expect(await carl.ok('session.unlock', { pin: '1357' })).toMatchObject({ name: 'Carl', role: 'clerk' });
    expect(await carl.ok('session.status')).toMatchObject({ operator: { name: 'Carl' }, locked: null });
    await scanAndSettle(sue, 'LK-6');
    expect(carl.named('verdict')).toHaveLength(1);
  });

  it('a window that is not locked has nothing to unlock; signing out clears the lock', async () => {
    const carl = await client();
    expect((await carl.call('session.unlock', { pin: '1357' })).error?.code).toBe('unauthenticated');
    await carl.ok('session.signIn', { operator: 'Carl', pin: '1357' });
    await carl.ok('session.lock');
    await carl.ok('session.signOut');
    expect(await carl.ok('session.status')).toMatchObject({ operator: null, locked: null });
    expect((await carl.call('session.unlock', { pin: '1357' })).ok).toBe(false);
  });

  it('session.lock needs a signed-in window', async () => {
    const anon = await client();
    expect((await anon.call('session.lock')).error?.code).toBe('unauthenticated');
  });
});
