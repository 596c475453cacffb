/**
 * SQLite's words for "this station cannot record any more" and what the clerk is told. Shared
 * by the API router (which turns the screen red) and the CLI (which stops reading scans).
 */
export const FAULT_CODES = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB']);

export function isFault(e: unknown): e is Error & { code: string } {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (FAULT_CODES.has(code) || code.startsWith('SQLITE_IOERR'));
}

export function faultMessage(code: string, detail: string): string {
  if (code === 'SQLITE_FULL') return `the disk is full: nothing more can be recorded. Stop scanning, free space, then restart the station (${detail})`;
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') return `the database cannot be written: check the drive and the folder's permissions (${detail})`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `the database is damaged: stop scanning and restore the last backup (${detail})`;
  return `the database failed (${code}): stop scanning and call a supervisor (${detail})`;
}
