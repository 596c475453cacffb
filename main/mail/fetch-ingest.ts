import { dedupeHash, eventDirection } from '../../shared/mail/event.js';
import type { Store } from '../store/store.js';
import type { Ingest } from './fetch-store.js';

/**
 * The fetch's way into the mail ingest. Until the file importer's ingest (main/store/mail.ts)
 * is on this branch, this is the same rule written small: match by mailer ID + serial, the latest ballot issued with them (outbound
 * and STID 777 return alike: USPS recommends the return serial match the outbound one), one
 * row per dedupe key, unknown IMbs kept with no ballot and counted. Runs inside the caller's
 * transaction.
 */
export function ingestMailEvents(store: Store): Ingest {
  const ballot = store.db.prepare<[string, string], { ballot_id: string }>('SELECT ballot_id FROM ballots WHERE imb_serial = ? AND imb_mailer_id = ? ORDER BY id DESC LIMIT 1');
  const insert = store.db.prepare(
    `INSERT INTO mail_events (dedupe_key, import_id, ballot_id, direction, barcode_id, stid, mailer_id, serial, routing_zip,
       scanned_at, scanned_at_utc, operation_code, event_code, handling, handling_code, mail_phase, machine_name,
       facility_name, facility_city, facility_state, facility_zip)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mailer_id, serial, dedupe_key) DO NOTHING`,
  );
  return (importId, events) => {
    const counts = { imported: 0, duplicates: 0, unknownImbs: 0 };
    for (const e of events) {
      const ballotId = ballot.get(e.serial, e.mailerId)?.ballot_id ?? null;
      const r = insert.run(dedupeHash(e), importId, ballotId, eventDirection(e), e.barcodeId, e.stid, e.mailerId, e.serial, e.routingZip, e.scannedAt, e.scannedAtUtc, e.operationCode, e.eventCode, e.handling, e.handlingCode, e.mailPhase, e.machineName, e.facilityName, e.facilityCity, e.facilityState, e.facilityZip);
      if (r.changes === 0) counts.duplicates += 1;
      else {
        counts.imported += 1;
        if (ballotId === null) counts.unknownImbs += 1;
      }
    }
    return counts;
  };
}
