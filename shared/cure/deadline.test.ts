import { describe, expect, it } from 'vitest';
import { makeProfile } from '../../test/cure/profile-fixture.js';
import {
  addBusinessDays,
  cureDeadline,
  holidays,
  isBusinessDay,
  notifyBy,
  receiptDeadline,
} from './deadline.js';

describe('business days', () => {
  const profile = makeProfile();

  it('skips weekends and federal holidays', () => {
    expect(isBusinessDay('2024-11-08', profile)).toBe(true); // Friday
    expect(isBusinessDay('2024-11-09', profile)).toBe(false); // Saturday
    expect(isBusinessDay('2024-11-11', profile)).toBe(false); // Veterans Day (Monday)
    expect(isBusinessDay('2023-11-10', profile)).toBe(false); // Veterans Day 2023 observed Friday
    // Fri Nov 8 → (Sat, Sun, Veterans Day Mon) → Tue 12 is the first business day after.
    expect(addBusinessDays('2024-11-08', 1, profile)).toBe('2024-11-12');
    expect(addBusinessDays('2024-11-08', 0, profile)).toBe('2024-11-08');
    // Thanksgiving week 2024: Wed 27 + 1 → Fri 29 (Thu 28 is Thanksgiving).
    expect(addBusinessDays('2024-11-27', 1, profile)).toBe('2024-11-29');
  });

  it('adds the state holidays and office closures a profile lists', () => {
    const withState = makeProfile({
      holidays: {
        federal: true,
        stateHolidaysIncluded: true,
        state: [
          { kind: 'nthWeekday', name: 'Day after Thanksgiving', month: 11, weekday: 4, n: 4, offsetDays: 1 },
        ],
        dates: ['2024-12-24'],
      },
    });
    expect(addBusinessDays('2024-11-27', 1, withState)).toBe('2024-12-02');
    expect(isBusinessDay('2024-12-24', withState)).toBe(false);
    expect(holidays(withState, 2024).get('2024-11-29')).toBe('Day after Thanksgiving');
    const noFederal = makeProfile({
      holidays: { federal: false, stateHolidaysIncluded: false, state: [], dates: [] },
    });
    expect(isBusinessDay('2024-11-11', noFederal)).toBe(true);
  });
});

describe('cureDeadline', () => {
  it('counts business days after the election at the local time', () => {
    // 2024-11-05 (Tue) + 5 business days: Wed 6, Thu 7, Fri 8, [Sat, Sun, Veterans Day] Tue 12, Wed 13.
    // 17:00 MST (UTC-7) → 00:00Z on the 14th: the instant lands on the next UTC day.
    expect(cureDeadline(makeProfile(), '2024-11-05')).toBe('2024-11-14T00:00:00.000Z');
  });

  it('counts calendar days, and days before certification', () => {
    const calendar = makeProfile({
      cureDeadline: { kind: 'calendarDaysAfterElection', days: 8, time: '23:59' },
    });
    expect(cureDeadline(calendar, '2024-11-05')).toBe('2024-11-14T06:59:00.000Z'); // Nov 13 23:59 MST
    const cert = makeProfile({
      cureDeadline: {
        kind: 'daysBeforeCertification',
        days: 2,
        certificationDaysAfterElection: 28,
        time: '17:00',
      },
    });
    expect(cureDeadline(cert, '2024-11-05')).toBe('2024-12-02T00:00:00.000Z'); // Dec 1 17:00 MST
  });

  it('keeps the wall-clock time across the DST change inside the window', () => {
    // An election on Tue 2024-10-29 (MDT) with a 7-day window ends Tue Nov 5 at 17:00 MST: 7 days and 1 hour later.
    const p = makeProfile({ cureDeadline: { kind: 'calendarDaysAfterElection', days: 7, time: '17:00' } });
    const electionDay5pm = Date.parse('2024-10-29T23:00:00.000Z');
    const deadline = cureDeadline(p, '2024-10-29');
    expect(deadline).toBe('2024-11-06T00:00:00.000Z');
    expect((Date.parse(deadline) - electionDay5pm) / 3_600_000).toBe(7 * 24 + 1);
  });

  it('takes the earliest deadline among the case codes, each code its own rule or the profile rule', () => {
    const p = makeProfile({
      cureCodes: {
        NO_VOTER_SIGNATURE: {
          curable: true,
          method: 'affidavit',
          label: { en: 'a', es: 'a' },
          instructions: { en: 'b', es: 'b' },
          deadline: { kind: 'calendarDaysAfterElection', days: 0, time: '19:00' },
        },
        SIGNATURE_MISMATCH: {
          curable: true,
          method: 'affidavit',
          label: { en: 'a', es: 'a' },
          instructions: { en: 'b', es: 'b' },
        },
        ID_REQUIRED: {
          curable: true,
          method: 'id',
          label: { en: 'a', es: 'a' },
          instructions: { en: 'b', es: 'b' },
          deadline: { kind: 'calendarDaysAfterElection', days: 20, time: '17:00' },
        },
      },
    });
    const general = cureDeadline(p, '2024-11-05');
    expect(cureDeadline(p, '2024-11-05', ['SIGNATURE_MISMATCH'])).toBe(general);
    expect(cureDeadline(p, '2024-11-05', ['ID_REQUIRED'])).toBe('2024-11-26T00:00:00.000Z');
    expect(cureDeadline(p, '2024-11-05', ['ID_REQUIRED', 'SIGNATURE_MISMATCH'])).toBe(general);
    expect(cureDeadline(p, '2024-11-05', ['SIGNATURE_MISMATCH', 'NO_VOTER_SIGNATURE'])).toBe(
      '2024-11-06T02:00:00.000Z',
    );
  });

  it('rejects a malformed election date as a bug', () => {
    expect(() => cureDeadline(makeProfile(), '11/05/2024')).toThrow(/calendar date/);
  });
});

describe('receiptDeadline', () => {
  it('closes on election day, or after the postmark grace period', () => {
    expect(receiptDeadline(makeProfile(), '2024-11-05')).toBe('2024-11-06T02:00:00.000Z'); // 19:00 MST
    const grace = makeProfile({
      receiptDeadline: { kind: 'postmarkGrace', receivedWithinDays: 7, time: '17:00' },
    });
    expect(receiptDeadline(grace, '2024-11-05')).toBe('2024-11-13T00:00:00.000Z'); // Nov 12 17:00 MST
  });
});

describe('notifyBy', () => {
  it('is null where the state sets no notice period', () => {
    expect(notifyBy(makeProfile(), '2024-11-05', '2024-11-06T16:00:00Z')).toBeNull();
  });

  it('ends the Nth calendar day after the local flag date, capped N days after the election', () => {
    const p = makeProfile({ notifyWithinDays: 3, notifyNoLaterThanDaysAfterElection: 2 });
    // Flagged Mon Nov 4 11:00 MST: +3 days → Thu Nov 7 23:59; cap is Nov 7 23:59 too.
    expect(notifyBy(p, '2024-11-05', '2024-11-04T18:00:00Z')).toBe('2024-11-08T06:59:00.000Z');
    // Flagged Wed Nov 6 10:00 MST: +3 → Sat Nov 9, but the cap (Nov 7 23:59) comes first.
    expect(notifyBy(p, '2024-11-05', '2024-11-06T17:00:00Z')).toBe('2024-11-08T06:59:00.000Z');
    // Flagged in October (MDT): Oct 20 + 3 → Oct 23 23:59 MDT.
    expect(notifyBy(p, '2024-11-05', '2024-10-20T18:00:00Z')).toBe('2024-10-24T05:59:00.000Z');
    // Flagged after the cap (Nov 10): only the three days can still be met.
    expect(notifyBy(p, '2024-11-05', '2024-11-10T18:00:00Z')).toBe('2024-11-14T06:59:00.000Z');
  });

  it('uses the local date of the flag, not the UTC date', () => {
    const p = makeProfile({ notifyWithinDays: 1 });
    // 2024-11-07T03:00Z is still Nov 6 (20:00 MST) in Denver: due end of Nov 7.
    expect(notifyBy(p, '2024-11-05', '2024-11-07T03:00:00Z')).toBe('2024-11-08T06:59:00.000Z');
  });

  it('counts business days when the profile says so', () => {
    const p = makeProfile({ notifyWithinDays: 3, notifyDayKind: 'business' });
    // Fri Nov 8 → Tue 12 (1, after Veterans Day), Wed 13 (2), Thu 14 (3).
    expect(notifyBy(p, '2024-11-05', '2024-11-08T17:00:00Z')).toBe('2024-11-15T06:59:00.000Z');
  });
});
