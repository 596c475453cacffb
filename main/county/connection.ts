import fs from 'node:fs';
import type { ClientConfig } from 'pg';
import type { Store } from '../store/store.js';

/**
 * How this station reaches the county hub: the `hub` URL (no password in it), its registered ID
 * (`hub.station`; its database role is station_<id>), the hub's CA (`hub.ca`), and the password
 * from INTAKE_HUB_PASSWORD or the owner-only file `hub.passwordFile`. Always TLS with the hub's
 * certificate verified against the CA and the host name (libpq's sslmode=verify-full; PostgreSQL
 * 18 docs §32.19): a station never sends its password to a server it cannot verify.
 */
export interface HubTarget {
  /** The URL as configured (no password): safe to show. */
  url: string;
  stationId: string;
  role: string;
  client: ClientConfig;
}

export class HubConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubConfigError';
  }
}

/** Null when this station is not part of a county (no `hub` set): it works alone, as always. */
export function hubTarget(store: Store, env: NodeJS.ProcessEnv = process.env): HubTarget | null {
  // How long a silent hub (a blackholed link) is waited for before the station reconnects.
  const t = Number(env['INTAKE_HUB_TIMEOUT_MS'] ?? '');
  const timeouts = Number.isInteger(t) && t >= 100 && t <= 600_000 ? { connectMs: t, queryMs: t } : { connectMs: 5000, queryMs: 10_000 };
  const url = store.config.get('hub');
  if (url === undefined) return null;
  const stationId = store.config.get('hub.station');
  if (stationId === undefined) throw new HubConfigError('the hub is set but this station has no hub ID: intake config set hub.station ID (as registered with intake hub station add)');
  const u = new URL(url);
  const role = u.username ? decodeURIComponent(u.username) : `station_${stationId}`;
  const password = hubPassword(store, env);
  const caFile = store.config.get('hub.ca');
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = fs.readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new HubConfigError(`cannot read the hub's CA certificate ${caFile} (hub.ca): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    url,
    stationId,
    role,
    client: {
      host,
      port: u.port ? Number(u.port) : 5432,
      user: role,
      password,
      database,
      ssl: { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: true, servername: host },
      connectionTimeoutMillis: timeouts.connectMs,
      query_timeout: timeouts.queryMs,
      keepAlive: true,
      application_name: `intake-station-${stationId}`,
    },
  };
}

/** INTAKE_HUB_PASSWORD, else the file named by hub.passwordFile, which must be the owner's alone. */
function hubPassword(store: Store, env: NodeJS.ProcessEnv): string {
  const fromEnv = env['INTAKE_HUB_PASSWORD'];
  if (fromEnv) return fromEnv;
  const file = store.config.get('hub.passwordFile');
  if (file === undefined) throw new HubConfigError('no hub password: set INTAKE_HUB_PASSWORD, or intake config set hub.passwordFile FILE (a file only this user can read)');
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new HubConfigError(`cannot read the hub password file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if ((st.mode & 0o077) !== 0)
    throw new HubConfigError(`the hub password file ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it first`);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!text) throw new HubConfigError(`the hub password file ${file} is empty`);
  return text;
}

/**
 * The hub refused one of this station's own entries (intake.push, SQLSTATE class IH: a malformed
 * entry, a forked chain, a resolution that does not hold). The station's log is a hash chain, so
 * nothing after that entry can reach the hub either until the hub takes it: the entries before it
 * are pushed, and this says which one holds the rest back and why.
 */
export class PushRefused extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  constructor(
    /** The refused entry's seq in this station's audit log. */
    readonly seq: number,
    refusal: { code?: string; message?: string; hint?: string },
    /** Entries before it that this push did bring to the hub. */
    readonly pushed = 0,
  ) {
    super(refusal.message ?? 'the hub refused the push');
    this.name = 'PushRefused';
    this.code = refusal.code ?? '';
    this.hint = refusal.hint;
  }
}

/**
 * A refusal by the hub of what a push carries: IH0xx (IH001/IH002 refuse the station itself) and
 * IH02x/IH03x; the IH4xx codes answer the county views, roll and lease, never a push.
 */
export function refusesEntries(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^IH0\d{2}$/.test(code) && code !== 'IH001' && code !== 'IH002';
}

/**
 * A hub failure in plain words for the status line and the station log. Never the password,
 * never a stack: what happened and what to check.
 */
export function hubErrorWords(e: unknown, target: { url: string; role: string } | null): string {
  const err = e as { code?: string; message?: string; hint?: string };
  const where = target ? new URL(target.url).host : 'the hub';
  const code = err.code ?? '';
  const msg = (err.message ?? String(e)).replace(/\s+/g, ' ').trim();
  if (e instanceof HubConfigError) return msg;
  if (e instanceof PushRefused)
    return `the county hub refused: ${msg}${err.hint ? ` (${err.hint})` : ''}. This station's entries from ${e.seq} on wait here until the hub takes that one; scanning goes on`;
  if (code === 'ECONNREFUSED') return `the county hub at ${where} is not answering (connection refused): scanning goes on, receipts wait here`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the county hub's name ${where} cannot be found (DNS)`;
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated|connection.*closed/i.test(msg))
    return `the link to the county hub at ${where} was cut: scanning goes on, receipts wait here`;
  if (/timeout/i.test(msg) || code === 'ETIMEDOUT') return `the county hub at ${where} did not answer in time: scanning goes on, receipts wait here`;
  if (code === '28P01' || code === '28000') return `the county hub refused this station's credentials (role ${target?.role ?? '?'}): check the password, or whether the station was retired`;
  if (/self[- ]signed|certificate|altnames|UNABLE_TO_VERIFY|CERT_/i.test(msg + code)) return `the county hub's certificate could not be verified against hub.ca (${msg})`;
  if (/SSL|TLS/i.test(msg)) return `the county hub would not talk TLS: ${msg}`;
  if (code === '3D000') return `the county hub has no database named in ${where}`;
  if (code === '42883' || code === '3F000') return 'the county hub is not set up (no intake schema): run intake hub init there';
  // The hub's own refusals (RAISE in intake.push/pull) are already in plain words.
  return `the county hub refused: ${msg}${err.hint ? ` (${err.hint})` : ''}`;
}
