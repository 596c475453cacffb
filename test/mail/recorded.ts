import { mailEventWriter } from '../../main/store/mail-load.js';
import type { Store } from '../../main/store/store.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { MID, serialOf } from './fetch-helpers.js';

/** An outbound scan of ballot `n`'s piece (MID, serialOf(n)) at Raleigh, Phase 1, on 5 October; `over` changes any part. */
export function mailEvent(n: number, over: Partial<MailEvent> = {}): MailEvent {
  return {
    barcodeId: '00', stid: '700', mailerId: MID, serial: serialOf(n), routingZip: '27601',
    scannedAt: '2026-10-05T08:12:00', scannedAtUtc: null, operationCode: '', eventCode: 'SD', handling: 'actual', handlingCode: 'A',
    mailPhase: 'Phase 1 - Origin Processing', machineName: 'DBCS-012', facilityName: 'RALEIGH P&DC', facilityCity: 'RALEIGH', facilityState: 'NC', facilityZip: '27676',
    ...over,
  };
}

/** `events` recorded as one import, as `intake mail fetch` records a page (the store's writer: a bulk load into an empty table). */
export function recordEvents(store: Store, events: MailEvent[]): void {
  const id = Number(store.db.prepare(`INSERT INTO mail_imports (started_at, file, format, operator) VALUES ('2026-10-25T00:00:00Z', 't', 'ivmtr-json', 't')`).run().lastInsertRowid);
  const w = mailEventWriter(store.db, id);
  w.add(events);
  store.write(() => w.finish());
}
