import { Intake, IntakeError } from '../../intake/intake.js';
import type { Batch } from '../../store/batches.js';
import { iterateReceipts } from '../../store/scans.js';
import { CommandError, operatorOf, parse, printJson, stationOf, UsageError, withStoreAsync, type Io } from '../context.js';
import { backupAfterClose } from '../../backup/backup.js';

export async function batchCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    station: { type: 'string' },
    operator: { type: 'string' },
    'hand-count': { type: 'string' },
    status: { type: 'string' },
  });
  return withStoreAsync(io, values.db, async (store) => {
    const intakeFor = () => new Intake(store, stationOf(store, values.station));
    const guard = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof IntakeError) throw new CommandError(e.message);
        throw e;
      }
    };
    switch (sub) {
      case 'open':
        printJson(io, guard(() => intakeFor().openBatch(operatorOf(io, values.operator))));
        return 0;
      case 'close': {
        const hc = values['hand-count'];
        const handCount = hc === undefined ? null : Number(hc);
        if (handCount !== null && (!Number.isInteger(handCount) || handCount < 0)) throw new UsageError(`--hand-count must be a whole number, got ${hc}`);
        const wasOpen = positionals[0] === undefined || store.batches.resolve(positionals[0], values.station ?? store.config.get('station'))?.status === 'OPEN';
        const batch = guard(() => intakeFor().closeBatch(positionals[0] ?? null, handCount, operatorOf(io, values.operator)));
        const backup = wasOpen ? await backupAfterClose(store, batch.number, batch.station) : null;
        printJson(io, { ...batch, backup: backup?.file ?? null });
        return 0;
      }
      case 'list': {
        const status = values.status?.toUpperCase();
        if (status !== undefined && status !== 'OPEN' && status !== 'CLOSED') throw new UsageError('--status must be open or closed');
        printJson(io, store.batches.list({ ...(status ? { status } : {}), ...(values.station ? { station: values.station } : {}) }));
        return 0;
      }
      case 'show': {
        const ref = positionals[0];
        if (!ref) throw new UsageError('usage: intake batch show BATCH (UUID or number)');
        const row = store.batches.resolve(ref, values.station ?? store.config.get('station'));
        if (!row) throw new CommandError(`no batch ${ref}`);
        const batch: Batch = store.batches.toBatch(row);
        printJson(io, { ...batch, manifest: [...iterateReceipts(store.db, row.batch_id)] });
        return 0;
      }
      default:
        throw new UsageError('usage: intake batch open | close [BATCH] [--hand-count N] | list [--status open|closed] | show BATCH');
    }
  });
}
