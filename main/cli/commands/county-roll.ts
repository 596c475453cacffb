import { publishCountyRoll, pullCountyRollAction } from '../../actions/county.js';
import { cliActor } from '../actor.js';
import { parse, printJson, withStation, type Io } from '../context.js';

/** `intake roll publish`: this station's roll to the county hub, in chunks (docs/county.md). */
export async function rollPublish(io: Io, args: string[]): Promise<number> {
  const { values } = parse(args, { operator: { type: 'string' } });
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'roll.publish', values.operator);
    const progress = io.stderr.isTTY ? (n: number) => io.stderr.write(`\rpublished ${n.toLocaleString('en-US')} rows   `) : undefined;
    const r = await publishCountyRoll(station, actor, io.env, progress);
    if (progress) io.stderr.write('\n');
    printJson(io, r);
    return 0;
  });
}

/** `intake roll pull [--force]`: the hub's newest roll into this station's (rollSource county). */
export async function rollPull(io: Io, args: string[]): Promise<number> {
  const { values } = parse(args, { operator: { type: 'string' }, force: { type: 'boolean' } });
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'roll.pull', values.operator);
    const r = await pullCountyRollAction(station, actor, io.env, { force: values.force === true });
    printJson(io, { version: r.version, pulled: r.pulled, ...(r.summary ? { imported: r.summary.imported, updated: r.summary.updated, unchanged: r.summary.unchanged, rejected: r.summary.rejected } : {}) });
    return 0;
  });
}
