// Hub migration 7 against a real PostgreSQL: a pushed county.resolve entry (a supervisor at one
// station resolving any station's problem scan) is checked against the scan it resolves. Each
// hostile or confused entry is refused with its own code and words, and the hub is unchanged
// (every table's row count and contents compared before and after); legitimate resolutions,
// including two that cross on the way, and conflict resolutions still go through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCountyConflict, resolveCountyProblem, countyQueueAction } from '../../main/actions/county.js';
import { resolveProblems } from '../../main/actions/cure.js';
import { undoScan } from '../../main/actions/scans.js';
import { closeHubReader, readerOver } from '../../main/county/hub-reader.js';
import { applyCountyResolutions } from '../../main/county/resolutions.js';
import { migrateHub } from '../../main/hub/admin.js';
import { HUB_MIGRATIONS } from '../../main/hub/migrations.js';
import { GENESIS_HASH, type AuditRow } from '../../main/store/audit.js';
import { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';
import { countyStation, sue } from '../county/helpers.js';
import { auditRows, chainedEntry, type CountyHub, type HandWrittenLog, maxHubSeqOf, push, pushAccepted, refusal, startCountyHub, unchangedHub } from './fixture.js';

type CountyStation = Awaited<ReturnType<typeof countyStation>>;

let county: CountyHub;
let a: CountyStation;
let b: CountyStation;
let c: CountyStation;
/** A station whose log is written by hand (the hostile or confused one). */
let mallory: HandWrittenLog;
/** a's scans by what they are for. */
const scan = { unknown: 0, accepted: 0, takenBack: 0, resolvedBefore: 0 };

beforeAll(async () => {
  // A hub as the previous version left it (migrations 1–6): upgraded by the first test.
  county = await startCountyHub({ migrations: HUB_MIGRATIONS.filter((m) => m.version < 7) });
  a = await countyStation(county, 'a', ['A0001', 'SAME0001']);
  b = await countyStation(county, 'b', ['SAME0001']);
  c = await countyStation(county, 'c', []);
  mallory = { client: (await county.station('mallory')).client, head: { seq: 0, hash: GENESIS_HASH } };
}, 60_000);

afterAll(async () => {
  for (const s of [a, b, c]) {
    if (!s) continue;
    await closeHubReader(s.store);
    await s.close();
  }
  await county?.close();
});

const scanOf = (s: CountyStation, raw: string) => s.station.intake().scan({ raw, operator: 'ann' });

const maxHubSeq = () => maxHubSeqOf(county.admin);

const unchanged = <T>(what: () => Promise<T>) => unchangedHub(county.admin, what);

/** The next entry of mallory's log (not kept until a push of it is accepted). */
function next(over: Partial<AuditRow>, from = mallory.head): AuditRow {
  return chainedEntry({ action: 'county.resolve', entity: 'county-scan' }, over, from);
}

/** A county.resolve entry as a station writes it, with whatever a hostile one changes. */
function resolveEntry(target: { station: string; scanSeq: number; resolution: string; reason?: string }, before: Record<string, unknown> | null): AuditRow {
  const after = { station: target.station, scanSeq: target.scanSeq, ballotId: null, verdict: 'UNKNOWN', resolution: target.resolution, reason: target.reason ?? 'because' };
  return next({ entity_id: `${target.station}:${target.scanSeq}`, before: before ? JSON.stringify(before) : null, after: JSON.stringify(after) });
}

/** How the hub names mallory's next entry. */
const nextEntry = () => `entry ${mallory.head.seq + 1} of station mallory`;

async function refused(rows: AuditRow[]) {
  return unchanged(() => refusal(push(mallory.client, rows)));
}

const accepted = (rows: AuditRow[]) => pushAccepted(mallory, rows);

describe('an existing hub upgraded to migration 7', () => {
  it('keeps the row that closed each scan it already held, and a replay of a resolution pushed before the upgrade changes nothing', async () => {
    scan.unknown = scanOf(a, 'NOT-ON-ANY-ROLL').seq;
    scan.accepted = scanOf(a, 'A0001').seq;
    scan.takenBack = scanOf(a, 'NOT-ON-ANY-ROLL-2').seq;
    scan.resolvedBefore = scanOf(a, 'NOT-ON-ANY-ROLL-3').seq;
    await a.push();
    await resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: scan.resolvedBefore, resolution: 'forward', reason: 'before the upgrade' }, b.env);
    // The hub of the previous version says nothing of what it has seen: the entry says nothing of it either.
    expect(JSON.parse(auditRows(b.store).at(-1)?.before ?? '{}')).toEqual({ verdict: 'UNKNOWN' });
    await b.push();
    undoScan(a.station, sue, { seq: scan.takenBack, reason: 'scanned twice' });
    await a.push();

    // 7 and whatever came after it (hub migration 8 checks conflict resolutions: test/hub/conflict-resolve-checks.test.ts).
    expect(await migrateHub(county.admin)).toEqual({ applied: HUB_MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version) });
    const held = await county.admin.query<{ scan_seq: string; resolved: boolean; undone: boolean }>(
      `SELECT s.scan_seq,
         s.resolved_hub_seq = (SELECT hub_seq FROM intake.entries WHERE station_id = 'b' AND action = 'county.resolve') AS resolved,
         s.undone_hub_seq = (SELECT hub_seq FROM intake.entries WHERE station_id = 'a' AND action = 'scan.undo') AS undone
       FROM intake.county_scans s WHERE s.station_id = 'a' AND (s.resolution IS NOT NULL OR s.undone) ORDER BY 1`,
    );
    expect(held.rows).toEqual([
      { scan_seq: String(scan.takenBack), resolved: null, undone: true },
      { scan_seq: String(scan.resolvedBefore), resolved: true, undone: null },
    ]);
    // b's whole log again (its resolution carries no openThrough, and the scan is closed): held, skipped, not refused.
    expect(await unchanged(async () => push(await b.client(), auditRows(b.store)))).toMatchObject({ added: 0 });
    // And the owner applies it after the upgrade as before.
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toEqual({ applied: 1, conflicts: 0, skipped: [] });
    await a.push();
  });
});

describe("a hostile or confused station's county.resolve is refused, and the hub is unchanged", () => {
  it('resolving a scan the hub does not hold, or of a station that does not exist (IH020)', async () => {
    const seen = { verdict: 'UNKNOWN', openThrough: await maxHubSeq() };
    const r = await refused([resolveEntry({ station: 'a', scanSeq: 999, resolution: 'forward' }, seen)]);
    expect(r).toMatchObject({ code: 'IH020', message: `${nextEntry()} resolves scan 999 of station a, which the hub does not hold` });
    expect(r.hint).toMatch(/if station a has not pushed that scan yet, this push goes through once it has/);
    const nobody = await refused([resolveEntry({ station: 'nobody', scanSeq: 1, resolution: 'forward' }, seen)]);
    expect(nobody).toMatchObject({ code: 'IH020', message: `${nextEntry()} resolves scan 1 of station nobody, which the hub does not hold` });
  });

  it('resolving an accepted scan (IH021)', async () => {
    const r = await refused([resolveEntry({ station: 'a', scanSeq: scan.accepted, resolution: 'void' }, { verdict: 'ACCEPTED', openThrough: await maxHubSeq() })]);
    expect(r).toMatchObject({ code: 'IH021', message: `${nextEntry()} resolves scan ${scan.accepted} of station a, which was accepted: there is nothing to resolve` });
    expect(r.hint).toMatch(/call the county's IT/);
    // A verdict the hub does not know as a problem (a newer station's, or made up).
    const odd = next({
      action: 'scan.record', entity: 'scan', entity_id: '7',
      after: JSON.stringify({ seq: 7, verdict: 'MYSTERY', raw: 'x', scannedAt: '2026-11-03T14:00:00.000Z', operator: 'mal' }),
    });
    await accepted([odd]);
    const m = await refused([resolveEntry({ station: 'mallory', scanSeq: 7, resolution: 'forward' }, { verdict: 'MYSTERY', openThrough: await maxHubSeq() })]);
    expect(m).toMatchObject({ code: 'IH021', message: `${nextEntry()} resolves scan 7 of station mallory, whose verdict MYSTERY is no problem this hub knows: there is nothing it can resolve` });
    expect(m.hint).toMatch(/run "intake hub migrate" at the hub/);
  });

  it("a resolution that does not fit the scan's verdict, or is no resolution at all (IH022)", async () => {
    const seen = { verdict: 'UNKNOWN', openThrough: await maxHubSeq() };
    for (const resolution of ['void', 'accept-postmark', "keyed'); DELETE FROM intake.county_scans; --"]) {
      const r = await refused([resolveEntry({ station: 'a', scanSeq: scan.unknown, resolution }, seen)]);
      expect(r).toMatchObject({
        code: 'IH022',
        message: `${nextEntry()} resolves scan ${scan.unknown} of station a as ${resolution.slice(0, 60)}, which does not fit its verdict: a UNKNOWN scan is resolved as forward or return-to-sender or rescanned`,
      });
    }
  });

  it('a second resolution of a scan already resolved (IH023): when the station had seen it resolved, did not say when it saw it open, or claims to have seen it open before the hub held it', async () => {
    const target = { station: 'a', scanSeq: scan.resolvedBefore, resolution: 'rescanned' };
    const first = 'which was already resolved (forward, by sue at station b)';
    const sawIt = await refused([resolveEntry(target, { verdict: 'UNKNOWN', openThrough: await maxHubSeq() })]);
    expect(sawIt).toMatchObject({ code: 'IH023', message: `${nextEntry()} resolves scan ${scan.resolvedBefore} of station a, ${first} when station mallory checked it: a scan is resolved once` });
    expect(sawIt.hint).toMatch(/call the county's IT/);
    const silent = await refused([resolveEntry(target, { verdict: 'UNKNOWN' })]);
    expect(silent.code).toBe('IH023');
    expect(silent.message).toBe(`${nextEntry()} resolves scan ${scan.resolvedBefore} of station a, ${first}, and the entry does not say when station mallory saw it open: a scan is resolved once`);
    expect((await refused([resolveEntry(target, null)])).code).toBe('IH023');
    const early = await refused([resolveEntry(target, { verdict: 'UNKNOWN', openThrough: 1 })]);
    expect(early.code).toBe('IH023');
    expect(early.message).toMatch(/and the entry says station mallory saw it open at hub row 1, before the hub held the scan \(row \d+\): a scan is resolved once$/);
  });

  it('resolving a scan taken back at its station (IH024)', async () => {
    const r = await refused([resolveEntry({ station: 'a', scanSeq: scan.takenBack, resolution: 'forward' }, { verdict: 'UNKNOWN', openThrough: await maxHubSeq() })]);
    expect(r).toMatchObject({
      code: 'IH024',
      message: `${nextEntry()} resolves scan ${scan.takenBack} of station a, which had been taken back at its station when station mallory checked it: there is nothing to resolve`,
    });
  });

  it('malformed county.resolve entries: no object, no scan, a scan number that is not one, an id that is not the scan, no resolution, no reason, a bad openThrough (IH004)', async () => {
    const seen = JSON.stringify({ verdict: 'UNKNOWN', openThrough: 1 });
    const good = { station: 'a', scanSeq: scan.unknown, ballotId: null, verdict: 'UNKNOWN', resolution: 'forward', reason: 'why' };
    const id = `a:${scan.unknown}`;
    const cases: [Partial<AuditRow>, RegExp][] = [
      [{ after: '[1,2]', entity_id: id }, /^entry \d+ \(county\.resolve\): the resolution is not a JSON object$/],
      [{ after: null, entity_id: id }, /^entry \d+ \(county\.resolve\): the resolution is not a JSON object$/],
      [{ after: JSON.stringify({ ...good, scanSeq: undefined }), entity_id: id }, /^entry \d+ \(county\.resolve\) names no scan: it needs station \(text\) and scanSeq \(a whole number from 1 up\)$/],
      [{ after: JSON.stringify({ ...good, scanSeq: String(scan.unknown) }), entity_id: id }, /names no scan/],
      [{ after: JSON.stringify({ ...good, scanSeq: 0 }), entity_id: 'a:0' }, /names no scan/],
      [{ after: JSON.stringify({ ...good, scanSeq: 1.5 }), entity_id: 'a:1.5' }, /names no scan/],
      [{ after: JSON.stringify({ ...good, station: 7 }), entity_id: id }, /names no scan/],
      [{ after: JSON.stringify(good), entity_id: `a:${scan.accepted}` }, new RegExp(`^entry \\d+ \\(county\\.resolve\\) is about county-scan a:${scan.accepted}, not about the scan ${scan.unknown} of station a it resolves$`)],
      [{ after: JSON.stringify(good), entity_id: id, entity: 'scan' }, /is about scan a:\d+, not about the scan/],
      [{ after: JSON.stringify(good), entity_id: null }, /is about county-scan \(no id\), not about the scan/],
      [{ after: JSON.stringify({ ...good, resolution: undefined }), entity_id: id }, new RegExp(`^entry \\d+ \\(county\\.resolve\\) names no resolution for scan ${scan.unknown} of station a$`)],
      [{ after: JSON.stringify({ ...good, resolution: ['forward'] }), entity_id: id }, /names no resolution/],
      [{ after: JSON.stringify({ ...good, reason: undefined }), entity_id: id }, new RegExp(`^entry \\d+ \\(county\\.resolve\\) gives no reason for resolving scan ${scan.unknown} of station a$`)],
      [{ after: JSON.stringify({ ...good, reason: ' \t ' }), entity_id: id }, /gives no reason/],
      [{ after: JSON.stringify(good), entity_id: id, before: JSON.stringify({ verdict: 'UNKNOWN', openThrough: '7' }) }, /^entry \d+ \(county\.resolve\): openThrough must be a hub row number \(0 or more\)$/],
      [{ after: JSON.stringify(good), entity_id: id, before: JSON.stringify({ verdict: 'UNKNOWN', openThrough: -1 }) }, /openThrough must be a hub row number/],
    ];
    for (const [over, message] of cases) {
      const r = await refused([next({ before: seen, ...over })]);
      expect({ code: r.code, message: r.message }).toMatchObject({ code: 'IH004', message: expect.stringMatching(message) as unknown });
    }
  });

  it('a refused resolution takes the whole push with it: the good entries before it are not kept either', async () => {
    const one = next({ action: 'config.set', entity: 'config', entity_id: 'batchSize', after: '{"value":250}' });
    const two = next({ action: 'config.set', entity: 'config', entity_id: 'batchSize', after: '{"value":300}' }, one);
    const bad = resolveEntry({ station: 'a', scanSeq: scan.accepted, resolution: 'void' }, { verdict: 'ACCEPTED', openThrough: await maxHubSeq() });
    const three = next({ entity_id: bad.entity_id, before: bad.before, after: bad.after }, two);
    const r = await refused([one, two, three]);
    expect(r).toMatchObject({ code: 'IH021', message: `entry ${mallory.head.seq + 3} of station mallory resolves scan ${scan.accepted} of station a, which was accepted: there is nothing to resolve` });
    // The same station's good entries alone go through (its chain goes on from what the hub holds).
    const through = mallory.head.seq + 2;
    expect(await accepted([one, two])).toMatchObject({ added: 2, acknowledgedThrough: through });
  });
});

describe('legitimate resolutions still go through', () => {
  it("B resolves A's problem through the action: checked, recorded with the hub row it saw, pushed, applied once at A; a replay changes nothing", async () => {
    const seenBefore = await maxHubSeq();
    await resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: scan.unknown, resolution: 'return-to-sender', reason: 'not our county' }, b.env);
    const entry = auditRows(b.store).at(-1);
    expect(JSON.parse(entry?.before ?? '{}')).toEqual({ verdict: 'UNKNOWN', openThrough: seenBefore });
    await b.push();
    const held = await county.admin.query(
      `SELECT s.resolution, s.resolved_station, s.resolved_hub_seq = e.hub_seq AS by_that_entry, r.applied
       FROM intake.county_scans s, intake.entries e, intake.county_resolutions r
       WHERE s.station_id = 'a' AND s.scan_seq = $1 AND e.station_id = 'b' AND e.local_seq = $2 AND r.hub_seq = e.hub_seq`,
      [scan.unknown, entry?.seq],
    );
    expect(held.rows).toEqual([{ resolution: 'return-to-sender', resolved_station: 'b', by_that_entry: true, applied: false }]);
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toEqual({ applied: 1, conflicts: 0, skipped: [] });
    expect(a.store.cure.resolutionOf(scan.unknown)).toMatchObject({ resolution: 'return-to-sender', actor: 'sue (station b)' });
    await a.push();
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toMatchObject({ applied: 0, skipped: [] });
    expect(await unchanged(async () => push(await b.client(), auditRows(b.store)))).toMatchObject({ added: 0 });
    for (const s of [a, b]) expect(s.store.verifyAudit().ok).toBe(true);
  });

  it('a resolution whose scan arrives earlier in the same push', async () => {
    const scanned = next({
      action: 'scan.record', entity: 'scan', entity_id: '1',
      after: JSON.stringify({ seq: 1, verdict: 'UNREADABLE', reason: 'no barcode', raw: '', scannedAt: '2026-11-03T14:00:00.000Z', operator: 'mal' }),
    });
    const resolved = next(
      { entity_id: 'mallory:1', before: JSON.stringify({ verdict: 'UNREADABLE' }), after: JSON.stringify({ station: 'mallory', scanSeq: 1, ballotId: null, verdict: 'UNREADABLE', resolution: 'keyed', reason: 'keyed in' }) },
      scanned,
    );
    expect(await accepted([scanned, resolved])).toMatchObject({ added: 2 });
    const held = await county.admin.query("SELECT resolution, resolved_by FROM intake.county_scans WHERE station_id = 'mallory' AND scan_seq = 1");
    expect(held.rows).toEqual([{ resolution: 'keyed', resolved_by: 'mal' }]);
  });

  it('two resolutions that cross on the way (two other stations at once, or the owner and another) are both kept; the first stands and is applied once', async () => {
    // Two other stations: both checked the hub before either pushed.
    const x = scanOf(a, 'CROSSING-1').seq;
    const y = scanOf(a, 'CROSSING-2').seq;
    await a.push();
    await Promise.all([
      resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: x, resolution: 'forward', reason: 'b says' }, b.env),
      resolveCountyProblem(c.station, { ...sue, name: 'cy' }, { station: 'a', scanSeq: x, resolution: 'rescanned', reason: 'c says' }, c.env),
    ]);
    await b.push();
    await c.push();
    // The owner resolves its own scan while b resolves it too; the owner's push arrives first.
    await resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: y, resolution: 'forward', reason: 'b again' }, b.env);
    expect(resolveProblems(a.station, sue, { seqs: [y], resolution: 'return-to-sender', reason: 'a itself' })).toMatchObject({ resolved: 1 });
    await a.push();
    await b.push();
    const rows = await county.admin.query(
      "SELECT scan_seq::int AS seq, by_station, resolution, applied FROM intake.county_resolutions WHERE kind = 'scan' AND scan_seq IN ($1, $2) ORDER BY hub_seq",
      [x, y],
    );
    expect(rows.rows).toEqual([
      { seq: x, by_station: 'b', resolution: 'forward', applied: false },
      { seq: x, by_station: 'c', resolution: 'rescanned', applied: true },
      { seq: y, by_station: 'b', resolution: 'forward', applied: true },
    ]);
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toMatchObject({ applied: 1 });
    expect(a.store.cure.resolutionOf(x)?.resolution).toBe('forward');
    expect(a.store.cure.resolutionOf(y)?.resolution).toBe('return-to-sender');
    await a.push();
    expect(await applyCountyResolutions(a.store, readerOver(await a.client(), 'a'))).toMatchObject({ applied: 0, skipped: [] });
    for (const s of [a, b, c]) expect(s.store.audit.tip().entries).toBe(s.store.county.state().pushedThrough);
  });

  it('the same resolution pushed 40 times at once is held once', async () => {
    const z = scanOf(a, 'FORTY-TIMES').seq;
    await a.push();
    await resolveCountyProblem(b.station, sue, { station: 'a', scanSeq: z, resolution: 'forward', reason: 'once' }, b.env);
    const rows = auditRows(b.store, b.store.county.state().pushedThrough + 1);
    const clients = await Promise.all(Array.from({ length: 40 }, () => county.hub.connect(b.roleName, b.password)));
    try {
      const acks = await Promise.all(clients.map((cl) => push(cl, rows)));
      expect(acks.map((k) => k.added).sort()).toEqual([...Array<number>(39).fill(0), rows.length].sort());
      expect(new Set(acks.map((k) => k.head)).size).toBe(1);
    } finally {
      await Promise.all(clients.map((cl) => cl.end()));
    }
    const held = await county.admin.query<{ entries: number; resolutions: number; resolved: string }>(
      `SELECT (SELECT count(*)::int FROM intake.entries WHERE station_id = 'b' AND action = 'county.resolve' AND entity_id = $2) AS entries,
         (SELECT count(*)::int FROM intake.county_resolutions WHERE target_station = 'a' AND scan_seq = $1) AS resolutions,
         (SELECT resolution FROM intake.county_scans WHERE station_id = 'a' AND scan_seq = $1) AS resolved`,
      [z, `a:${z}`],
    );
    expect(held.rows).toEqual([{ entries: 1, resolutions: 1, resolved: 'forward' }]);
  });

  it('a cross-station conflict is still resolved (county.conflict-resolve) for both stations', async () => {
    scanOf(a, 'SAME0001');
    scanOf(b, 'SAME0001');
    await a.push();
    await b.push();
    const q = await countyQueueAction(a.station, sue, { kind: 'conflict', offset: 0, limit: 50 }, a.env);
    expect(q.total).toBe(1);
    await resolveCountyConflict(a.station, sue, { conflictId: q.items[0]?.id ?? 0, resolution: 'keep-first', reason: 'first envelope counts' }, a.env);
    await a.push();
    for (const s of [a, b]) expect((await countyQueueAction(s.station, sue, { kind: 'conflict', offset: 0, limit: 50 }, s.env)).total).toBe(0);
    const held = await county.admin.query("SELECT resolution, resolved_by FROM intake.conflicts WHERE resolved_at IS NOT NULL");
    expect(held.rows).toEqual([{ resolution: 'keep-first', resolved_by: 'sue (station a)' }]);
  });
});

describe("the hub's list of resolutions", () => {
  it("is the station's own (shared/cure/resolutions.ts), pinned: changing that list needs a hub migration that updates intake.problem_resolutions", async () => {
    const held = await county.admin.query<{ verdict: string; resolution: string }>('SELECT verdict, resolution FROM intake.problem_resolutions ORDER BY verdict, position');
    const byVerdict: Record<string, string[]> = {};
    for (const r of held.rows) (byVerdict[r.verdict] ??= []).push(r.resolution);
    const station = Object.fromEntries(Object.entries(PROBLEM_RESOLUTIONS).map(([v, rs]) => [v, [...rs]]));
    expect(byVerdict).toEqual(station);
    // Pinned as hub migration 7 wrote it. If this fails, the station's list changed: a hub that
    // already ran migration 7 keeps the old rows and refuses the new resolutions (IH022), so add a
    // hub migration that brings intake.problem_resolutions in line, then update this.
    expect(station).toEqual({
      LATE: ['accept-postmark', 'reject-late'],
      DUPLICATE: ['set-aside-duplicate'],
      SUPERSEDED: ['void'],
      CANCELLED: ['void', 'forward'],
      ALREADY_VOTED: ['void', 'refer'],
      UNKNOWN: ['forward', 'return-to-sender', 'rescanned'],
      WRONG_ELECTION: ['forward', 'return-to-sender'],
      WRONG_JURISDICTION: ['forward'],
      UNREADABLE: ['rescanned', 'keyed'],
    });
  });
});
