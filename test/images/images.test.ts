import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageStore, sha256Of } from '../../main/images/image-store.js';
import { processEnvelope } from '../../main/images/process.js';
import { Store } from '../../main/store/store.js';
import { MAX_MESSAGE_BYTES } from '../../main/api/ws-transport.js';
import { MAX_ATTACH_BASE64 } from '../../shared/api/methods/images.js';
import { apiFor } from '../helpers/api.js';
import { tempDir } from '../helpers/station.js';
import { acceptedScans, envelopeJpeg, hugePng, first } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let store: Store;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-images-'));
  store = Store.open(path.join(dir, 'station.db'));
});
afterEach(() => {
  store.close();
  cleanup();
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

describe('image store', () => {
  it('stores by hash, once; files 0600 and folders 0700 even under umask 000', async () => {
    const old = process.umask(0);
    try {
      const s = new ImageStore(path.join(dir, 'images'));
      const bytes = Buffer.from('not really an image, but bytes are bytes');
      const a = await s.put(bytes, 'webp');
      const b = await s.put(bytes, 'webp');
      expect(a).toEqual(b);
      expect(a.sha256).toBe(sha256Of(bytes));
      const file = s.pathOf(a.sha256, 'webp');
      expect(file).toBe(path.join(dir, 'images', a.sha256.slice(0, 2), `${a.sha256}.webp`));
      expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]); // no temp file left
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(path.dirname(file))).toBe(0o700);
      expect(modeOf(path.join(dir, 'images'))).toBe(0o700);
      expect(s.read(a.sha256).bytes.equals(bytes)).toBe(true);
    } finally {
      process.umask(old);
    }
  });

  it('refuses to read a file altered on disk, and names it missing once removed', async () => {
    const s = new ImageStore(path.join(dir, 'images'));
    const { sha256 } = await s.put(Buffer.from('original'), 'webp');
    fs.writeFileSync(s.pathOf(sha256, 'webp'), 'tampered');
    expect(() => s.read(sha256)).toThrow(/altered or replaced/);
    expect(s.check(sha256).state).toBe('altered');
    // Putting the true bytes again repairs it.
    await s.put(Buffer.from('original'), 'webp');
    expect(s.check(sha256).state).toBe('ok');
    expect(s.remove(sha256)).toBe(true);
    expect(s.check(sha256).state).toBe('missing');
    expect(() => s.read(sha256)).toThrow(/not in the image store/);
  });

  it('refuses zero bytes and a name that is not a hash (no path escapes)', async () => {
    const s = new ImageStore(path.join(dir, 'images'));
    await expect(s.put(Buffer.alloc(0), 'webp')).rejects.toThrow(/empty/);
    expect(() => s.read('../../etc/passwd')).toThrow(/SHA-256/);
  });
});

describe('processing', () => {
  it('makes a grayscale WebP envelope and a signature crop by the template box', async () => {
    const p = await processEnvelope(await envelopeJpeg(1), { x: 0.5, y: 0.6, w: 0.5, h: 0.4 });
    expect(p.envelope.format).toBe('webp');
    expect([p.envelope.width, p.envelope.height]).toEqual([1200, 520]);
    expect([p.signature?.width, p.signature?.height]).toEqual([600, 208]);
    const meta = await sharp(p.signature?.bytes).metadata();
    expect(meta.format).toBe('webp');
    const stats = await sharp(p.envelope.bytes).stats();
    // grey: the three channels WebP decodes to are equal
    expect(stats.channels[0]?.mean).toBeCloseTo(stats.channels[1]?.mean ?? -1, 0);
  });

  it('applies EXIF orientation (a camera held sideways)', async () => {
    const upright = await envelopeJpeg(2, 800, 400);
    const sideways = await sharp(upright).rotate(90).withMetadata({ orientation: 8 }).jpeg().toBuffer();
    const p = await processEnvelope(sideways, null);
    expect([p.envelope.width, p.envelope.height]).toEqual([800, 400]);
    expect(p.signature).toBeNull();
  });

  it('refuses bad input in plain words: zero bytes, text named .jpg, truncated and corrupt JPEG, 200 megapixels, SVG', async () => {
    const good = await envelopeJpeg(3);
    await expect(processEnvelope(Buffer.alloc(0), null)).rejects.toThrow('the image is empty (zero bytes)');
    await expect(processEnvelope(Buffer.from('ballot,voter\nB1,V1\n'), null)).rejects.toThrow(/not an image the station can read/);
    await expect(processEnvelope(good.subarray(0, Math.floor(good.length / 2)), null)).rejects.toThrow(/corrupt or truncated/);
    const corrupt = Buffer.from(good);
    for (let i = 600; i < corrupt.length - 2; i += 7) corrupt[i] = 0xff; // marker bytes all through the entropy-coded data
    await expect(processEnvelope(corrupt, null)).rejects.toThrow(/corrupt or truncated|not an image/);
    const huge = hugePng(20000, 10000);
    expect(huge.length).toBeLessThan(200_000);
    await expect(processEnvelope(huge, null)).rejects.toThrow('the image is 20000 × 10000 pixels (200 megapixels); the station takes at most 50 megapixels');
    await expect(processEnvelope(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), null)).rejects.toThrow(/SVG file is not taken/);
  });
});

describe('images API', () => {
  it('the largest picture the API takes fits in one WebSocket message (ws-transport MAX_MESSAGE_BYTES)', () => {
    const call = JSON.stringify({ id: 1, method: 'images.attach', input: { seq: 1_000_000_000, source: 'camera', dataBase64: 'A'.repeat(MAX_ATTACH_BASE64) } });
    expect(Buffer.byteLength(call)).toBeLessThan(MAX_MESSAGE_BYTES);
  });

  it('attaches a camera picture to a scan: stored, linked, audited, readable, listed', async () => {
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    const sup = api.as('sup', 'supervisor');
    const clerk = api.as('clerk1');
    expect((await api.call(sup, 'images.templates.save', { design: 'county-2026', rect: { x: 0.5, y: 0.6, w: 0.5, h: 0.4 } })).ok).toBe(true);
    const jpeg = await envelopeJpeg(4);
    const r = await api.call(clerk, 'images.attach', { seq: scan.seq, dataBase64: jpeg.toString('base64') });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.images.map((i) => i.kind)).toEqual(['envelope', 'signature']);
    expect(r.value.images[1]).toMatchObject({ scanSeq: scan.seq, ballotId: scan.ballotId, source: 'camera', design: 'county-2026', capturedBy: 'clerk1', purgedAt: null });
    const listed = await api.call(clerk, 'images.forScan', { seq: scan.seq });
    expect(listed.ok && listed.value.images.length).toBe(2);
    const byBallot = await api.call(clerk, 'images.forBallot', { ballotId: scan.ballotId });
    expect(byBallot.ok && byBallot.value.images.map((i) => i.scanSeq)).toEqual([scan.seq, scan.seq]);
    const read = await api.call(clerk, 'images.read', { sha256: first(r.value.images.slice(1)).sha256 });
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.mediaType).toBe('image/webp');
    expect(sha256Of(Buffer.from(read.value.dataBase64, 'base64'))).toBe(first(r.value.images.slice(1)).sha256);
    const entries = store.db.prepare<[], { entity_id: string; after: string }>("SELECT entity_id, after FROM audit_log WHERE action = 'image.store'").all();
    expect(entries.map((e) => (JSON.parse(e.after) as { sha256: string }).sha256)).toEqual(r.value.images.map((i) => i.sha256));
  });

  it('the same picture attached 40 times at once: one file and one row per kind', async () => {
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    const clerk = api.as('clerk1');
    const data = (await envelopeJpeg(5)).toString('base64');
    const results = await Promise.all(Array.from({ length: 40 }, () => api.call(clerk, 'images.attach', { seq: scan.seq, dataBase64: data })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.db.prepare('SELECT count(*) AS n FROM envelope_images').get()).toEqual({ n: 1 });
    expect(store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'image.store'").get()).toEqual({ n: 1 });
    const files = fs.readdirSync(path.join(dir, 'images'), { recursive: true }).filter((f) => String(f).endsWith('.webp'));
    expect(files).toHaveLength(1);
  });

  it('refuses bad pictures with the reason and records nothing; a clerk cannot save a template or purge', async () => {
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    const clerk = api.as('clerk1');
    const bad = await api.call(clerk, 'images.attach', { seq: scan.seq, dataBase64: Buffer.from('hello').toString('base64') });
    expect(bad.ok || bad.error.code).toBe('invalid-input');
    expect(bad.ok || bad.error.message).toMatch(/not an image/);
    const big = await api.call(clerk, 'images.attach', { seq: scan.seq, dataBase64: 'A'.repeat(1_000_000) });
    expect(big.ok || big.error.message).toMatch(/too large to send/);
    const bomb = await api.call(clerk, 'images.attach', { seq: scan.seq, dataBase64: hugePng(20000, 10000).toString('base64') });
    expect(bomb.ok || bomb.error.message).toBe('the image is 20000 × 10000 pixels (200 megapixels); the station takes at most 50 megapixels');
    const design = await api.call(api.as('sup', 'supervisor'), 'images.templates.save', { design: 'red\u001b[31m', rect: { x: 0, y: 0, w: 1, h: 1 } });
    expect(design.ok || design.error.message).toMatch(/no control characters/);
    const noScan = await api.call(clerk, 'images.attach', { seq: 999, dataBase64: (await envelopeJpeg(6)).toString('base64') });
    expect(noScan.ok || noScan.error.code).toBe('not-found');
    expect(store.db.prepare('SELECT count(*) AS n FROM envelope_images').get()).toEqual({ n: 0 });
    const tpl = await api.call(clerk, 'images.templates.save', { design: 'x', rect: { x: 0, y: 0, w: 1, h: 1 } });
    expect(tpl.ok || tpl.error.code).toBe('forbidden');
    const outside = await api.call(api.as('sup', 'supervisor'), 'images.templates.save', { design: 'x', rect: { x: 0.8, y: 0, w: 0.5, h: 1 } });
    expect(outside.ok || outside.error.message).toMatch(/inside the envelope/);
  });
});
