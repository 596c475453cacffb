import { describe, expect, it } from 'vitest';
import { FLORIDA_FIELDS, floridaAbsenteeFile, floridaAbsenteeLine } from '../../main/sync/layouts/florida.js';
import type { FloridaAbsenteeRecord, FloridaField } from '../../main/sync/layouts/florida.js';
import { usDate } from '../../main/sync/layouts/dates.js';

const NY = { timeZone: 'America/New_York' };

const full: FloridaAbsenteeRecord = {
  countyId: 'ALA',
  voterId: '123456789',
  electionNumber: '10342',
  electionDate: '2026-11-03',
  electionName: '2026 General Election',
  lastChange: '2026-11-04T03:30:00Z', // 10:30 p.m. on the 3rd in Gainesville
  requestStatus: 'V',
  requestDate: '2026-08-15',
  deliveryDate: '2026-09-24T14:00:00Z',
  returnDate: '2026-10-30T13:15:00-04:00',
  canceledDate: null,
  military: false,
  overseas: true,
  militaryDependent: null,
  precinct: '0042',
  precinctSplit: '42.1',
  congressionalDistrict: '3',
  senateDistrict: '9',
  houseDistrict: '22',
  countyCommissionDistrict: '1',
  schoolBoardDistrict: '4',
  otherDistricts: 'SWD 2',
  party: 'NPA',
  voterName: 'DOE, JANE Q',
  mailing: {
    line1: '12 RUE DE LA PAIX',
    line2: 'APT 3',
    line3: null,
    city: 'PARIS',
    state: null,
    zip: '75002',
    country: 'FRANCE',
  },
  email: 'jane@example.org',
  fax: null,
};

function fields(line: string): Record<FloridaField, string> {
  const cells = line.split('\t');
  expect(cells).toHaveLength(FLORIDA_FIELDS.length);
  return Object.fromEntries(FLORIDA_FIELDS.map((f, i) => [f, cells[i]])) as Record<FloridaField, string>;
}

function lineOf(r: FloridaAbsenteeRecord): Record<FloridaField, string> {
  const line = floridaAbsenteeLine(r, NY);
  if (!line.ok) throw new Error(JSON.stringify(line.error));
  return fields(line.value);
}

describe('Florida absentee request file (rule 1S-2.043)', () => {
  it('writes the 34 fields in the rule’s order, field by field', () => {
    expect(lineOf(full)).toEqual({
      RecordType: 'AbStat',
      CountyId: 'ALA',
      FVRSVoterIdNumber: '123456789',
      FVRSElectionNumber: '10342',
      ElectionDate: '11/03/2026',
      ElectionName: '2026 General Election',
      LastAbsRecordChangeDate: '11/03/2026',
      AbsenteeRequestStatus: 'V',
      AbsReqDate: '08/15/2026',
      AbsDeliveryDate: '09/24/2026',
      AbsReturnDate: '10/30/2026',
      AbsReqCanceledDate: '',
      AbsMilitary: 'N',
      AbsOverseasFlag: 'Y',
      AbsMilitaryDependent: '',
      Precinct: '0042',
      PrecinctSplit: '42.1',
      CongressionalDistrict: '3',
      SenateDistrict: '9',
      HouseDistrict: '22',
      CountyCommissionDistrict: '1',
      SchoolBoardDistrict: '4',
      OtherDistricts: 'SWD 2',
      AbsParty: 'NPA',
      VoterName: 'DOE, JANE Q',
      AbsReqMailingAddressLine1: '12 RUE DE LA PAIX',
      AbsReqMailingAddressLine2: 'APT 3',
      AbsReqMailingAddressLine3: '',
      AbsReqMailingAddressCity: 'PARIS',
      AbsReqMailingAddressState: '',
      AbsReqMailingAddressZip: '75002',
      AbsReqMailingAddressCountry: 'FRANCE',
      AbsReqEmailAddress: 'jane@example.org',
      AbsReqFaxNumber: '',
    });
  });

  it('leaves empty what the station does not hold', () => {
    const minimal: FloridaAbsenteeRecord = {
      countyId: 'DAD',
      voterId: '1',
      electionNumber: '2',
      electionDate: '2026-11-03',
      electionName: 'General',
      lastChange: '2026-11-01',
      requestStatus: 'S',
    };
    const f = lineOf(minimal);
    const filled = Object.entries(f)
      .filter(([, v]) => v !== '')
      .map(([k]) => k);
    expect(filled).toEqual([
      'RecordType',
      'CountyId',
      'FVRSVoterIdNumber',
      'FVRSElectionNumber',
      'ElectionDate',
      'ElectionName',
      'LastAbsRecordChangeDate',
      'AbsenteeRequestStatus',
    ]);
  });

  it('redacts the address, e-mail and fax of a voter with address protection', () => {
    const f = lineOf({ ...full, addressProtected: true, fax: '555-0100' });
    for (const k of FLORIDA_FIELDS.filter(
      (k) => k.startsWith('AbsReq') && k !== 'AbsReqDate' && k !== 'AbsReqCanceledDate',
    ))
      expect(f[k], k).toBe('');
    expect(f.VoterName).toBe('DOE, JANE Q');
  });

  it('turns a tab or a line break inside a value into a space, so no field shifts', () => {
    const f = lineOf({
      ...full,
      voterName: 'DOE,\tJANE\r\nQ',
      mailing: { ...full.mailing, line1: '12 MAIN\tST', city: 'X', state: 'FL', zip: '1' },
    });
    expect(f.VoterName).toBe('DOE, JANE Q');
    expect(f.AbsReqMailingAddressLine1).toBe('12 MAIN ST');
  });

  it('is a file of CRLF-ended lines, one per voter, without a header', () => {
    const file = floridaAbsenteeFile(
      [full, { ...full, voterId: '987654321', requestStatus: 'C', canceledDate: '2026-10-01' }],
      NY,
    );
    if (!file.ok) throw new Error(JSON.stringify(file.error));
    const lines = file.value.split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['AbStat', 'AbStat', '']);
    expect(fields(lines[1] ?? '').AbsReqCanceledDate).toBe('10/01/2026');
    expect(floridaAbsenteeFile([], NY)).toEqual({ ok: true, value: '' });
  });

  it('reports every field it cannot write, and writes nothing then', () => {
    const file = floridaAbsenteeFile(
      [
        { ...full, countyId: 'Alachua', voterId: 'V-123', electionName: 'x'.repeat(36) },
        { ...full, lastChange: '11/03/2026', requestStatus: 'Q' as 'C' },
        { ...full, electionNumber: '12345678901' },
      ],
      NY,
    );
    expect(file.ok).toBe(false);
    if (file.ok) return;
    expect(file.error.map((e) => [e.record, e.field])).toEqual([
      [0, 'CountyId'],
      [0, 'FVRSVoterIdNumber'],
      [0, 'ElectionName'],
      [1, 'LastAbsRecordChangeDate'],
      [1, 'AbsenteeRequestStatus'],
      [2, 'FVRSVoterIdNumber'],
      [2, 'FVRSElectionNumber'],
    ]);
    expect(file.error[5]?.error).toBe('one record per voter: voter 123456789 is also record 1');
  });
});

describe('usDate', () => {
  it('keeps a calendar date and reads an instant in the office’s zone', () => {
    expect(usDate('2026-02-28', 'America/New_York')).toBe('02/28/2026');
    expect(usDate('2026-11-04T04:30:00Z', 'America/New_York')).toBe('11/03/2026');
    expect(usDate('2026-11-04T05:30:00Z', 'America/New_York')).toBe('11/04/2026');
    expect(usDate('2026-11-04T05:30:00Z', 'America/Chicago')).toBe('11/03/2026');
  });

  it.each(['2026-02-30', '2026-13-01', '11/03/2026', '2026-11-03T10:00:00', 'soon', ''])(
    'gives null for %j',
    (v) => {
      expect(usDate(v, 'America/New_York')).toBeNull();
    },
  );
});
