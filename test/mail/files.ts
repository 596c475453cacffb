/**
 * IV-MTR piece-scan files for the tests, laid out as the sources in docs/mail.md give them:
 * - delimited: pipe-separated, a header line of the Data Dictionary's field names ("IV Mail
 *   Tracking & Reporting User Guide" V2.6, Delimited File; field names as the External Facing
 *   Data Dictionary and the IV-MTR API Developer Toolkit spell them);
 * - JSON: `{"events": [ … ]}` of flat scan objects with the same names (User Guide V2.6, JSON File).
 */
import fs from 'node:fs';
import path from 'node:path';

export const HEADER = [
  'imb', 'scan_date_time', 'scan_event_code', 'operation_code', 'handling_event_type', 'mail_phase', 'machine_name',
  'scanner_type', 'scan_facility_name', 'scan_facility_locale_key', 'scan_facility_city', 'scan_facility_state', 'scan_facility_zip',
] as const;

export interface Scan {
  imb: string;
  at: string;
  phase?: string;
  op?: string;
  event?: string;
  handling?: string;
  zip?: string;
  machine?: string;
}

/** The IMb digits: barcode ID 00, the STID, a 6-digit mailer ID, a 9-digit serial, a 5-digit routing ZIP. */
export function imb(stid: string, mailerId: string, serial: string, zip = '27610'): string {
  return `00${stid}${mailerId}${serial}${zip}`;
}

function fields(s: Scan): string[] {
  return [
    s.imb, s.at, s.event ?? 'SD', s.op ?? '918', s.handling ?? 'A', s.phase ?? 'Phase 3b - Destination SCF Processing', s.machine ?? 'DBCS-032',
    'DBCS', 'RALEIGH NC P&DC', 'L123456', 'RALEIGH', 'NC', s.zip ?? '27676',
  ];
}

export function delimited(scans: readonly Scan[], extraLines: readonly string[] = []): string {
  return [HEADER.join('|'), ...scans.map((s) => fields(s).join('|')), ...extraLines].join('\n') + '\n';
}

export function json(scans: readonly Scan[]): string {
  const events = scans.map((s) => Object.fromEntries(HEADER.map((h, i) => [h, fields(s)[i]])));
  return JSON.stringify({ events }, null, 1);
}

export function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
