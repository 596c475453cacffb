/** Small text helpers shared by the barcode readers. */

/** Printable ASCII, space to tilde: what a label may hold when the office sets no rule. */
export function isPrintableAscii(char: string): boolean {
  const code = char.codePointAt(0) ?? -1;
  return char.length === 1 && code >= 0x20 && code <= 0x7e;
}

/**
 * Names a character for an error message. Anything outside printable ASCII is shown as its
 * code point, so a control character never lands raw in a log line or on screen.
 */
export function describeChar(char: string): string {
  if (isPrintableAscii(char)) return `'${char}'`;
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first character that cannot be shown: controls (C0, DEL, C1), format characters,
 * lone surrogates, private-use and unassigned code points, and line/paragraph separators.
 * Returns its index in code points, or null.
 */
export function findNonPrintable(text: string): { index: number; char: string } | null {
  let index = 0;
  for (const char of text) {
    if (/[\p{C}\p{Zl}\p{Zp}]/u.test(char)) return { index, char };
    index += 1;
  }
  return null;
}
