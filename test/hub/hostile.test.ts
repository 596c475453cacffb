import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH, type AuditRow } from '../../main/store/audit.js';
import { pull, push, refusal, startCountyHub, type CountyHub } from './fixture.js';

// A hostile or confused station against the real hub: each refusal is a clear error and the hub
// is unchanged (every table's row count compared before and after).
let county: CountyHub;
beforeAll(async () => {
  county = await startCountyHub();
}, 30_000);
afterAll(async () => {
  await county?.close();
});

/** A valid chain of entries as a station would write them (hashes from the station's own entryHash). */
function chain(n: number, from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }, over: Partial<AuditRow> = {}): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = from.hash;
  for (let seq = from.seq + 1; seq <= from.seq + n; seq++) {
    const row = { seq, at: '2026-11-03T14:00:00.000Z', actor: 'ann', action: 'config.set', entity: 'config', entity_id: 'batchSize', before: null, after: '{"value":250}', prev_hash: prev, ...over };
    const full = { ...row, hash: entryHash(row) };
    rows.push(full);
    prev = full.hash;
  }
  return rows;
}

async function unchanged<T>(what: () => Promise<T>): Promise<T> {
  const before = await county.counts();
  const out = await what();
  expect(await county.counts()).toEqual(before);
  return out;
}

describe('the hub refuses hostile or confused stations and changes nothing', () => {
  it('wrong password: login refused (28P01)', async () => {
    const { roleName } = await county.station('pw');
    const r = await unchanged(() => refusal(county.hub.connect(roleName, 'guessed-password')));
    expect(r.code).toBe('28P01');
    expect(r.message).toMatch(/password authentication failed/);
  });

  it('no TLS: plain TCP refused by pg_hba.conf for a station role (28000)', async () => {
    const { roleName, password } = await county.station('plain');
    const r = await unchanged(() => refusal(county.hub.connect(roleName, password, { ssl: false })));
    expect(r.code).toBe('28000');
    expect(r.message).toMatch(/no encryption/);
  });

  it('a retired station: new logins refused; an already-open session can neither push nor pull (IH002)', async () => {
    const { client, roleName, password } = await county.station('old');
    await push(client, chain(2));
    const { retireStation } = await import('../../main/hub/admin.js');
    await retireStation(county.admin, 'old');
    const login = await refusal(county.hub.connect(roleName, password));
    expect(login.code).toBe('28000');
    const p = await unchanged(() => refusal(push(client, chain(1, { seq: 2, hash: chain(2)[1]?.hash ?? '' }))));
    expect(p.code).toBe('IH002');
    expect(p.message).toMatch(/^station old was retired on \d{4}-\d\d-\d\d \d\d:\d\d UTC: it can no longer push or pull$/);
    const q = await refusal(pull(client, 0));
    expect(q.code).toBe('IH002');
  });

  it('a push naming another station in the payload is refused (identity is the login role, IH005)', async () => {
    const { client } = await county.station('mallory');
    await county.station('victim');
    const rows = chain(1).map((r) => ({ ...r, station: 'victim' }));
    const r = await unchanged(() => refusal(push(client, rows)));
    expect(r.code).toBe('IH005');
    expect(r.message).toBe('entry 1 names station victim, but this connection is station mallory: a station pushes only its own log');
    // Naming itself is fine.
    expect((await push(client, chain(1).map((x) => ({ ...x, station: 'mallory' })))).added).toBe(1);
  });

  it('the same seq with different content (IH010), a gap (IH011), a broken chain (IH012), an altered entry (IH013)', async () => {
    const { client } = await county.station('forks');
    const rows = chain(3);
    await push(client, rows);
    const third = rows[2] as AuditRow;
    const second = rows[1] as AuditRow;
    // A validly hashed but different entry 3 (a forked log).
    const fork = chain(1, { seq: 2, hash: second.hash }, { actor: 'eve' });
    expect((await unchanged(() => refusal(push(client, fork)))).code).toBe('IH010');
    const gap = chain(1, { seq: 4, hash: 'a'.repeat(64) });
    const g = await unchanged(() => refusal(push(client, gap)));
    expect(g.code).toBe('IH011');
    expect(g.message).toBe('entry 5 of station forks would leave a gap: the hub holds entries up to 3');
    expect(g.hint).toBe('push from entry 4 on');
    const broken = chain(1, { seq: 3, hash: 'b'.repeat(64) });
    expect((await unchanged(() => refusal(push(client, broken)))).code).toBe('IH012');
    const next = chain(1, { seq: 3, hash: third.hash })[0] as AuditRow;
    const altered = await unchanged(() => refusal(push(client, [{ ...next, actor: 'ann ' }])));
    expect(altered.code).toBe('IH013');
    // A replay mixed with a forged entry is refused whole: nothing of it is kept.
    expect((await unchanged(() => refusal(push(client, [third, { ...next, hash: 'c'.repeat(64) }])))).code).toBe('IH013');
  });

  it('malformed pushes: not an array, too many entries, a 10 MB body, missing fields, wrong types, unknown fields, bad hashes', async () => {
    const { client } = await county.station('junk');
    const good = chain(1)[0] as AuditRow;
    const cases: [unknown, string, RegExp][] = [
      [{ seq: 1 }, 'IH003', /a push must be a JSON array of audit entries/],
      [Array.from({ length: 1001 }, () => good), 'IH003', /at most 1000 entries and 8 MB; this one carries 1001 entries/],
      [[{ ...good, after: JSON.stringify({ x: 'x'.repeat(10 * 1024 * 1024) }) }], 'IH003', /at most 1000 entries and 8 MB/],
      [[{ ...good, after: JSON.stringify({ x: 'x'.repeat(2 * 1024 * 1024) }) }], 'IH004', /entry 1 of the push: after is \d+ characters long, more than the 1048576 allowed/],
      [['not an object'], 'IH004', /entry 1 of the push is not a JSON object/],
      [[{ ...good, hash: undefined }], 'IH004', /entry 1 of the push has no hash/],
      [[{ ...good, actor: 42 }], 'IH004', /entry 1 of the push: actor must be text, not number/],
      [[{ ...good, seq: '1' }], 'IH004', /seq must be a whole number from 1 up/],
      [[{ ...good, seq: 1.5 }], 'IH004', /seq must be a whole number from 1 up/],
      [[{ ...good, seq: -1 }], 'IH004', /seq must be a whole number from 1 up/],
      [[{ ...good, admin: true }], 'IH004', /has fields the hub does not know: admin/],
      [[{ ...good, prev_hash: 'zz' }], 'IH004', /prev_hash is not in the expected form/],
      [[{ ...good, at: '2026-11-03T14:00:00.000Z\u001b[2J' }], 'IH004', /at is not in the expected form/],
      [[{ ...good, action: "x'); DROP TABLE intake.entries; --" }], 'IH004', /action is not in the expected form/],
      [[{ ...good, after: '{not json' }], 'IH004', /entry 1 of the push: after is not JSON/],
    ];
    for (const [body, code, message] of cases) {
      const r = await unchanged(() => refusal(push(client, body)));
      expect({ code: r.code, message: r.message }).toMatchObject({ code, message: expect.stringMatching(message) as unknown });
    }
    // A scan record that is not an object, with a valid hash (a confused station's own log).
    const odd = chain(1, undefined, { action: 'scan.record', entity: 'scan', entity_id: '1', after: '[1,2]' });
    const o = await unchanged(() => refusal(push(client, odd)));
    expect(o).toMatchObject({ code: 'IH004', message: 'entry 1 (scan.record): the scan record is not a JSON object' });
    // JSON nested deeper than the server's stack: refused by PostgreSQL itself, nothing kept.
    const deep = await unchanged(() => refusal(push(client, chain(1, undefined, { after: `${'['.repeat(200_000)}${']'.repeat(200_000)}` }))));
    expect(deep.code).toMatch(/^(54001|IH004)$/);
    // Not JSON at all never reaches the function: PostgreSQL's own refusal (22P02).
    const raw = await unchanged(() => refusal(client.query('SELECT intake.push($1::jsonb)', ['[{"seq": 1,'])));
    expect(raw.code).toBe('22P02');
  }, 60_000);

  it('control characters and SQL-looking text inside the data are stored verbatim, hashed, and never executed', async () => {
    const { client } = await county.station('odd');
    const rows = chain(2, undefined, { actor: "Robert'); DROP TABLE intake.entries;--\u001b]0;pwned\u0007", entity_id: "1 OR 1=1; --", after: JSON.stringify({ note: '\u202e\u0001 \\x00 $$; SELECT pg_sleep(10)' }) });
    expect((await push(client, rows)).added).toBe(2);
    const held = await county.admin.query<{ actor: string; entity_id: string; after: string }>("SELECT actor, entity_id, after FROM intake.entries WHERE station_id = 'odd' ORDER BY local_seq");
    expect(held.rows).toEqual(rows.map((r) => ({ actor: r.actor, entity_id: r.entity_id, after: r.after })));
    expect((await county.counts()).entries).toBeGreaterThan(2);
  });

  it('a NUL character PostgreSQL text cannot hold is refused with a plain reason, not stored altered', async () => {
    const { client } = await county.station('nul');
    const r = await unchanged(() => refusal(push(client, chain(1, undefined, { actor: 'a\u0000b' }))));
    expect(r.code).toBe('22P05');
    expect(r.message).toMatch(/unsupported Unicode escape sequence/);
  });

  it('a station role has no access to the tables or the internal functions, and cannot create anything (42501)', async () => {
    const { client } = await county.station('snoop');
    const attempts = [
      'SELECT * FROM intake.entries',
      'SELECT * FROM intake.receipts',
      'SELECT * FROM intake.stations',
      "INSERT INTO intake.stations (station_id, role_name) VALUES ('x', 'x')",
      "UPDATE intake.stations SET retired_at = NULL",
      'DELETE FROM intake.conflicts',
      'SELECT * FROM intake.feed',
      'SELECT * FROM intake.schema_migrations',
      "SELECT intake.refuse('IH001', 'x', 'y')",
      "SELECT intake.calling_station(true)",
      'CREATE TABLE intake.mine (x int)',
      'CREATE TEMP TABLE mine (x int)',
      'CREATE TABLE public.mine (x int)',
    ];
    for (const sql of attempts) {
      const r = await unchanged(() => refusal(client.query(sql)));
      expect({ sql, code: r.code }).toEqual({ sql, code: '42501' });
    }
  });

  it('a role that is not a registered station (the admin, a stray member of the group) cannot push (IH001)', async () => {
    const r = await unchanged(() => refusal(push(county.admin, chain(1))));
    expect(r.code).toBe('IH001');
    expect(r.message).toBe('the database role postgres is not a station registered at this hub');
    await county.admin.query("CREATE ROLE stray LOGIN PASSWORD 'stray-pass' IN ROLE intake_station");
    const stray = await county.hub.connect('stray', 'stray-pass');
    expect((await unchanged(() => refusal(push(stray, chain(1))))).code).toBe('IH001');
    expect((await refusal(pull(stray, 0))).code).toBe('IH001');
    await stray.end();
  });

  it('a station that leaves its push transaction open (link lost after BEGIN) is ended by the hub; the others then push', async () => {
    const stuck = await county.station('stuck', { idleInTransactionMs: 1000, statementMs: 300_000, connectionLimit: 64 });
    const other = await county.station('waiting');
    await stuck.client.query('BEGIN');
    await push(stuck.client, chain(1));
    // The stuck station now holds the county-wide push lock; the other station's push waits for it.
    const started = Date.now();
    const ack = await push(other.client, chain(1));
    expect(ack.added).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(500);
    // Its transaction was rolled back with its session: nothing of it is at the hub.
    const held = await county.admin.query("SELECT count(*)::int AS n FROM intake.entries WHERE station_id = 'stuck'");
    expect(held.rows[0]).toEqual({ n: 0 });
    const settings = await county.admin.query<{ s: string[] }>("SELECT setconfig AS s FROM pg_db_role_setting WHERE setrole = 'station_waiting'::regrole");
    expect(settings.rows[0]?.s).toEqual(['idle_in_transaction_session_timeout=10000', 'statement_timeout=300000']);
  });

  it('pull with a bad cursor or row count is refused (IH006)', async () => {
    const { client } = await county.station('puller');
    for (const [after, max] of [[-1, 10], [0, 0], [0, 10001]] as const) expect((await refusal(pull(client, after, max))).code).toBe('IH006');
  });
});
