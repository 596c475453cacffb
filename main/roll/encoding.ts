import fs from 'node:fs';

export type RollEncoding = 'utf8' | 'latin1' | 'cp1252';

/** Bytes cp1252 leaves undefined; latin-1 reads them as C1 control codes. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/** How much of a file the choice looks at. */
export const SNIFF_BYTES = 1 << 20;

/**
 * The encoding of a state file given without --encoding, from its first megabyte. The states
 * publish cp1252 (DOMAIN.md §6), but a file re-saved on the way arrives as UTF-8 or latin-1:
 *  1. a UTF-8 byte-order mark, or bytes above 0x7F that all form valid UTF-8 sequences
 *     (at least one), → utf8 (cp1252 text practically never does: "Ã‘" for "Ñ");
 *  2. otherwise any of 0x81, 0x8D, 0x8F, 0x90, 0x9D, which cp1252 leaves undefined → latin1;
 *  3. otherwise → cp1252 (pure ASCII reads the same in all three).
 * Beyond the first megabyte a byte cp1252 cannot read still refuses its row, with a hint.
 */
export function sniffEncoding(head: Uint8Array): RollEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  const utf8 = utf8Sequences(head);
  if (utf8 > 0) return 'utf8';
  for (const b of head) if (CP1252_UNDEFINED.has(b)) return 'latin1';
  return 'cp1252';
}

/** Multi-byte UTF-8 sequences in `b`, or -1 if it is not UTF-8 (a sequence cut by the end of the sample is allowed). */
function utf8Sequences(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return -1;
    for (let k = 1; k < len; k++) {
      if (i + k >= b.length) return n; // cut by the sample's end
      const d = b[i + k] as number;
      if (d < 0x80 || d > 0xbf) return -1;
    }
    n += 1;
    i += len;
  }
  return n;
}

/**
 * The file's first megabyte (fewer bytes for a shorter file); empty if it is not a regular file or
 * cannot be read (the reader reports that). Never opens a FIFO or a device: opening one can block.
 */
export function fileHead(path: string): Uint8Array {
  let fd: number | null = null;
  try {
    if (!fs.statSync(path).isFile()) return new Uint8Array(0);
    fd = fs.openSync(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } catch {
    return new Uint8Array(0);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Why a field holds U+FFFD: the bytes were not of the encoding in use, and what to try instead. */
export function undecodableHint(encoding: RollEncoding): string {
  if (encoding === 'latin1') return 'holds the replacement character U+FFFD';
  return encoding === 'utf8'
    ? 'has bytes that are not valid UTF-8: this file is not UTF-8: try --encoding cp1252'
    : 'has a byte that cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90 or 0x9D): this file is not cp1252: try --encoding latin1';
}
