import type { BallotStatus, VoteMethod } from '../domain.js';

/**
 * One issued ballot, normalised from any roll layout (station, nc-sbe, ga-sos, generic).
 * Strings are trimmed; absent values are null, never ''. Dates are ISO 8601 (YYYY-MM-DD,
 * or a full timestamp for issuedAt when the source has one).
 */
export interface RollRow {
  /** The station's ballot key: the file's ballot ID, or derived (NC: voter + send date). */
  ballotId: string;
  electionId: string;
  /** Statewide voter ID (NC: NCID; GA: registration number, zero padding kept). */
  voterId: string;
  /** A second voter number a label may carry (NC: county voter_reg_num). */
  altVoterId: string | null;
  /** Return-envelope IMb: mailer ID (6 or 9 digits) and serial (9 or 6 digits). */
  imbMailerId: string | null;
  imbSerial: string | null;
  lastName: string;
  firstName: string;
  middleName: string | null;
  suffix: string | null;
  dob: string | null;
  resAddress: string | null;
  resCity: string | null;
  resZip: string | null;
  mailAddress: string | null;
  mailCity: string | null;
  mailState: string | null;
  mailZip: string | null;
  precinct: string | null;
  ballotStyle: string | null;
  /** County or jurisdiction name as the source spells it. */
  jurisdiction: string | null;
  issuedAt: string | null;
  status: BallotStatus;
  voteMethod: VoteMethod;
  votedOtherMethod: boolean;
  /** A return the state already recorded (NC ballot_rtn_dt, GA Ballot Return Date). */
  stateReturnedAt: string | null;
  /** The source's own status words, kept verbatim for the history view. */
  sourceStatus: string | null;
  /** The day the ballot was cancelled, when the source says (NC: ballot_rtn_dt of a cancelled row; station: cancelled_at). */
  cancelledAt: string | null;
}

export const ROLL_FORMATS = ['station', 'nc-sbe', 'ga-sos'] as const;
export type RollFormat = (typeof ROLL_FORMATS)[number];

/**
 * Rows a layout recognises as not being an issued ballot, and so leaves out of the roll without
 * calling them malformed; the import summary counts them by kind (Georgia: an application with
 * no ballot issued yet; an application the county rejected, with no ballot).
 */
export const SKIP_KINDS = ['applications', 'rejectedApplications'] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];
export type SkipCounts = Record<SkipKind, number>;
export const noSkips = (): SkipCounts => ({ applications: 0, rejectedApplications: 0 });

/**
 * One parsed line of a roll file: a row, a rejection with its reason, or a row the layout
 * skips on purpose (`skipped` set, `error` its reason in plain words; it is not a rejection).
 */
export type RollRecord =
  | { readonly rowNo: number; readonly ok: true; readonly row: RollRow }
  | { readonly rowNo: number; readonly ok: false; readonly error: string; readonly raw: string; readonly skipped?: SkipKind };
