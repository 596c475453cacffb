import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CureCode } from '../../shared/domain.js';
import type { BatchReceipt } from '../../shared/sync/contract.js';
import type { Store } from '../store/store.js';
import { writeWithSidecar } from './files.js';
import { receiptsCsv } from './layouts/receipts-csv.js';
import { SyncError } from './sender.js';

export interface FolderReport {
  written: { batchId: string; file: string; sha256: string; receipts: number }[];
  folder: string;
}

/**
 * The file adapter, for states that take uploads: every closed batch still in the outbox is
 * written as its own CSV (temporary file, fsync, rename) with a `.sha256` sidecar, then marked
 * acknowledged with the file's name and hash. A file already there with the same hash is the
 * same delivery (a crash after the write): it is acknowledged, not written twice.
 */
export async function syncToFolder(store: Store, folder: string, layout: 'csv'): Promise<FolderReport> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new SyncError(`${folder} is not a folder (is the drive mounted?)`);
  const report: FolderReport = { written: [], folder: path.resolve(folder) };
  for (const row of store.sync.unfinished()) {
    const b = store.batches.rowById(row.batch_id);
    if (!b || b.status !== 'CLOSED') continue;
    const electionId = b.election_id ?? store.config.get('election') ?? '';
    const receipts = store.sync.batchReceipts(b.batch_id).map((r) => ({
      batchId: b.batch_id,
      stationId: b.station,
      electionId,
      ballotId: r.ballotId,
      voterId: r.voterId,
      receivedAt: r.receivedAt,
      verdict: r.verdict as BatchReceipt['verdict'],
      cureCodes: r.codes ? (JSON.parse(r.codes) as CureCode[]) : [],
      status: (r.state ?? 'RECEIVED') as BatchReceipt['status'],
    }));
    const text = layout === 'csv' ? receiptsCsv(receipts) : '';
    const name = `batch-${b.station.replace(/[^A-Za-z0-9_-]/g, '_')}-${String(b.number).padStart(4, '0')}-${b.batch_id}.csv`;
    const file = path.join(folder, name);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const at = new Date().toISOString();
    store.sync.markSending(b.batch_id, `file:${report.folder}`, at);
    await writeWithSidecar(file, text);
    store.sync.acknowledge(b.batch_id, `file:${name} sha256:${sha256}`, new Date().toISOString());
    report.written.push({ batchId: b.batch_id, file, sha256, receipts: receipts.length });
  }
  return report;
}
