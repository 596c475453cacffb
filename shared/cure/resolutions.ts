import type { Verdict } from '../domain.js';

/** Resolutions a supervisor can give a problem scan, by verdict. */
export const PROBLEM_RESOLUTIONS = {
  LATE: ['accept-postmark', 'reject-late'],
  DUPLICATE: ['set-aside-duplicate'],
  SUPERSEDED: ['void'],
  CANCELLED: ['void', 'forward'],
  ALREADY_VOTED: ['void', 'refer'],
  UNKNOWN: ['forward', 'return-to-sender', 'rescanned'],
  WRONG_ELECTION: ['forward', 'return-to-sender'],
  WRONG_JURISDICTION: ['forward'],
  UNREADABLE: ['rescanned', 'keyed'],
} as const satisfies Record<Exclude<Verdict, 'ACCEPTED'>, readonly string[]>;

export type Resolution = (typeof PROBLEM_RESOLUTIONS)[keyof typeof PROBLEM_RESOLUTIONS][number];

/** What each resolution says on a button and in a report, and the key that gives it. */
export const RESOLUTION_WORDS: Record<Resolution, { label: string; key: string }> = {
  'accept-postmark': { label: 'Accept: postmarked in time', key: 'p' },
  'reject-late': { label: 'Reject as late', key: 'l' },
  'set-aside-duplicate': { label: 'Set aside as duplicate', key: 'd' },
  void: { label: 'Void the envelope', key: 'v' },
  forward: { label: 'Forward to the right office', key: 'f' },
  refer: { label: 'Refer for investigation', key: 'r' },
  'return-to-sender': { label: 'Return to sender', key: 't' },
  rescanned: { label: 'Scanned again', key: 's' },
  keyed: { label: 'Keyed in by hand', key: 'k' },
};

/** The resolutions that fit every one of these verdicts (a bulk action touches them all). */
export function commonResolutions(verdicts: readonly Verdict[]): Resolution[] {
  const lists = verdicts.filter((v): v is Exclude<Verdict, 'ACCEPTED'> => v !== 'ACCEPTED').map((v) => PROBLEM_RESOLUTIONS[v] as readonly Resolution[]);
  if (lists.length === 0 || lists.length < verdicts.length) return [];
  const [first = [], ...rest] = lists;
  return first.filter((r) => rest.every((l) => l.includes(r)));
}
