import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import type { RollRow } from '../../shared/roll/types.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { auditRows, pull, push, refusal, startCountyHub, type CountyHub } from './fixture.js';

// Receipts across stations, made by real stations (Store + Intake) and pushed to a real hub.
let county: CountyHub;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  county = await startCountyHub();
}, 30_000);
afterAll(async () => {
  for (const c of cleanups) c();
  await county?.close();
});

async function station(id: string, roll: RollRow[]) {
  const t = tempStore();
  cleanups.push(t.cleanup);
  seedRoll(t.store, roll);
  const intake = new Intake(t.store, `Station ${id}`);
  const { client } = await county.station(id);
  let pushed = 0;
  return {
    intake,
    client,
    /** Pushes what the station logged since its last push, as a replicator would. */
    async sync() {
      const ack = await push(client, auditRows(t.store, pushed + 1));
      pushed = ack.acknowledgedThrough;
      return ack;
    },
  };
}

interface ReceiptRow { hub_seq: string; station_id: string; scan_seq: string; ballot_id: string; undone: boolean; cross_station_duplicate_of: string | null }
const receiptsOf = async (ballots: string[]) =>
  (await county.admin.query<ReceiptRow>('SELECT hub_seq, station_id, scan_seq, ballot_id, undone, cross_station_duplicate_of FROM intake.receipts WHERE ballot_id = ANY($1) ORDER BY hub_seq', [ballots])).rows;

describe('county receipts at the hub', () => {
  it('two stations accept the same ballot while apart: both receipts kept, the second marked as its duplicate, one conflict, shown to both', async () => {
    const roll = () => [rollRow({ ballotId: 'SAME-1', voterId: 'VS-1' })];
    const a = await station('ra', roll());
    const b = await station('rb', roll());
    const c = await station('rc', []);
    expect(a.intake.scan({ raw: 'SAME-1', operator: 'ann' }).verdict).toBe('ACCEPTED');
    expect(b.intake.scan({ raw: 'SAME-1', operator: 'bob' }).verdict).toBe('ACCEPTED');
    await a.sync();
    await b.sync();
    const rows = await receiptsOf(['SAME-1']);
    expect(rows.map((r) => [r.station_id, r.undone, r.cross_station_duplicate_of])).toEqual([['ra', false, null], ['rb', false, rows[0]?.hub_seq]]);
    const conflicts = await county.admin.query('SELECT first_hub_seq, second_hub_seq, matched_on, resolved_at FROM intake.conflicts WHERE first_hub_seq = $1', [rows[0]?.hub_seq]);
    expect(conflicts.rows).toEqual([{ first_hub_seq: rows[0]?.hub_seq, second_hub_seq: rows[1]?.hub_seq, matched_on: 'ballot', resolved_at: null }]);
    // Station A sees B's receipt as a conflict naming its own; B sees A's receipt and the conflict on its own.
    const toA = (await pull(a.client)).filter((r) => r.ballot_id === 'SAME-1');
    expect(toA.map((r) => [r.station_id, r.kind])).toEqual([['rb', 'conflict']]);
    expect(toA[0]?.body).toMatchObject({ matchedOn: 'ballot', scanSeq: 1, duplicateOf: { stationId: 'ra', scanSeq: 1, ballotId: 'SAME-1' } });
    const toB = (await pull(b.client)).filter((r) => r.ballot_id === 'SAME-1');
    expect(toB.map((r) => [r.station_id, r.kind])).toEqual([['ra', 'receipt'], ['rb', 'conflict']]);
    const toC = (await pull(c.client)).filter((r) => r.ballot_id === 'SAME-1');
    expect(toC.map((r) => r.kind)).toEqual(['receipt', 'conflict']);
    // The database itself holds the rule: a second counted receipt for the ballot cannot exist.
    const dup = await refusal(county.admin.query('UPDATE intake.receipts SET cross_station_duplicate_of = NULL WHERE hub_seq = $1', [rows[1]?.hub_seq]));
    expect(dup.code).toBe('23505');
  });

  it("the same voter's original at one station and replacement at another: a conflict on the voter, both kept", async () => {
    const a = await station('va', [rollRow({ ballotId: 'ORIG-1', voterId: 'VV-1' })]);
    const b = await station('vb', [rollRow({ ballotId: 'REPL-1', voterId: 'VV-1' })]);
    expect(a.intake.scan({ raw: 'ORIG-1', operator: 'ann' }).verdict).toBe('ACCEPTED');
    expect(b.intake.scan({ raw: 'REPL-1', operator: 'bob' }).verdict).toBe('ACCEPTED');
    await a.sync();
    await b.sync();
    const rows = await receiptsOf(['ORIG-1', 'REPL-1']);
    expect(rows.map((r) => [r.ballot_id, r.cross_station_duplicate_of])).toEqual([['ORIG-1', null], ['REPL-1', rows[0]?.hub_seq]]);
    const c = await county.admin.query<{ matched_on: string }>('SELECT matched_on FROM intake.conflicts WHERE second_hub_seq = $1', [rows[1]?.hub_seq]);
    expect(c.rows).toEqual([{ matched_on: 'voter' }]);
  });

  it('undo of the counted receipt: the duplicate counts instead, its conflict is closed, and stations are told', async () => {
    const roll = () => [rollRow({ ballotId: 'UNDO-1', voterId: 'VU-1' })];
    const a = await station('ua', roll());
    const b = await station('ub', roll());
    a.intake.scan({ raw: 'UNDO-1', operator: 'ann' });
    b.intake.scan({ raw: 'UNDO-1', operator: 'bob' });
    await a.sync();
    await b.sync();
    a.intake.undo(1, 'sup', 'scanned from the wrong tray');
    const before = await county.counts();
    await a.sync();
    const rows = await receiptsOf(['UNDO-1']);
    expect(rows.map((r) => [r.station_id, r.undone, r.cross_station_duplicate_of])).toEqual([['ua', true, null], ['ub', false, null]]);
    const conflict = await county.admin.query<{ resolved_by: string; resolution: string }>('SELECT resolved_by, resolution FROM intake.conflicts WHERE second_hub_seq = $1', [rows[1]?.hub_seq]);
    expect(conflict.rows).toEqual([{ resolved_by: 'hub', resolution: "the first receipt was undone at its station; the other receipt counts" }]);
    expect(await county.counts()).toMatchObject({ receipts: before.receipts, conflicts: before.conflicts, entries: before.entries + 1, feed: before.feed + 1 });
    const undo = (await pull(b.client)).find((r) => r.kind === 'undo' && r.ballot_id === 'UNDO-1');
    expect(undo?.body).toMatchObject({ scanSeq: 1, wasCounted: true, promoted: { stationId: 'ub', scanSeq: 1, ballotId: 'UNDO-1' } });
  });

  it('undo with nothing waiting, then a later receipt elsewhere: the later one is the county receipt (no conflict)', async () => {
    const roll = () => [rollRow({ ballotId: 'LATER-1', voterId: 'VL-1' })];
    const a = await station('la', roll());
    const b = await station('lb', roll());
    a.intake.scan({ raw: 'LATER-1', operator: 'ann' });
    a.intake.undo(1, 'sup', 'wrong envelope');
    await a.sync();
    b.intake.scan({ raw: 'LATER-1', operator: 'bob' });
    await b.sync();
    const rows = await receiptsOf(['LATER-1']);
    expect(rows.map((r) => [r.station_id, r.undone, r.cross_station_duplicate_of])).toEqual([['la', true, null], ['lb', false, null]]);
    const c = await county.admin.query('SELECT 1 FROM intake.conflicts WHERE second_hub_seq = $1', [rows[1]?.hub_seq]);
    expect(c.rowCount).toBe(0);
    expect((await pull(b.client)).filter((r) => r.ballot_id === 'LATER-1').map((r) => r.kind)).toEqual(['receipt', 'undo']);
  });

  it('scans that are not receipts (unknown, duplicate at the same station) make no county receipt; pushes notify listeners', async () => {
    const a = await station('na', [rollRow({ ballotId: 'NR-1', voterId: 'VN-1' })]);
    const listener = await county.hub.superuser();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload ?? ''}`));
    await listener.query('LISTEN intake_county');
    a.intake.scan({ raw: 'NR-1', operator: 'ann' });
    expect(a.intake.scan({ raw: 'NR-1', operator: 'ann' }).verdict).toBe('DUPLICATE');
    a.intake.scan({ raw: 'NOT-IN-ROLL', operator: 'ann' });
    await a.sync();
    expect((await receiptsOf(['NR-1'])).length).toBe(1);
    const last = await county.admin.query<{ m: string }>('SELECT max(hub_seq)::text AS m FROM intake.entries');
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([`intake_county:${last.rows[0]?.m ?? ''}`]);
    await a.sync(); // nothing new: no notification
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.length).toBe(1);
    await listener.end();
  });

  it('accept, undo and accept again at one station, all in one push: applied in order, one counted receipt, no conflict', async () => {
    const a = await station('oa', [rollRow({ ballotId: 'AGAIN-1', voterId: 'VA-1' })]);
    expect(a.intake.scan({ raw: 'AGAIN-1', operator: 'ann' }).verdict).toBe('ACCEPTED');
    a.intake.undo(1, 'sup', 'wrong tray');
    expect(a.intake.scan({ raw: 'AGAIN-1', operator: 'ann' }).verdict).toBe('ACCEPTED');
    await a.sync();
    const rows = await receiptsOf(['AGAIN-1']);
    expect(rows.map((r) => [r.scan_seq, r.undone, r.cross_station_duplicate_of])).toEqual([['1', true, null], ['2', false, null]]);
    const c = await county.admin.query('SELECT 1 FROM intake.conflicts WHERE first_hub_seq = ANY($1) OR second_hub_seq = ANY($1)', [rows.map((r) => r.hub_seq)]);
    expect(c.rowCount).toBe(0);
  });
});
