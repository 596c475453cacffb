import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyBatchesAction, countyQueueAction, countyReportAction, resolveCountyConflict, resolveCountyProblem } from '../../main/actions/county.js';
import { reviewQueue } from '../../main/actions/review.js';
import { closeHubReader, readerOver } from '../../main/county/hub-reader.js';
import { pullPending } from '../../main/county/replicator.js';
import { applyCountyResolutions } from '../../main/county/resolutions.js';
import { startCountyHub, type CountyHub } from '../hub/fixture.js';
import { countyStation, sue } from './helpers.js';

let county: CountyHub;
let a: Awaited<ReturnType<typeof countyStation>>;
let b: Awaited<ReturnType<typeof countyStation>>;

beforeAll(async () => {
  county = await startCountyHub();
  a = await countyStation(county, 'a', ['A0001', 'A0002', 'SAME0001']);
  b = await countyStation(county, 'b', ['B0001', 'SAME0001']);
}, 30_000);
afterAll(async () => {
  for (const s of [a, b]) {
    await closeHubReader(s.store);
    await s.close();
  }
  await county?.close();
});

const day = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };

describe('county views: every station read from the hub', () => {
  it("B sees A's problem scans in the county queue, with the voter's name from B's own roll, and counts per station", async () => {
    a.station.intake().scan({ raw: 'NOT-ON-ANY-ROLL', operator: 'ann' }); // UNKNOWN: a problem
    a.station.intake().scan({ raw: 'A0001', operator: 'ann' }); // ACCEPTED
    b.station.intake().scan({ raw: 'B0001', operator: 'bob' });
    await a.push();
    await b.push();
    const q = await countyQueueAction(b.station, sue, { offset: 0, limit: 50 }, b.env);
    expect(q.station).toBe('b');
    expect(q.items).toEqual([expect.objectContaining({ kind: 'problem', station: 'a', id: 1, verdict: 'UNKNOWN', raw: 'NOT-ON-ANY-ROLL', mine: false, resolutions: ['forward', 'return-to-sender', 'rescanned'] })]);
    const r = await countyReportAction(b.station, sue, day, b.env);
    expect(r.perStation).toEqual([
      { station: 'a', scans: 2, accepted: 1, problems: 1, open: 1, undone: 0 },
      { station: 'b', scans: 1, accepted: 1, problems: 0, open: 0, undone: 0 },
    ]);
    expect(r.perVerdict).toEqual([{ verdict: 'ACCEPTED', count: 2 }, { verdict: 'UNKNOWN', count: 1 }]);
    const bt = await countyBatchesAction(b.station, sue, { offset: 0, limit: 50 }, b.env);
    expect(bt.items.map((x) => x.station).sort()).toEqual(['a', 'b']);
  });

  it('filters by station and pages; a page of 0 or 501 rows is refused before it reaches the hub', async () => {
    expect((await countyQueueAction(b.station, sue, { station: 'b', offset: 0, limit: 50 }, b.env)).total).toBe(0);
    expect((await countyQueueAction(b.station, sue, { station: 'a', offset: 1, limit: 50 }, b.env)).items).toEqual([]);
    await expect(readerOver(await b.client(), 'b').call('SELECT intake.county_queue(null, null, null, 0, 501) AS v', [])).rejects.toThrow(/a page is 1 to 500 rows/);
  });

  it('a clerk may not read the county queue; a station with no hub is told in plain words', async () => {
    await expect(countyQueueAction(b.station, { name: 'cal', role: 'clerk', via: 'session' }, { offset: 0, limit: 5 }, b.env)).rejects.toThrow(/needs a supervisor/);
    await expect(countyQueueAction(b.station, sue, { offset: 0, limit: 5 }, { ...process.env, INTAKE_HUB_PASSWORD: 'wrong' })).resolves.toBeDefined(); // pooled: same settings, same pool
  });
});

describe("resolving another station's problem", () => {
  it("B's supervisor resolves A's problem: recorded on B, pushed, applied on A once; A's queue drops it and A's audit names B", async () => {
    const r = await resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: 1, resolution: 'return-to-sender', reason: 'not our county' }, b.env);
    expect(r).toEqual({ station: 'a', scanSeq: 1, recordedHere: false });
    const bEntry = [...b.store.audit.entries()].at(-1);
    expect(bEntry).toMatchObject({ action: 'county.resolve', actor: 'sue', entity_id: 'a:1' });
    expect(b.store.verifyAudit().ok).toBe(true);
    // Still listed for A's own supervisors until A hears of it; gone from the county queue once B has pushed.
    expect(reviewQueue(a.station, sue, { kind: 'problem', offset: 0, limit: 10 }).total).toBe(1);
    await b.push();
    expect((await countyQueueAction(b.station, sue, { offset: 0, limit: 50 }, b.env)).total).toBe(0);

    const applied = await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'));
    expect(applied).toEqual({ applied: 1, conflicts: 0, skipped: [] });
    expect(reviewQueue(a.station, sue, { kind: 'problem', offset: 0, limit: 10 }).total).toBe(0);
    const aEntry = [...a.store.audit.entries()].at(-1);
    expect(aEntry).toMatchObject({ action: 'problem.resolve', actor: 'sue (station b)', entity_id: '1' });
    expect(JSON.parse(aEntry?.after ?? '{}')).toMatchObject({ resolution: 'return-to-sender', reason: 'not our county', viaStation: 'b' });
    expect(a.store.verifyAudit().ok).toBe(true);
    // Pulled again before A pushed: skipped, nothing doubled.
    const again = await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'));
    expect(again.applied).toBe(0);
    expect(a.store.cure.resolutionOf(1)).toMatchObject({ actor: 'sue (station b)' });
    await a.push();
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toMatchObject({ applied: 0, skipped: [] });
    const held = await county.admin.query("SELECT resolution, resolved_by, resolved_station FROM intake.county_scans WHERE station_id = 'a' AND scan_seq = 1");
    expect(held.rows).toEqual([{ resolution: 'return-to-sender', resolved_by: 'sue', resolved_station: 'b' }]);
  });

  it('refuses in plain words: an accepted scan, one already resolved, a resolution that does not fit, an unknown scan, an empty reason', async () => {
    const go = (station: string, scanSeq: number, resolution: string, reason = 'why') => resolveCountyProblem(b.station, sue, { station, scanSeq, resolution, reason }, b.env);
    await expect(go('a', 2, 'void')).rejects.toThrow(/scan 2 of station a was accepted: nothing to resolve/);
    await expect(go('a', 1, 'forward')).rejects.toThrow(/already resolved \(return-to-sender\) by sue at station b/);
    a.station.intake().scan({ raw: 'ALSO-UNKNOWN', operator: 'ann' });
    await a.push();
    await expect(go('a', 3, 'void')).rejects.toThrow(/UNKNOWN scan is resolved as forward or return-to-sender or rescanned, not void/);
    await expect(go('a', 999, 'void')).rejects.toThrow(/The hub has no scan 999 of station a/);
    await expect(go('a', 3, 'forward', '   ')).rejects.toThrow(/needs a reason/);
    const before = b.store.audit.tip().entries;
    expect(b.store.audit.tip().entries).toBe(before); // nothing recorded by any refusal
  });

  it('two supervisors on two stations resolve the same scan at once: the first stands, the owner applies it once', async () => {
    const c = await (await import('./helpers.js')).countyStation(county, 'c', []);
    try {
      const both = await Promise.allSettled([
        resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: 3, resolution: 'forward', reason: 'b says' }, b.env),
        resolveCountyProblem(c.station, { ...sue, name: 'cy' }, { station: 'a', scanSeq: 3, resolution: 'rescanned', reason: 'c says' }, c.env),
      ]);
      expect(both.every((x) => x.status === 'fulfilled')).toBe(true); // both checked the hub before either pushed
      await b.push();
      await c.push();
      const r = await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'));
      expect(r.applied).toBe(1);
      expect(a.store.cure.resolutionOf(3)?.resolution).toBe('forward');
      await a.push();
      expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toMatchObject({ applied: 0, skipped: [] });
      expect(a.store.verifyAudit().ok).toBe(true);
    } finally {
      await closeHubReader(c.store);
      await c.close();
    }
  });
});

describe('cross-station conflicts in the county queue', () => {
  it('both stations accepted the same ballot while apart: one conflict item; a supervisor on either station resolves it for both', async () => {
    a.station.intake().scan({ raw: 'SAME0001', operator: 'ann' });
    b.station.intake().scan({ raw: 'SAME0001', operator: 'bob' });
    await a.push();
    await b.push();
    const q = await countyQueueAction(a.station, sue, { kind: 'conflict', offset: 0, limit: 50 }, a.env);
    expect(q.items).toEqual([expect.objectContaining({ kind: 'conflict', station: 'b', ballotId: 'SAME0001', other: expect.objectContaining({ station: 'a' }) as unknown, resolutions: ['keep-first', 'keep-second', 'not-a-duplicate'] })]);
    const conflictId = q.items[0]?.id ?? 0;
    // Each station's own copy of the conflict (pulled by the replicator) is in its own review queue…
    for (const s of [a, b]) await pullPending(s.store, await s.client(), s.id, 500, () => new Date());
    const openHere = (s: typeof a) => s.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM county_conflicts WHERE resolved_at IS NULL').get()?.n;
    expect(openHere(a) ?? 0).toBeGreaterThan(0);
    await resolveCountyConflict(a.station, sue, { conflictId, resolution: 'keep-first', reason: 'first envelope counts' }, a.env);
    await a.push();
    for (const s of [a, b]) expect((await countyQueueAction(s.station, sue, { kind: 'conflict', offset: 0, limit: 50 }, s.env)).total).toBe(0);
    // …and both stations mark it resolved after their next round; again changes nothing.
    for (const s of [a, b]) {
      const before = s.store.audit.tip().entries;
      await applyCountyResolutions(s.store, readerOver(await s.client(), s.id));
      expect(openHere(s)).toBe(0);
      expect((await applyCountyResolutions(s.store, readerOver(await s.client(), s.id))).conflicts).toBe(0);
      expect(s.store.audit.tip().entries).toBe(before);
    }
    await expect(resolveCountyConflict(b.station, sue, { conflictId, resolution: 'keep-second', reason: 'x' }, b.env)).rejects.toThrow(/already resolved \(keep-first\) by sue \(station a\)/);
  });
});
