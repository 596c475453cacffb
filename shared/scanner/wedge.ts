/**
 * Keyboard wedge detection: telling a scanner's burst of keystrokes from a person typing, in
 * the renderer, from `keydown` events alone: no focused text box is needed.
 *
 * Design
 * - A scanner types a whole code in one burst, a few milliseconds per key, and ends it with
 *   Enter (or Tab). A person, even a fast typist, leaves 60–120 ms between keys on average and
 *   only now and then under 40 ms. So a *burst* is a run of at least `minLength` text keys,
 *   each within `maxGapMs` of the one before, ended by a terminator also within `maxGapMs`.
 * - Every text key is passed through, always: the detector never prevents a keystroke from
 *   reaching the focused field, so while a burst is still ambiguous nothing is held back, and if
 *   it never becomes a scan (no terminator, a gap, a shortcut, Backspace) nothing was taken.
 * - Only when a terminator completes a burst does the detector act, once: it returns a `scan`
 *   carrying the burst's text, and the exact characters the burst typed into an editable target
 *   (`removeFromField`). The caller prevents the terminator's default (no form submit, no focus
 *   move), removes those characters from just before the caret if they are there, and hands
 *   the text to intake. A terminator that completes no burst (a person's Enter) passes through.
 * - Modifier keys (the scanner's Shift for capitals) are neither text nor a break. Any other
 *   key, or a key with Control/Meta held, ends the run: that is a person editing.
 * - Pass `KeyboardEvent.timeStamp` as the time: it is when the key was delivered, so a busy
 *   renderer running the handler late does not stretch a scanner's gaps into a person's.
 *
 * Why no keystroke is ever lost (the tests check it over random timings): a text key is
 * appended to the field (it is never prevented) and to the current run. A run leaves the
 * field only as a `scan` whose `removeFromField` is exactly that run's field characters, and
 * whose `text` is handed on and recorded. So each keystroke ends up exactly once either in the
 * field or in a reported scan, in order. And a person's typing is never taken for a scan unless
 * they type `minLength` keys and Enter with every gap under `maxGapMs` (30 ms by default).
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
}

export type WedgeAction =
  | { type: 'pass' }
  | {
      type: 'scan';
      text: string;
      /** Prevent the terminator's default and delete these characters from just before the caret. */
      removeFromField: string;
    };

export interface WedgeOptions {
  maxGapMs?: number;
  minLength?: number;
  /** `KeyboardEvent.key` values that end a scan. */
  terminators?: readonly string[];
}

export const WEDGE_DEFAULTS = { maxGapMs: 30, minLength: 4, terminators: ['Enter', 'Tab'] } as const;

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'OS', 'CapsLock', 'NumLock', 'Fn']);
const PASS: WedgeAction = { type: 'pass' };

interface Run {
  text: string;
  inField: string;
  lastMs: number;
}

export class WedgeDetector {
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private readonly terminators: ReadonlySet<string>;
  private run: Run | null = null;

  constructor(opts: WedgeOptions = {}) {
    this.maxGapMs = opts.maxGapMs ?? WEDGE_DEFAULTS.maxGapMs;
    this.minLength = opts.minLength ?? WEDGE_DEFAULTS.minLength;
    this.terminators = new Set(opts.terminators ?? WEDGE_DEFAULTS.terminators);
  }

  key(e: WedgeKey): WedgeAction {
    if (MODIFIERS.has(e.key)) return PASS;
    const chord = e.ctrlKey === true || e.metaKey === true;
    if (!chord && this.terminators.has(e.key)) return this.terminate(e.timeMs);
    if (!chord && isText(e.key)) {
      this.text(e);
      return PASS;
    }
    this.run = null;
    return PASS;
  }

  /** Forget the current run (window blur, screen change). Nothing was held back, so nothing is lost. */
  reset(): void {
    this.run = null;
  }

  private text(e: WedgeKey): void {
    const inField = e.targetIsEditable ? e.key : '';
    const run = this.run;
    if (run !== null && this.within(run.lastMs, e.timeMs)) {
      this.run = { text: run.text + e.key, inField: run.inField + inField, lastMs: e.timeMs };
    } else {
      this.run = { text: e.key, inField, lastMs: e.timeMs };
    }
  }

  private terminate(timeMs: number): WedgeAction {
    const run = this.run;
    this.run = null;
    if (run === null || [...run.text].length < this.minLength || !this.within(run.lastMs, timeMs))
      return PASS;
    return { type: 'scan', text: run.text, removeFromField: run.inField };
  }

  private within(lastMs: number, nowMs: number): boolean {
    const gap = nowMs - lastMs;
    return gap >= 0 && gap <= this.maxGapMs;
  }
}

/** One printable character (named keys like "Backspace" or "ArrowLeft" are longer). */
function isText(key: string): boolean {
  const chars = [...key];
  return chars.length === 1 && (chars[0] ?? '') >= ' ' && key !== '\u007f';
}

/**
 * One-key shortcuts (the Scan screen's cure-flag digits) beside a keyboard-wedge scanner: a
 * scanner's burst types digits too, so a digit is a person's shortcut only if no key came just
 * before it and none comes just after. Feed every keydown to `key`; when it returns true, wait
 * a little longer than the gap and call `settle`, which gives the key back only if it stayed
 * alone. Times are `KeyboardEvent.timeStamp`s, as for the detector.
 */
export class LoneKey {
  private lastMs = Number.NEGATIVE_INFINITY;
  private pending: { key: string; timeMs: number } | null = null;

  constructor(private readonly maxGapMs: number = WEDGE_DEFAULTS.maxGapMs) {}

  /** Returns true when `key` is a shortcut candidate: it is one and nothing came just before it. */
  key(key: string, timeMs: number, isShortcut: boolean): boolean {
    if (MODIFIERS.has(key)) return false;
    if (this.pending && timeMs - this.pending.timeMs <= this.maxGapMs) this.pending = null;
    const alone = timeMs - this.lastMs > this.maxGapMs;
    this.lastMs = timeMs;
    if (!isShortcut || !alone) return false;
    this.pending = { key, timeMs };
    return true;
  }

  /** The candidate, if no key followed it within the gap; each candidate is given back once. */
  settle(): string | null {
    const p = this.pending;
    this.pending = null;
    return p ? p.key : null;
  }
}
