import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Intake } from '../../main/intake/intake.js';
import { Store } from '../../main/store/store.js';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';
import { startCountyHub, type CountyHub } from '../hub/fixture.js';
import { browser, page } from './fixture.js';
import { expectPlainWords, go, look, seed, signIn } from './supervisor.js';

// Two stations on one county hub, each a real `intake serve` replicating to a real PostgreSQL:
// a supervisor on station B opens the county review queue and resolves station A's problem
// envelope; A's own queue drops it and A's audit names B.

interface Running {
  db: string;
  url: string;
  stop(): Promise<void>;
}

async function serveStation(db: string, password: string): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INTAKE_HUB_PASSWORD: password } });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`intake serve did not start: ${err}`)), 20_000);
    child.stdout.once('data', (d: Buffer) => (clearTimeout(timer), resolve(d.toString())));
    child.once('exit', (c) => reject(new Error(`intake serve exited ${c}: ${err}`)));
  });
  return {
    db,
    url: (JSON.parse(line) as { url: string }).url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function seedStation(county: CountyHub, id: string, dir: string, scans: string[]): Promise<{ db: string; password: string }> {
  const reg = await county.station(id);
  const db = path.join(dir, `${id}.db`);
  const store = Store.open(db);
  try {
    const at = new Date().toISOString();
    for (const [k, v] of [['station', `MAILROOM-${id.toUpperCase()}`], ['election', 'E2026'], ['electionName', '2026 General Election'], ['electionDate', '2026-11-03']] as const) store.config.set(k, v, 'setup', at);
    store.config.set('hub', `postgres://localhost:${county.hub.port}/${county.hub.database}`, 'setup', at);
    store.config.set('hub.station', id, 'setup', at);
    store.config.set('hub.ca', county.hub.caFile, 'setup', at);
    const auth = new Auth(store);
    const sue = await auth.createOperator(id === 'a' ? 'Sue' : 'Sam', 'supervisor', '4321', null);
    await auth.createOperator('Clara', 'clerk', '2468', sue);
    seed(store, [
      { ballotId: 'CTY-0001', voterId: 'V1', lastName: 'SMITH', firstName: 'ANA' },
      { ballotId: 'CTY-0002', voterId: 'V2', lastName: 'LEE', firstName: 'CY' },
    ]);
    const intake = new Intake(store, `MAILROOM-${id.toUpperCase()}`);
    for (const raw of scans) intake.scan({ raw, operator: 'Clara' });
  } finally {
    store.close();
  }
  return { db, password: reg.password };
}

let county: CountyHub;
let a: Running;
let bStation: Running;
let b: Browser;
let p: Page;
const errors: string[] = [];
const t = tempDir('intake-e2e-county-');

beforeAll(async () => {
  county = await startCountyHub();
  const sa = await seedStation(county, 'a', t.dir, ['NOT-ON-ROLL-77', 'CTY-0001']);
  const sb = await seedStation(county, 'b', t.dir, ['CTY-0002']);
  a = await serveStation(sa.db, sa.password);
  bStation = await serveStation(sb.db, sb.password);
  b = await browser();
  p = await page(await b.newContext({ viewport: { width: 1366, height: 768 } }), errors);
  await signIn(p, bStation.url, 'Sam');
}, 90_000);
afterAll(async () => {
  await b?.close();
  await a?.stop();
  await bStation?.stop();
  await county?.close();
  t.cleanup();
});

const hubHas = async (sql: string) => Number((await county.admin.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
async function until(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting: ${what}`);
}

describe('the county review queue, two stations on one hub', () => {
  it("a supervisor on B switches Review to County, opens A's problem envelope and resolves it; A applies it", async () => {
    await until("A's scans at the hub", async () => (await hubHas("SELECT count(*) AS n FROM intake.county_scans WHERE station_id = 'a'")) === 2);
    await go(p, 'Review');
    await p.waitForSelector('[data-testid=scope-county]');
    await look(p, 'county-review-station-scope');
    await p.click('[data-testid=scope-county]');
    await p.waitForSelector('table.county-queue tbody tr');
    expect(await p.textContent('[data-testid=county-total]')).toContain('1 in the county queue');
    await expectPlainWords(p);
    await look(p, 'county-review-queue');
    await p.click('button[aria-label="Open scan 1 of station a"]');
    await p.fill('input[name=countyReason]', 'not a ballot of this county');
    await look(p, 'county-review-detail');
    await p.click('[data-testid=county-detail] button:has-text("Return to sender")');
    await p.waitForSelector('[data-testid=county-note]');
    expect(await p.textContent('[data-testid=county-note]')).toContain('station a applies it');
    await until('A applied the resolution and pushed it', async () => (await hubHas("SELECT count(*) AS n FROM intake.entries WHERE station_id = 'a' AND action = 'problem.resolve'")) === 1);
    const entry = (await county.admin.query<{ actor: string }>("SELECT actor FROM intake.entries WHERE station_id = 'a' AND action = 'problem.resolve'")).rows[0];
    expect(entry?.actor).toBe('Sam (station b)');
    await until('the county queue is empty', async () => {
      await p.click('[data-testid=scope-station]');
      await p.click('[data-testid=scope-county]');
      await p.waitForSelector('[data-testid=county-total]');
      return (await p.textContent('[data-testid=county-total]'))?.startsWith('0 ') ?? false;
    });
    await look(p, 'county-review-after');
  }, 90_000);

  it('Reports and Batches switch to the county too', async () => {
    await go(p, 'Reports');
    await p.waitForSelector('table[aria-label="County counts by station"]');
    const text = await p.locator('main').innerText();
    expect(text).toMatch(/a\s+2\s+1\s+1\s+0/);
    await expectPlainWords(p);
    await look(p, 'county-reports');
    await go(p, 'Batches');
    await p.waitForSelector('table[aria-label="County batches"]');
    await look(p, 'county-batches');
  }, 60_000);

  it('the hub goes down: the toggle says so in plain words and this station\'s own queue still works', async () => {
    await county.hub.killHub();
    await go(p, 'Review');
    await p.click('[data-testid=scope-county]').catch(() => undefined);
    await p.waitForSelector('[data-testid=scope-down]', { timeout: 20_000 });
    expect(await p.textContent('[data-testid=scope-down]')).toMatch(/county hub cannot be reached\. This station's own view still works/);
    await p.waitForSelector('[data-testid=queue-total]');
    await look(p, 'county-review-hub-down');
    await county.hub.restart();
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  }, 60_000);
});
