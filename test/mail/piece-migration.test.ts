import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importMail } from '../../main/actions/mail.js';
import type { Actor } from '../../main/actions/context.js';
import { Station } from '../../main/api/station.js';
import { migrate, StoreOpenError } from '../../main/store/db.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { Store } from '../../main/store/store.js';
import { mailEventSchema } from '../../shared/mail/event.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { delimited, imb, write } from './files.js';

const SUP: Actor = { name: 'sue', role: 'supervisor', via: 'session' };
// A 6-digit mailer ID with leading zeros (its piece number drops them), and a 9-digit one (first digit 9).
const PIECES = [
  { mid: '000123', serial: '000000042' },
  { mid: '070000', serial: '999999999' },
  { mid: '901234567', serial: '000001' },
  { mid: '999999999', serial: '999999' },
];

/** A station at version 13 in `file`, holding the events given (id, dedupe key, ballot, mailer ID, serial, scan time), each at one place. */
function v13Station(file: string, events: readonly [number, number, string | null, string, string, string][]): void {
  const old = new Database(file);
  migrate(old, MIGRATIONS.filter((m) => m.version <= 13));
  old.exec(`INSERT INTO mail_imports (import_id, started_at, file, format, operator) VALUES (1, 'x', 'f', 'ivmtr-delimited', 'sue');
    INSERT INTO mail_places (place, direction, barcode_id, stid, operation_code, event_code, handling, handling_code, mail_phase, machine_name, facility_name,
      facility_city, facility_state, facility_zip) VALUES (1, 'out', '00', '700', '918', 'SD', 'actual', 'A', 'Phase 1', 'DBCS-1', 'RALEIGH P&DC', 'RALEIGH', 'NC', '27676')`);
  const ins = old.prepare(`INSERT INTO mail_event_rows (id, dedupe_key, import_id, ballot_id, mailer_id, serial, routing_zip, scanned_at, scanned_at_utc, place)
    VALUES (?, ?, 1, ?, ?, ?, '27610', ?, NULL, 1)`);
  for (const e of events) ins.run(...e);
  old.close();
}

describe('mail events: migration 14 keeps the mail piece as one number', () => {
  let d: ReturnType<typeof tempDir>;
  afterEach(() => d.cleanup());

  it('moves events of 6- and 9-digit mailer IDs (leading zeros too), gives each mailer ID and serial back as it was, finds a piece by the unique index, and a file imported after it twice keeps each scan once', async () => {
    d = tempDir();
    const file = path.join(d.dir, 'v13.db');
    v13Station(
      file,
      PIECES.flatMap((p, i) => [
        [i * 2 + 1, 1000 + i, `B-${i}`, p.mid, p.serial, '2026-10-01T08:00:00'] as const,
        [i * 2 + 2, 2000 + i, null, p.mid, p.serial, '2026-10-02T08:00:00'] as const,
      ]),
    );
    const old = new Database(file, { readonly: true });
    const before = old.prepare('SELECT * FROM mail_events ORDER BY id').raw().all();
    old.close();

    const store = Store.open(file);
    try {
      expect(store.db.prepare('SELECT * FROM mail_events ORDER BY id').raw().all().map((r) => (r as unknown[]).slice(0, -1))).toEqual(before);
      const rows = store.db.prepare('SELECT mailer_id, serial, piece FROM mail_events ORDER BY id').all() as { mailer_id: string; serial: string; piece: number }[];
      for (const r of rows) expect(r.piece).toBe(Number(r.mailer_id + r.serial));
      expect(store.db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'mail_events_piece'").pluck().get()).toContain('(piece, dedupe_key)');
      expect(store.db.prepare("SELECT name FROM pragma_table_info('mail_event_rows') WHERE name IN ('mailer_id', 'serial')").all()).toEqual([]);
      const plan = store.db.prepare('EXPLAIN QUERY PLAN SELECT * FROM mail_events WHERE piece = 123000000042').all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX mail_events_piece \(piece=\?\)/);
      for (const p of PIECES) expect(store.mail.eventsOfPiece(p.mid, p.serial).map((e) => [e.mailerId, e.serial])).toEqual([[p.mid, p.serial], [p.mid, p.serial]]);
      // Not a piece at all: nothing, not an error.
      expect(store.mail.eventsOfPiece('12345', '6789')).toEqual([]);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');

      // Two new scans of the 9-digit mailer ID's piece, imported, then the same file again: each scan kept once (ON CONFLICT (piece, dedupe_key)).
      seedRoll(store, [rollRow({ ballotId: 'B-2', voterId: 'V2', imbMailerId: '901234567', imbSerial: '000001' })]);
      const file2 = write(d.dir, 'two.txt', delimited([{ imb: imb('700', '901234567', '000001'), at: '2026-10-03 08:00:00' }, { imb: imb('700', '901234567', '000001'), at: '2026-10-04 08:00:00' }]));
      expect(await importMail(new Station(store), SUP, { file: file2, format: 'ivmtr-delimited' })).toMatchObject({ read: 2, imported: 2, duplicates: 0, unknownImbs: 0 });
      expect(await importMail(new Station(store), SUP, { file: file2, format: 'ivmtr-delimited' })).toMatchObject({ read: 2, imported: 0, duplicates: 2 });
      expect(store.mail.eventsOfPiece('901234567', '000001')).toHaveLength(4);
      expect(store.mail.eventsOf('B-2').map((e) => e.scannedAt)).toEqual(['2026-10-01T08:00:00', '2026-10-03T08:00:00', '2026-10-04T08:00:00']);
    } finally {
      store.close();
    }
  });

  it('an old station holding an event whose mailer ID and serial are not an IMb (edited by hand, a terminal escape in it) is not brought up to date: it says which event in words, and nothing in it changes', () => {
    d = tempDir();
    const file = path.join(d.dir, 'v13-bad.db');
    v13Station(file, [
      [1, 1, null, '123456', '000000001', '2026-10-01T08:00:00'],
      [7, 2, null, '12345\u001b[2J', '6789', '2026-10-01T08:00:00'],
      [9, 3, null, '923456', '000000005', '2026-10-01T08:00:00'],
    ]);
    const old = new Database(file, { readonly: true });
    const before = old.prepare('SELECT * FROM mail_event_rows ORDER BY id').raw().all();
    old.close();

    let message = '';
    try {
      Store.open(file).close();
    } catch (e) {
      expect(e).toBeInstanceOf(StoreOpenError);
      message = (e as Error).message;
    }
    expect(message).toBe(
      "this station's database cannot be brought up to date (step 14, USPS scan events: the mail piece as one number): 2 USPS scan events have a mailer ID and serial that are not an IMb's 15 digits (the first: event 7, mailer ID \"12345\\u001b[2J\" and serial \"6789\"). Nothing in it was changed; use the station version that made it",
    );
    expect(message).not.toContain('\u001b');
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(13);
    expect(after.prepare('SELECT * FROM mail_event_rows ORDER BY id').raw().all()).toEqual(before);
    after.close();
  });

  it('an event whose mailer ID and serial are not 15 digits together is refused before it is stored', () => {
    const e = {
      barcodeId: '00', stid: '700', mailerId: '123456', serial: '123456', routingZip: '', scannedAt: '2026-10-01T08:00:00', scannedAtUtc: null, operationCode: '918',
      eventCode: 'SD', handling: 'actual', handlingCode: 'A', mailPhase: 'Phase 1', machineName: 'M', facilityName: 'F', facilityCity: 'C', facilityState: 'NC', facilityZip: '27676',
    };
    const r = mailEventSchema.safeParse(e);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('the mailer ID and serial are not 15 digits together');
    expect(mailEventSchema.safeParse({ ...e, serial: '123456789' }).success).toBe(true);
  });
});
