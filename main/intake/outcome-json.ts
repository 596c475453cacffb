import type { ScanOutcomeDto } from '../../shared/api/schemas.js';
import type { ScanOutcome } from './intake.js';

/** The NDJSON line `intake scan` prints for each scan (and the app shows): flat, stable names. */
export function outcomeJson(o: ScanOutcome): ScanOutcomeDto {
  return {
    seq: o.seq,
    verdict: o.verdict,
    reason: o.reason,
    ballotId: o.ballotId,
    voterId: o.voterId,
    voterName: o.voter?.name ?? null,
    precinct: o.voter?.precinct ?? null,
    batchId: o.batch?.batchId ?? null,
    batchNumber: o.batch?.number ?? null,
    batchCount: o.batch?.count ?? null,
    batchClosed: o.closedBatch !== null,
    duplicateOf: o.duplicate
      ? { seq: o.duplicate.seq, at: o.duplicate.scannedAt, station: o.duplicate.station, operator: o.duplicate.operator, scanner: o.duplicate.scanner, batchId: o.duplicate.batchId, batchNumber: o.duplicate.batchNumber }
      : null,
    scannedAt: o.scannedAt,
    station: o.station,
    scanner: o.scanner,
    operator: o.operator,
    raw: o.raw,
    symbology: o.symbology,
    keyed: o.keyed,
  };
}
