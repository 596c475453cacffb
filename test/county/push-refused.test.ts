// A station whose log holds an entry the hub refuses (here a county.resolve of a scan the hub
// does not hold, hub migration 7) against a real PostgreSQL hub, with the station's own
// replicator: the entries before it still reach the county, pulls go on, the status line says in
// words which entry waits and why, the station log says it once (not once per retry, and no
// "disconnected"), and once the hub can take it, replication goes on by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Replicator } from '../../main/county/replicator.js';
import { stationLog } from '../../main/oplog/index.js';
import { startCountyHub, type CountyHub } from '../hub/fixture.js';
import { until } from '../helpers/county.js';
import { countyStation } from './helpers.js';

let county: CountyHub;
let a: Awaited<ReturnType<typeof countyStation>>;
let b: Awaited<ReturnType<typeof countyStation>>;
let c: Awaited<ReturnType<typeof countyStation>>;

beforeAll(async () => {
  county = await startCountyHub();
  a = await countyStation(county, 'a', []);
  b = await countyStation(county, 'b', ['B0001', 'B0002', 'B0003']);
  c = await countyStation(county, 'c', ['C0001']);
}, 60_000);

afterAll(async () => {
  for (const s of [a, b, c]) await s?.close();
  await county?.close();
});

const countyEvents = (s: typeof b) => (stationLog(s.store)?.tail(500) ?? []).filter((e) => e.event.startsWith('county.'));

describe('a station whose push the hub refuses', () => {
  it("is told in words which entry waits and why, keeps pulling, pushes what came before it, says it once; and goes on by itself once the hub can take it", async () => {
    // A problem scan at a that the hub does not hold yet (a has not pushed: a hub restored from
    // an older backup looks the same to b, which saw the scan there before).
    const x = a.station.intake().scan({ raw: 'NOT-ON-ANY-ROLL', operator: 'ann' }).seq;
    b.station.intake().scan({ raw: 'B0001', operator: 'bob' });
    const refusedSeq = b.store.write(() =>
      b.store.audit.append(
        {
          actor: 'sue', action: 'county.resolve', entity: 'county-scan', entityId: `a:${x}`, before: { verdict: 'UNKNOWN', openThrough: 1 },
          after: { station: 'a', scanSeq: x, ballotId: null, verdict: 'UNKNOWN', resolution: 'forward', reason: 'not ours' },
        },
        new Date().toISOString(),
      ),
    ).seq;
    b.station.intake().scan({ raw: 'B0002', operator: 'bob' });
    const replicator = new Replicator(b.store, { env: b.env, pollMs: 100, refusedRetryMs: 200, backoffBaseMs: 50, backoffCapMs: 200 });
    replicator.start();
    try {
      await until('b reports the refusal', () => b.store.county.state().lastError);
      const st = replicator.status();
      expect(st.lastError).toBe(
        `the county hub refused: entry ${refusedSeq} of station b resolves scan ${x} of station a, which the hub does not hold ` +
          '(a resolution follows the scan it resolves: if station a has not pushed that scan yet, this push goes through once it has; otherwise call the county\'s IT). ' +
          `This station's entries from ${refusedSeq} on wait here until the hub takes that one; scanning goes on`,
      );
      // The entries before it are at the hub; it and those after it wait. The link is fine.
      expect(st).toMatchObject({ connected: true, pushedThrough: refusedSeq - 1, waiting: b.store.county.auditHead() - refusedSeq + 1 });
      const held = await county.admin.query("SELECT max(local_seq)::int AS n FROM intake.entries WHERE station_id = 'b'");
      expect(held.rows).toEqual([{ n: refusedSeq - 1 }]);

      // Pulls go on: another station's receipt reaches b, and b scans on.
      c.station.intake().scan({ raw: 'C0001', operator: 'cy' });
      await c.push();
      await until("b pulled c's receipt", () => b.store.county.receipt('C0001'));
      b.station.intake().scan({ raw: 'B0003', operator: 'bob' });

      // Offered again several times: said once in the station log, never as a lost link.
      const retries = b.store.county.auditHead();
      await new Promise((r) => setTimeout(r, 1000));
      expect(replicator.status()).toMatchObject({ connected: true, pushedThrough: refusedSeq - 1, waiting: retries - refusedSeq + 1 });
      await until('the station log has the refusal', () => countyEvents(b).some((e) => e.event === 'county.push_refused'));
      const events = countyEvents(b);
      expect(events.filter((e) => e.event === 'county.push_refused')).toEqual([expect.objectContaining({ disposition: 'failure', message: st.lastError })]);
      expect(events.filter((e) => e.event === 'county.disconnected')).toEqual([]);
      expect(events.filter((e) => e.event === 'county.connected')).toHaveLength(1);

      // Once a pushes the scan, the hub takes b's resolution on the next offer, and everything after it.
      await a.push();
      await until('b pushed everything', () => replicator.status().waiting === 0, 10_000);
      expect(replicator.status()).toMatchObject({ connected: true, lastError: null });
      await until('the station log has the return', () => countyEvents(b).filter((e) => e.event === 'county.connected').length === 2);
      expect(countyEvents(b).at(-1)).toMatchObject({ event: 'county.connected', disposition: 'success', message: `the county hub took this station's entries again (through entry ${b.store.county.auditHead()})` });
      const resolved = await county.admin.query("SELECT resolution, resolved_station FROM intake.county_scans WHERE station_id = 'a' AND scan_seq = $1", [x]);
      expect(resolved.rows).toEqual([{ resolution: 'forward', resolved_station: 'b' }]);
    } finally {
      await replicator.stop();
    }
  });
});
