import fs from 'node:fs';
import sharp from 'sharp';

/**
 * A YUV4MPEG2 file for Chromium's fake camera (`--use-file-for-fake-video-capture`), made from
 * an image. Format: the "YUV4MPEG2" stream header, then per frame "FRAME\n" and the planes of
 * 4:2:0 Y'CbCr (full Y plane, then Cb and Cr at half width and half height), as documented by
 * the mjpegtools yuv4mpeg(5) manual page and read by Chromium's FileVideoCaptureDevice. The
 * picture is grey, so chroma is the neutral 128 and luma is the grey level itself.
 */
export async function writeY4m(
  file: string,
  image: Buffer,
  frames = 2,
): Promise<{ width: number; height: number }> {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  if (width % 2 || height % 2) throw new Error('4:2:0 needs an even width and height');
  const luma =
    info.channels === 1
      ? data
      : Buffer.from(Array.from({ length: width * height }, (_, i) => data[i * info.channels] ?? 0));
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return { width, height };
}

/**
 * A known picture: a white envelope back with one black box (the "signature") at a known place,
 * so the stored image can be checked for being this picture and not another.
 */
export async function envelopePicture(
  width: number,
  height: number,
  box: { left: number; top: number; width: number; height: number },
): Promise<Buffer> {
  const black = await sharp({
    create: { width: box.width, height: box.height, channels: 3, background: { r: 0, g: 0, b: 0 } },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite([{ input: black, left: box.left, top: box.top }])
    .png()
    .toBuffer();
}

/** The mean grey level (0 black … 255 white) of a region of an image, given as fractions of its size. */
export async function meanGrey(
  image: Buffer,
  region: { x: number; y: number; w: number; h: number },
): Promise<number> {
  const meta = await sharp(image).metadata();
  const W = meta.width ?? 0;
  const H = meta.height ?? 0;
  const left = Math.round(region.x * W);
  const top = Math.round(region.y * H);
  // stats() reads its input, not the pipeline: cut the region out to a buffer first.
  const part = await sharp(image)
    .extract({
      left,
      top,
      width: Math.max(1, Math.round(region.w * W)),
      height: Math.max(1, Math.round(region.h * H)),
    })
    .grayscale()
    .png()
    .toBuffer();
  const stats = await sharp(part).stats();
  return stats.channels[0]?.mean ?? -1;
}
