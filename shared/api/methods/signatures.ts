import { z } from 'zod';
import { SIGNATURE_DECISIONS, type SignatureDecision } from '../../signatures/decisions.js';
import { empty, method } from '../define.js';

/**
 * Signature review (issue 19): the envelope's signature crop beside the voter's signatures on
 * file, decided by people in tiers, with a blind sample audit. No similarity score is computed
 * or shown anywhere: the decision is a reviewer's, by looking.
 */

export { SIGNATURE_DECISIONS, type SignatureDecision };
export const signatureDecisionSchema = z.enum(SIGNATURE_DECISIONS);

/**
 * The level the reviewer sees. A blind sample re-review is shown as 'first', exactly like a
 * first-level item, so the reviewer cannot tell it is an audit.
 */
export const REVIEW_LEVELS = ['first', 'second', 'supervisor', 'no-reference'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

export const REFERENCE_SOURCES = ['state-export', 'prior-envelope'] as const;
export type ReferenceSource = (typeof REFERENCE_SOURCES)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const referenceSignatureSchema = z.object({
  referenceId: z.number(),
  /** The image in the image store (images group). */
  sha256,
  /** YYYY-MM-DD the signature was captured (the state's date, or the earlier envelope's scan day). */
  capturedOn: z.string(),
  source: z.enum(REFERENCE_SOURCES),
});

/** An earlier decision on the same envelope: shown at the second level and to a supervisor, never on a first-level (or blind) item. */
const earlierDecisionSchema = z.object({
  level: z.enum(['1', '2', 'sample', 'supervisor', 'no-reference']),
  decision: signatureDecisionSchema,
  operator: z.string(),
  reason: z.string().nullable(),
  decidedAt: z.string(),
});

export const signatureItemSchema = z.object({
  scanSeq: z.number(),
  /** Changes every time the item moves on: `decide` with a stale round is refused (someone else decided first). */
  round: z.number(),
  level: z.enum(REVIEW_LEVELS),
  ballotId: z.string(),
  voterId: z.string().nullable(),
  voterName: z.string().nullable(),
  scannedAt: z.string(),
  /** The envelope's signature crop in the image store; null when the envelope has none stored. */
  envelopeSha256: sha256.nullable(),
  /** Up to six signatures on file, newest first. */
  references: z.array(referenceSignatureSchema).max(6),
  /** The decisions this reviewer may make here, and those the state profile wants a reason for. */
  decisions: z.array(signatureDecisionSchema),
  reasonRequiredFor: z.array(signatureDecisionSchema),
  earlier: z.array(earlierDecisionSchema),
  /** This reviewer holds the item until then; others are served other envelopes meanwhile. */
  heldUntil: z.string(),
});
export type SignatureItem = z.infer<typeof signatureItemSchema>;

/** The item after this one, for the screen to load its images ahead (not held: it may go to someone else). */
export const followingItemSchema = z.object({
  scanSeq: z.number(),
  envelopeSha256: sha256.nullable(),
  referenceSha256s: z.array(sha256).max(6),
});

const rate = z.object({ sampled: z.number(), agreed: z.number(), disagreed: z.number(), pending: z.number(), rate: z.number().nullable() });

export const signatureMethods = {
  'signatures.next': method({
    role: 'clerk',
    // It holds the item for this reviewer (a short lease), so it writes.
    writes: true,
    input: empty,
    output: z.object({ item: signatureItemSchema.nullable(), following: followingItemSchema.nullable() }),
  }),
  'signatures.decide': method({
    role: 'clerk',
    writes: true,
    input: z
      .object({
        scanSeq: z.number().int().positive(),
        round: z.number().int().min(0),
        decision: signatureDecisionSchema,
        reason: z.string().trim().max(500).optional(),
        /** The reference signatures that were on screen (from the item's `references`). */
        referenceIds: z.array(z.number().int().positive()).max(6),
      })
      .strict(),
    output: z.object({
      /** What happened next, in one word; `message` says it in plain words. */
      // A blind re-review answers like any first-level decision ('accepted' or 'supervisor'), so the reviewer never learns it was an audit.
      outcome: z.enum(['accepted', 'second-level', 'supervisor', 'cure-opened', 'awaiting-another-reviewer']),
      message: z.string(),
      cureCaseId: z.number().nullable(),
    }),
  }),
  'signatures.queueCounts': method({
    role: 'clerk',
    writes: false,
    input: empty,
    output: z.object({
      firstLevel: z.number(),
      secondLevel: z.number(),
      supervisor: z.number(),
      noSignatureOnFile: z.number(),
      samplePending: z.number(),
      decidedToday: z.number(),
      votersWithSignatures: z.number(),
    }),
  }),
  'signatures.agreement': method({
    role: 'supervisor',
    writes: false,
    input: z
      .object({ from: z.iso.date().optional(), to: z.iso.date().optional() })
      .strict(),
    output: z.object({
      sampleRate: z.number(),
      overall: rate,
      /** Per first-level reviewer: how often a blind second look agreed with them. */
      byReviewer: z.array(rate.extend({ operator: z.string() })),
      /** Per day of the first-level decision (the profile's time zone). */
      byDay: z.array(rate.extend({ day: z.string() })),
      disagreements: z.array(
        z.object({
          scanSeq: z.number(),
          ballotId: z.string(),
          firstOperator: z.string(),
          blindOperator: z.string(),
          blindDecision: signatureDecisionSchema,
          at: z.string(),
          /** The supervisor's decision, once made. */
          resolution: signatureDecisionSchema.nullable(),
        }),
      ),
    }),
  }),
  /** Who may review signatures: every supervisor, and clerks a supervisor names here (with a party where the profile pairs reviewers). */
  'signatures.reviewers': method({
    role: 'supervisor',
    writes: false,
    input: empty,
    output: z.array(z.object({ name: z.string(), role: z.enum(['clerk', 'supervisor']), reviewer: z.boolean(), party: z.string().nullable() })),
  }),
  'signatures.setReviewer': method({
    role: 'supervisor',
    writes: true,
    input: z
      .object({
        name: z.string().trim().min(1).max(40),
        reviewer: z.boolean(),
        /** A party designation (e.g. "DEM", "REP", "UNA"); null clears it. */
        party: z.string().trim().min(1).max(20).nullable().optional(),
      })
      .strict(),
    output: z.object({ name: z.string(), reviewer: z.boolean(), party: z.string().nullable() }),
  }),
} as const;
