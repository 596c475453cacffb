import pg from 'pg';
import { expect } from 'vitest';
import { addStation, initHub, STATION_ROLE_DEFAULTS } from '../../main/hub/admin.js';
import type { HubMigration } from '../../main/hub/migrations.js';
import { entryHash, type AuditRow } from '../../main/store/audit.js';
import type { Store } from '../../main/store/store.js';
import { startHub, type TestHub } from '../helpers/pg.js';

/** A started and initialised county hub, with an admin client and a way to register stations. */
export interface CountyHub {
  hub: TestHub;
  admin: pg.Client;
  /** Registers a station and returns a connected client logged in as its role (over TLS). */
  station(id: string, defaults?: typeof STATION_ROLE_DEFAULTS): Promise<{ client: pg.Client; password: string; roleName: string }>;
  counts(): Promise<Record<'entries' | 'receipts' | 'conflicts' | 'feed' | 'stations', number>>;
  close(): Promise<void>;
}

/** `migrations`: only these (a hub as an older version left it, to test an upgrade); default all. */
export async function startCountyHub(opts: { migrations?: readonly HubMigration[] } = {}): Promise<CountyHub> {
  const hub = await startHub();
  const admin = await hub.superuser();
  await initHub(admin, opts.migrations);
  const clients: pg.Client[] = [];
  return {
    hub,
    admin,
    async station(id, defaults) {
      const s = await addStation(admin, id, null, defaults);
      const client = await hub.connect(s.roleName, s.password);
      clients.push(client);
      return { client, password: s.password, roleName: s.roleName };
    },
    async counts() {
      const r = await admin.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM intake.entries) AS entries, (SELECT count(*) FROM intake.receipts) AS receipts,
           (SELECT count(*) FROM intake.conflicts) AS conflicts, (SELECT count(*) FROM intake.feed) AS feed,
           (SELECT count(*) FROM intake.stations) AS stations`,
      );
      const row = r.rows[0] ?? {};
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Awaited<ReturnType<CountyHub['counts']>>;
    },
    async close() {
      for (const c of clients) await c.end().catch(() => undefined);
      await admin.end().catch(() => undefined);
      await hub.stop();
    },
  };
}

/** The station's audit log rows exactly as stored: what a replicator pushes. */
export function auditRows(store: Store, fromSeq = 1): AuditRow[] {
  return [...store.audit.entries()].filter((r) => r.seq >= fromSeq);
}

export interface PushAck { station: string; acknowledgedThrough: number; head: string; added: number }

export async function push(client: pg.Client, rows: unknown): Promise<PushAck> {
  const r = await client.query<{ ack: PushAck }>('SELECT intake.push($1::jsonb) AS ack', [JSON.stringify(rows)]);
  const ack = r.rows[0]?.ack;
  if (!ack) throw new Error('push returned nothing');
  return ack;
}

export interface PullRow {
  hub_seq: string; station_id: string; local_seq: string; kind: string; ballot_id: string | null; voter_id: string | null;
  election_id: string | null; verdict: string | null; station_time: string; body: Record<string, unknown>;
}

export async function pull(client: pg.Client, after = 0, max = 1000): Promise<PullRow[]> {
  return (await client.query<PullRow>('SELECT * FROM intake.pull($1, $2)', [after, max])).rows;
}

/** The SQLSTATE and message of a refused call (fails the test if the call succeeded). */
export async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; message: string; hint?: string };
    return { code: err.code ?? '', message: err.message, hint: err.hint };
  }
  throw new Error('expected the hub to refuse, but it accepted');
}

export async function maxHubSeqOf(admin: pg.Client): Promise<number> {
  return Number((await admin.query<{ m: string }>('SELECT coalesce(max(hub_seq), 0) AS m FROM intake.entries')).rows[0]?.m);
}

/** Every table of the hub's schema: its row count and a digest of its rows. */
export async function hubStateOf(admin: pg.Client): Promise<Record<string, string>> {
  const tables = await admin.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'intake' ORDER BY 1");
  const out: Record<string, string> = {};
  for (const { t } of tables.rows) {
    const r = await admin.query<{ s: string }>(
      `SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS s FROM intake.${admin.escapeIdentifier(t)} x`,
    );
    out[t] = r.rows[0]?.s ?? '';
  }
  return out;
}

/** Runs `what` and checks that every table of the hub is as it was before (a refusal changes nothing). */
export async function unchangedHub<T>(admin: pg.Client, what: () => Promise<T>): Promise<T> {
  const before = await hubStateOf(admin);
  const out = await what();
  expect(await hubStateOf(admin)).toEqual(before);
  return out;
}

/** A station log written by hand (a hostile or confused station): its connection and the head the hub holds. */
export interface HandWrittenLog {
  client: pg.Client;
  head: { seq: number; hash: string };
}

/** The entry after `from` in a hand-written log, chained and hashed (not kept until a push of it is accepted). */
export function chainedEntry(kind: Pick<AuditRow, 'action' | 'entity'>, over: Partial<AuditRow>, from: HandWrittenLog['head']): AuditRow {
  const row = {
    seq: from.seq + 1, at: '2026-11-03T14:00:00.000Z', actor: 'mal', ...kind, entity_id: null as string | null,
    before: null as string | null, after: null as string | null, prev_hash: from.hash, ...over,
  };
  return { ...row, hash: entryHash(row) };
}

/** Pushes rows of a hand-written log; once the hub takes them, the last is the log's head. */
export async function pushAccepted(log: HandWrittenLog, rows: AuditRow[]): Promise<PushAck> {
  const ack = await push(log.client, rows);
  const last = rows.at(-1);
  if (last) log.head = { seq: last.seq, hash: last.hash };
  return ack;
}
