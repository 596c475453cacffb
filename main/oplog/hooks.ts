/**
 * What the station's services tell the station log, kept here so each service gains one line:
 * a scanner's changes of state, a roll import's start and end, a batch sent to the state, the
 * outcome of each cure e-mail. Messages name scanners, files, batches and cases, never a voter.
 */
import path from 'node:path';
import type { ScannerStatus } from '../scanners/types.js';
import { oplog, type LogPlace } from './index.js';
import type { ImportSummary } from '../roll/import.js';

/**
 * Wraps a scanner status listener so every change of state is logged: connected, gone
 * (unplugged: the trace stays after the banner is gone), unusable, or stopped. Repeats of the
 * same state (each reconnect attempt) and `connecting` are not.
 */
export function withScannerLog(place: LogPlace, listener: (s: ScannerStatus) => void): (s: ScannerStatus) => void {
  const last = new Map<string, ScannerStatus['state']>();
  return (s) => {
    if (s.state !== 'connecting' && last.get(s.scannerId) !== s.state) logScanner(place, s);
    last.set(s.scannerId, s.state);
    listener(s);
  };
}

function logScanner(place: LogPlace, s: ScannerStatus): void {
  const who = `scanner ${s.name} (${s.scannerId})`;
  const why = s.reason ? `: ${s.reason}` : '';
  if (s.state === 'connected') oplog.event(place, 'scanner.connected', 'success', `${who} connected`);
  else if (s.state === 'error') oplog.event(place, 'scanner.fault', 'failure', `${who} cannot be used${why}`);
  else if (s.reason === 'stopped') oplog.event(place, 'scanner.stopped', 'na', `${who} stopped`);
  else oplog.event(place, 'scanner.disconnected', 'failure', `${who} disconnected${why}`);
}

type ImportCounts = Pick<ImportSummary, 'read' | 'imported' | 'updated' | 'unchanged' | 'rejected' | 'rejectsFile'>;

/** Runs a roll import, logging its start, and its counts or why it failed. */
export async function loggedImport<T extends ImportCounts>(
  place: LogPlace,
  source: string | NodeJS.ReadableStream,
  how: { format: string; operator: string },
  run: () => Promise<T>,
): Promise<T> {
  const what = `roll import of ${typeof source === 'string' ? path.basename(source) : 'a stream'} (${how.format}, by ${how.operator})`;
  oplog.event(place, 'import.started', 'na', `${what} started`);
  try {
    const r = await run();
    const rejects = r.rejectsFile ? ` (see ${path.basename(r.rejectsFile)})` : '';
    const counts = `${r.read} read, ${r.imported} imported, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected} rejected${rejects}`;
    oplog.event(place, 'import.finished', 'success', `${what} finished: ${counts}`);
    return r;
  } catch (e) {
    oplog.event(place, 'import.failed', 'failure', `${what} failed, the roll is as it was: ${(e as Error).message}`);
    throw e;
  }
}

/** Sends one batch to the state, logging the attempt and its outcome. */
export async function loggedBatchSend(
  place: { readonly path: string; readonly sync: { unfinished(): { batch_id: string; last_error: string | null }[] } },
  batchId: string,
  target: string,
  send: () => Promise<'acknowledged' | 'rejected' | 'waiting'>,
): Promise<'acknowledged' | 'rejected' | 'waiting'> {
  oplog.event(place, 'sync.started', 'na', `sending batch ${batchId} to ${hostOf(target)}`);
  try {
    const outcome = await send();
    if (outcome === 'acknowledged') oplog.event(place, 'sync.finished', 'success', `batch ${batchId} acknowledged by the state`);
    else if (outcome === 'rejected') oplog.event(place, 'sync.failed', 'failure', `batch ${batchId} rejected by the state: see sync status`);
    else {
      const row = place.sync.unfinished().find((r) => r.batch_id === batchId);
      oplog.event(place, 'sync.failed', 'failure', `batch ${batchId} not sent yet, will retry${row?.last_error ? `: ${row.last_error}` : ''}`);
    }
    return outcome;
  } catch (e) {
    oplog.event(place, 'sync.failed', 'failure', `batch ${batchId} not sent: ${(e as Error).message}`);
    throw e;
  }
}

/** Writes batches to a folder (states that take uploads), logging the attempt and its outcome. */
export async function loggedFolderSync<T extends { written: { batchId: string }[] }>(
  place: LogPlace,
  folder: string,
  layout: string,
  write: () => Promise<T>,
): Promise<T> {
  oplog.event(place, 'sync.started', 'na', `writing closed batches to ${folder} (${layout})`);
  try {
    const r = await write();
    const batches = r.written.filter((w) => w.batchId !== '').map((w) => w.batchId);
    oplog.event(place, 'sync.finished', 'success', `${batches.length} batch(es) written to ${folder} (${layout})${batches.length > 0 ? `: ${batches.join(', ')}` : ''}`);
    return r;
  } catch (e) {
    oplog.event(place, 'sync.failed', 'failure', `writing batches to ${folder} failed: ${(e as Error).message}`);
    throw e;
  }
}

/** The state's host only: a URL may carry credentials or a query the log has no use for. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the state';
  }
}

interface NoticeReport {
  sent: { noticeId: number; caseId: number }[];
  retrying: { noticeId: number; caseId: number; error: string }[];
  failed: { noticeId: number; caseId: number; error: string }[];
}

/** E-mail addresses in an SMTP server's answer are the voter's: left out of the log. */
const withoutAddresses = (text: string): string => text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '(address)');

/** One line per cure e-mail the outbox sent, will retry or gave up on. */
export function logNoticeReport(place: LogPlace, r: NoticeReport): void {
  for (const s of r.sent) oplog.event(place, 'notice.sent', 'success', `cure notice e-mail ${s.noticeId} for case ${s.caseId} sent`);
  for (const f of r.retrying)
    oplog.event(place, 'notice.failed', 'failure', `cure notice e-mail ${f.noticeId} for case ${f.caseId} not sent, will retry: ${withoutAddresses(f.error)}`);
  for (const f of r.failed)
    oplog.event(place, 'notice.failed', 'failure', `cure notice e-mail ${f.noticeId} for case ${f.caseId} given up: ${withoutAddresses(f.error)}`);
}
