/**
 * What every scanner decoder (serial line framer, HID POS report assembler, HID keyboard
 * report decoder) shares: bytes in, finished codes or clear errors out. Pure: the clock
 * comes in as an argument, so the device wrappers and the tests decide it.
 */
import type { Result } from '../result.js';

export interface Decoded {
  text: string;
  /** The AIM symbology identifier (ISO/IEC 15424, e.g. `]C0`) when the device sent it apart from the data. */
  symbology?: string;
}

export interface FrameError {
  /** For the clerk and the log: what went wrong, in a sentence. */
  reason: string;
  /** What had arrived of the code (possibly empty), so the record shows what was dropped. */
  partial: string;
}

export type DecodedFrame = Result<Decoded, FrameError>;

export interface ScanDecoder {
  /** One chunk as it came from the device: a serial read or one HID input report. */
  push(chunk: Uint8Array, nowMs: number): DecodedFrame[];
  /** Ends what a quiet spell ends (a code without terminator, a stale partial). */
  flush(nowMs: number): DecodedFrame[];
  /** When `flush` has something to do next, or null while nothing is pending. */
  deadline(): number | null;
  /** Drops whatever is half-received (unplug, stop), reporting it when anything was pending. */
  reset(reason: string): DecodedFrame[];
}

/**
 * Bytes to text, one byte to one character (ISO-8859-1). Scanners send ASCII; latin1 is the
 * one decoding that cannot fail or merge: a byte above 0x7F (wrong baud rate, a scanner set to
 * another code page) still comes out as one visible character that gets recorded, a chunk
 * boundary can never split a character, and nothing turns into U+FFFD as with UTF-8.
 * (TextDecoder('latin1') is really windows-1252 in the WHATWG spec, hence fromCharCode.)
 */
export function latin1(bytes: ArrayLike<number>): string {
  const all = Array.from(bytes);
  let text = '';
  // fromCharCode takes its bytes as arguments: chunks keep a 2D code's kilobytes off the stack limit.
  for (let i = 0; i < all.length; i += 4096) text += String.fromCharCode(...all.slice(i, i + 4096));
  return text;
}
