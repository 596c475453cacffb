// The supervisor's attention lists and the mail-stream chart at county scale (issue 18).
// Its own generator writes straight into a migrated store (the IMb/IV-MTR importer is measured by
// bench/mail.ts): per ballot ~10 scans — mostly 9 out + 1 back; 1 in 50 undeliverable; 1 in 20
// returned and arrived at the office ZIP; 1 in 10 never scanned.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mailAttention, mailAttentionCounts, mailAttentionCsv, mailStreamReport } from '../main/actions/mail-attention.js';
import { Station } from '../main/api/station.js';
import { Store } from '../main/store/store.js';

type Figure = Record<string, unknown>;
const NOW = new Date('2026-10-25T12:00:00Z');
const ACTOR = { name: 'bench', role: 'supervisor', via: 'cli-pin' } as const;

function build(dbPath: string, ballots: number, log: (s: string) => void): number {
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  const store = Store.open(dbPath);
  const db = store.db;
  db.prepare(`INSERT INTO roll_imports VALUES (1, 'x', 'x', 'bench', 'csv', 'bench', 0, 0, 0, 0, 0, NULL)`).run();
  db.prepare(`INSERT INTO mail_imports (import_id, started_at, file, format, operator) VALUES (1, 'x', 'bench', 'ivmtr-delimited', 'bench')`).run();
  const b = db.prepare(`INSERT INTO ballots (ballot_id, election_id, voter_id, imb_mailer_id, imb_serial, last_name, first_name, precinct, issued_at, status, vote_method, voted_other_method, import_id, updated_import_id)
    VALUES (?, 'E2026', ?, '123456', ?, 'Voter', 'Pat', 'P-1', '2026-10-01', 'ISSUED', 'MAIL', 0, 1, 1)`);
  // Each event's place (direction, codes, phase, facility) kept once, as the import keeps them (main/store/mail-places.ts).
  const newPlace = db.prepare(`INSERT INTO mail_places (direction, barcode_id, stid, operation_code, event_code, handling, handling_code, mail_phase, machine_name,
    facility_name, facility_city, facility_state, facility_zip) VALUES (?, '00', ?, '919', 'SD', 'actual', 'A', ?, 'DBCS-012', 'RALEIGH P&DC', 'RALEIGH', 'NC', ?)`);
  const places = new Map<string, number>();
  // The piece: mailer ID 123456 and the serial, as one number (store migration 14).
  const row = db.prepare(`INSERT INTO mail_event_rows (dedupe_key, import_id, ballot_id, piece, routing_zip, scanned_at, scanned_at_utc, place)
    VALUES (?, 1, ?, CAST('123456' || ? AS INTEGER), '27601', ?, NULL, ?)`);
  const e = {
    run(key: number, ballot: string, direction: string, stid: string, serial: string, at: string, phase: string, zip: string): void {
      const k = [direction, stid, phase, zip].join('|');
      let place = places.get(k);
      if (place === undefined) {
        place = Number(newPlace.run(direction, stid, phase, zip).lastInsertRowid);
        places.set(k, place);
      }
      row.run(key, ballot, serial, at, place);
    },
  };
  const PHASES = ['Phase 0 - Origin Acceptance', 'Phase 1 - Origin Processing', 'Phase 2 - Transit', 'Phase 3 - Destination Processing', 'Phase 3 - Destination Processing', 'Phase 4a - Delivery Unit', 'Phase 4b - Carrier', 'Phase 4b - Carrier', 'Phase 4c - Delivery'];
  let events = 0;
  const chunk = 20_000;
  for (let start = 0; start < ballots; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(ballots, start + chunk); i += 1) {
        const id = `MB-${String(i).padStart(8, '0')}`;
        const serial = String(i).padStart(9, '0');
        b.run(id, `V${i}`, serial);
        if (i % 10 === 9) continue; // never scanned
        const day = (k: number) => `2026-10-${String(2 + (k % 20)).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:00:00`;
        const undeliverable = i % 50 === 1;
        PHASES.forEach((p, k) => {
          const phase = undeliverable && k === 8 ? 'Undeliverable as Addressed - Return to Sender' : p;
          e.run(i * 16 + k, id, 'out', '700', serial, day(k + (i % 7)), phase, '27676');
          events += 1;
        });
        if (i % 20 === 3) {
          e.run(i * 16 + 10, id, 'back', '777', serial, `2026-10-2${i % 4}T10:00:00`, 'Phase 3 - Destination Processing', '27699');
          events += 1;
        }
      }
    })();
    if (start % 200_000 === 0) log(`mail-attention: ${start.toLocaleString()} ballots…`);
  }
  store.close();
  return events;
}

function times(n: number, f: () => unknown): { p50ms: number; p99ms: number } {
  const ms: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round((ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0) * 10) / 10;
  return { p50ms: at(0.5), p99ms: at(0.99) };
}

export async function benchMailAttention(ctx: { ballots: number; work: string; runs?: number; log: (s: string) => void }): Promise<Figure> {
  fs.mkdirSync(ctx.work, { recursive: true });
  const dbPath = path.join(ctx.work, `mail-attention-${ctx.ballots}.db`);
  const t0 = performance.now();
  const events = build(dbPath, ctx.ballots, ctx.log);
  const buildSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const store = Store.open(dbPath);
  store.config.set('mailOfficeZips', ['27699'], 'bench', NOW.toISOString());
  const station = new Station(store, () => NOW);
  const runs = ctx.runs ?? 5;
  const fig: Figure = { ballots: ctx.ballots, events, buildSeconds, runs, load: os.loadavg().map((x) => Math.round(x * 100) / 100) };
  fig['counts'] = mailAttentionCounts(station, ACTOR, {}).counts;
  fig['countsTime'] = times(runs, () => mailAttentionCounts(station, ACTOR, {}));
  for (const list of ['no-scan', 'undeliverable', 'not-received'] as const) fig[`firstPage:${list}`] = times(runs, () => mailAttention(station, ACTOR, { list, limit: 100 }));
  fig['csv:no-scan'] = times(Math.min(runs, 3), () => {
    let bytes = 0;
    for (const c of mailAttentionCsv(station, ACTOR, { list: 'no-scan' }).chunks) bytes += c.length;
    return bytes;
  });
  fig['stream'] = times(runs, () => mailStreamReport(station, ACTOR, { from: '2026-10-01', to: '2026-10-31' }));
  fig['floor:count(*) mail_events_ballot'] = times(runs, () => store.db.prepare('SELECT count(*) FROM mail_event_rows WHERE ballot_id IS NOT NULL').get());
  // The chart reads the rows in table order (no day index since store migration 14): its floor counts the same rows the same way.
  fig['floor:count(*) October, a scan of the rows'] = times(runs, () => store.db.prepare(`SELECT count(*) FROM mail_event_rows NOT INDEXED WHERE ballot_id IS NOT NULL AND scanned_at >= '2026-10-01' AND scanned_at < '2026-10-31T99'`).get());
  store.close();
  ctx.log(`mail-attention: ${JSON.stringify(fig)}`);
  return Promise.resolve(fig);
}
