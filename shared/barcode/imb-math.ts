/**
 * The arithmetic of the Intelligent Mail barcode (USPS-B-3200 §2.2, steps 1–4 and their
 * inverses): routing code and tracking digits to one 102-bit number, its 11-bit CRC, and
 * the ten codewords. BigInt throughout, since the value does not fit a double.
 */
import { err, ok, type Result } from '../result.js';
import { CHARACTER_COUNT, CODEWORD_COUNT } from './imb-tables.js';

/**
 * Offsets that make the four routing-code lengths (0, 5, 9, 11 digits) land in disjoint
 * ranges, so the length is recoverable from the number alone (step 1).
 */
const ROUTING_5_BASE = 1n;
const ROUTING_9_BASE = ROUTING_5_BASE + 100_000n;
const ROUTING_11_BASE = ROUTING_9_BASE + 1_000_000_000n;
const ROUTING_LIMIT = ROUTING_11_BASE + 100_000_000_000n; // first number no routing code maps to

/** The tracking code's weight: 18 decimal digits, one base-5 digit, one decimal digit. */
const TRACKING_SPAN = 10n * 5n * 10n ** 18n;

/** Codeword A takes 659 values, B–I 1,365 each, J 636 (step 3). */
export const CODEWORD_A_RANGE = 659;
export const CODEWORD_J_RANGE = 636;
const MIDDLE_RANGE = BigInt(CODEWORD_COUNT);

export const BINARY_BITS = 102;

function routingToNumber(routing: string): bigint {
  switch (routing.length) {
    case 0:
      return 0n;
    case 5:
      return BigInt(routing) + ROUTING_5_BASE;
    case 9:
      return BigInt(routing) + ROUTING_9_BASE;
    case 11:
      return BigInt(routing) + ROUTING_11_BASE;
    default:
      throw new Error(`IMb routing code of ${routing.length} digits reached the encoder`);
  }
}

function numberToRouting(value: bigint): string | null {
  if (value === 0n) return '';
  if (value < ROUTING_9_BASE) return (value - ROUTING_5_BASE).toString().padStart(5, '0');
  if (value < ROUTING_11_BASE) return (value - ROUTING_9_BASE).toString().padStart(9, '0');
  if (value < ROUTING_LIMIT) return (value - ROUTING_11_BASE).toString().padStart(11, '0');
  return null;
}

/** Step 1. The caller has checked the digits (20 of tracking, 0/5/9/11 of routing, second digit 0–4). */
export function payloadToBinary(tracking: string, routing: string): bigint {
  let value = routingToNumber(routing);
  value = value * 10n + BigInt(tracking.slice(0, 1));
  value = value * 5n + BigInt(tracking.slice(1, 2)); // the barcode ID's second digit is 0–4
  value = value * 10n ** 18n + BigInt(tracking.slice(2));
  return value;
}

/** The inverse of step 1; fails when the number is too large for any routing code. */
export function binaryToPayload(value: bigint): Result<{ tracking: string; routing: string }> {
  const routing = numberToRouting(value / TRACKING_SPAN);
  if (routing === null) return err('IMb value out of range: its routing code would exceed 11 digits');
  let rest = value % TRACKING_SPAN;
  const tail = (rest % 10n ** 18n).toString().padStart(18, '0');
  rest /= 10n ** 18n;
  const second = rest % 5n;
  const first = rest / 5n;
  return ok({ tracking: `${first}${second}${tail}`, routing });
}

const CRC_POLYNOMIAL = 0xf35;
const CRC_TOP_BIT = 0x400;
const CRC_MASK = 0x7ff;

/**
 * Step 2: the 11-bit frame check sequence. The spec feeds the value as 13 bytes, skipping the
 * two padding bits at the top of the first byte, most significant bit first, from an all-ones
 * register with no final inversion; walking the 102 bits from the top is the same thing.
 */
export function crc11(value: bigint): number {
  let fcs = CRC_MASK;
  for (let bit = BINARY_BITS - 1; bit >= 0; bit--) {
    const dataBit = Number((value >> BigInt(bit)) & 1n);
    const feedback = (fcs & CRC_TOP_BIT ? 1 : 0) ^ dataBit;
    fcs = feedback ? ((fcs << 1) ^ CRC_POLYNOMIAL) & CRC_MASK : (fcs << 1) & CRC_MASK;
  }
  return fcs;
}

/** Step 3: mixed-radix digits, J (base 636) least significant, A (base 659) most. */
export function binaryToCodewords(value: bigint): number[] {
  const codewords = new Array<number>(CHARACTER_COUNT).fill(0);
  let rest = value;
  codewords[CHARACTER_COUNT - 1] = Number(rest % BigInt(CODEWORD_J_RANGE));
  rest /= BigInt(CODEWORD_J_RANGE);
  for (let index = CHARACTER_COUNT - 2; index >= 1; index--) {
    codewords[index] = Number(rest % MIDDLE_RANGE);
    rest /= MIDDLE_RANGE;
  }
  if (rest >= BigInt(CODEWORD_A_RANGE))
    throw new Error(`IMb binary value ${value} exceeds the codeword range`);
  codewords[0] = Number(rest);
  return codewords;
}

/** The inverse of step 3; the caller has checked each codeword's range. */
export function codewordsToBinary(codewords: readonly number[]): bigint {
  let value = 0n;
  codewords.forEach((codeword, index) => {
    const radix = index === CHARACTER_COUNT - 1 ? BigInt(CODEWORD_J_RANGE) : MIDDLE_RANGE;
    value = index === 0 ? BigInt(codeword) : value * radix + BigInt(codeword);
  });
  return value;
}
