import { z } from 'zod';
import { method } from '../define.js';
import { reasonSchema, verdictSchema } from '../schemas.js';
import { CONFLICT_RESOLUTIONS } from '../../county/conflicts.js';

/**
 * The county views and operations (docs/county.md): the review queue, reports and batches of
 * every station, read from the hub, and resolving any station's problem from here. Every method
 * fails with plain words when the hub cannot be reached; the station's own screens still work.
 */
const stationId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a station ID is 1–40 lower-case letters, digits, - or _');
const page = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) };

const countyItem = z.object({
  kind: z.enum(['problem', 'conflict']),
  station: z.string(),
  /** The owning station's scan seq (problem) or the hub's conflict ID (conflict). */
  id: z.number(),
  ballotId: z.string().nullable(),
  voterId: z.string().nullable(),
  voterName: z.string().nullable(),
  precinct: z.string().nullable(),
  verdict: z.string(),
  reason: z.string().nullable(),
  raw: z.string().nullable(),
  at: z.string(),
  operator: z.string().nullable(),
  /** A conflict's other receipt (the first one accepted). */
  other: z.object({ station: z.string(), scanSeq: z.number(), at: z.string().nullable() }).nullable(),
  /** What a supervisor here may do with it. */
  resolutions: z.array(z.string()),
  /** True for this station's own items. */
  mine: z.boolean(),
});

const countyReport = z.object({
  station: z.string(),
  stations: z.number(),
  perStation: z.array(z.object({ station: z.string(), scans: z.number(), accepted: z.number(), problems: z.number(), open: z.number(), undone: z.number() })),
  perVerdict: z.array(z.object({ verdict: z.string(), count: z.number() })),
  perDay: z.array(z.object({ day: z.string(), station: z.string(), count: z.number() })),
});

const countyBatch = z.object({
  batchId: z.string(),
  station: z.string(),
  number: z.number().nullable(),
  status: z.string(),
  closedAt: z.string().nullable(),
  scanned: z.number().nullable(),
  handCount: z.number().nullable(),
  sync: z.string().nullable(),
  sentBy: z.string().nullable(),
});

export const countyViewMethods = {
  /** Whether this station is in a county (a hub is set), and its ID there: the screens' toggle. */
  'county.views': method({ role: 'supervisor', writes: false, input: z.object({}).strict(), output: z.object({ configured: z.boolean(), station: z.string().nullable() }) }),
  'county.queue': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ kind: z.enum(['problem', 'conflict']).optional(), verdict: verdictSchema.optional(), station: stationId.optional(), ...page }).strict(),
    output: z.object({ total: z.number(), station: z.string(), items: z.array(countyItem) }),
  }),
  'county.report': method({
    role: 'supervisor',
    writes: false,
    input: z
      .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
      .strict()
      .refine((v) => Date.parse(v.from) < Date.parse(v.to) && Date.parse(v.to) - Date.parse(v.from) <= 62 * 86_400_000, 'The report covers from one moment to a later one, at most 62 days apart.'),
    output: countyReport,
  }),
  'county.batches': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ station: stationId.optional(), ...page }).strict(),
    output: z.object({ total: z.number(), station: z.string(), items: z.array(countyBatch) }),
  }),
  /** Resolves another station's problem scan: recorded here, replicated, applied at its station. */
  'county.resolve': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ station: stationId, scanSeq: z.number().int().min(1), resolution: z.string().min(1).max(40), reason: reasonSchema }).strict(),
    output: z.object({ station: z.string(), scanSeq: z.number(), recordedHere: z.boolean() }),
  }),
  'county.resolveConflict': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ conflictId: z.number().int().min(1), resolution: z.enum(CONFLICT_RESOLUTIONS), reason: reasonSchema }).strict(),
    output: z.object({ conflictId: z.number() }),
  }),
} as const;
