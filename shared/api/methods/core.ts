import { z } from 'zod';
import { hidPosLayoutStatusSchema } from '../../scanner/config.js';
import { labelRuleSchema } from '../../barcode/label.js';
import { configSchemas, shownConfigSchema } from '../../config.js';
import { empty, method } from '../define.js';
import { ballotSchema, batchSchema, operatorSchema, reasonSchema, roleSchema, scanOutcomeSchema, text } from '../schemas.js';

const pin = z.string().regex(/^\d{4,12}$/, 'The PIN must be 4 to 12 digits.');
const operatorName = text(40);

export const sessionMethods = {
  'session.status': method({
    role: 'public',
    writes: false,
    input: empty,
    output: z.object({
      station: z.string().nullable(),
      election: z.string().nullable(),
      electionName: z.string().nullable(),
      operator: z.object({ name: z.string(), role: roleSchema }).nullable(),
      needsFirstSupervisor: z.boolean(),
      fault: z.string().nullable(),
      idleLockMinutes: z.number(),
      /** The screen is locked: only this operator's PIN unlocks it (session.unlock). */
      locked: z.object({ operator: z.string() }).nullable(),
    }),
  }),
  'session.signIn': method({ role: 'public', writes: false, input: z.object({ operator: operatorName, pin }).strict(), output: operatorSchema }),
  'session.signOut': method({ role: 'public', writes: false, input: empty, output: empty }),
  /** Locks the screen now (the renderer's idle timer, or a Lock button); events stop at once. */
  'session.lock': method({ role: 'clerk', writes: false, input: empty, output: empty }),
  /** Unlocks as the operator who was signed in when the screen locked: no one else. */
  'session.unlock': method({ role: 'public', writes: false, input: z.object({ pin }).strict(), output: operatorSchema }),
  'session.createFirstSupervisor': method({ role: 'public', writes: true, input: z.object({ operator: operatorName, pin }).strict(), output: operatorSchema }),
} as const;

/** Operators and their PINs: a supervisor's job (a PIN is never sent back). */
export const operatorMethods = {
  'operators.list': method({ role: 'supervisor', writes: false, input: empty, output: z.array(operatorSchema) }),
  'operators.create': method({ role: 'supervisor', writes: true, input: z.object({ name: operatorName, role: roleSchema, pin }).strict(), output: operatorSchema }),
  'operators.resetPin': method({ role: 'supervisor', writes: true, input: z.object({ name: operatorName, pin }).strict(), output: empty }),
  /** The operator can no longer sign in; their name stays on everything they did. */
  'operators.disable': method({ role: 'supervisor', writes: true, input: z.object({ name: operatorName }).strict(), output: operatorSchema }),
} as const;

const scanFaultSchema = z.object({ id: z.number(), at: z.string(), station: z.string(), scanner: z.string(), raw: z.string(), reason: z.string() });

export const intakeMethods = {
  'scan.submit': method({
    role: 'clerk',
    writes: true,
    input: z.object({ raw: z.string().min(1).max(4096), scanner: z.string().max(64).optional(), keyed: z.boolean().optional() }).strict(),
    output: scanOutcomeSchema,
  }),
  'scan.recent': method({ role: 'clerk', writes: false, input: z.object({ limit: z.number().int().min(1).max(200) }).strict(), output: z.array(scanOutcomeSchema) }),
  'scan.undo': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ seq: z.number().int().positive(), reason: reasonSchema }).strict(),
    output: z.object({ seq: z.number(), undoneAt: z.string() }),
  }),
  /** Hardware scans refused because no one was signed in and unlocked: never recorded as receipts. */
  'scans.refused': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
    output: z.array(scanFaultSchema),
  }),
} as const;

const receiptRowSchema = z.object({
  seq: z.number(),
  ballotId: z.string(),
  voterId: z.string().nullable(),
  lastName: z.string().nullable(),
  firstName: z.string().nullable(),
  precinct: z.string().nullable(),
  verdict: z.string(),
  scannedAt: z.string(),
  station: z.string(),
  operator: z.string(),
  scanner: z.string().nullable(),
  batchId: z.string().nullable(),
  batchNumber: z.number().nullable(),
});

export const batchMethods = {
  'batches.list': method({ role: 'clerk', writes: false, input: z.object({ status: z.enum(['OPEN', 'CLOSED']).optional() }).strict(), output: z.array(batchSchema) }),
  'batches.open': method({ role: 'clerk', writes: true, input: empty, output: batchSchema }),
  'batches.close': method({
    role: 'supervisor',
    writes: true,
    input: z.object({ batchId: z.string().max(64).nullable(), handCount: z.number().int().min(0).max(1_000_000).nullable() }).strict(),
    output: batchSchema,
  }),
  'batches.show': method({ role: 'clerk', writes: false, input: z.object({ batchId: z.string().max(64) }).strict(), output: z.object({ batch: batchSchema, manifest: z.array(receiptRowSchema) }) }),
  'batches.coverSheet': method({ role: 'clerk', writes: false, input: z.object({ batchId: z.string().max(64) }).strict(), output: z.object({ filename: z.string(), pdfBase64: z.string() }) }),
} as const;

const rollFormat = z.enum(['station', 'nc-sbe', 'ga-sos']);
/** A roll file: a path on the station (Electron's file dialog) or an upload (the browser). */
const rollSource = z.union([z.object({ path: z.string().min(1).max(4096) }).strict(), z.object({ uploadId: z.string().regex(/^[a-f0-9-]{36}$/) }).strict()]);
const rollOptions = {
  source: rollSource,
  format: rollFormat,
  map: z.record(z.string().max(100), z.string().max(100)).optional(),
  election: z.string().max(64).optional(),
};

export const rollMethods = {
  'roll.stats': method({
    role: 'clerk',
    writes: false,
    input: empty,
    output: z.object({
      ballots: z.number(),
      voters: z.number(),
      elections: z.array(z.object({ electionId: z.string(), ballots: z.number() })),
      byStatus: z.record(z.string(), z.number()),
      inPerson: z.number(),
      withImb: z.number(),
      imports: z.number(),
      lastImport: z.object({ importId: z.number(), finishedAt: z.string(), file: z.string(), format: z.string() }).nullable(),
    }),
  }),
  'roll.find': method({
    role: 'clerk',
    writes: false,
    input: z
      .object({ name: z.string().max(100).optional(), dob: z.iso.date().optional(), voterId: z.string().max(64).optional(), ballotId: z.string().max(64).optional(), address: z.string().max(100).optional() })
      .strict(),
    output: z.array(ballotSchema),
  }),
  'roll.preview': method({
    role: 'supervisor',
    writes: false,
    input: z.object(rollOptions).strict(),
    output: z.object({
      headers: z.array(z.string()),
      rows: z.array(z.object({ rowNo: z.number(), ok: z.boolean(), error: z.string().optional(), ballotId: z.string().optional(), voterId: z.string().optional(), name: z.string().optional(), status: z.string().optional() })),
    }),
  }),
  'roll.import': method({
    role: 'supervisor',
    writes: true,
    input: z.object(rollOptions).strict(),
    output: z.object({
      read: z.number(), imported: z.number(), updated: z.number(), unchanged: z.number(), rejected: z.number(), rejectsFile: z.string().nullable(),
      // Rows that are not ballots (Georgia applications) and the encoding the file was read in (main/roll/encoding.ts).
      skipped: z.object({ applications: z.number(), rejectedApplications: z.number() }),
      encoding: z.enum(['utf8', 'latin1', 'cp1252']),
      encodingDetected: z.boolean(),
    }),
  }),
  'roll.rejects': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
    output: z.object({ file: z.string().nullable(), rows: z.array(z.object({ row: z.string(), reason: z.string(), raw: z.string() })) }),
  }),
} as const;

/** What `intake decode` prints and the label check shows. */
const decodeResultSchema = z.union([
  z.object({ ok: z.literal(false), error: z.string() }),
  z.object({ ok: z.literal(true), kind: z.literal('imb'), tracking: z.string(), routing: z.string(), barcodeId: z.string(), serviceType: z.string(), mailerId: z.string(), serial: z.string(), upsideDown: z.boolean() }),
  z.object({ ok: z.literal(true), kind: z.literal('label'), id: z.string(), symbology: z.string().nullable(), carries: z.enum(['ballot', 'voter']) }),
]);

const settingKey = z.enum(Object.keys(configSchemas) as [keyof typeof configSchemas, ...(keyof typeof configSchemas)[]]);

const scannerStatusSchema = z.object({ scannerId: z.string(), name: z.string().optional(), state: z.enum(['connecting', 'connected', 'disconnected', 'error']), reason: z.string().optional(), at: z.string(), hidPosLayout: hidPosLayoutStatusSchema.optional() });

export const scannerMethods = {
  'scanners.status': method({ role: 'clerk', writes: false, input: empty, output: z.array(scannerStatusSchema) }),
  /** Starts (seconds > 0) or ends (0) the live test: hardware scans are shown, not recorded. */
  'scanners.test': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ seconds: z.number().int().min(0).max(300) }).strict(),
    output: z.object({ until: z.string().nullable() }),
  }),
  'scanners.discover': method({
    role: 'supervisor',
    writes: false,
    input: empty,
    output: z.object({
      scanners: z.array(
        z.object({
          kind: z.enum(['hid-pos', 'serial', 'hid-keyboard', 'hid-other']),
          path: z.string(),
          vendorId: z.number().nullable(),
          productId: z.number().nullable(),
          knownVendor: z.string().nullable(),
          manufacturer: z.string().nullable(),
          product: z.string().nullable(),
          serialNumber: z.string().nullable(),
          usagePage: z.number().nullable(),
          usage: z.number().nullable(),
        }),
      ),
      warnings: z.array(z.string()),
    }),
  }),
} as const;

export const settingsMethods = {
  /** Every setting; secrets (the SMTP password) only as whether one is stored. */
  'settings.get': method({ role: 'clerk', writes: false, input: empty, output: shownConfigSchema }),
  'settings.set': method({ role: 'supervisor', writes: true, input: z.object({ key: settingKey, value: z.unknown() }).strict(), output: z.object({ key: z.string(), value: z.unknown() }) }),
  'settings.labelRuleCheck': method({
    role: 'clerk',
    writes: false,
    input: z.object({ rule: labelRuleSchema.nullable(), sample: z.string().max(200) }).strict(),
    output: z.object({
      label: z.union([z.object({ ok: z.literal(true), value: z.object({ id: z.string(), carries: z.enum(['ballot', 'voter']) }) }), z.object({ ok: z.literal(false), error: z.string() })]),
      decode: decodeResultSchema,
    }),
  }),
  'audit.verify': method({
    role: 'supervisor',
    writes: false,
    input: empty,
    output: z.object({ ok: z.boolean(), count: z.number(), brokenAt: z.number().optional(), reason: z.string().optional(), head: z.string().optional(), scansChecked: z.number(), imagesChecked: z.number().optional() }),
  }),
  'receipts.export': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ format: z.enum(['csv', 'json']), batchId: z.string().max(64).optional() }).strict(),
    output: z.object({ filename: z.string(), content: z.string() }),
  }),
  'reports.summary': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ since: z.iso.datetime({ offset: true }).optional() }).strict(),
    output: z.object({
      perHour: z.array(z.object({ hour: z.string(), count: z.number() })),
      verdicts: z.record(z.string(), z.number()),
      perClerk: z.array(z.object({ operator: z.string(), scans: z.number(), accepted: z.number(), firstAt: z.string(), lastAt: z.string(), perHour: z.number() })),
      cureCodes: z.record(z.string(), z.number()),
    }),
  }),
} as const;

export { reasonSchema };
