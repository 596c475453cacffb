import { closeBatch, listBatches, openBatch, showBatch } from '../../actions/batches.js';
import { cliActor } from '../actor.js';
import { operatorName, parse, printJson, UsageError, withStation, type Io } from '../context.js';

const USAGE = 'usage: intake batch open | close [BATCH] [--hand-count N] | list [--status open|closed] | show BATCH';

export async function batchCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    station: { type: 'string' },
    operator: { type: 'string' },
    'hand-count': { type: 'string' },
    status: { type: 'string' },
  });
  return withStation(io, values, async (station) => {
    switch (sub) {
      case 'open':
        printJson(io, openBatch(station, await cliActor(io, station, 'batches.open', operatorName(io, values.operator))));
        return 0;
      case 'close': {
        const hc = values['hand-count'];
        const handCount = hc === undefined ? null : Number(hc);
        if (handCount !== null && (!Number.isInteger(handCount) || handCount < 0)) throw new UsageError(`--hand-count must be a whole number, got ${hc}`);
        const actor = await cliActor(io, station, 'batches.close', operatorName(io, values.operator));
        const r = closeBatch(station, actor, { batchId: positionals[0] ?? null, handCount });
        printJson(io, { ...r.batch, backup: (await r.backup)?.file ?? null });
        return 0;
      }
      case 'list': {
        const status = values.status?.toUpperCase();
        if (status !== undefined && status !== 'OPEN' && status !== 'CLOSED') throw new UsageError('--status must be open or closed');
        const actor = await cliActor(io, station, 'batches.list', values.operator);
        printJson(io, listBatches(station, actor, { ...(status ? { status } : {}), ...(values.station ? { station: values.station } : {}) }));
        return 0;
      }
      case 'show': {
        const ref = positionals[0];
        if (!ref) throw new UsageError('usage: intake batch show BATCH (UUID or number)');
        const r = showBatch(station, await cliActor(io, station, 'batches.show', values.operator), ref);
        printJson(io, { ...r.batch, manifest: r.manifest });
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  });
}
