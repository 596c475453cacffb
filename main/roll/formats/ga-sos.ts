import type { RollRow } from '../../../shared/roll/types.js';
import { statusKey } from '../../../shared/roll/status-words.js';
import { compact, getter, usDate, type FormatSpec, type Skip } from './common.js';

/**
 * Georgia Secretary of State `STATEWIDE.csv` (DOMAIN.md §6); older files add `Post #` before
 * `Party` (columns are found by name, so both work). Voter numbers keep their zero padding.
 * The file names no election: --election is required.
 *
 * The file lists applications as well as ballots. A row whose application was accepted
 * (`Application Status` A) but that has no ballot yet (no Ballot Status, no Ballot Issued Date,
 * no Ballot ID) is an application, and a row whose application was rejected (R) with no Ballot ID
 * never had a ballot: both are left out of the roll and counted (the import summary's
 * `skipped`), not refused as malformed.
 */
const STATUS = new Set(['A', 'I', 'R', 'C', 'S']);
const MAIL_STYLES = new Set(['MAILED', 'ABSENTEE BY MAIL', 'ELECTRONIC']);
const IN_PERSON_STYLES = new Set(['IN PERSON', 'EARLY IN-PERSON', 'EARLY IN PERSON']);

const join = (...parts: (string | null)[]): string | null => {
  const s = parts.filter((p) => p !== null).join(' ').trim();
  return s === '' ? null : s;
};

export const gaSos: FormatSpec = {
  required: ['County', 'Voter Registration #', 'Last Name', 'First Name', 'Ballot Status', 'Ballot Style', 'Ballot Issued Date', 'Ballot Return Date', 'Ballot ID'],
  mapper(index, ctx) {
    const electionId = ctx.electionId;
    if (!electionId) throw new Error('unreachable: checked before reading');
    return (fields) => {
      const get = getter(index, fields);
      const voter = get('Voter Registration #');
      const lastName = get('Last Name');
      const firstName = get('First Name');
      if (!voter) return 'Voter Registration # is empty';
      if (!lastName) return 'Last Name is empty';
      if (!firstName) return 'First Name is empty';
      const status = (get('Ballot Status') ?? '').toUpperCase();
      if (status !== '' && !STATUS.has(status)) return `Ballot Status must be A, I, R, C or S, not "${status}"`;
      const notABallot = applicationOnly(status, get);
      if (notABallot) return notABallot;
      const style = (get('Ballot Style') ?? '').toUpperCase();
      const method = MAIL_STYLES.has(style) ? 'MAIL' : IN_PERSON_STYLES.has(style) ? 'IN_PERSON' : null;
      if (!method) return `Ballot Style "${get('Ballot Style') ?? ''}" is not MAILED, ABSENTEE BY MAIL, ELECTRONIC, IN PERSON or EARLY IN-PERSON`;
      const issuedText = get('Ballot Issued Date');
      const issued = issuedText === null ? null : usDate(issuedText);
      if (issuedText !== null && issued === null) return `Ballot Issued Date "${issuedText}" is not a real MM/DD/YYYY date`;
      const returnedText = get('Ballot Return Date');
      const returned = returnedText === null ? null : usDate(returnedText);
      if (returnedText !== null && returned === null) return `Ballot Return Date "${returnedText}" is not a real MM/DD/YYYY date`;
      // No Ballot ID: key by the issue date; an in-person vote without one, by the day it was cast.
      const ballotId =
        get('Ballot ID') ??
        (issued ? `GA-${voter}-${compact(issued)}` : method === 'IN_PERSON' && returned ? `GA-${voter}-IP${compact(returned)}` : null);
      if (!ballotId) return 'Ballot ID is empty and there is no Ballot Issued Date to key the ballot';
      const row: RollRow = {
        ballotId,
        electionId,
        voterId: voter,
        altVoterId: null,
        imbMailerId: null,
        imbSerial: null,
        lastName,
        firstName,
        middleName: get('Middle Name'),
        suffix: get('Suffix'),
        dob: null,
        resAddress: join(get('Street #'), get('Street Name'), get('Apt/Unit')),
        resCity: get('City'),
        resZip: get('Zip Code'),
        mailAddress: join(get('Mailing Street #'), get('Mailing Street Name'), get('Mailing Apt/Unit')),
        mailCity: get('Mailing City'),
        mailState: get('Mailing State'),
        mailZip: get('Mailing Zip Code'),
        precinct: get('County Precinct'),
        ballotStyle: get('Combo #'),
        jurisdiction: get('County'),
        issuedAt: issued,
        status: status === 'C' || status === 'S' ? 'CANCELLED' : 'ISSUED',
        voteMethod: method,
        votedOtherMethod: false,
        stateReturnedAt: returned && (status === 'A' || status === 'R') ? returned : null,
        sourceStatus: status === '' ? null : status,
        // The file gives no cancellation date (Ballot Return Date is not documented for C or S rows).
        cancelledAt: null,
      };
      return row;
    };
  },
};

/** The rows that are applications, not ballots (see above), or null for a ballot's row. */
function applicationOnly(ballotStatus: string, get: (name: string) => string | null): Skip | null {
  const application = statusKey(get('Application Status'));
  if (get('Ballot ID') !== null) return null;
  if (application === 'R') return { skip: 'rejectedApplications', reason: 'application rejected (Application Status R): no ballot was issued' };
  if (application === 'A' && ballotStatus === '' && get('Ballot Issued Date') === null && get('Ballot Return Date') === null)
    return { skip: 'applications', reason: 'an application with no ballot issued yet (Application Status A, no Ballot Status, no Ballot Issued Date)' };
  return null;
}
