import path from 'node:path';
import { backupTo } from '../backup/backup.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** An online, consistent copy of the database (scanning may go on); the automatic one is in batches.ts. */
export async function backupNow(ctx: ActionContext, actor: Actor | null, file: string) {
  authorize(actor, 'backup.create');
  return backupTo(ctx.store, path.resolve(file));
}
