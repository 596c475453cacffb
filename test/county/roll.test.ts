import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCountyRoll, pullCountyRollAction } from '../../main/actions/county.js';
import { closeHubReader, readerOver } from '../../main/county/hub-reader.js';
import { countyRollVersionHere, followCountyRoll } from '../../main/county/roll.js';
import { seedRoll, rollRow } from '../helpers/station.js';
import { startCountyHub, type CountyHub } from '../hub/fixture.js';
import { countyStation, sue } from './helpers.js';

type S = Awaited<ReturnType<typeof countyStation>>;
let county: CountyHub;
let pub: S;
let a: S;
let b: S;
const N = 100_000;

beforeAll(async () => {
  county = await startCountyHub();
  pub = await countyStation(county, 'pub', []);
  a = await countyStation(county, 'a', []);
  b = await countyStation(county, 'b', ['OWN00001']);
  seedRoll(pub.store, Array.from({ length: N }, (_, i) => rollRow({ ballotId: `CR${String(i).padStart(7, '0')}`, voterId: `CV${i}`, lastName: `LAST-${i}`, firstName: i % 7 === 0 ? 'Ñandú, "quoted"' : 'ANN', precinct: `P-${i % 97}` })));
  const at = new Date().toISOString();
  for (const s of [a, b]) s.store.config.set('rollSource', 'county', 't', at);
}, 120_000);
afterAll(async () => {
  for (const s of [pub, a, b]) {
    await closeHubReader(s.store);
    await s.close();
  }
  await county?.close();
});

describe('the county roll: published once, pulled by every station', () => {
  it(`publishes ${N.toLocaleString('en-US')} rows in chunks; two stations pull them; every lookup agrees with the publisher`, async () => {
    const sent: number[] = [];
    const r = await publishCountyRoll(pub.station, sue, pub.env, (n) => sent.push(n));
    expect(r).toEqual({ version: expect.any(Number) as number, rows: N });
    expect(sent.length).toBe(N / 5000);
    const [pa, pb] = await Promise.all([pullCountyRollAction(a.station, sue, a.env), pullCountyRollAction(b.station, sue, b.env)]);
    expect(pa).toMatchObject({ version: r.version, pulled: true, summary: { imported: N, rejected: 0 } });
    expect(pb.summary).toMatchObject({ rejected: 0 });
    for (const s of [a, b]) {
      expect(countyRollVersionHere(s.store)).toBe(r.version);
    }
    for (const i of [0, 1, 7, 4242, 77_777, N - 1]) {
      const id = `CR${String(i).padStart(7, '0')}`;
      const want = pub.store.scans.byBallotId.get(id);
      for (const s of [a, b]) {
        const got = s.store.scans.byBallotId.get(id);
        expect({ ...got, id: 0, import_id: 0, updated_import_id: 0 }).toEqual({ ...want, id: 0, import_id: 0, updated_import_id: 0 });
      }
    }
    expect(b.store.scans.byBallotId.get('OWN00001')).toBeDefined(); // a county pull merges, it does not wipe
    expect(a.station.intake().scan({ raw: 'CR0004242', operator: 'ann' }).verdict).toBe('ACCEPTED');
    // Pulled again with nothing new: nothing happens.
    expect(await pullCountyRollAction(a.station, sue, a.env)).toMatchObject({ pulled: false });
    expect(a.store.verifyAudit().ok).toBe(true);
  }, 120_000);

  it('a station keeping its own roll refuses to pull; a republished version is followed automatically by the running station', async () => {
    const alone = await countyStation(county, 'alone', ['MINE0001']);
    try {
      await expect(pullCountyRollAction(alone.station, sue, alone.env)).rejects.toThrow(/keeps its own roll \(rollSource is station\)/);
    } finally {
      await closeHubReader(alone.store);
      await alone.close();
    }
    // A second publisher (the roll's new issue list, say): a small roll keeps this test short.
    const pub2 = await countyStation(county, 'pub2', ['CRNEW0001', 'CRNEW0002']);
    const r = await publishCountyRoll(pub2.station, sue, pub2.env);
    await closeHubReader(pub2.store);
    await pub2.close();
    const errors: unknown[] = [];
    followCountyRoll(a.store, readerOver(await a.client(), 'a'), (e) => errors.push(e));
    for (let i = 0; i < 200 && countyRollVersionHere(a.store) !== r.version; i += 1) await new Promise((res) => setTimeout(res, 50));
    expect(errors).toEqual([]);
    expect(countyRollVersionHere(a.store)).toBe(r.version);
    expect(a.store.scans.byBallotId.get('CRNEW0001')).toBeDefined();
    const versions = await county.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM intake.roll_versions');
    expect(versions.rows[0]?.n).toBe(1); // the older version is gone once the newer is complete
  }, 60_000);

  it('refuses a malformed chunk and a chunk for a version this station is not publishing; an abandoned publish leaves the last version in force', async () => {
    const c = await b.client();
    const v = Number((await c.query<{ v: string }>('SELECT intake.roll_publish_begin() AS v')).rows[0]?.v);
    await expect(c.query('SELECT intake.roll_publish_rows($1, 1, $2::jsonb)', [v, JSON.stringify([{ last_name: 'X' }])])).rejects.toThrow(/every roll row needs a ballot_id/);
    await expect(c.query('SELECT intake.roll_publish_rows($1, 1, $2::jsonb)', [v, '{"not":"an array"}'])).rejects.toThrow(/JSON array of at most 20,000 rows/);
    const other = await a.client();
    await expect(other.query('SELECT intake.roll_publish_rows($1, 1, $2::jsonb)', [v, JSON.stringify([{ ballot_id: 'EVIL' }])])).rejects.toThrow(/not being published by this station/);
    await c.query('SELECT intake.roll_publish_rows($1, 1, $2::jsonb)', [v, JSON.stringify([{ ballot_id: 'HALF' }])]);
    await expect(c.query('SELECT intake.roll_publish_finish($1, 2)', [v])).rejects.toThrow(/holds 1 rows, not the 2 sent/);
    const current = (await c.query<{ v: { version: number } }>('SELECT intake.roll_current() AS v')).rows[0]?.v;
    expect(current?.version).not.toBe(v);
  });
});
