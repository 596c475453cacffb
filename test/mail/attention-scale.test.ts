import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailAttention, mailAttentionCounts } from '../../main/actions/mail-attention.js';
import { Station } from '../../main/api/station.js';
import { eventInstant } from '../../main/mail/attention.js';
import { mailStream, phaseOf } from '../../main/mail/stream.js';
import { NOT_RECEIVED_SQL, registerMailFunctions, UNDELIVERABLE_SQL } from '../../main/mail/attention-sql.js';
import { migrate } from '../../main/store/db.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { seededRandom as random } from '../state-server/faults.js';
import { MID, serialOf, SUPERVISOR } from './fetch-helpers.js';
import { recordEvents as record } from './recorded.js';

// The attention lists and the mail stream are set-based SQL (main/mail/attention-sql.ts,
// main/mail/stream.ts) written for a county's ten million scans; the lookup screen decides one
// ballot at a time with the status rule (shared/mail/status.ts). Here the two are set against
// each other over random scans, and the SQL's plans are checked at a county's size.

const NOW = new Date('2026-10-17T20:00:00Z');
const BALLOTS = 300;

const PHASES = [
  'Phase 1 - Origin Processing',
  'Phase 1a - Origin Processing',
  'PHASE 1 - ORIGIN PROCESSING',
  'Phase 3a - Destination MMP Processing',
  'Phase 4c - Delivery',
  'Delivered',
  'Undeliverable as Addressed - Return to Sender',
  'Returned to Sender',
  'Nixie',
];

/** Scans of every kind, a few times and places each, so ties in time, repeats and every status turn up. */
function randomEvents(rand: () => number): MailEvent[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const events: MailEvent[] = [];
  for (let n = 1; n <= BALLOTS + 20; n++) {
    const scans = Math.floor(rand() * 7);
    for (let i = 0; i < scans; i++) {
      const day = `2026-10-${String(10 + Math.floor(rand() * 8)).padStart(2, '0')}`;
      const time = pick(['08:00:00', '08:00:00', '13:30:00']);
      const back = rand() < 0.4;
      const utc = rand() < 0.2 ? `${day}T${pick(['12:00:00', '17:30:00', '03:59:59'])}.000Z` : null;
      const e: MailEvent = {
        barcodeId: '00', stid: back ? '777' : '700', mailerId: MID, serial: serialOf(n), routingZip: back ? '27699' : '27601',
        scannedAt: `${day}T${time}`, scannedAtUtc: utc, operationCode: pick(['', '918', '44']), eventCode: pick(['SD', 'DL']),
        handling: pick(['actual', 'assumed', 'logical'] as const), handlingCode: 'A', mailPhase: pick(PHASES), machineName: pick(['DBCS-1', 'AFCS-2']),
        facilityName: pick(['RALEIGH P&DC', 'DURHAM']), facilityCity: 'RALEIGH', facilityState: 'NC', facilityZip: pick(['27699', '27699-1234', '27601', '2769']),
      };
      events.push(e);
      // The same scan sent twice, and one that differs only in its handling (same time, same tie key).
      if (rand() < 0.1) events.push({ ...e });
      if (rand() < 0.1) events.push({ ...e, handlingCode: 'B' });
    }
  }
  return events;
}

let t: ReturnType<typeof tempStore>;
let station: Station;

beforeEach(async () => {
  t = tempStore();
  const rows = [];
  for (let n = 1; n <= BALLOTS; n++) {
    const cancelled = n % 23 === 0;
    rows.push(rollRow({ ballotId: `MB-${n}`, voterId: `MV${n}`, imbMailerId: MID, imbSerial: serialOf(n), issuedAt: '2026-10-01', ...(cancelled ? { status: 'CANCELLED', cancelledAt: '2026-10-03' } : {}) }));
  }
  seedRoll(t.store, rows);
  t.store.config.set('mailOfficeZips', ['27699'], 't', NOW.toISOString());
  t.store.config.set('mailUndeliverableOpCodes', ['44'], 't', NOW.toISOString());
  const events = randomEvents(random(18));
  // The first file goes in by the bulk load (an empty table), the rest into the events kept, repeats and all.
  const half = Math.floor(events.length / 2);
  record(t.store, events.slice(0, half));
  record(t.store, events.slice(half - 50));
  station = new Station(t.store, () => NOW);
  // A few returns received by the station: off every list.
  const api = apiFor(t.store, () => NOW);
  for (const n of [5, 17, 42, 99, 150]) expect(await api.call(api.as('clara'), 'scan.submit', { raw: `MB-${n}` })).toMatchObject({ ok: true });
});
afterEach(() => t.cleanup());

describe('attention lists and mail stream against the one-ballot rule', () => {
  it('lists exactly the ballots, with the scan, that the lookup rule gives for 300 ballots of random scans (ties in time, UTC and local, repeats, cancelled and received ballots)', () => {
    const opts = { officeZips: ['27699'], undeliverableOpCodes: ['44'] };
    const open = new Set(
      t.store.db
        .prepare<[], string>(`SELECT ballot_id FROM ballots b WHERE status = 'ISSUED' AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.ballot_id = b.ballot_id)`)
        .pluck()
        .all(),
    );
    const expected = { undeliverable: [] as string[][], 'not-received': [] as string[][] };
    for (let n = 1; n <= BALLOTS; n++) {
      const id = `MB-${n}`;
      const s = t.store.mail.statusOf(id, opts);
      if (!open.has(id) || !s?.event) continue;
      const row = [id, s.event.scannedAtUtc ?? s.event.scannedAt, s.event.facilityZip, s.event.mailPhase, s.event.operationCode];
      if (s.status === 'returned-undeliverable') expected.undeliverable.push(row);
      if (s.status === 'arrived' && NOW.getTime() - eventInstant(s.event) >= 48 * 3_600_000) expected['not-received'].push(row);
    }
    // Enough of each to mean something.
    expect(expected.undeliverable.length).toBeGreaterThan(10);
    expect(expected['not-received'].length).toBeGreaterThan(10);
    const byId = (a: string[], b: string[]) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1);
    for (const list of ['undeliverable', 'not-received'] as const) {
      const got = mailAttention(station, SUPERVISOR, { list }).rows.map((r) => {
        const e = t.store.mail.eventsOf(r.ballotId).find((x) => (x.scannedAtUtc ?? x.scannedAt) === r.event?.at && x.facilityZip === r.event.zip && x.mailPhase === r.event.phase);
        return [r.ballotId, r.event?.at ?? '', r.event?.zip ?? '', r.event?.phase ?? '', e?.operationCode ?? '?'];
      });
      expect(got.sort(byId)).toEqual(expected[list].sort(byId));
    }
    expect(mailAttentionCounts(station, SUPERVISOR, {}).counts).toMatchObject({ undeliverable: expected.undeliverable.length, 'not-received': expected['not-received'].length });
  });

  it('counts each ballot once per day, direction and phase spelling in the mail stream, as counted one scan at a time, over the whole month and over a week', () => {
    const events = t.store.db
      .prepare<[], { day: string; direction: string; mail_phase: string; ballot_id: string }>(
        'SELECT substr(scanned_at, 1, 10) AS day, direction, mail_phase, ballot_id FROM mail_events WHERE ballot_id IS NOT NULL',
      )
      .all();
    const expect1 = (from: string, to: string) => {
      const seen = new Set<string>();
      const counts = new Map<string, number>();
      for (const e of events) {
        if (e.day < from || e.day > to) continue;
        const k = `${e.day}|${e.direction}|${e.mail_phase}|${e.ballot_id}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const key = `${e.day}|${e.direction}|${phaseOf(e.mail_phase)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].map(([k, n]) => `${k}|${n}`).sort();
    };
    for (const [from, to] of [
      ['2026-09-25', '2026-10-25'],
      ['2026-10-12', '2026-10-15'],
    ] as const) {
      const got = mailStream(t.store, from, to).map((r) => `${r.day}|${r.direction}|${r.phase}|${r.ballots}`).sort();
      expect(got.length).toBeGreaterThan(10);
      expect(got).toEqual(expect1(from, to));
    }
  });
});

describe('attention lists at a county size (query plans)', () => {
  it('reads the event rows once in table order, never through the ballot index a scan at a time, and looks ballots up only for the scans picked', () => {
    const db = new Database(':memory:');
    migrate(db);
    registerMailFunctions(db);
    // The statistics of a county's load: 10 million events, a million ballots, a few hundred places.
    db.exec('ANALYZE');
    db.exec(`DELETE FROM sqlite_stat1;
      INSERT INTO sqlite_stat1 VALUES ('mail_event_rows', NULL, '10000000'), ('mail_event_rows', 'mail_events_piece', '10000000 10 10 1'),
        ('mail_event_rows', 'mail_events_ballot', '9900000 10'),
        ('mail_places', NULL, '400'), ('mail_places', 'mail_places_values', '400 200 100 50 50 50 50 40 10 5 5 5 5 1'),
        ('ballots', NULL, '1000000'), ('ballots', 'sqlite_autoindex_ballots_1', '1000000 1');
      ANALYZE sqlite_schema`);
    for (const sql of [NOT_RECEIVED_SQL, UNDELIVERABLE_SQL]) {
      const details = db
        .prepare<[{ opts: string }], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ opts: '{"officeZips":["27699"]}' })
        .map((p) => p.detail);
      const text = details.join('\n');
      expect(text).toMatch(/^SCAN e$/m);
      expect(text).not.toMatch(/SEARCH e USING INDEX mail_events_ballot \(ballot_id>\?\)/);
      expect(text).not.toMatch(/SCAN b\b/);
      const picked = details.findIndex((d) => /^SCAN [at]$/.test(d));
      const ballot = details.findIndex((d) => /^SEARCH b USING INDEX sqlite_autoindex_ballots_1 \(ballot_id=\?\)$/.test(d));
      expect(picked).toBeGreaterThan(-1);
      expect(ballot).toBeGreaterThan(picked);
    }
    db.close();
  });
});
