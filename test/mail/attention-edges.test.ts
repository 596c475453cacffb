import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailAttention, mailAttentionCounts } from '../../main/actions/mail-attention.js';
import { Station } from '../../main/api/station.js';
import { eventInstant } from '../../main/mail/attention.js';
import type { Store } from '../../main/store/store.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { MID, serialOf, SUPERVISOR } from './fetch-helpers.js';
import { mailEvent as event, recordEvents as record } from './recorded.js';

// The lists are one SQL query each (main/mail/attention-sql.ts); these are the edges where a
// query could drift from the status rule (shared/mail/status.ts), checked against the rule itself.
const NOW = new Date('2026-10-25T12:00:00Z');
const iso = (msBeforeNow: number) => new Date(NOW.getTime() - msBeforeNow).toISOString();
const H = 3_600_000;
let t: ReturnType<typeof tempStore>;

const UNDELIVERABLE = { scannedAt: '2026-10-09T10:00:00', mailPhase: 'Undeliverable as Addressed - Return to Sender', facilityZip: '27330' };
const back = (n: number, over: Partial<MailEvent>) => event(n, { stid: '777', routingZip: '27699', mailPhase: 'Phase 3 - Destination Processing', facilityZip: '27699', ...over });
const utc = (ms: number) => ({ scannedAt: iso(ms).slice(0, 19), scannedAtUtc: iso(ms) });

beforeEach(() => {
  t = tempStore();
  const b = (n: number, over = {}) => rollRow({ ballotId: `MB-${n}`, voterId: `MV${n}`, imbMailerId: MID, imbSerial: serialOf(n), issuedAt: '2026-10-01', ...over });
  seedRoll(t.store, [
    b(1), // undeliverable; a newer ballot (MB-2) issued to the same voter, itself undeliverable too
    b(2, { voterId: 'MV1', issuedAt: '2026-10-12' }),
    b(3), // undeliverable, then delivered on a later scan: the latest decides, off the list
    b(4), // undeliverable, then a return scan: on its way back, off the undeliverable list
    b(5, { status: 'CANCELLED', cancelledAt: '2026-10-10' }), // cancelled: undeliverable and arrived scans, on no list
    b(6), // arrived at the office ZIP 47 h 59 min ago: not yet
    b(7), // arrived exactly 48 h ago: listed
    b(8), // arrived 47 h 59 min ago, received by the station now: never listed
    b(9), // two back scans: an earlier office-ZIP scan decides (50 h), not the later delivery (1 h)
  ]);
  t.store.config.set('mailOfficeZips', ['27699'], 't', NOW.toISOString());
  record(t.store, [
    event(1, {}), event(1, UNDELIVERABLE),
    event(2, { scannedAt: '2026-10-13T08:00:00' }), event(2, { ...UNDELIVERABLE, scannedAt: '2026-10-15T09:00:00' }),
    event(3, UNDELIVERABLE), event(3, { scannedAt: '2026-10-12T10:00:00', mailPhase: 'Phase 4c - Delivery' }),
    event(4, UNDELIVERABLE), back(4, { scannedAt: '2026-10-20T10:00:00', facilityZip: '27601' }),
    event(5, UNDELIVERABLE), back(5, utc(100 * H)),
    back(6, utc(48 * H - 60_000)),
    back(7, utc(48 * H)),
    back(8, utc(48 * H - 60_000)),
    back(9, { ...utc(H), mailPhase: 'Phase 4c - Delivery', facilityZip: '27601' }), back(9, utc(50 * H)),
  ]);
});
afterEach(() => t.cleanup());

/** What the one status rule says of every ballot, for the lists to be checked against. */
function byRule(store: Store, status: string): string[] {
  const opts = { officeZips: ['27699'] };
  const open = store.db.prepare<[], { ballot_id: string }>(`SELECT ballot_id FROM ballots WHERE status = 'ISSUED' ORDER BY ballot_id`).all();
  return open
    .map((b) => ({ id: b.ballot_id, s: store.mail.statusOf(b.ballot_id, opts) }))
    .filter((x) => x.s?.status === status && (status !== 'arrived' || (x.s.event && NOW.getTime() - eventInstant(x.s.event) >= 48 * H)))
    .map((x) => x.id);
}

describe('mail attention lists: the edges of the SQL', () => {
  it('undeliverable: a piece with a newer ballot issued says so, the newer one is listed on its own; a later delivery or a return scan takes a piece off; a cancelled ballot never shows', () => {
    const station = new Station(t.store, () => NOW);
    const r = mailAttention(station, SUPERVISOR, { list: 'undeliverable' });
    expect(r.rows.map((x) => [x.ballotId, x.reissued])).toEqual([['MB-1', true], ['MB-2', false]]);
    expect(r.rows.map((x) => x.ballotId)).toEqual(byRule(t.store, 'returned-undeliverable'));
  });

  it('not-received: an office-ZIP return 1 minute short of 48 hours waits, one at exactly 48 hours is listed, the first arrival scan decides, a cancelled ballot never shows', () => {
    const station = new Station(t.store, () => NOW);
    const r = mailAttention(station, SUPERVISOR, { list: 'not-received' });
    expect(r.rows.map((x) => [x.ballotId, x.waited])).toEqual([['MB-7', 48], ['MB-9', 50]]);
    expect(r.rows.map((x) => x.ballotId)).toEqual(byRule(t.store, 'arrived'));
    expect(mailAttentionCounts(station, SUPERVISOR, {}).counts).toMatchObject({ undeliverable: 2, 'not-received': 2 });
  });

  it('not-received: a return scanned at the office ZIP and received 1 minute before the 48-hour limit never reaches the list, even a day later', async () => {
    const api = apiFor(t.store, () => NOW);
    expect(await api.call(api.as('clara'), 'scan.submit', { raw: 'MB-8' })).toMatchObject({ ok: true });
    const later = new Station(t.store, () => new Date(NOW.getTime() + 24 * H));
    const ids = mailAttention(later, SUPERVISOR, { list: 'not-received' }).rows.map((x) => x.ballotId);
    expect(ids).toEqual(['MB-6', 'MB-7', 'MB-9']);
    expect(ids).not.toContain('MB-8');
  });

  it("undeliverable: a scan whose operation code the office lists as undeliverable counts only once the office lists it (config mailUndeliverableOpCodes)", () => {
    record(t.store, [event(3, { scannedAt: '2026-10-14T10:00:00', mailPhase: 'Phase 2 - Transit', operationCode: '999' })]);
    const station = new Station(t.store, () => NOW);
    expect(mailAttention(station, SUPERVISOR, { list: 'undeliverable' }).rows.map((x) => x.ballotId)).toEqual(['MB-1', 'MB-2']);
    t.store.config.set('mailUndeliverableOpCodes', ['999'], 't', NOW.toISOString());
    expect(mailAttention(station, SUPERVISOR, { list: 'undeliverable' }).rows.map((x) => [x.ballotId, x.event?.phase])).toEqual([['MB-1', UNDELIVERABLE.mailPhase], ['MB-2', UNDELIVERABLE.mailPhase], ['MB-3', 'Phase 2 - Transit']]);
  });

  it('shows plain words, never an ISO timestamp, in the status a supervisor reads', () => {
    const station = new Station(t.store, () => NOW);
    for (const list of ['undeliverable', 'not-received'] as const)
      for (const row of mailAttention(station, SUPERVISOR, { list }).rows) expect(row.status).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });
});
