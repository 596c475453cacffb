import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CureCode } from '../../shared/domain.js';
import type { BatchReceipt } from '../../shared/sync/contract.js';
import type { Store } from '../store/store.js';
import { writeWithSidecar } from './files.js';
import { receiptsCsv } from './layouts/receipts-csv.js';
import { SyncError } from './sender.js';
import { floridaDailyFile } from './tracking.js';
import { loadProfile } from '../cure/profiles.js';
import { loggedFolderSync } from '../oplog/hooks.js';

export interface FolderReport {
  written: { batchId: string; file: string; sha256: string; receipts: number }[];
  folder: string;
}

/**
 * The file adapter, for states that take uploads: every closed batch still in the outbox is
 * written as its own CSV (temporary file, fsync, rename) with a `.sha256` sidecar, then recorded
 * as written with the file's name and hash. It stays unacknowledged ("written, awaiting upload")
 * until a supervisor confirms the upload: a file on a drive is not the state's receipt. Written
 * again before that, the same batch gives the same file name, replaced whole.
 */
export async function syncToFolder(store: Store, folder: string, layout: 'csv', actor = 'system'): Promise<FolderReport> {
  return loggedFolderSync(store, folder, layout, () => batchFilesToFolder(store, folder, layout, actor));
}

async function batchFilesToFolder(store: Store, folder: string, layout: 'csv', actor: string): Promise<FolderReport> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new SyncError(`There is no folder ${folder}: is the drive plugged in and mounted?`);
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
    await writeWithSidecar(file, text);
    store.sync.recordWritten(b.batch_id, { file: name, folder: report.folder, sha256 }, actor, new Date().toISOString());
    report.written.push({ batchId: b.batch_id, file, sha256, receipts: receipts.length });
  }
  return report;
}

/**
 * Florida's layout: not a file per batch but the county's daily absentee-status file, one line
 * per voter of the election, a complete replacement of yesterday's. Written atomically with its
 * sidecar; then every closed batch still in the outbox is in it and is recorded as written with
 * the file's name and hash (awaiting upload, as above). Written again the same day, it replaces the day's file.
 */
export async function floridaToFolder(store: Store, folder: string, now: Date = new Date(), actor = 'system'): Promise<FolderReport> {
  return loggedFolderSync(store, folder, 'florida', () => floridaFileToFolder(store, folder, now, actor));
}

async function floridaFileToFolder(store: Store, folder: string, now: Date, actor: string): Promise<FolderReport> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new SyncError(`There is no folder ${folder}: is the drive plugged in and mounted?`);
  const need = <T>(value: T | undefined, key: string): T => {
    if (value === undefined) throw new SyncError(`the Florida file needs the ${key} setting: intake config set ${key} VALUE`);
    return value;
  };
  const c = store.config;
  const electionId = need(c.get('election'), 'election');
  const countyId = need(c.get('floridaCountyId'), 'floridaCountyId');
  const profile = loadProfile(c.get('stateProfile') ?? 'generic');
  if (!profile.ok) throw new SyncError(`state profile: ${profile.error}`);
  const opts = {
    countyId,
    electionId,
    electionNumber: need(c.get('floridaElectionNumber'), 'floridaElectionNumber'),
    electionDate: need(c.get('electionDate'), 'electionDate'),
    electionName: c.get('electionName') ?? electionId,
    timeZone: profile.value.timeZone,
  };
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).replace(/-/g, '');
  const name = `AbStat-${countyId}-${opts.electionNumber}-${day}.txt`;
  const file = path.join(folder, name);
  const pending = store.sync.unfinished().filter((row) => store.batches.rowById(row.batch_id)?.status === 'CLOSED');
  // Voters' names and mailing addresses: owner-only, as every export with voter data.
  let sha256: string;
  try {
    ({ sha256 } = await writeWithSidecar(file, floridaDailyFile(store, opts), { mode: 0o600 }));
  } catch (e) {
    const cause = (e as Error).cause;
    throw cause instanceof SyncError ? cause : new SyncError((e as Error).message);
  }
  const report: FolderReport = { written: [], folder: path.resolve(folder) };
  for (const row of pending) {
    store.sync.recordWritten(row.batch_id, { file: name, folder: report.folder, sha256 }, actor, new Date().toISOString());
    report.written.push({ batchId: row.batch_id, file, sha256, receipts: store.sync.batchReceipts(row.batch_id).length });
  }
  if (pending.length === 0) report.written.push({ batchId: '', file, sha256, receipts: 0 });
  return report;
}
