import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../../csv/safe.js';
import { openPrivateSync } from '../../store/private-file.js';
import { iterateReceipts, type ReceiptExportRow } from '../../store/scans.js';
import { CommandError, parse, UsageError, withStore, type Io } from '../context.js';

const COLUMNS: (keyof ReceiptExportRow)[] = ['seq', 'ballotId', 'voterId', 'lastName', 'firstName', 'precinct', 'verdict', 'scannedAt', 'station', 'operator', 'scanner', 'batchId', 'batchNumber'];

export function receiptsCommand(io: Io, args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError('usage: intake receipts export --format csv|json [--out FILE] [--batch BATCH]');
  const { values } = parse(rest, { format: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' } });
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
  return withStore(io, values.db, (store) => {
    let batchId: string | null = null;
    if (values.batch) {
      const row = store.batches.resolve(values.batch, store.config.get('station'));
      if (!row) throw new CommandError(`no batch ${values.batch}`);
      batchId = row.batch_id;
    }
    // Voter data: a file is created owner-only (0600) before anything is written to it.
    const fd = values.out ? openPrivateSync(values.out) : null;
    const write = (s: string) => (fd === null ? io.stdout.write(s) : fs.writeSync(fd, s));
    try {
      if (format === 'csv') write(stringify([COLUMNS]));
      let first = true;
      if (format === 'json') write('[');
      for (const r of iterateReceipts(store.db, batchId)) {
        if (format === 'csv') write(stringify([COLUMNS.map((c) => neutraliseCell(r[c] === null ? '' : String(r[c])))]));
        else {
          write(`${first ? '' : ','}\n${JSON.stringify(r)}`);
          first = false;
        }
      }
      if (format === 'json') write('\n]\n');
    } finally {
      if (fd !== null) fs.closeSync(fd);
    }
    return 0;
  });
}
