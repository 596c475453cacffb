import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { sorterPass } from '../../main/images/sorter.js';
import { watchSorterFolder } from '../../main/images/sorter-watch.js';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { first } from './fixtures.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';

let dir: string;
let cleanup: () => void;
let store: Store;
let folder: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-sorter-'));
  store = Store.open(path.join(dir, 'station.db'));
  folder = path.join(dir, 'sorter');
  fs.mkdirSync(folder);
});
afterEach(() => {
  store.close();
  cleanup();
});

/** A small distinct envelope picture per index (the sorter's own images are larger; the path is the same). */
async function tinyEnvelope(i: number): Promise<Buffer> {
  return sharp({ create: { width: 240, height: 104, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
}

describe('sorter folder', () => {
  it('1,000 images and an index: matched by barcode and imported; unscanned ones wait; unknown envelopes reported by line, the rest imported', async () => {
    const rows = Array.from({ length: 995 }, () => rollRow());
    seedRoll(store, rows);
    const intake = new Intake(store, 'station-1');
    // One commit for the set-up scans (each is a savepoint inside it): the test times the sorter, not 985 fsyncs.
    store.write(() => rows.slice(0, 985).forEach((r) => intake.scan({ raw: r.ballotId, operator: 'clerk1' })));
    const barcodes = [...rows.map((r) => r.ballotId), 'NOPE0001', 'NOPE0002', 'NOPE0003', 'NOPE0004', 'NOPE0005'];
    const lines = ['tray,sequence,barcode,image'];
    await Promise.all(
      barcodes.map(async (b, i) => {
        const name = `env-${String(i + 1).padStart(4, '0')}.jpg`;
        fs.writeFileSync(path.join(folder, name), await tinyEnvelope(i));
      }),
    );
    barcodes.forEach((b, i) => lines.push(`T${Math.floor(i / 250) + 1},${(i % 250) + 1},${b},env-${String(i + 1).padStart(4, '0')}.jpg`));
    lines.push('T9,1,B999999,../../etc/passwd', 'T9,2,,env-0001.jpg', 'T9,3,B000001,missing.jpg');
    fs.writeFileSync(path.join(folder, 'index.csv'), `${lines.join('\r\n')}\r\n`);

    const api = apiFor(store);
    const t0 = Date.now();
    const firstPass = await sorterPass(api.station, folder, 'sorter');
    const elapsed = Date.now() - t0;
    expect(firstPass.imported).toBe(985);
    expect(firstPass.pending).toBe(15);
    const reasons = firstPass.refused.map((r) => r.reason);
    expect(reasons.filter((r) => r.includes('unknown envelope'))).toHaveLength(5);
    expect(reasons).toContain('line 997 of index.csv (tray T4, sequence 246): no envelope NOPE0001 in the roll (unknown envelope)');
    expect(reasons).toContain('line 1002 of index.csv: the image "../../etc/passwd" is not a plain file name in the folder');
    expect(reasons).toContain('line 1003 of index.csv: no barcode for env-0001.jpg');
    expect(reasons).toContain('line 1004 of index.csv (tray T9, sequence 3): the image missing.jpg is not in the folder (yet)');
    expect(store.db.prepare("SELECT count(*) AS n FROM envelope_images WHERE source = 'sorter'").get()).toEqual({ n: 985 });
    const pending = store.images.pending(100);
    expect(pending.items.filter((p) => p.reason.endsWith('has not been scanned yet'))).toHaveLength(10);
    console.log(`sorter pass: 1,000 images in ${elapsed} ms`);

    // The ten envelopes are scanned: the next pass brings their images in, the known ones are not read again.
    for (const r of rows.slice(985)) intake.scan({ raw: r.ballotId, operator: 'clerk1' });
    const second = await sorterPass(api.station, folder, 'sorter');
    expect(second.imported).toBe(10);
    expect(second.pending).toBe(5);
    expect(store.images.forScan(store.images.scanOfBallot(first(rows.slice(990)).ballotId) ?? 0)[0]).toMatchObject({ source: 'sorter', capturedBy: 'sorter', kind: 'envelope' });

    const r = await api.call(api.as('clerk1'), 'images.pending', { limit: 10 });
    expect(r.ok && r.value.count).toBe(5);
  }, 60_000);

  it('a file still being written is left for the next pass, then imported whole', async () => {
    const row = rollRow();
    seedRoll(store, [row]);
    new Intake(store, 'station-1').scan({ raw: row.ballotId, operator: 'clerk1' });
    const full = await tinyEnvelope(7);
    const file = path.join(folder, 'a.jpg');
    fs.writeFileSync(file, full.subarray(0, 100));
    fs.writeFileSync(path.join(folder, 'index.csv'), `tray,sequence,barcode,image\nT1,1,${row.ballotId},a.jpg\n`);
    const api = apiFor(store);
    const pass = sorterPass(api.station, folder, 'sorter'); // sizes are taken now, synchronously…
    fs.appendFileSync(file, full.subarray(100)); // …and the sorter finishes writing during the pause
    expect((await pass).imported).toBe(0);
    expect(store.db.prepare('SELECT count(*) AS n FROM envelope_images').get()).toEqual({ n: 0 });
    expect((await sorterPass(api.station, folder, 'sorter')).imported).toBe(1);
    expect((await sorterPass(api.station, folder, 'sorter')).imported).toBe(0); // never twice
  });

  it('the watch imports an image soon after the sorter writes it (fs.watch, with a rescan behind it)', async () => {
    const row = rollRow();
    seedRoll(store, [row]);
    new Intake(store, 'station-1').scan({ raw: row.ballotId, operator: 'clerk1' });
    const api = apiFor(store);
    const watch = watchSorterFolder(api.station, folder, { intervalMs: 300, debounceMs: 50 });
    try {
      fs.writeFileSync(path.join(folder, 'b.jpg'), await tinyEnvelope(9));
      fs.writeFileSync(path.join(folder, 'index.csv'), `barcode,image\n${row.ballotId},b.jpg\n`);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && store.images.pending(1).count === 0 && (store.db.prepare('SELECT count(*) AS n FROM envelope_images').get() as { n: number }).n === 0)
        await new Promise((r) => setTimeout(r, 50));
      expect(store.db.prepare('SELECT count(*) AS n FROM envelope_images').get()).toEqual({ n: 1 });
    } finally {
      watch.stop();
      await watch.pass();
    }
  });

  it('an index that is not CSV, or lacks the columns, is reported; a corrupt image is refused and waits', async () => {
    const row = rollRow();
    seedRoll(store, [row]);
    new Intake(store, 'station-1').scan({ raw: row.ballotId, operator: 'clerk1' });
    fs.writeFileSync(path.join(folder, 'bad.csv'), 'a,"b\n');
    fs.writeFileSync(path.join(folder, 'cols.csv'), 'envelope,picture\nX,y.jpg\n');
    fs.writeFileSync(path.join(folder, 'c.jpg'), 'this is text named .jpg');
    fs.writeFileSync(path.join(folder, 'index.csv'), `barcode,image\n${row.ballotId},c.jpg\nEVIL\u001b[2J,c.jpg\n`);
    const r = await sorterPass(apiFor(store).station, folder, 'sorter');
    expect(r.imported).toBe(0);
    expect(r.refused.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^the index bad\.csv is not readable CSV/),
      'the index cols.csv has no "barcode" and "image" columns (its header is envelope,picture)',
      // a terminal escape in a barcode is refused and shown escaped, never sent raw to a terminal
      'line 3 of index.csv (tray -, sequence -): the barcode EVIL\\x1b[2J cannot be read (non-printable character U+001B at position 5)',
      expect.stringMatching(/^line 2 of index\.csv \(tray -, sequence -\): the image c\.jpg was not taken: this is not an image/),
    ]);
    expect(store.images.pending(5).count).toBe(1); // one file named by two lines: one waiting image
  });
});
