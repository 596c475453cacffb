/**
 * PDFs read back in the tests with pdfjs-dist (Mozilla's PDF reader, the one in Firefox), so the
 * suite needs no poppler: the text of each page in reading order, the boxes of its text lines,
 * and a page rendered to a PNG (pdfjs draws on @napi-rs/canvas, which pdfjs-dist installs with it).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

const require = createRequire(import.meta.url);
/** The standard 14 fonts' metrics ship with pdfjs-dist; nothing is fetched. */
const STANDARD_FONTS = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;

/** One run of text as drawn, its box in points from the page's top-left corner (as pdftotext -bbox). */
export interface TextLine {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  /** Distance of the baseline from the top of the page. */
  baseline: number;
}

async function open(pdf: Uint8Array): Promise<PDFDocumentProxy> {
  // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
  return getDocument({ data: new Uint8Array(pdf), standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
}

async function withDocument<T>(pdf: Uint8Array, use: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const doc = await open(pdf);
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

async function runsOf(page: PDFPageProxy): Promise<TextLine[]> {
  const content = await page.getTextContent();
  const height = page.getViewport({ scale: 1 }).height;
  const runs: TextLine[] = [];
  for (const item of content.items) {
    // pdfjs fills the gap between two runs on a line with a space of its own: not drawn text.
    if (!('str' in item) || item.str.trim() === '') continue;
    runs.push(boxOf(item, height, content.styles[item.fontName]));
  }
  return runs;
}

function boxOf(item: TextItem, pageHeight: number, style: { ascent: number; descent: number } | undefined): TextLine {
  const [, , , d = 0, x = 0, baseline = 0] = item.transform as number[];
  const size = Math.abs(d) || item.height;
  const ascent = style?.ascent ?? 0.8;
  const descent = style?.descent ?? -0.2;
  return {
    text: item.str,
    xMin: x,
    xMax: x + item.width,
    yMin: pageHeight - (baseline + ascent * size),
    yMax: pageHeight - (baseline + descent * size),
    baseline: pageHeight - baseline,
  };
}

/** Runs on one baseline (a bold label and its value too) become one line, left to right. */
function linesOf(runs: TextLine[]): string[] {
  const rows: TextLine[][] = [];
  for (const run of [...runs].sort((a, b) => a.baseline - b.baseline || a.xMin - b.xMin)) {
    const row = rows.find((r) => Math.abs((r[0]?.baseline ?? 0) - run.baseline) < 1);
    if (row) row.push(run);
    else rows.push([run]);
  }
  return rows.map((r) =>
    r
      .sort((a, b) => a.xMin - b.xMin)
      .map((run) => run.text)
      .join(' '),
  );
}

/** Every page's text, lines top to bottom, one string per page. */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  return withDocument(pdf, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n += 1) pages.push(linesOf(await runsOf(await doc.getPage(n))).join('\n'));
    return pages;
  });
}

/** The whole document's text, pages separated by a form feed (as pdftotext prints it). */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  return (await pdfPages(pdf)).join('\f');
}

/** The text runs of one page (1-based) with their boxes. */
export async function pdfRuns(pdf: Uint8Array, pageNumber = 1): Promise<TextLine[]> {
  return withDocument(pdf, async (doc) => runsOf(await doc.getPage(pageNumber)));
}

/** One page drawn as a printer would, at `dpi`, as PNG bytes. */
export async function renderPagePng(pdf: Uint8Array, pageNumber = 1, dpi = 200): Promise<Uint8Array> {
  return withDocument(pdf, async (doc) => {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale: dpi / 72 });
    const factory = doc.canvasFactory as {
      create(w: number, h: number): { canvas: { encode(format: 'png'): Promise<Buffer> }; context: unknown };
    };
    let made: ReturnType<typeof factory.create>;
    try {
      made = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    } catch (e) {
      throw new Error(`pdfjs cannot draw here (${(e as Error).message}): it needs @napi-rs/canvas, an optional dependency of pdfjs-dist; run npm ci without --omit=optional`);
    }
    const { canvas, context } = made;
    await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context as CanvasRenderingContext2D, viewport })
      .promise;
    return new Uint8Array(await canvas.encode('png'));
  });
}
