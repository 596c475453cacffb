import { ServiceError } from '../../shared/errors.js';
import { backupAfterClose, type BackupResult } from '../backup/backup.js';
import type { Batch } from '../store/batches.js';
import type { ReceiptExportRow } from '../store/scans.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/**
 * What follows a batch closing, for every way it closes (a supervisor, or a scan filling it):
 * the automatic backup to the second folder, reported to the station either way. It never
 * rejects; the caller decides whether to wait for it (the CLI does, a scan in the app does not).
 */
export function afterBatchClose(ctx: ActionContext, batch: Batch): Promise<BackupResult | null> {
  return backupAfterClose(ctx.store, batch.number, batch.station).then(
    (r) => {
      if (r) ctx.emit('notice', { level: 'info', message: `Batch ${batch.number} closed; backup written to ${r.file}.` });
      return r;
    },
    (e: Error) => {
      ctx.emit('notice', { level: 'error', message: `Batch ${batch.number} closed, but the automatic backup failed: ${e.message}` });
      return null;
    },
  );
}

export function listBatches(ctx: ActionContext, actor: Actor | null, input: { status?: 'OPEN' | 'CLOSED'; station?: string }): Batch[] {
  authorize(actor, 'batches.list');
  return ctx.store.batches.list({ ...(input.status ? { status: input.status } : {}), ...(input.station ? { station: input.station } : {}) });
}

export function openBatch(ctx: ActionContext, actor: Actor | null): Batch {
  const who = authorize(actor, 'batches.open');
  return ctx.intake().openBatch(who.name);
}

/**
 * Closes the open batch (queued for the state in the same transaction) and starts its backup;
 * or records the hand count of a batch already closed (no second backup).
 */
export function closeBatch(
  ctx: ActionContext,
  actor: Actor | null,
  input: { batchId: string | null; handCount: number | null },
): { batch: Batch; backup: Promise<BackupResult | null> } {
  const who = authorize(actor, 'batches.close');
  const wasOpen = input.batchId === null || ctx.store.batches.resolve(input.batchId, ctx.stationName)?.status === 'OPEN';
  const batch = ctx.intake().closeBatch(input.batchId, input.handCount, who.name);
  return { batch, backup: wasOpen ? afterBatchClose(ctx, batch) : Promise.resolve(null) };
}

/** A batch by its UUID or its number at this station, or a plain not-found. */
export function resolveBatch(ctx: ActionContext, ref: string): { batchId: string; batch: Batch } {
  const row = ctx.store.batches.resolve(ref, ctx.stationName);
  if (!row) throw new ServiceError('not-found', `There is no batch ${ref}.`);
  return { batchId: row.batch_id, batch: ctx.store.batches.toBatch(row) };
}

export function showBatch(ctx: ActionContext, actor: Actor | null, ref: string): { batch: Batch; manifest: ReceiptExportRow[] } {
  authorize(actor, 'batches.show');
  const { batchId, batch } = resolveBatch(ctx, ref);
  return { batch, manifest: [...ctx.store.scans.receipts(batchId)] };
}
