import { z } from 'zod';
import { method } from '../define.js';

/** USPS mail tracking for the screens: a ballot's scans, the supervisor's attention lists, the mail-stream chart. */
const list = z.enum(['no-scan', 'undeliverable', 'not-received']);
const days = z.number().int().min(1).max(365);
const hours = z.number().int().min(1).max(24 * 60);
const isoDay = z.iso.date();

const attentionRow = z.object({
  ballotId: z.string(),
  voterId: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  precinct: z.string().nullable(),
  issuedAt: z.string().nullable(),
  status: z.string(),
  event: z.object({ at: z.string(), phase: z.string(), facility: z.string(), city: z.string(), state: z.string(), zip: z.string() }).nullable(),
  waited: z.number(),
  reissued: z.boolean(),
});

const mailEventView = z.object({
  direction: z.enum(['out', 'back']),
  /** The facility's local date and time, as USPS gives it. */
  scannedAt: z.string(),
  scannedAtUtc: z.string().nullable(),
  phase: z.string(),
  facility: z.string(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  handling: z.string(),
});

export const mailMethods = {
  'mail.ballot': method({
    role: 'clerk',
    writes: false,
    input: z.object({ ballotId: z.string().trim().min(1).max(64) }).strict(),
    output: z.object({ ballotId: z.string(), status: z.string().nullable(), words: z.string(), events: z.array(mailEventView) }),
  }),
  'mail.attention': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ list, days: days.optional(), hours: hours.optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
    output: z.object({ list, days: z.number(), hours: z.number(), count: z.number(), rows: z.array(attentionRow), truncated: z.boolean() }),
  }),
  'mail.attentionCounts': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ days: days.optional(), hours: hours.optional() }).strict(),
    output: z.object({ days: z.number(), hours: z.number(), officeZipsSet: z.boolean(), counts: z.object({ 'no-scan': z.number(), undeliverable: z.number(), 'not-received': z.number() }) }),
  }),
  'mail.attentionCsv': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ list, days: days.optional(), hours: hours.optional() }).strict(),
    output: z.object({ filename: z.string(), content: z.string() }),
  }),
  'mail.stream': method({
    role: 'supervisor',
    writes: false,
    input: z
      .object({ from: isoDay, to: isoDay })
      .strict()
      .refine((v) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= 120 * 86_400_000, 'The chart covers from one day to a later one, at most 120 days apart.'),
    output: z.array(z.object({ day: z.string(), direction: z.enum(['out', 'back']), phase: z.string(), ballots: z.number() })),
  }),
} as const;
