import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from './decoder.js';
import { BootKeyboardReader, HidKeyboardDecoder } from './hid-keyboard.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)));
const texts = (frames: DecodedFrame[]): string[] =>
  frames.map((f) => (f.ok ? f.value.text : `!${f.error.reason}`));

const UP = hex('00 00 00 00 00 00 00 00');

/** What a scanner sends for "Ab1!" + Enter: each key pressed in one report, released in the next. */
const AB1_BANG_ENTER = [
  hex('02 00 04 00 00 00 00 00'), // LeftShift + a → A
  UP,
  hex('00 00 05 00 00 00 00 00'), // b
  UP,
  hex('00 00 1e 00 00 00 00 00'), // 1
  UP,
  hex('20 00 1e 00 00 00 00 00'), // RightShift + 1 → !
  UP,
  hex('00 00 28 00 00 00 00 00'), // Enter
  UP,
];

describe('BootKeyboardReader', () => {
  it('types what each report newly presses, with Shift', () => {
    const r = new BootKeyboardReader();
    expect(AB1_BANG_ENTER.map((rep) => r.chars(rep)).join('')).toBe('Ab1!\r');
  });

  it('a key held over several reports counts once; the same key twice needs a release', () => {
    const r = new BootKeyboardReader();
    const a = hex('00 00 04 00 00 00 00 00');
    expect([a, a, a].map((rep) => r.chars(rep)).join('')).toBe('a');
    expect([UP, a].map((rep) => r.chars(rep)).join('')).toBe('a');
  });

  it('rolled keys: a new key in a report that still holds the old one', () => {
    const r = new BootKeyboardReader();
    const reps = [
      hex('00 00 04 00 00 00 00 00'),
      hex('00 00 04 05 00 00 00 00'),
      hex('00 00 05 00 00 00 00 00'),
    ];
    expect(reps.map((rep) => r.chars(rep)).join('')).toBe('ab');
  });

  it('US symbols, keypad and Tab from the Keyboard/Keypad page', () => {
    const r = new BootKeyboardReader();
    const keys = [
      0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x2c, 0x59, 0x62, 0x63, 0x2b,
    ];
    const plain = keys.map((k) => r.chars(Uint8Array.of(0, 0, k, 0, 0, 0, 0, 0)) + r.chars(UP)).join('');
    expect(plain).toBe("-=[]\\;'`,./ 10.\t");
    const shifted = keys
      .slice(0, 11)
      .map((k) => r.chars(Uint8Array.of(0x02, 0, k, 0, 0, 0, 0, 0)) + r.chars(UP));
    expect(shifted.join('')).toBe('_+{}|:"~<>?');
  });

  it('Shift as a key usage in the array works like the modifier bit', () => {
    const r = new BootKeyboardReader();
    expect(r.chars(hex('00 00 e1 06 00 00 00 00'))).toBe('C');
  });

  it('Control + ] is GS (Control + ASCII mode); Alt chords are not text', () => {
    const r = new BootKeyboardReader();
    expect(r.chars(hex('01 00 30 00 00 00 00 00')) + r.chars(UP)).toBe('\x1d');
    expect(r.chars(hex('10 00 04 00 00 00 00 00')) + r.chars(UP)).toBe('\x01');
    expect(r.chars(hex('04 00 04 00 00 00 00 00')) + r.chars(UP)).toBe('');
    expect(r.chars(hex('01 00 1e 00 00 00 00 00')) + r.chars(UP)).toBe('');
  });

  it('ErrorRollOver reports type nothing and keep the previous state', () => {
    const r = new BootKeyboardReader();
    expect(r.chars(hex('00 00 04 00 00 00 00 00'))).toBe('a');
    expect(r.chars(hex('00 00 01 01 01 01 01 01'))).toBe('');
    expect(r.chars(hex('00 00 04 00 00 00 00 00'))).toBe('');
  });

  it('short reports and other report IDs are ignored; a configured report ID is stripped', () => {
    expect(new BootKeyboardReader().chars(hex('00 00 04'))).toBe('');
    const r = new BootKeyboardReader(1);
    expect(r.chars(hex('01 00 00 04 00 00 00 00 00'))).toBe('a');
    expect(r.chars(hex('03 00 00 05 00 00 00 00 00'))).toBe('');
  });
});

describe('HidKeyboardDecoder', () => {
  it('Enter ends a code', () => {
    const d = new HidKeyboardDecoder();
    expect(texts(AB1_BANG_ENTER.flatMap((rep, i) => d.push(rep, i)))).toEqual(['Ab1!']);
  });

  it('Tab ends a code in enter-or-tab mode but is dropped in enter mode', () => {
    const tabEnd = [hex('00 00 04 00 00 00 00 00'), UP, hex('00 00 2b 00 00 00 00 00'), UP];
    const both = new HidKeyboardDecoder({ terminator: 'enter-or-tab' });
    expect(texts(tabEnd.flatMap((rep, i) => both.push(rep, i)))).toEqual(['a']);
    const enterOnly = new HidKeyboardDecoder({ terminator: 'enter' });
    expect(texts(tabEnd.flatMap((rep, i) => enterOnly.push(rep, i)))).toEqual([]);
    expect(texts(enterOnly.push(hex('00 00 28 00 00 00 00 00'), 10))).toEqual(['a']);
  });

  it('reset after an unplug drops the partial and forgets held keys', () => {
    const d = new HidKeyboardDecoder();
    d.push(hex('00 00 04 00 00 00 00 00'), 0);
    expect(d.reset('scanner unplugged')).toEqual([
      { ok: false, error: { reason: 'scanner unplugged: partial code dropped', partial: 'a' } },
    ]);
    expect(
      texts(
        [hex('00 00 04 00 00 00 00 00'), hex('00 00 28 00 00 00 00 00')].flatMap((rep, i) => d.push(rep, i)),
      ),
    ).toEqual(['a']);
  });
});
