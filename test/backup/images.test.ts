import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupTo, restoreFrom } from '../../main/backup/backup.js';
import { imageStoreFor } from '../../main/images/image-store.js';
import { Store } from '../../main/store/store.js';
import { tempDir } from '../helpers/station.js';
import { must, reviewStation } from '../signatures/fixtures.js';

let dir: string;
let cleanup: () => void;
let store: Store;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-backup-img-'));
  fs.mkdirSync(path.join(dir, 'station'));
  store = Store.open(path.join(dir, 'station', 'station.db'));
});
afterEach(() => {
  store.close();
  cleanup();
});

const needed = (s: Store) => [
  ...s.db.prepare<[], string>('SELECT sha256 FROM envelope_images').pluck().all(),
  ...s.db.prepare<[], string>('SELECT sha256 FROM reference_signatures').pluck().all(),
];

describe('backups carry the images', () => {
  it('back up, restore into a new folder: audit verify passes, envelope images and signatures on file are readable, owner-only', async () => {
    await reviewStation(store, dir, 2, 1);
    const shas = [...new Set(needed(store))];
    expect(shas.length).toBeGreaterThanOrEqual(3);
    fs.mkdirSync(path.join(dir, 'usb'));
    const file = path.join(dir, 'usb', 'backup.db');
    const r = await backupTo(store, file);
    expect(r.images).toBe(shas.length);
    expect((await backupTo(store, path.join(dir, 'usb', 'second.db'))).images).toBe(0); // shared, not copied again

    const target = path.join(dir, 'elsewhere', 'station.db');
    fs.mkdirSync(path.dirname(target));
    restoreFrom(file, target);
    const restored = Store.open(target);
    try {
      expect(restored.verifyAudit()).toMatchObject({ ok: true });
      const files = imageStoreFor(target);
      for (const sha of shas) {
        expect(files.read(sha).bytes.length).toBeGreaterThan(0);
        const st = files.check(sha);
        if (st.state !== 'ok') throw new Error(`${sha} ${st.state}`);
        expect(fs.statSync(files.pathOf(sha, st.ext)).mode & 0o777).toBe(0o600);
        expect(fs.statSync(path.dirname(files.pathOf(sha, st.ext))).mode & 0o777).toBe(0o700);
      }
      expect(fs.statSync(files.root).mode & 0o777).toBe(0o700);
    } finally {
      restored.close();
    }
  });

  it('a tampered signature on file in the backup is refused at restore by its name, and nothing is replaced', async () => {
    await reviewStation(store, dir, 1, 1);
    const file = path.join(dir, 'backup.db');
    await backupTo(store, file);
    const ref = must(store.db.prepare<[], string>('SELECT sha256 FROM reference_signatures').pluck().get(), 'a signature on file');
    const backupImages = imageStoreFor(file);
    const st = backupImages.check(ref);
    if (st.state !== 'ok') throw new Error(st.state);
    const onDisk = backupImages.pathOf(ref, st.ext);
    fs.writeFileSync(onDisk, Buffer.concat([fs.readFileSync(onDisk), Buffer.from([0])]));

    const target = path.join(dir, 'elsewhere', 'station.db');
    fs.mkdirSync(path.dirname(target));
    expect(() => restoreFrom(file, target)).toThrow(`image images/${ref.slice(0, 2)}/${ref}.${st.ext} in the backup was altered`);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'elsewhere', 'images'))).toBe(false);
  });

  it('an envelope image missing from the backup is refused at restore (audit verify names it), nothing replaced', async () => {
    await reviewStation(store, dir, 1, 0);
    const file = path.join(dir, 'backup.db');
    await backupTo(store, file);
    const sha = must(store.db.prepare<[], string>('SELECT sha256 FROM envelope_images ORDER BY id').pluck().get(), 'an image');
    const files = imageStoreFor(file);
    const st = files.check(sha);
    if (st.state !== 'ok') throw new Error(st.state);
    fs.rmSync(files.pathOf(sha, st.ext));
    const target = path.join(dir, 'elsewhere', 'station.db');
    fs.mkdirSync(path.dirname(target));
    expect(() => restoreFrom(file, target)).toThrow(new RegExp(`missing from the image store \\(images/${sha.slice(0, 2)}/${sha}`));
    expect(fs.existsSync(target)).toBe(false);
  });
});
