import pg from 'pg';
import { ServiceError } from '../../shared/errors.js';
import type { Store } from '../store/store.js';
import { hubTarget } from './connection.js';
import type { HubLink } from './hub-link.js';

/**
 * The station's connection to the county hub for the county views and operations: a small pool
 * per store, as this station's own role (`station_<id>`) over TLS verified against `hub.ca`.
 * The password comes from INTAKE_HUB_PASSWORD or the 0600 file `hub.passwordFile`, never from
 * the database, the audit log or the station log. Every failure becomes plain words.
 */
export interface HubReader {
  /** This station's registered ID at the hub. */
  readonly station: string;
  /** One row's `v` column; a failure is a ServiceError starting with `what` ("County view unavailable"). */
  call<T>(sql: string, params: unknown[], what?: string): Promise<T>;
}

const pools = new WeakMap<Store, { key: string; pool: pg.Pool }>();

export function hubConfigured(store: Store): boolean {
  return Boolean(store.config.get('hub') && store.config.get('hub.station'));
}

/** The replicator's connection settings (connection.ts: TLS verify-full, the station's role), pooled. */
function poolFor(store: Store, env: NodeJS.ProcessEnv): { pool: pg.Pool; station: string } {
  let target;
  try {
    target = hubTarget(store, env);
  } catch (e) {
    throw new ServiceError('invalid', `${(e as Error).message}.`);
  }
  if (!target) throw new ServiceError('invalid', 'This station is not part of a county: no hub is set (intake config set hub postgres://…, and hub.station).');
  const key = [target.url, target.stationId, target.role, store.config.get('hub.ca') ?? ''].join('\u001f');
  const have = pools.get(store);
  if (have?.key === key) return { pool: have.pool, station: target.stationId };
  if (have) void have.pool.end().catch(() => undefined);
  const pool = new pg.Pool({ ...target.client, max: 3, connectionTimeoutMillis: 3000, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  pool.on('error', () => undefined); // a dropped idle link is the next call's plain error, never a crash
  pools.set(store, { key, pool });
  return { pool, station: target.stationId };
}

/** A hub error in plain words: the hub's own RAISE messages are already plain; the network's are not. */
export function hubErrorWords(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (typeof err.code === 'string' && /^IH\d{3}$/.test(err.code)) return err.message ?? 'the hub refused';
  if (err.code === '28P01' || err.code === '28000') return 'the hub refused this station\'s credentials';
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH' || /timeout|terminated|ECONNRESET|closed/i.test(err.message ?? ''))
    return 'the county hub cannot be reached';
  if (/certificate|self[- ]signed|altnames/i.test(err.message ?? '')) return "the hub's certificate could not be verified against hub.ca";
  return `the hub answered with an error (${err.code ?? 'unknown'})`;
}

export function hubReader(store: Store, env: NodeJS.ProcessEnv = process.env): HubReader {
  const { pool, station } = poolFor(store, env);
  return readerOver({ query: async <R>(text: string, values?: unknown[]) => ({ rows: (await pool.query(text, values)).rows as R[] }) }, station);
}

/** A reader over a connection someone else holds (the replicator's client). */
export function readerOver(pool: Pick<HubLink, 'query'>, station: string): HubReader {
  return {
    station,
    async call<T>(sql: string, params: unknown[], what = 'County view unavailable'): Promise<T> {
      try {
        const r = await pool.query<{ v: T }>(sql, params);
        return r.rows[0]?.v as T;
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        const refused = typeof (e as { code?: unknown }).code === 'string' && /^IH\d{3}$/.test((e as { code: string }).code);
        throw new ServiceError(refused ? 'conflict' : 'failed', `${what}: ${hubErrorWords(e)}.${refused ? '' : " This station's own view still works."}`);
      }
    },
  };
}

/** Closes the store's hub pool (station shutdown, tests). */
export async function closeHubReader(store: Store): Promise<void> {
  const have = pools.get(store);
  pools.delete(store);
  await have?.pool.end().catch(() => undefined);
}
