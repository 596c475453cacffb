import path from 'node:path';
import { ServiceError } from '../../shared/errors.js';
import { pullChanges, type ChangesReport } from '../sync/changes.js';
import { floridaToFolder, syncToFolder, type FolderReport } from '../sync/folder.js';
import { SyncSender, type SyncProgress, type SyncReport } from '../sync/sender.js';
import { withCountySync } from '../county/sync-lease.js';
import { resolveBatch } from './batches.js';
import { authorize, type ActionContext, type Actor } from './context.js';

export function syncStatus(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'sync.status');
  return ctx.store.sync.list();
}

export interface SyncRunInput {
  /** Else the syncUrl setting. */
  url?: string | undefined;
  /** Else INTAKE_SYNC_TOKEN: the token is never stored, and the screens need never hold it. */
  token?: string | undefined;
  /** How long to keep retrying what is not yet acknowledged (0: one pass). */
  waitMs?: number;
  /** Then pull the state's change feed into the roll. */
  changes?: boolean;
  onProgress?: (p: SyncProgress) => void;
}

/** Closed batches to the state API, exactly once; then, when asked, the state's changes into the roll. */
export async function runSync(ctx: ActionContext, actor: Actor | null, env: NodeJS.ProcessEnv, input: SyncRunInput): Promise<SyncReport & { changes: ChangesReport | null }> {
  authorize(actor, input.changes ? 'sync.pullChanges' : 'sync.run');
  const baseUrl = input.url ?? ctx.store.config.get('syncUrl');
  if (!baseUrl) throw new ServiceError('invalid', 'No state API address is set: a supervisor enters it in Settings, under Sync and backup (or: intake config set syncUrl URL, or --url).');
  const token = input.token ?? env['INTAKE_SYNC_TOKEN'];
  if (!token) throw new ServiceError('invalid', 'The state API token is needed: set INTAKE_SYNC_TOKEN.');
  // In a county, one station at a time holds the hub's sync lease and each batch goes once (docs/county.md).
  return withCountySync(ctx.store, env, async (county) => {
    const sender = new SyncSender(ctx.store, { baseUrl, token }, {
      clock: ctx.clock,
      onProgress: (p) => {
        ctx.emit('syncProgress', p);
        input.onProgress?.(p);
      },
      ...(county ? { claim: (id: string) => county.claim(id), onAcknowledged: (id: string, ack: string) => county.acknowledged(id, ack) } : {}),
    });
    const report = input.waitMs ? await sender.runUntilDone(input.waitMs) : await sender.runOnce();
    const feed = county && input.changes ? { since: await county.feedCursor(), onPage: (c: string) => county.setFeedCursor(c) } : undefined;
    const changes = input.changes ? await pullChanges(ctx.store, { baseUrl, token }, undefined, feed) : null;
    return { ...report, changes };
  });
}

/** For states that take uploads: closed batches as files in a folder (a removable drive). */
export function syncFolder(ctx: ActionContext, actor: Actor | null, input: { dir: string; layout: 'csv' | 'florida' }): Promise<FolderReport> {
  const who = authorize(actor, 'sync.toFolder');
  if (!path.isAbsolute(input.dir)) throw new ServiceError('invalid', 'Give the folder as a full path (e.g. /media/usb or E:\\).');
  return input.layout === 'florida' ? floridaToFolder(ctx.store, input.dir, ctx.clock(), who.name) : syncToFolder(ctx.store, input.dir, 'csv', who.name);
}

/** A supervisor confirms that a batch's written file reached the state: only then is it acknowledged. */
export function confirmUpload(ctx: ActionContext, actor: Actor | null, input: { batchId: string }): { batchId: string; ack: string } {
  const who = authorize(actor, 'sync.confirmUpload');
  const { batchId, batch } = resolveBatch(ctx, input.batchId);
  try {
    const f = ctx.store.sync.confirmUpload(batchId, who.name, ctx.clock().toISOString());
    return { batchId, ack: `file:${f.file} sha256:${f.sha256}` };
  } catch (e) {
    throw new ServiceError('conflict', `Batch ${batch.number}: ${(e as Error).message}.`);
  }
}

/** A rejected batch goes back in the queue, with the supervisor's reason. */
export function requeueBatch(ctx: ActionContext, actor: Actor | null, input: { batchId: string; reason: string }): { batchId: string } {
  const who = authorize(actor, 'sync.requeue');
  const { batchId } = resolveBatch(ctx, input.batchId);
  try {
    ctx.store.sync.requeue(batchId, who.name, input.reason, ctx.clock().toISOString());
  } catch (e) {
    throw new ServiceError('conflict', (e as Error).message);
  }
  return { batchId };
}
