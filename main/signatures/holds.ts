import type { Store } from '../store/store.js';

/**
 * Which envelope each reviewer has on screen, kept in the station's memory rather than the
 * database: serving the next pair is then a read, never a disk flush (the ≤ 100 ms target), and a
 * hold is only a courtesy, so losing it on a restart loses nothing recorded. A hold counts only
 * for the round it was taken at: once the envelope moves on it no longer keeps others away.
 */
export class Holds {
  private readonly bySeq = new Map<number, { operator: string; round: number; until: number }>();

  /** Envelopes someone else holds now, with the round each was taken at. */
  heldByOthers(operator: string, now: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const [seq, h] of this.bySeq) {
      if (h.until <= now) this.bySeq.delete(seq);
      else if (h.operator !== operator) out.set(seq, h.round);
    }
    return out;
  }

  /** One hold per reviewer: taking an envelope lets go of their last. */
  take(seq: number, round: number, operator: string, until: number): void {
    for (const [s, h] of this.bySeq) if (h.operator === operator) this.bySeq.delete(s);
    this.bySeq.set(seq, { operator, round, until });
  }

  release(seq: number): void {
    this.bySeq.delete(seq);
  }
}

const all = new WeakMap<Store, Holds>();

/** The holds of one open station (the app's, or a test's). */
export function holdsOf(store: Store): Holds {
  let h = all.get(store);
  if (!h) all.set(store, (h = new Holds()));
  return h;
}
