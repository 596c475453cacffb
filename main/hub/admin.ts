import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ServiceError } from '../../shared/errors.js';
import { HUB_MIGRATIONS, type HubMigration } from './migrations.js';

/**
 * The hub administrator's side: set up the schema and roles, migrate, register and retire
 * stations. Whoever holds the hub's admin credentials (a PostgreSQL role that may create roles
 * and owns, or is superuser of, the county database) may do these; no station can — a station
 * role has no table rights and only EXECUTE on push/pull/whoami.
 */
export const OWNER_ROLE = 'intake_hub_owner';
export const STATION_GROUP = 'intake_station';
export const STATION_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** Taken inside each migration's transaction so two admins migrating at once run each step once. */
const MIGRATE_LOCK = 72654811;

export class HubAdminError extends ServiceError {
  constructor(code: 'invalid' | 'not-found' | 'conflict' | 'failed', message: string) {
    super(code, message);
    this.name = 'HubAdminError';
  }
}

export interface StationInfo {
  stationId: string;
  roleName: string;
  displayName: string | null;
  registeredAt: string;
  retiredAt: string | null;
  acknowledgedThrough: number;
}

async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await fn();
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function schemaExists(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'intake') AS ok");
  return r.rows[0]?.ok === true;
}

/**
 * Creates the roles and the schema (if missing) and applies every migration (or, for a test of an
 * upgrade, the ones given). Safe to run again. The database is closed to PUBLIC: only the station
 * group (and whoever ran init) may connect.
 */
export async function initHub(client: pg.Client, migrations: readonly HubMigration[] = HUB_MIGRATIONS): Promise<{ applied: number[] }> {
  const enc = await client.query<{ server_encoding: string }>('SHOW server_encoding');
  if (enc.rows[0]?.server_encoding !== 'UTF8')
    throw new HubAdminError('failed', `the hub database must use UTF8 (it uses ${enc.rows[0]?.server_encoding ?? 'an unknown encoding'}): the audit hashes are computed over UTF-8 text`);
  await inTransaction(client, async () => {
    // Two admins running init at once: one sets up, the other then finds it done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    for (const role of [OWNER_ROLE, STATION_GROUP]) {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) await client.query(`CREATE ROLE ${role} NOLOGIN`);
    }
    const me = await client.query<{ su: boolean; member: boolean }>(
      `SELECT rolsuper AS su, pg_has_role(current_user, '${OWNER_ROLE}', 'SET') AS member FROM pg_roles WHERE rolname = current_user`,
    );
    if (!me.rows[0]?.su && !me.rows[0]?.member) await client.query(`GRANT ${OWNER_ROLE} TO CURRENT_USER`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS intake AUTHORIZATION ${OWNER_ROLE}`);
    await client.query(`GRANT USAGE ON SCHEMA intake TO ${STATION_GROUP}`);
    const db = client.escapeIdentifier((await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d ?? '');
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${STATION_GROUP}, CURRENT_USER`);
    // Functions are EXECUTE-able by PUBLIC by default; the hub's must be granted one by one.
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS intake.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await client.query(`ALTER TABLE intake.schema_migrations OWNER TO ${OWNER_ROLE}`);
  });
  return migrateHub(client, migrations);
}

/** Applies every migration not yet applied, in version order, each in its own transaction. */
export async function migrateHub(client: pg.Client, migrations: readonly HubMigration[] = HUB_MIGRATIONS): Promise<{ applied: number[] }> {
  if (!(await schemaExists(client))) throw new HubAdminError('failed', 'this database has no county hub yet: run "intake hub init" first');
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await inTransaction(client, async () => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      const done = await client.query('SELECT 1 FROM intake.schema_migrations WHERE version = $1', [m.version]);
      if (done.rowCount) return false;
      await client.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
      await client.query(m.sql);
      await client.query('INSERT INTO intake.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  return { applied };
}

export async function hubVersion(client: pg.Client): Promise<number[]> {
  if (!(await schemaExists(client))) return [];
  const r = await client.query<{ version: number }>('SELECT version FROM intake.schema_migrations ORDER BY version');
  return r.rows.map((x) => x.version);
}

/**
 * A SCRAM-SHA-256 verifier (RFC 5802 / RFC 7677, the form PostgreSQL 18 stores in
 * pg_authid): the station's password itself never reaches the server, its logs or its
 * statement statistics. The generated passwords are ASCII, so SASLprep leaves them unchanged.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function checkStationId(id: string): string {
  if (!STATION_ID_PATTERN.test(id))
    throw new HubAdminError('invalid', 'a station ID is 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter or digit');
  return id;
}

/**
 * Session defaults for a station role. A push holds the county-wide push lock until its
 * transaction ends; a station that opened a transaction around it and then lost its link would
 * otherwise hold every other station's pushes until TCP noticed (hours). These are defaults a
 * station's own software keeps; they are not a wall against a hostile registered station, which
 * could SET them back (see docs/county.md, "What a registered station can still do").
 */
export const STATION_ROLE_DEFAULTS = { idleInTransactionMs: 10_000, statementMs: 300_000, connectionLimit: 64 };

/** Registers a station: a LOGIN role `station_<id>` in the station group, with a new password (returned once). */
export async function addStation(
  client: pg.Client,
  id: string,
  displayName: string | null,
  defaults: typeof STATION_ROLE_DEFAULTS = STATION_ROLE_DEFAULTS,
): Promise<{ stationId: string; roleName: string; password: string }> {
  checkStationId(id);
  if (displayName !== null && displayName.length > 200) throw new HubAdminError('invalid', 'a station name is at most 200 characters');
  const roleName = `station_${id}`;
  const password = randomBytes(24).toString('base64url');
  await inTransaction(client, async () => {
    const known = await client.query<{ retired_at: Date | null }>('SELECT retired_at FROM intake.stations WHERE station_id = $1', [id]);
    if (known.rowCount)
      throw new HubAdminError('conflict', known.rows[0]?.retired_at
        ? `station ${id} was retired: a replacement needs a new ID`
        : `station ${id} is already registered`);
    const taken = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [roleName]);
    if (taken.rowCount) throw new HubAdminError('conflict', `a database role named ${roleName} already exists: choose another station ID`);
    const role = client.escapeIdentifier(roleName);
    await client.query(
      `CREATE ROLE ${role} LOGIN CONNECTION LIMIT ${Math.trunc(defaults.connectionLimit)} PASSWORD ${client.escapeLiteral(scramVerifier(password))} IN ROLE ${STATION_GROUP}`,
    );
    await client.query(`ALTER ROLE ${role} SET idle_in_transaction_session_timeout = ${Math.trunc(defaults.idleInTransactionMs)}`);
    await client.query(`ALTER ROLE ${role} SET statement_timeout = ${Math.trunc(defaults.statementMs)}`);
    await client.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
    await client.query('INSERT INTO intake.stations (station_id, role_name, display_name) VALUES ($1, $2, $3)', [id, roleName, displayName]);
  });
  return { stationId: id, roleName, password };
}

/**
 * Retires a station for good: its role may no longer log in, and any session it still has open
 * is refused by push and pull (they read retired_at under a row lock). Its entries stay.
 */
export async function retireStation(client: pg.Client, id: string): Promise<StationInfo> {
  checkStationId(id);
  await inTransaction(client, async () => {
    await client.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
    // A push in flight holds the row; one that never ends must not hang the retire.
    await client.query("SET LOCAL lock_timeout = '10s'");
    const r = await client.query<{ role_name: string; retired_at: Date | null }>(
      'SELECT role_name, retired_at FROM intake.stations WHERE station_id = $1 FOR UPDATE', [id]).catch((e: unknown) => {
      if ((e as { code?: string }).code === '55P03')
        throw new HubAdminError('failed', `station ${id} has a push in progress that has not finished for 10 seconds: end its session (pg_terminate_backend) and retire it again`);
      throw e;
    });
    const row = r.rows[0];
    if (!row) throw new HubAdminError('not-found', `no station ${id} is registered at this hub`);
    if (row.retired_at) throw new HubAdminError('conflict', `station ${id} was already retired on ${row.retired_at.toISOString()}`);
    await client.query('UPDATE intake.stations SET retired_at = now() WHERE station_id = $1', [id]);
    await client.query('RESET ROLE');
    await client.query(`ALTER ROLE ${client.escapeIdentifier(row.role_name)} NOLOGIN`);
  });
  const all = await listStations(client);
  const mine = all.find((s) => s.stationId === id);
  if (!mine) throw new HubAdminError('failed', `station ${id} vanished while it was retired`);
  return mine;
}

export async function listStations(client: pg.Client): Promise<StationInfo[]> {
  const r = await client.query<{ station_id: string; role_name: string; display_name: string | null; registered_at: Date; retired_at: Date | null; ack: string }>(
    `SELECT s.station_id, s.role_name, s.display_name, s.registered_at, s.retired_at,
       coalesce((SELECT max(e.local_seq) FROM intake.entries e WHERE e.station_id = s.station_id), 0) AS ack
     FROM intake.stations s ORDER BY s.station_id`,
  );
  return r.rows.map((x) => ({
    stationId: x.station_id, roleName: x.role_name, displayName: x.display_name, registeredAt: x.registered_at.toISOString(),
    retiredAt: x.retired_at?.toISOString() ?? null, acknowledgedThrough: Number(x.ack),
  }));
}

/**
 * Removes the hub's copies of pictures received before `before` (YYYY-MM-DD) and records the
 * purge (who, when, how many) in intake.image_purges, in one transaction. The stations purge their
 * own files (`intake images purge`); this is the same retention rule applied at the county.
 */
export async function purgeHubImages(client: pg.Client, before: string): Promise<{ receivedBefore: string; removed: number; bytesRemoved: number }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(before) || Number.isNaN(Date.parse(`${before}T00:00:00Z`)))
    throw new ServiceError('invalid', `--before must be a date as YYYY-MM-DD, not "${before}"`);
  await client.query('BEGIN');
  try {
    const r = await client.query<{ removed: string; bytes: string }>(
      `WITH gone AS (DELETE FROM intake.images WHERE received_at < $1::date RETURNING size)
       INSERT INTO intake.image_purges (received_before, removed, bytes_removed)
         SELECT $1::date, count(*), coalesce(sum(size), 0) FROM gone
       RETURNING removed::text, bytes_removed::text AS bytes`,
      [before],
    );
    await client.query('COMMIT');
    const row = r.rows[0];
    return { receivedBefore: before, removed: Number(row?.removed ?? 0), bytesRemoved: Number(row?.bytes ?? 0) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
