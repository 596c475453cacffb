import { z } from 'zod';
import { CURE_CODES } from '../domain.js';
import type { CureCode } from '../domain.js';
import { err, ok } from '../result.js';
import { ELECTION_TYPES } from './election-type.js';
import { signatureReviewSchema } from '../signatures/profile-rules.js';
import type { Result } from '../result.js';

/**
 * A state profile: which envelope problems apply in a state, how each is cured, and the
 * deadlines (DOMAIN.md §3). Profiles are JSON files under resources/state-profiles/; this
 * schema is the contract, and every error names the file and the JSON path at fault.
 */

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = z.string().regex(HHMM, 'a time is "HH:MM", 24-hour, local to the profile time zone');
const isoDate = z.iso.date();
const days = z.int().min(0).max(90);

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    // Offsets like "+05:00" are accepted by Intl but are not IANA zones and ignore DST.
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) => `"${String(issue.input)}" is not an IANA time zone`,
});

export const cureDeadlineRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('calendarDaysAfterElection'), days, time }),
    z.strictObject({ kind: z.literal('businessDaysAfterElection'), days: days.min(1), time }),
    z
      .strictObject({
        kind: z.literal('daysBeforeCertification'),
        days,
        certificationDaysAfterElection: days.min(1),
        time,
      })
      .refine((r) => r.days < r.certificationDaysAfterElection, {
        message: 'the cure deadline must fall after election day (days < certificationDaysAfterElection)',
        path: ['days'],
      }),
  ],
  { error: 'kind must be calendarDaysAfterElection, businessDaysAfterElection or daysBeforeCertification' },
);
export type CureDeadlineRule = z.infer<typeof cureDeadlineRuleSchema>;

export const receiptDeadlineRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('electionDayClose'), time, description: z.string().min(1).optional() }),
    z.strictObject({ kind: z.literal('postmarkGrace'), receivedWithinDays: days.min(1), time, description: z.string().min(1).optional() }),
  ],
  { error: 'kind must be electionDayClose or postmarkGrace' },
);
export type ReceiptDeadlineRule = z.infer<typeof receiptDeadlineRuleSchema>;

const bilingual = z.strictObject({ en: z.string().trim().min(1), es: z.string().trim().min(1) });
export type Bilingual = z.infer<typeof bilingual>;

export const CURE_METHODS = ['affidavit', 'new-ballot', 'id', 'signature-update', 'none'] as const;
export type CureMethod = (typeof CURE_METHODS)[number];

const cureCodeRuleSchema = z
  .strictObject({
    curable: z.boolean(),
    method: z.enum(CURE_METHODS),
    label: bilingual,
    instructions: bilingual,
    /** A code whose cure closes earlier than the profile's (e.g. Arizona's missing signature). */
    deadline: cureDeadlineRuleSchema.optional(),
  })
  .refine((r) => r.curable === (r.method !== 'none'), {
    message: 'a curable code needs a cure method, and method "none" means not curable',
    path: ['method'],
  });
export type CureCodeRule = z.infer<typeof cureCodeRuleSchema>;

export const NOTICE_CHANNELS = ['mail', 'email', 'text', 'phone'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

const month = z.int().min(1).max(12);
export const holidayRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('fixed'),
      name: z.string().min(1),
      month,
      day: z.int().min(1).max(31),
      /** Observed on the Friday before / Monday after when it falls on a weekend. */
      observed: z.boolean(),
    }),
    z.strictObject({
      kind: z.literal('nthWeekday'),
      name: z.string().min(1),
      month,
      /** 0 = Sunday … 6 = Saturday. */
      weekday: z.int().min(0).max(6),
      /** 1–5, or -1 for the last. */
      n: z.union([z.int().min(1).max(5), z.literal(-1)]),
      /** E.g. 1 for the day after Thanksgiving. */
      offsetDays: z.int().min(-7).max(7).default(0),
    }),
  ],
  { error: 'kind must be fixed or nthWeekday' },
);
export type HolidayRule = z.infer<typeof holidayRuleSchema>;

/** One election type a profile covers: the source of its deadlines, and any that differ from the profile's. */
const electionTypeRuleSchema = z.strictObject({
  basis: z.string().trim().min(1),
  cureDeadline: cureDeadlineRuleSchema.optional(),
  receiptDeadline: receiptDeadlineRuleSchema.optional(),
});

const source = z.strictObject({
  title: z.string().min(1),
  citation: z.string().min(1).optional(),
  url: z.url().optional(),
});

export const stateProfileSchema = z
  .strictObject({
    code: z.string().regex(/^([A-Z]{2}|generic)$/, 'code is a two-letter state code or "generic"'),
    name: z.string().min(1),
    timeZone,
    /** When the rules below were last checked against the sources. */
    reviewedOn: isoDate,
    sources: z.array(source).min(1),
    notes: z.array(z.string().min(1)),
    witnessRequired: z.boolean(),
    cureCodes: z.partialRecord(z.enum(CURE_CODES), cureCodeRuleSchema),
    stateVocabulary: z.record(z.string().trim().min(1), z.enum(CURE_CODES)),
    cureDeadline: cureDeadlineRuleSchema,
    /** The election types the profile covers (shared/cure/election-type.ts); others are refused, not guessed. */
    electionTypes: z
      .partialRecord(z.enum(ELECTION_TYPES), electionTypeRuleSchema)
      .refine((m) => Object.keys(m).length > 0, 'name at least one election type the profile covers'),
    /** Notice due this many days after the flag (calendar, or business days when notifyDayKind says so). */
    notifyWithinDays: days.min(1).optional(),
    notifyDayKind: z.enum(['calendar', 'business']).default('calendar'),
    /** …but no later than this many days after election day (Colorado's "no later than two days after"). */
    notifyNoLaterThanDaysAfterElection: days.optional(),
    receiptDeadline: receiptDeadlineRuleSchema,
    noticeChannels: z.array(z.enum(NOTICE_CHANNELS)).min(1),
    /** Signature review (issue 19): bipartisan pairs, reasons, what a voter with no signature on file needs. */
    signatureReview: signatureReviewSchema.optional(),
    /**
     * Months from election day that envelope images and signatures on file must be kept, where the
     * state's statute or schedule says (cited in sources); unset means the federal floor, 22 months
     * (52 U.S.C. § 20701). A longer state period raises the floor; it never lowers it.
     */
    imageRetentionMonths: z.number().int().min(1).max(1200).optional(),
    /**
     * Whether the state's own cure letter shows the voter's envelope (or its signature): the
     * station's `cureNoticeImage` setting, when set, wins. Unset: no picture.
     */
    noticeImage: z.enum(['off', 'signature', 'envelope']).optional(),
    holidays: z.strictObject({
      federal: z.boolean(),
      /** Whether `state` lists the state's own holidays; false means only federal holidays are known. */
      stateHolidaysIncluded: z.boolean(),
      state: z.array(holidayRuleSchema),
      /** One-off closures (YYYY-MM-DD) the office adds. */
      dates: z.array(isoDate),
    }),
  })
  .superRefine(crossCheck);

export type StateProfile = z.infer<typeof stateProfileSchema>;
type ProfileInput = z.input<typeof stateProfileSchema>;

const WITNESS_CODES: readonly CureCode[] = ['NO_WITNESS_SIGNATURE', 'WITNESS_INFO_INCOMPLETE'];

/** Rules that span fields: a profile must not contradict itself. */
function crossCheck(p: ProfileInput, ctx: z.RefinementCtx): void {
  const listed = new Set(Object.keys(p.cureCodes));
  for (const [word, code] of Object.entries(p.stateVocabulary)) {
    if (!listed.has(code))
      ctx.addIssue({
        code: 'custom',
        path: ['stateVocabulary', word],
        message: `maps to ${code}, which is not listed in cureCodes`,
      });
  }
  if (!p.witnessRequired)
    for (const code of WITNESS_CODES)
      if (listed.has(code))
        ctx.addIssue({
          code: 'custom',
          path: ['cureCodes', code],
          message: 'witness codes do not apply where witnessRequired is false',
        });
  const noFile = p.signatureReview?.noSignatureOnFileCure;
  if (noFile && !listed.has(noFile))
    ctx.addIssue({ code: 'custom', path: ['signatureReview', 'noSignatureOnFileCure'], message: `${noFile} is not listed in cureCodes` });
  if (new Set(p.noticeChannels).size !== p.noticeChannels.length)
    ctx.addIssue({ code: 'custom', path: ['noticeChannels'], message: 'a channel is listed twice' });
  if (p.notifyNoLaterThanDaysAfterElection !== undefined && p.notifyWithinDays === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['notifyNoLaterThanDaysAfterElection'],
      message: 'needs notifyWithinDays',
    });
}

/** Parses one profile; `source` (a file name) starts every error line. */
export function parseStateProfile(json: unknown, source: string): Result<StateProfile> {
  // reportInput: so an absent field reads "missing" rather than a type or union complaint.
  const parsed = stateProfileSchema.safeParse(json, { reportInput: true });
  if (parsed.success) return ok(parsed.data);
  return err(parsed.error.issues.map((i) => `${source}: ${describeIssue(i)}`).join('\n'));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.path.length === 1 && issue.path[0] === 'cureCodes')
    return `cureCodes: unknown cure code ${issue.keys.map((k) => `"${k}"`).join(', ')}; the canonical codes are ${CURE_CODES.join(', ')}`;
  if (issue.code === 'unrecognized_keys')
    return `${path}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.input === undefined && issue.code !== 'custom') return `${path}: missing`;
  return `${path}: ${issue.message}`;
}

/** The canonical code for a state's own word (case and spacing ignored), if the profile maps it. */
export function canonicalCureCode(profile: StateProfile, stateWord: string): CureCode | undefined {
  const wanted = normaliseWord(stateWord);
  for (const [word, code] of Object.entries(profile.stateVocabulary))
    if (normaliseWord(word) === wanted) return code;
  return undefined;
}

function normaliseWord(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** The rule for a code in this profile, or undefined where the code does not apply. */
export function cureCodeRule(profile: StateProfile, code: CureCode): CureCodeRule | undefined {
  return profile.cureCodes[code];
}
