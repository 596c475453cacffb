import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { pdfText } from './pdf-text.js';

// A fixed clock walks the day: each scan is a minute or an hour later, so the hours are known.
let t: ReturnType<typeof tempStore>;
let now = Date.parse('2026-11-03T13:10:00Z');
const clock = () => new Date(now);
beforeEach(() => {
  t = tempStore();
  now = Date.parse('2026-11-03T13:10:00Z');
  seedRoll(t.store, Array.from({ length: 12 }, (_, i) => rollRow({ ballotId: `DR-${i}`, voterId: `V${i}` })));
});
afterEach(() => t.cleanup());

// 08:00 to 08:00 next day in New York (EST, UTC-5): the hours come back on that clock.
const DAY = { from: '2026-11-03T05:00:00.000Z', to: '2026-11-04T05:00:00.000Z', utcOffsetMinutes: -300, dayLabel: 'Tuesday, November 3, 2026' };

async function seedDay() {
  const api = apiFor(t.store, clock);
  const clara = api.as('clara');
  const bo = api.as('bo');
  for (let i = 0; i < 3; i += 1) await api.call(clara, 'scan.submit', { raw: `DR-${i}` }); // 08:10 local
  now += 3_600_000;
  for (let i = 3; i < 5; i += 1) await api.call(bo, 'scan.submit', { raw: `DR-${i}` }); // 09:10 local
  await api.call(bo, 'scan.submit', { raw: 'DR-3' }); // a duplicate: a problem at 09:10
  await api.call(bo, 'scan.submit', { raw: 'NOPE-1' }); // not on the roll
  await api.call(clara, 'cure.flag', { ballotId: 'DR-1', codes: ['NO_VOTER_SIGNATURE'] });
  const sue = api.as('sue', 'supervisor');
  await api.call(sue, 'batches.close', { batchId: null, handCount: null });
  return { api, sue };
}

describe('the day report', () => {
  it('counts receipts per local hour by station and clerk, problems over the day, cure cases by state and deadline, trays not counted', async () => {
    const { api, sue } = await seedDay();
    const r = await api.call(sue, 'reports.day', DAY);
    if (!r.ok) throw new Error(r.error.message);
    const rep = r.value;
    const station = apiFor(t.store).station.stationName;
    expect(rep.receiptsPerHour).toEqual([
      { hour: '08:00', station, operator: 'clara', count: 3 },
      { hour: '09:00', station, operator: 'bo', count: 2 },
    ]);
    expect(rep.problemsPerHour).toEqual([
      { hour: '09:00', verdict: 'DUPLICATE', count: 1 },
      { hour: '09:00', verdict: 'UNKNOWN', count: 1 },
    ]);
    expect(rep.curePipeline).toEqual([{ state: 'FLAGGED', deadlineDay: null, count: 1, overdue: 0 }]);
    expect(rep.openBatches).toHaveLength(1);
    expect(rep.openBatches[0]).toMatchObject({ number: 1, status: 'CLOSED', scanned: 5, handCount: null, sync: 'pending' });
    expect(rep.totals).toEqual({ scans: 7, receipts: 5, problems: 2, openCureCases: 1 });
  });

  it('leaves out what happened outside the window', async () => {
    const { api, sue } = await seedDay();
    const r = await api.call(sue, 'reports.day', { ...DAY, from: '2026-11-04T05:00:00.000Z', to: '2026-11-05T05:00:00.000Z' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.receiptsPerHour).toEqual([]);
    expect(r.value.totals.scans).toBe(0);
    expect(r.value.openBatches).toHaveLength(1); // an uncounted tray stays on every day's report
  });

  it('is for supervisors only, and refuses a window backwards or longer than a week in plain words', async () => {
    const { api } = await seedDay();
    expect((await api.call(api.as('clara'), 'reports.day', DAY)).ok).toBe(false);
    const bad = await api.call(api.as('sue', 'supervisor'), 'reports.day', { ...DAY, from: DAY.to, to: DAY.from });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues?.[0]?.message).toBe('The report covers from one moment to a later one, at most a week apart.');
  });

  it('prints the day on a PDF: totals, hours, clerks, problems in words, cure cases, the uncounted tray', async () => {
    const { api, sue } = await seedDay();
    const r = await api.call(sue, 'reports.pdf', DAY);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.filename).toMatch(/^day-report-.*-2026-11-03\.pdf$/);
    const text = await pdfText(new Uint8Array(Buffer.from(r.value.pdfBase64, 'base64')));
    expect(text).toContain('Tuesday, November 3, 2026');
    expect(text).toMatch(/Envelopes scanned: 7\s+Received: 5\s+Problems: 2\s+Open cure cases: 1/);
    expect(text).toMatch(/08:00\s+\S+\s+clara\s+3/);
    expect(text).toMatch(/09:00\s+Duplicate\s+1/);
    expect(text).toMatch(/Flagged\s+no deadline\s+1/);
    expect(text).toContain('NOT COUNTED');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/); // no ISO stamps on paper
  });
});
