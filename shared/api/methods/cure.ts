import { z } from 'zod';
import { CURE_STATES } from '../../domain.js';
import { empty, method } from '../define.js';
import { ballotSchema, cureCodeSchema, reasonSchema, verdictSchema } from '../schemas.js';

const cureStateSchema = z.enum(CURE_STATES);

export const cureCaseSchema = z.object({
  caseId: z.number(),
  ballotId: z.string(),
  scanSeq: z.number().nullable(),
  voterId: z.string().nullable(),
  codes: z.array(cureCodeSchema),
  state: cureStateSchema,
  profile: z.string(),
  deadline: z.string().nullable(),
  notifyBy: z.string().nullable(),
  openedAt: z.string(),
  openedBy: z.string(),
  updatedAt: z.string(),
});

const queueItemSchema = z.object({
  kind: z.enum(['problem', 'cure']),
  id: z.number(),
  ballotId: z.string().nullable(),
  voterName: z.string().nullable(),
  precinct: z.string().nullable(),
  verdict: verdictSchema.nullable(),
  state: z.string(),
  codes: z.array(cureCodeSchema),
  at: z.string(),
  deadline: z.string().nullable(),
  raw: z.string().nullable(),
});

const noticeFailureSchema = z.object({ caseId: z.number(), ballotId: z.string(), error: z.string() });

const noticeSchema = z.object({
  noticeId: z.number(),
  channel: z.enum(['mail', 'email', 'text', 'phone']),
  language: z.string(),
  recipient: z.string().nullable(),
  messageId: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  queuedAt: z.string(),
  sentAt: z.string().nullable(),
});

const stepSchema = z.object({
  at: z.string(),
  actor: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  reason: z.string(),
  detail: z.unknown(),
});

export const cureMethods = {
  'cure.profile': method({
    role: 'clerk',
    writes: false,
    input: empty,
    output: z.object({
      code: z.string(),
      name: z.string(),
      timeZone: z.string(),
      codes: z.array(
        z.object({ code: cureCodeSchema, curable: z.boolean(), label: z.string(), labelEs: z.string() }),
      ),
      cureDeadline: z.string().nullable(),
      /** The receipt deadline in plain words (what a LATE verdict means in this state). */
      receiptRule: z.string(),
    }),
  }),
  'cure.flag': method({
    role: 'clerk',
    writes: true,
    input: z
      .object({
        scanSeq: z.number().int().positive().optional(),
        ballotId: z.string().max(64).optional(),
        codes: z.array(cureCodeSchema).min(1).max(12),
        reason: z.string().trim().max(500).optional(),
      })
      .strict()
      .refine((v) => v.scanSeq !== undefined || v.ballotId !== undefined, 'give scanSeq or ballotId'),
    output: cureCaseSchema,
  }),
  /** Undo a flag from the scan screen (the same clerk, within two minutes): an appended step, not a delete. */
  'cure.unflag': method({
    role: 'clerk',
    writes: true,
    input: z.object({ caseId: z.number().int().positive(), codes: z.array(cureCodeSchema).min(1).max(12) }).strict(),
    output: cureCaseSchema,
  }),
  'cure.move': method({
    role: 'clerk',
    writes: true,
    input: z
      .object({ caseId: z.number().int().positive(), to: cureStateSchema, reason: reasonSchema })
      .strict(),
    output: cureCaseSchema,
  }),
  'cure.expire': method({
    role: 'supervisor',
    writes: true,
    input: empty,
    output: z.object({ expired: z.array(cureCaseSchema) }),
  }),
  'cure.notices': method({
    role: 'supervisor',
    writes: true,
    input: z
      .object({
        caseIds: z.array(z.number().int().positive()).min(1).max(5000),
        language: z.enum(['en', 'es']),
      })
      .strict(),
    // Cases that cannot be noticed (closed, no address, an address too long for the window) are
    // listed in `failed`; the others are rendered. Nothing rendered: filename, pdf and csv are null.
    output: z.object({
      filename: z.string().nullable(),
      pdfBase64: z.string().nullable(),
      csv: z.string().nullable(),
      moved: z.number(),
      failed: z.array(noticeFailureSchema),
      /** Letters printed without the envelope picture the office shows (purged, missing, altered), and why. */
      withoutPicture: z.array(noticeFailureSchema).optional(),
    }),
  }),
  'cure.emailNotice': method({
    role: 'supervisor',
    writes: true,
    input: z
      .object({
        caseId: z.number().int().positive(),
        email: z.email().max(254),
        language: z.enum(['en', 'es']),
      })
      .strict(),
    output: z.object({
      noticeId: z.number(),
      caseId: z.number(),
      messageId: z.string(),
      status: z.enum(['queued', 'sending', 'sent', 'failed']),
      cureCase: cureCaseSchema,
    }),
  }),
  'cure.sendNotices': method({
    role: 'supervisor',
    writes: true,
    input: empty,
    output: z.object({
      sent: z.array(
        z.object({ noticeId: z.number(), caseId: z.number(), messageId: z.string(), resent: z.boolean(), withoutPicture: z.string().optional() }),
      ),
      retrying: z.array(z.object({ noticeId: z.number(), caseId: z.number(), error: z.string() })),
      failed: z.array(z.object({ noticeId: z.number(), caseId: z.number(), error: z.string() })),
    }),
  }),
  'review.queue': method({
    role: 'supervisor',
    writes: false,
    input: z
      .object({
        kind: z.enum(['problem', 'cure']).optional(),
        verdict: verdictSchema.optional(),
        cureCode: cureCodeSchema.optional(),
        state: cureStateSchema.optional(),
        olderThanHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .optional(),
        dueWithinHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .optional(),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    output: z.object({ total: z.number(), items: z.array(queueItemSchema) }),
  }),
  'review.detail': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ kind: z.enum(['problem', 'cure']), id: z.number().int().positive() }).strict(),
    output: z.object({
      ballot: ballotSchema.nullable(),
      scan: z
        .object({
          seq: z.number(),
          verdict: verdictSchema,
          reason: z.string(),
          raw: z.string(),
          scannedAt: z.string(),
          operator: z.string(),
          station: z.string(),
        })
        .nullable(),
      cureCase: cureCaseSchema.nullable(),
      steps: z.array(stepSchema),
      notices: z.array(noticeSchema),
      resolutions: z.array(z.string()),
      nextStates: z.array(z.string()),
    }),
  }),
  'review.resolve': method({
    role: 'supervisor',
    writes: true,
    input: z
      .object({
        seqs: z.array(z.number().int().positive()).min(1).max(1000),
        resolution: z.string().min(1).max(40),
        reason: reasonSchema,
      })
      .strict(),
    output: z.object({
      resolved: z.number(),
      failed: z.array(z.object({ seq: z.number(), error: z.string() })),
    }),
  }),
} as const;
