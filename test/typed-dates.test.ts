import { describe, expect, it } from 'vitest';
import { clockWords, receiptRuleText } from '../shared/cure/receipt-rule.js';
import { commonResolutions } from '../shared/cure/resolutions.js';
import { parseTypedDate, parseTypedTime, usDate } from '../shared/typed-dates.js';
import { loadProfile } from '../main/cure/profiles.js';

describe('dates and times as people type them', () => {
  it.each([
    ['11/03/2026', '2026-11-03'],
    ['11/3/26', '2026-11-03'],
    ['2026-11-03', '2026-11-03'],
    ['Nov 3, 2026', '2026-11-03'],
    ['3 November 2026', '2026-11-03'],
    [' 02/29/2028 ', '2028-02-29'],
  ])('reads %s as %s', (typed, iso) => expect(parseTypedDate(typed)).toEqual({ ok: true, value: iso }));

  it.each(['02/30/2026', '13/01/2026', '2026-11-3x', 'tomorrow', '', '11/03', '9'.repeat(500)])('refuses %s in plain words, with no ISO in the message', (typed) => {
    const r = parseTypedDate(typed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).not.toMatch(/ISO|8601|YYYY/);
  });

  it.each([
    ['7:30 pm', '19:30'],
    ['7:30 p.m.', '19:30'],
    ['19:30', '19:30'],
    ['7pm', '19:00'],
    ['12 am', '00:00'],
    ['12:15 PM', '12:15'],
  ])('reads the time %s as %s', (typed, hhmm) => expect(parseTypedTime(typed)).toEqual({ ok: true, value: hhmm }));

  it.each(['25:00', '13 pm', '7:60', 'noonish'])('refuses the time %s', (typed) => expect(parseTypedTime(typed).ok).toBe(false));

  it('writes a date back the way it is typed', () => expect(usDate('2026-11-03')).toBe('11/03/2026'));
});

describe('the receipt rule in plain words', () => {
  it("North Carolina's says there is no postmark grace for civilian ballots, and what there is", () => {
    const nc = loadProfile('NC');
    if (!nc.ok) throw new Error(nc.error);
    const text = receiptRuleText(nc.value);
    expect(text).toContain('no postmark grace');
    expect(text).toContain('7:30 p.m. on election day');
    expect(text).toMatch(/military and overseas/);
  });

  it("California's is made from the rule: postmark, and the day it must arrive by", () => {
    const ca = loadProfile('CA');
    if (!ca.ok) throw new Error(ca.error);
    expect(receiptRuleText(ca.value)).toBe('California: a mail ballot postmarked on or before election day counts if it arrives by 11:59 p.m. on the 7th day after election day.');
    expect(clockWords('12:00')).toBe('12 p.m.');
    expect(clockWords('00:05')).toBe('12:05 a.m.');
  });
});

describe('bulk actions offer only what fits every selected row', () => {
  it('intersects the resolutions of the verdicts picked', () => {
    expect(commonResolutions(['DUPLICATE'])).toEqual(['set-aside-duplicate']);
    expect(commonResolutions(['CANCELLED', 'ALREADY_VOTED'])).toEqual(['void']);
    expect(commonResolutions(['DUPLICATE', 'LATE'])).toEqual([]);
    expect(commonResolutions(['DUPLICATE', 'ACCEPTED'])).toEqual([]);
    expect(commonResolutions([])).toEqual([]);
  });
});

describe('the Settings form turns typed text into stored values', async () => {
  const { fromTyped, toTyped } = await import('../renderer/parts/settings/fields.js');
  const deadline = { key: 'receiptDeadline', label: 'Receipt deadline', kind: 'deadline', optional: true } as const;
  it('reads a deadline typed as a date and a time on this computer’s clock', () => {
    const r = fromTyped(deadline, '11/03/2026 7:30 pm');
    expect(r.ok).toBe(true);
    if (r.ok) expect(Date.parse(String(r.value))).toBe(new Date(2026, 10, 3, 19, 30).getTime());
    expect(fromTyped(deadline, 'Nov 3, 2026 at 19:30')).toEqual(r);
    if (r.ok) expect(toTyped('deadline', r.value)).toBe('11/03/2026 7:30 PM');
  });
  it('clears an optional setting left empty, refuses an empty required one, and says why in words', () => {
    expect(fromTyped(deadline, '  ')).toEqual({ ok: true, value: null });
    expect(fromTyped({ key: 'station', label: 'Station name', kind: 'text' }, '')).toEqual({ ok: false, error: 'Station name cannot be empty.' });
    expect(fromTyped({ key: 'batchSize', label: 'Envelopes per tray', kind: 'number' }, '25o')).toEqual({ ok: false, error: 'Envelopes per tray: type a whole number.' });
    const bad = fromTyped(deadline, '11/03/2026');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toBe('Receipt deadline: type a date and a time, for example 11/03/2026 7:30 pm.');
  });
});
