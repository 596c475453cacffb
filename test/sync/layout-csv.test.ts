import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { BALLOTTRAX_COLUMNS, ballotTraxStatusCsv } from '../../main/sync/layouts/ballottrax.js';
import type { BallotStatusRecord } from '../../main/sync/layouts/ballottrax.js';
import { RECEIPTS_CSV_COLUMNS, receiptsCsv } from '../../main/sync/layouts/receipts-csv.js';
import type { ReceiptCsvRow } from '../../main/sync/layouts/receipts-csv.js';
import {
  ballotTraxStatusFor,
  floridaRequestStatusFor,
  isReinstated,
  isSignatureRelatedReason,
} from '../../main/sync/layouts/status.js';
import type { BallotFacts } from '../../main/sync/layouts/status.js';

const rowsOf = (csv: string): string[][] => parse(csv);

const ET = { timeZone: 'America/New_York' };

const accepted: BallotStatusRecord = {
  electionNumber: '10342',
  voterId: '123456789',
  status: 'Accepted',
  mailedDate: '2026-09-24',
  returnedDate: '2026-11-04T02:00:00Z', // 9 p.m. on election day, Eastern
  precinct: '0042',
  party: 'DEM',
  rejectionReason: null,
  rejectionDescription: null,
  isReinstated: false,
  isSignatureRelated: false,
};

describe('BallotTrax ballot-status file', () => {
  it('has the eleven columns as its header, and one row per ballot, field by field', () => {
    const csv = ballotTraxStatusCsv([accepted], ET);
    if (!csv.ok) throw new Error(JSON.stringify(csv.error));
    const [head, row, ...rest] = rowsOf(csv.value);
    expect(head).toEqual([...BALLOTTRAX_COLUMNS]);
    expect(rest).toEqual([]);
    expect(Object.fromEntries(BALLOTTRAX_COLUMNS.map((c, i) => [c, row?.[i]]))).toEqual({
      ElectionNumber: '10342',
      VoterID: '123456789',
      BallotStatus: 'Accepted',
      MailedDate: '09/24/2026',
      ReturnedDate: '11/03/2026',
      VbmRequestPrecinct: '0042',
      VbmParty: 'DEM',
      RejectionReason: '',
      RejectionDescription: '',
      IsReinstated: 'FALSE',
      IsSignatureRelatedReason: 'FALSE',
    });
    expect(csv.value.endsWith('\r\n')).toBe(true);
  });

  it('writes a curable rejection with its reason, quoting and neutralising the description', () => {
    const curable: BallotStatusRecord = {
      ...accepted,
      status: 'RejectedCurable',
      rejectionReason: '3',
      rejectionDescription: '=Signature does not match, see "file"',
      isSignatureRelated: true,
    };
    const csv = ballotTraxStatusCsv(
      [
        curable,
        { ...accepted, voterId: '2', status: 'Outbound', returnedDate: null, precinct: null, party: null },
      ],
      ET,
    );
    if (!csv.ok) throw new Error(JSON.stringify(csv.error));
    const [, first, second] = rowsOf(csv.value);
    expect(first?.slice(2)).toEqual([
      'RejectedCurable',
      '09/24/2026',
      '11/03/2026',
      '0042',
      'DEM',
      '3',
      `'=Signature does not match, see "file"`,
      'FALSE',
      'TRUE',
    ]);
    expect(second?.slice(2)).toEqual(['Outbound', '09/24/2026', '', '', '', '', '', 'FALSE', 'FALSE']);
  });

  it('refuses rows that contradict themselves', () => {
    const csv = ballotTraxStatusCsv(
      [
        { ...accepted, status: 'Rejected' },
        { ...accepted, rejectionReason: '3' },
        { ...accepted, isSignatureRelated: true, mailedDate: 'yesterday' },
        { ...accepted, status: 'Lost' as 'Accepted', voterId: ' ' },
      ],
      ET,
    );
    expect(csv.ok).toBe(false);
    if (csv.ok) return;
    expect(csv.error.map((e) => [e.record, e.field])).toEqual([
      [0, 'RejectionReason'],
      [1, 'RejectionReason'],
      [2, 'IsSignatureRelatedReason'],
      [2, 'MailedDate'],
      [3, 'BallotStatus'],
      [3, 'VoterID'],
    ]);
  });
});

describe('BallotTrax ElectionNumber and RejectionReason as Voter Focus writes them', () => {
  // "Election Number: Short integer, internal election number"; the referral reason codes
  // A B L M N P S X Z (VR Systems, Voter Focus help, "Export of Mail Ballot Status Data").
  it("refuses the station's election ID, or a number too long to be Voter Focus's, as ElectionNumber", () => {
    const csv = ballotTraxStatusCsv(
      [{ ...accepted, electionNumber: 'E2026' }, { ...accepted, electionNumber: '40000' }, { ...accepted, electionNumber: '' }, { ...accepted, electionNumber: '412' }],
      ET,
    );
    expect(csv.ok).toBe(false);
    if (csv.ok) return;
    expect(csv.error.map((e) => [e.record, e.field])).toEqual([[0, 'ElectionNumber'], [1, 'ElectionNumber'], [2, 'ElectionNumber']]);
    expect(csv.error[0]?.error).toContain("Voter Focus's election number is a short whole number");
  });

  it('takes a one-character referral code, and refuses a station code name or the two-letter ZZ', () => {
    const rejected = (rejectionReason: string): BallotStatusRecord => ({ ...accepted, status: 'Rejected', rejectionReason, rejectionDescription: 'No signature' });
    const good = ballotTraxStatusCsv([rejected('N'), rejected('L'), rejected('7')], ET);
    expect(good.ok).toBe(true);
    const bad = ballotTraxStatusCsv([rejected('LATE'), rejected('ZZ'), rejected('NO_VOTER_SIGNATURE'), rejected('n')], ET);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map((e) => [e.record, e.field])).toEqual([[0, 'RejectionReason'], [1, 'RejectionReason'], [2, 'RejectionReason'], [3, 'RejectionReason']]);
  });
});

describe('status words from the station’s facts', () => {
  const facts = (over: Partial<BallotFacts>): BallotFacts => ({
    cancelled: false,
    mailed: true,
    undeliverable: false,
    receipt: null,
    ...over,
  });

  it.each([
    [facts({ mailed: false }), 'Requested', 'R'],
    [facts({}), 'Outbound', 'S'],
    [facts({ undeliverable: true }), 'Undeliverable', 'U'],
    [facts({ receipt: { cureState: null } }), 'Accepted', 'V'],
    [facts({ receipt: { cureState: 'FLAGGED' } }), 'RejectedCurable', 'V'],
    [facts({ receipt: { cureState: 'NOTICE_SENT' } }), 'RejectedCurable', 'V'],
    [facts({ receipt: { cureState: 'CURE_RECEIVED' } }), 'RejectedCurable', 'V'],
    [facts({ receipt: { cureState: 'CURED' } }), 'Accepted', 'V'],
    [facts({ receipt: { cureState: 'ACCEPTED' } }), 'Accepted', 'V'],
    [facts({ receipt: { cureState: 'NOT_CURED' } }), 'Rejected', 'V'],
    [facts({ receipt: { cureState: 'REJECTED' } }), 'Rejected', 'V'],
    [facts({ cancelled: true }), null, 'C'],
    // A late envelope: left out of BallotTrax until a supervisor decides on its postmark.
    [facts({ receipt: { cureState: null, late: 'undecided' } }), null, 'V'],
    [facts({ receipt: { cureState: null, late: 'accepted' } }), 'Accepted', 'V'],
    [facts({ receipt: { cureState: 'FLAGGED', late: 'accepted' } }), 'RejectedCurable', 'V'],
    [facts({ receipt: { cureState: 'CURED', late: 'rejected' } }), 'Rejected', 'V'],
  ] as const)('%j → BallotTrax %s, Florida %s', (f, trax, florida) => {
    expect(ballotTraxStatusFor(f)).toBe(trax);
    expect(floridaRequestStatusFor(f)).toBe(florida);
  });

  it('marks reinstated ballots and signature reasons', () => {
    expect(isReinstated(facts({ receipt: { cureState: 'CURED' } }))).toBe(true);
    expect(isReinstated(facts({ receipt: { cureState: null } }))).toBe(false);
    expect(isReinstated(facts({ receipt: { cureState: 'REJECTED' } }))).toBe(false);
    expect(isReinstated(facts({ receipt: { cureState: 'CURED', late: 'rejected' } }))).toBe(false);
    expect(isSignatureRelatedReason(['NO_DATE', 'SIGNATURE_MISMATCH'])).toBe(true);
    expect(isSignatureRelatedReason(['NO_VOTER_SIGNATURE'])).toBe(true);
    expect(isSignatureRelatedReason(['NO_WITNESS_SIGNATURE'])).toBe(false);
  });
});

describe('generic receipts CSV', () => {
  const row: ReceiptCsvRow = {
    batchId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
    stationId: 'ST-1',
    electionId: 'E2026',
    ballotId: 'B000001',
    voterId: 'V000001',
    receivedAt: '2026-11-03T14:05:00.000Z',
    verdict: 'LATE',
    cureCodes: ['NO_DATE', 'SIGNATURE_MISMATCH'],
    status: 'FLAGGED',
  };

  it('has a header and one row per receipt, field by field', () => {
    const [head, first, ...rest] = rowsOf(receiptsCsv([row]));
    expect(head).toEqual([...RECEIPTS_CSV_COLUMNS]);
    expect(rest).toEqual([]);
    expect(first).toEqual([
      row.batchId,
      'ST-1',
      'E2026',
      'B000001',
      'V000001',
      '2026-11-03T14:05:00.000Z',
      'LATE',
      'NO_DATE;SIGNATURE_MISMATCH',
      'FLAGGED',
    ]);
  });

  it('neutralises cells a spreadsheet would run, and quotes what needs quoting', () => {
    const csv = receiptsCsv([{ ...row, ballotId: '=HYPERLINK("x")', voterId: '-1,2', stationId: '@ST' }]);
    const [, first] = rowsOf(csv);
    expect(first?.slice(1, 5)).toEqual(["'@ST", 'E2026', `'=HYPERLINK("x")`, "'-1,2"]);
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('is a header alone when there is nothing to write', () => {
    expect(receiptsCsv([])).toBe(`${RECEIPTS_CSV_COLUMNS.join(',')}\r\n`);
  });
});
