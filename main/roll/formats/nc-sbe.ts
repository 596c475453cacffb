import type { RollRow } from '../../../shared/roll/types.js';
import { isSpoiledForEarlyVote, statusKey } from '../../../shared/roll/status-words.js';
import { compact, getter, usDate, type FormatSpec } from './common.js';

/**
 * North Carolina State Board of Elections `absentee_YYYYMMDD.csv` (2024 layout; DOMAIN.md §6).
 * One row per ballot, so a voter can have several. The file has no ballot ID: the station's key
 * is the voter plus the send date (`NC-<ncid>-<YYYYMMDD>`), or, for a ballot not yet sent, the
 * request date (`NC-<ncid>-REQ<YYYYMMDD>`). ONE-STOP rows are in-person votes, not envelopes:
 * they are kept (so the voter's mail ballot is ALREADY_VOTED) with vote method IN_PERSON.
 *
 * Statuses and request types are matched by statusKey (case, spaces and hyphens folded), as the
 * files and ncsbe.gov spell them several ways. Every SPOILED… status (SPOILED, SPOILED-EV,
 * "Spoiled - EV") cancels the ballot; SPOILED-EV also says the voter voted early in person, and
 * its ballot_rtn_dt is the day of that vote, not a return of the envelope (test/fixtures/README.md
 * names the sources). A cancelled row's ballot_rtn_dt is kept as the day it was cancelled.
 */
const CANCELLING = new Set(['CANCELLED']);
/** Statuses that mean the voter's envelope never came back: no state return date is taken from them. */
const NOT_RETURNED = new Set(['', 'CANCELLED', 'RETURNED-UNDELIVERABLE']);
const IN_PERSON = /ONE-STOP|EARLY|IN-PERSON|CURBSIDE/;
const spoiled = (key: string): boolean => key === 'SPOILED' || key.startsWith('SPOILED-');

export const ncSbe: FormatSpec = {
  required: ['county_desc', 'voter_reg_num', 'ncid', 'voter_last_name', 'voter_first_name', 'election_dt', 'ballot_req_type', 'ballot_req_dt', 'ballot_send_dt', 'ballot_rtn_dt', 'ballot_rtn_status'],
  mapper(index, ctx) {
    return (fields) => {
      const get = getter(index, fields);
      const ncid = get('ncid');
      const lastName = get('voter_last_name');
      const firstName = get('voter_first_name');
      if (!ncid) return 'ncid is empty';
      if (!lastName) return 'voter_last_name is empty';
      if (!firstName) return 'voter_first_name is empty';
      // Each date column: absent (null), a real date, or a reason to refuse the row.
      const dates: Record<string, string | null> = {};
      for (const col of ['ballot_send_dt', 'ballot_req_dt', 'ballot_rtn_dt', 'election_dt']) {
        const v = get(col);
        const iso = v === null ? null : usDate(v);
        if (v !== null && iso === null) return `${col} "${v}" is not a real MM/DD/YYYY date`;
        dates[col] = iso;
      }
      const sent = dates['ballot_send_dt'] ?? null;
      const requested = dates['ballot_req_dt'] ?? null;
      const returned = dates['ballot_rtn_dt'] ?? null;
      const election = dates['election_dt'] ?? null;
      const electionId = ctx.electionId ?? election;
      if (!electionId) return 'election_dt is empty (or give --election)';
      let ballotId: string;
      if (sent) ballotId = `NC-${ncid}-${compact(sent)}`;
      else if (requested) ballotId = `NC-${ncid}-REQ${compact(requested)}`;
      else return 'neither ballot_send_dt nor ballot_req_dt is set: no ballot to key';
      const reqType = statusKey(get('ballot_req_type'));
      const status = (get('ballot_rtn_status') ?? '').toUpperCase();
      const key = statusKey(status);
      const cancelled = CANCELLING.has(key) || spoiled(key);
      const earlyVote = isSpoiledForEarlyVote(status);
      const row: RollRow = {
        ballotId,
        electionId,
        voterId: ncid,
        altVoterId: get('voter_reg_num'),
        imbMailerId: null,
        imbSerial: null,
        lastName,
        firstName,
        middleName: get('voter_middle_name'),
        suffix: null,
        dob: null,
        resAddress: get('voter_street_address'),
        resCity: get('voter_city'),
        resZip: get('voter_zip'),
        mailAddress: get('ballot_mail_street_address'),
        mailCity: get('ballot_mail_city'),
        mailState: get('ballot_mail_state'),
        mailZip: get('ballot_mail_zip'),
        precinct: get('precinct_desc'),
        ballotStyle: get('ballot_request_party'),
        jurisdiction: get('county_desc'),
        issuedAt: (sent) ?? (requested),
        status: cancelled ? 'CANCELLED' : 'ISSUED',
        voteMethod: IN_PERSON.test(reqType) ? 'IN_PERSON' : 'MAIL',
        votedOtherMethod: earlyVote,
        stateReturnedAt: returned && !cancelled && !NOT_RETURNED.has(key) ? returned : null,
        sourceStatus: status === '' ? null : status,
        // A cancelled or spoiled row's ballot_rtn_dt is the day of that status (for SPOILED-EV, the early vote).
        cancelledAt: cancelled ? returned : null,
      };
      return row;
    };
  },
};
