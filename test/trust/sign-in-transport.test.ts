import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Auth, SIGN_IN_REFUSED } from '../../main/auth/auth.js';
import { serve, type Served } from '../e2e/fixture.js';
import { Store } from '../../main/store/store.js';
import { tempDir } from '../helpers/station.js';

// The attack of issue 14 through the real `intake serve`: a clerk's browser tab sending every
// PIN at once over the loopback WebSocket, hoping the lockout counts them as one.

let t: ReturnType<typeof tempDir>;
let served: Served;
let ws: WebSocket;

function cookieFor(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: url.port, path: `/?token=${url.searchParams.get('token') ?? ''}`, headers: { Host: url.host } }, (res) => {
        res.resume();
        resolve((res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '');
      })
      .on('error', reject);
  });
}

let nextId = 1;
function call(method: string, input: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse((data as Buffer).toString('utf8')) as { id: number | null; response?: { ok: boolean; error?: { code: string; message: string } } };
      if (msg.id !== id || !msg.response) return;
      ws.off('message', onMessage);
      resolve(msg.response);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, input }));
  });
}

beforeAll(async () => {
  t = tempDir('intake-signin-ws-');
  const db = path.join(t.dir, 'intake.db');
  const store = Store.open(db);
  const auth = new Auth(store);
  const sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
  await auth.createOperator('Clara', 'clerk', '2468', sue);
  store.close();
  served = await serve(db);
  const url = new URL(served.url);
  const cookie = await cookieFor(url);
  ws = new WebSocket(`ws://127.0.0.1:${url.port}/api`, { headers: { Origin: url.origin, Cookie: cookie } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
}, 60_000);

afterAll(async () => {
  ws.close();
  await served.stop();
  t.cleanup();
});

describe('sign-in over the real loopback transport', () => {
  it('40 wrong supervisor PINs sent at once lock the supervisor: the right PIN after them is refused, in the same words', async () => {
    const guesses = Array.from({ length: 40 }, (_, i) => String(1000 + i)); // 4321 is not among them
    const answers = await Promise.all(guesses.map((pin) => call('session.signIn', { operator: 'Sue', pin })));
    expect(new Set(answers.map((a) => `${a.error?.code ?? 'ok'}: ${a.error?.message ?? ''}`))).toEqual(new Set([`unauthenticated: ${SIGN_IN_REFUSED}`]));
    const right = await call('session.signIn', { operator: 'Sue', pin: '4321' });
    expect(right).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: SIGN_IN_REFUSED } });
    expect(await call('session.signIn', { operator: 'Nobody', pin: '4321' })).toMatchObject({ ok: false, error: { message: SIGN_IN_REFUSED } });
    expect((await call('session.signIn', { operator: 'Clara', pin: '2468' })).ok).toBe(true); // another operator is not locked
  }, 60_000);
});
