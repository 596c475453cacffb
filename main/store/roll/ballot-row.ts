import type { RollRow } from '../../../shared/roll/types.js';

/** A ballot as stored, in the shape the rest of the station uses. */
export interface BallotRecord extends RollRow {
  importId: number;
  updatedImportId: number;
}

export interface BallotRow {
  id: number;
  ballot_id: string; election_id: string; voter_id: string; alt_voter_id: string | null;
  imb_mailer_id: string | null; imb_serial: string | null; last_name: string; first_name: string;
  middle_name: string | null; suffix: string | null; dob: string | null; res_address: string | null;
  res_city: string | null; res_zip: string | null; mail_address: string | null; mail_city: string | null;
  mail_state: string | null; mail_zip: string | null; precinct: string | null; ballot_style: string | null;
  jurisdiction: string | null; issued_at: string | null; status: 'ISSUED' | 'CANCELLED';
  vote_method: 'MAIL' | 'IN_PERSON'; voted_other_method: 0 | 1; state_returned_at: string | null;
  source_status: string | null; import_id: number; updated_import_id: number;
  cancelled_at: string | null;
}

export function toBallotRecord(b: BallotRow): BallotRecord {
  return {
    ballotId: b.ballot_id, electionId: b.election_id, voterId: b.voter_id, altVoterId: b.alt_voter_id,
    imbMailerId: b.imb_mailer_id, imbSerial: b.imb_serial, lastName: b.last_name, firstName: b.first_name,
    middleName: b.middle_name, suffix: b.suffix, dob: b.dob, resAddress: b.res_address, resCity: b.res_city,
    resZip: b.res_zip, mailAddress: b.mail_address, mailCity: b.mail_city, mailState: b.mail_state,
    mailZip: b.mail_zip, precinct: b.precinct, ballotStyle: b.ballot_style, jurisdiction: b.jurisdiction,
    issuedAt: b.issued_at, status: b.status, voteMethod: b.vote_method, votedOtherMethod: b.voted_other_method === 1,
    stateReturnedAt: b.state_returned_at, sourceStatus: b.source_status, cancelledAt: b.cancelled_at, importId: b.import_id,
    updatedImportId: b.updated_import_id,
  };
}

/** What an import records about itself in roll_imports. */
export interface ImportMeta {
  startedAt: string;
  finishedAt: string;
  file: string;
  format: string;
  operator: string;
  read: number;
  rejected: number;
  rejectsFile: string | null;
}
