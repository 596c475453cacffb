import { handlingOf, mailEventSchema, parseScanDateTime, splitImbDigits, type MailEvent } from '../../shared/mail/event.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ApiScan } from './fetch-http.js';

/**
 * One piece API scan as the station's MailEvent (shared/mail/event.ts). The piece API names the
 * scan's event code but not a separate operation code (Toolkit v2.5, Piece API response), so
 * `operationCode` is empty, as a file without that column gives it. A scan that does not fit the
 * event's shape (a date that is no date, a name of 5,000 characters) makes the whole answer
 * suspect: the caller refuses it rather than keep part of it.
 */
export function eventFromApiScan(imb: string, scan: ApiScan): Result<MailEvent> {
  const piece = splitImbDigits(imb);
  if (!piece.ok) return err(`the IMb ${JSON.stringify(imb.slice(0, 40))}: ${piece.error}`);
  const when = parseScanDateTime(scan.scan_date_time);
  if (!when.ok) return when;
  const s = (v: string | null | undefined) => (v ?? '').trim();
  const candidate: MailEvent = {
    ...piece.value,
    scannedAt: when.value.local,
    scannedAtUtc: when.value.utc,
    operationCode: '',
    eventCode: s(scan.scan_event_code),
    handling: handlingOf(s(scan.handling_event_type)),
    handlingCode: s(scan.handling_event_type),
    mailPhase: s(scan.mail_phase),
    machineName: s(scan.machine_name),
    facilityName: s(scan.scan_facility_name),
    facilityCity: s(scan.scan_facility_city),
    facilityState: s(scan.scan_facility_state).toUpperCase(),
    // "27676-9998" and "276769998" are the same ZIP+4.
    facilityZip: s(scan.scan_facility_zip).replace(/^(\d{5})-(\d{4})$/, '$1$2'),
  };
  const parsed = mailEventSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`a scan of ${imb} has a ${issue?.path.join('.') ?? 'field'} that does not fit (${issue?.message ?? 'invalid'})`);
  }
  return ok(parsed.data);
}

/** Whether an IMb belongs to the ballot asked about: same mailer ID and serial (any STID). */
export function imbIsOf(imb: string, mailerId: string, serial: string): boolean {
  const p = splitImbDigits(imb);
  return p.ok && p.value.mailerId === mailerId && p.value.serial === serial;
}

