/**
 * One USPS scan of one mail piece, as Informed Visibility Mail Tracking & Reporting (IV-MTR)
 * reports it, read into the station's own shape. Field meanings follow the "IV Mail Tracking &
 * Reporting External Facing Data Dictionary" and the "IV Mail Tracking & Reporting User Guide"
 * (V2.6, delimited and JSON files); the parsers in main/mail/ cite the layouts they read
 * (docs/mail.md says where only indirect sources were found).
 *
 * Pure: no I/O, shared by the importer, the status rules, the screens and the tests.
 */
import { z } from 'zod';
import { splitTracking } from '../barcode/imb-fields.js';
import { err, ok, type Result } from '../result.js';

/**
 * Service type ID 777: every returning ballot (USPS, "New Ballot Service Type IDs", effective
 * 20 August 2018; Kit 600, Election Mail, "Service Type Identifier for Ballot Mail").
 */
export const RETURN_BALLOT_STID = '777';

/**
 * The outbound Ballot Mail STIDs the station knows by number. USPS assigned 22 outbound ballot
 * STIDs on 20 August 2018 (more in January 2022); its published STID table (postalpro.usps.com,
 * "Service Type Identifier (STID) Table", effective 21 January 2024) is the full list. Those below
 * are the ones we could confirm from public USPS notices: 719 and 724 (First-Class Mail) and 739,
 * 740 and 745 (Marketing Mail), Change Service Requested, retired 21 January 2024 (USPS Industry
 * Alert; Kit 600). A piece that carries the office's mailer ID and any STID other than 777 is
 * treated as outbound: offices also mail ballots under ordinary First-Class STIDs.
 */
export const KNOWN_OUTBOUND_BALLOT_STIDS: ReadonlySet<string> = new Set(['719', '724', '739', '740', '745']);

export type MailDirection = 'out' | 'back';

/** STID 777 is a ballot on its way back to the office; every other STID is the office's outbound piece. */
export function directionOf(stid: string): MailDirection {
  return stid === RETURN_BALLOT_STID ? 'back' : 'out';
}

/**
 * IV-MTR's handling event type: an actual scan by a machine or a handheld, an assumed one (the
 * piece was in a container or tray that was scanned), or a logical one (inferred, e.g. a logical
 * delivery). Files carry a word or a one-letter code; we keep the code as given and map the ones
 * we know ('A' actual, 'L' logical; docs/mail.md), anything else is 'unknown', never guessed.
 */
export const HANDLINGS = ['actual', 'assumed', 'logical', 'unknown'] as const;
export type Handling = (typeof HANDLINGS)[number];

export function handlingOf(code: string): Handling {
  const c = code.trim().toLowerCase();
  if (c === 'a' || c === 'actual') return 'actual';
  if (c === 'l' || c === 'logical') return 'logical';
  if (c === 'assumed') return 'assumed';
  return 'unknown';
}

const digits = (n: number[]) => z.string().regex(new RegExp(`^(${n.map((k) => `\\d{${k}}`).join('|')})$`));
const text = (max: number) => z.string().max(max);

export const mailEventSchema = z
  .object({
    /** The IMb's parts (USPS-B-3200). */
    barcodeId: z.string().regex(/^\d[0-4]$/),
    stid: digits([3]),
    mailerId: z.string().regex(/^([0-8]\d{5}|9\d{8})$/),
    serial: digits([6, 9]),
    /** Delivery point routing code: 0, 5, 9 or 11 digits. */
    routingZip: z.string().regex(/^(\d{5}|\d{9}|\d{11})?$/),
    /** As USPS gives it: the facility's local date and time, `YYYY-MM-DDTHH:MM:SS`, no zone. */
    scannedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
    /** The UTC instant, only when the source carried an offset; null otherwise (never guessed from a ZIP). */
    scannedAtUtc: z.iso.datetime().nullable(),
    /** USPS operation code (the sorting operation) and the scan's event code, as given. */
    operationCode: text(10),
    eventCode: text(10),
    handling: z.enum(HANDLINGS),
    /** The handling event type exactly as the file gave it (a word or a letter). */
    handlingCode: text(20),
    /** e.g. "Phase 0 - Origin Processing Cancellation of Postage" … "Phase 4c - Delivery". */
    mailPhase: text(100),
    machineName: text(60),
    facilityName: text(100),
    facilityCity: text(60),
    facilityState: text(2),
    facilityZip: z.string().regex(/^(\d{5}(\d{4})?)?$/),
  })
  .strict()
  // USPS-B-3200: a 6-digit mailer ID has a 9-digit serial, a 9-digit one a 6-digit serial.
  .refine((e) => e.mailerId.length + e.serial.length === 15, { message: 'the mailer ID and serial are not 15 digits together', path: ['serial'] });

export type MailEvent = z.infer<typeof mailEventSchema>;

/** Whether the piece is going to the voter or coming back (derived, not stored in the source). */
export function eventDirection(e: Pick<MailEvent, 'stid'>): MailDirection {
  return directionOf(e.stid);
}

/**
 * The same scan delivered twice (a resent feed file, a one-time query overlapping a standing
 * feed) is one event: the piece (tracking code and routing), when, what operation, where, which
 * machine. Two scans of one piece differ in at least one of these.
 */
export function dedupeKey(e: MailEvent): string {
  return [
    e.barcodeId + e.stid + e.mailerId + e.serial,
    e.routingZip,
    e.scannedAt,
    e.operationCode,
    e.eventCode,
    e.facilityZip,
    e.machineName,
  ].join('|');
}

/** The IMb's tracking code and routing code, split; the file's IMb may be 20, 25, 29 or 31 digits. */
export function splitImbDigits(imb: string): Result<{ barcodeId: string; stid: string; mailerId: string; serial: string; routingZip: string }> {
  const s = imb.trim();
  if (!/^\d+$/.test(s)) return err('the IMb must contain only digits');
  if (![20, 25, 29, 31].includes(s.length)) return err(`an IMb has 20, 25, 29 or 31 digits, this one has ${s.length}`);
  const fields = splitTracking(s.slice(0, 20));
  if (!fields.ok) return fields;
  const { barcodeId, serviceType, mailerId, serial } = fields.value;
  return ok({ barcodeId, stid: serviceType, mailerId, serial, routingZip: s.slice(20) });
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checked by arithmetic, not by a Date: ten million scans a file. */
function realDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : (DAYS[mo - 1] ?? 0));
}

/**
 * A scan date-time as USPS files write it, to the facility-local `YYYY-MM-DDTHH:MM:SS` and, when
 * an offset is present, the UTC instant. Accepts ISO (`2024-10-15T14:32:07`, `…Z`, `…-05:00`,
 * with or without fractions, a space instead of the T) and US style `10/15/2024 14:32:07`.
 */
export function parseScanDateTime(raw: string): Result<{ local: string; utc: string | null }> {
  const s = raw.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  const us = iso ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  let y: string, mo: string, d: string, h: string, mi: string, sec: string, zone: string | undefined;
  if (iso) [, y = '', mo = '', d = '', h = '', mi = '', sec = '00', zone] = iso;
  else if (us) {
    [, mo = '', d = '', y = '', h = '', mi = '', sec = '00'] = us;
    mo = mo.padStart(2, '0');
    d = d.padStart(2, '0');
    h = h.padStart(2, '0');
  } else return err(`the scan date-time "${s.slice(0, 40)}" is not a date and time (YYYY-MM-DD HH:MM:SS)`);
  const local = `${y}-${mo}-${d}T${h}:${mi}:${sec}`;
  if (!realDateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)))
    return err(`the scan date-time "${s.slice(0, 40)}" is not a real date and time`);
  if (!zone) return ok({ local, utc: null });
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return ok({ local, utc: new Date(`${local}${offset}`).toISOString() });
}

/**
 * The dedupe key as a number: a 53-bit hash (two FNV-1a lanes) of everything in dedupeKey but the
 * mailer ID and serial, which the store's unique index holds beside it. Two distinct scans of one
 * piece (about ten a piece) share it with odds near 1 in 10^14; hashing the mailer ID and serial
 * too would buy nothing, as they are compared exactly.
 */
export function dedupeHash(e: MailEvent): number {
  const s = `${e.barcodeId}${e.stid}|${e.routingZip}|${e.scannedAt}|${e.operationCode}|${e.eventCode}|${e.facilityZip}|${e.machineName}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}
