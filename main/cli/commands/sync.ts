import { pullChanges } from '../../sync/changes.js';
import { SyncSender } from '../../sync/sender.js';
import { floridaToFolder, syncToFolder } from '../../sync/folder.js';
import { cliActor } from '../actor.js';
import { CommandError, operatorOf, parse, printJson, UsageError, withStoreAsync, type Io } from '../context.js';

const USAGE = `usage: intake sync [--url URL] [--wait SECONDS] [--no-changes]     (token in INTAKE_SYNC_TOKEN)
       intake sync --dir PATH [--layout csv|florida]
       intake sync status
       intake sync requeue BATCH --reason TEXT --operator NAME
       intake sync uploaded BATCH --operator NAME      (the file written by --dir reached the state)`;

export async function syncCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    url: { type: 'string' },
    token: { type: 'string' },
    dir: { type: 'string' },
    layout: { type: 'string' },
    wait: { type: 'string' },
    'no-changes': { type: 'boolean' },
    reason: { type: 'string' },
    operator: { type: 'string' },
  });
  const [sub, ref] = positionals;
  return withStoreAsync(io, values.db, async (store) => {
    if (sub === 'status') {
      printJson(io, store.sync.list());
      return 0;
    }
    if (sub === 'uploaded') {
      if (!ref) throw new UsageError(USAGE);
      const actor = await cliActor(io, store, operatorOf(io, values.operator), 'supervisor');
      const row = store.batches.resolve(ref, store.config.get('station'));
      if (!row) throw new CommandError(`no batch ${ref}`);
      try {
        const f = store.sync.confirmUpload(row.batch_id, actor.name, new Date().toISOString());
        printJson(io, { batchId: row.batch_id, status: 'acknowledged', ack: `file:${f.file} sha256:${f.sha256}` });
      } catch (e) {
        throw new CommandError((e as Error).message);
      }
      return 0;
    }
    if (sub === 'requeue') {
      if (!ref || !values.reason) throw new UsageError(USAGE);
      const actor = await cliActor(io, store, operatorOf(io, values.operator), 'supervisor');
      const row = store.batches.resolve(ref, store.config.get('station'));
      if (!row) throw new CommandError(`no batch ${ref}`);
      try {
        store.sync.requeue(row.batch_id, actor.name, values.reason, new Date().toISOString());
      } catch (e) {
        throw new CommandError((e as Error).message);
      }
      printJson(io, { batchId: row.batch_id, status: 'pending' });
      return 0;
    }
    if (sub !== undefined) throw new UsageError(USAGE);
    if (values.dir) {
      const layout = values.layout ?? 'csv';
      if (layout !== 'csv' && layout !== 'florida') throw new UsageError('--layout must be csv or florida');
      const report = layout === 'florida' ? await floridaToFolder(store, values.dir) : await syncToFolder(store, values.dir, layout);
      printJson(io, report);
      return 0;
    }
    const baseUrl = values.url ?? store.config.get('syncUrl');
    if (!baseUrl) throw new UsageError('give --url (or set syncUrl) or --dir');
    if (values.token) io.stderr.write('warning: --token shows in the process list; prefer INTAKE_SYNC_TOKEN\n');
    const token = values.token ?? io.env['INTAKE_SYNC_TOKEN'];
    if (!token) throw new UsageError('the state token is required: set INTAKE_SYNC_TOKEN');
    const wait = values.wait === undefined ? 60 : Number(values.wait);
    if (!Number.isFinite(wait) || wait < 0) throw new UsageError('--wait must be a number of seconds');
    const progress = io.stderr.isTTY ? (p: { batchId: string | null; state: string; sent: number; total: number; message?: string }) => io.stderr.write(`${p.batchId ?? ''} ${p.state} ${p.sent}/${p.total}${p.message ? ` ${p.message}` : ''}\n`) : undefined;
    const sender = new SyncSender(store, { baseUrl, token }, progress ? { onProgress: progress } : {});
    const report = await sender.runUntilDone(wait * 1000);
    const changes = values['no-changes'] ? null : await pullChanges(store, { baseUrl, token });
    printJson(io, { ...report, changes });
    if (report.rejected.length > 0) io.stderr.write(`${report.rejected.length} batch(es) rejected by the state: see intake sync status\n`);
    if (report.waiting.length > 0) io.stderr.write(`${report.waiting.length} batch(es) not yet acknowledged: run intake sync again\n`);
    return report.rejected.length > 0 || report.waiting.length > 0 ? 1 : 0;
  });
}
