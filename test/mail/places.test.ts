import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importMail } from '../../main/actions/mail.js';
import type { Actor } from '../../main/actions/context.js';
import { Station } from '../../main/api/station.js';
import { migrate } from '../../main/store/db.js';
import { MailPlaces, PLACE_COLUMNS, PlaceParts } from '../../main/store/mail-places.js';
import { MIGRATIONS } from '../../main/store/migrations.js';
import { Store } from '../../main/store/store.js';
import { rollRow, seedRoll, tempDir, tempStore } from '../helpers/station.js';
import { delimited, imb, json, write, type Scan } from './files.js';

// Each scan event's place (direction, codes, phase, machine, facility) kept once in mail_places,
// the event rows holding its number (main/store/mail-places.ts, migration 13): read back through
// the mail_events view exactly as migration 10's table held it.

const SUP: Actor = { name: 'sue', role: 'supervisor', via: 'session' };
const MID = '123456';
const out = (serial: string, at: string, over: Partial<Scan> = {}): Scan => ({ imb: imb('700', MID, serial), at, ...over });
const back = (serial: string, at: string, over: Partial<Scan> = {}): Scan => ({ imb: imb('777', MID, serial, '27601'), at, ...over });
const values = (k: number) => ['out', '00', '700', '918', 'SD', 'actual', 'A', `Phase ${k}`, 'DBCS-1', 'RALEIGH P&DC', 'RALEIGH', 'NC', '27676'];

describe('mail places: the dictionary', () => {
  it('numbers a place once, continues after the places kept, and lists each new one once in the order given', () => {
    const p = new MailPlaces({ known: [{ place: 7, values: values(1) }] });
    expect(p.idOfValues(values(1))).toBe(7);
    expect(p.idOfValues(values(2))).toBe(8);
    expect(p.idOfValues(values(3))).toBe(9);
    expect(p.idOfValues(values(2))).toBe(8);
    expect(p.take()).toEqual([
      { place: 8, values: values(2) },
      { place: 9, values: values(3) },
    ]);
    expect(p.take()).toEqual([]);
  });

  it('tells apart values that run together when joined ("ab" + "c" and "a" + "bc"), empty values, and text that is not ASCII', () => {
    const p = new MailPlaces();
    const a = values(1);
    const b = values(1);
    a[9] = 'RALEIGH P&DC';
    a[10] = 'X';
    b[9] = 'RALEIGH P&D';
    b[10] = 'CX';
    const c = values(1);
    c[10] = '';
    const d = values(1);
    d[9] = 'MAYAGÜEZ PR P&DC';
    const ids = [a, b, c, d].map((v) => p.idOfValues(v));
    expect(new Set(ids).size).toBe(4);
    expect([a, b, c, d].map((v) => p.idOfValues(v))).toEqual(ids);
    expect(p.take().map((x) => x.values)).toEqual([a, b, c, d]);
  });

  it('finds the same number from bytes as from values, and many places that share a hash bucket stay apart', () => {
    const p = new MailPlaces();
    const enc = new TextEncoder();
    const parts = new PlaceParts();
    for (let k = 0; k < 5000; k++) {
      const v = values(k);
      const id = p.idOfValues(v);
      v.forEach((x, c) => {
        const b = enc.encode(`..${x}..`);
        parts.set(c, b, 2, b.length - 4);
      });
      expect(p.idOf(parts)).toBe(id);
    }
    expect(p.size).toBe(5000);
  });

  it('refuses kept places out of shape, and a place too long to key, in plain words', () => {
    expect(() => new MailPlaces({ known: [{ place: 1, values: ['out'] }] })).toThrow('the kept mail places are out of shape');
    expect(() => new MailPlaces({ known: [{ place: 0, values: values(1) }] })).toThrow('out of shape');
    const long = values(1).map(() => 'x'.repeat(2000));
    expect(() => new MailPlaces().idOfValues(long)).toThrow('too long to keep');
  });
});

describe('mail places: imports', () => {
  let t: ReturnType<typeof tempStore>;
  let station: Station;
  beforeEach(() => {
    t = tempStore();
    seedRoll(t.store, [1, 2, 3, 4].map((k) => rollRow({ ballotId: `B-${k}`, voterId: `V${k}`, imbMailerId: MID, imbSerial: `00000000${k}` })));
    station = new Station(t.store);
  });
  afterEach(() => t.cleanup());

  const placesKept = () => t.store.db.prepare(`SELECT place, ${PLACE_COLUMNS.join(', ')} FROM mail_places ORDER BY place`).raw().all() as unknown[][];

  it('a first (bulk) import, then a second (incremental) one: places shared, new ones numbered on, every event read back whole', async () => {
    await importMail(station, SUP, {
      file: write(t.dir, 'a.txt', delimited([
        out('000000001', '2026-10-01 08:00:00', { phase: 'Phase 0 - Origin Processing Cancellation of Postage', op: '010' }),
        out('000000002', '2026-10-01 08:00:01', { phase: 'Phase 0 - Origin Processing Cancellation of Postage', op: '010' }),
        out('000000001', '2026-10-03 10:00:00', { phase: 'Phase 4c - Delivery' }),
      ])),
      format: 'ivmtr-delimited',
    });
    expect(placesKept().map((r) => r[0])).toEqual([1, 2]);
    await importMail(station, SUP, {
      file: write(t.dir, 'b.json', json([
        out('000000002', '2026-10-03 10:00:00', { phase: 'Phase 4c - Delivery' }),
        back('000000001', '2026-10-10 17:00:00', { zip: '28228', machine: 'AFCS-200' }),
        back('000000003', '2026-10-10 17:00:00', { zip: '28228', machine: 'AFCS-200' }),
      ])),
      format: 'ivmtr-json',
    });
    const kept = placesKept();
    expect(kept.map((r) => r[0])).toEqual([1, 2, 3]);
    expect(kept[2]?.slice(1, 4)).toEqual(['back', '00', '777']);
    const events = t.store.db.prepare('SELECT ballot_id, direction, stid, mail_phase, machine_name, facility_zip FROM mail_events ORDER BY id').raw().all();
    expect(events).toEqual([
      ['B-1', 'out', '700', 'Phase 0 - Origin Processing Cancellation of Postage', 'DBCS-032', '27676'],
      ['B-2', 'out', '700', 'Phase 0 - Origin Processing Cancellation of Postage', 'DBCS-032', '27676'],
      ['B-1', 'out', '700', 'Phase 4c - Delivery', 'DBCS-032', '27676'],
      ['B-2', 'out', '700', 'Phase 4c - Delivery', 'DBCS-032', '27676'],
      ['B-1', 'back', '777', 'Phase 3b - Destination SCF Processing', 'AFCS-200', '28228'],
      ['B-3', 'back', '777', 'Phase 3b - Destination SCF Processing', 'AFCS-200', '28228'],
    ]);
    expect(t.store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('one place spelled many ways in a file (scanner type, locale key, state case, ZIP+4 hyphen, padding) is kept once; a place in fields of another order too', async () => {
    const head = 'imb|scan_date_time|scan_event_code|operation_code|handling_event_type|mail_phase|machine_name|scanner_type|scan_facility_name|scan_facility_locale_key|scan_facility_city|scan_facility_state|scan_facility_zip';
    const l = (serial: string, sec: number, scanner: string, locale: string, state: string, zip: string, pad = '') =>
      `${imb('700', MID, serial)}|2026-10-01 08:00:${String(sec).padStart(2, '0')}|SD|918|A|Phase 4c - Delivery|${pad}DBCS-1${pad}|${scanner}|RALEIGH P&DC|${locale}|RALEIGH|${state}|${zip}`;
    const lines = [
      l('000000001', 1, 'DBCS', 'L1', 'NC', '276761234'),
      l('000000001', 2, 'AFCS', 'L1', 'NC', '27676-1234'),
      l('000000002', 3, 'DBCS', 'L9', 'nc', '276761234'),
      l('000000002', 4, 'DBCS', 'L1', 'Nc', '27676-1234', '  '),
    ];
    const s = await importMail(station, SUP, { file: write(t.dir, 'spell.txt', [head, ...lines].join('\n')), format: 'ivmtr-delimited' });
    expect(s).toMatchObject({ imported: 4, rejected: 0 });
    expect(placesKept()).toEqual([[1, 'out', '00', '700', '918', 'SD', 'actual', 'A', 'Phase 4c - Delivery', 'DBCS-1', 'RALEIGH P&DC', 'RALEIGH', 'NC', '276761234']]);
    // The same place with the fields in another order (the date first): found again, not kept twice.
    const cols = head.split('|');
    const order = [1, 0, ...cols.slice(2).map((_, k) => k + 2)];
    const other = [order.map((k) => cols[k]).join('|'), ...lines.map((x, n) => {
      const c = x.replace(':0', n % 2 === 0 ? ':1' : ':2').split('|');
      return order.map((k) => c[k]).join('|');
    })];
    const s2 = await importMail(station, SUP, { file: write(t.dir, 'other.txt', other.join('\n')), format: 'ivmtr-delimited' });
    expect(s2).toMatchObject({ imported: 4, rejected: 0 });
    expect(placesKept()).toHaveLength(1);
    expect(t.store.db.prepare('SELECT count(*) FROM mail_events WHERE facility_state = ? AND facility_zip = ?').pluck().get('NC', '276761234')).toBe(8);
  });

  it('40 imports started at once, each bringing places of its own: each place kept once, every event with its own place', async () => {
    const runs = Array.from({ length: 40 }, (_, k) =>
      importMail(station, SUP, {
        file: write(t.dir, `f${k}.txt`, delimited([
          out('000000001', `2026-10-01 08:00:${String(k).padStart(2, '0')}`, { machine: `DBCS-${k}` }),
          out('000000002', `2026-10-01 09:00:${String(k).padStart(2, '0')}`, { machine: `DBCS-${k % 4}` }),
        ])),
        format: 'ivmtr-delimited',
      }),
    );
    const results = await Promise.all(runs);
    expect(results.reduce((n, r) => n + r.imported, 0)).toBe(80);
    const kept = placesKept();
    expect(kept).toHaveLength(40);
    expect(new Set(kept.map((r) => r[9])).size).toBe(40);
    const wrong = t.store.db
      .prepare(`SELECT count(*) FROM mail_events WHERE substr(scanned_at, 12, 2) = '08' AND machine_name <> 'DBCS-' || CAST(substr(scanned_at, 18, 2) AS INTEGER)`)
      .pluck()
      .get();
    expect(wrong).toBe(0);
    expect(t.store.db.prepare('SELECT count(*) FROM mail_events').pluck().get()).toBe(80);
  });
});

describe('mail places: migration 13 from a station with events kept the wide way', () => {
  let d: ReturnType<typeof tempDir>;
  afterEach(() => d.cleanup());

  it('moves every event, its id and each of its values, keeps the indexes by name, drops a load table left behind, and imports on after', async () => {
    d = tempDir();
    const file = path.join(d.dir, 'old.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 12));
    old.exec(`INSERT INTO mail_imports (import_id, started_at, file, format, operator) VALUES (1, 'x', 'f', 'ivmtr-delimited', 'sue')`);
    const ins = old.prepare(`INSERT INTO mail_events (id, dedupe_key, import_id, ballot_id, direction, barcode_id, stid, mailer_id, serial, routing_zip, scanned_at,
      scanned_at_utc, operation_code, event_code, handling, handling_code, mail_phase, machine_name, facility_name, facility_city, facility_state, facility_zip)
      VALUES (?, ?, 1, ?, ?, '00', ?, '123456', ?, '27610', ?, ?, '918', 'SD', 'actual', 'A', ?, ?, ?, 'RALEIGH', 'NC', '')`);
    for (let k = 1; k <= 300; k++) {
      const backScan = k % 3 === 0;
      ins.run(k * 2, k, k % 10 === 0 ? null : `B-${k % 4}`, backScan ? 'back' : 'out', backScan ? '777' : '700', String(k).padStart(9, '0'), `2026-10-${String(1 + (k % 28)).padStart(2, '0')}T08:00:00`,
        k % 7 === 0 ? '2026-10-01T12:00:00.000Z' : null, `Phase ${k % 5}`, `DBCS-${k % 6}`, k % 11 === 0 ? 'MAYAGÜEZ PR P&DC' : 'RALEIGH P&DC');
    }
    old.exec('CREATE TABLE mail_events_load (id INTEGER PRIMARY KEY, junk TEXT)');
    const before = old.prepare('SELECT * FROM mail_events ORDER BY id').raw().all();
    const distinct = old.prepare(`SELECT count(*) FROM (SELECT DISTINCT ${PLACE_COLUMNS.join(', ')} FROM mail_events)`).pluck().get();
    old.close();

    const store = Store.open(file);
    try {
      // Migration 10's columns as they were (migration 14 adds the piece after them).
      expect(store.db.prepare('SELECT * FROM mail_events ORDER BY id').raw().all().map((r) => (r as unknown[]).slice(0, -1))).toEqual(before);
      expect(store.db.prepare('SELECT count(*) FROM mail_places').pluck().get()).toBe(distinct);
      expect(store.db.prepare("SELECT type FROM sqlite_schema WHERE name = 'mail_events'").pluck().get()).toBe('view');
      expect(store.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'mail_events_load'").get()).toBeUndefined();
      expect(store.db.prepare("SELECT name FROM sqlite_schema WHERE tbl_name = 'mail_event_rows' AND type = 'index' ORDER BY name").pluck().all()).toEqual([
        'mail_events_ballot',
        'mail_events_piece',
      ]);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      seedRoll(store, [rollRow({ ballotId: 'B-9', voterId: 'V9', imbMailerId: MID, imbSerial: '000000301' })]);
      const s = await importMail(new Station(store), SUP, { file: write(d.dir, 'next.txt', delimited([out('000000301', '2026-10-05 08:00:00')])), format: 'ivmtr-delimited' });
      expect(s).toMatchObject({ imported: 1, unknownImbs: 0 });
      expect(store.db.prepare('SELECT count(*) FROM mail_places').pluck().get()).toBe((distinct as number) + 1);
      expect(store.mail.eventsOf('B-9')).toHaveLength(1);
      expect(store.db.prepare('SELECT * FROM mail_events WHERE id <= 600 ORDER BY id').raw().all().map((r) => (r as unknown[]).slice(0, -1))).toEqual(before);
    } finally {
      store.close();
    }
  });
});
