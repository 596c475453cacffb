import sharp from 'sharp';

/**
 * Pictures for the signature-review tests: a "signature" per voter (a pen stroke drawn from the
 * voter's number, so a voter's signatures look alike and two voters' do not) and the back of an
 * envelope with that signature in its signature box. No real person's signature is used.
 */
function rand(seed: number): () => number {
  let s = seed * 2654435761 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) % 10_000) / 10_000;
  };
}

/** An SVG path of a signature-like stroke in a w×h box; `wobble` varies one voter's signatures a little. */
function stroke(voter: number, w: number, h: number, wobble: number): string {
  const r = rand(voter + 1);
  const j = rand(voter * 31 + wobble + 7);
  const n = 7;
  let d = `M ${0.05 * w} ${0.6 * h}`;
  for (let i = 1; i <= n; i += 1) {
    const x = (0.05 + (0.9 * i) / n) * w;
    const y = (0.2 + 0.6 * r()) * h + (j() - 0.5) * 0.08 * h;
    const c1 = (0.05 + (0.9 * (i - 0.7)) / n) * w;
    const c2 = (0.05 + (0.9 * (i - 0.3)) / n) * w;
    d += ` C ${c1.toFixed(1)} ${((0.1 + 0.8 * r()) * h).toFixed(1)}, ${c2.toFixed(1)} ${((0.1 + 0.8 * r()) * h).toFixed(1)}, ${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  return d;
}

/** One signature on white, as PNG. */
export async function signaturePng(voter: number, wobble = 0, w = 700, h = 200): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#fff"/><path d="${stroke(voter, w, h, wobble)}" fill="none" stroke="#111" stroke-width="${(5 + wobble).toFixed(0)}" stroke-linecap="round"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The signature box the tests save for their envelope design (fractions of the envelope). */
export const BOX = { x: 0.1, y: 0.6, w: 0.45, h: 0.22 };

/** The back of an envelope: printed lines, the oath, and the voter's signature in the box. */
export async function envelopeBackPng(voter: number, W = 1600, H = 900): Promise<Buffer> {
  const sw = Math.round(BOX.w * W);
  const sh = Math.round(BOX.h * H);
  const sig = `<path transform="translate(${BOX.x * W} ${BOX.y * H})" d="${stroke(voter, sw, sh, 3)}" fill="none" stroke="#1a237e" stroke-width="7" stroke-linecap="round"/>`;
  const lines = Array.from({ length: 6 }, (_, i) => `<rect x="${0.1 * W}" y="${(0.12 + i * 0.06) * H}" width="${(0.5 + (i % 3) * 0.1) * W}" height="${0.012 * H}" fill="#999"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#f7f3e8"/>${lines}<rect x="${BOX.x * W}" y="${(BOX.y + BOX.h) * H - 4}" width="${BOX.w * W}" height="3" fill="#333"/>${sig}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
