import type { RollValues } from '../../shared/roll/values.js';

/** A secondary index's key, as the packer sees it: chunk column positions, in key order. */
export interface IndexKey {
  columns: readonly number[];
  /** Compared as SQLite's NOCASE does (ASCII letters folded). */
  nocase: boolean;
  /** Rows whose first key column is null are not in the index. */
  partial: boolean;
}

/**
 * Counts, per index, the rows whose key sorts below the previous row's: an index whose keys
 * arrive (nearly) in order is cheap to keep up while loading (each entry lands beside the last),
 * one whose keys arrive at random is cheaper to build once at the end.
 */
export class KeyOrder {
  private readonly prev: ((string | number | null)[] | null)[];
  readonly descents: number[];

  constructor(private readonly keys: readonly IndexKey[]) {
    this.prev = keys.map(() => null);
    this.descents = keys.map(() => 0);
  }

  observe(values: RollValues): void {
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k] as IndexKey;
      const cols = key.columns;
      if (key.partial && norm(values[cols[0] as number]) === null) continue;
      const prev = this.prev[k];
      if (!prev) {
        this.prev[k] = cols.map((c) => norm(values[c]));
        continue;
      }
      let order = 0;
      for (let i = 0; i < cols.length && order === 0; i++) order = compareValues(norm(values[cols[i] as number]), prev[i] ?? null, key.nocase);
      if (order < 0) this.descents[k] = (this.descents[k] as number) + 1;
      for (let i = 0; i < cols.length; i++) prev[i] = norm(values[cols[i] as number]);
    }
  }

  /** The counts since the last take. */
  take(): number[] {
    const d = this.descents.slice();
    this.descents.fill(0);
    return d;
  }
}

/** SQLite's order for the values of one column: null first, numbers by value, text by code unit (NOCASE: ASCII letters folded). */
function compareValues(a: string | number | null, b: string | number | null, nocase: boolean): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : 1;
  if (!nocase) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 97 && x <= 122) x -= 32;
    if (y >= 97 && y <= 122) y -= 32;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** An empty string is no value (RollRow never has one). */
function norm(v: string | number | null | undefined): string | number | null {
  return v === undefined || v === '' ? null : v;
}
