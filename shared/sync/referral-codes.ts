import { z } from 'zod';
import { CURE_CODES, type CureCode } from '../domain.js';

/**
 * BallotTrax's RejectionReason is the one-character referral reason code of Voter Focus (VR
 * Systems' registration system used by Florida counties). The codes VR Systems documents, in
 * "Export of Mail Ballot Status Data" (Voter Focus help, Vote By Mail > Envelope Reader
 * Utilities) — the ballot status file's RejectionReason is "the single-digit code assigned to the
 * ballot referral reason" ("Export the BallotTrax Ballot Status File"):
 *   A No address · B PO Box address · L Returned late · M Voter moved to another county ·
 *   N No signature · P Partial address · S Signature different from file ·
 *   X MARG voter-No ID provided · Z Returned undeliverable by postal service
 *   (ZZ, temporarily away/forwarding address, is two characters and cannot be a RejectionReason).
 * Counties add their own one-character codes in Voter Focus (VOTER FOCUS ADMIN > System Codes >
 * Vote-by-Mail Referral Reasons), so the table is a setting the office can adjust.
 */

/** What the station rejects a ballot for: a cure code, LATE (the supervisor rejected a late envelope), or OTHER (no code recorded). */
export const REFERRAL_KEYS = [...CURE_CODES, 'LATE', 'OTHER'] as const;
export type ReferralKey = CureCode | 'LATE' | 'OTHER';

/** The documented codes the station's reasons match; the rest have none until the office gives one. */
export const DEFAULT_REFERRAL_CODES: Readonly<Partial<Record<ReferralKey, string>>> = {
  NO_VOTER_SIGNATURE: 'N',
  SIGNATURE_MISMATCH: 'S',
  ID_REQUIRED: 'X',
  LATE: 'L',
};

/** The setting `ballotTraxReasonCodes`: station reason → one letter or digit, over the defaults. */
export const referralCodesSchema = z.partialRecord(
  z.enum(REFERRAL_KEYS),
  z.string().regex(/^[A-Z0-9]$/, 'a Voter Focus referral reason code is one capital letter or digit'),
);

export function referralCodeTable(overrides: Partial<Record<ReferralKey, string>> | undefined): Partial<Record<ReferralKey, string>> {
  return { ...DEFAULT_REFERRAL_CODES, ...overrides };
}
