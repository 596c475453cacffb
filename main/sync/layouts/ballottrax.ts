import { stringify } from 'csv-stringify/sync';
import type { Result } from '../../../shared/result.js';
import { err, ok } from '../../../shared/result.js';
import { neutraliseCell } from '../../csv/safe.js';
import { usDate } from './dates.js';
import { FieldCheck } from './errors.js';
import type { LayoutError } from './errors.js';

/**
 * The ballot-status file a Florida county pushes to BallotTrax every four hours (DOMAIN.md §1).
 * As the county system's export is documented (VR Systems, "Export the BallotTrax Ballot Status
 * File"): CSV with a header of these eleven columns, one row per ballot, BallotStatus one of six
 * words, RejectionReason the referral-reason code with RejectionDescription its text, and the
 * two Is… columns TRUE or FALSE. ElectionNumber is Voter Focus's own election number, "short
 * integer, internal election number" ("Export of Mail Ballot Status Data"), and RejectionReason
 * "the single-digit code assigned to the ballot referral reason": one letter or digit
 * (shared/sync/referral-codes.ts). Chosen here, not documented there: MM/DD/YYYY dates in the
 * county's zone, CRLF line ends, UTF-8.
 */

export const BALLOTTRAX_COLUMNS = [
  'ElectionNumber',
  'VoterID',
  'BallotStatus',
  'MailedDate',
  'ReturnedDate',
  'VbmRequestPrecinct',
  'VbmParty',
  'RejectionReason',
  'RejectionDescription',
  'IsReinstated',
  'IsSignatureRelatedReason',
] as const;

export const BALLOTTRAX_STATUSES = [
  'Requested',
  'Outbound',
  'Accepted',
  'Rejected',
  'RejectedCurable',
  'Undeliverable',
] as const;
export type BallotTraxStatus = (typeof BALLOTTRAX_STATUSES)[number];

/** One ballot as the lead's query gives it. Dates: "YYYY-MM-DD" or an ISO instant. */
export interface BallotStatusRecord {
  electionNumber: string;
  voterId: string;
  status: BallotTraxStatus;
  mailedDate: string | null;
  returnedDate: string | null;
  precinct: string | null;
  party: string | null;
  /** The referral-reason code; present exactly when the status is Rejected or RejectedCurable. */
  rejectionReason: string | null;
  rejectionDescription: string | null;
  isReinstated: boolean;
  isSignatureRelated: boolean;
}

const REJECTED: ReadonlySet<BallotTraxStatus> = new Set(['Rejected', 'RejectedCurable']);

export function ballotTraxStatusCsv(
  records: readonly BallotStatusRecord[],
  opts: { timeZone: string },
): Result<string, LayoutError[]> {
  const rows: string[][] = [];
  const errors: LayoutError[] = [];
  records.forEach((r, i) => {
    const check = new FieldCheck(i);
    const row = ballotTraxRow(r, opts.timeZone, check);
    if (check.errors.length > 0) errors.push(...check.errors);
    else rows.push(row);
  });
  if (errors.length > 0) return err(errors);
  return ok(stringify([[...BALLOTTRAX_COLUMNS], ...rows], { record_delimiter: 'windows' }));
}

function ballotTraxRow(r: BallotStatusRecord, timeZone: string, check: FieldCheck): string[] {
  const date = (field: string, value: string | null): string =>
    value === null || value === ''
      ? ''
      : (usDate(value, timeZone) ?? check.fail(field, `not a date: ${value}`));
  const rejected = REJECTED.has(r.status);
  if (!(BALLOTTRAX_STATUSES as readonly string[]).includes(r.status))
    check.fail('BallotStatus', `unknown status ${JSON.stringify(r.status)}`);
  if (rejected && !r.rejectionReason)
    check.fail('RejectionReason', `required when BallotStatus is ${r.status}`);
  if (!rejected && (r.rejectionReason || r.rejectionDescription))
    check.fail('RejectionReason', `only for a rejected ballot, not ${r.status}`);
  if (!rejected && r.isSignatureRelated)
    check.fail('IsSignatureRelatedReason', `only for a rejected ballot, not ${r.status}`);
  if (rejected && r.rejectionReason && !/^[A-Z0-9]$/.test(r.rejectionReason))
    check.fail('RejectionReason', `a referral reason code is one letter or digit, not ${JSON.stringify(r.rejectionReason)}`);
  if (r.voterId.trim() === '') check.fail('VoterID', 'required');
  if (!/^\d{1,5}$/.test(r.electionNumber) || Number(r.electionNumber) > 32767)
    check.fail('ElectionNumber', `Voter Focus's election number is a short whole number, not ${JSON.stringify(r.electionNumber)}`);
  return [
    r.electionNumber,
    r.voterId,
    r.status,
    date('MailedDate', r.mailedDate),
    date('ReturnedDate', r.returnedDate),
    r.precinct ?? '',
    r.party ?? '',
    r.rejectionReason ?? '',
    r.rejectionDescription ?? '',
    r.isReinstated ? 'TRUE' : 'FALSE',
    r.isSignatureRelated ? 'TRUE' : 'FALSE',
  ].map(neutraliseCell);
}
