import type { RollRow } from '../../../shared/roll/types.js';
import { getter, imbProblem, isoDate, isoDateOrTimestamp, type FormatSpec } from './common.js';

/** The station's own layout (README "Roll formats"): any column order, extra columns ignored. */
export const station: FormatSpec = {
  required: ['ballot_id', 'voter_id', 'last_name', 'first_name', 'status'],
  mapper(index, ctx) {
    const hasElection = index.has('election_id');
    return (fields) => {
      const get = getter(index, fields);
      const ballotId = get('ballot_id');
      const voterId = get('voter_id');
      const lastName = get('last_name');
      const firstName = get('first_name');
      if (!ballotId) return 'ballot_id is empty';
      if (!voterId) return 'voter_id is empty';
      if (!lastName) return 'last_name is empty';
      if (!firstName) return 'first_name is empty';
      const electionId = ctx.electionId ?? (hasElection ? get('election_id') : null);
      if (!electionId) return 'election_id is empty (or give --election)';
      const statusText = (get('status') ?? '').toUpperCase();
      if (statusText !== 'ISSUED' && statusText !== 'CANCELLED') return `status must be ISSUED or CANCELLED, not "${get('status') ?? ''}"`;
      const voted = (get('voted_other_method') ?? 'N').toUpperCase();
      if (!['Y', 'N', 'YES', 'NO'].includes(voted)) return `voted_other_method must be Y, N or empty, not "${voted}"`;
      const method = (get('vote_method') ?? 'MAIL').toUpperCase().replace(/[ -]/g, '_');
      if (method !== 'MAIL' && method !== 'IN_PERSON') return `vote_method must be MAIL or IN_PERSON, not "${get('vote_method') ?? ''}"`;
      const dobText = get('dob');
      const dob = dobText === null ? null : isoDate(dobText);
      if (dobText !== null && dob === null) return `dob "${dobText}" is not a real date (YYYY-MM-DD)`;
      const issuedText = get('issued_at');
      const issuedAt = issuedText === null ? null : isoDateOrTimestamp(issuedText);
      if (issuedText !== null && issuedAt === null) return `issued_at "${issuedText}" is not an ISO 8601 date or timestamp`;
      const imbMailerId = get('imb_mailer_id');
      const imbSerial = get('imb_serial');
      const imb = imbProblem(imbMailerId, imbSerial);
      if (imb) return imb;
      const row: RollRow = {
        ballotId,
        electionId,
        voterId,
        altVoterId: get('alt_voter_id'),
        imbMailerId,
        imbSerial,
        lastName,
        firstName,
        middleName: get('middle_name'),
        suffix: get('suffix'),
        dob,
        resAddress: get('res_address'),
        resCity: get('res_city'),
        resZip: get('res_zip'),
        mailAddress: get('mail_address'),
        mailCity: get('mail_city'),
        mailState: get('mail_state'),
        mailZip: get('mail_zip'),
        precinct: get('precinct'),
        ballotStyle: get('ballot_style'),
        jurisdiction: get('jurisdiction'),
        issuedAt,
        status: statusText,
        voteMethod: method,
        votedOtherMethod: voted === 'Y' || voted === 'YES',
        stateReturnedAt: null,
        sourceStatus: null,
      };
      return row;
    };
  },
};
