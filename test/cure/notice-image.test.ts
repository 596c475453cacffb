import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../main/actions/context.js';
import { flagEnvelope, printNotices } from '../../main/actions/cure.js';
import { storeEnvelopeImage } from '../../main/actions/images.js';
import { createMailer } from '../../main/cure/mailer.js';
import { queueEmailNotice, sendQueuedNotices } from '../../main/cure/outbox.js';
import { imageStoreFor } from '../../main/images/image-store.js';
import { purgeImages } from '../../main/images/purge.js';
import { Intake } from '../../main/intake/intake.js';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { intake } from '../helpers/cli.js';
import { pdfPages, renderPagePng } from '../helpers/pdf.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { envelopeJpeg, first } from '../images/fixtures.js';
import { configureOffice } from './setup.js';
import { startSmtp } from './smtp.js';

// The envelope picture on cure notices (issue 19), read back from the real PDF with pdfjs-dist:
// an image is on a page when its operator list paints an image XObject.

const require = createRequire(import.meta.url);
const STANDARD_FONTS = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;

/** Every image painted, with its page and its size in pixels (as embedded). */
async function pdfImages(pdf: Uint8Array): Promise<{ page: number; width: number; height: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
  try {
    const found: { page: number; width: number; height: number }[] = [];
    for (let n = 1; n <= doc.numPages; n += 1) {
      const ops = await (await doc.getPage(n)).getOperatorList();
      ops.fnArray.forEach((fn, i) => {
        if (fn !== OPS.paintImageXObject) return;
        const [, width, height] = ops.argsArray[i] as [string, number, number];
        found.push({ page: n, width, height });
      });
    }
    return found;
  } finally {
    await doc.destroy();
  }
}

function two<T>(xs: readonly T[]): [T, T] {
  const [x, y] = xs;
  if (x === undefined || y === undefined) throw new Error('the fixture made fewer than two');
  return [x, y];
}

const SUE: Actor = { name: 'sue', role: 'supervisor', via: 'cli-pin' };
/** Received on Oct 28 in North Carolina (11:00 EDT). */
const RECEIVED = '2026-10-28T15:00:00Z';

let t: ReturnType<typeof tempDir>;
let dbPath: string;
let store: Store;
const clock = () => new Date(RECEIVED);

beforeEach(() => {
  t = tempDir('intake-notice-image-');
  dbPath = path.join(t.dir, 'station.db');
  store = Store.open(dbPath);
  configureOffice(store, { profile: 'NC', electionDate: '2026-11-03' });
});
afterEach(() => {
  store.close();
  t.cleanup();
});

/** Voters scanned on Oct 28, each with an envelope picture of its own size, each flagged. */
async function votersWithPictures(sizes: ([number, number] | null)[]): Promise<{ ballotId: string; seq: number; caseId: number }[]> {
  const rows = sizes.map((_, i) => rollRow({ lastName: `VOTER${i}`, firstName: 'ANA' }));
  seedRoll(store, rows);
  const desk = new Intake(store, 'station-1', clock);
  const api = apiFor(store, clock);
  const out = [];
  for (const [i, r] of rows.entries()) {
    const o = desk.scan({ raw: r.ballotId, operator: 'clara' });
    if (o.verdict !== 'ACCEPTED') throw new Error(`not accepted: ${o.reason}`);
    const size = sizes[i];
    if (size) await storeEnvelopeImage(api.station, 'clara', o.seq, await envelopeJpeg(i, size[0], size[1]), 'camera');
    const c = flagEnvelope(api.station, SUE, { scanSeq: o.seq, codes: ['NO_VOTER_SIGNATURE'] });
    out.push({ ballotId: r.ballotId, seq: o.seq, caseId: c.caseId });
  }
  return out;
}

function setMode(mode: 'off' | 'signature' | 'envelope'): void {
  store.config.set('cureNoticeImage', mode, 'sue', RECEIVED);
}

async function print(caseIds: number[]) {
  const r = await printNotices(apiFor(store, clock).station, SUE, { cases: caseIds, language: 'en' });
  if (!r.pdf) throw new Error(`no letters: ${JSON.stringify(r.failed)}`);
  return { ...r, pdf: r.pdf };
}

describe('the envelope picture on a cure notice', { timeout: 60_000 }, () => {
  it('setting on: the letter paints the envelope image under a plain caption; nothing reported', async () => {
    const a = first(await votersWithPictures([[1200, 520]]));
    setMode('envelope');
    const r = await print([a.caseId]);
    const images = await pdfImages(r.pdf);
    expect(images).toEqual([{ page: 1, width: 1000, height: 433 }]); // 1200×520 fitted to 1000 px
    expect((await pdfPages(r.pdf))[0]).toContain('Your envelope as we received it, Oct 28');
    expect(r.withoutPicture).toEqual([]);
    if (process.env['NOTICE_IMAGE_PNG']) fs.writeFileSync(process.env['NOTICE_IMAGE_PNG'], await renderPagePng(r.pdf, 1, 60));
  });

  it('setting off, or unset with a profile that names none: no image and nothing reported', async () => {
    const a = first(await votersWithPictures([[1200, 520]]));
    const unset = await print([a.caseId]);
    expect(await pdfImages(unset.pdf)).toEqual([]);
    expect(unset.withoutPicture).toEqual([]);
    setMode('off');
    const off = await print([a.caseId]);
    expect(await pdfImages(off.pdf)).toEqual([]);
    expect((await pdfPages(off.pdf)).join('\n')).not.toContain('as we received it');
  });

  it('signature mode: the signature crop of the template, captioned as the signature', async () => {
    store.images.saveTemplate({ design: 'std', rect: { x: 0.5, y: 0.5, w: 0.4, h: 0.4 }, sampleSha256: null, updatedAt: RECEIVED, updatedBy: 'sue' });
    const a = first(await votersWithPictures([[1200, 500]]));
    setMode('signature');
    const r = await print([a.caseId]);
    const img = first(await pdfImages(r.pdf));
    expect(img && img.width < 1000 && img.height < 400).toBe(true); // the crop, not the whole envelope
    expect((await pdfPages(r.pdf))[img.page - 1]).toContain('The signature on your envelope as we received it, Oct 28');
  });

  it('two voters in one PDF: each letter carries its own picture (told apart by size), never the other voter’s', async () => {
    const [a, b] = two(await votersWithPictures([[1200, 520], [900, 600]]));
    setMode('envelope');
    const r = await print([a.caseId, b.caseId]);
    const pages = await pdfPages(r.pdf);
    const images = await pdfImages(r.pdf);
    expect(images).toHaveLength(2);
    const pageOf = (ballotId: string) => pages.findIndex((p) => p.includes(`Ballot ${ballotId}`)) + 1;
    expect(images).toContainEqual({ page: pageOf(a.ballotId), width: 1000, height: 433 });
    expect(images).toContainEqual({ page: pageOf(b.ballotId), width: 900, height: 600 });
  });

  it('a voter without a picture gets the letter without one, reported; an image row re-pointed at that voter’s scan is refused', async () => {
    const [a, b] = two(await votersWithPictures([[1200, 520], null]));
    setMode('envelope');
    const first = await print([a.caseId, b.caseId]);
    expect(await pdfImages(first.pdf)).toEqual([{ page: expect.any(Number) as number, width: 1000, height: 433 }]);
    expect(first.withoutPicture).toEqual([{ caseId: b.caseId, ballotId: b.ballotId, error: `no envelope picture: none was captured for scan ${b.seq}` }]);
    // A hand-edited row: voter A's picture linked to voter B's scan. Its ballot is not B's.
    store.db.prepare('UPDATE envelope_images SET scan_seq = ? WHERE scan_seq = ?').run(b.seq, a.seq);
    const edited = await print([b.caseId]);
    expect(await pdfImages(edited.pdf)).toEqual([]);
    expect(edited.withoutPicture).toEqual([{ caseId: b.caseId, ballotId: b.ballotId, error: `no envelope picture: none was captured for scan ${b.seq}` }]);
  });

  it('purged: the letter goes out without the picture and the summary says it was purged', async () => {
    const a = first(await votersWithPictures([[1200, 520]]));
    setMode('envelope');
    purgeImages(store, '2026-10-29', 'sue', '2026-12-01T12:00:00Z');
    const r = await print([a.caseId]);
    expect(await pdfImages(r.pdf)).toEqual([]);
    expect(r.withoutPicture).toEqual([{ caseId: a.caseId, ballotId: a.ballotId, error: `no envelope picture: the image of scan ${a.seq} was purged on 2026-12-01` }]);
    expect(r.moved).toBe(1);
  });

  it('a file altered on disk (hash mismatch) or deleted: refused for the picture, letter still produced, reported', async () => {
    const a = first(await votersWithPictures([[1200, 520]]));
    setMode('envelope');
    const row = first(store.images.forScan(a.seq));
    const file = imageStoreFor(dbPath).pathOf(row.sha256, 'webp');
    fs.writeFileSync(file, await envelopeJpeg(99)); // another real picture in its place
    const altered = await print([a.caseId]);
    expect(await pdfImages(altered.pdf)).toEqual([]);
    expect(altered.withoutPicture[0]?.error).toMatch(/^no envelope picture: image \d+ was altered or replaced on disk .*intake audit verify$/);
    fs.rmSync(file);
    const gone = await print([a.caseId]);
    expect(await pdfImages(gone.pdf)).toEqual([]);
    expect(gone.withoutPicture[0]?.error).toMatch(/^no envelope picture: the file of image \d+ is missing from the image store$/);
  });

  it('through the API (cure.notices): twelve voters in one run, each page its own picture; the one purged is listed', async () => {
    const sizes: [number, number][] = Array.from({ length: 12 }, (_, i) => [600 + 20 * i, 400]);
    const voters = await votersWithPictures(sizes);
    setMode('envelope');
    const gone = first(voters);
    store.db.prepare('UPDATE envelope_images SET purged_at = ?, purged_by = ? WHERE scan_seq = ?').run('2026-12-01T12:00:00Z', 'sue', gone.seq);
    const api = apiFor(store, clock);
    const r = await api.call(api.as('Sue', 'supervisor'), 'cure.notices', { caseIds: voters.map((v) => v.caseId), language: 'en' });
    if (!r.ok || !r.value.pdfBase64) throw new Error(JSON.stringify(r));
    expect(r.value.withoutPicture).toEqual([{ caseId: gone.caseId, ballotId: gone.ballotId, error: `no envelope picture: the image of scan ${gone.seq} was purged on 2026-12-01` }]);
    const pdf = new Uint8Array(Buffer.from(r.value.pdfBase64, 'base64'));
    const pages = await pdfPages(pdf);
    const images = await pdfImages(pdf);
    expect(images).toHaveLength(11);
    for (const [i, v] of voters.entries()) {
      const page = pages.findIndex((text) => text.includes(`Ballot ${v.ballotId}`) && text.includes('Dear')) + 1;
      const onPage = images.filter((img) => img.page === page);
      expect(onPage).toEqual(i === 0 ? [] : [{ page, width: sizes[i]?.[0], height: 400 }]);
    }
  });

  it('the e-mailed notice’s PDF carries the same picture', async () => {
    const a = first(await votersWithPictures([[1200, 520]]));
    setMode('envelope');
    const smtp = await startSmtp();
    try {
      await queueEmailNotice(store, { caseId: a.caseId, email: 'ana@example.org', language: 'es' }, SUE, clock);
      const mailer = createMailer({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Elections <e@example.org>' });
      const report = await sendQueuedNotices(store, mailer, { actor: 'sue', clock });
      mailer.close();
      expect(report.sent).toHaveLength(1);
      expect(report.sent[0]?.withoutPicture).toBeUndefined();
      const pdf = smtp.inbox[0]?.attachments.find((x) => x.contentType === 'application/pdf');
      if (!pdf) throw new Error('no PDF attached');
      const [img, ...more] = await pdfImages(pdf.content);
      if (!img) throw new Error('no image in the e-mailed PDF');
      expect(more).toEqual([]);
      expect((await pdfPages(pdf.content))[img.page - 1]).toContain('Su sobre tal como lo recibimos, 28 oct');
    } finally {
      await smtp.close();
    }
  });
});

describe('intake cure notice with the picture on', { timeout: 120_000 }, () => {
  it('--case N --out F.pdf writes the letter with the picture; a purged one is named on stderr', async () => {
    const [a, b] = two(await votersWithPictures([[1200, 520], [900, 600]]));
    setMode('envelope');
    purgeImages(store, '2026-10-29', 'sue', '2026-12-01T12:00:00Z');
    await storeEnvelopeImage(apiFor(store, clock).station, 'clara', a.seq, await envelopeJpeg(5, 1200, 520), 'camera');
    store.close();
    const out = path.join(t.dir, 'letter.pdf');
    const env = { env: { INTAKE_DB: dbPath, INTAKE_PIN: '' } };
    const r = intake(['cure', 'notice', '--case', String(a.caseId), '--out', out, '--operator', 'sue'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pdf = new Uint8Array(fs.readFileSync(out));
    expect(await pdfImages(pdf)).toEqual([{ page: 1, width: 1000, height: 433 }]);
    expect((await pdfPages(pdf))[0]).toContain('Your envelope as we received it, Oct 28');

    const out2 = path.join(t.dir, 'letter2.pdf');
    const purged = intake(['cure', 'notice', '--case', String(b.caseId), '--out', out2, '--operator', 'sue'], env);
    expect(purged.status).toBe(0);
    expect(purged.stderr).toContain(`intake cure: case ${b.caseId} (ballot ${b.ballotId}) noticed without its picture: no envelope picture: the image of scan ${b.seq} was purged on 2026-12-01`);
    expect(purged.json()).toMatchObject({ notices: 1, withoutPicture: [{ caseId: b.caseId }] });
    expect(await pdfImages(new Uint8Array(fs.readFileSync(out2)))).toEqual([]);
    store = Store.open(dbPath);
  });
});
