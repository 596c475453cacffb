import { exportReceipts } from '../../actions/receipts.js';
import { openPrivateFile } from '../../actions/files.js';
import { cliActor } from '../actor.js';
import { parse, UsageError, withStation, type Io } from '../context.js';

export async function receiptsCommand(io: Io, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError('usage: intake receipts export --format csv|json [--out FILE] [--batch BATCH]');
  const { values } = parse(rest, { format: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' }, operator: { type: 'string' } });
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  return withStation(io, values, async (station) => {
    const actor = await cliActor(io, station, 'receipts.export', values.operator);
    const { chunks } = exportReceipts(station, actor, { format, batchId: values.batch });
    if (!values.out) {
      for (const c of chunks) io.stdout.write(c);
      return 0;
    }
    const file = openPrivateFile(values.out);
    try {
      for (const c of chunks) file.write(c);
    } finally {
      file.close();
    }
    return 0;
  });
}
