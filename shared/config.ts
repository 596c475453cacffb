import { z } from 'zod';
import { labelRuleSchema } from './barcode/label.js';
import { electionTypeSchema } from './cure/election-type.js';
import { scannerConfigSchema } from './scanner/config.js';
import { referralCodesSchema } from './sync/referral-codes.js';

/**
 * The station's settings, stored in its database so the app and the CLI agree. Each key has
 * its own schema; `intake config set KEY VALUE` parses VALUE as JSON when it can, else as text.
 */
const isoInstant = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

export const configSchemas = {
  station: z.string().trim().min(1).max(64),
  election: z.string().trim().min(1).max(64),
  electionName: z.string().trim().min(1).max(200),
  electionDate: isoDate,
  /**
   * The election's type (general | primary | presidential-primary | special | state-local): the state
   * profile's deadlines depend on it (shared/cure/election-type.ts, docs/deadlines.md).
   */
  electionType: electionTypeSchema,
  receiptDeadline: isoInstant,
  jurisdiction: z.string().trim().min(1).max(100),
  batchSize: z.number().int().min(1).max(100_000),
  labelRule: labelRuleSchema.nullable(),
  imbMailerIds: z.array(z.string().regex(/^([0-8]\d{5}|9\d{8})$/, 'a mailer ID is 6 digits (first 0-8) or 9 digits (first 9)')),
  stateProfile: z.string().trim().min(2).max(20),
  syncUrl: z.url(),
  syncChunkSize: z.number().int().min(1).max(100_000),
  syncTimeoutSeconds: z.number().min(0.1).max(600),
  syncRetryBaseSeconds: z.number().min(0.01).max(600),
  syncRetryCapSeconds: z.number().min(0.01).max(3600),
  backupDir: z.string().min(1),
  /** Florida's daily absentee-status file: the county's FVRS code and the election's FVRS number. */
  floridaCountyId: z.string().regex(/^[A-Z]{3}$/, 'an FVRS county code is 3 capital letters (e.g. LEO)'),
  floridaElectionNumber: z.string().regex(/^\d{1,10}$/, 'an FVRS election number is up to 10 digits'),
  // BallotTrax status file (docs/feed.md): Voter Focus's election number — a short integer, not the
  // station's election ID — and the office's referral reason codes over the documented defaults.
  ballotTraxElectionNumber: z.number().int().min(1).max(32767),
  ballotTraxReasonCodes: referralCodesSchema,
  idleLockMinutes: z.number().int().min(1).max(240),
  /** The share of first-level signature matches re-reviewed blind by another operator (0.02 = 2%). */
  'signatures.sampleRate': z.number().min(0).max(1),
  /** The office requires two reviewers of different parties for a signature rejection, whatever the profile says. */
  'signatures.bipartisanPair': z.boolean(),
  /** The keyboard-wedge scanner's timing (shared/scanner/wedge.ts): its terminator and its longest gap between keys. */
  keyboardWedge: z
    .object({ terminator: z.enum(['either', 'Enter', 'Tab', 'none']), maxGapMs: z.number().int().min(20).max(500) })
    .strict(),
  scanners: z.array(scannerConfigSchema).max(8),
  officeName: z.string().trim().min(1).max(200),
  officeAddress: z.array(z.string().trim().min(1).max(200)).min(1).max(5),
  officePhone: z.string().trim().min(1).max(50),
  officeEmail: z.email(),
  officeWebsite: z.url(),
  /** Envelope images (docs/images.md): the SANE device (`scanimage -L` names it; `test` is SANE's test scanner). */
  'images.device': z.string().trim().min(1).max(200),
  /** When the station captures from that device: after each accepted scan, only on a key, or never. */
  'images.capture': z.enum(['after-accept', 'on-key', 'off']),
  /** Extra scanimage options for the device, e.g. ["--mode","Gray","--resolution","150"] (never output options). */
  'images.scanArgs': z.array(z.string().max(200)).max(20),
  'images.timeoutSeconds': z.number().min(1).max(300),
  /** The folder a sorter writes its envelope images and index.csv to; the station watches it. */
  'images.sorterFolder': z.string().min(1).max(1000),
  /** The envelope design new images are cut by (its signature box: images.templates.save). */
  'images.design': z.string().trim().min(1).max(64),
  /** Days images are kept before `intake images purge` may remove them; unset: the state profile's rule. */
  'images.retentionDays': z.number().int().min(1).max(36500),
  /**
   * The picture a cure notice shows (docs/images.md): the envelope as received, its signature crop,
   * or none. Unset: the state profile's `noticeImage`, else none. Set, it wins over the profile.
   */
  cureNoticeImage: z.enum(['off', 'signature', 'envelope']),
  /** USPS mail tracking (docs/mail.md): the 5-digit ZIPs of the USPS facilities that serve the office, for "arrived". */
  mailOfficeZips: z.array(z.string().regex(/^\d{5}$/, 'a facility ZIP is 5 digits')).max(20),
  /** USPS operation codes the office treats as "undeliverable, returning to sender" (docs/mail.md). */
  mailUndeliverableOpCodes: z.array(z.string().regex(/^\w{1,10}$/, 'an operation code is up to 10 letters or digits')).max(100),
  /**
   * IV-MTR web services for `intake mail fetch` (docs/mail-fetch.md; IV-MTR API Developer Toolkit v2.5):
   * the token service, the API's base, the Business Customer Gateway user (its password only in
   * INTAKE_IVMTR_PASSWORD, never stored), the OAuth client ID the toolkit publishes, and timing.
   */
  ivmtrAuthUrl: z.url(),
  ivmtrApiUrl: z.url(),
  ivmtrUsername: z.string().trim().min(1).max(100),
  ivmtrClientId: z.string().trim().min(1).max(100),
  ivmtrTimeoutSeconds: z.number().min(0.1).max(600),
  ivmtrRetryBaseSeconds: z.number().min(0.01).max(600),
  ivmtrPageSize: z.number().int().min(1).max(5000),
  /**
   * The county hub (docs/county.md): a PostgreSQL URL WITHOUT the password (postgres://host:port/db
   * ?sslmode=verify-full). The password comes from INTAKE_HUB_PASSWORD or the 0600 file
   * hub.passwordFile, never from this table, the audit log or the station log.
   */
  hub: z
    .string()
    .trim()
    .max(500)
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'the hub is a postgres:// URL')
    .refine((v) => {
      try {
        return new URL(v).password === '';
      } catch {
        return false;
      }
    }, 'the hub URL must not carry a password: put it in INTAKE_HUB_PASSWORD or the file named by hub.passwordFile'),
  /** This station's registered ID at the hub (`intake hub station add ID`); its role is station_<id>. */
  'hub.station': z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a hub station ID is 1–40 lower-case letters, digits, - or _'),
  /** The hub's CA certificate (PEM file): the hub's certificate is verified against it and its name. */
  'hub.ca': z.string().min(1).max(1000),
  /** A file (mode 0600) holding the station's hub password, when INTAKE_HUB_PASSWORD is not set. */
  'hub.passwordFile': z.string().min(1).max(1000),
  /** Where this station's roll comes from: its own imports (station), or the roll published at the county hub (county; docs/county.md). */
  rollSource: z.enum(['station', 'county']),
  smtp: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean(),
    from: z.string().min(3),
    user: z.string().optional(),
    pass: z.string().optional(),
  }),
} as const;

export type ConfigKey = keyof typeof configSchemas;
export type ConfigValues = { [K in ConfigKey]: z.infer<(typeof configSchemas)[K]> };

export const CONFIG_DEFAULTS: Partial<ConfigValues> = {
  batchSize: 250,
  labelRule: null,
  imbMailerIds: [],
  stateProfile: 'generic',
  electionType: 'general',
  syncChunkSize: 500,
  syncTimeoutSeconds: 15,
  syncRetryBaseSeconds: 1,
  syncRetryCapSeconds: 300,
  idleLockMinutes: 10,
  'signatures.sampleRate': 0.02,
  rollSource: 'station',
  keyboardWedge: { terminator: 'either', maxGapMs: 100 },
  'images.capture': 'off',
  'images.timeoutSeconds': 30,
  ivmtrAuthUrl: 'https://services.usps.com/oauth',
  ivmtrApiUrl: 'https://iv.usps.com/ivws_api/informedvisapi',
  ivmtrClientId: '687b8a36-db61-42f7-83f7-11c79bf7785e',
  ivmtrTimeoutSeconds: 30,
  ivmtrRetryBaseSeconds: 2,
  ivmtrPageSize: 200,
  mailOfficeZips: [],
  mailUndeliverableOpCodes: [],
};

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(configSchemas, key);
}

/** Parses a command-line value: JSON if it parses as JSON, else the raw text. */
export function parseConfigText(key: ConfigKey, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let candidate: unknown = text;
  try {
    candidate = JSON.parse(text);
  } catch {
    // plain text, e.g. a station name
  }
  const schema = configSchemas[key] as z.ZodType;
  let parsed = schema.safeParse(candidate);
  if (!parsed.success && typeof candidate !== 'string') parsed = schema.safeParse(text);
  if (!parsed.success) return { ok: false, error: `${key}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  return { ok: true, value: parsed.data };
}

/**
 * Secrets among the settings: the SMTP password. It never goes to the screen (settings.get
 * says only whether one is stored) and never into the audit log (which records that it
 * changed). INTAKE_SMTP_PASS, when set, is used instead of the stored one.
 */
const smtpShown = configSchemas.smtp.omit({ pass: true }).extend({ passStored: z.boolean() });

/** What settings.get answers: every setting, the secrets replaced by whether they are set. */
export const shownConfigSchema = z
  .object(Object.fromEntries(Object.entries(configSchemas).map(([k, s]) => [k, (k === 'smtp' ? smtpShown : s).optional()])) as {
    [K in ConfigKey]: z.ZodOptional<K extends 'smtp' ? typeof smtpShown : (typeof configSchemas)[K]>;
  })
  .strict();
export type ShownConfig = z.infer<typeof shownConfigSchema>;

export function redactConfig(values: Partial<ConfigValues>): ShownConfig {
  const { smtp, ...rest } = values;
  if (!smtp) return rest;
  const { pass, ...shown } = smtp;
  return { ...rest, smtp: { ...shown, passStored: pass !== undefined && pass !== '' } };
}

/** A setting's value as the audit log may hold it: the secret's value replaced by whether it changed. */
export function auditableValue(key: ConfigKey, value: unknown, previous: unknown): unknown {
  if (key !== 'smtp' || !value || typeof value !== 'object') return value;
  const { pass, ...rest } = value as { pass?: string };
  const before = previous && typeof previous === 'object' ? (previous as { pass?: string }).pass : undefined;
  return { ...rest, passStored: pass !== undefined && pass !== '', passChanged: pass !== before };
}
