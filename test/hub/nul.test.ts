import { afterAll, describe, expect, it } from 'vitest';
import { migrateHub } from '../../main/hub/admin.js';
import { HUB_MIGRATIONS } from '../../main/hub/migrations.js';
import { Intake } from '../../main/intake/intake.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { auditRows, push, refusal, startCountyHub, type CountyHub } from './fixture.js';

// A NUL character (U+0000) in an entry: a scanner that sends a NUL byte, a pasted reason. jsonb
// cannot hold it; hub migration 9 keeps the entry exact and shows U+FFFD in the county's copy.
const hubs: CountyHub[] = [];
const cleanups: (() => void)[] = [];
afterAll(async () => {
  for (const c of cleanups) c();
  for (const h of hubs) await h.close();
});

async function stationOn(county: CountyHub, id: string) {
  const t = tempStore();
  cleanups.push(t.cleanup);
  seedRoll(t.store, [rollRow({ ballotId: `${id}-1`, voterId: `V-${id}-1` }), rollRow({ ballotId: `${id}-2`, voterId: `V-${id}-2` })]);
  const { client } = await county.station(id);
  return { store: t.store, intake: new Intake(t.store, `Station ${id}`), client };
}

describe('a NUL character in a pushed entry', () => {
  it('a raw barcode holding a NUL is pushed, kept exactly as the station wrote it, shown with U+FFFD in the county, and the station goes on pushing', async () => {
    const county = await startCountyHub();
    hubs.push(county);
    const s = await stationOn(county, 'nul');
    const bad = s.intake.scan({ raw: 'AB\u0000CD', operator: 'ann' });
    expect(bad.verdict).not.toBe('ACCEPTED');
    const first = await push(s.client, auditRows(s.store));
    const head = first.acknowledgedThrough;
    expect(head).toBe(s.store.county.auditHead());
    const kept = await county.admin.query<{ after: string }>("SELECT after FROM intake.entries WHERE station_id = 'nul' AND action = 'scan.record'");
    expect(kept.rows[0]?.after).toContain('\\u0000'); // the station's own text, which the hash chain covers
    const shown = await county.admin.query<{ raw: string }>("SELECT raw FROM intake.county_scans WHERE station_id = 'nul'");
    expect(shown.rows.map((r) => r.raw)).toEqual(['AB\uFFFDCD']);
    // The chain is not stuck: the next scan goes through.
    expect(s.intake.scan({ raw: 'nul-1', operator: 'ann' }).verdict).toBe('ACCEPTED');
    const next = await push(s.client, auditRows(s.store, head + 1));
    expect(next.acknowledgedThrough).toBe(s.store.county.auditHead());
    expect((await county.admin.query("SELECT 1 FROM intake.receipts WHERE ballot_id = 'nul-1'")).rowCount).toBe(1);
  }, 60_000);

  it('before migration 9 the same push was refused with 22P05 (what the migration fixes), and migrating lets it through', async () => {
    const county = await startCountyHub({ migrations: HUB_MIGRATIONS.filter((m) => m.version < 9) });
    hubs.push(county);
    const s = await stationOn(county, 'old');
    s.intake.scan({ raw: 'X\u0000', operator: 'ann' });
    const r = await refusal(push(s.client, auditRows(s.store)));
    expect(r.code).toBe('22P05');
    expect((await county.counts()).entries).toBe(0);
    await migrateHub(county.admin);
    const ack = await push(s.client, auditRows(s.store));
    expect(ack.acknowledgedThrough).toBe(s.store.county.auditHead());
  }, 60_000);

  it('a NUL in a JSON string is the only thing rewritten: other escapes and text that is not JSON read as before', async () => {
    const county = await startCountyHub();
    hubs.push(county);
    const q = async (t: string | null) => (await county.admin.query<{ j: unknown }>('SELECT intake.entry_jsonb($1) AS j', [t])).rows[0]?.j;
    expect(await q('{"a":"x\\u0000y","b":"\\u00e9\\n"}')).toEqual({ a: 'x\uFFFDy', b: 'é\n' });
    expect(await q('{"a":1}')).toEqual({ a: 1 });
    expect(await q('not json')).toBeNull();
    expect(await q(null)).toBeNull();
  }, 60_000);
});
