import fs from 'node:fs';
import pg from 'pg';
import { ServiceError } from '../../shared/errors.js';
import { hubErrorText } from './errors.js';

/**
 * How anything in the project connects to the county hub: always TLS, always verifying the
 * server's certificate and name (libpq's sslmode=verify-full): against the county's own CA when
 * a CA file is given (a hub with a self-signed CA), else the system's CAs (a managed PostgreSQL).
 * There is no way to turn verification off: a station's password must never go to an impostor.
 */
export interface HubTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface HubConnectOptions {
  /** postgres://user[:password]@host[:port]/database — any query string is ignored. */
  url: string;
  /** Takes precedence over a password in the URL. */
  password?: string | undefined;
  /** PEM file of the CA that signed the hub's certificate. */
  caFile?: string | undefined;
  connectTimeoutMs?: number;
  applicationName?: string;
}

export class HubConnectError extends ServiceError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'HubConnectError';
  }
}

export function parseHubUrl(url: string): HubTarget & { password: string | null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HubConnectError('the hub address must look like postgres://USER@HOST:PORT/DATABASE');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new HubConnectError('the hub address must start with postgres://');
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database || !u.username) throw new HubConnectError('the hub address must name the user, the host and the database: postgres://USER@HOST:PORT/DATABASE');
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 5432,
    database,
    user: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : null,
  };
}

/** The address without its password, for messages. */
export function describeHub(t: HubTarget): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}

export function hubClientConfig(opts: HubConnectOptions): { config: pg.ClientConfig; target: HubTarget } {
  const t = parseHubUrl(opts.url);
  const password = opts.password ?? t.password;
  if (!password) throw new HubConnectError(`no password for ${describeHub(t)}`);
  let ca: string | undefined;
  if (opts.caFile) {
    try {
      ca = fs.readFileSync(opts.caFile, 'utf8');
    } catch (e) {
      throw new HubConnectError(`cannot read the hub's CA file ${opts.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const { password: _omit, ...target } = t;
  return {
    target,
    config: {
      host: t.host, port: t.port, database: t.database, user: t.user, password,
      ssl: { rejectUnauthorized: true, ...(ca ? { ca } : {}), servername: t.host },
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      application_name: opts.applicationName ?? 'intake',
    },
  };
}

/** A connected client, or a HubConnectError in plain words (never the password). */
export async function connectHub(opts: HubConnectOptions): Promise<pg.Client> {
  const { config, target } = hubClientConfig(opts);
  const client = new pg.Client(config);
  // A dropped connection must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new HubConnectError(hubErrorText(e, describeHub(target)));
  }
  return client;
}
