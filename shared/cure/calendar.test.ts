import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  federalHolidayRules,
  holidayDate,
  holidaysInYear,
  localDate,
  weekday,
  zonedTimeToInstant,
} from './calendar.js';

describe('zonedTimeToInstant', () => {
  it('reads 5 p.m. on either side of the November DST change (first Sunday: 2024-11-03)', () => {
    // Denver: MDT (UTC-6) until 2 a.m. Nov 3, then MST (UTC-7).
    expect(zonedTimeToInstant('2024-11-02', '17:00', 'America/Denver')).toBe('2024-11-02T23:00:00.000Z');
    expect(zonedTimeToInstant('2024-11-04', '17:00', 'America/Denver')).toBe('2024-11-05T00:00:00.000Z');
    // New York in 2026: EDT until Nov 1, EST after.
    expect(zonedTimeToInstant('2026-10-31', '17:00', 'America/New_York')).toBe('2026-10-31T21:00:00.000Z');
    expect(zonedTimeToInstant('2026-11-02', '17:00', 'America/New_York')).toBe('2026-11-02T22:00:00.000Z');
  });

  it('takes the first 01:30 when clocks fall back, and reads a skipped 02:30 as 03:30 daylight time', () => {
    // 01:30 happens twice on 2024-11-03 in Denver: 07:30Z (MDT) and 08:30Z (MST).
    expect(zonedTimeToInstant('2024-11-03', '01:30', 'America/Denver')).toBe('2024-11-03T07:30:00.000Z');
    // 02:30 does not exist on 2024-03-10 in New York; read with EST (-5): 07:30Z = 03:30 EDT.
    expect(zonedTimeToInstant('2024-03-10', '02:30', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
  });

  it('Phoenix keeps UTC-7 all year while Denver moves', () => {
    expect(zonedTimeToInstant('2024-07-01', '17:00', 'America/Phoenix')).toBe('2024-07-02T00:00:00.000Z');
    expect(zonedTimeToInstant('2024-07-01', '17:00', 'America/Denver')).toBe('2024-07-01T23:00:00.000Z');
    expect(zonedTimeToInstant('2024-12-01', '17:00', 'America/Phoenix')).toBe('2024-12-02T00:00:00.000Z');
    expect(zonedTimeToInstant('2024-12-01', '17:00', 'America/Denver')).toBe('2024-12-02T00:00:00.000Z');
  });

  it('handles midnight and the last minute of a day', () => {
    expect(zonedTimeToInstant('2024-11-13', '00:00', 'America/Los_Angeles')).toBe('2024-11-13T08:00:00.000Z');
    expect(zonedTimeToInstant('2024-11-13', '23:59', 'America/Denver')).toBe('2024-11-14T06:59:00.000Z');
  });

  it('round-trips with localDate for any date and time in several zones', () => {
    const zones = [
      'America/New_York',
      'America/Denver',
      'America/Phoenix',
      'America/Los_Angeles',
      'Pacific/Honolulu',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(...zones),
        (dayOffset, h, m, zone) => {
          const date = addDays('2020-01-01', dayOffset);
          const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          const instant = zonedTimeToInstant(date, time, zone);
          // A skipped hour moves forward and can never move to another day at these hours.
          expect(localDate(instant, zone)).toBe(date);
        },
      ),
    );
  });

  it('rejects malformed input as a bug', () => {
    expect(() => zonedTimeToInstant('2024-02-30', '17:00', 'America/Denver')).toThrow(/calendar date/);
    expect(() => zonedTimeToInstant('2024-11-05', '5pm', 'America/Denver')).toThrow(/HH:MM/);
  });
});

describe('federal holidays', () => {
  const names = (year: number): Map<string, string> => holidaysInYear(federalHolidayRules, year);

  it('lists 2024 as observed (5 U.S.C. 6103)', () => {
    expect([...names(2024).keys()].sort()).toEqual([
      '2024-01-01',
      '2024-01-15', // MLK, third Monday
      '2024-02-19',
      '2024-05-27', // last Monday of May
      '2024-06-19',
      '2024-07-04',
      '2024-09-02',
      '2024-10-14',
      '2024-11-11', // Veterans Day, a Monday, inside the November cure window
      '2024-11-28', // fourth Thursday
      '2024-12-25',
    ]);
  });

  it('moves weekend dates: Saturday to Friday, Sunday to Monday, even across a year end', () => {
    const y2023 = names(2023);
    expect(y2023.get('2023-11-10')).toBe('Veterans Day'); // Nov 11, 2023 was a Saturday
    expect(y2023.get('2023-01-02')).toBe("New Year's Day"); // Jan 1, 2023 was a Sunday
    // Jan 1, 2022 was a Saturday: observed Friday Dec 31, 2021.
    expect(names(2021).get('2021-12-31')).toBe("New Year's Day");
    expect(names(2022).has('2022-01-01')).toBe(false);
    expect(names(2020).has('2020-06-19')).toBe(false); // Juneteenth from 2021
  });

  it('computes nth and last weekdays', () => {
    expect(
      holidayDate({ kind: 'nthWeekday', name: 'x', month: 11, weekday: 4, n: 4, offsetDays: 1 }, 2026),
    ).toBe('2026-11-27');
    expect(
      holidayDate({ kind: 'nthWeekday', name: 'x', month: 5, weekday: 1, n: -1, offsetDays: 0 }, 2026),
    ).toBe('2026-05-25');
    expect(weekday('2026-11-03')).toBe(2);
  });
});
