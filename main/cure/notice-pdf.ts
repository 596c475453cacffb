import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { PDFFont, PDFPage } from 'pdf-lib';
import { noticeContent } from './notice-text.js';
import type { NoticePicture } from './notice-image.js';
import type { AffidavitContent, NoticeContent, NoticeData } from './notice-text.js';

/**
 * Cure notices as one PDF per run: a letter per voter (US Letter), then, when the cure asks
 * for a signed form, an affidavit page.
 *
 * The letter is laid out for a #10 window envelope (4-1/8" x 9-1/2", single window 1-1/8" x
 * 4-1/2" set 7/8" from the left and 1/2" from the bottom: the common USPS-recommended position,
 * as published by envelope makers and e.g. PostalMethods' developer guide, which places the
 * address 2.042" from the top of the sheet). Folded in thirds, the top panel (3-2/3") faces the
 * window. With the sheet resting on the envelope's bottom edge, the window shows the band
 * 2.042"-3.167" below the top of the sheet; the sheet can slide up to 1" sideways, so only
 * 0.875"-4.375" from its left edge is always visible. With the 1/8" clearance USPS asks for,
 * the address block sits at 1.0" from the left, 2.2" from the top, within 3.25" x 0.84".
 *
 * pdf-lib's standard fonts use WinAnsi, which covers Spanish (á é í ó ú ü ñ ¿ ¡). Characters it
 * lacks (e.g. in some names) are printed without their accents, or as "?" when that fails.
 */

const INCH = 72;
const PAGE = { width: 8.5 * INCH, height: 11 * INCH };
const MARGIN = { left: 1 * INCH, right: 1 * INCH, top: 0.5 * INCH, bottom: 0.75 * INCH };
export const ADDRESS_WINDOW = { left: 1.0 * INCH, top: 2.2 * INCH, width: 3.25 * INCH, height: 0.84 * INCH };
/** Below the first fold (3-2/3") so nothing of the letter shows through the window. */
const BODY_TOP = 3.9 * INCH;
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const INK = rgb(0, 0, 0);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  charset: Set<number>;
}

export async function renderNotice(n: NoticeData): Promise<Uint8Array> {
  return renderNotices([n]);
}

export async function renderNotices(notices: NoticeData[]): Promise<Uint8Array> {
  if (notices.length === 0) throw new Error('no notices to render');
  const doc = await PDFDocument.create();
  doc.setTitle('Ballot cure notices');
  doc.setCreator('Ballot Intake Station');
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, charset: new Set(regular.getCharacterSet()) };
  for (const n of notices) {
    const c = noticeContent(n);
    await drawLetter(doc, fonts, n, c);
    if (c.affidavit) drawAffidavit(doc, fonts, n, c.affidavit);
  }
  return doc.save();
}

/** Text the font can encode: accents dropped where WinAnsi lacks the letter, else "?". */
export function encodable(text: string, charset: Set<number>): string {
  let out = '';
  for (const ch of text.replace(/[\u2009\u202f]/g, ' ')) {
    if (charset.has(ch.codePointAt(0) ?? 0)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base.length > 0 && [...base].every((b) => charset.has(b.codePointAt(0) ?? 0)) ? base : '?';
    }
  }
  return out;
}

/** A cursor that writes lines top-down and starts a new page when the current one is full. */
class Writer {
  page: PDFPage;
  y: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Fonts,
    private readonly footer: string,
  ) {
    this.page = this.newPage();
    this.y = PAGE.height - MARGIN.top;
  }

  newPage(): PDFPage {
    const page = this.doc.addPage([PAGE.width, PAGE.height]);
    page.drawText(this.text(this.footer), {
      x: MARGIN.left,
      y: MARGIN.bottom / 2,
      size: 8,
      font: this.fonts.regular,
      color: INK,
    });
    return page;
  }

  text(s: string): string {
    return encodable(s, this.fonts.charset);
  }

  /** Top of the next line at `fromTop` points below the page top. */
  moveTo(fromTop: number): void {
    this.y = PAGE.height - fromTop;
  }

  line(s: string, opts: { size: number; bold?: boolean; x?: number; leading?: number }): void {
    const leading = opts.leading ?? opts.size * 1.3;
    if (this.y - leading < MARGIN.bottom) {
      this.page = this.newPage();
      this.y = PAGE.height - MARGIN.top;
    }
    this.y -= leading;
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    this.page.drawText(this.text(s), {
      x: opts.x ?? MARGIN.left,
      y: this.y,
      size: opts.size,
      font,
      color: INK,
    });
  }

  paragraph(s: string, opts: { size: number; bold?: boolean; indent?: number }): void {
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    const indent = opts.indent ?? 0;
    for (const l of wrap(this.text(s), font, opts.size, TEXT_WIDTH - indent))
      this.line(l, { ...opts, x: MARGIN.left + indent });
  }

  gap(points: number): void {
    this.y -= points;
  }
}

export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  // Only ordinary spaces break a line: a no-break space keeps "5:00 PM EST" together.
  for (const word of text.split(/[ \t\n]+/).filter((w) => w.length > 0)) {
    const candidate = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) current = candidate;
    else {
      if (current) lines.push(current);
      current = word;
      // A single word wider than the line (a long URL) is broken by characters.
      while (font.widthOfTextAtSize(current, size) > width) {
        let cut = current.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(current.slice(0, cut), size) > width) cut -= 1;
        lines.push(current.slice(0, cut));
        current = current.slice(cut);
      }
    }
  }
  if (current) lines.push(current);
  return lines;
}

async function drawLetter(doc: PDFDocument, fonts: Fonts, n: NoticeData, c: NoticeContent): Promise<void> {
  const w = new Writer(doc, fonts, footer(n));
  drawReturnAddress(w, fonts, n, c);
  drawAddressBlock(w, fonts, n);
  w.moveTo(BODY_TOP);
  w.paragraph(c.subject, { size: 12, bold: true });
  w.gap(6);
  w.line(c.greeting, { size: 10 });
  w.gap(3);
  w.paragraph(c.intro, { size: 10 });
  w.gap(6);
  w.line(c.problemsHeading, { size: 10.5, bold: true });
  c.problems.forEach((p, i) => {
    w.gap(3);
    w.paragraph(`${i + 1}. ${p.label}`, { size: 10, bold: true });
    w.paragraph(`${c.whatToDo} ${p.instructions}`, { size: 10, indent: 14 });
  });
  w.gap(8);
  w.paragraph(keepTogether(c.deadlineLine, c.deadline), { size: 11.5, bold: true });
  w.paragraph(c.deadlineWarning, { size: 10 });
  w.gap(8);
  for (const l of c.contactLines) w.paragraph(l, { size: 10 });
  w.gap(8);
  w.line(c.closing, { size: 10 });
  w.line(n.office.name, { size: 10 });
  if (n.picture) await drawPicture(doc, w, n.picture);
}

/** The largest box a picture fills: the text width, and about a third of the page's height. */
const PICTURE_BOX = { width: TEXT_WIDTH, height: 3.2 * INCH };
/** Smaller than this, the picture goes on a page of its own rather than shrink further. */
const PICTURE_MIN_HEIGHT = 1.5 * INCH;

/**
 * The envelope (or signature) picture under the letter, captioned in plain words, scaled with
 * its proportions kept to fit its box and the room left on the page; a new page when too little
 * room is left.
 */
async function drawPicture(doc: PDFDocument, w: Writer, p: NoticePicture): Promise<void> {
  const image = await doc.embedJpg(p.jpeg);
  const captionLeading = 10 * 1.3;
  w.gap(14);
  let room = w.y - captionLeading - 6 - MARGIN.bottom;
  if (room < Math.min(PICTURE_MIN_HEIGHT, PICTURE_BOX.height)) {
    w.page = w.newPage();
    w.y = PAGE.height - MARGIN.top;
    room = w.y - captionLeading - 6 - MARGIN.bottom;
  }
  const scale = Math.min(PICTURE_BOX.width / image.width, Math.min(PICTURE_BOX.height, room) / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  w.line(p.caption, { size: 10, bold: true, leading: captionLeading });
  w.gap(6);
  w.y -= height;
  w.page.drawImage(image, { x: MARGIN.left, y: w.y, width, height });
  w.page.drawRectangle({ x: MARGIN.left, y: w.y, width, height, borderColor: INK, borderWidth: 0.5 });
}

function drawReturnAddress(w: Writer, fonts: Fonts, n: NoticeData, c: NoticeContent): void {
  w.moveTo(MARGIN.top);
  const dateSize = 10;
  const date = w.text(c.dateLine);
  const dateX = PAGE.width - MARGIN.right - fonts.regular.widthOfTextAtSize(date, dateSize);
  w.line(n.office.name, { size: 11, bold: true });
  w.page.drawText(date, { x: dateX, y: w.y, size: dateSize, font: fonts.regular, color: INK });
  for (const l of n.office.addressLines) w.line(l, { size: 9, leading: 11 });
}

/** The voter's name and address inside the window band (see the header comment). */
function drawAddressBlock(w: Writer, fonts: Fonts, n: NoticeData): void {
  const layout = addressLayout(n, fonts);
  if ('error' in layout) throw new Error(layout.error);
  const leading = layout.size * 1.15;
  w.moveTo(ADDRESS_WINDOW.top);
  for (const l of layout.lines) w.line(l, { size: layout.size, x: ADDRESS_WINDOW.left, leading });
}

const ADDRESS_SIZES = [10, 9, 8, 7] as const;

/** The largest size at which the name and address fit the window, or why they cannot. */
function addressLayout(n: NoticeData, fonts: Fonts): { lines: string[]; size: number } | { error: string } {
  const lines = [n.voter.name, ...n.voter.mailingLines]
    .map((l) => encodable(l.trim(), fonts.charset))
    .filter((l) => l.length > 0);
  const size = ADDRESS_SIZES.find((s) => fits(lines, fonts.regular, s));
  if (size !== undefined) return { lines, size };
  const smallest = ADDRESS_SIZES[ADDRESS_SIZES.length - 1] ?? 7;
  const maxLines = Math.floor((ADDRESS_WINDOW.height - smallest) / (smallest * 1.15)) + 1;
  const wide = lines.findIndex((l) => fonts.regular.widthOfTextAtSize(l, smallest) > ADDRESS_WINDOW.width);
  // The address itself is not repeated: the message may be shown or logged.
  const why =
    lines.length > maxLines
      ? `at most ${maxLines} lines fit`
      : `line ${wide + 1} is too long (${lines[wide]?.length ?? 0} characters)`;
  return {
    error: `ballot ${n.ballotId}: the mailing address (${lines.length} lines) does not fit the #10 envelope window: ${why}`,
  };
}

/**
 * For each notice, why its name and address cannot be printed in the envelope window, or null
 * when they fit: callers check a run first and render the good notices, reporting the others,
 * instead of losing the whole run to renderNotices' throw on the first bad address.
 */
export async function addressProblems(notices: NoticeData[]): Promise<(string | null)[]> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const fonts: Fonts = { regular, bold: regular, charset: new Set(regular.getCharacterSet()) };
  return notices.map((n) => {
    const layout = addressLayout(n, fonts);
    return 'error' in layout ? layout.error : null;
  });
}

function fits(lines: string[], font: PDFFont, size: number): boolean {
  const height = (lines.length - 1) * size * 1.15 + size;
  return (
    height <= ADDRESS_WINDOW.height &&
    lines.every((l) => font.widthOfTextAtSize(l, size) <= ADDRESS_WINDOW.width)
  );
}

/** The deadline is never split across lines. */
function keepTogether(sentence: string, phrase: string): string {
  return sentence.replace(phrase, phrase.replace(/ /g, '\u00a0'));
}

function footer(n: NoticeData): string {
  return `${n.language === 'es' ? 'Boleta' : 'Ballot'} ${n.ballotId}`;
}

function drawAffidavit(doc: PDFDocument, fonts: Fonts, n: NoticeData, a: AffidavitContent): void {
  const w = new Writer(doc, fonts, footer(n));
  w.moveTo(MARGIN.top + 0.5 * INCH);
  w.paragraph(a.title, { size: 15, bold: true });
  w.gap(6);
  w.line(`${a.ballotId}: ${n.ballotId}`, { size: 11, bold: true });
  w.gap(10);
  w.paragraph(a.statement, { size: 11 });
  if (a.idNote) {
    w.gap(6);
    w.paragraph(a.idNote, { size: 11, bold: true });
  }
  for (const label of [a.printedName, a.signature, a.date, a.phone]) {
    w.gap(30);
    w.page.drawLine({
      start: { x: MARGIN.left, y: w.y - 2 },
      end: { x: MARGIN.left + 4.5 * INCH, y: w.y - 2 },
      thickness: 0.75,
      color: INK,
    });
    w.line(label, { size: 9 });
  }
  w.gap(24);
  w.paragraph(a.returnTo, { size: 10.5, bold: true });
  for (const l of [n.office.name, ...n.office.addressLines]) w.line(l, { size: 10.5 });
}
