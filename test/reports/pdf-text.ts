import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const FONTS = `${path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** A PDF's text, one line per baseline, cells joined by two spaces (no poppler needed). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({ data: bytes, useSystemFonts: false, isEvalSupported: false, standardFontDataUrl: FONTS }).promise;
  const out: string[] = [];
  for (let n = 1; n <= doc.numPages; n += 1) {
    const content = await (await doc.getPage(n)).getTextContent();
    const lines = new Map<number, { x: number; s: string }[]>();
    for (const it of content.items) {
      if (!('str' in it) || !it.str) continue;
      const y = Math.round(it.transform[5] as number);
      lines.set(y, [...(lines.get(y) ?? []), { x: it.transform[4] as number, s: it.str }]);
    }
    for (const y of [...lines.keys()].sort((a, b) => b - a))
      out.push((lines.get(y) ?? []).sort((a, b) => a.x - b.x).map((c) => c.s).join('  '));
  }
  await doc.destroy();
  return out.join('\n');
}
