import type { RollRow } from '../../../shared/roll/types.js';
import { cell, imbProblem, isoDate, isoDateOrTimestamp, type FormatSpec } from './common.js';

const VOTED = new Set(['Y', 'N', 'YES', 'NO']);

/** The station's own layout (README "Roll formats"): any column order, extra columns ignored. */
export const station: FormatSpec = {
  required: ['ballot_id', 'voter_id', 'last_name', 'first_name', 'status'],
  mapper(index, ctx) {
    // Column positions once per file; -1 for a column the file does not have.
    const at = (name: string) => index.get(name) ?? -1;
    const [iBallot, iVoter, iLast, iFirst, iElection, iStatus, iVoted, iMethod, iDob, iIssued, iMailer, iSerial, iCancelled] = [
      'ballot_id', 'voter_id', 'last_name', 'first_name', 'election_id', 'status', 'voted_other_method', 'vote_method', 'dob', 'issued_at',
      'imb_mailer_id', 'imb_serial', 'cancelled_at',
    ].map(at) as [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const [iAlt, iMiddle, iSuffix, iResAddress, iResCity, iResZip, iMailAddress, iMailCity, iMailState, iMailZip, iPrecinct, iStyle, iJurisdiction] = [
      'alt_voter_id', 'middle_name', 'suffix', 'res_address', 'res_city', 'res_zip', 'mail_address', 'mail_city', 'mail_state', 'mail_zip', 'precinct',
      'ballot_style', 'jurisdiction',
    ].map(at) as [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const electionFromFile = ctx.electionId === undefined;
    return (fields) => {
      const ballotId = cell(fields, iBallot);
      const voterId = cell(fields, iVoter);
      const lastName = cell(fields, iLast);
      const firstName = cell(fields, iFirst);
      if (!ballotId) return 'ballot_id is empty';
      if (!voterId) return 'voter_id is empty';
      if (!lastName) return 'last_name is empty';
      if (!firstName) return 'first_name is empty';
      const electionId = electionFromFile ? cell(fields, iElection) : (ctx.electionId as string);
      if (!electionId) return 'election_id is empty (or give --election)';
      const statusCell = cell(fields, iStatus);
      const statusText = (statusCell ?? '').toUpperCase();
      if (statusText !== 'ISSUED' && statusText !== 'CANCELLED') return `status must be ISSUED or CANCELLED, not "${statusCell ?? ''}"`;
      const voted = (cell(fields, iVoted) ?? 'N').toUpperCase();
      if (!VOTED.has(voted)) return `voted_other_method must be Y, N or empty, not "${voted}"`;
      const methodCell = cell(fields, iMethod);
      const methodText = methodCell === null ? 'MAIL' : methodCell.toUpperCase();
      const method = methodText === 'MAIL' || methodText === 'IN_PERSON' ? methodText : methodText.replace(/[ -]/g, '_');
      if (method !== 'MAIL' && method !== 'IN_PERSON') return `vote_method must be MAIL or IN_PERSON, not "${methodCell ?? ''}"`;
      const dobText = cell(fields, iDob);
      const dob = dobText === null ? null : isoDate(dobText);
      if (dobText !== null && dob === null) return `dob "${dobText}" is not a real date (YYYY-MM-DD)`;
      const issuedText = cell(fields, iIssued);
      const issuedAt = issuedText === null ? null : isoDateOrTimestamp(issuedText);
      if (issuedText !== null && issuedAt === null) return `issued_at "${issuedText}" is not an ISO 8601 date or timestamp`;
      const cancelledText = cell(fields, iCancelled);
      const cancelledAt = cancelledText === null ? null : isoDateOrTimestamp(cancelledText);
      if (cancelledText !== null && cancelledAt === null) return `cancelled_at "${cancelledText}" is not an ISO 8601 date or timestamp`;
      if (cancelledAt !== null && statusText !== 'CANCELLED') return `cancelled_at is set but status is ${statusText}, not CANCELLED`;
      const imbMailerId = cell(fields, iMailer);
      const imbSerial = cell(fields, iSerial);
      const imb = imbProblem(imbMailerId, imbSerial);
      if (imb) return imb;
      const row: RollRow = {
        ballotId,
        electionId,
        voterId,
        altVoterId: cell(fields, iAlt),
        imbMailerId,
        imbSerial,
        lastName,
        firstName,
        middleName: cell(fields, iMiddle),
        suffix: cell(fields, iSuffix),
        dob,
        resAddress: cell(fields, iResAddress),
        resCity: cell(fields, iResCity),
        resZip: cell(fields, iResZip),
        mailAddress: cell(fields, iMailAddress),
        mailCity: cell(fields, iMailCity),
        mailState: cell(fields, iMailState),
        mailZip: cell(fields, iMailZip),
        precinct: cell(fields, iPrecinct),
        ballotStyle: cell(fields, iStyle),
        jurisdiction: cell(fields, iJurisdiction),
        issuedAt,
        status: statusText,
        voteMethod: method,
        votedOtherMethod: voted === 'Y' || voted === 'YES',
        stateReturnedAt: null,
        sourceStatus: null,
        cancelledAt,
      };
      return row;
    };
  },
};
