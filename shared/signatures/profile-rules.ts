import { z } from 'zod';
import { CURE_CODES } from '../domain.js';
import { SIGNATURE_DECISIONS } from './decisions.js';

/**
 * A state profile's signature-review rules (the `signatureReview` field; optional, defaults
 * below). A profile without it: one pair of different operators rejects, a reason is asked for
 * "does not match" and "refer", and a voter with nothing on file waits for a supervisor.
 */
export const signatureReviewSchema = z.strictObject({
  /** A rejection needs two reviewers of different party designations (e.g. Maricopa's bipartisan boards). */
  bipartisanPair: z.boolean().default(false),
  /** Decisions the reviewer must give a reason for. */
  reasonRequiredFor: z.array(z.enum(SIGNATURE_DECISIONS)).default(['no-match', 'refer']),
  /** With no signature on file, the cure the state then requires (null: a supervisor decides). */
  noSignatureOnFileCure: z.enum(CURE_CODES).nullable().default(null),
  /** Only signatures captured within this many years are shown (Texas: six); null, all. */
  lookbackYears: z.int().min(1).max(60).nullable().default(null),
});
export type SignatureReviewRules = z.output<typeof signatureReviewSchema>;

export const DEFAULT_SIGNATURE_REVIEW: SignatureReviewRules = signatureReviewSchema.parse({});
