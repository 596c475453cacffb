import type { ReviewLevel, SignatureDecision } from '../../../shared/api/methods/signatures.js';
import { localDate } from '../../words.js';

/** The reviewer's words and keys for the four decisions (Alt+key: no barcode scanner sends one). */
export const DECISION_WORDS: Record<SignatureDecision, { label: string; key: string; past: string }> = {
  match: { label: 'Matches', key: 'm', past: 'matches' },
  'no-match': { label: 'Does not match', key: 'n', past: 'does not match' },
  'no-signature': { label: 'No signature', key: 's', past: 'no signature on the envelope' },
  refer: { label: 'Refer to a supervisor', key: 'r', past: 'referred to a supervisor' },
};

/** The tier the reviewer is working, as the office says it. */
export const LEVEL_WORDS: Record<ReviewLevel, string> = {
  first: 'First look',
  second: 'Second look',
  supervisor: 'Supervisor’s decision',
  'no-reference': 'No signature on file',
};

/** The tier an earlier decision was made at. */
export const EARLIER_LEVEL_WORDS: Record<string, string> = {
  '1': 'First look',
  '2': 'Second look',
  sample: 'Blind sample',
  supervisor: 'Supervisor',
  'no-reference': 'No signature on file',
};

/** "Signed Mar 4, 2022": a YYYY-MM-DD day in the local format (noon, so no time zone moves the day). */
export function dayWords(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? localDate(`${day}T12:00:00`) : day;
}

/** "92%" or "none yet". */
export function rateWords(rate: number | null): string {
  return rate === null ? 'none yet' : `${Math.round(rate * 1000) / 10}%`;
}
