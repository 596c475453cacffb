import zlib from 'node:zlib';
import sharp from 'sharp';
import type { Store } from '../../main/store/store.js';
import { Intake } from '../../main/intake/intake.js';
import { rollRow, seedRoll } from '../helpers/station.js';

/** A plausible envelope picture: grey paper with noise and a dark "signature" stroke in the lower right. */
export async function envelopeJpeg(seed = 0, width = 1200, height = 520): Promise<Buffer> {
  const stroke = Buffer.from(
    `<svg width="${width}" height="${height}"><path d="M ${width * 0.6} ${height * 0.8} q 40 -${60 + seed % 40} 80 0 t 80 0 t 80 0" stroke="black" stroke-width="6" fill="none"/><text x="40" y="60" font-size="40">Envelope ${seed}</text></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: { r: 235, g: 230, b: 220 }, noise: { type: 'gaussian', mean: 200, sigma: 20 } } })
    .composite([{ input: stroke }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * A valid PNG of any size whose file is tiny: 1-bit grey, all one colour, so the deflated
 * rows compress to almost nothing (a 20000 × 10000 picture is ~25 KB).
 */
export function hugePng(width: number, height: number): Buffer {
  const rowBytes = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(rowBytes * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0; // filter "none" on every row
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Ballots in the roll and one accepted scan each; returns their scan seqs. */
export function acceptedScans(store: Store, n: number, operator = 'clerk1'): { seq: number; ballotId: string }[] {
  const rows = Array.from({ length: n }, () => rollRow());
  seedRoll(store, rows);
  const intake = new Intake(store, 'station-1');
  return rows.map((r) => {
    const o = intake.scan({ raw: r.ballotId, operator });
    if (o.verdict !== 'ACCEPTED') throw new Error(`fixture scan not accepted: ${o.reason}`);
    return { seq: o.seq, ballotId: r.ballotId };
  });
}

/** The one element a test set up (fails loudly rather than asserting non-null). */
export function first<T>(xs: readonly T[]): T {
  const x = xs[0];
  if (x === undefined) throw new Error('the fixture produced nothing');
  return x;
}
