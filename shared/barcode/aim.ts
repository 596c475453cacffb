/**
 * AIM symbology identifiers (ISO/IEC 15424): a scanner may prefix what it read with `]`, a
 * symbology letter and a modifier, e.g. `]C0` for Code 128. We strip the prefix, name the
 * symbology (an office can restrict its label to some), and drop the scanner's line suffix.
 */

export interface AimParsed {
  /** The identifier as sent, e.g. `]C1`, or null when the text carries none. */
  aim: string | null;
  /** Our name for the symbology (`code128`, `gs1-128`, `qr`…), `unknown`, or null when no prefix. */
  symbology: string | null;
  /** The data after the prefix, without trailing CR, LF or Tab. */
  data: string;
}

interface SymbologyEntry {
  name: string;
  /** The modifiers ISO/IEC 15424 defines for the letter; any other is not this symbology. */
  modifiers: string;
}

/** Letters are case-sensitive: `]d` is Data Matrix, `]D` is not. */
const SYMBOLOGIES: Readonly<Record<string, SymbologyEntry>> = {
  A: { name: 'code39', modifiers: '01234567' },
  C: { name: 'code128', modifiers: '0124' },
  E: { name: 'ean-upc', modifiers: '01234' },
  F: { name: 'codabar', modifiers: '0124' },
  G: { name: 'code93', modifiers: '0' },
  I: { name: 'itf', modifiers: '0134' },
  L: { name: 'pdf417', modifiers: '012' },
  Q: { name: 'qr', modifiers: '0123456' },
  U: { name: 'maxicode', modifiers: '0123' },
  X: { name: 'other', modifiers: '0123456789ABCDEF' },
  d: { name: 'datamatrix', modifiers: '0123456' },
  e: { name: 'gs1-databar', modifiers: '0' },
  z: { name: 'aztec', modifiers: '0123456789ABC' },
};

/** `]C1` is Code 128 with FNC1 in first position: the GS1-128 application standard. */
const GS1_128 = ']C1';

const AIM_PATTERN = /^\][A-Za-z][0-9A-Za-z]/;
const SUFFIX_PATTERN = /[\r\n\t]+$/;

export function stripScannerSuffix(text: string): string {
  return text.replace(SUFFIX_PATTERN, '');
}

export function parseAim(text: string): AimParsed {
  const data = stripScannerSuffix(text);
  const match = AIM_PATTERN.exec(data);
  if (!match) return { aim: null, symbology: null, data };
  const aim = match[0];
  return { aim, symbology: symbologyOf(aim), data: data.slice(aim.length) };
}

function symbologyOf(aim: string): string {
  if (aim === GS1_128) return 'gs1-128';
  const letter = aim.charAt(1);
  const entry = Object.hasOwn(SYMBOLOGIES, letter) ? SYMBOLOGIES[letter] : undefined;
  return entry?.modifiers.includes(aim.charAt(2)) ? entry.name : 'unknown';
}
