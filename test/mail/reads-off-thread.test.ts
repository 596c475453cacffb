import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Station } from '../../main/api/station.js';
import { MailReads } from '../../main/mail/reads-off-thread.js';
import { runMailRead, type MailRead } from '../../main/mail/reads.js';
import type { Store } from '../../main/store/store.js';
import type { MailEvent } from '../../shared/mail/event.js';
import { ServiceError } from '../../shared/errors.js';
import { apiFor } from '../helpers/api.js';
import { ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { MID, serialOf, SUPERVISOR } from './fetch-helpers.js';
import { mailEvent, recordEvents as record } from './recorded.js';

// The heavy mail reads on a thread of their own (main/mail/reads-off-thread.ts), through the
// compiled worker the app runs (dist/: `npm run build` first, as the test command does).
const WORKER = pathToFileURL(path.join(ROOT, 'dist', 'main', 'mail', 'reads-worker.js'));
const NOW = new Date('2026-10-25T12:00:00Z');
const CLERK = { name: 'clara', role: 'clerk', via: 'cli-pin' } as const;

const event = (n: number, day: number, over: Partial<MailEvent> = {}) => mailEvent(n, { scannedAt: `2026-10-${String(day).padStart(2, '0')}T08:12:00`, ...over });

/** `ballots` ballots, each mailed, most delivered, some undeliverable, some back at the office. */
function seed(store: Store, ballots: number): void {
  seedRoll(
    store,
    Array.from({ length: ballots }, (_, i) => rollRow({ ballotId: `MB-${i + 1}`, voterId: `MV${i + 1}`, imbMailerId: MID, imbSerial: serialOf(i + 1), issuedAt: '2026-10-01' })),
  );
  store.config.set('mailOfficeZips', ['27699'], 't', NOW.toISOString());
  const events: MailEvent[] = [];
  for (let n = 1; n <= ballots; n++) {
    events.push(event(n, 3), event(n, 4, { mailPhase: 'Phase 3a - Destination MMP Processing', machineName: `M${n % 7}` }));
    if (n % 5 === 0) events.push(event(n, 6, { mailPhase: 'Undeliverable as Addressed - Return to Sender', facilityZip: '27330' }));
    else events.push(event(n, 6, { mailPhase: 'Phase 4c - Delivery' }));
    if (n % 3 === 0) events.push(event(n, 12, { stid: '777', routingZip: '27699', mailPhase: 'Phase 3 - Destination Processing', facilityZip: '27699' }));
  }
  record(store, events);
}

const READS: MailRead[] = [
  { kind: 'attention', input: { list: 'undeliverable' } },
  { kind: 'attention', input: { list: 'not-received', limit: 5 } },
  { kind: 'attention', input: { list: 'no-scan', days: 1 } },
  { kind: 'attentionCounts', input: {} },
  { kind: 'attentionCsv', input: { list: 'undeliverable' } },
  { kind: 'stream', input: { from: '2026-10-01', to: '2026-10-25' } },
];

let t: ReturnType<typeof tempStore>;
let station: Station;
let reads: MailReads;

beforeEach(() => {
  t = tempStore();
  station = new Station(t.store, () => NOW);
  reads = new MailReads(station, WORKER);
});
afterEach(async () => {
  await reads.close();
  t.cleanup();
});

describe('mail reads on a thread of their own', () => {
  it('answers the lists, the counts, the CSV and the stream on its read-only connection exactly as on the station thread', async () => {
    seed(t.store, 300);
    expect(reads.offThread).toBe(true);
    for (const read of READS) {
      const here = runMailRead(station, SUPERVISOR, read);
      expect(await reads.run(SUPERVISOR, read)).toEqual(here);
    }
    expect(reads.sent).toBe(READS.length);
  });

  it('sees what the station committed since its last read (a second file imported meanwhile)', async () => {
    seed(t.store, 50);
    const before = (await reads.run(SUPERVISOR, READS[3] as MailRead)) as { counts: Record<string, number> };
    record(t.store, [event(1, 13, { stid: '777', routingZip: '27699', mailPhase: 'Phase 3 - Destination Processing', facilityZip: '27699' })]);
    const after = (await reads.run(SUPERVISOR, READS[3] as MailRead)) as { counts: Record<string, number> };
    expect(after.counts['not-received']).toBe((before.counts['not-received'] ?? 0) + 1);
  });

  it('keeps the station thread free while a report is read (a timer keeps firing), where the same read on the station thread blocks it', async () => {
    seed(t.store, 5_000);
    const ticksDuring = async (r: MailReads) => {
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 1);
      const started = performance.now();
      await r.run(SUPERVISOR, { kind: 'attentionCounts', input: {} });
      await r.run(SUPERVISOR, { kind: 'stream', input: { from: '2026-10-01', to: '2026-10-25' } });
      clearInterval(timer);
      return { ticks, ms: performance.now() - started };
    };
    const here = new MailReads(station, null);
    expect(here.offThread).toBe(false);
    const blocked = await ticksDuring(here);
    const free = await ticksDuring(reads);
    expect(blocked.ticks).toBeLessThanOrEqual(2);
    // The thread's reads take about as long, and the station's timer fires all the while.
    expect(free.ticks).toBeGreaterThan(Math.min(20, free.ms / 10));
  });

  it('answers 40 identical requests at once with one query, and 40 different ones each in turn', async () => {
    seed(t.store, 200);
    const same = await Promise.all(Array.from({ length: 40 }, () => reads.run(SUPERVISOR, READS[5] as MailRead)));
    expect(reads.sent).toBe(1);
    for (const s of same) expect(s).toEqual(same[0]);
    const different = await Promise.all(Array.from({ length: 40 }, (_, i) => reads.run(SUPERVISOR, { kind: 'attention', input: { list: 'undeliverable', limit: i + 1 } })));
    expect(reads.sent).toBe(41);
    const { count } = runMailRead(station, SUPERVISOR, { kind: 'attention', input: { list: 'undeliverable' } }) as { count: number };
    expect(count).toBe(27); // every fifth ballot, but those with a scan on the way back
    different.forEach((d, i) => expect((d as { rows: unknown[] }).rows).toHaveLength(Math.min(i + 1, count)));
  });

  it("refuses a clerk, and a not-received list with no office ZIPs set, in the station's own words", async () => {
    seed(t.store, 10);
    await expect(reads.run(CLERK, READS[0] as MailRead)).rejects.toThrow(ServiceError);
    await expect(reads.run(CLERK, READS[0] as MailRead)).rejects.toMatchObject({ code: 'forbidden', message: 'This needs a supervisor; clara is a clerk.' });
    t.store.config.set('mailOfficeZips', [], 't', NOW.toISOString());
    await expect(reads.run(SUPERVISOR, { kind: 'attention', input: { list: 'not-received' } })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/mail facility ZIPs are not set/) as unknown });
  });

  it('fails the reads waiting on a thread that dies, in plain words, and the next read starts a new thread', async () => {
    seed(t.store, 2_000);
    const failed = expect(reads.run(SUPERVISOR, READS[5] as MailRead)).rejects.toThrow(/the mail report could not be read: its thread stopped \(exit code \d+\); try again/);
    await (reads as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await failed;
    expect(await reads.run(SUPERVISOR, READS[5] as MailRead)).toEqual(runMailRead(station, SUPERVISOR, READS[5] as MailRead));
  });

  it('fails the reads still waiting when the station closes', async () => {
    seed(t.store, 2_000);
    const failed = expect(reads.run(SUPERVISOR, READS[3] as MailRead)).rejects.toThrow('the station closed before the mail report was read');
    await reads.close();
    await failed;
  });

  it('through the router: refuses malformed, oversized and hostile input before any read reaches the thread, and answers 40 calls at once', async () => {
    seed(t.store, 100);
    const api = apiFor(t.store, () => NOW);
    // The router's station reads on the compiled thread, as the app's does.
    Object.defineProperty(api.station, 'mailReads', { value: reads });
    const sue = api.as('sue', 'supervisor');
    const bad: [string, unknown][] = [
      ['mail.stream', { from: '2026-10-20', to: '2026-10-01' }],
      ['mail.stream', { from: '2026-01-01', to: '2026-12-31' }],
      ['mail.stream', { from: 'x'.repeat(100_000), to: '2026-10-01' }],
      ['mail.stream', { from: '2026-10-01', to: '2026-10-02', extra: 1 }],
      ['mail.attention', { list: 'lost' }],
      ['mail.attention', { list: 'undeliverable', limit: 10_000_000 }],
      ['mail.attention', { list: 'undeliverable', days: -1 }],
      ['mail.attentionCounts', { hours: 'forty' }],
      ['mail.attentionCsv', JSON.parse('{"list":"no-scan","__proto__":{"list":"x"}}')],
      ['mail.attentionCounts', []],
    ];
    for (const [method, input] of bad) {
      const r = (await api.callRaw(sue, method, input)) as { ok: boolean; error?: { code: string; message: string } };
      expect([method, r.ok]).toEqual([method, false]);
      expect(r.error?.code).toBe('invalid-input');
      expect(r.error?.message).not.toMatch(/[{}[\]]|ZodError|at Object/);
    }
    expect(reads.sent).toBe(0);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? api.call(sue, 'mail.stream', { from: '2026-10-01', to: '2026-10-25' }) : api.call(sue, 'mail.attentionCounts', {}))),
    );
    for (const a of answers) expect(a.ok).toBe(true);
    expect(reads.sent).toBe(2); // two kinds of request: one query each
    expect(answers[1]).toEqual(await api.call(sue, 'mail.stream', { from: '2026-10-01', to: '2026-10-25' }));
  });

  it('runs on the station thread for a database in memory and when INTAKE_READ_THREADS=0', () => {
    expect(new MailReads(station, WORKER).offThread).toBe(true);
    expect(new MailReads(station, null).offThread).toBe(false);
    const old = process.env['INTAKE_READ_THREADS'];
    process.env['INTAKE_READ_THREADS'] = '0';
    try {
      expect(new MailReads(station).offThread).toBe(false);
    } finally {
      if (old === undefined) delete process.env['INTAKE_READ_THREADS'];
      else process.env['INTAKE_READ_THREADS'] = old;
    }
  });
});
