// Hub migration 8 against a real PostgreSQL: a pushed county.conflict-resolve entry (a supervisor
// at one station settling a cross-station conflict) is checked against the conflict it resolves.
// Each hostile or confused entry is refused with its own code and words, and the hub is unchanged
// (every table's row count and contents compared before and after); legitimate resolutions,
// including two that cross on the way (two supervisors, or a supervisor and an undo), still go
// through, the same one pushed 40 times at once is held once, and a hub at version 7 upgrades.
// Also: the image refusals of hub migration 5 (IH030/IH031) are the hub's, in its own words.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyQueueAction, resolveCountyConflict } from '../../main/actions/county.js';
import { undoScan } from '../../main/actions/scans.js';
import { closeHubReader, readerOver } from '../../main/county/hub-reader.js';
import { applyCountyResolutions } from '../../main/county/resolutions.js';
import { migrateHub } from '../../main/hub/admin.js';
import { hubErrorText, hubRefusalOf } from '../../main/hub/errors.js';
import { HUB_MIGRATIONS } from '../../main/hub/migrations.js';
import { GENESIS_HASH, type AuditRow } from '../../main/store/audit.js';
import { CONFLICT_RESOLUTIONS } from '../../shared/county/conflicts.js';
import { countyStation, sue } from '../county/helpers.js';
import { auditRows, chainedEntry, type CountyHub, type HandWrittenLog, maxHubSeqOf, push, pushAccepted, refusal, startCountyHub, unchangedHub } from './fixture.js';

type CountyStation = Awaited<ReturnType<typeof countyStation>>;

let county: CountyHub;
let a: CountyStation;
let b: CountyStation;
let c: CountyStation;
/** A station whose log is written by hand (the hostile or confused one). */
let mallory: HandWrittenLog;
/** Conflicts by what they are for (their conflict_id at the hub). */
const conflict = { resolvedBefore: 0, closedByHub: 0, open: 0 };

const BALLOTS = ['SAME0001', 'SAME0002', 'SAME0003', 'SAME0004', 'SAME0005', 'SAME0006'];

beforeAll(async () => {
  // A hub as the previous version left it (migrations 1–7): upgraded by the first test.
  county = await startCountyHub({ migrations: HUB_MIGRATIONS.filter((m) => m.version < 8) });
  a = await countyStation(county, 'a', BALLOTS);
  b = await countyStation(county, 'b', BALLOTS);
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

/** Both a and b accept the same ballot while apart, then push: the hub's conflict about it. */
async function conflictOver(ballot: string): Promise<{ id: number; bSeq: number }> {
  scanOf(a, ballot);
  const bSeq = scanOf(b, ballot).seq;
  await a.push();
  await b.push();
  const r = await county.admin.query<{ id: string }>(
    'SELECT c.conflict_id AS id FROM intake.conflicts c JOIN intake.receipts r ON r.hub_seq = c.second_hub_seq WHERE r.ballot_id = $1',
    [ballot],
  );
  expect(r.rows).toHaveLength(1);
  return { id: Number(r.rows[0]?.id), bSeq };
}

const maxHubSeq = () => maxHubSeqOf(county.admin);

const unchanged = <T>(what: () => Promise<T>) => unchangedHub(county.admin, what);

/** The next entry of mallory's log (not kept until a push of it is accepted). */
function next(over: Partial<AuditRow>, from = mallory.head): AuditRow {
  return chainedEntry({ action: 'county.conflict-resolve', entity: 'county-conflict' }, over, from);
}

/** A county.conflict-resolve entry as a station writes it, with whatever a hostile one changes. */
function resolveEntry(target: { conflictId: number; resolution: string; reason?: string }, before: Record<string, unknown> | null): AuditRow {
  const after = { conflictId: target.conflictId, resolution: target.resolution, reason: target.reason ?? 'because' };
  return next({ entity_id: String(target.conflictId), before: before ? JSON.stringify(before) : null, after: JSON.stringify(after) });
}

/** How the hub names mallory's next entry. */
const nextEntry = () => `entry ${mallory.head.seq + 1} of station mallory`;

async function refused(rows: AuditRow[]) {
  return unchanged(() => refusal(push(mallory.client, rows)));
}

const accepted = (rows: AuditRow[]) => pushAccepted(mallory, rows);

const hubSeqOf = async (station: string, localSeq: number) =>
  Number((await county.admin.query<{ h: string }>('SELECT hub_seq AS h FROM intake.entries WHERE station_id = $1 AND local_seq = $2', [station, localSeq])).rows[0]?.h);

describe('an existing hub upgraded to migration 8', () => {
  it('keeps the row that closed each conflict it already held (by a supervisor, or by the hub on an undo), and a replay of a resolution pushed before the upgrade changes nothing', async () => {
    const resolved = await conflictOver('SAME0001');
    conflict.resolvedBefore = resolved.id;
    await resolveCountyConflict(a.station, sue, { conflictId: resolved.id, resolution: 'keep-first', reason: 'before the upgrade' }, a.env);
    const resolvingEntry = auditRows(a.store).at(-1);
    // The hub of the previous version says nothing of what it has seen: the entry says nothing of it either.
    expect(resolvingEntry?.before).toBeNull();
    await a.push();
    const closed = await conflictOver('SAME0002');
    conflict.closedByHub = closed.id;
    undoScan(b.station, sue, { seq: closed.bSeq, reason: 'the same envelope twice' });
    const undoEntry = auditRows(b.store).at(-1);
    await b.push();
    conflict.open = (await conflictOver('SAME0003')).id;

    expect(await migrateHub(county.admin)).toEqual({ applied: HUB_MIGRATIONS.filter((m) => m.version >= 8).map((m) => m.version) });
    const held = await county.admin.query<{ id: string; resolved_hub_seq: string | null; resolution: string | null }>(
      'SELECT conflict_id AS id, resolved_hub_seq, resolution FROM intake.conflicts ORDER BY conflict_id',
    );
    expect(held.rows).toEqual([
      { id: String(conflict.resolvedBefore), resolved_hub_seq: String(await hubSeqOf('a', resolvingEntry?.seq ?? 0)), resolution: 'keep-first' },
      { id: String(conflict.closedByHub), resolved_hub_seq: String(await hubSeqOf('b', undoEntry?.seq ?? 0)), resolution: 'the duplicate receipt was undone at its station' },
      { id: String(conflict.open), resolved_hub_seq: null, resolution: null },
    ]);
    // a's whole log again (its resolution carries no openThrough, and the conflict is closed): held, skipped, not refused.
    expect(await unchanged(async () => push(await a.client(), auditRows(a.store)))).toMatchObject({ added: 0 });
  });
});

describe("a hostile or confused station's county.conflict-resolve is refused, and the hub is unchanged", () => {
  it('resolving a conflict the hub does not hold (IH025)', async () => {
    const r = await refused([resolveEntry({ conflictId: 999, resolution: 'keep-first' }, { openThrough: await maxHubSeq() })]);
    expect(r).toMatchObject({ code: 'IH025', message: `${nextEntry()} resolves conflict 999, which the hub does not hold` });
    expect(r.hint).toMatch(/a station resolves only a conflict the hub showed it/);
    expect(hubRefusalOf(r)).toBe('conflict-not-at-hub');
    expect(hubErrorText(r, 'station_mallory@localhost/county')).toBe(`the hub refused: ${r.message}`);
  });

  it('a resolution that is none of the ways a conflict is resolved (IH026)', async () => {
    const seen = { openThrough: await maxHubSeq() };
    for (const resolution of ['keep-both', 'void', '', "keep-first'); UPDATE intake.conflicts SET resolved_at = now(); --"]) {
      const r = await refused([resolveEntry({ conflictId: conflict.open, resolution }, seen)]);
      expect(r).toMatchObject({
        code: 'IH026',
        message: `${nextEntry()} resolves conflict ${conflict.open} as ${resolution.slice(0, 60)}, which is no way to resolve a conflict: a conflict is resolved as keep-first or keep-second or not-a-duplicate`,
      });
      expect(r.hint).toMatch(/run "intake hub migrate" at the hub/);
      expect(hubRefusalOf(r)).toBe('not-a-conflict-resolution');
    }
  });

  it('a second resolution of a conflict already resolved (IH027): when the station had seen it resolved, did not say when it saw it open, or claims to have seen it open before the hub held it', async () => {
    const target = { conflictId: conflict.resolvedBefore, resolution: 'keep-second' };
    const first = 'which was already resolved (keep-first, by sue (station a))';
    const sawIt = await refused([resolveEntry(target, { openThrough: await maxHubSeq() })]);
    expect(sawIt).toMatchObject({ code: 'IH027', message: `${nextEntry()} resolves conflict ${conflict.resolvedBefore}, ${first} when station mallory checked it: a conflict is resolved once` });
    expect(sawIt.hint).toMatch(/call the county's IT/);
    expect(hubRefusalOf(sawIt)).toBe('conflict-already-resolved');
    const silent = await refused([resolveEntry(target, null)]);
    expect(silent).toMatchObject({
      code: 'IH027',
      message: `${nextEntry()} resolves conflict ${conflict.resolvedBefore}, ${first}, and the entry does not say when station mallory saw it open: a conflict is resolved once`,
    });
    expect((await refused([resolveEntry(target, {})])).code).toBe('IH027');
    const early = await refused([resolveEntry(target, { openThrough: 1 })]);
    expect(early.code).toBe('IH027');
    expect(early.message).toMatch(/and the entry says station mallory saw it open at hub row 1, before the hub held the conflict \(row \d+\): a conflict is resolved once$/);
  });

  it('resolving a conflict the hub already closed when one of its receipts was undone (IH027)', async () => {
    const r = await refused([resolveEntry({ conflictId: conflict.closedByHub, resolution: 'keep-first' }, { openThrough: await maxHubSeq() })]);
    expect(r).toMatchObject({
      code: 'IH027',
      message: `${nextEntry()} resolves conflict ${conflict.closedByHub}, which the hub had already closed (the duplicate receipt was undone at its station) when station mallory checked it: a conflict is resolved once`,
    });
  });

  it('malformed county.conflict-resolve entries: no object, no conflict, a conflict number that is not one, an id that is not the conflict, no resolution, no or a blank reason (once a raw PostgreSQL 23502), a bad openThrough (IH004)', async () => {
    const seen = JSON.stringify({ openThrough: 1 });
    const good = { conflictId: conflict.open, resolution: 'keep-first', reason: 'why' };
    const id = String(conflict.open);
    const cases: [Partial<AuditRow>, RegExp][] = [
      [{ after: '[1,2]', entity_id: id }, /^entry \d+ \(county\.conflict-resolve\): the resolution is not a JSON object$/],
      [{ after: null, entity_id: id }, /^entry \d+ \(county\.conflict-resolve\): the resolution is not a JSON object$/],
      [{ after: '"keep-first"', entity_id: id }, /the resolution is not a JSON object$/],
      [{ after: JSON.stringify({ ...good, conflictId: undefined }), entity_id: id }, /^entry \d+ \(county\.conflict-resolve\) names no conflict: it needs conflictId \(a whole number from 1 up\)$/],
      [{ after: JSON.stringify({ ...good, conflictId: id }), entity_id: id }, /names no conflict/],
      [{ after: JSON.stringify({ ...good, conflictId: 0 }), entity_id: '0' }, /names no conflict/],
      [{ after: JSON.stringify({ ...good, conflictId: -3 }), entity_id: '-3' }, /names no conflict/],
      [{ after: JSON.stringify({ ...good, conflictId: 1.5 }), entity_id: '1.5' }, /names no conflict/],
      [{ after: JSON.stringify({ ...good, conflictId: 1e30 }), entity_id: '1e+30' }, /names no conflict/],
      [{ after: JSON.stringify(good), entity_id: String(conflict.resolvedBefore) },
        new RegExp(`^entry \\d+ \\(county\\.conflict-resolve\\) is about county-conflict ${conflict.resolvedBefore}, not about the conflict ${conflict.open} it resolves$`)],
      [{ after: JSON.stringify(good), entity_id: id, entity: 'county-scan' }, /is about county-scan \d+, not about the conflict/],
      [{ after: JSON.stringify(good), entity_id: null }, /is about county-conflict \(no id\), not about the conflict/],
      [{ after: JSON.stringify(good), entity_id: ` ${id}` }, /not about the conflict/],
      [{ after: JSON.stringify({ ...good, resolution: undefined }), entity_id: id }, new RegExp(`^entry \\d+ \\(county\\.conflict-resolve\\) names no resolution for conflict ${conflict.open}$`)],
      [{ after: JSON.stringify({ ...good, resolution: ['keep-first'] }), entity_id: id }, /names no resolution/],
      [{ after: JSON.stringify({ ...good, resolution: null }), entity_id: id }, /names no resolution/],
      [{ after: JSON.stringify({ ...good, reason: undefined }), entity_id: id }, new RegExp(`^entry \\d+ \\(county\\.conflict-resolve\\) gives no reason for resolving conflict ${conflict.open}$`)],
      [{ after: JSON.stringify({ ...good, reason: null }), entity_id: id }, /gives no reason/],
      [{ after: JSON.stringify({ ...good, reason: ' \t\n ' }), entity_id: id }, /gives no reason/],
      [{ after: JSON.stringify({ ...good, reason: 42 }), entity_id: id }, /gives no reason/],
      [{ after: JSON.stringify(good), entity_id: id, before: JSON.stringify({ openThrough: '7' }) }, /^entry \d+ \(county\.conflict-resolve\): openThrough must be a hub row number \(0 or more\)$/],
      [{ after: JSON.stringify(good), entity_id: id, before: JSON.stringify({ openThrough: -1 }) }, /openThrough must be a hub row number/],
      [{ after: JSON.stringify(good), entity_id: id, before: JSON.stringify({ openThrough: null }) }, /openThrough must be a hub row number/],
    ];
    for (const [over, message] of cases) {
      const r = await refused([next({ before: seen, ...over })]);
      expect({ code: r.code, message: r.message }).toMatchObject({ code: 'IH004', message: expect.stringMatching(message) as unknown });
    }
  });

  it('a refused conflict resolution takes the whole push with it: the good entries before it are not kept either', async () => {
    const one = next({ action: 'config.set', entity: 'config', entity_id: 'batchSize', after: '{"value":250}' });
    const two = next({ action: 'config.set', entity: 'config', entity_id: 'batchSize', after: '{"value":300}' }, one);
    const bad = resolveEntry({ conflictId: conflict.open, resolution: 'keep-first', reason: '' }, { openThrough: await maxHubSeq() });
    const three = next({ entity_id: bad.entity_id, before: bad.before, after: bad.after }, two);
    const r = await refused([one, two, three]);
    expect(r).toMatchObject({ code: 'IH004', message: `entry ${mallory.head.seq + 3} (county.conflict-resolve) gives no reason for resolving conflict ${conflict.open}` });
    expect(await accepted([one, two])).toMatchObject({ added: 2, acknowledgedThrough: mallory.head.seq });
  });

  it('the station itself does not write a resolution outside its list (it would hold back its own log)', async () => {
    const head = b.store.audit.tip().entries;
    await expect(
      resolveCountyConflict(b.station, sue, { conflictId: conflict.open, resolution: 'keep-both' as (typeof CONFLICT_RESOLUTIONS)[number], reason: 'x' }, b.env),
    ).rejects.toThrow('A conflict is resolved as keep-first or keep-second or not-a-duplicate, not keep-both.');
    expect(b.store.audit.tip().entries).toBe(head);
  });
});

describe('legitimate conflict resolutions still go through', () => {
  it('B resolves the conflict through the action: checked, recorded with the hub row it saw, pushed, closed for both stations; a replay changes nothing', async () => {
    const seenBefore = await maxHubSeq();
    await resolveCountyConflict(b.station, sue, { conflictId: conflict.open, resolution: 'keep-second', reason: 'the later envelope is the signed one' }, b.env);
    const entry = auditRows(b.store).at(-1);
    expect(entry).toMatchObject({ action: 'county.conflict-resolve', entity: 'county-conflict', entity_id: String(conflict.open) });
    expect(JSON.parse(entry?.before ?? 'null')).toEqual({ openThrough: seenBefore });
    await b.push();
    const held = await county.admin.query(
      `SELECT c.resolution, c.resolved_by, c.resolved_hub_seq = e.hub_seq AS by_that_entry, r.reason, r.applied
       FROM intake.conflicts c, intake.entries e, intake.county_resolutions r
       WHERE c.conflict_id = $1 AND e.station_id = 'b' AND e.local_seq = $2 AND r.hub_seq = e.hub_seq`,
      [conflict.open, entry?.seq],
    );
    expect(held.rows).toEqual([{ resolution: 'keep-second', resolved_by: 'sue (station b)', by_that_entry: true, reason: 'the later envelope is the signed one', applied: true }]);
    for (const s of [a, b]) {
      expect((await countyQueueAction(s.station, sue, { kind: 'conflict', offset: 0, limit: 50 }, s.env)).total).toBe(0);
      await applyCountyResolutions(s.store, readerOver(await s.client(), s.id));
      await s.push();
    }
    expect(await unchanged(async () => push(await b.client(), auditRows(b.store)))).toMatchObject({ added: 0 });
    for (const s of [a, b]) expect(s.store.verifyAudit().ok).toBe(true);
  });

  it('two resolutions that cross on the way (two supervisors at once, or one while a receipt of the conflict is undone) are both kept; the first stands; no chain is held back', async () => {
    // Two supervisors at b and c: both checked the hub before either pushed.
    const x = (await conflictOver('SAME0004')).id;
    await Promise.all([
      resolveCountyConflict(b.station, sue, { conflictId: x, resolution: 'keep-first', reason: 'b says' }, b.env),
      resolveCountyConflict(c.station, { ...sue, name: 'cy' }, { conflictId: x, resolution: 'not-a-duplicate', reason: 'c says' }, c.env),
    ]);
    await b.push();
    await c.push();
    // c resolves while b undoes its receipt of the conflict; b's undo reaches the hub first.
    const y = await conflictOver('SAME0005');
    await resolveCountyConflict(c.station, { ...sue, name: 'cy' }, { conflictId: y.id, resolution: 'keep-second', reason: 'c again' }, c.env);
    undoScan(b.station, sue, { seq: y.bSeq, reason: 'scanned twice' });
    const undoEntry = auditRows(b.store).at(-1);
    await b.push();
    // The hub closed it with b's undo, and keeps that row as the one that closed it.
    const closedBy = await county.admin.query<{ h: string }>('SELECT resolved_hub_seq AS h FROM intake.conflicts WHERE conflict_id = $1', [y.id]);
    expect(closedBy.rows).toEqual([{ h: String(await hubSeqOf('b', undoEntry?.seq ?? 0)) }]);
    await c.push();
    const rows = await county.admin.query(
      "SELECT conflict_id::int AS id, by_station, resolution FROM intake.county_resolutions WHERE kind = 'conflict' AND conflict_id IN ($1, $2) ORDER BY hub_seq",
      [x, y.id],
    );
    expect(rows.rows).toEqual([
      { id: x, by_station: 'b', resolution: 'keep-first' },
      { id: x, by_station: 'c', resolution: 'not-a-duplicate' },
      { id: y.id, by_station: 'c', resolution: 'keep-second' },
    ]);
    const closed = await county.admin.query('SELECT conflict_id::int AS id, resolution, resolved_by FROM intake.conflicts WHERE conflict_id IN ($1, $2) ORDER BY 1', [x, y.id]);
    expect(closed.rows).toEqual([
      { id: x, resolution: 'keep-first', resolved_by: 'sue (station b)' },
      { id: y.id, resolution: 'the duplicate receipt was undone at its station', resolved_by: 'hub' },
    ]);
    for (const s of [a, b, c]) expect(s.store.audit.tip().entries).toBe(s.store.county.state().pushedThrough);
  });

  it('the same resolution pushed 40 times at once is held once', async () => {
    const z = (await conflictOver('SAME0006')).id;
    await resolveCountyConflict(b.station, sue, { conflictId: z, resolution: 'keep-first', reason: 'once' }, b.env);
    const rows = auditRows(b.store, b.store.county.state().pushedThrough + 1);
    const clients = await Promise.all(Array.from({ length: 40 }, () => county.hub.connect(b.roleName, b.password)));
    try {
      const acks = await Promise.all(clients.map((cl) => push(cl, rows)));
      expect(acks.map((k) => k.added).sort()).toEqual([...Array<number>(39).fill(0), rows.length].sort());
      expect(new Set(acks.map((k) => k.head)).size).toBe(1);
    } finally {
      await Promise.all(clients.map((cl) => cl.end()));
    }
    const held = await county.admin.query<{ entries: number; resolutions: number; resolution: string; by: string }>(
      `SELECT (SELECT count(*)::int FROM intake.entries WHERE station_id = 'b' AND action = 'county.conflict-resolve' AND entity_id = $2) AS entries,
         (SELECT count(*)::int FROM intake.county_resolutions WHERE kind = 'conflict' AND conflict_id = $1) AS resolutions,
         (SELECT resolution FROM intake.conflicts WHERE conflict_id = $1) AS resolution,
         (SELECT resolved_by FROM intake.conflicts WHERE conflict_id = $1) AS by`,
      [z, String(z)],
    );
    expect(held.rows).toEqual([{ entries: 1, resolutions: 1, resolution: 'keep-first', by: 'sue (station b)' }]);
  });
});

describe("the hub's list of conflict resolutions", () => {
  it("is the station's own (shared/county/conflicts.ts), pinned: changing that list needs a hub migration that updates intake.conflict_resolutions", async () => {
    const held = await county.admin.query<{ resolution: string }>('SELECT resolution FROM intake.conflict_resolutions ORDER BY position');
    expect(held.rows.map((r) => r.resolution)).toEqual([...CONFLICT_RESOLUTIONS]);
    // Pinned as hub migration 8 wrote it. If this fails, the station's list changed: a hub that
    // already ran migration 8 keeps the old rows and refuses the new resolutions (IH026), so add a
    // hub migration that brings intake.conflict_resolutions in line, then update this.
    expect([...CONFLICT_RESOLUTIONS]).toEqual(['keep-first', 'keep-second', 'not-a-duplicate']);
  });
});

describe("the hub's image refusals (hub migration 5) are its own, in its words", () => {
  it('IH030 (bytes that do not match their name) and IH031 (not a picture the hub takes) read "the hub refused: …", not "the hub at … failed"', async () => {
    const where = 'station_mallory@localhost/county';
    const named = createHash('sha256').update('what the name promises').digest('hex');
    const forged = await unchanged(() => refusal(mallory.client.query('SELECT intake.put_image($1, $2)', [named, Buffer.from('something else entirely')])));
    expect(forged.code).toBe('IH030');
    expect(hubRefusalOf(forged)).toBe('image-does-not-match');
    expect(hubErrorText(forged, where)).toBe(`the hub refused: image ${named.slice(0, 12)}… from station mallory does not match its name (its content hashes to ${createHash('sha256').update('something else entirely').digest('hex').slice(0, 12)}…): it was altered or damaged, and the hub did not keep it`);
    for (const [args, words] of [
      [[named, Buffer.alloc(0)], `the hub refused: image ${named.slice(0, 12)}… is empty (zero bytes)`],
      [['ABC', Buffer.from('x')], 'the hub refused: an image is named by its SHA-256: 64 lowercase hex digits'],
    ] as const) {
      const r = await unchanged(() => refusal(mallory.client.query('SELECT intake.put_image($1, $2)', [...args])));
      expect(r.code).toBe('IH031');
      expect(hubRefusalOf(r)).toBe('image-refused');
      expect(hubErrorText(r, where)).toBe(words);
    }
    const many = await refusal(mallory.client.query('SELECT intake.has_images($1::text[])', [Array.from({ length: 1001 }, () => named)]));
    expect(hubErrorText(many, where)).toBe('the hub refused: ask about at most 1000 images at once');
  });
});
