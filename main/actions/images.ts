import type { ImageDto } from '../../shared/api/methods/images.js';
import { ServiceError } from '../../shared/errors.js';
import type { SignatureRect } from '../../shared/images/template.js';
import { imageStoreFor } from '../images/image-store.js';
import { processEnvelope } from '../images/process.js';
import { captureSane } from '../images/sane.js';
import { purgeImages, type PurgeReport } from '../images/purge.js';
import { latestPurgeDay } from '../images/retention.js';
import type { ImageSource, ImageTemplate } from '../store/images.js';
import type { Store } from '../store/store.js';
import { authorize, type ActionContext, type Actor } from './context.js';

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

/** Processes, stores and links one envelope picture to a scan (the one path every source takes). */
export async function storeEnvelopeImage(ctx: ActionContext, by: string, seq: number, bytes: Uint8Array, source: ImageSource): Promise<ImageDto[]> {
  const scan = ctx.store.scans.get(seq);
  if (!scan) throw new ServiceError('not-found', `no scan ${seq}: an image is linked to a recorded scan`);
  const { design, rect } = currentTemplate(ctx.store);
  const processed = await processEnvelope(bytes, rect);
  const files = imageStoreFor(ctx.store.path);
  const parts = [
    { kind: 'envelope' as const, img: processed.envelope },
    ...(processed.signature ? [{ kind: 'signature' as const, img: processed.signature }] : []),
  ].map((p) => ({ ...p, stored: files.put(p.img.bytes, p.img.ext) }));
  const at = ctx.clock().toISOString();
  const records = ctx.store.write(() =>
    parts.map((p) =>
      ctx.store.images.linkWithin({
        scanSeq: seq,
        ballotId: scan.ballotId,
        kind: p.kind,
        sha256: p.stored.sha256,
        bytes: p.stored.bytes,
        width: p.img.width,
        height: p.img.height,
        format: p.img.format,
        source,
        design: rect ? design : null,
        capturedAt: at,
        capturedBy: by,
      }).record,
    ),
  );
  // A purge running between the put and the link may have removed a file these rows now use: put again (a no-op when intact).
  for (const p of parts) files.put(p.img.bytes, p.img.ext);
  return records.map((r) => ({ ...r, purgedAt: null }));
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

export function readImage(ctx: ActionContext, actor: Actor | null, sha256: string): { sha256: string; mediaType: 'image/webp' | 'image/jpeg'; dataBase64: string } {
  authorize(actor, 'images.read');
  const { bytes, ext } = imageStoreFor(ctx.store.path).read(sha256);
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
    sample = imageStoreFor(ctx.store.path).put(processed.envelope.bytes, processed.envelope.ext).sha256;
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
  const limit = latestPurgeDay(ctx.store, ctx.clock());
  if (limit && before > limit.day) throw new ServiceError('conflict', `${limit.why}: the latest day you may purge before is ${limit.day}`);
  return purgeImages(ctx.store, before, who.name, ctx.clock().toISOString());
}
