import type { ImageDto } from '../../shared/api/methods/images.js';
import { ServiceError } from '../../shared/errors.js';
import type { SignatureRect } from '../../shared/images/template.js';
import { imageStoreFor } from '../images/image-store.js';
import { fetchCountyImage } from '../county/images.js';
import { processEnvelope, type EncodedImage } from '../images/process.js';
import { captureSane } from '../images/sane.js';
import { purgeImages, type PurgeReport } from '../images/purge.js';
// Registers the signatures' keeper and purge hook (retention of signatures on file) once.
import '../signatures/retention.js';
import { latestPurgeDay } from '../images/retention.js';
import { sorterPass, type SorterReport } from '../images/sorter.js';
import type { ImageSource, ImageTemplate } from '../store/images.js';
import type { Store } from '../store/store.js';
import { oplog } from '../oplog/index.js';
import { authorize, type ActionContext, type Actor } from './context.js';
import { CureService } from '../cure/service.js';

/**
 * Envelope images in: from the SANE scanner, the renderer's camera, a file, or the sorter's
 * folder. Each picture is processed (process.ts), its two files stored by hash, and both
 * linked to the scan with their hashes in the audit log, in one transaction.
 */

/** The design new images are cut by: the setting, else the only template there is. */
export function currentTemplate(store: Store): { design: string | null; rect: SignatureRect | null } {
  const named = store.config.get('images.design');
  const templates = store.images.templates();
  const t: ImageTemplate | undefined = named ? templates.find((x) => x.design === named) : templates.length === 1 ? templates[0] : undefined;
  return t ? { design: t.design, rect: t.rect } : { design: named ?? null, rect: null };
}

export interface PreparedImage {
  design: string | null;
  parts: { kind: 'envelope' | 'signature'; img: EncodedImage; sha256: string; bytes: number }[];
}

/** Validates, processes and stores a picture's files (no row yet): the slow half, run concurrently by the sorter. */
export async function prepareEnvelopeImage(store: Store, bytes: Uint8Array): Promise<PreparedImage> {
  const { design, rect } = currentTemplate(store);
  const processed = await processEnvelope(bytes, rect);
  const files = imageStoreFor(store.path);
  const wanted = [
    { kind: 'envelope' as const, img: processed.envelope },
    ...(processed.signature ? [{ kind: 'signature' as const, img: processed.signature }] : []),
  ];
  const parts = await Promise.all(wanted.map(async (p) => ({ ...p, ...(await files.put(p.img.bytes, p.img.ext)) })));
  return { design: rect ? design : null, parts };
}

/** Links prepared files to a scan, hashes into the audit log; must run inside a write transaction. */
export function linkPreparedWithin(store: Store, p: PreparedImage, scan: { seq: number; ballotId: string | null }, source: ImageSource, by: string, at: string): ImageDto[] {
  return p.parts.map((part) => ({
    ...store.images.linkWithin({
      scanSeq: scan.seq,
      ballotId: scan.ballotId,
      kind: part.kind,
      sha256: part.sha256,
      bytes: part.bytes,
      width: part.img.width,
      height: part.img.height,
      format: part.img.format,
      source,
      design: p.design,
      capturedAt: at,
      capturedBy: by,
    }).record,
    purgedAt: null,
  }));
}

/** A purge running between the put and the link may have removed a file these rows now use: put again (a no-op when intact). */
export async function reassertFiles(store: Store, p: PreparedImage): Promise<void> {
  const files = imageStoreFor(store.path);
  for (const part of p.parts) await files.put(part.img.bytes, part.img.ext);
}

/** Processes, stores and links one envelope picture to a scan (the one path every source takes). */
export async function storeEnvelopeImage(ctx: ActionContext, by: string, seq: number, bytes: Uint8Array, source: ImageSource): Promise<ImageDto[]> {
  const scan = ctx.store.scans.get(seq);
  if (!scan) throw new ServiceError('not-found', `no scan ${seq}: an image is linked to a recorded scan`);
  const prepared = await prepareEnvelopeImage(ctx.store, bytes);
  const at = ctx.clock().toISOString();
  const records = ctx.store.write(() => linkPreparedWithin(ctx.store, prepared, scan, source, by, at));
  await reassertFiles(ctx.store, prepared);
  return records;
}

/** Captures from the station's SANE scanner for a scan. */
export async function captureImage(ctx: ActionContext, actor: Actor | null, seq: number, env?: NodeJS.ProcessEnv): Promise<ImageDto[]> {
  const who = authorize(actor, 'images.capture');
  const device = ctx.store.config.get('images.device');
  if (!device) throw new ServiceError('failed', 'no envelope scanner is set: set images.device (for example `intake config set images.device test`)');
  if (!ctx.store.scans.get(seq)) throw new ServiceError('not-found', `no scan ${seq}`);
  const bytes = await captureSane({
    device,
    args: ctx.store.config.get('images.scanArgs') ?? [],
    timeoutMs: (ctx.store.config.get('images.timeoutSeconds') ?? 30) * 1000,
    ...(env ? { env } : {}),
  });
  return storeEnvelopeImage(ctx, who.name, seq, bytes, 'sane');
}

/** A picture sent in (camera frame or file), base64. */
export async function attachImage(ctx: ActionContext, actor: Actor | null, input: { seq: number; dataBase64: string; source: 'camera' | 'file' }): Promise<ImageDto[]> {
  const who = authorize(actor, 'images.attach');
  return storeEnvelopeImage(ctx, who.name, input.seq, Buffer.from(input.dataBase64, 'base64'), input.source);
}

/** The same from bytes already in hand (the CLI's `intake images attach FILE`). */
export async function attachBytes(ctx: ActionContext, actor: Actor | null, seq: number, bytes: Uint8Array): Promise<ImageDto[]> {
  const who = authorize(actor, 'images.attach');
  return storeEnvelopeImage(ctx, who.name, seq, bytes, 'file');
}

export function imagesForScan(ctx: ActionContext, actor: Actor | null, seq: number): ImageDto[] {
  authorize(actor, 'images.forScan');
  if (!ctx.store.scans.get(seq)) throw new ServiceError('not-found', `no scan ${seq}`);
  return ctx.store.images.forScan(seq);
}

export function imagesForBallot(ctx: ActionContext, actor: Actor | null, ballotId: string): ImageDto[] {
  authorize(actor, 'images.forBallot');
  return ctx.store.images.forBallot(ballotId);
}

/** An image by hash: from this station's store, else (county mode) fetched from the hub, verified and kept here. */
export async function readImage(ctx: ActionContext, actor: Actor | null, sha256: string): Promise<{ sha256: string; mediaType: 'image/webp' | 'image/jpeg'; dataBase64: string }> {
  authorize(actor, 'images.read');
  let found;
  try {
    found = imageStoreFor(ctx.store.path).read(sha256);
  } catch (e) {
    if (!(e instanceof ServiceError && e.code === 'not-found')) throw e;
    found = await fetchCountyImage(ctx.store, sha256);
    if (!found) throw e; // unknown here and at the hub: the same words as before
  }
  const { bytes, ext } = found;
  return { sha256, mediaType: ext === 'webp' ? 'image/webp' : 'image/jpeg', dataBase64: bytes.toString('base64') };
}

export function listTemplates(ctx: ActionContext, actor: Actor | null): { current: string | null; templates: ImageTemplate[] } {
  authorize(actor, 'images.templates.list');
  return { current: currentTemplate(ctx.store).design, templates: ctx.store.images.templates() };
}

/** A design's signature box; a sample sent with it is stored (processed, grayscale) so the box can be drawn again on it. */
export async function saveTemplate(
  ctx: ActionContext,
  actor: Actor | null,
  input: { design: string; rect: SignatureRect; sampleBase64?: string | undefined; sampleSha256?: string | undefined },
): Promise<ImageTemplate> {
  const who = authorize(actor, 'images.templates.save');
  let sample = input.sampleSha256 ?? ctx.store.images.template(input.design)?.sampleSha256 ?? null;
  if (input.sampleBase64) {
    const processed = await processEnvelope(Buffer.from(input.sampleBase64, 'base64'), null);
    sample = (await imageStoreFor(ctx.store.path).put(processed.envelope.bytes, processed.envelope.ext)).sha256;
  } else if (input.sampleSha256) {
    imageStoreFor(ctx.store.path).read(input.sampleSha256); // must exist and be intact
  }
  const t: ImageTemplate = { design: input.design, rect: input.rect, sampleSha256: sample, updatedAt: ctx.clock().toISOString(), updatedBy: who.name };
  ctx.store.images.saveTemplate(t);
  return t;
}

export function pendingImages(ctx: ActionContext, actor: Actor | null, limit: number): { count: number; items: { id: number; file: string; barcode: string; tray: string | null; sequence: number | null; reason: string; firstSeenAt: string }[] } {
  authorize(actor, 'images.pending');
  const p = ctx.store.images.pending(limit);
  return { count: p.count, items: p.items.map(({ folder: _folder, lastTriedAt: _last, ...rest }) => rest) };
}

/** `intake images purge --before DATE` and Settings: supervisors only, refused inside the retention period. */
export function purgeImagesAction(ctx: ActionContext, actor: Actor | null, before: string): PurgeReport {
  const who = authorize(actor, 'images.purge');
  const limit = latestPurgeDay(ctx.store, ctx.clock(), new CureService(ctx.store, ctx.clock).profile().imageRetentionMonths);
  if (limit && before > limit.day) throw new ServiceError('conflict', `${limit.why}: the latest day you may purge before is ${limit.day}`);
  const report = purgeImages(ctx.store, before, who.name, ctx.clock().toISOString());
  oplog.event(ctx.store, 'image.purged', 'success', `${who.name} purged ${report.images} envelope image(s) captured before ${before} (${report.files} file(s) removed)`);
  return report;
}

/** One pass over the sorter folder now (the station also watches it). */
export async function sorterImport(ctx: ActionContext, actor: Actor | null, folder?: string): Promise<SorterReport> {
  const who = authorize(actor, 'images.sorterImport');
  const dir = folder ?? ctx.store.config.get('images.sorterFolder');
  if (!dir) throw new ServiceError('failed', 'no sorter folder is set: set images.sorterFolder');
  return sorterPass(ctx, dir, who.name);
}
