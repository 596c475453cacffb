import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import type { AuditRow } from '../../main/store/audit.js';
import type { RollRow } from '../../shared/roll/types.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { auditRows, chainedEntry, push, startCountyHub, type CountyHub, type HandWrittenLog } from './fixture.js';

// Hub migration 10 applies a push a page at a time and sends anything unusual entry by entry
// (intake.push_each, the old code). The same pushes go into two real hubs: `pages` as shipped, and
// `each` with intake.push swapped for push_each, so every entry there goes the old way. Every
// county table must then hold the same rows, and the page path must really have run.
let pages: CountyHub;
let each: CountyHub;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  [pages, each] = await Promise.all([startCountyHub(), startCountyHub()]);
  await each.admin.query(`ALTER FUNCTION intake.push(jsonb) RENAME TO push_pages;
    ALTER FUNCTION intake.push_each(jsonb) RENAME TO push;
    GRANT EXECUTE ON FUNCTION intake.push(jsonb) TO intake_station`);
  await pages.admin.query(`ALTER DATABASE ${pages.hub.database} SET track_functions = 'all'`);
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) c();
  await pages?.close();
  await each?.close();
});

/** Everything a push writes, row by row, without what differs between two hubs by nature (now(), roles). */
type Tables = 'entries' | 'receipts' | 'conflicts' | 'feed' | 'countyScans' | 'countyBatches' | 'countyResolutions';
async function countyRows(admin: pg.Client): Promise<Record<Tables, unknown[]>> {
  // now() at the hub: when each hub received an entry or saw a conflict (the station's own times stay in).
  const q = async (table: string, order: string) =>
    (await admin.query<{ row: unknown }>(`SELECT to_jsonb(x) - 'received_at' - 'detected_at' AS row FROM intake.${table} x ORDER BY ${order}`)).rows;
  return {
    entries: await q('entries', 'hub_seq'),
    receipts: await q('receipts', 'hub_seq'),
    conflicts: (await admin.query(`SELECT to_jsonb(c) - 'detected_at' - 'resolved_at' AS row, resolved_at IS NULL AS open FROM intake.conflicts c ORDER BY conflict_id`)).rows,
    feed: await q('feed', 'hub_seq'),
    countyScans: await q('county_scans', 'station_id, scan_seq'),
    countyBatches: await q('county_batches', 'batch_id'),
    countyResolutions: await q('county_resolutions', 'hub_seq'),
  };
}

/** How many times the old entry-by-entry path ran at the `pages` hub (its statistics, once flushed). */
async function pushEachCalls(): Promise<number> {
  await pages.admin.query('SELECT pg_stat_clear_snapshot()');
  const r = await pages.admin.query<{ n: string | null }>(`SELECT sum(calls) AS n FROM pg_stat_user_functions WHERE funcname = 'push_each'`);
  return Number(r.rows[0]?.n ?? 0);
}

async function flushedPushEachCalls(expected: number): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const n = await pushEachCalls();
    if (n >= expected) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pushEachCalls();
}

/** One station registered at both hubs; `push` sends the same rows to each and returns both answers. */
async function twin(id: string) {
  const [p, e] = await Promise.all([pages.station(id), each.station(id)]);
  return {
    async push(rows: AuditRow[]) {
      const settle = (x: Promise<unknown>) => x.then((ack) => ({ ack }), (err: { code?: string; message?: string }) => ({ code: err.code, message: err.message }));
      const [a, b] = await Promise.all([settle(push(p.client, rows)), settle(push(e.client, rows))]);
      expect(a).toEqual(b);
      return a;
    },
    /** Ends the connections: a backend's function statistics are flushed when it exits. */
    async end() {
      await Promise.all([p.client.end(), e.client.end()]);
    },
  };
}

async function station(id: string, roll: RollRow[]) {
  const t = tempStore();
  cleanups.push(t.cleanup);
  seedRoll(t.store, roll);
  const intake = new Intake(t.store, `Station ${id}`);
  const hubs = await twin(id);
  let pushed = 0;
  return {
    intake,
    store: t.store,
    /** Pushes that should have gone entry by entry: under 8 entries, or holding an undo. */
    oldWay: 0,
    /** What the station logged since its last push, in pages of `page` as the replicator sends them. */
    async sync(page = 500) {
      const rows = auditRows(t.store, pushed + 1);
      for (let i = 0; i < rows.length; i += page) {
        const slice = rows.slice(i, i + page);
        if (slice.length < 8 || slice.some((r) => r.action === 'scan.undo')) this.oldWay += 1;
        const r = await hubs.push(slice);
        expect(r).toHaveProperty('ack');
      }
      pushed += rows.length;
    },
    end: () => hubs.end(),
  };
}

const scanRecord = (over: Record<string, unknown>) => JSON.stringify({
  seq: 1, verdict: 'ACCEPTED', ballotId: 'HB-1', voterId: 'HV-1', electionId: 'E2026', scannedAt: '2026-11-03T14:00:00.000Z',
  station: 'Station H', operator: 'mal', batchId: null, reason: null, raw: 'HB-1', ...over,
});

describe('a push applied a page at a time holds exactly what the entry-by-entry push held', () => {
  it('real stations: distinct ballots, the same ballot at two stations, the same voter on a replacement envelope, undos, batches — in pages of 500, 9 and 1', async () => {
    const roll = Array.from({ length: 1200 }, (_, i) => rollRow({ ballotId: `PB${String(i).padStart(5, '0')}`, voterId: `PV${i}`, electionId: 'E2026' }));
    // The replacement envelopes: another ballot for voters 0..49 (what the roll of a station that has not seen the reissue holds).
    const repl = Array.from({ length: 50 }, (_, i) => rollRow({ ballotId: `PR${String(i).padStart(5, '0')}`, voterId: `PV${i}`, electionId: 'E2026' }));
    const a = await station('pa', roll);
    const b = await station('pb', [...roll.slice(100), ...repl]);
    const before = await pushEachCalls();
    for (let i = 0; i < 1100; i++) a.intake.scan({ raw: `PB${String(i).padStart(5, '0')}`, operator: 'ann' });
    await a.sync();
    for (let i = 1050; i < 1200; i++) b.intake.scan({ raw: `PB${String(i).padStart(5, '0')}`, operator: 'bob' });
    for (let i = 0; i < 50; i++) b.intake.scan({ raw: `PR${String(i).padStart(5, '0')}`, operator: 'bob' });
    await b.sync(9);
    // Pages that need the old way: an undo of a counted receipt (its duplicate counts instead).
    a.intake.undo(1060, 'sup', 'scanned from the wrong tray');
    for (let i = 1100; i < 1200; i++) a.intake.scan({ raw: `PB${String(i).padStart(5, '0')}`, operator: 'ann' });
    await a.sync(1);
    expect(await countyRows(pages.admin)).toEqual(await countyRows(each.admin));
    const rows = await countyRows(pages.admin);
    expect(rows.conflicts.length).toBeGreaterThanOrEqual(150);
    expect(rows.conflicts.some((c) => (c as { row: { matched_on: string } }).row.matched_on === 'voter')).toBe(true);
    await Promise.all([a.end(), b.end()]);
    // Pages under 8 entries (a's pages of 1, the last of b's pages of 9) and the page holding a's
    // undo went entry by entry; every other page went the page way.
    const oldWay = a.oldWay + b.oldWay;
    expect(oldWay).toBeGreaterThan(100);
    expect((await flushedPushEachCalls(before + oldWay)) - before).toBe(oldWay);
  }, 120_000);

  it('hand-written pages: two receipts of one ballot or one voter in a page, a NUL in a scan, an unreadable record, a replay, a gap — the same rows or the same refusal', async () => {
    const h = await twin('ph');
    const log: HandWrittenLog = { client: null as unknown as pg.Client, head: { seq: 0, hash: '0'.repeat(64) } };
    const rec = (over: Record<string, unknown>, from = log.head) => chainedEntry({ action: 'scan.record', entity: 'scan' }, { entity_id: String(over['seq']), after: scanRecord(over) }, from);
    const chain = (make: ((from: HandWrittenLog['head']) => AuditRow)[]) => {
      const out: AuditRow[] = [];
      let from = log.head;
      for (const m of make) {
        const row = m(from);
        out.push(row);
        from = { seq: row.seq, hash: row.hash };
      }
      return out;
    };
    const accept = async (rows: AuditRow[]) => {
      expect(await h.push(rows)).toHaveProperty('ack');
      const last = rows.at(-1);
      if (last) log.head = { seq: last.seq, hash: last.hash };
    };
    // Scans of no ballot (no receipt), to bring each page to the 8 entries the page way needs.
    let fillerSeq = 100;
    const fill = (n: number) => Array.from({ length: n }, () => (f: HandWrittenLog['head']) => {
      fillerSeq += 1;
      return rec({ seq: fillerSeq, verdict: 'NOT_FOUND', ballotId: null, voterId: null, raw: `NOPE-${fillerSeq}` }, f);
    });
    const before = await pushEachCalls();
    // Page 1 (page way, 8 entries): a receipt, a rejected scan, a NUL in a raw scan, a batch opened.
    const page1 = chain([
      (f) => rec({ seq: 1, ballotId: 'HB-1', voterId: 'HV-1' }, f),
      (f) => rec({ seq: 2, verdict: 'NOT_FOUND', ballotId: null, voterId: null, raw: 'ZZ' }, f),
      (f) => rec({ seq: 3, ballotId: 'HB-3', voterId: 'HV-3', raw: 'HB-3\u0000' }, f),
      (f) => chainedEntry({ action: 'batch.open', entity: 'batch' }, { entity_id: 'H-B1', after: JSON.stringify({ number: 1 }) }, f),
      ...fill(4),
    ]);
    await accept(page1);
    // Page 2 (old way): two receipts of one ballot in one page; page 3 (old way): one voter twice.
    await accept(chain([(f) => rec({ seq: 4, ballotId: 'HB-4', voterId: 'HV-4' }, f), ...fill(3), (f) => rec({ seq: 5, ballotId: 'HB-4', voterId: 'HV-5' }, f), ...fill(3)]));
    await accept(chain([(f) => rec({ seq: 6, ballotId: 'HB-6', voterId: 'HV-6' }, f), ...fill(3), (f) => rec({ seq: 7, ballotId: 'HB-7', voterId: 'HV-6' }, f), ...fill(3)]));
    // Page 4 (page way): receipts matching earlier ones by ballot and by voter only; the batch closed.
    await accept(chain([
      (f) => rec({ seq: 8, ballotId: 'HB-1', voterId: 'HV-X' }, f),
      (f) => rec({ seq: 9, ballotId: 'HB-9', voterId: 'HV-3' }, f),
      (f) => chainedEntry({ action: 'batch.close', entity: 'batch' }, { entity_id: 'H-B1', after: JSON.stringify({ scannedCount: 9, handCount: 9 }) }, f),
      ...fill(5),
    ]));
    // Refused the same way by both: a record that is not an object, a gap, an altered entry.
    const notObject = chain([(f) => chainedEntry({ action: 'scan.record', entity: 'scan' }, { entity_id: '10', after: '[1,2]' }, f)]);
    expect(await h.push(notObject)).toMatchObject({ code: 'IH004' });
    const gap = chain([(f) => rec({ seq: 11 }, { seq: f.seq + 1, hash: f.hash })]);
    expect(await h.push(gap)).toMatchObject({ code: 'IH011' });
    const altered = chain([(f) => rec({ seq: 10, ballotId: 'HB-10', voterId: 'HV-10' }, f)]);
    expect(await h.push([{ ...altered[0], after: scanRecord({ seq: 10, ballotId: 'HB-11' }) } as AuditRow])).toMatchObject({ code: 'IH013' });
    // A replay of page 1 and then the next entry (old way): nothing added twice.
    await accept([...page1, ...altered]);
    expect(await countyRows(pages.admin)).toEqual(await countyRows(each.admin));
    const rows = await countyRows(pages.admin);
    expect(rows.receipts.map((r) => (r as { row: { ballot_id: string; station_id: string } }).row).filter((r) => r.station_id === 'ph').map((r) => r.ballot_id)).toEqual(['HB-1', 'HB-3', 'HB-4', 'HB-4', 'HB-6', 'HB-7', 'HB-1', 'HB-9', 'HB-10']);
    expect(rows.conflicts.slice(-4).map((c) => (c as { row: { matched_on: string } }).row.matched_on)).toEqual(['ballot', 'voter', 'ballot', 'voter']);
    expect(rows.countyScans.find((s) => (s as { row: { scan_seq: number; station_id: string } }).row.scan_seq === 3 && (s as { row: { station_id: string } }).row.station_id === 'ph')).toMatchObject({ row: { raw: 'HB-3\ufffd' } });
    expect(rows.countyBatches.find((b) => (b as { row: { batch_id: string } }).row.batch_id === 'H-B1')).toMatchObject({ row: { status: 'CLOSED' } });
    await h.end();
    // Pages 2 and 3 and the replay went the old way; pages 1 and 4 did not. (The three refusals
    // went the old way too, but PostgreSQL counts no call of a function that raised an error.)
    expect((await flushedPushEachCalls(before + 3)) - before).toBe(3);
  }, 60_000);

  it('40 pushes of the same page at once, each on its own connection: one adds it, 39 are replays, and the rows match the old way', async () => {
    const reg = await pages.station('pc');
    const other = await each.station('pc');
    let from = { seq: 0, hash: '0'.repeat(64) };
    const page: AuditRow[] = [];
    for (let i = 1; i <= 200; i++) {
      const row = chainedEntry({ action: 'scan.record', entity: 'scan' }, { entity_id: String(i), after: scanRecord({ seq: i, ballotId: `CC-${i}`, voterId: `CV-${i}` }) }, from);
      page.push(row);
      from = { seq: row.seq, hash: row.hash };
    }
    const clients = await Promise.all(Array.from({ length: 40 }, () => pages.hub.connect(reg.roleName, reg.password)));
    try {
      const answers = await Promise.all(clients.map((c) => push(c, page)));
      const added = answers.map((a) => a.added).sort((x, y) => y - x);
      expect(added).toEqual([200, ...Array<number>(39).fill(0)]);
      expect(new Set(answers.map((a) => a.acknowledgedThrough))).toEqual(new Set([200]));
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    await push(other.client, page);
    expect(await countyRows(pages.admin)).toEqual(await countyRows(each.admin));
  }, 60_000);
  it('a station session that began on a near-empty hub still looks receipts up by index after 1,000 more (auto_explain of every statement inside the push)', async () => {
    // As the benchmark found: plans the session cached while the tables were nearly empty walked
    // the whole ballot index for each voter lookup, so every push grew with the county.
    const reg = await pages.station('pe');
    const su = await pages.hub.superuser();
    const plans: string[] = [];
    try {
      await su.query(`LOAD 'auto_explain'`);
      for (const q of ['SET auto_explain.log_min_duration = 0', 'SET auto_explain.log_nested_statements = on', 'SET auto_explain.log_analyze = on',
        'SET auto_explain.log_level = notice', 'SET client_min_messages = notice', `SET SESSION AUTHORIZATION ${reg.roleName}`]) await su.query(q);
      su.on('notice', (m) => plans.push(String(m.message)));
      let from = { seq: 0, hash: '0'.repeat(64) };
      for (let page = 0; page < 125; page++) {
        const rows: AuditRow[] = [];
        for (let k = 0; k < 8; k++) {
          const i = page * 8 + k + 1;
          const row = chainedEntry({ action: 'scan.record', entity: 'scan' }, { entity_id: String(i), after: scanRecord({ seq: i, ballotId: `PE-${i}`, voterId: `PEV-${i}` }) }, from);
          rows.push(row);
          from = { seq: row.seq, hash: row.hash };
        }
        if (page === 124) plans.length = 0;
        await push(su, rows);
      }
    } finally {
      await su.end();
    }
    const lookups = plans.filter((p) => p.includes('Insert on feed'));
    expect(lookups.length).toBe(1);
    expect(lookups[0]).toMatch(/Index Scan (using|on) receipts_voter\b/);
    // No walk of a whole index or table: at most the page's own rows are filtered out anywhere.
    const removed = [...(lookups[0] ?? '').matchAll(/Rows Removed by Filter: (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...removed)).toBeLessThanOrEqual(8);
  }, 60_000);
});
