import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailEventPacker } from '../../main/store/mail-chunk.js';
import { mailEventWriter, recoverMailLoad } from '../../main/store/mail-load.js';
import { MailPlaces } from '../../main/store/mail-places.js';
import type { PackedChunk } from '../../main/store/packed-rows.js';
import type { Store } from '../../main/store/store.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

// The first, state-sized load into an empty mail_events (main/store/mail-load.ts BulkWriter), in
// chunks, each event's ballot found by the packer: whatever order the events come in, the station
// ends with the same rows, the same three indexes and the same counts; a load killed part way
// leaves nothing behind once recovered.

const MID = '123456';
const serial = (n: number) => String(n).padStart(9, '0');
let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 20 }, (_, k) => rollRow({ ballotId: `FB-${k + 1}`, voterId: `FV${k + 1}`, imbMailerId: MID, imbSerial: serial(k + 1) })));
});
afterEach(() => t.cleanup());

function event(n: number, at: string, phase = 'Phase 1 - Origin Primary Processing'): MailEvent {
  return {
    barcodeId: '00', stid: n % 2 === 0 ? '777' : '700', mailerId: MID, serial: serial(n), routingZip: '27601', scannedAt: at, scannedAtUtc: null,
    operationCode: '044', eventCode: 'SD', handling: 'actual', handlingCode: 'A', mailPhase: phase, machineName: `DBCS-${n}`,
    facilityName: 'RALEIGH NC P&DC', facilityCity: 'RALEIGH', facilityState: 'NC', facilityZip: '27676',
  };
}

/** 25 events a day over 4 days (the 25th of each day an unknown IMb), at `at(k)` within each day. */
function events(order: (k: number) => number): MailEvent[] {
  const out: MailEvent[] = [];
  for (let day = 1; day <= 4; day++)
    for (let k = 0; k < 25; k++) {
      const sec = order(k);
      out.push(event(k === 24 ? 999 : 1 + ((k + day) % 20), `2026-10-0${day}T${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`, `Phase ${day} - Processing`));
    }
  return out;
}

/** Loads `list` into the store's empty mail_events in chunks of 4. */
function load(store: Store, list: MailEvent[]) {
  const id = Number(store.db.prepare(`INSERT INTO mail_imports (started_at, file, format, operator) VALUES ('2026-10-25T00:00:00Z', 't', 'ivmtr-delimited', 't')`).run().lastInsertRowid);
  const w = mailEventWriter(store.db, id);
  expect(w.bulk).toBe(true);
  const packer = new MailEventPacker(w.ballots, 4, new MailPlaces(w.places));
  const chunks: PackedChunk[] = [];
  for (const e of list) packer.add(e, chunks);
  const last = packer.take();
  if (last) chunks.push(last);
  for (const c of chunks) w.addChunk(c, 0, packer.places.take());
  expect(store.db.prepare('SELECT count(*) FROM mail_events_load').pluck().get()).toBe(list.length);
  const f = store.write(() => w.finish());
  w.done();
  return { f };
}

function state(store: Store) {
  return {
    indexes: store.db.prepare("SELECT name FROM sqlite_schema WHERE tbl_name = 'mail_event_rows' AND type = 'index' ORDER BY name").pluck().all(),
    // Places are numbered in the order first seen: compared by what they hold.
    day: store.db
      .prepare(
        `SELECT e.scanned_at, p.direction, p.mail_phase, e.ballot_id FROM mail_event_rows e JOIN mail_places p ON p.place = e.place
         WHERE e.ballot_id IS NOT NULL ORDER BY 1, 2, 3, 4`,
      )
      .all(),
    places: store.db.prepare('SELECT count(*) FROM mail_places').pluck().get(),
    rows: store.db.prepare('SELECT dedupe_key, ballot_id, scanned_at FROM mail_events ORDER BY piece, dedupe_key').all(),
    integrity: store.db.pragma('integrity_check', { simple: true }),
  };
}

describe('mail import: the first load into an empty table', () => {
  it('events in time order and the same events the other way round: the same rows, ballots, indexes and counts', () => {
    const inOrder = load(t.store, events((k) => k * 60));
    expect(inOrder.f).toMatchObject({ imported: 100, unknownImbs: 4, final: true });
    const a = state(t.store);
    expect(a.indexes).toEqual(['mail_events_ballot', 'mail_events_piece']);
    expect(a.integrity).toBe('ok');
    expect(a.day).toHaveLength(96);

    const u = tempStore();
    try {
      seedRoll(u.store, Array.from({ length: 20 }, (_, k) => rollRow({ ballotId: `FB-${k + 1}`, voterId: `FV${k + 1}`, imbMailerId: MID, imbSerial: serial(k + 1) })));
      const backwards = load(u.store, events((k) => k * 60).reverse());
      expect(backwards.f).toEqual(inOrder.f);
      const b = state(u.store);
      expect(b).toEqual(a);
    } finally {
      u.cleanup();
    }
  });

  it('a load killed part way (the station closed under it) leaves nothing once recovered, and the next import loads whole', () => {
    const id = Number(t.store.db.prepare(`INSERT INTO mail_imports (started_at, file, format, operator) VALUES ('2026-10-25T00:00:00Z', 't', 'ivmtr-delimited', 't')`).run().lastInsertRowid);
    const w = mailEventWriter(t.store.db, id);
    const packer = new MailEventPacker(w.ballots, 4, new MailPlaces(w.places));
    const chunks: PackedChunk[] = [];
    for (const e of events((k) => k * 60).slice(0, 10)) packer.add(e, chunks);
    for (const c of chunks) w.addChunk(c, 0, packer.places.take());
    expect(t.store.db.prepare('SELECT count(*) FROM mail_events_load').pluck().get()).toBe(8); // two chunks of 4; two events still in the packer
    const store = t.reopen();
    recoverMailLoad(store.db);
    expect(store.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'mail_events_load'").get()).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) FROM mail_events').pluck().get()).toBe(0);
    expect(load(store, events((k) => k * 60)).f).toMatchObject({ imported: 100 });
    expect(state(store).indexes).toEqual(['mail_events_ballot', 'mail_events_piece']);
  });
});
