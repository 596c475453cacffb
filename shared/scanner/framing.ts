/**
 * Line framing for scanners that send a byte stream (RS-232, USB-CDC, and the HID keyboard
 * decoder once it has turned key presses into characters). Reads arrive in arbitrary pieces:
 * a code split over several reads, several codes in one read, a CRLF split between two reads.
 * The framer only ever emits whole codes or one clear error per broken code; it never glues
 * the tail of one code to the head of the next.
 *
 * - Terminator: CR, LF, CRLF (either ends a code; the pair yields one code), Tab, ANY (CR, LF
 *   or Tab), or NONE, where a quiet spell of `interCharTimeoutMs` ends a code.
 * - Empty lines are no codes (the LF of a CRLF, a scanner's stray terminator).
 * - Control bytes are line noise or framing (NUL, STX/ETX, XON/XOFF, BEL, EOT…) and are dropped,
 *   except FS, GS, RS and US (0x1C–0x1F): those separate fields in GS1 and ISO/IEC 15434 data
 *   carried by 2D codes, so they are data.
 * - A code longer than `maxLength` yields one error, then everything is dropped up to the next
 *   terminator (or quiet spell): the framer resynchronises instead of cutting the code in two.
 * - In terminated modes, a partial code left `staleAfterMs` without its terminator is dropped
 *   with an error, so a half-sent code never becomes the head of the next scan.
 * - The configured prefix and suffix are removed when present.
 */
import { err, ok } from '../result.js';
import { latin1, type DecodedFrame, type ScanDecoder } from './decoder.js';

export const TERMINATORS = ['CR', 'LF', 'CRLF', 'TAB', 'ANY', 'NONE'] as const;
export type Terminator = (typeof TERMINATORS)[number];

export interface FramerOptions {
  terminator?: Terminator;
  prefix?: string;
  suffix?: string;
  maxLength?: number;
  /** NONE only: this long without a byte ends the code. */
  interCharTimeoutMs?: number;
  /** Terminated modes: a partial code this old without its terminator is dropped and reported. */
  staleAfterMs?: number;
}

export const FRAMER_DEFAULTS = {
  terminator: 'CR',
  prefix: '',
  suffix: '',
  maxLength: 512,
  interCharTimeoutMs: 50,
  staleAfterMs: 2000,
} as const satisfies Required<FramerOptions>;

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const FS = 0x1c;
const US = 0x1f;
const DEL = 0x7f;

export function terminatorBytes(t: Terminator): ReadonlySet<number> {
  switch (t) {
    case 'CR':
      return new Set([CR]);
    case 'LF':
      return new Set([LF]);
    case 'CRLF':
      return new Set([CR, LF]);
    case 'TAB':
      return new Set([TAB]);
    case 'ANY':
      return new Set([CR, LF, TAB]);
    case 'NONE':
      return new Set();
  }
}

/** Bytes that are never data: C0 controls other than the field separators, and DEL. */
export function isDroppedControl(b: number): boolean {
  return (b < 0x20 && !(b >= FS && b <= US)) || b === DEL;
}

export class LineFramer implements ScanDecoder {
  private readonly opts: Required<FramerOptions>;
  private readonly ends: ReadonlySet<number>;
  private buf: number[] = [];
  /** Set after an over-long code was reported: drop bytes until the code's end. */
  private discarding = false;
  private lastByteAt: number | null = null;

  constructor(options: FramerOptions = {}) {
    this.opts = { ...FRAMER_DEFAULTS, ...stripUndefined(options) };
    if (!Number.isInteger(this.opts.maxLength) || this.opts.maxLength < 1)
      throw new Error('maxLength must be a positive integer');
    this.ends = terminatorBytes(this.opts.terminator);
  }

  feed(bytes: Uint8Array, nowMs: number): DecodedFrame[] {
    return this.push(bytes, nowMs);
  }

  push(bytes: Uint8Array, nowMs: number): DecodedFrame[] {
    const out = this.flush(nowMs);
    for (const b of bytes) {
      if (this.ends.has(b)) out.push(...this.endOfCode());
      else if (!isDroppedControl(b) && !this.discarding) out.push(...this.append(b));
    }
    if (bytes.length > 0) this.lastByteAt = nowMs;
    return out;
  }

  flush(nowMs: number): DecodedFrame[] {
    const due = this.deadline();
    if (due === null || nowMs < due) return [];
    return this.quietSpell();
  }

  deadline(): number | null {
    if (!this.pending() || this.lastByteAt === null) return null;
    const wait = this.opts.terminator === 'NONE' ? this.opts.interCharTimeoutMs : this.opts.staleAfterMs;
    return this.lastByteAt + wait;
  }

  reset(reason: string): DecodedFrame[] {
    const partial = latin1(this.buf);
    const hadPartial = this.buf.length > 0;
    this.clear();
    return hadPartial ? [err({ reason: `${reason}: partial code dropped`, partial })] : [];
  }

  private pending(): boolean {
    return this.buf.length > 0 || this.discarding;
  }

  private clear(): void {
    this.buf = [];
    this.discarding = false;
  }

  private append(b: number): DecodedFrame[] {
    if (this.buf.length < this.opts.maxLength) {
      this.buf.push(b);
      return [];
    }
    const partial = latin1(this.buf);
    this.buf = [];
    this.discarding = true;
    const until = this.opts.terminator === 'NONE' ? 'a pause' : 'the next terminator';
    return [
      err({ reason: `code longer than ${this.opts.maxLength} characters: dropped up to ${until}`, partial }),
    ];
  }

  private endOfCode(): DecodedFrame[] {
    if (this.discarding) {
      this.clear();
      return [];
    }
    if (this.buf.length === 0) return [];
    const raw = latin1(this.buf);
    this.clear();
    return [this.finish(raw)];
  }

  private quietSpell(): DecodedFrame[] {
    if (this.opts.terminator === 'NONE') return this.endOfCode();
    if (this.discarding) {
      this.clear();
      return [];
    }
    const partial = latin1(this.buf);
    this.clear();
    return [err({ reason: `code without its terminator (${this.opts.terminator}): dropped`, partial })];
  }

  private finish(raw: string): DecodedFrame {
    let text = raw;
    const { prefix, suffix } = this.opts;
    if (prefix !== '' && text.startsWith(prefix)) text = text.slice(prefix.length);
    if (suffix !== '' && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    if (text === '') return err({ reason: 'empty code once prefix and suffix are removed', partial: raw });
    return ok({ text });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
