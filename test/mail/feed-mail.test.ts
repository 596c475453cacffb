import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchMail } from '../../main/actions/mail-fetch.js';
import { Station } from '../../main/api/station.js';
import { Intake } from '../../main/intake/intake.js';
import { ballotTraxFeed, feedPage } from '../../main/sync/tracking.js';
import { loadProfile } from '../../main/cure/profiles.js';
import { intake } from '../helpers/cli.js';
import { startIvmtrServer, type IvmtrServer } from '../helpers/ivmtr-server.js';
import { tempStore } from '../helpers/station.js';
import { backImb, configure, journey, outImb, scan, seedBallots, SUPERVISOR } from './fetch-helpers.js';

let t: ReturnType<typeof tempStore>;
let server: IvmtrServer;
let now = new Date('2026-10-21T12:00:00Z');
const env = () => ({ INTAKE_IVMTR_PASSWORD: server.password });
const fetchNow = () => fetchMail(new Station(t.store, () => now), SUPERVISOR, env(), { sleep: () => Promise.resolve() });

beforeEach(async () => {
  now = new Date('2026-10-21T12:00:00Z');
  t = tempStore();
  server = await startIvmtrServer();
  seedBallots(t.store, 4);
  configure(t.store, server);
  t.store.config.set('ballotTraxElectionNumber', 412, 't', now.toISOString());
});
afterEach(async () => {
  await server.close();
  t.cleanup();
});

describe('the tracking feed with the USPS mail events', () => {
  it('tells each milestone once (in transit, delivered, undeliverable, in transit back, arrived), at the cursor of the import that showed it, in order with receipts', async () => {
    journey(server, 1); // out twice, back at the office's facility
    server.addPiece(outImb(2), [scan('2026-10-05 09:00:00', 'Phase 1 - Origin Processing'), scan('2026-10-09 10:00:00', 'Undeliverable as Addressed - Return to Sender')]);
    server.addPiece(outImb(4), [scan('2026-10-06 07:00:00', 'Phase 4c - Delivery', { handling_event_type: 'L' })]);
    new Intake(t.store, 'MAIL-1').scan({ raw: 'MB-0003', operator: 'clara' }); // received before any mail data
    await fetchNow();
    const first = feedPage(t.store, 0);
    const mail = first.events.filter((e) => e.status !== 'received');
    expect(first.events[0]).toMatchObject({ ballotId: 'MB-0003', status: 'received' });
    expect(mail.map((e) => [e.ballotId, e.status])).toEqual([
      ['MB-0001', 'in-transit'],
      ['MB-0002', 'in-transit'],
      ['MB-0004', 'in-transit'],
      ['MB-0004', 'delivered'],
      ['MB-0002', 'undeliverable'],
      ['MB-0001', 'in-transit-back'],
      ['MB-0001', 'arrived'],
    ]);
    expect(new Set(mail.map((e) => e.cursor)).size).toBe(1);
    expect(mail[0]?.cursor).toBeGreaterThan(first.events[0]?.cursor ?? 0);
    expect(mail[4]).toMatchObject({ voterId: 'MV2', detail: 'returned undeliverable: the voter may need a new ballot', mail: { scannedAt: '2026-10-09T10:00:00', facility: 'RALEIGH P&DC', zip: '27676' } });

    // The same scans again, and a new one: only the new milestone is told, after the cursor.
    now = new Date('2026-10-24T12:00:00Z');
    server.addPiece(outImb(2), [scan('2026-10-22 07:00:00', 'Phase 4c - Delivery', { handling_event_type: 'L' })]);
    server.addPiece(backImb(2), [scan('2026-10-23 07:00:00', 'Phase 1 - Origin Processing')]);
    await fetchNow();
    const next = feedPage(t.store, first.cursor);
    // The outbound piece was finished (undeliverable): not asked again, so its later scan is not told.
    expect(next.events.map((e) => [e.ballotId, e.status])).toEqual([['MB-0002', 'in-transit-back']]);
    expect(next.cursor).toBeGreaterThan(first.cursor);
    await fetchNow();
    expect(feedPage(t.store, next.cursor).events).toEqual([]);
  });

  it('marks an undeliverable ballot Undeliverable in the BallotTrax file', async () => {
    server.addPiece(outImb(2), [scan('2026-10-09 10:00:00', 'Undeliverable as Addressed - Return to Sender')]);
    server.addPiece(backImb(1), [scan('2026-10-20 10:00:00', 'Phase 2 - Origin Processing')]);
    await fetchNow();
    const profile = loadProfile('generic');
    if (!profile.ok) throw new Error(profile.error);
    const file = ballotTraxFeed(t.store, 0, profile.value);
    const rows = file.csv.split(/\r?\n/);
    expect(file.ballots).toBe(2); // MB-0004 has no scan: not in this file
    expect(rows.find((r) => r.includes(',MV2,'))).toContain('Undeliverable');
    expect(rows.find((r) => r.includes(',MV1,'))).toContain('Outbound');
  });

  it('exports the mail milestones through `intake feed export`, control characters in a facility name escaped', async () => {
    server.addPiece(outImb(1), [scan('2026-10-05 09:00:00', 'Phase 1 - Origin Processing', { scan_facility_name: 'EVIL\u001b]0;pwned\u0007 P&DC\u202e' })]);
    await fetchNow();
    const r = intake(['feed', 'export', '--format', 'ndjson'], { env: { INTAKE_DB: t.dbPath } });
    expect(r.status).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0007\u001b\u202e]/);
    const lines = r.lines<{ ballotId: string; status: string; mail: { facility: string } }>();
    expect(lines.map((l) => [l.ballotId, l.status, l.mail.facility])).toEqual([['MB-0001', 'in-transit', 'EVIL\u001b]0;pwned\u0007 P&DC\u202e']]);
    expect(fs.existsSync(path.join(t.dir, 'intake.db'))).toBe(true);
  });
});
