import type { CureState } from '../../shared/domain.js';
import { RESOLUTION_WORDS, type Resolution } from '../../shared/cure/resolutions.js';

/** A cure case's next step as a button says it, and its key (with Alt). */
export const MOVE_WORDS: Record<CureState, { label: string; key: string }> = {
  FLAGGED: { label: 'Back to flagged', key: 'g' },
  NOTICE_SENT: { label: 'Notice sent to the voter', key: 'n' },
  CURE_RECEIVED: { label: 'Cure received from the voter', key: 'c' },
  CURED: { label: 'Cured', key: 'u' },
  NOT_CURED: { label: 'Not cured', key: 'x' },
  ACCEPTED: { label: 'Accept the ballot', key: 'a' },
  REJECTED: { label: 'Reject the ballot', key: 'j' },
};

export function resolutionWords(r: string): { label: string; key: string } {
  return RESOLUTION_WORDS[r as Resolution] ?? { label: r, key: '' };
}
