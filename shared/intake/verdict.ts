import type { BallotStatus, Verdict, VoteMethod } from '../domain.js';
import { isSpoiledForEarlyVote } from '../roll/status-words.js';

/** What the store found for a decoded scan; everything the verdict rules need, nothing more. */
export interface BallotFacts {
  ballotId: string;
  electionId: string;
  voterId: string;
  jurisdiction: string | null;
  status: BallotStatus;
  voteMethod: VoteMethod;
  votedOtherMethod: boolean;
  stateReturnedAt: string | null;
  sourceStatus: string | null;
}

export interface PriorReceipt {
  seq: number;
  ballotId: string;
  scannedAt: string;
  station: string;
  operator: string;
  scanner: string | null;
  batchId: string | null;
  batchNumber: number | null;
}

export interface StationRules {
  electionId: string | null;
  jurisdiction: string | null;
  /** ISO instant; a scan after it is LATE (a supervisor may still accept it on postmark). */
  receiptDeadline: string | null;
}

export interface VerdictInput {
  ballot: BallotFacts | null;
  /** Set when the lookup already knows why there is no usable ballot (e.g. a foreign mailer ID). */
  notFoundReason?: { verdict: 'UNKNOWN' | 'WRONG_JURISDICTION'; reason: string };
  rules: StationRules;
  priorReceipt: PriorReceipt | null;
  /** A newer MAIL ballot issued to the same voter for the same election. */
  newerBallot: { ballotId: string; issuedAt: string | null } | null;
  /** The voter voted in person (a roll row of the same election) or another ballot of theirs was received. */
  votedInPerson: boolean;
  otherBallotReceipt: PriorReceipt | null;
  scannedAt: string;
}

export interface VerdictDecision {
  verdict: Verdict;
  reason: string;
  /** True when this scan becomes the ballot's receipt (the envelope is taken in for it). */
  isReceipt: boolean;
}

function same(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.trim().toUpperCase() === b.trim().toUpperCase();
}

/**
 * The verdict rules of DOMAIN.md §2, in the order a supervisor would ask the questions:
 * is it ours at all, was it already received, is it still a live ballot, is it in time.
 * Exactly one verdict; the first rule that applies wins.
 */
export function decideVerdict(input: VerdictInput): VerdictDecision {
  const { ballot, rules } = input;
  if (!ballot) {
    const nf = input.notFoundReason ?? { verdict: 'UNKNOWN' as const, reason: 'no such ballot in the roll' };
    return { verdict: nf.verdict, reason: nf.reason, isReceipt: false };
  }
  if (rules.electionId !== null && ballot.electionId !== rules.electionId)
    return problem('WRONG_ELECTION', `ballot of election ${ballot.electionId}, this station receives ${rules.electionId}`);
  if (!same(ballot.jurisdiction, rules.jurisdiction))
    return problem('WRONG_JURISDICTION', `ballot of ${ballot.jurisdiction ?? '?'}, this office is ${rules.jurisdiction ?? '?'}`);
  if (ballot.voteMethod !== 'MAIL')
    return problem('ALREADY_VOTED', 'this roll entry is an in-person vote, not a mail ballot');
  const prior = input.priorReceipt;
  if (prior)
    return problem(
      'DUPLICATE',
      `already received ${prior.scannedAt} at ${prior.station} by ${prior.operator}` +
        (prior.batchNumber !== null ? `, batch ${prior.batchNumber}` : '') + ` (scan ${prior.seq})`,
    );
  if (ballot.stateReturnedAt !== null)
    return problem('DUPLICATE', `the state roll already records this ballot returned on ${ballot.stateReturnedAt} (${ballot.sourceStatus ?? 'returned'})`);
  if (ballot.status === 'CANCELLED') {
    const source = ballot.sourceStatus ? ` (${ballot.sourceStatus})` : '';
    // Cancelled because the voter voted in person (NC's SPOILED-EV): that is what the supervisor needs to know.
    if (isSpoiledForEarlyVote(ballot.sourceStatus))
      return problem('ALREADY_VOTED', `voted early in person (one-stop): the roll cancelled this mail ballot for it${source}`);
    if (ballot.votedOtherMethod || input.votedInPerson)
      return problem('ALREADY_VOTED', `the voter has a vote on record by another method; this mail ballot is cancelled in the roll${source}`);
    return problem('CANCELLED', `ballot cancelled in the roll${source}`);
  }
  if (input.newerBallot)
    return problem('SUPERSEDED', `void: ballot ${input.newerBallot.ballotId} was issued to this voter later${input.newerBallot.issuedAt ? ` (${input.newerBallot.issuedAt})` : ''}`);
  if (ballot.votedOtherMethod || input.votedInPerson)
    return problem('ALREADY_VOTED', 'the voter has a vote on record by another method');
  const other = input.otherBallotReceipt;
  if (other)
    return problem('ALREADY_VOTED', `the voter's ballot ${other.ballotId} was already received ${other.scannedAt} (scan ${other.seq})`);
  if (rules.receiptDeadline !== null && Date.parse(input.scannedAt) > Date.parse(rules.receiptDeadline))
    return { verdict: 'LATE', reason: `received after the deadline ${rules.receiptDeadline}: a supervisor decides on the postmark`, isReceipt: true };
  return { verdict: 'ACCEPTED', reason: 'issued, current, first receipt, in time', isReceipt: true };
}

function problem(verdict: Verdict, reason: string): VerdictDecision {
  return { verdict, reason, isReceipt: false };
}
