import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import type { Output } from '../../shared/api/contract.js';
import { apiFor } from '../helpers/api.js';
import { SHOTS, wedgeScan } from './fixture.js';
import { expectPlainWords, look, seed, signIn, supStation, type SupStation } from './supervisor.js';
import { envelopePicture, meanGrey, writeY4m } from './y4m.js';

// The document camera as the mail room uses it: a supervisor chooses the camera and draws the
// signature box of the envelope design on a sample picture (mouse, then keyboard), a clerk scans
// an envelope and captures its back with Alt+C. Chromium's fake camera plays a Y4M file made here
// from a known picture (white, one black "signature" box), so the stored image can be checked.
const W = 1280;
const H = 720;
const INK = { left: 160, top: 460, width: 400, height: 120 }; // the black box, in pixels
let s: SupStation;
let p: Page;
let picture: Buffer;

beforeAll(async () => {
  picture = await envelopePicture(W, H, INK);
  const y4m = path.join(process.env['TMPDIR'] ?? '/tmp', `intake-e2e-camera-${process.pid}.y4m`);
  await writeY4m(y4m, picture);
  s = await supStation(
    'intake-e2e-camera-',
    (store) => {
      seed(store, [
        { ballotId: 'C-0001', voterId: 'V1', lastName: 'SMITH', firstName: 'ANA' },
        { ballotId: 'C-0002', voterId: 'V2', lastName: 'LEE', firstName: 'CY' },
      ]);
    },
    [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ],
  );
  p = s.p;
});
afterAll(async () => s?.stop());

/** The station's own answer, through the real router on the same database file. */
async function asSue<T>(
  fn: (api: ReturnType<typeof apiFor>, sue: ReturnType<ReturnType<typeof apiFor>['as']>) => Promise<T>,
): Promise<T> {
  const store = Store.open(s.served.db);
  try {
    const api = apiFor(store);
    return await fn(api, api.as('Sue', 'supervisor'));
  } finally {
    store.close();
  }
}
async function imagesOf(seq: number): Promise<Output<'images.forScan'>['images']> {
  return asSue(async (api, sue) => {
    const r = await api.call(sue, 'images.forScan', { seq });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.images;
  });
}
async function bytesOf(sha256: string): Promise<Buffer> {
  return asSue(async (api, sue) => {
    const r = await api.call(sue, 'images.read', { sha256 });
    if (!r.ok) throw new Error(r.error.message);
    return Buffer.from(r.value.dataBase64, 'base64');
  });
}

describe('the document camera and the signature box', () => {
  it('a supervisor finds the fake camera in Settings, sees its picture, and saves the choice on this computer', async () => {
    await signIn(p, s.served.url);
    await p.keyboard.press('F7');
    await p.click('button:has-text("Find cameras")');
    await p.waitForSelector('select[name=camera]');
    const options = await p.locator('select[name=camera] option').allTextContents();
    expect(options[0]).toContain('intake-e2e-camera');
    await p.click('button:has-text("Show what it sees")');
    await p.waitForFunction(
      () =>
        document.querySelector<HTMLVideoElement>('.camera-settings video')?.videoWidth === 1280,
    );
    await p.click('button:has-text("Save camera")');
    await p.waitForSelector('[data-testid=saved-camera] >> text=Alt+C captures');
    await p.locator('#camera-title').scrollIntoViewIfNeeded();
    await look(p, 'camera-01-settings');
    await p.click('button:has-text("Stop the preview")');
  });

  it('draws the signature box with the mouse on a sample picture, then moves and resizes it with the keyboard, and saves it', async () => {
    const sample = path.join(s.dir, 'sample.png');
    await sharp(picture).toFile(sample);
    await p.locator('#templates-title').scrollIntoViewIfNeeded();
    await p.selectOption('select[name=design]', '');
    await p.fill('input[name=designName]', '2026 return envelope');
    await p.setInputFiles('input[name=sample]', sample);
    const img = p.locator('.box-drawer img');
    await img.waitFor();
    const r = await img.boundingBox();
    if (!r) throw new Error('no sample on screen');
    // Drag from a little above-left of the ink to a little below-right of it.
    await p.mouse.move(r.x + r.width * (140 / W), r.y + r.height * (440 / H));
    await p.mouse.down();
    await p.mouse.move(r.x + r.width * (400 / W), r.y + r.height * (560 / H), { steps: 5 });
    await p.mouse.move(r.x + r.width * (560 / W), r.y + r.height * (590 / H), { steps: 5 });
    await p.mouse.up();
    const drawn = await p.textContent('[data-testid=box-words]');
    expect(drawn).toMatch(/from the left/);
    // The keyboard: Tab to the box, two steps right, then Shift+→ three times (1% each) to widen it.
    await p.focus('[data-testid=signature-box]');
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowLeft');
    for (let i = 0; i < 3; i += 1) await p.keyboard.press('Shift+ArrowRight');
    await p.keyboard.press('Shift+ArrowDown');
    expect(await p.textContent('[data-testid=box-words]')).not.toBe(drawn);
    await look(p, 'camera-02-template-drawn');
    await p.click('button:has-text("Save the signature box")');
    await p.waitForSelector('[data-testid=saved-template], [data-testid=problem-template]');
    expect(await p.locator('[data-testid=problem-template]').allTextContents()).toEqual([]);
    await p.waitForSelector('[data-testid=saved-template] >> text=2026 return envelope');
    const list = await asSue(async (api, sue) => api.call(sue, 'images.templates.list', {}));
    if (!list.ok) throw new Error(list.error.message);
    const t = list.value.templates.find((x) => x.design === '2026 return envelope');
    expect(t?.sampleSha256).toMatch(/^[0-9a-f]{64}$/);
    const rect = t?.rect ?? { x: 0, y: 0, w: 0, h: 0 };
    // Around the ink, within a few percent of where the mouse went (the keyboard added 3% and 1%).
    expect(rect.x).toBeGreaterThan(0.09);
    expect(rect.x).toBeLessThan(0.125);
    expect(rect.y).toBeGreaterThan(0.58);
    expect(rect.y).toBeLessThan(0.63);
    expect(rect.x + rect.w).toBeGreaterThan(0.46);
    expect(rect.y + rect.h).toBeGreaterThan(INK.top / H + INK.height / H);
    // The only design is the one in use: new images are cut by it.
    expect(list.value.current).toBe('2026 return envelope');
    await expectPlainWords(p);
  });

  it('names a clerk as a signature reviewer with a party, and sets the blind sample and the scanner pictures, in words', async () => {
    await p.locator('#review-settings-title').scrollIntoViewIfNeeded();
    await p.fill('input[aria-label="Party of Clara"]', 'DEM');
    await p.click('table[aria-label="Signature reviewers"] tr:has-text("Clara") input[type=checkbox]');
    await p.waitForSelector('[data-testid=saved-reviewer] >> text=Clara: reviews signatures (DEM).');
    await p.fill('input[name=sampleRate]', '150');
    await p.click('button:has-text("Save signature review and pictures")');
    await p.waitForSelector('[data-testid=problem-review-settings] >> text=a share from 0 to 100 percent');
    await p.fill('input[name=sampleRate]', '5');
    await p.selectOption('select[name=capture]', 'on-key');
    await p.click('button:has-text("Save signature review and pictures")');
    await p.waitForSelector('[data-testid=saved-review-settings] >> text=Saved: Blind sample, Scanner pictures.');
    const stored = await asSue(async (api, sue) => {
      const r = await api.call(sue, 'settings.get', {});
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    expect(stored['signatures.sampleRate']).toBe(0.05);
    expect(stored['images.capture']).toBe('on-key');
    await expectPlainWords(p);
    await look(p, 'camera-04-review-settings');
  });

  it('the box keeps inside the picture however far the keys push it', async () => {
    await p.focus('[data-testid=signature-box]');
    for (let i = 0; i < 120; i += 1) await p.keyboard.press('ArrowRight');
    const words = (await p.textContent('[data-testid=box-words]')) ?? '';
    const [left = 0, , wide = 0] = [...words.matchAll(/([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(left + wide).toBeLessThanOrEqual(100.05);
  });

  it('a clerk scans an envelope and Alt+C keeps the camera’s picture as its back, the signature cut out by the box', async () => {
    await p.click('button:has-text("Sign out")');
    await signIn(p, s.served.url, 'Clara', '2468');
    await p.waitForSelector('.camera-card video');
    await p.waitForFunction(
      () => document.querySelector<HTMLVideoElement>('.camera-card video')?.videoWidth === 1280,
    );
    // Before any scan there is nothing to capture for: the key does nothing.
    expect(await p.isDisabled('button.capture')).toBe(true);
    await wedgeScan(p, 'C-0001');
    await p.waitForSelector('.verdict[data-verdict=ACCEPTED]');
    const seq = Number(await p.getAttribute('.verdict', 'data-seq'));
    await p.keyboard.press('Alt+C');
    await p.waitForSelector('[data-testid=capture-outcome] >> text=Back of C-0001 kept');
    expect(await p.textContent('[data-testid=capture-outcome]')).toContain('signature cut out');
    await look(p, 'camera-03-scan-captured');
    const images = await imagesOf(seq);
    const envelope = images.find((i) => i.kind === 'envelope');
    const crop = images.find((i) => i.kind === 'signature');
    expect(envelope).toMatchObject({ source: 'camera', capturedBy: 'Clara', width: W, height: H });
    // The stored picture is this picture: dark where the ink is, white elsewhere.
    const stored = await bytesOf(envelope?.sha256 ?? '');
    await sharp(stored).png().toFile(path.join(SHOTS, 'camera-stored-envelope.png'));
    expect(
      await meanGrey(stored, {
        x: INK.left / W + 0.01,
        y: INK.top / H + 0.01,
        w: INK.width / W - 0.02,
        h: INK.height / H - 0.02,
      }),
    ).toBeLessThan(40);
    expect(await meanGrey(stored, { x: 0.6, y: 0.1, w: 0.3, h: 0.3 })).toBeGreaterThan(215);
    // The crop is mostly ink: the box was drawn around it.
    const cut = await bytesOf(crop?.sha256 ?? '');
    expect(await meanGrey(cut, { x: 0.25, y: 0.25, w: 0.5, h: 0.5 })).toBeLessThan(60);
  });

  it('the next scan clears the last outcome, and an unplugged camera is said in words', async () => {
    await wedgeScan(p, 'C-0002');
    await p.waitForSelector('.verdict[data-verdict=ACCEPTED] >> text=LEE');
    expect(await p.locator('[data-testid=capture-outcome]').count()).toBe(0);
    await p.evaluate(() =>
      localStorage.setItem(
        'intake.camera',
        JSON.stringify({ deviceId: 'unplugged-camera', label: 'Desk camera' }),
      ),
    );
    await p.reload();
    await p.waitForSelector('input[name=pin]');
    await p.fill('input[name=operator]', 'Clara');
    await p.fill('input[name=pin]', '2468');
    await p.click('button[type=submit]');
    await p.waitForSelector('.camera-card >> text=not plugged in');
    expect(
      s.errors.filter((e) => !/Requested device not found|NotFoundError|OverconstrainedError/i.test(e)),
    ).toEqual([]);
  });
});
