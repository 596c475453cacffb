/**
 * HID Usage Tables, Keyboard/Keypad page (0x07), read as a US English keyboard: usage ID →
 * [character without Shift, character with Shift]. Source: USB-IF "HID Usage Tables" 1.12 §10
 * "Keyboard/Keypad Page (0x07)" (same IDs in HUT 1.3+), whose usage names give the US legends
 * ("Keyboard 1 and !", "Keyboard ; and :"…). Scanners in keyboard mode are set to "USA
 * keyboard" by default; another keyboard country setting on the scanner would need its own table.
 *
 * Keypad keys are read as if Num Lock were on (scanners that type on the keypad expect it).
 */

export const ENTER = 0x28;
export const KEYPAD_ENTER = 0x58;
export const TAB = 0x2b;

/** ErrorRollOver, POSTFail, ErrorUndefined: a report full of these says nothing about keys. */
export const isKeyboardErrorUsage = (u: number): boolean => u >= 0x01 && u <= 0x03;

/** LeftControl … RightGUI (0xE0–0xE7); bit i of the boot report's modifier byte is usage 0xE0 + i. */
export const isModifierUsage = (u: number): boolean => u >= 0xe0 && u <= 0xe7;

const DIGITS = '1234567890';
const DIGITS_SHIFTED = '!@#$%^&*()';

function build(): ReadonlyMap<number, readonly [string, string]> {
  const m = new Map<number, readonly [string, string]>();
  for (let i = 0; i < 26; i++) {
    const c = String.fromCharCode(0x61 + i);
    m.set(0x04 + i, [c, c.toUpperCase()]);
  }
  for (let i = 0; i < 10; i++) m.set(0x1e + i, [DIGITS.charAt(i), DIGITS_SHIFTED.charAt(i)]);
  const rest: [number, string, string][] = [
    [ENTER, '\r', '\r'],
    [TAB, '\t', '\t'],
    [0x2c, ' ', ' '],
    [0x2d, '-', '_'],
    [0x2e, '=', '+'],
    [0x2f, '[', '{'],
    [0x30, ']', '}'],
    [0x31, '\\', '|'],
    [0x32, '#', '~'], // Non-US # and ~
    [0x33, ';', ':'],
    [0x34, "'", '"'],
    [0x35, '`', '~'],
    [0x36, ',', '<'],
    [0x37, '.', '>'],
    [0x38, '/', '?'],
    [0x54, '/', '/'],
    [0x55, '*', '*'],
    [0x56, '-', '-'],
    [0x57, '+', '+'],
    [KEYPAD_ENTER, '\r', '\r'],
    [0x63, '.', '.'],
    [0x64, '\\', '|'], // Non-US \ and |
    [0x67, '=', '='],
  ];
  for (const [u, plain, shifted] of rest) m.set(u, [plain, shifted]);
  for (let i = 0; i < 9; i++) m.set(0x59 + i, [String(i + 1), String(i + 1)]);
  m.set(0x62, ['0', '0']);
  return m;
}

export const US_KEYBOARD: ReadonlyMap<number, readonly [string, string]> = build();
