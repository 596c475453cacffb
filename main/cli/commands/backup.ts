import fs from 'node:fs';
import { restoreFrom, verifyBackup } from '../../backup/backup.js';
import { backupNow } from '../../actions/backups.js';
import { defaultDbPath } from '../../store/db.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

export async function backupCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { operator: { type: 'string' } });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: intake backup FILE');
  return withStation(io, values, async (station) => {
    printJson(io, await backupNow(station, await cliActor(io, station, 'backup.create', values.operator), file));
    return 0;
  });
}

export async function restoreCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { verify: { type: 'boolean' }, operator: { type: 'string' } });
  const backup = positionals[0];
  if (!backup) throw new UsageError('usage: intake restore BACKUP [--verify]   (restores into --db / INTAKE_DB / the default database)');
  if (values.verify) {
    const v = verifyBackup(backup);
    printJson(io, v);
    return v.ok ? 0 : 1;
  }
  const target = values.db ?? io.env['INTAKE_DB'] ?? defaultDbPath(io.env);
  // Replacing a station's records is a supervisor's act on that station, whatever the backup holds.
  if (fs.existsSync(target)) await withStation(io, { db: target }, (station) => cliActor(io, station, 'backup.restore', values.operator));
  printJson(io, restoreFrom(backup, target));
  return 0;
}
