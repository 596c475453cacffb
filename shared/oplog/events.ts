/**
 * The station log's events (what happened to the station, beside the audit chain's record of
 * what happened to ballots). Every line in `<data folder>/logs/station.log` carries one of these
 * IDs, declared once here, so the Settings screen and `intake log tail` can filter on them.
 */
import { z } from 'zod';

export const OPLOG_EVENTS = {
  'station.started': 'the station started (the app or intake serve)',
  'station.stopped': 'the station shut down',
  'scanner.connected': 'a scanner connected',
  'scanner.disconnected': 'a scanner went away (unplugged, cable, power)',
  'scanner.fault': 'a scanner is there but cannot be used (permission, busy)',
  'scanner.stopped': 'a scanner was stopped by the station',
  'database.fault': 'the database could not record (disk full, read-only, damaged)',
  'database.fault_cleared': 'the station left its fault state',
  'import.started': 'a roll import started',
  'import.finished': 'a roll import finished',
  'import.failed': 'a roll import failed; the roll is as it was',
  'sync.started': 'a batch began to be sent to the state',
  'sync.finished': 'the state acknowledged a batch',
  'sync.failed': 'a batch was rejected or must wait for a retry',
  'notice.sent': 'a cure notice e-mail was sent',
  'notice.failed': 'a cure notice e-mail could not be sent (retried or given up)',
  'auth.lockout': 'an operator was locked out after wrong PINs',
  'image.captured': 'an envelope image was captured from the scanner and linked to its scan',
  'image.capture_failed': 'the envelope scanner failed or is missing: the receipt stands, the image was not taken',
  'image.sorter_pass': 'a pass over the sorter folder: images imported, waiting, refused',
  'image.purged': 'envelope images older than the retention cut-off were removed',
  'mail.import_started': 'a USPS mail-tracking (IV-MTR) file import started',
  'mail.import_finished': 'a USPS mail-tracking file import finished',
  'mail.import_failed': 'a USPS mail-tracking file import failed; receipts and verdicts are untouched',
  'mail.fetch_started': 'a fetch of USPS scan events from the IV-MTR API started',
  'mail.fetch_finished': 'a fetch from the IV-MTR API finished',
  'mail.fetch_failed': 'a fetch from the IV-MTR API stopped; what it had recorded is kept',
  'county.connected': 'the station reached the county hub (replication running)',
  'county.disconnected': 'the county hub cannot be reached or refused the station (scanning goes on; receipts wait)',
  'county.push_refused': "the county hub refused one of this station's entries: it and the entries after it wait here (scanning goes on)",
  'county.conflict': 'the county hub found the same ballot received at two stations while apart',
  'county.image_refused': 'an envelope image file was not sent to the county hub (altered on disk, or refused by the hub)',
} as const;

export type OplogEventId = keyof typeof OPLOG_EVENTS;
export const OPLOG_EVENT_IDS = Object.keys(OPLOG_EVENTS) as [OplogEventId, ...OplogEventId[]];

/** Whether what happened went well, went wrong, or is neither (a stop asked for). */
export const DISPOSITIONS = ['success', 'failure', 'na'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** One line of the station log as read back (pino also writes its level; not needed here). */
export const oplogEntrySchema = z.object({
  /** ISO 8601 instant. */
  time: z.string(),
  event: z.enum(OPLOG_EVENT_IDS),
  disposition: z.enum(DISPOSITIONS),
  message: z.string(),
  /** The process that wrote it (the app, or one `intake` command). */
  pid: z.number(),
});
export type OplogEntry = z.infer<typeof oplogEntrySchema>;
