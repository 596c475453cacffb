import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import type { AuditRow } from '../../main/store/audit.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { auditRows, push, refusal, startCountyHub, type CountyHub } from './fixture.js';

let county: CountyHub;
beforeAll(async () => {
  county = await startCountyHub();
}, 30_000);
afterAll(async () => {
  await county?.close();
});

/** A real station: the real Store and Intake, a seeded roll, some scans and an undo. */
function realStation(name: string, ballots: string[]) {
  const t = tempStore();
  seedRoll(t.store, ballots.map((b) => rollRow({ ballotId: b, voterId: `V-${b}` })));
  const intake = new Intake(t.store, name);
  return { ...t, intake };
}

describe('intake.push: the hub recomputes the station hash chain in SQL', () => {
  it("accepts a real station's audit entries (made by the real Store) and holds them exactly", async () => {
    const st = realStation('Station A', ['PA1', 'PA2', 'PA3']);
    st.intake.scan({ raw: 'PA1', operator: 'ann' });
    st.intake.scan({ raw: 'PA2', operator: 'ann' });
    st.intake.scan({ raw: 'NOPE', operator: 'ann' });
    st.intake.undo(2, 'sup', 'wrong tray');
    const rows = auditRows(st.store);
    expect(rows.map((r) => r.action)).toEqual(['scan.record', 'scan.record', 'scan.record', 'scan.undo']);
    const { client } = await county.station('a1');
    const ack = await push(client, rows);
    expect(ack).toMatchObject({ station: 'a1', acknowledgedThrough: rows.length, added: rows.length, head: rows.at(-1)?.hash });
    const held = await county.admin.query<Omit<AuditRow, 'seq'> & { local_seq: string }>(
      "SELECT local_seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash FROM intake.entries WHERE station_id = 'a1' ORDER BY local_seq");
    expect(held.rows.map(({ local_seq, ...r }) => ({ ...r, seq: Number(local_seq) }))).toEqual(rows.map((r) => ({ ...r })));
    st.cleanup();
  });

  it('refuses a one-character change in any entry (IH013) and keeps nothing of that push', async () => {
    const st = realStation('Station B', ['PB1', 'PB2']);
    st.intake.scan({ raw: 'PB1', operator: 'bob' });
    st.intake.scan({ raw: 'PB2', operator: 'bob' });
    const rows = auditRows(st.store);
    const { client } = await county.station('b1');
    const before = await county.counts();
    const last = rows.at(-1) as AuditRow;
    const tampered = [...rows.slice(0, -1), { ...last, after: (last.after ?? '').replace('PB2', 'PB3') }];
    const r = await refusal(push(client, tampered));
    expect(r.code).toBe('IH013');
    expect(r.message).toMatch(`entry ${last.seq} of station b1 was altered`);
    expect(await county.counts()).toEqual(before);
    // The honest log is then accepted whole.
    expect((await push(client, rows)).acknowledgedThrough).toBe(rows.length);
    st.cleanup();
  });

  it('a replayed push changes nothing and answers the same acknowledgement', async () => {
    const st = realStation('Station C', ['PC1']);
    st.intake.scan({ raw: 'PC1', operator: 'cy' });
    const rows = auditRows(st.store);
    const { client } = await county.station('c1');
    const first = await push(client, rows);
    const before = await county.counts();
    const again = await push(client, rows);
    expect(again).toEqual({ ...first, added: 0 });
    expect(await county.counts()).toEqual(before);
    st.cleanup();
  });

  it('the same push 40 times at once (40 connections) stores each entry exactly once', async () => {
    const st = realStation('Station D', ['PD1', 'PD2', 'PD3']);
    for (const b of ['PD1', 'PD2', 'PD3']) st.intake.scan({ raw: b, operator: 'di' });
    const rows = auditRows(st.store);
    const { password, roleName } = await county.station('d1');
    const clients = await Promise.all(Array.from({ length: 40 }, () => county.hub.connect(roleName, password)));
    const acks = await Promise.all(clients.map((c) => push(c, rows)));
    await Promise.all(clients.map((c) => c.end()));
    expect(acks.every((a) => a.acknowledgedThrough === rows.length)).toBe(true);
    expect(acks.reduce((n, a) => n + a.added, 0)).toBe(rows.length);
    const held = await county.admin.query("SELECT count(*)::int AS n, count(DISTINCT local_seq)::int AS d FROM intake.entries WHERE station_id = 'd1'");
    expect(held.rows[0]).toEqual({ n: rows.length, d: rows.length });
    st.cleanup();
  }, 30_000);

  it('a hub killed (SIGKILL) mid-push keeps all of that push or none of it; the station pushes again and each entry is held once', async () => {
    const st = realStation('Station K', Array.from({ length: 300 }, (_, i) => `PK${i}`));
    let accepted = 0;
    for (let i = 0; i < 300; i++) if (st.intake.scan({ raw: `PK${i}`, operator: 'kim' }).verdict === 'ACCEPTED') accepted++;
    expect(accepted).toBeGreaterThan(250);
    const rows = auditRows(st.store);
    const { roleName, password } = await county.station('k1');
    const c = await county.hub.connect(roleName, password);
    const inFlight = push(c, rows).then(() => 'acknowledged', () => 'lost');
    await new Promise((r) => setTimeout(r, 30));
    await county.hub.killHub();
    const outcome = await inFlight;
    await county.hub.restart();
    const admin = await county.hub.superuser();
    const held = Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM intake.entries WHERE station_id = 'k1'")).rows[0]?.n);
    expect(held === 0 || held === rows.length).toBe(true);
    if (outcome === 'acknowledged') expect(held).toBe(rows.length);
    const again = await county.hub.connect(roleName, password);
    const ack = await push(again, rows);
    expect(ack).toMatchObject({ acknowledgedThrough: rows.length, added: rows.length - held });
    const after = await admin.query<{ n: string; r: string }>("SELECT (SELECT count(*) FROM intake.entries WHERE station_id = 'k1') AS n, (SELECT count(*) FROM intake.receipts WHERE station_id = 'k1') AS r");
    expect(after.rows[0]).toEqual({ n: String(rows.length), r: String(accepted) });
    await again.end();
    await admin.end();
    st.cleanup();
  }, 60_000);
});
