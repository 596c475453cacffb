/**
 * The station's canonical vocabulary (DOMAIN.md §2–§3). Every state profile and roll
 * layout maps its own words onto these.
 */

export const VERDICTS = [
  'ACCEPTED',
  'DUPLICATE',
  'UNKNOWN',
  'SUPERSEDED',
  'CANCELLED',
  'ALREADY_VOTED',
  'WRONG_ELECTION',
  'WRONG_JURISDICTION',
  'LATE',
  'UNREADABLE',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Where the clerk puts the envelope: drives colour and sound in the UI. */
export type VerdictClass = 'accept' | 'problem' | 'rescan';

export function verdictClass(v: Verdict): VerdictClass {
  switch (v) {
    case 'ACCEPTED':
      return 'accept';
    case 'UNREADABLE':
      return 'rescan';
    case 'DUPLICATE':
    case 'UNKNOWN':
    case 'SUPERSEDED':
    case 'CANCELLED':
    case 'ALREADY_VOTED':
    case 'WRONG_ELECTION':
    case 'WRONG_JURISDICTION':
    case 'LATE':
      return 'problem';
  }
}

export const CURE_CODES = [
  'NO_VOTER_SIGNATURE',
  'SIGNATURE_MISMATCH',
  'NO_WITNESS_SIGNATURE',
  'WITNESS_INFO_INCOMPLETE',
  'NO_DATE',
  'WRONG_DATE',
  'ENVELOPE_UNSEALED',
  'ENVELOPE_DAMAGED',
  'NO_BALLOT_IN_ENVELOPE',
  'MULTIPLE_BALLOTS',
  'WRONG_VOTER_ENVELOPE',
  'ID_REQUIRED',
] as const;
export type CureCode = (typeof CURE_CODES)[number];

export const CURE_STATES = ['FLAGGED', 'NOTICE_SENT', 'CURE_RECEIVED', 'CURED', 'NOT_CURED', 'ACCEPTED', 'REJECTED'] as const;
export type CureState = (typeof CURE_STATES)[number];

/** Status of an issued ballot in the roll. */
export const BALLOT_STATUSES = ['ISSUED', 'CANCELLED'] as const;
export type BallotStatus = (typeof BALLOT_STATUSES)[number];

/** How a roll row's ballot is voted: only MAIL ballots come back in envelopes. */
export const VOTE_METHODS = ['MAIL', 'IN_PERSON'] as const;
export type VoteMethod = (typeof VOTE_METHODS)[number];

export const ROLES = ['clerk', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];
