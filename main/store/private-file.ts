import fs from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * Files and folders that hold voters' data (the database and its -wal/-shm, exports, sync
 * files, backups) are the operator's alone: files 0600, folders 0700. Each mode is set twice:
 * at creation (so no other user can open the file in between) and by chmod after (creation
 * modes pass through the umask, and an existing file keeps its own bits). An existing file is
 * tightened BEFORE anything is written into it.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

type WriteFlags = 'w' | 'wx' | 'a' | 'r+';

/** Opens a file for writing, owner-only (synchronous: for streams of lines such as exports). */
export function openPrivateSync(file: string, flags: WriteFlags = 'w'): number {
  if (flags !== 'wx') tightenIfPresent(file);
  const fd = fs.openSync(file, flags, PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/** The same, for async writers. */
export async function openPrivate(file: string, flags: WriteFlags = 'w'): Promise<fsp.FileHandle> {
  if (flags !== 'wx') tightenIfPresent(file);
  const handle = await fsp.open(file, flags, PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return handle;
}

/** Writes a whole small file owner-only (not atomic: see writeFileAtomic for files others read). */
export function writePrivateFileSync(file: string, data: string | Uint8Array): void {
  const fd = openPrivateSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates a folder (and missing parents) owner-only. An existing one loses its group and other
 * bits but keeps the owner's (a folder made read-only on purpose stays read-only).
 */
export function ensurePrivateDir(dir: string): void {
  if (fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }) !== undefined) fs.chmodSync(dir, PRIVATE_DIR_MODE);
  else tightenIfPresent(dir);
}

/**
 * Tightens files that may exist to owner-only (missing ones are skipped). A file owned by
 * another user cannot be changed by us; that is left as it is rather than refusing to work.
 */
export function tightenIfPresent(...files: string[]): void {
  for (const file of files) {
    try {
      const mode = fs.statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw e;
    }
  }
}

/** Copies a file (a database backup, say) to a new owner-only file, in pieces. */
export function copyPrivateSync(from: string, to: string): void {
  const src = fs.openSync(from, 'r');
  try {
    const dst = openPrivateSync(to, 'wx');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n = fs.readSync(src, buf); n > 0; n = fs.readSync(src, buf)) fs.writeSync(dst, buf, 0, n);
      fs.fsyncSync(dst);
    } finally {
      fs.closeSync(dst);
    }
  } finally {
    fs.closeSync(src);
  }
}
