import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { checkLabel, decodeResultJson, decodeScan } from '../../../shared/barcode/index.js';
import { configSchemas } from '../../../shared/config.js';
import { ApiCallError } from '../../../shared/api/define.js';
import { renderCoverSheet } from '../../batches/cover-sheet.js';
import { neutraliseCell } from '../../csv/safe.js';
import { ballotHistory } from '../../intake/history.js';
import { outcomeJson } from '../../intake/outcome-json.js';
import { importRoll } from '../../roll/import.js';
import { listScanners } from '../../scanners/index.js';
import { previewRoll } from '../../roll/read.js';
import { toBallotRecord } from '../../store/roll.js';
import { iterateReceipts } from '../../store/scans.js';
import type { Handlers, Session } from '../router.js';
import type { Station } from '../station.js';
import { reportSummary } from '../../store/reports.js';

function operatorOf(session: Session): string {
  if (!session.operator) throw new ApiCallError('unauthenticated', 'sign in first');
  return session.operator.name;
}

/** Resolves a roll source to a file on this machine; uploads live in the station's folder only. */
export function rollSourcePath(station: Station, source: { path: string } | { uploadId: string }): string {
  if ('uploadId' in source) {
    const p = path.join(station.uploadsDir, source.uploadId);
    if (!fs.existsSync(p)) throw new ApiCallError('not-found', `no uploaded file ${source.uploadId}`);
    return p;
  }
  if (!fs.existsSync(source.path)) throw new ApiCallError('not-found', `no file ${source.path}`);
  return source.path;
}

type CoreHandlers = Pick<Handlers, Exclude<keyof Handlers, never>>;

export const coreHandlers: Partial<CoreHandlers> = {
  'session.status': (station, session) => ({
    station: station.stationName, // the configured name, else the host name, as recorded on each scan
    election: station.store.config.get('election') ?? null,
    electionName: station.store.config.get('electionName') ?? null,
    operator: session.operator ? { name: session.operator.name, role: session.operator.role } : null,
    needsFirstSupervisor: station.auth.needsFirstSupervisor(),
    fault: station.fault,
    idleLockMinutes: station.store.config.get('idleLockMinutes') ?? 10,
  }),
  'session.signIn': async (station, session, input) => {
    session.operator = await station.auth.signIn(input.operator, input.pin);
    session.lastActivity = Date.now();
    station.activeOperator = session.operator.name;
    return session.operator;
  },
  'session.signOut': (_station, session) => {
    session.operator = null;
    return {};
  },
  'session.createFirstSupervisor': async (station, session, input) => {
    if (!station.auth.needsFirstSupervisor())
      throw new ApiCallError('forbidden', 'this station already has operators: a supervisor adds new ones');
    session.operator = await station.auth.createOperator(input.operator, 'supervisor', input.pin, null);
    session.lastActivity = Date.now();
    station.activeOperator = session.operator.name;
    return session.operator;
  },
  'operators.list': (station) => station.store.operators.list(),
  'operators.create': (station, session, input) =>
    station.auth.createOperator(input.name, input.role, input.pin, session.operator),
  'operators.resetPin': async (station, session, input) => {
    if (!session.operator) throw new ApiCallError('unauthenticated', 'sign in first');
    await station.auth.resetPin(input.name, input.pin, session.operator);
    return {};
  },

  'scan.submit': (station, session, input) => {
    const result = station
      .intake()
      .scan({
        raw: input.raw,
        operator: operatorOf(session),
        scanner: input.scanner ?? 'keyboard',
        keyed: input.keyed ?? false,
      });
    const outcome = outcomeJson(result);
    station.emit('verdict', outcome as never);
    if (result.closedBatch) station.afterBatchClose(result.closedBatch);
    return outcome as never;
  },
  'scan.recent': (station, _session, input) =>
    station.store.scans.recent(station.stationName, input.limit).map((s) => {
      const b = s.ballotId ? station.store.scans.byBallotId.get(s.ballotId) : undefined;
      const batch = s.batchId ? station.store.batches.rowById(s.batchId) : undefined;
      const dup = s.duplicateOf ? station.store.scans.get(s.duplicateOf) : undefined;
      const dupBatch = dup?.batchId ? station.store.batches.rowById(dup.batchId) : undefined;
      return outcomeJson({
        ...s,
        voter: b
          ? {
              name: [b.first_name, b.middle_name, b.last_name, b.suffix].filter(Boolean).join(' '),
              precinct: b.precinct,
            }
          : null,
        batch: batch
          ? {
              batchId: batch.batch_id,
              number: batch.number,
              count: station.store.batches.toBatch(batch).count,
            }
          : null,
        duplicate: dup
          ? {
              seq: dup.seq,
              ballotId: dup.ballotId ?? '',
              scannedAt: dup.scannedAt,
              station: dup.station,
              operator: dup.operator,
              scanner: dup.scanner,
              batchId: dup.batchId,
              batchNumber: dupBatch?.number ?? null,
            }
          : null,
        closedBatch: null,
      }) as never;
    }),
  'scan.undo': (station, session, input) => {
    const r = station.intake().undo(input.seq, operatorOf(session), input.reason);
    return { seq: input.seq, undoneAt: r.undoneAt };
  },

  'batches.list': (station, _s, input) =>
    station.store.batches.list({ ...(input.status ? { status: input.status } : {}) }),
  'batches.open': (station, session) => station.intake().openBatch(operatorOf(session)),
  'batches.close': (station, session, input) => {
    const wasOpen =
      input.batchId === null ||
      station.store.batches.resolve(input.batchId, station.stationName)?.status === 'OPEN';
    const batch = station.intake().closeBatch(input.batchId, input.handCount, operatorOf(session));
    if (wasOpen) station.afterBatchClose(batch);
    return batch;
  },
  'batches.show': (station, _s, input) => {
    const row = station.store.batches.resolve(input.batchId, station.stationName);
    if (!row) throw new ApiCallError('not-found', `no batch ${input.batchId}`);
    return {
      batch: station.store.batches.toBatch(row),
      manifest: [...iterateReceipts(station.store.db, row.batch_id)],
    };
  },

  'batches.coverSheet': async (station, _s, input) => {
    const row = station.store.batches.resolve(input.batchId, station.stationName);
    if (!row) throw new ApiCallError('not-found', `no batch ${input.batchId}`);
    const batch = station.store.batches.toBatch(row);
    const pdf = await renderCoverSheet(
      batch,
      [...iterateReceipts(station.store.db, row.batch_id)],
      station.store.config.get('electionName') ?? null,
    );
    return {
      filename: `batch-${batch.station}-${batch.number}.pdf`,
      pdfBase64: Buffer.from(pdf).toString('base64'),
    };
  },

  'roll.stats': (station) => station.store.roll.stats(),
  'roll.rejects': (station, _s, input) => {
    const last = station.store.roll.stats().lastImport;
    const file = last ? station.store.roll.rejectsFileOf(last.importId) : null;
    if (!file || !fs.existsSync(file)) return { file: null, rows: [] };
    const rows: string[][] = parseCsv(fs.readFileSync(file, 'utf8'), {
      from_line: 2,
      to_line: input.limit + 1,
      relax_column_count: true,
    });
    return {
      file,
      rows: rows.map(([row, reason, raw]) => ({ row: row ?? '', reason: reason ?? '', raw: raw ?? '' })),
    };
  },
  'roll.find': (station, _s, input) =>
    station.store.roll
      .find(input)
      .map((r) => ({ ...toBallotRecord(r), history: ballotHistory(station.store, r.ballot_id) })),
  'roll.preview': async (station, _s, input) => {
    const file = rollSourcePath(station, input.source);
    const p = await previewRoll(
      file,
      {
        format: input.format,
        ...(input.map ? { map: input.map } : {}),
        ...(input.election ? { electionId: input.election } : {}),
      },
      20,
    );
    return {
      headers: p.headers,
      rows: p.records.map((r) =>
        r.ok
          ? {
              rowNo: r.rowNo,
              ok: true,
              ballotId: r.row.ballotId,
              voterId: r.row.voterId,
              name: `${r.row.lastName}, ${r.row.firstName}`,
              status: r.row.status,
            }
          : { rowNo: r.rowNo, ok: false, error: r.error },
      ),
    };
  },
  'roll.import': async (station, session, input) => {
    const file = rollSourcePath(station, input.source);
    const election =
      input.election ?? (input.format === 'ga-sos' ? station.store.config.get('election') : undefined);
    try {
      return await importRoll(station.store, file, {
        format: input.format,
        operator: operatorOf(session),
        ...(input.map ? { map: input.map } : {}),
        ...(election ? { electionId: election } : {}),
        onProgress: (p) => station.emit('importProgress', p),
      });
    } catch (e) {
      station.emit('importProgress', {
        phase: 'failed',
        bytes: 0,
        totalBytes: null,
        rows: 0,
        rowsPerSecond: 0,
        error: (e as Error).message,
      });
      throw e;
    }
  },

  'scanners.status': (station) => station.scannerStatuses().map((st) => ({ scannerId: st.scannerId, name: st.name, state: st.state, ...(st.reason ? { reason: st.reason } : {}), at: st.at })),
  'scanners.test': (station, _session, input) => ({ until: station.scannerTest(input.seconds) }),
  'scanners.discover': async () => {
    const d = await listScanners();
    return { scanners: d.scanners.map((x) => ({ ...x })), warnings: d.warnings };
  },
  'settings.get': (station) => station.store.config.all(),
  'settings.set': (station, session, input) => {
    const key = input.key;
    // null clears a setting that has no null of its own (the Settings screen's "Clear").
    if (input.value === null && !configSchemas[key].safeParse(null).success) {
      station.store.config.clear(key, operatorOf(session), station.clock().toISOString());
      return { key, value: station.store.config.get(key) ?? null };
    }
    const parsed = configSchemas[key].safeParse(input.value);
    if (!parsed.success)
      throw new ApiCallError(
        'invalid-input',
        `${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    station.store.config.set(key, parsed.data, operatorOf(session), station.clock().toISOString());
    return { key, value: station.store.config.get(key) };
  },
  'settings.labelRuleCheck': (_station, _s, input) => ({
    label: checkLabel(input.sample, null, input.rule),
    decode: decodeResultJson(decodeScan(input.sample, input.rule)),
  }),
  'audit.verify': (station) => station.store.verifyAudit(),
  'receipts.export': (station, _s, input) => {
    const rows = [...iterateReceipts(station.store.db, input.batchId ?? null)];
    const stamp = station.clock().toISOString().slice(0, 10);
    if (input.format === 'json')
      return { filename: `receipts-${stamp}.json`, content: JSON.stringify(rows, null, 1) };
    const cols = [
      'seq',
      'ballotId',
      'voterId',
      'lastName',
      'firstName',
      'precinct',
      'verdict',
      'scannedAt',
      'station',
      'operator',
      'scanner',
      'batchId',
      'batchNumber',
    ] as const;
    const body = stringify([
      cols,
      ...rows.map((r) => cols.map((c) => neutraliseCell(r[c] === null ? '' : String(r[c])))),
    ]);
    return { filename: `receipts-${stamp}.csv`, content: body };
  },
  'reports.summary': (station, _s, input) => reportSummary(station.store.db, input.since ?? null, () => station.store.cure.codeCounts()),
};
