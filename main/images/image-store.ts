import { hash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ServiceError } from '../../shared/errors.js';
import { ensurePrivateDir, openPrivate, tightenIfPresent } from '../store/private-file.js';

/**
 * Envelope and signature images, content-addressed by SHA-256 in the data folder:
 * `<data>/images/ab/<sha256>.webp|jpg` (folders 0700, files 0600). A file's name is its hash,
 * so the same picture stored twice is one file, and a file altered or replaced on disk no
 * longer matches its name: read() refuses it, and `audit verify` names it.
 */
export type ImageExt = 'webp' | 'jpg';
export const IMAGE_EXTS: readonly ImageExt[] = ['webp', 'jpg'];

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}

export function isSha256(s: string): boolean {
  return SHA256.test(s);
}

export type FileState = { state: 'ok'; ext: ImageExt; bytes: number } | { state: 'missing' } | { state: 'altered'; ext: ImageExt; actual: string };

export class ImageStore {
  constructor(readonly root: string) {}

  /** Where an image with this hash lives (the first two hex digits fan the files out over 256 folders). */
  pathOf(sha256: string, ext: ImageExt): string {
    if (!isSha256(sha256)) throw new ServiceError('invalid', 'an image is named by its SHA-256: 64 lowercase hex digits');
    return path.join(this.root, sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  /**
   * Stores bytes durably: written to a temporary file, fsynced, renamed into place, and the
   * folder fsynced, so a crash leaves either no file or the whole file. An intact file already
   * holding the same content is kept as it is (one file however often it is stored); one whose
   * content no longer matches its name is replaced by the good bytes.
   */
  async put(bytes: Uint8Array, ext: ImageExt): Promise<{ sha256: string; bytes: number }> {
    if (bytes.length === 0) throw new ServiceError('invalid', 'an empty image (zero bytes) cannot be stored');
    const sha256 = sha256Of(bytes);
    const target = this.pathOf(sha256, ext);
    const dir = path.dirname(target);
    ensurePrivateDir(this.root);
    ensurePrivateDir(dir);
    if (await this.intact(target, sha256)) return { sha256, bytes: bytes.length };
    // Asynchronous on purpose: several images in flight let the file system group their fsyncs.
    const temp = path.join(dir, `.${sha256}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    const handle = await openPrivate(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (e) {
      await handle.close();
      await fsp.rm(temp, { force: true });
      throw e;
    }
    await handle.close();
    await fsp.rename(temp, target);
    await fsyncDir(dir);
    return { sha256, bytes: bytes.length };
  }

  /** The bytes of an image, re-hashed: a file whose content no longer matches its name is refused. */
  read(sha256: string): { bytes: Buffer; ext: ImageExt } {
    const found = this.load(sha256);
    if (!found) throw new ServiceError('not-found', `image ${sha256.slice(0, 12)}… is not in the image store (purged, or the file is missing)`);
    if (sha256Of(found.bytes) !== sha256)
      throw new ServiceError('conflict', `image ${sha256.slice(0, 12)}… was altered or replaced on disk (its content no longer matches its hash): it is not shown; run \`intake audit verify\``);
    return found;
  }

  /** What is on disk for a hash, without throwing: for `audit verify`. */
  check(sha256: string): FileState {
    const found = this.load(sha256);
    if (!found) return { state: 'missing' };
    const actual = sha256Of(found.bytes);
    return actual === sha256 ? { state: 'ok', ext: found.ext, bytes: found.bytes.length } : { state: 'altered', ext: found.ext, actual };
  }

  /** The file stored under a hash, in whichever format it was kept; null when there is none. */
  private load(sha256: string): { bytes: Buffer; ext: ImageExt } | null {
    for (const ext of IMAGE_EXTS) {
      try {
        return { bytes: fs.readFileSync(this.pathOf(sha256, ext)), ext };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return null;
  }

  /** Removes an image's file (either format); true when one was there. */
  remove(sha256: string): boolean {
    let removed = false;
    for (const ext of IMAGE_EXTS) {
      const file = this.pathOf(sha256, ext);
      try {
        fs.unlinkSync(file);
        removed = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return removed;
  }

  private async intact(file: string, sha256: string): Promise<boolean> {
    try {
      const same = sha256Of(await fsp.readFile(file)) === sha256;
      if (same) tightenIfPresent(file);
      return same;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }
}

/** A rename is durable only once its folder's entry is on disk. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const stores = new Map<string, ImageStore>();

/** The image store beside a station's database (`<data>/images`). */
export function imageStoreFor(databasePath: string): ImageStore {
  if (databasePath === ':memory:') throw new ServiceError('failed', 'images need a data folder: this station runs from a database in memory');
  const root = path.join(path.dirname(path.resolve(databasePath)), 'images');
  let s = stores.get(root);
  if (!s) {
    s = new ImageStore(root);
    stores.set(root, s);
  }
  return s;
}
