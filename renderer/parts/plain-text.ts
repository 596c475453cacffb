import { CURE_CODE_WORDS, CURE_STATE_WORDS, localDate, localDateTime, plainText, VERDICT_WORDS } from '../words.js';

const CODE = /\b[A-Z][A-Z_]{2,}[A-Z]\b/g;
const WORDS: Record<string, string> = { ...VERDICT_WORDS, ...CURE_CODE_WORDS, ...CURE_STATE_WORDS };

/**
 * A history line or reason written by the station for its log, made readable: ISO instants as
 * local times (words.ts's plainText), verdict, cure-code and cure-state codes as the staff's words.
 */
export function historyText(s: string): string {
  return plainText(s).replace(CODE, (c) => (WORDS[c] ? WORDS[c].toLowerCase() : c)).replace(/→/g, ' → ');
}

/** When something happened: a date alone (a ballot's issue date) has no time of day to show. */
export function whenWords(at: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(at) ? localDate(`${at}T12:00:00`) : localDateTime(at);
}
