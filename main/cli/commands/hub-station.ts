import pg from 'pg';
import { authorize } from '../../actions/context.js';
import { hubErrorWords, hubTarget, type HubTarget } from '../../county/connection.js';
import { countyStatus, pullPending, pushPending } from '../../county/replicator.js';
import { newImageProgress, pushImages } from '../../county/images.js';
import { cliActor } from '../actor.js';
import { CommandError, parse, printJson, UsageError, withStation, type Io } from '../context.js';
import type { CliStation } from '../station.js';

const USAGE = 'usage: intake hub status | push | pull   (this station and its county hub: one round)';

/**
 * The station side of `intake hub` (the `hub` command hands status, push and pull here): one
 * round of what the running station does continuously, for scripts and tests. Prints one JSON
 * object; a hub that cannot be reached is said in plain words and exits 1 (status exits 0: it
 * reports the hub as not connected).
 */
export async function hubStationCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'status' && sub !== 'push' && sub !== 'pull') throw new UsageError(USAGE);
  const { values, positionals } = parse(rest, { operator: { type: 'string' }, batch: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(USAGE);
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) throw new UsageError('--batch must be a whole number from 1 to 1000');
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, sub === 'status' ? 'county.status' : 'county.replicate', values.operator);
    authorize(actor, sub === 'status' ? 'county.status' : 'county.replicate');
    if (sub === 'status') return status(io, station);
    const target = requireTarget(station, io);
    const client = await open(target);
    try {
      if (sub === 'push') {
        const r = await pushPending(station.store, client, batch, station.clock);
        // Then one bounded round of the image files those entries name (main/county/images.ts).
        const img = await pushImages(station.store, client, r.acknowledgedThrough, newImageProgress());
        if (img.problems[0]) station.store.county.recordError(img.problems[0], station.clock().toISOString());
        printJson(io, { pushed: r.pushed, acknowledgedThrough: r.acknowledgedThrough, localHead: station.store.county.auditHead(), imagesSent: img.uploaded, imagesNotSent: img.problems });
      } else {
        const r = await pullPending(station.store, client, target.stationId, batch, station.clock);
        printJson(io, { pulled: r.pulled, cursor: r.cursor, conflicts: r.conflicts.length });
      }
      return 0;
    } catch (e) {
      const words = hubErrorWords(e, target);
      station.store.county.recordError(words, station.clock().toISOString());
      throw new CommandError(words);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

function requireTarget(station: CliStation, io: Io): HubTarget {
  let target: HubTarget | null;
  try {
    target = hubTarget(station.store, io.env);
  } catch (e) {
    throw new CommandError(hubErrorWords(e, null));
  }
  if (!target) throw new CommandError('this station has no county hub: intake config set hub postgres://HOST:5432/DB (and hub.station, hub.ca)');
  return target;
}

async function open(target: HubTarget): Promise<pg.Client> {
  const client = new pg.Client(target.client);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new CommandError(hubErrorWords(e, target));
  }
}

/** The replication state here, and what the hub says it holds of this station's log. */
async function status(io: Io, station: CliStation): Promise<number> {
  const local = countyStatus(station.store, false, station.clock);
  if (!local.configured) {
    printJson(io, local);
    return 0;
  }
  let hub: { acknowledgedThrough: number; latestHubSeq: number } | null = null;
  let error: string | null = null;
  let target: HubTarget | null = null;
  try {
    target = hubTarget(station.store, io.env);
    if (target) {
      const client = await open(target);
      try {
        const r = await client.query<{ w: { acknowledgedThrough: number; latestHubSeq: number } }>('SELECT intake.whoami() AS w');
        const w = r.rows[0]?.w;
        hub = w ? { acknowledgedThrough: Number(w.acknowledgedThrough), latestHubSeq: Number(w.latestHubSeq) } : null;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  } catch (e) {
    error = e instanceof CommandError ? e.message : hubErrorWords(e, target);
  }
  printJson(io, { ...local, connected: hub !== null, hubHolds: hub, ...(error ? { lastError: error } : {}) });
  return 0;
}
