// The county hub link on its own thread (main/county/hub-link.ts, compiled: `npm run build` first),
// against a real PostgreSQL hub over TLS: the same answers and errors as a pg.Client on the
// station's thread, at a lower CPU priority, and a replicator that runs over it end to end.
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../main/actions/context.js';
import { submitScan } from '../../main/actions/scans.js';
import { Station } from '../../main/api/station.js';
import { hubErrorWords, hubTarget, refusesEntries } from '../../main/county/connection.js';
import { hubLinkNice, LinkThread, openHubLink, type HubLink } from '../../main/county/hub-link.js';
import { Store } from '../../main/store/store.js';
import { countyRoll, startCounty, until, type TestCounty } from '../helpers/county.js';
import { ROOT } from '../helpers/cli.js';

const WORKER = pathToFileURL(path.join(ROOT, 'dist', 'main', 'county', 'hub-link-worker.js'));
const clerk: Actor = { name: 'ann', role: 'supervisor', via: 'cli-setup' };
let county: TestCounty;
const links: HubLink[] = [];
const threads: LinkThread[] = [];

function thread(nice?: number): LinkThread {
  const t = new LinkThread(WORKER, nice);
  threads.push(t);
  return t;
}

function target(i: number, password?: string) {
  const s = county.stations[i];
  if (!s) throw new Error('no station');
  const store = Store.open(s.db);
  try {
    const t = hubTarget(store, { INTAKE_HUB_PASSWORD: password ?? s.password, INTAKE_HUB_TIMEOUT_MS: '3000' });
    if (!t) throw new Error('no hub set');
    return t;
  } finally {
    store.close();
  }
}

async function link(i: number, onNotify: () => void = () => undefined, onThread = true): Promise<HubLink> {
  const l = await openHubLink(target(i).client, 'intake_county', onNotify, onThread ? thread() : null);
  links.push(l);
  return l;
}

async function refusalOf(l: HubLink): Promise<Record<string, unknown>> {
  try {
    await l.query('SELECT intake.push($1::jsonb) AS r', [JSON.stringify([{ seq: 1, garbage: true }])]);
  } catch (e) {
    return { ...(e as object), message: (e as Error).message, refuses: refusesEntries(e) };
  }
  throw new Error('the hub took a malformed push');
}

beforeAll(async () => {
  county = await startCounty(['a', 'b'], countyRoll(20), { proxies: false });
}, 30_000);

afterAll(async () => {
  for (const l of links) await l.end();
  for (const t of threads) await t.end();
  await county?.stop();
});

describe('the hub link on a thread of its own', () => {
  it('answers a query with the same rows as a pg.Client on this thread: bigint as text, jsonb as objects, timestamps as Dates, bytea as a Buffer', async () => {
    const sql = "SELECT 9007199254740993::bigint AS big, '{\"a\":[1,\"x\"]}'::jsonb AS j, '2026-10-01T12:00:00Z'::timestamptz AS t, '\\x00ff10'::bytea AS b, NULL::text AS n, $1::text AS echoed";
    const onThread = await link(0);
    const here = await link(0, undefined, false);
    const a = (await onThread.query<Record<string, unknown>>(sql, ['é'])).rows;
    const b = (await here.query<Record<string, unknown>>(sql, ['é'])).rows;
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ big: '9007199254740993', j: { a: [1, 'x'] }, n: null, echoed: 'é' });
    expect(a[0]?.['t']).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(a[0]?.['b'])).toBe(true);
    expect((a[0]?.['b'] as Buffer).toString('hex')).toBe('00ff10');
  });

  it('runs at the priority of the thread that opened it by default, and lower when asked (Linux: nice +7), the scans\' thread unchanged', async () => {
    const l = await link(0);
    const lower = await openHubLink(target(0).client, 'intake_county', () => undefined, thread(7));
    links.push(lower);
    if (process.platform !== 'linux') return;
    expect(l.threadNice).toBe(os.getPriority());
    expect(lower.threadNice).toBe(Math.min(19, os.getPriority() + 7));
    expect(os.getPriority()).toBe(os.getPriority(process.pid));
  });

  it('INTAKE_HUB_NICE sets how much lower (0–19); anything else (blank, negative, 20, 2.5, words) keeps the default of 0', async () => {
    expect(hubLinkNice({ INTAKE_HUB_NICE: '5' })).toBe(5);
    expect(hubLinkNice({ INTAKE_HUB_NICE: '0' })).toBe(0);
    for (const bad of ['', '-1', '20', '2.5', 'low', '1e1']) expect(hubLinkNice({ INTAKE_HUB_NICE: bad })).toBe(0);
    expect(hubLinkNice({})).toBe(0);
    const l = await openHubLink(target(0).client, 'intake_county', () => undefined, thread(3));
    links.push(l);
    if (process.platform === 'linux') expect(l.threadNice).toBe(Math.min(19, os.getPriority() + 3));
  });

  it('a refusal by the hub keeps its SQLSTATE, message and hint across the thread: the station reads it as the same refusal', async () => {
    const onThread = await refusalOf(await link(0));
    const here = await refusalOf(await link(0, undefined, false));
    expect(onThread['code']).toMatch(/^IH0\d\d$/);
    expect(onThread).toMatchObject({ code: here['code'], message: here['message'], hint: here['hint'], refuses: true });
    expect(hubErrorWords(onThread, null)).toBe(hubErrorWords(here, null));
  });

  it('40 queries at once, each answered with its own rows, none crossed', async () => {
    const l = await link(1);
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => l.query<{ v: number }>('SELECT $1::int * 2 AS v, pg_sleep(random() / 100)', [i])));
    expect(got.map((r) => r.rows[0]?.v)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('a 4 MB parameter and a 4 MB answer cross the thread whole', async () => {
    const l = await link(1);
    const big = Buffer.alloc(4 << 20, 7);
    big[123_456] = 9;
    const r = await l.query<{ b: Buffer; n: number }>('SELECT $1::bytea AS b, length($1::bytea) AS n', [big]);
    expect(r.rows[0]?.n).toBe(big.length);
    expect(Buffer.compare(r.rows[0]?.b ?? Buffer.alloc(0), big)).toBe(0);
  });

  it('a burst of 50 NOTIFYs between two queries is one wake-up; a NOTIFY after the next query is another', async () => {
    let woken = 0;
    const l = await link(0, () => (woken += 1));
    const su = await county.hub.superuser();
    try {
      for (let i = 0; i < 50; i += 1) await su.query('NOTIFY intake_county');
      await until('the first NOTIFY reached the station', () => woken >= 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(woken).toBe(1);
      await l.query('SELECT 1');
      await su.query('NOTIFY intake_county');
      await until('the NOTIFY after a query woke it again', () => woken === 2);
    } finally {
      await su.end();
    }
  });

  it('wrong credentials: the open fails with PostgreSQL\'s own code (28P01), said in plain words; the same thread serves the next try', async () => {
    const t = target(0, 'not-the-password');
    const th = thread();
    const err = (await openHubLink(t.client, 'intake_county', () => undefined, th).then(
      () => null,
      (e: unknown) => e,
    )) as { code?: string } | null;
    expect(err?.code).toBe('28P01');
    expect(hubErrorWords(err, t)).toMatch(/refused this station's credentials/);
    // The thread stays for the next try, which works with the right password, on the same thread.
    const ok = await openHubLink(target(0).client, 'intake_county', () => undefined, th);
    links.push(ok);
    expect((await ok.query<{ v: number }>('SELECT 1 AS v')).rows[0]?.v).toBe(1);
    expect(th.started).toBe(1);
  });

  it('the hub ends the connection (its backend terminated): the waiting query and every later one fail as a cut link; end() still returns', async () => {
    const l = await link(1);
    const pid = (await l.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p;
    const slow = l.query('SELECT pg_sleep(5)').then(
      () => null,
      (e: unknown) => e,
    );
    const su = await county.hub.superuser();
    try {
      await new Promise((r) => setTimeout(r, 100));
      await su.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await su.end();
    }
    const e1 = await slow;
    expect(e1).toBeInstanceOf(Error);
    const e2 = await l.query('SELECT 1').then(() => null, (e: unknown) => e);
    expect(e2).toBeInstanceOf(Error);
    expect(hubErrorWords(e2, target(1))).toMatch(/cut|refused|terminat/);
    await l.end();
  });

  it('a replicator over the threaded link: a ballot accepted at A is DUPLICATE at B, naming A; both push everything once; three cuts by the hub reconnect on the same thread', async () => {
    const a = new Station(Store.open(county.stations[0]?.db ?? ''));
    const b = new Station(Store.open(county.stations[1]?.db ?? ''));
    const env = { INTAKE_HUB_PASSWORD: '' };
    try {
      expect(a.startCounty({ pollMs: 200, linkWorker: WORKER, env: { ...env, INTAKE_HUB_PASSWORD: county.stations[0]?.password } })).toBe(true);
      expect(b.startCounty({ pollMs: 200, linkWorker: WORKER, env: { ...env, INTAKE_HUB_PASSWORD: county.stations[1]?.password } })).toBe(true);
      await until('both connected', () => a.countyStatus().connected && b.countyStatus().connected);
      expect(submitScan(a, clerk, { raw: 'CB000003' }).outcome.verdict).toBe('ACCEPTED');
      await until("B has pulled A's receipt", () => b.store.county.receipt('CB000003'));
      const second = submitScan(b, clerk, { raw: 'CB000003' }).outcome;
      expect(second.verdict).toBe('DUPLICATE');
      expect(second.duplicateOf?.station).toBe('a');
      await until('both pushed everything', () => a.countyStatus().waiting === 0 && b.countyStatus().waiting === 0);
      // The hub drops A's connection three times: A reconnects each time on the same thread.
      const replicator = (a as unknown as { county: { linkThreadsStarted: number } }).county;
      for (let i = 0; i < 3; i += 1) {
        const su = await county.hub.superuser();
        try {
          await su.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'intake-station-a'");
        } finally {
          await su.end();
        }
        await until('A saw the link cut', () => !a.countyStatus().connected, 5000, 5);
        await until('A reconnected', () => a.countyStatus().connected);
      }
      expect(replicator.linkThreadsStarted).toBe(1);
      expect(submitScan(a, clerk, { raw: 'CB000004' }).outcome.verdict).toBe('ACCEPTED');
      await until("B has pulled A's receipt after the reconnects", () => b.store.county.receipt('CB000004'));
      const su = await county.hub.superuser();
      try {
        const r = await su.query<{ n: string; d: string }>("SELECT count(*) AS n, count(DISTINCT (station_id, local_seq)) AS d FROM intake.entries WHERE station_id IN ('a','b')");
        expect(Number(r.rows[0]?.n)).toBe(a.store.county.auditHead() + b.store.county.auditHead());
        expect(r.rows[0]?.d).toBe(r.rows[0]?.n);
      } finally {
        await su.end();
      }
    } finally {
      for (const s of [a, b]) {
        await s.stopCounty();
        s.store.close();
      }
    }
  });
});
