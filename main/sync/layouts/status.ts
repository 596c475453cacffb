import type { CureCode, CureState } from '../../../shared/domain.js';
import type { BallotTraxStatus } from './ballottrax.js';
import type { FloridaRequestStatus } from './florida.js';

/**
 * From what the station knows of one ballot to the status words of the Florida layouts, so the
 * lead's export feeds plain facts and the mapping is decided (and tested) in one place.
 */
export interface BallotFacts {
  /** Cancelled in the roll (or by the state's change feed). */
  cancelled: boolean;
  /** Issued and sent to the voter. */
  mailed: boolean;
  /** Came back from USPS undelivered. */
  undeliverable: boolean;
  /**
   * The envelope's receipt, with the state of its cure case (null: no case was opened) and, for
   * an envelope scanned after the receipt deadline, the supervisor's decision on its postmark.
   */
  receipt: { cureState: CureState | null; late?: LateDecision } | null;
}

/** A LATE receipt: not yet decided, accepted on its postmark, or rejected as late. */
export type LateDecision = 'undecided' | 'accepted' | 'rejected';

/**
 * null: BallotTrax has no word for it; leave the ballot out of the file. That is a cancelled
 * ballot without a receipt, and a late envelope no supervisor has decided on yet: telling the
 * voter "Accepted" and then "Rejected" is worse than telling them nothing new until the decision.
 */
export function ballotTraxStatusFor(f: BallotFacts): BallotTraxStatus | null {
  if (f.receipt?.late === 'rejected') return 'Rejected';
  if (f.receipt?.late === 'undecided') return null;
  if (f.receipt) return receiptStatus(f.receipt.cureState);
  if (f.cancelled) return null;
  if (f.undeliverable) return 'Undeliverable';
  return f.mailed ? 'Outbound' : 'Requested';
}

function receiptStatus(state: CureState | null): BallotTraxStatus {
  switch (state) {
    case null:
    case 'CURED':
    case 'ACCEPTED':
      return 'Accepted';
    case 'FLAGGED':
    case 'NOTICE_SENT':
    case 'CURE_RECEIVED':
      return 'RejectedCurable';
    case 'NOT_CURED':
    case 'REJECTED':
      return 'Rejected';
  }
}

/** A ballot referred for a problem and then accepted after all. */
export function isReinstated(f: BallotFacts): boolean {
  if (f.receipt?.late === 'rejected') return false;
  const state = f.receipt?.cureState ?? null;
  return state === 'CURED' || state === 'ACCEPTED';
}

export function isSignatureRelatedReason(codes: readonly CureCode[]): boolean {
  return codes.includes('NO_VOTER_SIGNATURE') || codes.includes('SIGNATURE_MISMATCH');
}

/**
 * Only "C" is read from the rule's text; V, U, S and R carry the meanings usually given them in
 * published county files (see florida.ts). A returned ballot is "V" whatever its cure state:
 * the request file reports the request, and rejections travel in BallotTrax's file.
 */
export function floridaRequestStatusFor(f: BallotFacts): FloridaRequestStatus {
  if (f.cancelled) return 'C';
  if (f.receipt) return 'V';
  if (f.undeliverable) return 'U';
  return f.mailed ? 'S' : 'R';
}
