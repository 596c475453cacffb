/**
 * Keyboard-emulation scanners read directly as HID devices (node-hid), so a scan reaches the
 * station even when its window does not have the focus.
 *
 * Reports are boot keyboard reports: USB-IF "Device Class Definition for HID" 1.11, Appendix
 * B.1 "Protocol 1 (Keyboard)": byte 0 the modifiers (bit 0 LeftControl, 1 LeftShift, 2 LeftAlt,
 * 3 LeftGUI, 4 RightControl, 5 RightShift, 6 RightAlt, 7 RightGUI), byte 1 reserved, bytes 2–7
 * up to six key usages from the Keyboard/Keypad page (see hid-keyboard-usages.ts).
 * A key is pressed when it appears in a report and was not in the previous one; holding it
 * does not repeat, and the same letter twice needs a release (a report without it) between.
 * Shift gives upper case and symbols; Control with @, A–Z, [, \, ], ^ or _ gives the control
 * character (0x00–0x1F), which is how scanners in "Control + ASCII" mode send GS and friends.
 * Alt and GUI chords are not text (Alt + keypad digit entry is not supported).
 * The characters then go through the same line framer as serial data: Enter and/or Tab end a code.
 */
import type { DecodedFrame, ScanDecoder } from './decoder.js';
import { LineFramer, type Terminator } from './framing.js';
import { isKeyboardErrorUsage, isModifierUsage, US_KEYBOARD } from './hid-keyboard-usages.js';

export const KEYBOARD_TERMINATORS = ['enter', 'tab', 'enter-or-tab', 'none'] as const;
export type KeyboardTerminator = (typeof KEYBOARD_TERMINATORS)[number];

const SHIFT_BITS = 0x02 | 0x20;
const CONTROL_BITS = 0x01 | 0x10;
const ALT_GUI_BITS = 0x04 | 0x08 | 0x40 | 0x80;

/** Boot keyboard reports → the characters they type. Keeps the previous report's keys. */
export class BootKeyboardReader {
  private previous: number[] = [];

  /** `reportId`: set when the device prefixes its keyboard reports with a report ID byte. */
  constructor(private readonly reportId: number | null = null) {}

  chars(report: Uint8Array): string {
    const r = this.reportId === null ? report : report[0] === this.reportId ? report.subarray(1) : null;
    if (r === null || r.length < 8) return '';
    const keys = Array.from(r.subarray(2, 8));
    // A rollover report carries no key state: keep the previous one, type nothing.
    if (keys.some(isKeyboardErrorUsage)) return '';
    const modifiers = keys.filter(isModifierUsage).reduce((m, u) => m | (1 << (u - 0xe0)), r[0] ?? 0);
    const pressed = keys.filter((u) => u !== 0 && !isModifierUsage(u) && !this.previous.includes(u));
    this.previous = keys;
    return pressed.map((u) => charOf(u, modifiers)).join('');
  }

  reset(): void {
    this.previous = [];
  }
}

function charOf(usage: number, modifiers: number): string {
  const legend = US_KEYBOARD.get(usage);
  if (legend === undefined || (modifiers & ALT_GUI_BITS) !== 0) return '';
  const c = (modifiers & SHIFT_BITS) !== 0 ? legend[1] : legend[0];
  if ((modifiers & CONTROL_BITS) === 0) return c;
  const code = c.toUpperCase().charCodeAt(0);
  return code >= 0x40 && code <= 0x5f ? String.fromCharCode(code - 0x40) : '';
}

function framerTerminator(t: KeyboardTerminator): Terminator {
  switch (t) {
    case 'enter':
      return 'CR';
    case 'tab':
      return 'TAB';
    case 'enter-or-tab':
      return 'ANY';
    case 'none':
      return 'NONE';
  }
}

export interface HidKeyboardOptions {
  terminator?: KeyboardTerminator;
  maxLength?: number;
  reportId?: number | null;
  interCharTimeoutMs?: number;
  staleAfterMs?: number;
}

export class HidKeyboardDecoder implements ScanDecoder {
  private readonly reader: BootKeyboardReader;
  private readonly framer: LineFramer;

  constructor(opts: HidKeyboardOptions = {}) {
    this.reader = new BootKeyboardReader(opts.reportId ?? null);
    this.framer = new LineFramer({
      terminator: framerTerminator(opts.terminator ?? 'enter-or-tab'),
      maxLength: opts.maxLength,
      interCharTimeoutMs: opts.interCharTimeoutMs,
      staleAfterMs: opts.staleAfterMs,
    });
  }

  push(report: Uint8Array, nowMs: number): DecodedFrame[] {
    const typed = this.reader.chars(report);
    return this.framer.push(
      Uint8Array.from(typed, (c) => c.charCodeAt(0)),
      nowMs,
    );
  }

  flush(nowMs: number): DecodedFrame[] {
    return this.framer.flush(nowMs);
  }

  deadline(): number | null {
    return this.framer.deadline();
  }

  reset(reason: string): DecodedFrame[] {
    this.reader.reset();
    return this.framer.reset(reason);
  }
}
