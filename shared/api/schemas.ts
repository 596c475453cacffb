import { z } from 'zod';
import { BALLOT_STATUSES, CURE_CODES, ROLES, VERDICTS, VOTE_METHODS } from '../domain.js';

/** Shapes that cross the API boundary, shared by several method groups. */
export const verdictSchema = z.enum(VERDICTS);
export const roleSchema = z.enum(ROLES);
export const cureCodeSchema = z.enum(CURE_CODES);

export const operatorSchema = z.object({
  name: z.string(),
  role: roleSchema,
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  lockedUntil: z.string().nullable(),
});

export const priorReceiptSchema = z.object({
  seq: z.number(),
  at: z.string(),
  station: z.string(),
  operator: z.string(),
  scanner: z.string().nullable(),
  batchId: z.string().nullable(),
  batchNumber: z.number().nullable(),
});

/** What a scan returns: exactly the NDJSON line of `intake scan`. */
export const scanOutcomeSchema = z.object({
  seq: z.number(),
  verdict: verdictSchema,
  reason: z.string(),
  ballotId: z.string().nullable(),
  voterId: z.string().nullable(),
  voterName: z.string().nullable(),
  precinct: z.string().nullable(),
  batchId: z.string().nullable(),
  batchNumber: z.number().nullable(),
  batchCount: z.number().nullable(),
  batchClosed: z.boolean(),
  duplicateOf: priorReceiptSchema.nullable(),
  scannedAt: z.string(),
  station: z.string(),
  scanner: z.string().nullable(),
  operator: z.string(),
  raw: z.string(),
  symbology: z.string().nullable(),
  keyed: z.boolean(),
});
export type ScanOutcomeDto = z.infer<typeof scanOutcomeSchema>;

export const batchSchema = z.object({
  batchId: z.string(),
  number: z.number(),
  station: z.string(),
  electionId: z.string().nullable(),
  status: z.enum(['OPEN', 'CLOSED']),
  openedAt: z.string(),
  openedBy: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.enum(['size', 'supervisor']).nullable(),
  count: z.number(),
  scannedCount: z.number().nullable(),
  handCount: z.number().nullable(),
  difference: z.number().nullable(),
  reconciledAt: z.string().nullable(),
  reconciledBy: z.string().nullable(),
});
export type BatchDto = z.infer<typeof batchSchema>;

export const historyEventSchema = z.object({
  at: z.string(),
  event: z.string(),
  detail: z.string(),
  verdict: z.string().optional(),
  seq: z.number().optional(),
  batchId: z.string().nullable().optional(),
  station: z.string().optional(),
  batchNumber: z.number().nullable().optional(),
  by: z.string().optional(),
});

export const ballotSchema = z.object({
  ballotId: z.string(),
  electionId: z.string(),
  voterId: z.string(),
  altVoterId: z.string().nullable(),
  imbMailerId: z.string().nullable(),
  imbSerial: z.string().nullable(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.string().nullable(),
  suffix: z.string().nullable(),
  dob: z.string().nullable(),
  resAddress: z.string().nullable(),
  resCity: z.string().nullable(),
  resZip: z.string().nullable(),
  mailAddress: z.string().nullable(),
  mailCity: z.string().nullable(),
  mailState: z.string().nullable(),
  mailZip: z.string().nullable(),
  precinct: z.string().nullable(),
  ballotStyle: z.string().nullable(),
  jurisdiction: z.string().nullable(),
  issuedAt: z.string().nullable(),
  status: z.enum(BALLOT_STATUSES),
  voteMethod: z.enum(VOTE_METHODS),
  votedOtherMethod: z.boolean(),
  stateReturnedAt: z.string().nullable(),
  sourceStatus: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  history: z.array(historyEventSchema),
});
export type BallotDto = z.infer<typeof ballotSchema>;

/** Bounded free text: reasons, names, search terms. */
export const text = (max = 500) => z.string().trim().min(1).max(max);
export const reasonSchema = text(500);
