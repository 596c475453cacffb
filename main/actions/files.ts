import fs from 'node:fs';
import { openPrivateSync } from '../store/private-file.js';

/** A file for voters' data, written in pieces: owner-only (0600), an existing file tightened first. */
export function openPrivateFile(file: string): { write: (s: string) => void; close: () => void } {
  const fd = openPrivateSync(file);
  return { write: (s) => void fs.writeSync(fd, s), close: () => fs.closeSync(fd) };
}
