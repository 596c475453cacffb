import type { CureState } from '../domain.js';

/**
 * The cure lifecycle of DOMAIN.md §3: FLAGGED → NOTICE_SENT → CURE_RECEIVED → CURED | NOT_CURED,
 * then the supervisor's final ACCEPTED / REJECTED. A supervisor may also end a case early
 * (a flag raised in error is ACCEPTED; a voter who declines is REJECTED), always with a reason.
 */
const NEXT: Record<CureState, readonly CureState[]> = {
  FLAGGED: ['NOTICE_SENT', 'CURE_RECEIVED', 'NOT_CURED', 'ACCEPTED', 'REJECTED'],
  NOTICE_SENT: ['CURE_RECEIVED', 'NOT_CURED', 'ACCEPTED', 'REJECTED'],
  CURE_RECEIVED: ['CURED', 'NOT_CURED', 'NOTICE_SENT'],
  CURED: ['ACCEPTED'],
  NOT_CURED: ['REJECTED', 'ACCEPTED'],
  ACCEPTED: [],
  REJECTED: [],
};

/** Moves only the supervisor may make. */
const SUPERVISOR_ONLY: ReadonlySet<CureState> = new Set(['CURED', 'NOT_CURED', 'ACCEPTED', 'REJECTED']);

export function canMove(from: CureState, to: CureState): boolean {
  return NEXT[from].includes(to);
}

export function nextStates(from: CureState): readonly CureState[] {
  return NEXT[from];
}

export function needsSupervisor(to: CureState): boolean {
  return SUPERVISOR_ONLY.has(to);
}

export function isOpen(state: CureState): boolean {
  return state !== 'ACCEPTED' && state !== 'REJECTED';
}

/** What a ballot-tracking service shows for a case state (BallotTrax-like words). */
export function trackingStatus(state: CureState): 'flagged' | 'cured' | 'accepted' | 'rejected' {
  switch (state) {
    case 'FLAGGED':
    case 'NOTICE_SENT':
    case 'CURE_RECEIVED':
    case 'NOT_CURED':
      return 'flagged';
    case 'CURED':
      return 'cured';
    case 'ACCEPTED':
      return 'accepted';
    case 'REJECTED':
      return 'rejected';
  }
}
