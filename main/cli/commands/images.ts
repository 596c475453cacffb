import fs from 'node:fs';
import path from 'node:path';
import { attachBytes, captureImage, imagesForScan, listTemplates, pendingImages, purgeImagesAction, saveTemplate, sorterImport } from '../../actions/images.js';
import { signatureRectSchema } from '../../../shared/images/template.js';
import { cliActor } from '../actor.js';
import { parse, printJson, UsageError, withStation, type Io } from '../context.js';

const USAGE = `usage: intake images capture SEQ                    (from the SANE scanner in images.device)
       intake images attach SEQ FILE                 (a JPEG, PNG, WebP or TIFF picture of the envelope)
       intake images list SEQ
       intake images pending                          (sorter images waiting for their scan)
       intake images sorter [--folder DIR]            (one pass over the sorter folder now)
       intake images templates
       intake images template DESIGN --rect X,Y,W,H [--sample FILE]   (fractions of width and height)
       intake images purge --before YYYY-MM-DD        (supervisor; recorded in the audit log)`;

export async function imagesCommand(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    operator: { type: 'string' },
    folder: { type: 'string' },
    before: { type: 'string' },
    rect: { type: 'string' },
    sample: { type: 'string' },
  });
  const [sub, a, b] = positionals;
  const seqOf = (s: string | undefined) => {
    if (!s || !/^\d{1,12}$/.test(s)) throw new UsageError(`${USAGE}\n(SEQ is a scan's number, as \`intake scan\` prints it)`);
    return Number(s);
  };
  return withStation(io, values, async (station) => {
    switch (sub) {
      case 'capture': {
        const seq = seqOf(a);
        printJson(io, { images: await captureImage(station, await cliActor(io, station, 'images.capture', values.operator), seq, io.env) });
        return 0;
      }
      case 'attach': {
        const seq = seqOf(a);
        if (!b) throw new UsageError(USAGE);
        const actor = await cliActor(io, station, 'images.attach', values.operator);
        printJson(io, { images: await attachBytes(station, actor, seq, readPicture(b)) });
        return 0;
      }
      case 'list':
        printJson(io, { images: imagesForScan(station, await cliActor(io, station, 'images.forScan', values.operator), seqOf(a)) });
        return 0;
      case 'pending': {
        const p = pendingImages(station, await cliActor(io, station, 'images.pending', values.operator), 1000);
        printJson(io, p);
        if (p.count > 0) io.stderr.write(`${p.count} sorter image(s) wait for their envelope's scan or name an unknown envelope\n`);
        return 0;
      }
      case 'sorter': {
        const actor = await cliActor(io, station, 'images.sorterImport', values.operator);
        const r = await sorterImport(station, actor, values.folder ? path.resolve(values.folder) : undefined);
        printJson(io, r);
        for (const x of r.refused) io.stderr.write(`${x.reason}\n`);
        return r.refused.length > 0 ? 1 : 0;
      }
      case 'templates':
        printJson(io, listTemplates(station, await cliActor(io, station, 'images.templates.list', values.operator)));
        return 0;
      case 'template': {
        if (!a || !values.rect) throw new UsageError(USAGE);
        const [x, y, w, h] = values.rect.split(',').map((n) => Number(n.trim()));
        const rect = signatureRectSchema.safeParse({ x, y, w, h });
        if (!rect.success) throw new UsageError(`--rect X,Y,W,H: four fractions of the envelope's width and height (0 to 1), the box inside it (${rect.error.issues[0]?.message ?? ''})`);
        const actor = await cliActor(io, station, 'images.templates.save', values.operator);
        const sampleBase64 = values.sample ? readPicture(values.sample).toString('base64') : undefined;
        printJson(io, await saveTemplate(station, actor, { design: a, rect: rect.data, sampleBase64 }));
        return 0;
      }
      case 'purge': {
        if (!values.before || !/^\d{4}-\d{2}-\d{2}$/.test(values.before)) throw new UsageError(`${USAGE}\n(--before is a day, YYYY-MM-DD: images captured before it are removed)`);
        const r = purgeImagesAction(station, await cliActor(io, station, 'images.purge', values.operator), values.before);
        printJson(io, r);
        io.stderr.write(`${r.images} image(s) captured before ${r.before} purged (${r.files} file(s) removed); the purge is recorded in the audit log\n`);
        return 0;
      }
      default:
        throw new UsageError(USAGE);
    }
  });
}

function readPicture(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no file ${file}` : code === 'EISDIR' ? `${file} is a folder, not a picture` : `cannot read ${file} (${code ?? 'error'})`);
  }
}
