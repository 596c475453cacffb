import { levelWords } from '../../shared/signatures/tiers.js';
import type { HistoryEvent } from '../intake/history.js';
import type { Store } from '../store/store.js';

const SAID: Record<string, string> = { match: 'signature matches', 'no-match': 'signature does not match', 'no-signature': 'no signature on the envelope', refer: 'referred' };

/** A ballot's signature-review decisions as history lines: who, when, at which level, how many signatures on file were shown, why. */
export function signatureHistory(store: Store, ballotId: string): HistoryEvent[] {
  return store.signatures.decisionsOfBallot(ballotId).map((r) => ({
    at: r.decided_at,
    event: 'signature' as const,
    seq: r.scan_seq,
    by: r.operator,
    detail: `signature review (${r.level === 'sample' ? 'blind sample' : levelWords(r.level)}): ${SAID[r.decision] ?? r.decision}; ${store.signatures.shownIn(r).length} signature(s) on file shown${r.reason ? ` — ${r.reason}` : ''}${r.cure_case_id ? `; cure case ${r.cure_case_id}` : ''}`,
  }));
}
