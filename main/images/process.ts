import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { ServiceError } from '../../shared/errors.js';
import { rectPixels, type SignatureRect } from '../../shared/images/template.js';
import type { ImageExt } from './image-store.js';

/**
 * An envelope picture in, two stored images out: the whole envelope and its signature crop,
 * both grayscale WebP. Input is validated before any pixel is decoded: not an image, an image
 * of a format the station does not take, and anything over MAX_INPUT_PIXELS are refused from
 * the header alone, so a small file claiming 200 megapixels never allocates them; a corrupt or
 * truncated body is refused when decoding stops early.
 *
 * Orientation: EXIF rotation only (a phone or document camera's "this side up"). A real
 * deskew needs a skew estimate (a Hough transform or projection profiles over the text lines);
 * sharp offers none, and a guessed angle would rotate good images. Envelope scanners and
 * sorters feed against a guide, so their skew is a degree or two, which the signature box's
 * margin absorbs. See docs/images.md.
 */
export const MAX_INPUT_PIXELS = 50_000_000;
export const MAX_INPUT_BYTES = 40 * 1024 * 1024;
/** The stored envelope's longest side: ~200 dpi over a 9.5-inch #10 envelope, enough to read a signature. */
export const ENVELOPE_MAX_SIDE = 2000;
export const SIGNATURE_MAX_SIDE = 1200;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff']);
const ENVELOPE_QUALITY = 60;
const SIGNATURE_QUALITY = 80;
// libwebp's effort (0 fastest … 6 smallest): the whole envelope at 0, where effort 2 costs about
// twice the time for ~25% less; the small signature crop at 2 (BENCHMARKS.md, "Envelope images").
const ENVELOPE_EFFORT = 0;
const SIGNATURE_EFFORT = 2;

export interface EncodedImage {
  bytes: Buffer;
  width: number;
  height: number;
  format: 'webp';
  ext: ImageExt;
}

export interface ProcessedEnvelope {
  envelope: EncodedImage;
  /** Null when no template is set for the envelope's design. */
  signature: EncodedImage | null;
}

function refuse(message: string): never {
  throw new ServiceError('invalid', message);
}

/** Checks a picture from its header only; returns its size. */
export async function inspectImage(bytes: Uint8Array): Promise<{ width: number; height: number; format: string }> {
  if (bytes.length === 0) refuse('the image is empty (zero bytes)');
  if (bytes.length > MAX_INPUT_BYTES) refuse(`the image file is ${mb(bytes.length)} MB; the station takes at most ${mb(MAX_INPUT_BYTES)} MB`);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    refuse('this is not an image the station can read (JPEG, PNG, WebP or TIFF)');
  }
  if (!ACCEPTED_FORMATS.has(meta.format)) refuse(`a ${meta.format.toUpperCase()} file is not taken: send a JPEG, PNG, WebP or TIFF image`);
  const width = meta.autoOrient.width;
  const height = meta.autoOrient.height;
  if (!(width > 0 && height > 0)) refuse('the image has no width or height');
  if (width * height > MAX_INPUT_PIXELS)
    refuse(`the image is ${width} × ${height} pixels (${(width * height / 1e6).toFixed(0)} megapixels); the station takes at most ${MAX_INPUT_PIXELS / 1e6} megapixels`);
  return { width, height, format: meta.format };
}

/** Validates, orients, greys, crops and compresses one envelope picture. */
export async function processEnvelope(bytes: Uint8Array, rect: SignatureRect | null): Promise<ProcessedEnvelope> {
  await inspectImage(bytes);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'warning': libjpeg reports a cut-short or damaged JPEG only as a warning and decodes grey rows.
    raw = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' }).autoOrient().grayscale().raw().toBuffer({ resolveWithObject: true });
  } catch {
    refuse('the image is corrupt or truncated (it could not be read to the end): capture it again');
  }
  const { width, height, channels } = raw.info;
  const fromRaw = () => sharp(raw.data, { raw: { width, height, channels } });
  const envelope = await encode(fromRaw(), ENVELOPE_MAX_SIDE, ENVELOPE_QUALITY, ENVELOPE_EFFORT);
  const signature = rect ? await encode(fromRaw().extract(rectPixels(rect, width, height)), SIGNATURE_MAX_SIDE, SIGNATURE_QUALITY, SIGNATURE_EFFORT) : null;
  return { envelope, signature };
}

async function encode(img: Sharp, maxSide: number, quality: number, effort: number): Promise<EncodedImage> {
  const out = await img
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .webp({ quality, effort })
    .toBuffer({ resolveWithObject: true });
  return { bytes: out.data, width: out.info.width, height: out.info.height, format: 'webp', ext: 'webp' };
}

const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
