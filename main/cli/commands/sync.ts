import path from 'node:path';
import { confirmUpload, requeueBatch, runSync, syncFolder, syncStatus } from '../../actions/sync.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

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
  if (sub !== undefined && sub !== 'status' && sub !== 'requeue' && sub !== 'uploaded') throw new UsageError(USAGE);
  if (sub === 'uploaded' && !ref) throw new UsageError(USAGE);
  if (sub === 'requeue' && (!ref || !values.reason)) throw new UsageError(USAGE);
  const layout = values.layout ?? 'csv';
  if (layout !== 'csv' && layout !== 'florida') throw new UsageError('--layout must be csv or florida');
  const wait = values.wait === undefined ? 60 : Number(values.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new UsageError('--wait must be a number of seconds');
  return withStation(io, values, async (station) => {
    if (sub === 'status') {
      printJson(io, syncStatus(station, await cliActor(io, station, 'sync.status', values.operator)));
      return 0;
    }
    if (sub === 'uploaded') {
      const r = confirmUpload(station, await cliActor(io, station, 'sync.confirmUpload', values.operator), { batchId: ref ?? '' });
      printJson(io, { ...r, status: 'acknowledged' });
      return 0;
    }
    if (sub === 'requeue') {
      const r = requeueBatch(station, await cliActor(io, station, 'sync.requeue', values.operator), { batchId: ref ?? '', reason: values.reason ?? '' });
      printJson(io, { ...r, status: 'pending' });
      return 0;
    }
    if (values.dir) {
      const actor = await cliActor(io, station, 'sync.toFolder', values.operator);
      printJson(io, await syncFolder(station, actor, { dir: path.resolve(values.dir), layout }));
      return 0;
    }
    const changes = !values['no-changes'];
    const actor = await cliActor(io, station, changes ? 'sync.pullChanges' : 'sync.run', values.operator);
    if (values.token) io.stderr.write('warning: --token shows in the process list; prefer INTAKE_SYNC_TOKEN\n');
    const progress = io.stderr.isTTY ? (p: { batchId: string | null; state: string; sent: number; total: number; message?: string }) => io.stderr.write(`${p.batchId ?? ''} ${p.state} ${p.sent}/${p.total}${p.message ? ` ${p.message}` : ''}\n`) : undefined;
    const report = await runSync(station, actor, io.env, { url: values.url, token: values.token, waitMs: wait * 1000, changes, ...(progress ? { onProgress: progress } : {}) });
    printJson(io, report);
    if (report.rejected.length > 0) io.stderr.write(`${report.rejected.length} batch(es) rejected by the state: see intake sync status\n`);
    if (report.waiting.length > 0) io.stderr.write(`${report.waiting.length} batch(es) not yet acknowledged: run intake sync again\n`);
    return report.rejected.length > 0 || report.waiting.length > 0 ? 1 : 0;
  });
}
