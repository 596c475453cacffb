/**
 * The IV-MTR piece-scan fields the station reads, by name, and one record's fields into a
 * MailEvent. Names are those of the "IV Mail Tracking & Reporting External Facing Data Dictionary"
 * as the USPS's files and API carry them (snake_case in delimited headers and API JSON, e.g.
 * `imb`, `scan_date_time`, `scan_event_code`, `handling_event_type`, `mail_phase`, `machine_name`,
 * `scan_facility_name|city|state|zip`; camelCase in the push feed's JSON, e.g. `scanDatetime`).
 * Names are compared without case, spaces or punctuation, so "Scan Date Time", `scan_date_time`,
 * `scan_datetime` and `scanDatetime` are one field. docs/mail.md lists the sources and what could
 * only be confirmed indirectly.
 *
 * Hot path (ten million records): plain string checks, no zod; test/mail/layout.test.ts holds
 * every accepted record to shared/mail/event.ts's schema.
 */
import { handlingOf, parseScanDateTime, splitImbDigits, type MailEvent } from '../../shared/mail/event.js';
import { err, ok, type Result } from '../../shared/result.js';

export const FIELDS = [
  'imb',
  'scanDateTime',
  'eventCode',
  'operationCode',
  'handling',
  'mailPhase',
  'machineName',
  'facilityName',
  'facilityCity',
  'facilityState',
  'facilityZip',
] as const;
export type Field = (typeof FIELDS)[number];

/** Normalised source names (lower case, letters and digits only) of each field. */
const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  imb: ['imb', 'imbcode', 'imbarcode', 'intelligentmailbarcode', 'imbdigits', 'barcode'],
  scanDateTime: ['scandatetime', 'scandatetimestamp', 'scantimestamp', 'scandt'],
  eventCode: ['scaneventcode', 'eventcode'],
  operationCode: ['operationcode', 'opcode', 'scanoperationcode'],
  handling: ['handlingeventtype', 'handlingeventtypecode', 'handlingevent'],
  mailPhase: ['mailphase', 'scanmailphase'],
  machineName: ['machinename', 'scanmachinename'],
  facilityName: ['scanfacilityname', 'facilityname'],
  facilityCity: ['scanfacilitycity', 'facilitycity'],
  facilityState: ['scanfacilitystate', 'facilitystate'],
  facilityZip: ['scanfacilityzip', 'scanfacilityzipcode', 'facilityzip', 'facilityzipcode'],
};
const BY_ALIAS = new Map<string, Field>(FIELDS.flatMap((f) => ALIASES[f].map((a) => [a, f] as const)));

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The field a source column or key names, if the station reads it. */
export function fieldOf(name: string): Field | undefined {
  return BY_ALIAS.get(normaliseName(name));
}

/**
 * A delimited file without a header is read in this order (the User Guide's delimited piece-scan
 * layout as we could reconstruct it; a header, when present, decides instead). Columns the station
 * does not read are null here.
 */
export const HEADERLESS_ORDER: readonly (Field | null)[] = [
  'imb',
  'scanDateTime',
  'eventCode',
  'operationCode',
  'handling',
  'mailPhase',
  'machineName',
  null, // scanner_type
  'facilityName',
  null, // scan_facility_locale_key
  'facilityCity',
  'facilityState',
  'facilityZip',
];

/** Each field's longest value (the schema's limits). */
const MAX: Readonly<Record<Exclude<Field, 'imb' | 'scanDateTime' | 'facilityZip'>, number>> = {
  eventCode: 10,
  operationCode: 10,
  handling: 20,
  mailPhase: 100,
  machineName: 60,
  facilityName: 100,
  facilityCity: 60,
  facilityState: 2,
};
const LABEL: Readonly<Record<Field, string>> = {
  imb: 'IMb',
  scanDateTime: 'scan date-time',
  eventCode: 'scan event code',
  operationCode: 'operation code',
  handling: 'handling event type',
  mailPhase: 'mail phase',
  machineName: 'machine name',
  facilityName: 'facility name',
  facilityCity: 'facility city',
  facilityState: 'facility state',
  facilityZip: 'facility ZIP',
};
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export type RawRecord = Partial<Record<Field, string>>;

/** The field's text, trimmed, or why it is refused (an error Result; a plain string when it is fine: no object per field). */
function text(r: RawRecord, f: keyof typeof MAX): string | Result<never> {
  const v = (r[f] ?? '').trim();
  if (v.length > MAX[f]) return err(`the ${LABEL[f]} is longer than ${MAX[f]} characters`);
  if (CONTROL.test(v)) return err(`the ${LABEL[f]} holds a control character`);
  return v;
}

/** One record's fields into a MailEvent, or why not (in plain words). */
export function toMailEvent(r: RawRecord): Result<MailEvent> {
  const imbText = (r.imb ?? '').trim();
  if (!imbText) return err('the IMb is missing');
  const imb = splitImbDigits(imbText);
  if (!imb.ok) return err(imb.error);
  const whenText = (r.scanDateTime ?? '').trim();
  if (!whenText) return err('the scan date-time is missing');
  const when = parseScanDateTime(whenText);
  if (!when.ok) return when;
  const zip = (r.facilityZip ?? '').trim().replace(/^(\d{5})-(\d{4})$/, '$1$2');
  if (zip && !/^\d{5}(\d{4})?$/.test(zip)) return err(`the facility ZIP "${zip.slice(0, 12)}" is not 5 or 9 digits`);
  // In MAX's order: the first field refused is the one named.
  const eventCode = text(r, 'eventCode');
  if (typeof eventCode !== 'string') return eventCode;
  const operationCode = text(r, 'operationCode');
  if (typeof operationCode !== 'string') return operationCode;
  const handlingCode = text(r, 'handling');
  if (typeof handlingCode !== 'string') return handlingCode;
  const mailPhase = text(r, 'mailPhase');
  if (typeof mailPhase !== 'string') return mailPhase;
  const machineName = text(r, 'machineName');
  if (typeof machineName !== 'string') return machineName;
  const facilityName = text(r, 'facilityName');
  if (typeof facilityName !== 'string') return facilityName;
  const facilityCity = text(r, 'facilityCity');
  if (typeof facilityCity !== 'string') return facilityCity;
  const state = text(r, 'facilityState');
  if (typeof state !== 'string') return state;
  if (state && !/^[A-Za-z]{2}$/.test(state)) return err(`the facility state "${state}" is not two letters`);
  return ok({
    barcodeId: imb.value.barcodeId,
    stid: imb.value.stid,
    mailerId: imb.value.mailerId,
    serial: imb.value.serial,
    routingZip: imb.value.routingZip,
    scannedAt: when.value.local,
    scannedAtUtc: when.value.utc,
    operationCode,
    eventCode,
    handling: handlingOf(handlingCode),
    handlingCode,
    mailPhase,
    machineName,
    facilityName,
    facilityCity,
    facilityState: state.toUpperCase(),
    facilityZip: zip,
  });
}

/** One record read from a file (or why it could not be), with its line number and text for the rejects file. */
export type Parsed = { lineNo: number; record: RawRecord; raw: string } | { lineNo: number; error: string; raw: string };
export type ParsedBatch = Parsed[];

/** The file as a whole cannot be read in the format given (not JSON, JSON given as delimited, empty): nothing is imported. */
export class MailFileError extends Error {}
