import { z } from 'zod';

/**
 * Where the signature sits on an envelope of one design: a rectangle in fractions of the
 * envelope image's width and height (0..1, from the top left), so one template serves any
 * resolution the scanner, camera or sorter delivers. Set in Settings by drawing a box on a
 * sample image of the design.
 */
export const signatureRectSchema = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    w: z.number().gt(0).max(1),
    h: z.number().gt(0).max(1),
  })
  .strict()
  .refine((r) => r.x + r.w <= 1.000001 && r.y + r.h <= 1.000001, { message: 'the signature box must lie inside the envelope (x + w and y + h at most 1)' });
export type SignatureRect = z.infer<typeof signatureRectSchema>;

export const designNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex -- a design name is shown on screens and in the terminal: no control characters
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a design name has no control characters');

/** Pixels of a rectangle in an image of this size: at least one pixel, never outside the image. */
export function rectPixels(r: SignatureRect, width: number, height: number): { left: number; top: number; width: number; height: number } {
  const left = Math.min(width - 1, Math.max(0, Math.floor(r.x * width)));
  const top = Math.min(height - 1, Math.max(0, Math.floor(r.y * height)));
  return {
    left,
    top,
    width: Math.max(1, Math.min(width - left, Math.round(r.w * width))),
    height: Math.max(1, Math.min(height - top, Math.round(r.h * height))),
  };
}
