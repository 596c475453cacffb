import { z } from 'zod';
import { empty, method } from '../define.js';
import { designNameSchema, signatureRectSchema } from '../../images/template.js';

/**
 * Envelope images (issue 19, docs/images.md). Pictures travel as base64 inside the API message,
 * so the same calls work over Electron's IPC and the loopback WebSocket alike. The WebSocket
 * refuses a message over 1 MiB (main/api/ws-transport.ts MAX_MESSAGE_BYTES): a picture sent in
 * is at most MAX_ATTACH_BASE64 characters (~690 KB of JPEG), which a camera frame of 2 MP at
 * quality 0.85 fits.
 */
export const MAX_ATTACH_BASE64 = 920_000;

const seq = z.number().int().min(1);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'an image is named by its SHA-256: 64 lowercase hex digits');
const base64 = (max: number) =>
  z
    .string()
    .min(1, 'the picture is empty')
    .max(max, `the picture is too large to send (at most ${max} base64 characters, about ${Math.floor((max * 3) / 4 / 1000)} KB): send a smaller or more compressed frame`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'the picture must be base64 text (no data: prefix)');

export const imageSchema = z.object({
  id: z.number(),
  scanSeq: z.number(),
  ballotId: z.string().nullable(),
  kind: z.enum(['envelope', 'signature']),
  sha256: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  format: z.enum(['webp', 'jpeg']),
  source: z.enum(['sane', 'camera', 'sorter', 'file']),
  /** The envelope design whose template cut the signature crop (null: none set). */
  design: z.string().nullable(),
  capturedAt: z.string(),
  capturedBy: z.string(),
  /** Set once the file was removed by a purge: the row (who, when) stays. */
  purgedAt: z.string().nullable(),
});
export type ImageDto = z.infer<typeof imageSchema>;

const templateSchema = z.object({ design: z.string(), rect: signatureRectSchema, sampleSha256: z.string().nullable(), updatedAt: z.string(), updatedBy: z.string() });
const pendingSchema = z.object({
  id: z.number(),
  file: z.string(),
  barcode: z.string(),
  tray: z.string().nullable(),
  sequence: z.number().nullable(),
  reason: z.string(),
  firstSeenAt: z.string(),
});
const imagesOut = z.object({ images: z.array(imageSchema) });

export const imageMethods = {
  /** Captures the envelope with the station's SANE scanner (setting images.device) and links it to a scan. */
  'images.capture': method({ role: 'clerk', writes: true, input: z.object({ seq }).strict(), output: imagesOut }),
  /** A picture from the renderer's camera (or a file), base64; processed and linked like a capture. */
  'images.attach': method({
    role: 'clerk',
    writes: true,
    input: z.object({ seq, dataBase64: base64(MAX_ATTACH_BASE64), source: z.enum(['camera', 'file']).default('camera') }).strict(),
    output: imagesOut,
  }),
  /** A scan's images, envelope and signature crop, oldest first (purged ones say so). */
  'images.forScan': method({ role: 'clerk', writes: false, input: z.object({ seq }).strict(), output: imagesOut }),
  /** Every image of a ballot's envelopes (all its scans), oldest first: for the ballot's history. */
  'images.forBallot': method({ role: 'clerk', writes: false, input: z.object({ ballotId: z.string().trim().min(1).max(64) }).strict(), output: imagesOut }),
  /** One stored image's bytes, re-hashed before they are sent: show it as data:<mediaType>;base64,<dataBase64>. */
  'images.read': method({
    role: 'clerk',
    writes: false,
    input: z.object({ sha256 }).strict(),
    output: z.object({ sha256: z.string(), mediaType: z.enum(['image/webp', 'image/jpeg']), dataBase64: z.string() }),
  }),
  /** Envelope designs and where their signature sits; `current` is the design new images are cut by. */
  'images.templates.list': method({ role: 'clerk', writes: false, input: empty, output: z.object({ current: z.string().nullable(), templates: z.array(templateSchema) }) }),
  /** Sets a design's signature box (drawn on a sample image; the sample, when sent, is kept in the image store). */
  'images.templates.save': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ design: designNameSchema, rect: signatureRectSchema, sampleBase64: base64(MAX_ATTACH_BASE64).optional(), sampleSha256: sha256.optional() }).strict(),
    output: templateSchema,
  }),
  /** Sorter images waiting for their envelope's scan (or naming no known envelope). */
  'images.pending': method({
    role: 'clerk',
    writes: false,
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ count: z.number(), items: z.array(pendingSchema) }),
  }),
  /** One pass over the sorter folder now (the station also watches it). */
  'images.sorterImport': method({
    role: 'clerk',
    writes: true,
    input: empty,
    output: z.object({ imported: z.number(), pending: z.number(), refused: z.array(z.object({ line: z.number(), file: z.string(), reason: z.string() })) }),
  }),
  /** Removes image files captured before a day (retention), keeps the rows marked purged, and audits the purge. */
  'images.purge': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ before: z.iso.date() }).strict(),
    output: z.object({ before: z.string(), images: z.number(), files: z.number(), hooks: z.record(z.string(), z.number()) }),
  }),
} as const;
