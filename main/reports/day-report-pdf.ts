import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { DayReport } from '../store/report-queries.js';

const INCH = 72;
const PAGE = { width: 8.5 * INCH, height: 11 * INCH };
const MARGIN = 0.75 * INCH;
const BOTTOM = MARGIN + 20;

/** pdf-lib's standard fonts speak WinAnsi: anything else is printed as '?'. */
function printable(text: string): string {
  return text.normalize('NFC').replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, '?');
}

/** ALREADY_VOTED → "Already voted" (the screen has the staff's full words; paper needs no code). */
export function codeWords(code: string | null): string {
  if (!code) return '';
  const s = code.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** 2026-11-13 → "Nov 13, 2026". */
export function dayWords(ymd: string | null): string {
  if (!ymd) return 'no deadline';
  const d = new Date(`${ymd}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? ymd : d.toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
}

interface Header {
  station: string;
  election: string;
  dayLabel: string;
  printedAt: string;
}

/** A page cursor: writes lines top to bottom, starting a new page when the space runs out. */
class Writer {
  page: PDFPage;
  y = PAGE.height - MARGIN;
  constructor(
    private readonly pdf: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage([PAGE.width, PAGE.height]);
  }
  need(height: number): void {
    if (this.y - height >= BOTTOM) return;
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }
  text(t: string, x: number, size = 10, bold = false): void {
    this.page.drawText(printable(t), { x, y: this.y, size, font: bold ? this.bold : this.font, color: rgb(0, 0, 0) });
  }
  line(cells: string[], widths: number[], size = 10, bold = false): void {
    this.need(size + 6);
    let x = MARGIN;
    cells.forEach((c, i) => {
      this.text(c, x, size, bold);
      x += widths[i] ?? 1 * INCH;
    });
    this.y -= size + 5;
  }
  heading(t: string): void {
    this.need(40);
    this.y -= 10;
    this.text(t, MARGIN, 14, true);
    this.y -= 20;
  }
}

/** Receipts per hour as bars: one look tells the slow hours from the busy ones. */
function hourBars(w: Writer, perHour: Map<string, number>): void {
  const hours = [...perHour.keys()].sort();
  if (hours.length === 0) return w.line(['No receipts in this period.'], [6 * INCH]);
  const max = Math.max(...perHour.values());
  const barMax = 4.5 * INCH;
  for (const h of hours) {
    const n = perHour.get(h) ?? 0;
    w.need(16);
    w.text(h, MARGIN, 10);
    w.page.drawRectangle({ x: MARGIN + 0.7 * INCH, y: w.y - 1, width: Math.max(1, (barMax * n) / max), height: 9, color: rgb(0.2, 0.4, 0.75) });
    w.text(String(n), MARGIN + 0.8 * INCH + barMax, 10);
    w.y -= 15;
  }
}

/** The day's report on paper: totals, receipts per hour, per clerk, problems, cure cases, trays. */
export async function renderDayReport(r: DayReport, h: Header): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Day report ${h.dayLabel} — ${h.station}`);
  pdf.setCreator('Ballot Intake Station');
  const w = new Writer(pdf, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));
  w.text('MAIL BALLOT INTAKE — DAY REPORT', MARGIN, 18, true);
  w.y -= 26;
  w.text(`${h.dayLabel} · station ${h.station} · ${h.election}`, MARGIN, 12);
  w.y -= 16;
  w.text(`Printed ${h.printedAt}`, MARGIN, 9);
  w.y -= 24;
  const t = r.totals;
  w.line([`Envelopes scanned: ${t.scans}`, `Received: ${t.receipts}`, `Problems: ${t.problems}`, `Open cure cases: ${t.openCureCases}`], [1.8 * INCH, 1.4 * INCH, 1.4 * INCH, 2 * INCH], 11, true);

  w.heading('Receipts per hour');
  const perHour = new Map<string, number>();
  for (const x of r.receiptsPerHour) perHour.set(x.hour, (perHour.get(x.hour) ?? 0) + x.count);
  hourBars(w, perHour);

  w.heading('Receipts per hour, by station and clerk');
  const cols = [0.9 * INCH, 2 * INCH, 2.4 * INCH, 1 * INCH];
  w.line(['Hour', 'Station', 'Clerk', 'Received'], cols, 10, true);
  for (const x of r.receiptsPerHour) w.line([x.hour, x.station, x.operator, String(x.count)], cols);

  w.heading('Problem envelopes over the day');
  w.line(['Hour', 'Problem', 'Envelopes'], [0.9 * INCH, 3 * INCH, 1 * INCH], 10, true);
  if (r.problemsPerHour.length === 0) w.line(['None.'], [3 * INCH]);
  for (const x of r.problemsPerHour) w.line([x.hour, codeWords(x.verdict), String(x.count)], [0.9 * INCH, 3 * INCH, 1 * INCH]);

  w.heading('Cure cases by state and deadline');
  w.line(['State', 'Voter must cure by', 'Cases', 'Past the deadline'], [1.8 * INCH, 1.8 * INCH, 1 * INCH, 1.5 * INCH], 10, true);
  if (r.curePipeline.length === 0) w.line(['No cure case.'], [3 * INCH]);
  for (const x of r.curePipeline) w.line([codeWords(x.state), dayWords(x.deadlineDay), String(x.count), x.overdue ? String(x.overdue) : ''], [1.8 * INCH, 1.8 * INCH, 1 * INCH, 1.5 * INCH]);

  w.heading('Trays not yet counted or not yet at the state');
  const bc = [1.4 * INCH, 0.8 * INCH, 1 * INCH, 1 * INCH, 1.2 * INCH, 1.6 * INCH];
  w.line(['Station', 'Batch', 'Status', 'Scanned', 'Hand count', 'Sync'], bc, 10, true);
  if (r.openBatches.length === 0) w.line(['Every tray is counted and at the state.'], [5 * INCH]);
  for (const b of r.openBatches) w.line([b.station, String(b.number), codeWords(b.status), String(b.scanned), b.handCount === null ? 'NOT COUNTED' : String(b.handCount), b.sync === 'written' ? 'written, not uploaded' : (b.sync ?? 'not queued')], bc);

  w.need(60);
  w.y -= 30;
  w.text('Supervisor: ______________________________   Signature: ______________________   Date: __________', MARGIN, 10);
  return pdf.save();
}
