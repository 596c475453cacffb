import fs from 'node:fs';
import type pg from 'pg';
import { addStation, hubVersion, initHub, listStations, migrateHub, purgeHubImages, retireStation } from '../../hub/admin.js';
import { connectHub, describeHub, parseHubUrl, type HubTarget } from '../../hub/connect.js';
import { HUB_MIGRATIONS } from '../../hub/migrations.js';
import { openPrivateSync } from '../../store/private-file.js';
import { CommandError, parse, printJson, UsageError, type Io } from '../context.js';
import { promptHidden, stdinIsTerminal } from '../prompt.js';

/**
 * `intake hub …`: the county hub. The admin subcommands (init, migrate, station) act on the
 * hub's PostgreSQL, not on this station's database, and need the hub's admin credentials:
 * whoever holds them administers the county (the station's operators and PINs play no part).
 * Station-side subcommands (status, push, pull) are added to HUB_SUBCOMMANDS by the replicator.
 */
const USAGE = 'usage: intake hub init | migrate | station add ID [--name TEXT] [--password-file FILE] | station retire ID | station list | images purge --before YYYY-MM-DD, each with --url postgres://ADMIN@HOST:PORT/DB [--ca FILE]';

type Sub = (io: Io, args: string[]) => Promise<number>;

const ADMIN_OPTIONS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  name: { type: 'string' },
  'password-file': { type: 'string' },
  before: { type: 'string' },
} as const;

/** The admin password: INTAKE_HUB_ADMIN_PASSWORD, else the URL's, else asked at a terminal (never echoed). */
type AdminValues = { url?: string | undefined; ca?: string | undefined; name?: string | undefined; 'password-file'?: string | undefined; before?: string | undefined };

async function adminClient(io: Io, values: AdminValues): Promise<{ client: pg.Client; target: HubTarget }> {
  const url = values.url ?? io.env['INTAKE_HUB_ADMIN_URL'];
  if (!url) throw new UsageError('--url postgres://ADMIN@HOST:PORT/DATABASE is required (or set INTAKE_HUB_ADMIN_URL)');
  const target = parseHubUrl(url);
  let password = io.env['INTAKE_HUB_ADMIN_PASSWORD'] || target.password || undefined;
  if (!password && stdinIsTerminal(io)) password = await promptHidden(io, `hub password for ${target.user}: `);
  if (!password) throw new CommandError(`no password for ${describeHub(target)}: set INTAKE_HUB_ADMIN_PASSWORD (or run at a terminal to be asked)`);
  const client = await connectHub({ url, password, caFile: values.ca ?? io.env['INTAKE_HUB_CA'], applicationName: 'intake hub admin' });
  return { client, target };
}

async function withAdmin(io: Io, args: string[], fn: (client: pg.Client, positionals: string[], values: AdminValues, target: HubTarget) => Promise<number>): Promise<number> {
  const { values, positionals } = parse(args, ADMIN_OPTIONS);
  const { client, target } = await adminClient(io, values);
  try {
    return await fn(client, positionals, values, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const init: Sub = (io, args) =>
  withAdmin(io, args, async (client, _p, _v, target) => {
    const { applied } = await initHub(client);
    printJson(io, { hub: describeHub(target), applied, versions: await hubVersion(client) });
    return 0;
  });

const migrate: Sub = (io, args) =>
  withAdmin(io, args, async (client, _p, _v, target) => {
    const { applied } = await migrateHub(client);
    const versions = await hubVersion(client);
    printJson(io, { hub: describeHub(target), applied, versions, latest: HUB_MIGRATIONS.at(-1)?.version ?? 0 });
    return 0;
  });

/** Opens the password file before the role exists (so a bad path fails first) and never overwrites one. */
function openPasswordFile(file: string): number {
  try {
    return openPrivateSync(file, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CommandError(code === 'EEXIST' ? `${file} already exists: give a new file (it would hold another password)` : `cannot create ${file}: ${code ?? (e as Error).message}`);
  }
}

async function stationAdd(io: Io, client: pg.Client, id: string, values: AdminValues, target: HubTarget): Promise<number> {
  const file = values['password-file'];
  const fd = file ? openPasswordFile(file) : null;
  let added: Awaited<ReturnType<typeof addStation>>;
  try {
    added = await addStation(client, id, values.name?.trim() || null);
  } catch (e) {
    if (fd !== null && file) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
    throw e;
  }
  // What the station's `hub` setting should be: its own role, no password.
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const hubUrl = `postgres://${encodeURIComponent(added.roleName)}@${host}:${target.port}/${encodeURIComponent(target.database)}`;
  if (fd !== null && file) {
    try {
      fs.writeFileSync(fd, `${added.password}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    printJson(io, { station: added.stationId, role: added.roleName, hubUrl, passwordFile: file });
  } else {
    printJson(io, { station: added.stationId, role: added.roleName, hubUrl, password: added.password });
    io.stderr.write('The password is shown this once: put it in the station\'s 0600 password file or INTAKE_HUB_PASSWORD.\n');
  }
  return 0;
}

const station: Sub = (io, args) =>
  withAdmin(io, args, async (client, positionals, values, target) => {
    const [verb, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (verb === 'list') {
      for (const s of await listStations(client)) printJson(io, s);
      return 0;
    }
    if (!id) throw new UsageError(USAGE);
    if (verb === 'add') return stationAdd(io, client, id, values, target);
    if (verb === 'retire') {
      printJson(io, await retireStation(client, id));
      return 0;
    }
    throw new UsageError(USAGE);
  });

/** One line per subcommand: the replicator's status/push/pull are added here. */
/** `hub images purge --before DATE`: the hub's copies of pictures, by the same retention rule as the stations'. */
const images: Sub = (io, args) =>
  withAdmin(io, args, async (client, positionals, values, target) => {
    if (positionals[0] !== 'purge' || positionals.length !== 1 || !values.before) throw new UsageError(USAGE);
    printJson(io, { hub: describeHub(target), ...(await purgeHubImages(client, values.before)) });
    return 0;
  });

export const HUB_SUBCOMMANDS: Record<string, Sub> = {
  init,
  migrate,
  station,
  images,
  status: async (io, args) => (await import('./hub-station.js')).hubStationCommand(io, ['status', ...args]),
  push: async (io, args) => (await import('./hub-station.js')).hubStationCommand(io, ['push', ...args]),
  pull: async (io, args) => (await import('./hub-station.js')).hubStationCommand(io, ['pull', ...args]),
};

export async function hubCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const run = sub === undefined ? undefined : HUB_SUBCOMMANDS[sub];
  if (!run) throw new UsageError(USAGE);
  return run(io, rest);
}
