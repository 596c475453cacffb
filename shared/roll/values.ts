import type { RollRow } from './types.js';

/**
 * A roll row as a flat list in the store's column order: what the import hands from its reader
 * (possibly a worker thread) to the database, with no object in between.
 */
export type RollValues = (string | number | null)[];

export function rollValues(r: RollRow): RollValues {
  return [
    r.ballotId, r.electionId, r.voterId, r.altVoterId, r.imbMailerId, r.imbSerial, r.lastName, r.firstName,
    r.middleName, r.suffix, r.dob, r.resAddress, r.resCity, r.resZip, r.mailAddress, r.mailCity, r.mailState,
    r.mailZip, r.precinct, r.ballotStyle, r.jurisdiction, r.issuedAt, r.status, r.voteMethod, r.votedOtherMethod ? 1 : 0,
    r.stateReturnedAt, r.sourceStatus, r.cancelledAt,
  ];
}

/** One read row, ready for the store: its values, or why it was refused. */
export type RollItem =
  | { readonly rowNo: number; readonly ok: true; readonly values: RollValues }
  | { readonly rowNo: number; readonly ok: false; readonly error: string; readonly raw: string };
