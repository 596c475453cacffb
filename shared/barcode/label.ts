/**
 * The office's own envelope label (Code 128, Code 39, a 2D code…) and the rule it follows:
 * an optional prefix, a length, a character set, a check digit, and whether the ID is the
 * ballot's or the voter's (NC envelopes carry the voter's number; the station then finds
 * that voter's current ballot). The prefix is matched first; length, character set and
 * check digit apply to what follows it.
 */
import { z } from 'zod';
import { err, ok, throwIllegalValue, type Result } from '../result.js';
import { CHECK_DIGIT_SCHEMES, CODE39_CHARSET, computeCheckDigit, splitCheckDigit } from './checkdigit.js';
import { describeChar, isPrintableAscii } from './text.js';

export const LABEL_CHARSETS = ['digits', 'alnum', 'code39'] as const;
export type LabelCharset = (typeof LABEL_CHARSETS)[number];
export type LabelCarries = 'ballot' | 'voter';

/** Without an office rule, any printable ASCII ID of this many characters is a ballot label. */
export const GENERIC_LABEL_MIN = 4;
export const GENERIC_LABEL_MAX = 40;
const MAX_RULE_LENGTH = 100;

const length = z.number().int().min(1).max(MAX_RULE_LENGTH);

export const labelRuleSchema = z
  .object({
    prefix: z
      .string()
      .min(1)
      .max(20)
      .refine((p) => [...p].every(isPrintableAscii), 'a label prefix must be printable ASCII')
      .optional(),
    /** Default true: the ID looked up is the label as printed, prefix included. */
    keepPrefix: z.boolean().optional(),
    length: length.optional(),
    minLength: length.optional(),
    maxLength: length.optional(),
    charset: z.enum(LABEL_CHARSETS),
    checkDigit: z.enum(['none', ...CHECK_DIGIT_SCHEMES]),
    carries: z.enum(['ballot', 'voter']),
    /** Accepted symbologies (names from parseAim) when the scanner sends an AIM prefix. */
    symbologies: z.array(z.string().min(1).max(40)).min(1).optional(),
  })
  .strict()
  .refine((r) => r.length === undefined || (r.minLength === undefined && r.maxLength === undefined), {
    message: 'give either length or minLength/maxLength, not both',
    path: ['length'],
  })
  .refine((r) => r.minLength === undefined || r.maxLength === undefined || r.minLength <= r.maxLength, {
    message: 'minLength must not exceed maxLength',
    path: ['minLength'],
  });

export type LabelRule = z.infer<typeof labelRuleSchema>;

export interface LabelId {
  id: string;
  carries: LabelCarries;
}

function inCharset(char: string, charset: LabelCharset): boolean {
  switch (charset) {
    case 'digits':
      return /^[0-9]$/.test(char);
    case 'alnum':
      return /^[A-Za-z0-9]$/.test(char);
    case 'code39':
      return char.length === 1 && CODE39_CHARSET.includes(char);
    default:
      return throwIllegalValue(charset, 'label charset');
  }
}

/** Checks a scanned label against the office's rule (or, with none, the generic shape). */
export function checkLabel(data: string, symbology: string | null, rule: LabelRule | null): Result<LabelId> {
  if (rule === null) return checkGeneric(data);
  if (symbology !== null && rule.symbologies !== undefined && !rule.symbologies.includes(symbology))
    return err(`label symbology ${symbology} is not accepted (accepted: ${rule.symbologies.join(', ')})`);
  const prefix = rule.prefix ?? '';
  if (!data.startsWith(prefix)) return err(`label must start with '${prefix}'`);
  const body = data.slice(prefix.length);
  const checked = checkBody(body, rule, prefix === '' ? '' : ` after the prefix '${prefix}'`);
  if (!checked.ok) return checked;
  return ok({ id: (rule.keepPrefix ?? true) ? data : body, carries: rule.carries });
}

function checkGeneric(data: string): Result<LabelId> {
  const chars = [...data];
  if (chars.length < GENERIC_LABEL_MIN || chars.length > GENERIC_LABEL_MAX)
    return err(
      `label length ${chars.length}, expected ${GENERIC_LABEL_MIN} to ${GENERIC_LABEL_MAX} characters`,
    );
  const bad = chars.find((char) => !isPrintableAscii(char));
  if (bad !== undefined)
    return err(`character ${describeChar(bad)} not allowed in a label (printable ASCII only)`);
  return ok({ id: data, carries: 'ballot' });
}

function checkBody(body: string, rule: LabelRule, where: string): Result<string> {
  const chars = [...body];
  if (chars.length === 0) return err(`label is empty${where}`);
  const lengthError = checkLength(chars.length, rule);
  if (lengthError !== null) return err(`${lengthError}${where}`);
  // The check character is judged by its scheme (mod11 may give 'X', mod43 any Code 39 character).
  const payload = rule.checkDigit === 'none' ? chars : chars.slice(0, -1);
  const bad = payload.find((char) => !inCharset(char, rule.charset));
  if (bad !== undefined)
    return err(
      `character ${describeChar(bad)} not allowed in ${rule.charset === 'alnum' ? 'an' : 'a'} ${rule.charset} label`,
    );
  if (rule.checkDigit === 'none') return ok(body);
  const { body: checkedPart, check } = splitCheckDigit(body);
  const computed = computeCheckDigit(rule.checkDigit, checkedPart);
  if (!computed.ok) return err(`label ${computed.error}`);
  if (computed.value !== check)
    return err(
      `label check digit ${showCheck(check)} does not match computed ${showCheck(computed.value)} (${rule.checkDigit})`,
    );
  return ok(body);
}

function checkLength(actual: number, rule: LabelRule): string | null {
  if (rule.length !== undefined && actual !== rule.length)
    return `label length ${actual}, expected ${rule.length}`;
  if (rule.minLength !== undefined && actual < rule.minLength)
    return `label length ${actual}, expected at least ${rule.minLength}`;
  if (rule.maxLength !== undefined && actual > rule.maxLength)
    return `label length ${actual}, expected at most ${rule.maxLength}`;
  return null;
}

/** A check character as printed; quoted only when it would otherwise be invisible (space) or unsafe. */
function showCheck(char: string): string {
  return isPrintableAscii(char) && char !== ' ' ? char : describeChar(char);
}
