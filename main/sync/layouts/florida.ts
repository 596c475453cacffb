import type { Result } from '../../../shared/result.js';
import { err, ok } from '../../../shared/result.js';
import { usDate } from './dates.js';
import { FieldCheck } from './errors.js';
import type { LayoutError } from './errors.js';

/**
 * Florida's daily vote-by-mail request file (Fla. Admin. Code R. 1S-2.043(3), "Absentee Ballot
 * Request Information File Layout", Table 1; Form DS-DE 145). What the rule's text says, and is
 * checked here: a tab-delimited text file; one record per voter; each day's file a complete
 * replacement of the day before; RecordType "AbStat"; CountyId Char(3), an FVRS county code;
 * FVRSVoterIdNumber and FVRSElectionNumber Numeric(10); dates MM/DD/YYYY; ElectionName Char(35);
 * mailing address redacted for voters with address protection (s. 119.07(4)(d), F.S.; the
 * 2009 notice of change to (3)(c)3). No header line.
 *
 * Not confirmed from the rule's text, and chosen here: CRLF line ends, UTF-8, Y/N for the three
 * flags. Of the AbsenteeRequestStatus codes, only "C" (the voter cancelled the request) was read
 * in the rule; the other codes below are those seen in published county files, with the meaning
 * usually given them. Check all of these against the current Form DS-DE 145 before a county
 * uploads a file made here.
 *
 * AbsReqCanceledDate: the day the roll or the state's change feed says the ballot was cancelled
 * (main/sync/tracking.ts passes the ballot's cancelled_at), empty when no source gave one.
 *
 * Fields the station does not hold (it knows the roll, the envelopes and their cure cases) are
 * left empty unless the caller supplies them: AbsReqDate (Georgia's roll has it, North
 * Carolina's has ballot_req_dt), AbsMilitary, AbsOverseasFlag, AbsMilitaryDependent,
 * PrecinctSplit, the six district fields, AbsParty (NC and GA rolls carry a party),
 * AbsReqMailingAddressCountry, AbsReqEmailAddress, AbsReqFaxNumber.
 */

export const FLORIDA_FIELDS = [
  'RecordType',
  'CountyId',
  'FVRSVoterIdNumber',
  'FVRSElectionNumber',
  'ElectionDate',
  'ElectionName',
  'LastAbsRecordChangeDate',
  'AbsenteeRequestStatus',
  'AbsReqDate',
  'AbsDeliveryDate',
  'AbsReturnDate',
  'AbsReqCanceledDate',
  'AbsMilitary',
  'AbsOverseasFlag',
  'AbsMilitaryDependent',
  'Precinct',
  'PrecinctSplit',
  'CongressionalDistrict',
  'SenateDistrict',
  'HouseDistrict',
  'CountyCommissionDistrict',
  'SchoolBoardDistrict',
  'OtherDistricts',
  'AbsParty',
  'VoterName',
  'AbsReqMailingAddressLine1',
  'AbsReqMailingAddressLine2',
  'AbsReqMailingAddressLine3',
  'AbsReqMailingAddressCity',
  'AbsReqMailingAddressState',
  'AbsReqMailingAddressZip',
  'AbsReqMailingAddressCountry',
  'AbsReqEmailAddress',
  'AbsReqFaxNumber',
] as const;
export type FloridaField = (typeof FLORIDA_FIELDS)[number];

/**
 * C: the voter cancelled the request (rule text). Seen in county files, meaning to confirm:
 * R requested, not yet sent · S ballot sent · U returned undeliverable · V vote-by-mail ballot
 * returned (voted) · E voted early · N, P, X (meaning unconfirmed: never produced by the station).
 */
export const FLORIDA_REQUEST_STATUSES = ['C', 'E', 'N', 'P', 'R', 'S', 'U', 'V', 'X'] as const;
export type FloridaRequestStatus = (typeof FLORIDA_REQUEST_STATUSES)[number];

export interface FloridaMailingAddress {
  line1: string | null;
  line2?: string | null;
  line3?: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country?: string | null;
}

/** One voter's line. Dates: "YYYY-MM-DD" or an ISO instant (read in the office's zone). */
export interface FloridaAbsenteeRecord {
  countyId: string;
  voterId: string;
  electionNumber: string;
  electionDate: string;
  electionName: string;
  lastChange: string;
  requestStatus: FloridaRequestStatus;
  requestDate?: string | null;
  deliveryDate?: string | null;
  returnDate?: string | null;
  canceledDate?: string | null;
  military?: boolean | null;
  overseas?: boolean | null;
  militaryDependent?: boolean | null;
  precinct?: string | null;
  precinctSplit?: string | null;
  congressionalDistrict?: string | null;
  senateDistrict?: string | null;
  houseDistrict?: string | null;
  countyCommissionDistrict?: string | null;
  schoolBoardDistrict?: string | null;
  otherDistricts?: string | null;
  party?: string | null;
  voterName?: string | null;
  mailing?: FloridaMailingAddress | null;
  email?: string | null;
  fax?: string | null;
  /** s. 119.07(4)(d): the address (and here e-mail and fax too) is left out of the file. */
  addressProtected?: boolean;
}

export interface FloridaOptions {
  /** The county's IANA zone: America/New_York, or America/Chicago west of the Apalachicola. */
  timeZone: string;
}

/** The whole day's file, or every field that cannot be written (nothing is written then). */
export function floridaAbsenteeFile(
  records: readonly FloridaAbsenteeRecord[],
  opts: FloridaOptions,
): Result<string, LayoutError[]> {
  const lines: string[] = [];
  const errors: LayoutError[] = [];
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    const first = seen.get(r.voterId);
    if (first !== undefined)
      errors.push({
        record: i,
        field: 'FVRSVoterIdNumber',
        error: `one record per voter: voter ${r.voterId} is also record ${first}`,
      });
    seen.set(r.voterId, first ?? i);
    const line = floridaAbsenteeLine(r, opts, i);
    if (line.ok) lines.push(line.value);
    else errors.push(...line.error);
  });
  return errors.length > 0 ? err(errors) : ok(lines.map((l) => `${l}\r\n`).join(''));
}

/** One record, its 34 fields joined by tabs (no line end). `index` only labels errors. */
export function floridaAbsenteeLine(
  r: FloridaAbsenteeRecord,
  opts: FloridaOptions,
  index = 0,
): Result<string, LayoutError[]> {
  const check = new FieldCheck(index);
  const values = floridaValues(r, opts, check);
  if (check.errors.length > 0) return err(check.errors);
  return ok(FLORIDA_FIELDS.map((f) => values[f]).join('\t'));
}

function floridaValues(
  r: FloridaAbsenteeRecord,
  opts: FloridaOptions,
  check: FieldCheck,
): Record<FloridaField, string> {
  const date = (field: FloridaField, value: string | null | undefined, required = false): string => {
    if (value === null || value === undefined || value === '')
      return required ? check.fail(field, 'required') : '';
    return usDate(value, opts.timeZone) ?? check.fail(field, `not a date: ${value}`);
  };
  const hidden = r.addressProtected === true;
  const m = hidden ? null : (r.mailing ?? null);
  return {
    RecordType: 'AbStat',
    CountyId: /^[A-Z]{3}$/.test(r.countyId)
      ? r.countyId
      : check.fail('CountyId', `an FVRS county code is 3 capital letters, got ${JSON.stringify(r.countyId)}`),
    FVRSVoterIdNumber: numeric10('FVRSVoterIdNumber', r.voterId, check),
    FVRSElectionNumber: numeric10('FVRSElectionNumber', r.electionNumber, check),
    ElectionDate: date('ElectionDate', r.electionDate, true),
    ElectionName: electionName(r.electionName, check),
    LastAbsRecordChangeDate: date('LastAbsRecordChangeDate', r.lastChange, true),
    AbsenteeRequestStatus: (FLORIDA_REQUEST_STATUSES as readonly string[]).includes(r.requestStatus)
      ? r.requestStatus
      : check.fail('AbsenteeRequestStatus', `unknown code ${JSON.stringify(r.requestStatus)}`),
    AbsReqDate: date('AbsReqDate', r.requestDate),
    AbsDeliveryDate: date('AbsDeliveryDate', r.deliveryDate),
    AbsReturnDate: date('AbsReturnDate', r.returnDate),
    AbsReqCanceledDate: date('AbsReqCanceledDate', r.canceledDate),
    AbsMilitary: flag(r.military),
    AbsOverseasFlag: flag(r.overseas),
    AbsMilitaryDependent: flag(r.militaryDependent),
    Precinct: text(r.precinct),
    PrecinctSplit: text(r.precinctSplit),
    CongressionalDistrict: text(r.congressionalDistrict),
    SenateDistrict: text(r.senateDistrict),
    HouseDistrict: text(r.houseDistrict),
    CountyCommissionDistrict: text(r.countyCommissionDistrict),
    SchoolBoardDistrict: text(r.schoolBoardDistrict),
    OtherDistricts: text(r.otherDistricts),
    AbsParty: text(r.party),
    VoterName: text(r.voterName),
    AbsReqMailingAddressLine1: text(m?.line1),
    AbsReqMailingAddressLine2: text(m?.line2),
    AbsReqMailingAddressLine3: text(m?.line3),
    AbsReqMailingAddressCity: text(m?.city),
    AbsReqMailingAddressState: text(m?.state),
    AbsReqMailingAddressZip: text(m?.zip),
    AbsReqMailingAddressCountry: text(m?.country),
    AbsReqEmailAddress: hidden ? '' : text(r.email),
    AbsReqFaxNumber: hidden ? '' : text(r.fax),
  };
}

function numeric10(field: FloridaField, value: string, check: FieldCheck): string {
  return /^\d{1,10}$/.test(value)
    ? value
    : check.fail(field, `Numeric(10) expected, got ${JSON.stringify(value)}`);
}

function electionName(value: string, check: FieldCheck): string {
  const v = text(value);
  if (v === '') return check.fail('ElectionName', 'required');
  return v.length <= 35 ? v : check.fail('ElectionName', `Char(35): ${v.length} characters`);
}

/** A tab or a line break inside a value would shift every later field: they become spaces. */
function text(value: string | null | undefined): string {
  return (value ?? '').replace(/[\t\r\n]+/g, ' ').trim();
}

function flag(value: boolean | null | undefined): string {
  return value === null || value === undefined ? '' : value ? 'Y' : 'N';
}
