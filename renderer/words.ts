import type { CureCode, CureState, Verdict, VerdictClass } from '../shared/domain.js';

/**
 * The staff's words for the station's codes, and plain local times: one place for every screen.
 * A clerk reads "Already voted in person", never `ALREADY_VOTED`; a time reads "2:41 PM", never
 * an ISO stamp. Codes stay in data attributes and exports; only what people read comes from here.
 */

/** What the clerk sees for a verdict: short enough for the big panel, plain enough to act on. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  ACCEPTED: 'Accepted',
  DUPLICATE: 'Already received',
  UNKNOWN: 'Not on the roll',
  SUPERSEDED: 'Replaced by a newer ballot',
  CANCELLED: 'Ballot cancelled',
  ALREADY_VOTED: 'Already voted in person',
  WRONG_ELECTION: 'Wrong election',
  WRONG_JURISDICTION: 'Another county’s ballot',
  LATE: 'Arrived late',
  UNREADABLE: 'Unreadable: scan again',
};

/** Where the envelope goes next, said to the clerk under the verdict. */
export const VERDICT_ACTION: Record<Verdict, string> = {
  ACCEPTED: 'Put it in the tray.',
  DUPLICATE: 'Set it aside for the supervisor.',
  UNKNOWN: 'Set it aside for the supervisor.',
  SUPERSEDED: 'Set it aside: do not count it.',
  CANCELLED: 'Set it aside: do not count it.',
  ALREADY_VOTED: 'Set it aside for the supervisor.',
  WRONG_ELECTION: 'Set it aside for the supervisor.',
  WRONG_JURISDICTION: 'Set it aside to forward.',
  LATE: 'Set it aside for the supervisor.',
  UNREADABLE: 'Scan it again, or key in the number below.',
};

export function verdictWords(v: Verdict): string {
  return VERDICT_WORDS[v];
}

export const VERDICT_CLASS_WORDS: Record<VerdictClass, string> = {
  accept: 'accepted',
  problem: 'problem',
  rescan: 'scan again',
};

/** The staff's words for a cure problem (the voter's letter has its own, from the state profile). */
export const CURE_CODE_WORDS: Record<CureCode, string> = {
  NO_VOTER_SIGNATURE: 'No voter signature',
  SIGNATURE_MISMATCH: 'Signature does not match',
  NO_WITNESS_SIGNATURE: 'No witness signature',
  WITNESS_INFO_INCOMPLETE: 'Witness name or address missing',
  NO_DATE: 'No date',
  WRONG_DATE: 'Wrong date',
  ENVELOPE_UNSEALED: 'Envelope not sealed',
  ENVELOPE_DAMAGED: 'Envelope damaged',
  NO_BALLOT_IN_ENVELOPE: 'No ballot inside',
  MULTIPLE_BALLOTS: 'More than one ballot',
  WRONG_VOTER_ENVELOPE: 'Another voter’s envelope',
  ID_REQUIRED: 'ID required',
};

export function cureCodeWords(codes: readonly CureCode[]): string {
  return codes.map((c) => CURE_CODE_WORDS[c]).join(', ');
}

export const CURE_STATE_WORDS: Record<CureState, string> = {
  FLAGGED: 'Flagged',
  NOTICE_SENT: 'Notice sent',
  CURE_RECEIVED: 'Cure received',
  CURED: 'Cured',
  NOT_CURED: 'Not cured',
  ACCEPTED: 'Accepted',
  REJECTED: 'Rejected',
};

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2:41:07 PM": a scan's time, to the second (scans come seconds apart). */
export function localTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit', second: '2-digit' }) : '';
}

/** "Nov 3, 2026": a day. */
export function localDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? d.toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' }) : '';
}

/** "2:41 PM" today, else "Nov 3, 2:41 PM" (the year only when it is not this year). */
export function localDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return '';
  const time = d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return `today ${time}`;
  const sameYear = d.getFullYear() === now.getFullYear();
  const day = d.toLocaleDateString([], { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
  return `${day}, ${time}`;
}

/** "in 40 s", "in 3 min", "2 min ago": a moment near now, in words. */
export function relativeTime(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return '';
  const s = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(s);
  const amount = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  if (abs < 1) return 'now';
  return s > 0 ? `in ${amount}` : `${amount} ago`;
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;

/** A message from the station with any ISO instant in it said as a local time ("today 4:10 AM"). */
export function plainText(text: string, now: Date = new Date()): string {
  return text.replace(ISO_INSTANT, (iso) => localDateTime(iso, now) || iso);
}
