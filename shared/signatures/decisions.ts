/** A signature reviewer's four answers (one key each on the review screen). */
export const SIGNATURE_DECISIONS = ['match', 'no-match', 'no-signature', 'refer'] as const;
export type SignatureDecision = (typeof SIGNATURE_DECISIONS)[number];
