import { listScanners } from '../../scanners/index.js';
import { parse, printJson, UsageError, type Io } from '../context.js';

export async function scannersCommand(io: Io, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals[0] !== 'list') throw new UsageError('usage: intake scanners list');
  printJson(io, await listScanners());
  return 0;
}
