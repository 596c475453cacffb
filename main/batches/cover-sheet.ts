import bwipjs from 'bwip-js';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Batch } from '../store/batches.js';
import type { ReceiptExportRow } from '../store/scans.js';

const INCH = 72;
const PAGE = { width: 8.5 * INCH, height: 11 * INCH };
const MARGIN = 0.75 * INCH;
const ROWS_PER_PAGE = 38;

/** pdf-lib's standard fonts speak WinAnsi: anything else is shown as '?' rather than failing the sheet. */
function printable(text: string): string {
  return text.normalize('NFC').replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, '?');
}

function line(page: PDFPage, font: PDFFont, text: string, x: number, y: number, size = 11): void {
  page.drawText(printable(text), { x, y, size, font, color: rgb(0, 0, 0) });
}

/**
 * The batch cover sheet that travels with the tray (chain of custody): station, batch number,
 * counts and the hand-count difference, a Code 128 barcode of the batch ID for the next desk to
 * scan, signature lines, then the manifest of every receipt in the batch.
 */
export async function renderCoverSheet(batch: Batch, manifest: ReceiptExportRow[], election: string | null): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Batch ${batch.number} — ${batch.station}`);
  pdf.setCreator('Ballot Intake Station');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - MARGIN;
  line(page, bold, 'BALLOT BATCH COVER SHEET', MARGIN, y, 20);
  y -= 34;
  line(page, bold, `Station ${batch.station} · Batch ${batch.number}`, MARGIN, y, 28);
  y -= 30;
  const png = await bwipjs.toBuffer({ bcid: 'code128', text: batch.batchId, scale: 2, height: 14, includetext: true, textxalign: 'center' });
  const image = await pdf.embedPng(png);
  const w = Math.min(image.width, PAGE.width - 2 * MARGIN);
  const h = (image.height * w) / image.width;
  y -= h;
  page.drawImage(image, { x: MARGIN, y, width: w, height: h });
  y -= 28;
  const facts: [string, string][] = [
    ['Election', election ?? batch.electionId ?? '—'],
    ['Batch ID', batch.batchId],
    ['Opened', `${batch.openedAt} by ${batch.openedBy}`],
    ['Closed', batch.closedAt ? `${batch.closedAt} by ${batch.closedBy ?? ''}${batch.closeReason === 'size' ? ' (full)' : ''}` : 'OPEN — not closed'],
    ['Scanned envelopes', String(batch.scannedCount ?? batch.count)],
    ['Hand count', batch.handCount === null ? 'not yet counted' : String(batch.handCount)],
    ['Difference (hand − scanned)', batch.difference === null ? '—' : `${batch.difference > 0 ? '+' : ''}${batch.difference}`],
  ];
  for (const [k, v] of facts) {
    line(page, bold, `${k}:`, MARGIN, y, 12);
    line(page, font, v, MARGIN + 2.3 * INCH, y, 12);
    y -= 20;
  }
  if (batch.difference !== null && batch.difference !== 0) {
    line(page, bold, 'THE HAND COUNT DOES NOT MATCH: the supervisor explains the difference below.', MARGIN, y, 11);
    y -= 40;
  }
  y -= 20;
  for (const who of ['Counted by', 'Supervisor', 'Received by (next desk)']) {
    page.drawLine({ start: { x: MARGIN + 1.9 * INCH, y }, end: { x: PAGE.width - MARGIN, y }, thickness: 0.7 });
    line(page, font, `${who}:`, MARGIN, y + 2, 11);
    y -= 32;
  }
  // The manifest: every receipt of the batch, in scan order.
  let p = page;
  let row = 0;
  for (const r of manifest) {
    if (row % ROWS_PER_PAGE === 0) {
      p = pdf.addPage([PAGE.width, PAGE.height]);
      y = PAGE.height - MARGIN;
      line(p, bold, `Batch ${batch.number} manifest (${manifest.length} envelopes) — page ${Math.floor(row / ROWS_PER_PAGE) + 1}`, MARGIN, y, 13);
      y -= 22;
      line(p, bold, '#   Scan   Ballot ID                 Voter                                   Precinct   Scanned', MARGIN, y, 9);
      y -= 14;
    }
    row += 1;
    const name = `${r.lastName ?? ''}, ${r.firstName ?? ''}`.slice(0, 36);
    line(p, font, `${String(row).padStart(3)}  ${String(r.seq).padStart(6)}  ${r.ballotId.padEnd(24).slice(0, 24)}  ${name.padEnd(38)}  ${(r.precinct ?? '').padEnd(9).slice(0, 9)}  ${r.scannedAt.slice(0, 19)}`, MARGIN, y, 8.5);
    y -= 15;
  }
  return pdf.save();
}
