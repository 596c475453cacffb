import type { ScanOutcomeDto } from '../../shared/api/schemas.js';
import type { BackupResult } from '../backup/backup.js';
import { voterName, type ScanOutcome } from '../intake/intake.js';
import { outcomeJson } from '../intake/outcome-json.js';
import type { ScanRecord } from '../store/scans.js';
import { afterBatchClose } from './batches.js';
import type { ImageDto } from '../../shared/api/methods/images.js';
import { captureAfterScan } from '../images/auto-capture.js';
import { authorize, type ActionContext, type Actor } from './context.js';

export interface ScanResult {
  outcome: ScanOutcomeDto;
  /** The backup of a batch this scan filled and closed (null when it closed none). */
  backup: Promise<BackupResult | null> | null;
  /** The envelope image captured after an accepted scan (setting images.capture), null when none is taken. */
  image: Promise<ImageDto[] | null> | null;
}

/**
 * What follows any recorded scan, typed or from a scanner: its verdict goes to every window
 * and a batch it filled is backed up.
 */
export function scanRecorded(ctx: ActionContext, recorded: ScanOutcome): ScanResult {
  const outcome = outcomeJson(recorded);
  ctx.emit('verdict', outcome);
  return { outcome, backup: recorded.closedBatch ? afterBatchClose(ctx, recorded.closedBatch) : null, image: captureAfterScan(ctx, recorded) };
}

/** One envelope: recorded durably under the authenticated operator, then announced. */
export function submitScan(
  ctx: ActionContext,
  actor: Actor | null,
  input: { raw: string; scanner?: string | undefined; keyed?: boolean | undefined },
): ScanResult {
  const who = authorize(actor, 'scan.submit');
  const recorded = ctx.intake().scan({ raw: input.raw, operator: who.name, scanner: input.scanner ?? 'keyboard', keyed: input.keyed ?? false });
  return scanRecorded(ctx, recorded);
}

export function undoScan(ctx: ActionContext, actor: Actor | null, input: { seq: number; reason: string }): { seq: number; undoneAt: string; scan: ScanRecord } {
  const who = authorize(actor, 'scan.undo');
  const r = ctx.intake().undo(input.seq, who.name, input.reason);
  return { seq: input.seq, undoneAt: r.undoneAt, scan: r.scan };
}

/** The station's latest scans, each as the verdict line it gave. */
export function recentScans(ctx: ActionContext, actor: Actor | null, limit: number): ScanOutcomeDto[] {
  authorize(actor, 'scan.recent');
  const { scans, batches } = ctx.store;
  return scans.recent(ctx.stationName, limit).map((s) => {
    const b = s.ballotId ? scans.byBallotId.get(s.ballotId) : undefined;
    const batch = s.batchId ? batches.rowById(s.batchId) : undefined;
    const dup = s.duplicateOf ? scans.get(s.duplicateOf) : undefined;
    const dupBatch = dup?.batchId ? batches.rowById(dup.batchId) : undefined;
    return outcomeJson({
      ...s,
      voter: b ? { name: voterName(b), precinct: b.precinct } : null,
      batch: batch ? { batchId: batch.batch_id, number: batch.number, count: batches.toBatch(batch).count } : null,
      duplicate: dup
        ? { seq: dup.seq, ballotId: dup.ballotId ?? '', scannedAt: dup.scannedAt, station: dup.station, operator: dup.operator, scanner: dup.scanner, batchId: dup.batchId, batchNumber: dupBatch?.number ?? null }
        : null,
      closedBatch: null,
    });
  });
}
