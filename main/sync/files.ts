import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { openPrivate, PRIVATE_FILE_MODE } from '../store/private-file.js';

/**
 * Files handed to the state or to a clerk are written whole or not at all: a reader (or a
 * crash) sees the old file or the new one, never half of one.
 */

export type FileData =
  string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface WriteOptions {
  /** Permission bits of the new file; owner-only (0o600) unless asked otherwise, whatever the
   *  umask and whatever the mode of the file it replaces: these files hold voters' data. */
  mode?: number;
}

/**
 * Temp file in the same folder (rename is atomic only within one file system), write, fsync,
 * rename over the target, fsync the folder so the rename itself survives a power cut.
 * On failure the temp file is removed, the old file is untouched, and the error is thrown.
 * `data` may be an (async) iterable of pieces, so a state-sized file need not sit in memory.
 */
export async function writeFileAtomic(
  target: string,
  data: FileData,
  options: WriteOptions = {},
): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: fs.FileHandle | null = null;
  try {
    handle = await openPrivate(temp, 'wx');
    if (options.mode !== undefined && options.mode !== PRIVATE_FILE_MODE) await handle.chmod(options.mode);
    for await (const piece of pieces(data)) await writeAll(handle, piece);
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw new Error(`cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  await syncDir(dir);
}

/**
 * Writes `target`, then `<target>.sha256` in `sha256sum` format (`<hex>  <basename>\n`), both
 * atomically, data first: after a crash between the two, `sha256sum -c` fails loudly instead of
 * vouching for a file it never saw. Returns the hex digest.
 */
export async function writeWithSidecar(
  target: string,
  data: FileData,
  options: WriteOptions = {},
): Promise<{ sha256: string }> {
  const name = path.basename(target);
  // sha256sum escapes such names with a backslash: a sidecar we write must read back as is.
  if (/[\\\n\r]/.test(name))
    throw new Error(
      `writeWithSidecar: the file name must not contain a backslash or a line break: ${JSON.stringify(name)}`,
    );
  const hash = createHash('sha256');
  await writeFileAtomic(target, hashing(data, hash), options);
  const hex = hash.digest('hex');
  await writeFileAtomic(`${target}.sha256`, `${hex}  ${name}\n`, options);
  return { sha256: hex };
}

/** Passes the pieces through unchanged, feeding each to the hash on the way. */
async function* hashing(data: FileData, hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  for await (const piece of pieces(data)) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    hash.update(bytes);
    yield bytes;
  }
}

function pieces(data: FileData): Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

async function writeAll(handle: fs.FileHandle, piece: string | Uint8Array): Promise<void> {
  const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
  for (let offset = 0; offset < bytes.length;)
    offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

/** Windows cannot open a folder for fsync; its rename is as durable as it gets there. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
