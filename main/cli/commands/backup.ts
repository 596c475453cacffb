import path from 'node:path';
import { backupTo, restoreFrom, verifyBackup } from '../../backup/backup.js';
import { defaultDbPath } from '../../store/db.js';
import { parse, printJson, UsageError, withStoreAsync, type Io } from '../context.js';

export async function backupCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {});
  const file = positionals[0];
  if (!file) throw new UsageError('usage: intake backup FILE');
  return withStoreAsync(io, values.db, async (store) => {
    printJson(io, await backupTo(store, path.resolve(file)));
    return 0;
  });
}

export function restoreCommand(io: Io, args: string[]): number {
  const { values, positionals } = parse(args, { verify: { type: 'boolean' } });
  const backup = positionals[0];
  if (!backup) throw new UsageError('usage: intake restore BACKUP [--verify]   (restores into --db / INTAKE_DB / the default database)');
  if (values.verify) {
    const v = verifyBackup(backup);
    printJson(io, v);
    return v.ok ? 0 : 1;
  }
  const target = values.db ?? io.env['INTAKE_DB'] ?? defaultDbPath(io.env);
  printJson(io, restoreFrom(backup, target));
  return 0;
}
