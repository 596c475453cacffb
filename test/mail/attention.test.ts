import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailAttention, mailAttentionCounts } from '../../main/actions/mail-attention.js';
import { Station } from '../../main/api/station.js';
import { mailAttentionCommand } from '../../main/cli/commands/mail-attention.js';
import { terminalIo, type Io } from '../../main/cli/context.js';
import type { Store } from '../../main/store/store.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { MID, serialOf, SUPERVISOR } from './fetch-helpers.js';
import { mailEvent as event, recordEvents as record } from './recorded.js';

const NOW = new Date('2026-10-25T12:00:00Z');
let t: ReturnType<typeof tempStore>;
let station: Station;

const back = (n: number, over: Partial<MailEvent>) => event(n, { stid: '777', routingZip: '27699', mailPhase: 'Phase 3 - Destination Processing', facilityZip: '27699', ...over });

beforeEach(() => {
  t = tempStore();
  const b = (n: number, over = {}) => rollRow({ ballotId: `MB-${n}`, voterId: `MV${n}`, imbMailerId: MID, imbSerial: serialOf(n), issuedAt: '2026-10-01', ...over });
  seedRoll(t.store, [
    b(1), // scanned once out: not on no-scan
    b(2), // never scanned, issued 24 days ago: no-scan
    b(3, { issuedAt: '2026-10-22' }), // never scanned, issued 3 days ago: not yet
    b(4), // undeliverable
    b(5), // return arrived at the office 50 hours ago, not received
    b(6), // return arrived 10 hours ago
    b(7), // return arrived, then received by the station
    b(8, { status: 'CANCELLED', cancelledAt: '2026-10-03' }), // cancelled: no list
    rollRow({ ballotId: 'MB-9', voterId: 'MV9', issuedAt: '2026-10-01' }), // no IMb: cannot be tracked
    b(10, { voterId: 'MV4', issuedAt: '2026-10-20' }), // the reissue of MB-4
  ]);
  t.store.config.set('mailOfficeZips', ['27699'], 't', NOW.toISOString());
  record(t.store, [
    event(1, {}),
    event(4, {}),
    event(4, { scannedAt: '2026-10-09T10:00:00', mailPhase: 'Undeliverable as Addressed - Return to Sender', facilityName: '=HYPERLINK("http://evil.example","ok")', facilityZip: '27330' }),
    event(5, {}),
    back(5, { scannedAt: '2026-10-23T10:00:00', scannedAtUtc: '2026-10-23T10:00:00.000Z', facilityName: 'RALEIGH\u001b[2J\u202eNC P&DC' }),
    event(6, {}),
    back(6, { scannedAt: '2026-10-25T02:00:00', scannedAtUtc: '2026-10-25T02:00:00.000Z' }),
    event(7, {}),
    back(7, { scannedAt: '2026-10-20T10:00:00', scannedAtUtc: '2026-10-20T10:00:00.000Z' }),
    event(8, {}),
  ]);
  station = new Station(t.store, () => NOW);
});
afterEach(() => t.cleanup());

async function receive(store: Store, ballotId: string): Promise<void> {
  const api = apiFor(store, () => NOW);
  expect(await api.call(api.as('clara'), 'scan.submit', { raw: ballotId })).toMatchObject({ ok: true });
}

describe('mail attention lists', () => {
  it('lists ballots with no USPS scan N days after issue (default 7), not those scanned, received, cancelled or without an IMb', async () => {
    await receive(t.store, 'MB-7');
    const r = mailAttention(station, SUPERVISOR, { list: 'no-scan' });
    expect(r.rows.map((x) => x.ballotId)).toEqual(['MB-2']);
    expect(r.rows[0]).toMatchObject({ status: 'no scan yet', waited: 24, event: null });
    expect(mailAttention(station, SUPERVISOR, { list: 'no-scan', days: 2 }).rows.map((x) => x.ballotId)).toEqual(['MB-2', 'MB-10', 'MB-3']);
    expect(mailAttention(station, SUPERVISOR, { list: 'no-scan', days: 30 }).count).toBe(0);
  });

  it('lists undeliverable ballots with the facility and says when a newer ballot was issued to the voter', () => {
    const r = mailAttention(station, SUPERVISOR, { list: 'undeliverable' });
    expect(r.count).toBe(1);
    expect(r.rows[0]).toMatchObject({ ballotId: 'MB-4', status: 'returned undeliverable', reissued: true, event: { at: '2026-10-09T10:00:00', zip: '27330' } });
  });

  it("lists returns scanned at the office's facility and not received within N hours (default 48); a received one leaves the list", async () => {
    await receive(t.store, 'MB-7');
    const r = mailAttention(station, SUPERVISOR, { list: 'not-received' });
    expect(r.rows.map((x) => [x.ballotId, x.waited])).toEqual([['MB-5', 50]]);
    expect(mailAttention(station, SUPERVISOR, { list: 'not-received', hours: 8 }).rows.map((x) => x.ballotId)).toEqual(['MB-5', 'MB-6']);
    expect(mailAttentionCounts(station, SUPERVISOR, {})).toMatchObject({ officeZipsSet: true, counts: { 'no-scan': 1, undeliverable: 1, 'not-received': 1 } });
  });

  it("refuses the not-received list in plain words when the office's facility ZIPs are not set", () => {
    t.store.config.clear('mailOfficeZips', 't', NOW.toISOString());
    expect(() => mailAttention(station, SUPERVISOR, { list: 'not-received' })).toThrow(/mail facility ZIPs are not set.*mailOfficeZips/);
  });

  it('exports CSV with a facility name that is a formula neutralised (CSV injection), file owner-only', async () => {
    const file = path.join(t.dir, 'undeliverable.csv');
    const io = ioCapture();
    expect(await mailAttentionCommand(io.io, ['--list', 'undeliverable', '--csv', file, '--db', t.dbPath])).toBe(0);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toBe('ballotId,voterId,lastName,firstName,precinct,issuedAt,status,scannedAt,facility,city,state,zip,phase,daysWaited,reissued');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""ok"")"`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(io.out())).toMatchObject({ list: 'undeliverable', count: 1, file });
    const api = apiFor(t.store, () => NOW);
    const viaApi = await api.call(api.as('sue', 'supervisor'), 'mail.attentionCsv', { list: 'undeliverable' });
    expect(viaApi).toMatchObject({ ok: true, value: { filename: 'mail-undeliverable-2026-10-25.csv' } });
    // The command line runs on today's clock, the API here on the test's: only the days waited differ.
    if (viaApi.ok) expect(viaApi.value.content.replace(/,\d+,yes/, ',N,yes')).toBe(csv.replace(/,\d+,yes/, ',N,yes'));
  });

  it('prints a facility name with terminal escapes and a bidi override escaped, never raw', async () => {
    const io = ioCapture();
    expect(await mailAttentionCommand(io.io, ['--list', 'not-received', '--hours', '24', '--db', t.dbPath])).toBe(0);
    const out = io.out();
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u001b\u202e]/);
    expect(out).toContain('RALEIGH\\u001b[2J\\u202eNC P&DC');
    expect(JSON.parse(out.split('\n')[0] ?? '')).toMatchObject({ ballotId: 'MB-5', event: { facility: 'RALEIGH\u001b[2J\u202eNC P&DC' } });
    // On today's clock every return on file arrived more than a day ago (MB-7 is not received here).
    expect(io.err()).toBe('{"list":"not-received","count":3,"hours":24}\n');
  });

  it('answers 40 attention queries at once through the router, each the same, and refuses a clerk', async () => {
    const api = apiFor(t.store, () => NOW);
    const sup = api.as('sue', 'supervisor');
    const lists = ['no-scan', 'undeliverable', 'not-received'] as const;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? api.call(sup, 'mail.attentionCounts', {}) : api.call(sup, 'mail.attention', { list: lists[i % 3] ?? 'no-scan' }))));
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(new Set(answers.filter((_, i) => i % 4 === 3).map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await api.call(api.as('clara'), 'mail.attention', { list: 'no-scan' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api.callRaw(sup, 'mail.attention', { list: 'lost', days: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('refuses bad options at the command line with the usage', async () => {
    const io = ioCapture();
    await expect(mailAttentionCommand(io.io, ['--list', 'lost'])).rejects.toThrow(/--list must be no-scan, undeliverable or not-received/);
    await expect(mailAttentionCommand(io.io, ['--list', 'no-scan', '--hours', '3'])).rejects.toThrow(/--hours is for --list not-received/);
    await expect(mailAttentionCommand(io.io, ['--list', 'no-scan', '--days', '0'])).rejects.toThrow(/--days must be a whole number from 1 to 365/);
  });
});

function ioCapture(): { io: Io; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: terminalIo({ stdout, stderr, stdin: new PassThrough(), env: {} }), out: () => o, err: () => e };
}
