import fs from 'node:fs';

/**
 * A file for voters' data: created owner-only (0600), and an existing file's mode tightened
 * before anything is written into it (opening with a mode does not change an existing file's).
 */
export function openPrivateFile(file: string): { write: (s: string) => void; close: () => void } {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return { write: (s) => void fs.writeSync(fd, s), close: () => fs.closeSync(fd) };
}
