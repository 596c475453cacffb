// The replicator in-process against a real PostgreSQL hub (TLS, real roles): a scan at one
// station makes the same envelope DUPLICATE at another, naming it; the hub holds each entry once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitScan } from '../../main/actions/scans.js';
import type { Actor } from '../../main/actions/context.js';
import { Station } from '../../main/api/station.js';
import { Router, Session } from '../../main/api/router.js';
import { buildHandlers } from '../../main/api/handlers/index.js';
import { hubTarget } from '../../main/county/connection.js';
import { Store } from '../../main/store/store.js';
import { countyRoll, startCounty, until, type TestCounty } from '../helpers/county.js';
import fs from 'node:fs';
import { intakeAsync } from '../helpers/cli.js';

const clerk: Actor = { name: 'ann', role: 'supervisor', via: 'cli-setup' };
let county: TestCounty;
const open: Station[] = [];

function station(i: number): Station {
  const s = county.stations[i];
  if (!s) throw new Error('no station');
  const st = new Station(Store.open(s.db));
  open.push(st);
  return st;
}

beforeAll(async () => {
  county = await startCounty(['a', 'b'], countyRoll(50), { proxies: false });
  process.env['INTAKE_HUB_PASSWORD'] = '';
}, 30_000);

afterAll(async () => {
  for (const s of open) {
    await s.stopCounty();
    s.store.close();
  }
  await county?.stop();
});

describe('county replication in one process', () => {
  it('a ballot accepted at station A is DUPLICATE at station B, which names A and its time; the hub holds every entry once', async () => {
    const a = station(0);
    const b = station(1);
    expect(a.startCounty({ pollMs: 200 })).toBe(true);
    expect(b.startCounty({ pollMs: 200 })).toBe(true);
    const first = submitScan(a, clerk, { raw: 'CB000001' }).outcome;
    expect(first.verdict).toBe('ACCEPTED');
    await until('B has pulled A\'s receipt', () => b.store.county.receipt('CB000001'));
    const second = submitScan(b, clerk, { raw: 'CB000001' }).outcome;
    expect(second.verdict).toBe('DUPLICATE');
    expect(second.duplicateOf?.station).toBe('a');
    expect(second.duplicateOf?.at).toBe(first.scannedAt);
    expect(second.reason).toContain('at a');
    await until('both stations pushed everything', () => a.countyStatus().waiting === 0 && b.countyStatus().waiting === 0);
    const su = await county.hub.superuser();
    try {
      const r = await su.query<{ station_id: string; n: string; max: string }>('SELECT station_id, count(*) AS n, max(local_seq) AS max FROM intake.entries GROUP BY station_id ORDER BY 1');
      expect(r.rows.map((x) => [x.station_id, Number(x.n), Number(x.max)])).toEqual([
        ['a', a.store.county.auditHead(), a.store.county.auditHead()],
        ['b', b.store.county.auditHead(), b.store.county.auditHead()],
      ]);
    } finally {
      await su.end();
    }
    expect(a.countyStatus()).toMatchObject({ configured: true, connected: true, stationId: 'a', waiting: 0, lastError: null });
    // The same status through the API: any signed-in operator, nobody else; never a password.
    const router = new Router(a, buildHandlers());
    const clerkSession = new Session('t-clerk');
    clerkSession.operator = { name: 'cy', role: 'clerk', active: true, createdAt: '', createdBy: '', lockedUntil: null };
    const viaApi = await router.handle(clerkSession, 'county.status', {});
    expect(viaApi).toMatchObject({ ok: true, value: { connected: true, hub: expect.stringMatching(/^postgres:\/\/localhost:\d+\/county$/) as unknown } });
    expect(JSON.stringify(viaApi)).not.toContain(county.stations[0]?.password ?? '-');
    expect(await router.handle(new Session('t-anon'), 'county.status', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('a burst of commits 25 ms apart and the NOTIFYs of its own pushes wake the replicator a few times, not once each; every entry still reaches the hub', async () => {
    const a = open[0];
    if (!a) throw new Error('no station');
    await a.stopCounty();
    let rounds = 0;
    expect(a.startCounty({ pollMs: 1000, onRound: () => (rounds += 1) })).toBe(true);
    await until('A is connected', () => a.countyStatus().connected && a.countyStatus().waiting === 0);
    await new Promise((r) => setTimeout(r, 300));
    rounds = 0;
    for (let k = 20; k < 40; k += 1) {
      submitScan(a, clerk, { raw: `CB0000${k}` });
      await new Promise((r) => setTimeout(r, 25));
    }
    const duringBurst = rounds;
    // 20 commits over ~0.5 s with a 200 ms push gap and a 500 ms pull gap: a handful of rounds.
    expect(duringBurst).toBeGreaterThan(0);
    expect(duringBurst).toBeLessThanOrEqual(10);
    await until('A pushed the burst', () => a.countyStatus().waiting === 0);
    await until('B pulled the burst', () => open[1]?.store.county.receipt('CB000039'));
  });

  it('refuses a hub URL carrying a password and a password file other users can read, in plain words', () => {
    const s = county.stations[0];
    if (!s) throw new Error('no station');
    const store = Store.open(s.db);
    try {
      expect(() => store.config.set('hub', 'postgres://station_a:secret@localhost:5432/county', 'test', new Date().toISOString())).toThrow(/must not carry a password/);
      fs.chmodSync(s.passwordFile, 0o644);
      expect(() => hubTarget(store, {})).toThrow(/can be read by other users \(mode 644\)/);
      fs.chmodSync(s.passwordFile, 0o600);
      expect(hubTarget(store, {})?.client.password).toBe(s.password);
      expect(hubTarget(store, { INTAKE_HUB_PASSWORD: 'from-env' })?.client.password).toBe('from-env');
    } finally {
      store.close();
    }
  });

  it('intake hub status | push | pull: one round each, as JSON; a wrong password or a hub that is not there is said in plain words, never the password', async () => {
    for (const s of open.splice(0)) {
      await s.stopCounty();
      s.store.close();
    }
    const [sa, sb] = county.stations;
    if (!sa || !sb) throw new Error('no stations');
    // A scans with no replicator running (a CLI scan session would replicate by itself: this one is cut off).
    const cut = await intakeAsync(['scan', '--operator', 'ann', '--db', sa.db], { input: 'CB000007\n', env: { INTAKE_HUB_PASSWORD: 'wrong-password', INTAKE_HUB_TIMEOUT_MS: '2000' } });
    expect(cut.status).toBe(0);
    let r = await intakeAsync(['hub', 'status', '--db', sa.db], { env: { INTAKE_HUB_PASSWORD: '' } });
    expect(r.status).toBe(0);
    const before = JSON.parse(r.stdout) as { connected: boolean; waiting: number; hubHolds: { acknowledgedThrough: number } };
    expect(before.connected).toBe(true);
    expect(before.waiting).toBeGreaterThan(0);
    r = await intakeAsync(['hub', 'push', '--db', sa.db], { env: { INTAKE_HUB_PASSWORD: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pushed: before.waiting });
    r = await intakeAsync(['hub', 'pull', '--db', sb.db], { env: { INTAKE_HUB_PASSWORD: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pulled: 1 });
    r = await intakeAsync(['hub', 'push', '--db', sa.db], { env: { INTAKE_HUB_PASSWORD: 'wrong-password' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused this station's credentials \(role station_a\)/);
    expect(r.stderr).not.toContain('wrong-password');
    const store = Store.open(sa.db);
    const port = new URL(store.config.get('hub') ?? '').port;
    store.config.set('hub', `postgres://localhost:1/${county.hub.database}`, 'test', new Date().toISOString());
    store.close();
    r = await intakeAsync(['hub', 'status', '--db', sa.db], { env: { INTAKE_HUB_PASSWORD: '' } });
    const down = JSON.parse(r.stdout) as { connected: boolean; lastError: string };
    expect(down.connected).toBe(false);
    expect(down.lastError).toMatch(/not answering \(connection refused\): scanning goes on/);
    const again = Store.open(sa.db);
    again.config.set('hub', `postgres://localhost:${port}/${county.hub.database}`, 'test', new Date().toISOString());
    again.close();
  });
});
