import type { Store } from './store.js';

/** A hardware scan refused because no one was signed in and unlocked (migration 6). */
export interface ScanFault {
  id: number;
  at: string;
  station: string;
  scanner: string;
  /** What the scanner sent, control characters escaped, at most 200 characters. */
  raw: string;
  reason: string;
}

const MAX_RAW = 200;

/** Scanner bytes are hostile text: control characters become \xNN before they are stored or shown. */
export function escapeRaw(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = raw.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => escapeChar(c.charCodeAt(0)));
  return escaped.length > MAX_RAW ? `${escaped.slice(0, MAX_RAW)}…` : escaped;
}

function escapeChar(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function recordScanFault(store: Store, f: Omit<ScanFault, 'id'>): void {
  store.write(() =>
    store.db.prepare('INSERT INTO scan_faults (at, station, scanner, raw, reason) VALUES (?, ?, ?, ?, ?)').run(f.at, f.station, f.scanner.slice(0, 64), escapeRaw(f.raw), f.reason),
  );
}

/** The newest first. */
export function listScanFaults(store: Store, limit: number): ScanFault[] {
  return store.db.prepare<[number], ScanFault>('SELECT id, at, station, scanner, raw, reason FROM scan_faults ORDER BY id DESC LIMIT ?').all(limit);
}
