import { stringify } from 'csv-stringify/sync';
import type { BatchReceipt } from '../../../shared/sync/contract.js';
import { neutraliseCell } from '../../csv/safe.js';

/**
 * The generic receipts file: one row per receipt, with its batch, for a state (or an auditor)
 * that takes files rather than the API. RFC 4180 CSV with a header and CRLF line ends; every
 * cell goes through neutraliseCell, because these files are opened in spreadsheets.
 */

export interface ReceiptCsvRow extends BatchReceipt {
  batchId: string;
  stationId: string;
  electionId: string;
}

export const RECEIPTS_CSV_COLUMNS = [
  'batch_id',
  'station_id',
  'election_id',
  'ballot_id',
  'voter_id',
  'received_at',
  'verdict',
  'cure_codes',
  'status',
] as const;

/** Cure codes are joined with ';' so that the column stays one cell. */
export function receiptsCsv(rows: readonly ReceiptCsvRow[]): string {
  const cells = rows.map((r) =>
    [
      r.batchId,
      r.stationId,
      r.electionId,
      r.ballotId,
      r.voterId,
      r.receivedAt,
      r.verdict,
      r.cureCodes.join(';'),
      r.status,
    ].map(neutraliseCell),
  );
  return stringify([[...RECEIPTS_CSV_COLUMNS], ...cells], { record_delimiter: 'windows' });
}
