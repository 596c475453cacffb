/**
 * Keyboard wedge detection: telling a scanner's burst of keystrokes from a person typing, in
 * the renderer, from `keydown` events alone: no focused text box is needed.
 *
 * Design
 * - A scanner types a whole code at its own steady rhythm (2–60 ms per key, by model and link:
 *   Bluetooth and older wedges are slow) and, usually, ends it with Enter or Tab. A person's
 *   gaps are uneven (60–120 ms on average, a 35 ms pair now and then, a 150 ms pause).
 * - So a run of text keys is a *burst* when every gap is within `maxGapMs` (the longest pause a
 *   scanner makes inside a code, set per station) and the run is machine-like: either every
 *   gap is under `FAST_MS` (no person types that fast), or most gaps sit close to the run's own
 *   median rhythm and that rhythm is a scanner's (under two thirds of `maxGapMs`). One pause
 *   inside a fast burst (a 45 ms stall at 5 ms per key) leaves it a burst.
 * - With a terminator (Enter/Tab, as configured) a burst ends at the terminator, never at a gap.
 *   A burst that stopped without its terminator and was followed by a pause longer than
 *   `maxGapMs` was cut: its tail (with the terminator) or its silence (`flush`) is reported as
 *   `cut`, the whole text held, so the caller says "scan again" and records nothing: a tail must
 *   never be taken for another ballot.
 * - Without a terminator (`terminator: 'none'`) the burst ends by silence: `flush` after
 *   `deadline()` reports it. The silence is three times the scanner's learned rhythm (at least
 *   20 ms), or `maxGapMs` before any rhythm is learned.
 * - The detector learns the rhythm of each terminated burst (the median gap) and reports it
 *   (`rhythm()`): the live test shows it, and the cut check compares a tail with its head. A
 *   slow burst typed into a text box (where people type names at an even 50 ms) is a scan only
 *   at a rhythm already seen from a scan made with no text box focused (or in the live test).
 * - Every text key is passed through, always: the detector never prevents a keystroke from
 *   reaching the focused field. When it reports a `scan` or a `cut`, `removeFromField` holds
 *   exactly the characters the burst typed into an editable target; the caller prevents the
 *   terminator's default and removes them from just before the caret if they are there. A
 *   terminator that completes nothing (a person's Enter) passes through.
 * - Modifier keys (the scanner's Shift for capitals) are neither text nor a break. Any other
 *   key, or a key with Control/Meta/Alt held, ends the run: that is a person editing.
 * - Pass `KeyboardEvent.timeStamp` as the time: it is when the key was delivered, so a busy
 *   renderer running the handler late does not stretch a scanner's gaps into a person's.
 *
 * Why no keystroke is ever lost (the tests check it over random timings): a text key is
 * appended to the field and to the current run; a run leaves the field only as a `scan` or a
 * `cut` whose `removeFromField` is exactly its field characters and whose `text` the caller
 * records or announces.
 */

export interface WedgeKey {
  /** `KeyboardEvent.key`. */
  key: string;
  /** `KeyboardEvent.timeStamp`, in milliseconds. */
  timeMs: number;
  /** The event's target takes text (input, textarea, contenteditable). */
  targetIsEditable: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

export type WedgeAction =
  | { type: 'pass' }
  | {
      type: 'scan';
      text: string;
      /** Prevent the terminator's default and delete these characters from just before the caret. */
      removeFromField: string;
      /** The burst's median gap between keys, in ms. */
      rhythmMs: number;
      /** The key that ended it is the scanner's (its terminator): prevent its default. A text key that ended it by the gap is the next code's or a person's: let it through. */
      preventKey: boolean;
    }
  | {
      /** A burst whose head and tail were split by a long pause, or that never got its terminator. */
      type: 'cut';
      text: string;
      removeFromField: string;
      preventKey: boolean;
    };

export type WedgeTerminator = 'Enter' | 'Tab' | 'either' | 'none';

export interface WedgeOptions {
  /** The longest gap between two keys of one code (ms). */
  maxGapMs?: number;
  minLength?: number;
  terminator?: WedgeTerminator;
  /** How long after a cut head its tail may still come (ms). */
  cutWindowMs?: number;
}

export const WEDGE_DEFAULTS = {
  maxGapMs: 100,
  minLength: 4,
  terminator: 'either' as WedgeTerminator,
  cutWindowMs: 1000,
} as const;

/** Gaps no person types: a run this fast throughout is a machine whatever its evenness. */
export const FAST_MS = 25;
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'OS', 'CapsLock', 'NumLock', 'Fn']);
const PASS: WedgeAction = { type: 'pass' };
const LEARNED = 8;

interface Key {
  c: string;
  t: number;
  /** Typed into an editable target. */
  field: boolean;
}
type Run = Key[];

const textOf = (run: Run) => run.map((k) => k.c).join('');
const fieldOf = (run: Run) => run.filter((k) => k.field).map((k) => k.c).join('');

export function terminatorKeys(t: WedgeTerminator): readonly string[] {
  return t === 'either' ? ['Enter', 'Tab'] : t === 'none' ? [] : [t];
}

export class WedgeDetector {
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private readonly cutWindowMs: number;
  private readonly terminators: ReadonlySet<string>;
  private run: Run | null = null;
  /** A machine-like run that stopped before its terminator: the head of a possibly cut code. */
  private head: Run | null = null;
  private readonly rhythms: number[] = [];

  constructor(opts: WedgeOptions = {}) {
    this.maxGapMs = opts.maxGapMs ?? WEDGE_DEFAULTS.maxGapMs;
    this.minLength = opts.minLength ?? WEDGE_DEFAULTS.minLength;
    this.cutWindowMs = opts.cutWindowMs ?? WEDGE_DEFAULTS.cutWindowMs;
    this.terminators = new Set(terminatorKeys(opts.terminator ?? WEDGE_DEFAULTS.terminator));
  }

  /** The scanner's learned rhythm (median ms per key over its recent bursts), or null. */
  rhythm(): number | null {
    return this.rhythms.length === 0 ? null : median(this.rhythms);
  }

  key(e: WedgeKey): WedgeAction {
    if (MODIFIERS.has(e.key)) return PASS;
    const chord = e.ctrlKey === true || e.metaKey === true || e.altKey === true;
    if (!chord && this.terminators.has(e.key)) return this.terminate(e.timeMs);
    if (!chord && isText(e.key)) return this.text(e);
    const run = this.run;
    this.run = null;
    this.head = null;
    // Without a terminator any other key ends the code before it (Enter from a misconfigured scanner).
    return run !== null && this.terminators.size === 0 && e.timeMs - last(run) <= this.silenceMs() ? this.scanOf(run, [], true) : PASS;
  }

  /** When to call `flush` if no key comes first (a run may end, or turn out cut, by silence). */
  deadline(): number | null {
    const run = this.run;
    if (run !== null) return last(run) + (this.terminators.size === 0 ? this.silenceMs() : this.cutWindowMs);
    return this.head !== null ? last(this.head) + this.cutWindowMs : null;
  }

  /** Silence until `nowMs`: ends a terminator-less burst, or reports a head whose tail never came. */
  flush(nowMs: number): WedgeAction {
    if (this.terminators.size === 0) {
      const run = this.run;
      if (run === null || nowMs - last(run) < this.silenceMs()) return PASS;
      this.run = null;
      return this.scanOf(run, [], false);
    }
    const run = this.run;
    if (run !== null) {
      if (nowMs - last(run) < this.cutWindowMs) return PASS;
      this.settle();
    }
    const head = this.head;
    if (head === null || nowMs - last(head) < this.cutWindowMs) return PASS;
    this.head = null;
    return { type: 'cut', text: textOf(head), removeFromField: fieldOf(head), preventKey: false };
  }

  /** Forget the current run (window blur, screen change). Nothing was held back, so nothing is lost. */
  reset(): void {
    this.run = null;
    this.head = null;
  }

  private text(e: WedgeKey): WedgeAction {
    const k: Key = { c: e.key, t: e.timeMs, field: e.targetIsEditable };
    const run = this.run;
    if (run !== null && e.timeMs - last(run) >= 0 && e.timeMs - last(run) <= this.gapLimit()) {
      run.push(k);
      return PASS;
    }
    let out: WedgeAction = PASS;
    if (run !== null && this.terminators.size === 0) {
      // A terminator-less scanner's code ended by the gap: the key that broke it starts the next.
      this.run = null;
      out = this.scanOf(run, [], false);
    } else if (run !== null) this.settle();
    this.run = [k];
    return out;
  }

  /** The run ended without its terminator: keep it as a possible cut head, or drop it as typing. */
  private settle(): void {
    const run = this.run;
    this.run = null;
    this.head = run !== null && this.headLike(run) ? run : null;
  }

  /**
   * A run that can only be a scanner's: every gap under FAST_MS, or the learned rhythm of this
   * station's scanner (a person's even "the" at 60 ms is not taken for a slow scanner's head
   * until such a scanner has been seen).
   */
  private headLike(run: Run): boolean {
    const g = gaps(run);
    if (run.length < 3) return false;
    if (g.every((x) => x >= 0 && x <= FAST_MS)) return true;
    const r = this.rhythm();
    return r !== null && machineLike(g, this.maxGapMs) && Math.abs(median(g) - r) <= Math.max(10, 0.5 * r);
  }

  private terminate(timeMs: number): WedgeAction {
    let run = this.run;
    let head = this.head;
    this.run = null;
    this.head = null;
    if (run !== null && timeMs - last(run) > this.maxGapMs) {
      // The terminator came late: the burst before it stopped short, or was a person's typing.
      head = this.headLike(run) ? run : null;
      run = null;
    }
    const tailGaps = run === null ? [] : [...gaps(run), timeMs - last(run)];
    if (head !== null && this.isTailOf(head, run, tailGaps, timeMs)) {
      const both = [...head, ...(run ?? [])];
      return { type: 'cut', text: textOf(both), removeFromField: fieldOf(both), preventKey: true };
    }
    if (run === null) return PASS;
    // A person's typing just before a scan joins the run: the scan is its longest machine-like tail.
    // It starts at the scanner's rhythm: a key a person typed 40 ms before a 5 ms burst is not its head.
    for (let from = 0; from + this.minLength <= run.length; from += 1) {
      const tail = run.slice(from);
      if (from > 0 && !sameRhythm(gaps(tail.slice(0, 2))[0] ?? 0, median(gaps(tail)))) continue;
      const scan = this.scanOf(tail, [timeMs - last(run)], true);
      if (scan.type !== 'scan') continue;
      // Typed into a text box at a person's pace: a scan only at a rhythm this station's scanner has shown.
      if (scan.removeFromField !== '' && scan.rhythmMs > FAST_MS && !this.familiar(scan.rhythmMs)) return PASS;
      this.learn(scan.rhythmMs);
      return scan;
    }
    return PASS;
  }

  /** A terminator (with or without a tail) that finishes a cut head, not a scan of its own. */
  private isTailOf(head: Run, run: Run | null, tailGaps: number[], timeMs: number): boolean {
    const start = run?.[0]?.t ?? timeMs;
    if (start - last(head) > this.cutWindowMs || tailGaps.some((g) => g > this.maxGapMs)) return false;
    if (run === null || run.length < 2) return true;
    // A person's quick "abc" before a scanner's code is no head of it: the rhythms differ.
    const h = median(gaps(head));
    const t = median(tailGaps);
    return Math.abs(h - t) <= Math.max(10, 0.5 * Math.max(h, t));
  }

  private scanOf(run: Run, extraGaps: number[], preventKey: boolean): WedgeAction {
    const all = [...gaps(run), ...extraGaps];
    if (run.length < this.minLength || (all.length > 0 && !machineLike(all, this.maxGapMs))) return PASS;
    const rhythmMs = all.length > 0 ? median(all) : 0;
    // A terminator-less scanner's rhythm is learned here (a terminated burst's in `terminate`).
    if (this.terminators.size === 0) this.learn(rhythmMs);
    return { type: 'scan', text: textOf(run), removeFromField: fieldOf(run), rhythmMs, preventKey };
  }

  private familiar(rhythmMs: number): boolean {
    return this.rhythms.some((r) => r > FAST_MS && sameRhythm(rhythmMs, r));
  }

  private learn(rhythmMs: number): void {
    this.rhythms.push(rhythmMs);
    if (this.rhythms.length > LEARNED) this.rhythms.shift();
  }

  /** Without a terminator the gap ends the code, so it must be the learned silence, not the longest pause. */
  private gapLimit(): number {
    return this.terminators.size === 0 ? this.silenceMs() : this.maxGapMs;
  }

  private silenceMs(): number {
    const r = this.rhythm();
    return r === null ? this.maxGapMs : Math.min(this.maxGapMs, Math.max(20, 3 * r));
  }
}

/**
 * A machine's rhythm: every gap but at most one (a stall) under FAST_MS, or nearly every gap
 * (all but one in seven) close to their median and that median a scanner's (under two thirds
 * of the longest allowed gap). A person's gaps are uneven: a 35 ms pair among 60–120 ms ones.
 */
export function machineLike(gs: readonly number[], maxGapMs: number): boolean {
  if (gs.length === 0 || gs.some((g) => g < 0 || g > maxGapMs)) return false;
  if (gs.filter((g) => g > FAST_MS).length <= Math.min(1, gs.length - 1)) return true;
  const m = median(gs);
  if (m > (maxGapMs * 2) / 3) return false;
  return gs.filter((g) => sameRhythm(g, m)).length >= 0.85 * gs.length;
}

/** A gap within the jitter of a rhythm (8 ms, or 35 % of a slow one). */
function sameRhythm(gap: number, rhythmMs: number): boolean {
  return Math.abs(gap - rhythmMs) <= Math.max(8, 0.35 * rhythmMs);
}

function gaps(run: Run): number[] {
  return run.slice(1).map((k, i) => k.t - (run[i]?.t ?? k.t));
}

function last(run: Run): number {
  return run[run.length - 1]?.t ?? 0;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** One printable character (named keys like "Backspace" or "ArrowLeft" are longer). */
function isText(key: string): boolean {
  const chars = [...key];
  return chars.length === 1 && (chars[0] ?? '') >= ' ' && key !== '\u007f';
}
