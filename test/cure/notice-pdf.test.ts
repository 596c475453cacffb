import { describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ADDRESS_WINDOW, encodable, renderNotice, renderNotices } from '../../main/cure/notice-pdf.js';
import { pdfPages, pdfRuns } from '../helpers/pdf.js';
import { noticeFor } from './fixtures.js';

/** The PDF as text, read back by pdfjs, one string per page, spaces collapsed. */
async function pagesOf(pdf: Uint8Array): Promise<string[]> {
  return (await pdfPages(pdf)).filter((p) => p.trim().length > 0).map((p) => p.replace(/\s+/g, ' '));
}

describe('renderNotices', () => {
  it('prints an English letter and affidavit that read back with the name, address, reasons and deadline', async () => {
    const n = noticeFor('NC', { cureCodes: ['NO_VOTER_SIGNATURE', 'WITNESS_INFO_INCOMPLETE'] });
    const [letter, affidavit, ...rest] = await pagesOf(await renderNotice(n));
    expect(rest).toEqual([]);
    expect(letter).toContain('María José Núñez');
    expect(letter).toContain('1200 Peachtree Ln Apt 4');
    expect(letter).toContain('Raleigh NC 27601-1234');
    expect(letter).toContain('Your signature is missing from the return envelope.');
    expect(letter).toContain("Your witness's printed name or address is missing or incomplete.");
    expect(letter).toContain(
      'Deadline: we must receive your correction by Thursday, November 14, 2024 at 5:00 PM EST.',
    );
    expect(letter).toContain('919-555-0100');
    expect(affidavit).toContain('Cure Affidavit');
    expect(affidavit).toContain('Ballot ID: B-000123');
    expect(affidavit).toContain('Printed name');
    expect(affidavit).toContain('Signature of voter');
    expect(affidavit).toContain('Date');
  });

  it('prints Spanish with its accents and marks intact', async () => {
    const n = noticeFor('NC', { language: 'es', cureCodes: ['NO_VOTER_SIGNATURE', 'ID_REQUIRED'] });
    const [letter, affidavit] = await pagesOf(await renderNotice(n));
    expect(letter).toContain('María José Núñez');
    expect(letter).toContain('Acción necesaria');
    expect(letter).toContain('Falta su firma en el sobre de devolución.');
    expect(letter).toContain('Qué debe hacer:');
    expect(letter).toContain('a más tardar el jueves, 14 de noviembre de 2024, a las 5:00 p.m. EST.');
    expect(letter).toContain('¿Tiene preguntas?');
    expect(letter).toContain('Si no la recibimos para entonces, su boleta no se contará.');
    expect(affidavit).toContain('Declaración jurada para subsanar la boleta');
    expect(affidavit).toContain('Número de boleta: B-000123');
    expect(affidavit).toContain('Adjunte una copia de una identificación aceptable.');
  });

  it('puts one voter after another in a run, each letter with its own affidavit when one is needed', async () => {
    const run = [
      noticeFor('CO', {
        ballotId: 'B-1',
        voter: { name: 'Ana López', mailingLines: ['1 Main St', 'Denver CO 80202'] },
      }),
      noticeFor('CO', {
        ballotId: 'B-2',
        cureCodes: ['NO_BALLOT_IN_ENVELOPE'],
        voter: { name: 'Bo Chen', mailingLines: ['2 Oak Ave', 'Boulder CO 80301'] },
      }),
      noticeFor('CO', {
        ballotId: 'B-3',
        language: 'es',
        voter: { name: 'Íñigo Peña', mailingLines: ['3 Elm'] },
      }),
    ];
    const pages = await pagesOf(await renderNotices(run));
    expect(pages).toHaveLength(5); // letter + affidavit, letter only, letter + affidavit
    expect(pages[0]).toContain('Ana López');
    expect(pages[1]).toContain('Ballot ID: B-1');
    expect(pages[2]).toContain('Bo Chen');
    expect(pages[2]).toContain('Please contact our office by');
    expect(pages[3]).toContain('Íñigo Peña');
    expect(pages[4]).toContain('Número de boleta: B-3');
    const doc = await PDFDocument.load(await renderNotices(run));
    for (const page of doc.getPages()) expect(page.getSize()).toEqual({ width: 612, height: 792 });
  });

  it('places the address block inside the #10 window band of the folded letter', async () => {
    // Window 1-1/8" x 4-1/2", 7/8" from the left and 1/2" from the bottom of a 4-1/8" x 9-1/2"
    // envelope. The folded sheet (3-2/3" panel) resting on the bottom: the window shows
    // 2.042"-3.167" below the top of the sheet; sliding sideways up to 1": 0.875"-4.375".
    const window = { top: 2.042 * 72, bottom: 3.167 * 72, left: 0.875 * 72, right: 4.375 * 72 };
    // Each line is one run of text as drawn: if its whole box is in the window, so is every word.
    const runs = await pdfRuns(await renderNotice(noticeFor('NC')));
    const inWindow = runs.filter(
      (w) =>
        w.yMin >= window.top && w.yMax <= window.bottom && w.xMin >= window.left && w.xMax <= window.right,
    );
    expect(inWindow.map((w) => w.text)).toEqual(['María José Núñez', '1200 Peachtree Ln Apt 4', 'Raleigh NC 27601-1234']);
    // With the 1/8" clearance USPS asks for.
    for (const w of inWindow) {
      expect(w.yMin).toBeGreaterThanOrEqual(window.top + 9);
      expect(w.yMax).toBeLessThanOrEqual(window.bottom - 9);
      expect(w.xMin).toBeGreaterThanOrEqual(window.left + 9);
      expect(w.xMax).toBeLessThanOrEqual(window.right - 9);
    }
    expect(ADDRESS_WINDOW.left + ADDRESS_WINDOW.width).toBeLessThanOrEqual(window.right - 9);
  });

  it('refuses an address that cannot fit the window, naming the ballot', async () => {
    const n = noticeFor('NC', { voter: { name: 'A', mailingLines: ['1', '2', '3', '4', '5', '6', '7'] } });
    await expect(renderNotice(n)).rejects.toThrow(
      /ballot B-000123: the mailing address \(8 lines\) does not fit/,
    );
  });

  it('keeps WinAnsi letters and strips accents it cannot encode', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const charset = new Set(font.getCharacterSet());
    expect(encodable('á é í ó ú ü ñ Ñ ¿ ¡', charset)).toBe('á é í ó ú ü ñ Ñ ¿ ¡');
    expect(encodable('Nguyễn Thị Ōtsuka 李', charset)).toBe('Nguyen Thi Otsuka ?');
    const pages = await pagesOf(
      await renderNotice(noticeFor('WA', { voter: { name: 'Nguyễn Văn An', mailingLines: ['9 Pine St'] } })),
    );
    expect(pages[0]).toContain('Nguyen Van An');
  });

  it('refuses an empty run', async () => {
    await expect(renderNotices([])).rejects.toThrow(/no notices/);
  });
});
