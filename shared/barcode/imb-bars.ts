/**
 * USPS-B-3200 §2.2 steps 4–6 and their inverses: codewords with the orientation and CRC
 * information folded in, 13-bit characters, and the 65 bars.
 */
import { err, ok, type Result } from '../result.js';
import { CODEWORD_A_RANGE, CODEWORD_J_RANGE } from './imb-math.js';
import {
  BAR_SOURCES,
  CHARACTER_COUNT,
  characterOfCodeword,
  codewordOfCharacter,
  complement13,
  popcount13,
} from './imb-tables.js';

/** F full, A ascender only, D descender only, T tracker (neither). */
export type BarLetter = 'F' | 'A' | 'D' | 'T';

const FCS_TOP_BIT = 0x400;
const J_INDEX = CHARACTER_COUNT - 1;
const LETTERS = 'ABCDEFGHIJ';

/** Steps 4–6: codewords (A–J) and the frame check sequence to the bar string. */
export function codewordsToBars(codewords: readonly number[], fcs: number): string {
  const characters = codewords.map((codeword, index) => {
    // Step 4: J doubled marks the orientation; A carries the CRC's top bit as +659.
    let adjusted = codeword;
    if (index === J_INDEX) adjusted = codeword * 2;
    if (index === 0 && fcs & FCS_TOP_BIT) adjusted = codeword + CODEWORD_A_RANGE;
    // Step 5: the other ten CRC bits complement the characters, one each.
    const character = characterOfCodeword(adjusted);
    return (fcs >> index) & 1 ? complement13(character) : character;
  });
  return BAR_SOURCES.map(({ descender, ascender }) => {
    const down = (characters[descender.character] ?? 0) & (1 << descender.bit);
    const up = (characters[ascender.character] ?? 0) & (1 << ascender.bit);
    return barLetter(down !== 0, up !== 0);
  }).join('');
}

function barLetter(descender: boolean, ascender: boolean): BarLetter {
  if (descender) return ascender ? 'F' : 'D';
  return ascender ? 'A' : 'T';
}

/** The inverse of step 6: bars (upper-case F/A/D/T, 65 of them) to ten 13-bit characters. */
function barsToCharacters(bars: string): number[] {
  const characters = new Array<number>(CHARACTER_COUNT).fill(0);
  BAR_SOURCES.forEach(({ descender, ascender }, position) => {
    const letter = bars[position];
    if (letter === 'F' || letter === 'D')
      characters[descender.character] = (characters[descender.character] ?? 0) | (1 << descender.bit);
    if (letter === 'F' || letter === 'A')
      characters[ascender.character] = (characters[ascender.character] ?? 0) | (1 << ascender.bit);
  });
  return characters;
}

/** How far a reading got before it failed: used to pick the more telling of two orientations. */
export const DecodeStage = { Characters: 1, Codewords: 2, Crc: 3, Value: 4 } as const;
export type DecodeStage = (typeof DecodeStage)[keyof typeof DecodeStage];

export interface StagedError {
  stage: DecodeStage;
  error: string;
}

export interface BarReading {
  codewords: number[];
  fcs: number;
}

/** Inverse of steps 4–6: bars to codewords (A 0–658 … J 0–635) and the CRC they carry. */
export function barsToCodewords(bars: string): Result<BarReading, StagedError> {
  const characters = barsToCharacters(bars);
  const codewords: number[] = [];
  let fcs = 0;
  for (const [index, character] of characters.entries()) {
    const found = codewordOfCharacter(character);
    if (found === null) {
      const error = `IMb character ${LETTERS[index] ?? index} has ${popcount13(character)} of 13 bits set, so it is in neither the 5-of-13 nor the 2-of-13 table (a bar is damaged or misread)`;
      return err({ stage: DecodeStage.Characters, error });
    }
    if (found.complemented) fcs |= 1 << index;
    codewords.push(found.codeword);
  }
  return unfoldCodewords(codewords, fcs);
}

/** Inverse of step 4: takes the CRC's top bit out of A and the orientation out of J. */
function unfoldCodewords(raw: number[], fcsLow: number): Result<BarReading, StagedError> {
  const codewords = [...raw];
  let fcs = fcsLow;
  const a = codewords[0] ?? 0;
  if (a >= CODEWORD_A_RANGE) {
    fcs |= FCS_TOP_BIT;
    codewords[0] = a - CODEWORD_A_RANGE;
  }
  if ((codewords[0] ?? 0) >= CODEWORD_A_RANGE)
    return err({
      stage: DecodeStage.Codewords,
      error: `IMb codeword A is ${a}, out of range (at most ${2 * CODEWORD_A_RANGE - 1})`,
    });
  const j = codewords[J_INDEX] ?? 0;
  if (j % 2 !== 0)
    return err({
      stage: DecodeStage.Codewords,
      error: `IMb codeword J is ${j}, odd: the orientation mark is wrong`,
    });
  if (j / 2 >= CODEWORD_J_RANGE)
    return err({
      stage: DecodeStage.Codewords,
      error: `IMb codeword J is ${j}, out of range (at most ${2 * (CODEWORD_J_RANGE - 1)})`,
    });
  codewords[J_INDEX] = j / 2;
  return ok({ codewords, fcs });
}

/** A barcode read upside down: the bars in reverse order, ascenders and descenders swapped. */
export function turnBars(bars: string): string {
  return [...bars]
    .reverse()
    .map((letter) => (letter === 'A' ? 'D' : letter === 'D' ? 'A' : letter))
    .join('');
}
