import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { decodeScan, type DecodedScan } from '../../shared/barcode/index.js';
import { ServiceError } from '../../shared/errors.js';
import { escapeRaw } from '../store/scan-faults.js';
import type { Store } from '../store/store.js';
import type { ActionContext } from '../actions/context.js';
import { linkPreparedWithin, prepareEnvelopeImage, reassertFiles } from '../actions/images.js';

/**
 * A sorter's image folder. Envelope sorters write one image per envelope and an index of what
 * they imaged; no vendor publishes its layout openly (we found none for Bell & Howell, Runbeck,
 * BlueCrest or Tritek), so the station reads one plain layout, docs/images.md:
 *
 *   every `*.csv` file in the folder is an index (RFC 4180 CSV, UTF-8, a header line);
 *   columns `tray,sequence,barcode,image` (any order, others ignored):
 *     tray      the sorter's tray or run (text, may be empty)
 *     sequence  the envelope's position in that tray (a whole number, may be empty)
 *     barcode   the envelope's barcode exactly as read (the same text a clerk's scanner sends)
 *     image     the image's file name in the same folder (JPEG, PNG, WebP or TIFF; no folders)
 *
 * Each image is matched to its envelope's scan by the barcode (the ballot's receipt, else its
 * latest scan); tray and sequence name the line in every report. An image whose envelope has
 * not been scanned waits in sorter_pending and is tried again on every pass; a line naming an
 * envelope the roll does not know is reported by line and waits the same way; the other
 * lines are imported. A file is taken only once its size has held still across a pause, so a
 * sorter still writing it is left for the next pass.
 */
export const SORTER_COLUMNS = ['tray', 'sequence', 'barcode', 'image'] as const;
const SETTLE_MS = 150;
const CHUNK = 16;

export interface SorterLine {
  index: string;
  line: number;
  tray: string | null;
  sequence: number | null;
  barcode: string;
  image: string;
}

export interface SorterReport {
  imported: number;
  /** Waiting for a scan or naming an unknown envelope (all of sorter_pending still open). */
  pending: number;
  /** Lines that could not be used this pass, each with its reason. */
  refused: { line: number; file: string; reason: string }[];
}

/** The index lines of every CSV in the folder; a malformed line is refused by line, the rest kept. */
export function readIndexes(folder: string): { lines: SorterLine[]; refused: SorterReport['refused'] } {
  const lines: SorterLine[] = [];
  const refused: SorterReport['refused'] = [];
  const indexes = fs.readdirSync(folder).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  for (const index of indexes) {
    let rows: string[][];
    try {
      const parsed: string[][] = parse(fs.readFileSync(path.join(folder, index)), { relax_column_count: true, skip_empty_lines: true, bom: true });
      rows = parsed;
    } catch (e) {
      refused.push({ line: 0, file: index, reason: `the index ${index} is not readable CSV (${(e as Error).message.slice(0, 120)})` });
      continue;
    }
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    const col = Object.fromEntries(SORTER_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof SORTER_COLUMNS)[number], number>;
    if (col.barcode < 0 || col.image < 0) {
      refused.push({ line: 1, file: index, reason: `the index ${index} has no "barcode" and "image" columns (its header is ${escapeRaw(header.join(','))})` });
      continue;
    }
    rows.slice(1).forEach((row, i) => {
      const line = i + 2;
      const cell = (c: number) => (c >= 0 ? (row[c] ?? '').trim() : '');
      const image = cell(col.image);
      const barcode = cell(col.barcode);
      const seqText = cell(col.sequence);
      if (!image || image !== path.basename(image) || image === '.' || image === '..' || image.includes('\\'))
        return refused.push({ line, file: index, reason: `line ${line} of ${index}: the image ${escapeRaw(JSON.stringify(image))} is not a plain file name in the folder` });
      if (!barcode) return refused.push({ line, file: index, reason: `line ${line} of ${index}: no barcode for ${escapeRaw(image)}` });
      if (seqText && !/^\d{1,9}$/.test(seqText)) return refused.push({ line, file: index, reason: `line ${line} of ${index}: the sequence ${escapeRaw(JSON.stringify(seqText))} is not a whole number` });
      lines.push({ index, line, tray: cell(col.tray) || null, sequence: seqText ? Number(seqText) : null, barcode, image });
    });
  }
  return { lines, refused };
}

type Match = { seq: number } | { wait: string } | { refuse: string };

/** The scan of the envelope a barcode names (decoded exactly as the intake decodes a scan). */
export function matchBarcode(store: Store, barcode: string): Match {
  const decoded = decodeScan(barcode, store.config.get('labelRule') ?? null);
  if (!decoded.ok) return { refuse: `the barcode ${escapeRaw(barcode)} cannot be read (${decoded.error})` };
  const ballotId = ballotOf(store, decoded.value);
  if (!ballotId) return { refuse: `no envelope ${escapeRaw(barcode)} in the roll (unknown envelope)` };
  const seq = store.images.scanOfBallot(ballotId);
  return seq === null ? { wait: `ballot ${ballotId} has not been scanned yet` } : { seq };
}

function ballotOf(store: Store, d: DecodedScan): string | null {
  const scans = store.scans;
  if (d.kind === 'imb') return scans.byImb.get(d.serial, d.mailerId)?.ballot_id ?? null;
  const election = store.config.get('election') ?? null;
  if (d.carries === 'voter') return scans.currentBallotOfVoter(d.id, election)?.ballot_id ?? null;
  return scans.byBallotId.get(d.id)?.ballot_id ?? (store.config.get('labelRule') === null ? (scans.currentBallotOfVoter(d.id, election)?.ballot_id ?? null) : null);
}

/** One pass over the folder: settled images imported, the rest waiting, bad lines reported. */
export async function sorterPass(ctx: ActionContext, folder: string, by: string): Promise<SorterReport> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new ServiceError('failed', `the sorter folder ${folder} does not exist or is not a folder`);
  const store = ctx.store;
  const done = store.images.importedFiles(folder);
  const { lines, refused } = readIndexes(folder);
  const todo = lines.filter((l) => !done.has(l.image));
  const settled = await settledSizes(folder, todo.map((l) => l.image));
  let imported = 0;
  const at = () => ctx.clock().toISOString();
  const ready: { l: SorterLine; seq: number }[] = [];
  for (const l of todo) {
    const size = settled.get(l.image);
    if (size === undefined) {
      refused.push({ line: l.line, file: l.index, reason: `${where(l)}: the image ${escapeRaw(l.image)} is not in the folder (yet)` });
      continue;
    }
    if (size === null) continue; // still being written: next pass
    const m = matchBarcode(store, l.barcode);
    if ('seq' in m) ready.push({ l, seq: m.seq });
    else {
      if ('refuse' in m) refused.push({ line: l.line, file: l.index, reason: `${where(l)}: ${m.refuse}` });
      notePending(store, folder, l, 'refuse' in m ? m.refuse : m.wait, at());
    }
  }
  // A chunk of images is processed and written concurrently (the file system groups their
  // fsyncs), then linked in one transaction: one database commit per chunk, not per image.
  for (let i = 0; i < ready.length; i += CHUNK) {
    const chunk = ready.slice(i, i + CHUNK);
    const prepared = await Promise.all(
      chunk.map(({ l }) =>
        prepareEnvelopeImage(store, fs.readFileSync(path.join(folder, l.image))).then(
          (p) => ({ ok: true as const, p }),
          (e: unknown) => ({ ok: false as const, reason: `the image ${escapeRaw(l.image)} was not taken: ${(e as Error).message}` }),
        ),
      ),
    );
    const now = at();
    store.write(() =>
      chunk.forEach(({ l, seq }, k) => {
        const r = prepared[k];
        const scan = store.scans.get(seq);
        if (!r || !scan) return;
        if (!r.ok) {
          refused.push({ line: l.line, file: l.index, reason: `${where(l)}: ${r.reason}` });
          notePending(store, folder, l, r.reason, now);
          return;
        }
        linkPreparedWithin(store, r.p, scan, 'sorter', by, now);
        store.images.markImportedWithin(folder, l.image, l.barcode, seq, now);
        imported += 1;
      }),
    );
    for (const r of prepared) if (r.ok) await reassertFiles(store, r.p);
  }
  return { imported, pending: store.images.pending(1).count, refused };
}

/** Sizes of files that held still across a short pause (null: still growing; missing: absent). */
async function settledSizes(folder: string, files: string[]): Promise<Map<string, number | null>> {
  const first = new Map<string, number>();
  for (const f of files) {
    try {
      const st = fs.statSync(path.join(folder, f));
      if (st.isFile()) first.set(f, st.size);
    } catch {
      // missing: reported by the caller
    }
  }
  if (first.size > 0) await new Promise((r) => setTimeout(r, SETTLE_MS));
  const out = new Map<string, number | null>();
  for (const [f, size] of first) {
    let now = -1;
    try {
      now = fs.statSync(path.join(folder, f)).size;
    } catch {
      continue;
    }
    out.set(f, now === size ? size : null); // a file still empty after the pause is taken (and refused as empty), not awaited forever
  }
  return out;
}

const where = (l: SorterLine) => `line ${l.line} of ${l.index} (tray ${l.tray ?? '-'}, sequence ${l.sequence ?? '-'})`;

function notePending(store: Store, folder: string, l: SorterLine, reason: string, at: string): void {
  store.write(() => store.images.notePending({ folder, file: l.image, barcode: l.barcode, tray: l.tray, sequence: l.sequence, reason }, at));
}
