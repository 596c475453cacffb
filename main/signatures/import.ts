import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { localDate } from '../../shared/cure/calendar.js';
import { ServiceError } from '../../shared/errors.js';
import { authorize, type ActionContext, type Actor } from '../actions/context.js';
import { rulesOf } from '../actions/signatures.js';
import { imageStoreFor } from '../images/image-store.js';
import { processEnvelope } from '../images/process.js';

/**
 * Signatures on file from the state (issue 19), in two layouts:
 *
 * - `vrsystems`: VR Systems' Voter Focus export for mail-balloting systems ("Provide Voter
 *   Signatures to a Mail Balloting System", Voter Focus online help, content.vrsys.co; the
 *   Generic Envelope Reader pages it links are dated May 27, 2014 and Dec. 18, 2015): one TIFF
 *   per voter in a folder (\ReferenceSigs), which the mail-balloting system finds by "the same
 *   bar code number as the return envelope". The help text we could read does not spell out the
 *   file-name pattern or carry a capture date, so a file's base name is taken as the envelope's
 *   bar code (our ballot ID) or else the voter ID, and its date is --captured-on or the file's
 *   modification day (the export's day: the signature is at least that old). See docs/signatures.md.
 * - `index-csv`: a plain index, `voter_id,captured_on,file` (a header line; files relative to
 *   the index's folder), several lines per voter allowed.
 *
 * A line naming a voter not in the roll is reported with its line and skipped; an image that
 * is not an image, corrupt, truncated or too large is refused with its file name (the image
 * pipeline's checks, main/images/process.ts); everything else is imported.
 */
export type SignatureLayout = 'vrsystems' | 'index-csv';

export interface ImportReport {
  layout: SignatureLayout;
  read: number;
  imported: number;
  alreadyOnFile: number;
  unknownVoters: { line: number | null; file: string; voterId: string }[];
  refused: { line: number | null; file: string; error: string }[];
}

interface Entry {
  line: number | null;
  file: string;
  key: string;
  capturedOn: string | null;
}

/** The whole picture as the signature crop (no template: a reference image is all signature). */
const WHOLE = { x: 0, y: 0, w: 1, h: 1 };
const IMAGE_FILE = /\.(tiff?|png|jpe?g|webp)$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CHUNK = 200;

export async function importSignatures(ctx: ActionContext, actor: Actor | null, input: { path: string; layout?: SignatureLayout | undefined; capturedOn?: string | undefined }): Promise<ImportReport> {
  const who = authorize(actor, 'signatures.import');
  if (input.capturedOn !== undefined && !validDay(input.capturedOn)) throw new ServiceError('invalid', `--captured-on must be a date YYYY-MM-DD, not "${input.capturedOn}"`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input.path);
  } catch {
    throw new ServiceError('not-found', `cannot read ${input.path}: no such file or folder`);
  }
  const dir = stat.isDirectory() ? input.path : path.dirname(input.path);
  const indexFile = stat.isDirectory() ? path.join(input.path, 'index.csv') : input.path;
  const layout = input.layout ?? (stat.isDirectory() && !fs.existsSync(indexFile) ? 'vrsystems' : 'index-csv');
  const { timeZone } = rulesOf(ctx);
  const entries = layout === 'index-csv' ? readIndex(indexFile) : readFolder(dir, input.capturedOn ?? null, timeZone);
  const report: ImportReport = { layout, read: entries.length, imported: 0, alreadyOnFile: 0, unknownVoters: [], refused: [] };
  const today = localDate(ctx.clock().toISOString(), timeZone);
  for (let i = 0; i < entries.length; i += CHUNK) await importChunk(ctx, who, dir, entries.slice(i, i + CHUNK), layout, today, report);
  ctx.store.write(() =>
    ctx.store.audit.append(
      { actor: who.name, action: 'signature.import', entity: 'import', entityId: path.basename(input.path), before: null, after: { layout, read: report.read, imported: report.imported, alreadyOnFile: report.alreadyOnFile, unknownVoters: report.unknownVoters.length, refused: report.refused.length } },
      ctx.clock().toISOString(),
    ),
  );
  return report;
}

async function importChunk(ctx: ActionContext, who: Actor, dir: string, chunk: Entry[], layout: SignatureLayout, today: string, report: ImportReport): Promise<void> {
  const ready: { entry: Entry; voterId: string; sha256: string; capturedOn: string }[] = [];
  const files = imageStoreFor(ctx.store.path);
  for (const entry of chunk) {
    const voterId = layout === 'vrsystems' ? ctx.store.signatures.voterOfKey(entry.key) : ctx.store.signatures.voterKnown(entry.key) ? entry.key : null;
    if (!voterId) {
      report.unknownVoters.push({ line: entry.line, file: entry.file, voterId: entry.key });
      continue;
    }
    const refuse = (error: string) => report.refused.push({ line: entry.line, file: entry.file, error });
    if (!entry.capturedOn) {
      refuse('no capture date (captured_on YYYY-MM-DD)');
      continue;
    }
    if (entry.capturedOn > today) {
      refuse(`captured_on ${entry.capturedOn} is in the future`);
      continue;
    }
    const bytes = readInside(dir, entry.file);
    if (typeof bytes === 'string') {
      refuse(bytes);
      continue;
    }
    try {
      const { signature } = await processEnvelope(bytes, WHOLE);
      if (!signature) throw new ServiceError('failed', 'no signature image came out');
      ready.push({ entry, voterId, sha256: (await files.put(signature.bytes, signature.ext)).sha256, capturedOn: entry.capturedOn });
    } catch (e) {
      refuse((e as Error).message);
    }
  }
  const at = ctx.clock().toISOString();
  ctx.store.write(() => {
    for (const r of ready) {
      const added = ctx.store.signatures.addReferenceWithin({ voterId: r.voterId, capturedOn: r.capturedOn, sha256: r.sha256, source: 'state-export', fromScanSeq: null, file: r.entry.file }, who.name, at);
      if (added) report.imported += 1;
      else report.alreadyOnFile += 1;
    }
  });
}

function validDay(s: string): boolean {
  return DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** The index's lines: voter_id, captured_on, file (a header names them, in any order). */
function readIndex(file: string): Entry[] {
  let rows: string[][];
  try {
    const parsed: unknown = parseCsv(fs.readFileSync(file), { bom: true, skip_empty_lines: true, relax_column_count: true });
    rows = parsed as string[][];
  } catch (e) {
    throw new ServiceError('invalid', `${path.basename(file)} is not a readable CSV index: ${(e as Error).message}`);
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const [v, c, f] = [col('voter_id'), col('captured_on'), col('file')];
  if (v < 0 || c < 0 || f < 0) throw new ServiceError('invalid', `${path.basename(file)}: the first line must name the columns voter_id, captured_on, file`);
  return rows.slice(1).map((r, i) => {
    const capturedOn = (r[c] ?? '').trim();
    return { line: i + 2, file: (r[f] ?? '').trim(), key: (r[v] ?? '').trim(), capturedOn: validDay(capturedOn) ? capturedOn : null };
  });
}

/** VR Systems' folder: one image per voter, named by the envelope's bar code (or the voter ID). */
function readFolder(dir: string, capturedOn: string | null, timeZone: string): Entry[] {
  return fs
    .readdirSync(dir)
    .filter((name) => IMAGE_FILE.test(name))
    .sort()
    .map((name) => ({
      line: null,
      file: name,
      key: name.replace(IMAGE_FILE, ''),
      capturedOn: capturedOn ?? localDate(fs.statSync(path.join(dir, name)).mtime.toISOString(), timeZone),
    }));
}

/** A file named by the index, only from inside its folder; a reason in plain words otherwise. */
function readInside(dir: string, name: string): Uint8Array | string {
  if (!name) return 'no file named';
  const full = path.resolve(dir, name);
  const rel = path.relative(path.resolve(dir), full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return 'the file is outside the index\'s folder';
  try {
    return fs.readFileSync(full);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read it (${(e as Error).message})`;
  }
}
