import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { RollFormat } from '../../shared/roll/types.js';
import { ServiceError } from '../../shared/errors.js';
import { ballotHistory } from '../intake/history.js';
import { importRoll, type ImportProgress, type ImportSummary } from '../roll/import.js';
import type { RollReadOptions } from '../roll/read.js';
import { toBallotRecord } from '../store/roll/ballot-row.js';
import { authorize, type ActionContext, type Actor } from './context.js';

export interface RollImportInput {
  file: string;
  format: RollFormat;
  map?: Record<string, string> | undefined;
  election?: string | undefined;
  encoding?: RollReadOptions['encoding'];
}

/**
 * Imports a roll file under the authenticated operator. GA's file names no election, so the
 * configured one is used. Progress and a failure go out as events (the app's progress bar).
 */
export async function importRollFile(ctx: ActionContext, actor: Actor | null, input: RollImportInput, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  const who = authorize(actor, 'roll.import');
  if (!fs.existsSync(input.file)) throw new ServiceError('not-found', `There is no file ${input.file}.`);
  const election = input.election ?? (input.format === 'ga-sos' ? ctx.store.config.get('election') : undefined);
  try {
    return await importRoll(ctx.store, input.file, {
      format: input.format,
      operator: who.name,
      ...(input.map ? { map: input.map } : {}),
      ...(election ? { electionId: election } : {}),
      ...(input.encoding ? { encoding: input.encoding } : {}),
      onProgress: (p) => {
        ctx.emit('importProgress', p);
        onProgress?.(p);
      },
    });
  } catch (e) {
    ctx.emit('importProgress', { phase: 'failed', bytes: 0, totalBytes: null, rows: 0, rowsPerSecond: 0, error: (e as Error).message });
    throw e;
  }
}

/** A voter's ballots with their whole history (phone inquiries). */
export function findBallots(ctx: ActionContext, actor: Actor | null, query: Parameters<ActionContext['store']['roll']['find']>[0]) {
  authorize(actor, 'roll.find');
  return ctx.store.roll.find(query).map((r) => ({ ...toBallotRecord(r), history: ballotHistory(ctx.store, r.ballot_id) }));
}

export function rollStats(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'roll.stats');
  return ctx.store.roll.stats();
}

/** The first rows of the last import's rejects file, for the Roll screen. */
export function rollRejects(ctx: ActionContext, actor: Actor | null, limit: number) {
  authorize(actor, 'roll.rejects');
  const last = ctx.store.roll.stats().lastImport;
  const file = last ? ctx.store.roll.rejectsFileOf(last.importId) : null;
  if (!file || !fs.existsSync(file)) return { file: null, rows: [] };
  const rows: string[][] = parseCsv(fs.readFileSync(file, 'utf8'), { from_line: 2, to_line: limit + 1, relax_column_count: true });
  return { file, rows: rows.map(([row, reason, raw]) => ({ row: row ?? '', reason: reason ?? '', raw: raw ?? '' })) };
}

/** Resolves a roll source to a file on this machine; uploads live in the station's folder only. */
export function rollSourcePath(uploadsDir: string, source: { path: string } | { uploadId: string }): string {
  if ('uploadId' in source) {
    const p = path.join(uploadsDir, source.uploadId);
    if (!fs.existsSync(p)) throw new ServiceError('not-found', `There is no uploaded file ${source.uploadId}.`);
    return p;
  }
  if (!fs.existsSync(source.path)) throw new ServiceError('not-found', `There is no file ${source.path}.`);
  return source.path;
}
