import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../csv/safe.js';
import type { ReceiptExportRow } from '../store/scans.js';
import { resolveBatch } from './batches.js';
import { authorize, dateStamp, type ActionContext, type Actor } from './context.js';

/** The receipts export's columns, in order: the one list for the app's download and `intake receipts export`. */
export const RECEIPT_COLUMNS = ['seq', 'ballotId', 'voterId', 'lastName', 'firstName', 'precinct', 'verdict', 'scannedAt', 'station', 'operator', 'scanner', 'batchId', 'batchNumber'] as const satisfies readonly (keyof ReceiptExportRow)[];

export type ReceiptFormat = 'csv' | 'json';

/**
 * Current receipts as CSV (cells neutralised against formula injection) or a JSON array,
 * in pieces, so an export of any size is streamed to a file or stdout.
 */
export function* receiptChunks(rows: Iterable<ReceiptExportRow>, format: ReceiptFormat): Generator<string> {
  if (format === 'csv') {
    yield stringify([[...RECEIPT_COLUMNS]]);
    for (const r of rows) yield stringify([RECEIPT_COLUMNS.map((c) => neutraliseCell(r[c] === null ? '' : String(r[c])))]);
    return;
  }
  yield '[';
  let first = true;
  for (const r of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(r)}`;
    first = false;
  }
  yield '\n]\n';
}

/** The receipts export, checked for the role and the batch, as a file name and its streamed content. */
export function exportReceipts(
  ctx: ActionContext,
  actor: Actor | null,
  input: { format: ReceiptFormat; batchId?: string | undefined },
): { filename: string; chunks: Generator<string> } {
  authorize(actor, 'receipts.export');
  const batchId = input.batchId ? resolveBatch(ctx, input.batchId).batchId : null;
  return { filename: `receipts-${dateStamp(ctx)}.${input.format}`, chunks: receiptChunks(ctx.store.scans.receipts(batchId), input.format) };
}
