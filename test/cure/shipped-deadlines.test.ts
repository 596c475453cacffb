import { describe, expect, it } from 'vitest';
import { cureDeadline, notifyBy, receiptDeadline } from '../../shared/cure/deadline.js';
import { profileForElection, type ElectionType } from '../../shared/cure/election-type.js';
import { shippedProfile } from './fixtures.js';

/**
 * Every shipped profile for the 2024 general (Tue 2024-11-05) and the 2026 general
 * (Tue 2026-11-03). Both elections fall after the November DST change (2024-11-03,
 * 2026-11-01), so every deadline below is in standard time: EST UTC-5, MST UTC-7 (Phoenix
 * all year), PST UTC-8. Veterans Day: Mon 2024-11-11, Wed 2026-11-11.
 */
const CASES: Array<[code: string, election: string, cure: string, receipt: string, why: string]> = [
  // NC: 5 p.m. the day before the county canvass (10th day): canvass Fri Nov 15 → Thu Nov 14 17:00 EST.
  [
    'NC',
    '2024-11-05',
    '2024-11-14T22:00:00.000Z',
    '2024-11-06T00:30:00.000Z',
    'receipt 19:30 EST on election day',
  ],
  // NC 2026: canvass Fri Nov 13 → Thu Nov 12 17:00 EST.
  ['NC', '2026-11-03', '2026-11-12T22:00:00.000Z', '2026-11-04T00:30:00.000Z', ''],
  // CO: 8 days after → Wed Nov 13 23:59 MST = Nov 14 06:59Z; receipt 19:00 MST.
  ['CO', '2024-11-05', '2024-11-14T06:59:00.000Z', '2024-11-06T02:00:00.000Z', ''],
  // CO 2026: Wed Nov 11 (Veterans Day: calendar days ignore it) 23:59 MST.
  ['CO', '2026-11-03', '2026-11-12T06:59:00.000Z', '2026-11-04T02:00:00.000Z', ''],
  // CA: certification day 28 = Tue Dec 3; two days before = Sun Dec 1 17:00 PST = Dec 2 01:00Z.
  // Receipt: postmarked by election day, received by day 7 (Tue Nov 12) 23:59 PST.
  ['CA', '2024-11-05', '2024-12-02T01:00:00.000Z', '2024-11-13T07:59:00.000Z', ''],
  // CA 2026: certification Tue Dec 1 → Sun Nov 29 17:00 PST; receipt Tue Nov 10 23:59 PST.
  ['CA', '2026-11-03', '2026-11-30T01:00:00.000Z', '2026-11-11T07:59:00.000Z', ''],
  // WA: certification day 21 = Tue Nov 26 → the whole of Mon Nov 25 (RCW 29A.60.165: no hour), 23:59 PST;
  // last receipt the same instant (RCW 29A.60.190: received no later than the day before certification).
  ['WA', '2024-11-05', '2024-11-26T07:59:00.000Z', '2024-11-26T07:59:00.000Z', ''],
  // WA 2026: certification Tue Nov 24 → Mon Nov 23 23:59 PST.
  ['WA', '2026-11-03', '2026-11-24T07:59:00.000Z', '2026-11-24T07:59:00.000Z', ''],
  // AZ: the fifth BUSINESS day (A.R.S. 16-550(A)): Wed 6, Thu 7, Fri 8, (weekend, Veterans Day Mon 11),
  // Tue 12, Wed 13 → 23:59 MST = Nov 14 06:59Z; receipt 19:00 MST.
  ['AZ', '2024-11-05', '2024-11-14T06:59:00.000Z', '2024-11-06T02:00:00.000Z', ''],
  // AZ 2026: Wed 4, Thu 5, Fri 6, Mon 9, Tue 10 (Veterans Day Wed 11 is after) → 23:59 MST.
  ['AZ', '2026-11-03', '2026-11-11T06:59:00.000Z', '2026-11-04T02:00:00.000Z', ''],
  // GA: 3 days after → Fri Nov 8 17:00 EST; receipt 19:00 EST.
  ['GA', '2024-11-05', '2024-11-08T22:00:00.000Z', '2024-11-06T00:00:00.000Z', ''],
  // GA 2026: Fri Nov 6 17:00 EST.
  ['GA', '2026-11-03', '2026-11-06T22:00:00.000Z', '2026-11-04T00:00:00.000Z', ''],
  // PA: provisional ballot by 8 p.m. on election day; receipt 8 p.m. too.
  ['PA', '2024-11-05', '2024-11-06T01:00:00.000Z', '2024-11-06T01:00:00.000Z', ''],
  ['PA', '2026-11-03', '2026-11-04T01:00:00.000Z', '2026-11-04T01:00:00.000Z', ''],
  // generic: 5th business day: Wed 6, Thu 7, Fri 8, (weekend, Veterans Day Mon 11), Tue 12, Wed 13 → 17:00 EST.
  ['generic', '2024-11-05', '2024-11-13T22:00:00.000Z', '2024-11-06T00:00:00.000Z', ''],
  // generic 2026: Wed 4, Thu 5, Fri 6, (weekend), Mon 9, Tue 10 → 17:00 EST (Veterans Day Wed 11 is after).
  ['generic', '2026-11-03', '2026-11-10T22:00:00.000Z', '2026-11-04T00:00:00.000Z', ''],
];

function forType(code: string, type: ElectionType) {
  const r = profileForElection(shippedProfile(code), type);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('shipped profiles: 2024 and 2026 general elections', () => {
  it.each(CASES)('%s %s: cure by %s, receipt by %s', (code, election, cure, receipt) => {
    const p = forType(code, 'general');
    expect(cureDeadline(p, election)).toBe(cure);
    expect(receiptDeadline(p, election)).toBe(receipt);
  });

  it('applies per-code deadlines: Arizona missing signature at 7 p.m. on election day', () => {
    const az = shippedProfile('AZ');
    // 19:00 MST on Nov 5 = 02:00Z Nov 6.
    expect(cureDeadline(az, '2024-11-05', ['NO_VOTER_SIGNATURE'])).toBe('2024-11-06T02:00:00.000Z');
    expect(cureDeadline(az, '2024-11-05', ['SIGNATURE_MISMATCH'])).toBe('2024-11-14T06:59:00.000Z');
  });

  it('applies per-code deadlines: Pennsylvania missing ID until the sixth day after', () => {
    // Mon Nov 11 23:59 EST = Nov 12 04:59Z, later than the election-day deadline.
    expect(cureDeadline(shippedProfile('PA'), '2024-11-05', ['ID_REQUIRED'])).toBe(
      '2024-11-12T04:59:00.000Z',
    );
  });

  it('Phoenix and Denver agree in November and differ in summer', () => {
    const az = shippedProfile('AZ');
    const co = shippedProfile('CO');
    // Both at UTC-7 in November: a 19:00 election-day close is the same instant.
    expect(receiptDeadline(az, '2024-11-05')).toBe(receiptDeadline(co, '2024-11-05'));
    // In an August primary Denver is on MDT (UTC-6): its 19:00 comes an hour before Phoenix's.
    expect(receiptDeadline(co, '2024-08-06')).toBe('2024-08-07T01:00:00.000Z');
    expect(receiptDeadline(az, '2024-08-06')).toBe('2024-08-07T02:00:00.000Z');
  });

  it('notice periods: Colorado (3 days, capped at E+2), Washington (3 business days), North Carolina (1 business day)', () => {
    // CO, flagged Mon Nov 4 11:00 MST: Nov 7 23:59 MST (cap E+2 is the same day).
    expect(notifyBy(shippedProfile('CO'), '2024-11-05', '2024-11-04T18:00:00Z')).toBe(
      '2024-11-08T06:59:00.000Z',
    );
    // WA, flagged Fri Nov 8 10:00 PST: Tue 12, Wed 13, Thu 14 → 23:59 PST.
    expect(notifyBy(shippedProfile('WA'), '2024-11-05', '2024-11-08T18:00:00Z')).toBe(
      '2024-11-15T07:59:00.000Z',
    );
    // NC, flagged Fri Nov 8 10:00 EST: next business day Tue Nov 12 (Veterans Day) → 23:59 EST.
    expect(notifyBy(shippedProfile('NC'), '2024-11-05', '2024-11-08T15:00:00Z')).toBe(
      '2024-11-13T04:59:00.000Z',
    );
    expect(notifyBy(shippedProfile('GA'), '2024-11-05', '2024-11-08T15:00:00Z')).toBeNull();
  });

  it('Washington counts its day after Thanksgiving as a holiday', () => {
    // Flagged Wed Nov 27, 2024: Thu 28 Thanksgiving, Fri 29 Native American heritage day → Mon Dec 2, 3, 4.
    expect(notifyBy(shippedProfile('WA'), '2024-11-05', '2024-11-27T18:00:00Z')).toBe(
      '2024-12-05T07:59:00.000Z',
    );
  });
});

/**
 * Each election type a profile covers, with a dated example from its source. Arizona: A.R.S.
 * 16-550(A), business days (weekends and federal holidays skipped). Washington: RCW 29A.60.190
 * (certification 10/14/21 days after) and 29A.60.165 (cure by the day before, no hour).
 */
const BY_TYPE: Array<
  [code: string, type: ElectionType, election: string, cure: string, receipt: string, why: string]
> = [
  [
    'AZ',
    'general',
    '2024-11-05',
    '2024-11-14T06:59:00.000Z',
    '2024-11-06T02:00:00.000Z',
    'fifth business day over Veterans Day: Wed Nov 13 23:59 MST',
  ],
  [
    'AZ',
    'primary',
    '2024-07-30',
    '2024-08-07T06:59:00.000Z',
    '2024-07-31T02:00:00.000Z',
    'Wed 31, Thu 1, Fri 2, Mon 5, Tue Aug 6 23:59 MST',
  ],
  [
    'AZ',
    'special',
    '2025-09-23',
    '2025-10-01T06:59:00.000Z',
    '2025-09-24T02:00:00.000Z',
    'a special with a federal office: Wed 24, Thu 25, Fri 26, Mon 29, Tue Sep 30',
  ],
  [
    'AZ',
    'state-local',
    '2025-03-11',
    '2025-03-15T06:59:00.000Z',
    '2025-03-12T02:00:00.000Z',
    'third business day: Wed 12, Thu 13, Fri Mar 14 23:59 MST',
  ],
  [
    'AZ',
    'state-local',
    '2025-11-04',
    '2025-11-08T06:59:00.000Z',
    '2025-11-05T02:00:00.000Z',
    'odd-year November, no federal office: Wed 5, Thu 6, Fri Nov 7',
  ],
  [
    'WA',
    'general',
    '2024-11-05',
    '2024-11-26T07:59:00.000Z',
    '2024-11-26T07:59:00.000Z',
    'certified day 21 (Tue Nov 26): Mon Nov 25 23:59 PST',
  ],
  [
    'WA',
    'primary',
    '2024-08-06',
    '2024-08-20T06:59:00.000Z',
    '2024-08-20T06:59:00.000Z',
    'certified day 14 (Tue Aug 20): Mon Aug 19 23:59 PDT',
  ],
  [
    'WA',
    'presidential-primary',
    '2024-03-12',
    '2024-03-22T06:59:00.000Z',
    '2024-03-22T06:59:00.000Z',
    'certified day 10 (Fri Mar 22): Thu Mar 21 23:59 PDT (DST began Mar 10)',
  ],
  [
    'WA',
    'special',
    '2025-02-11',
    '2025-02-21T07:59:00.000Z',
    '2025-02-21T07:59:00.000Z',
    'February special certified day 10 (Fri Feb 21): Thu Feb 20 23:59 PST',
  ],
];

describe('shipped profiles by election type', () => {
  it.each(BY_TYPE)('%s %s %s: cure by %s, receipt by %s (%s)', (code, type, election, cure, receipt) => {
    const p = forType(code, type);
    expect(cureDeadline(p, election)).toBe(cure);
    expect(receiptDeadline(p, election)).toBe(receipt);
  });

  it('Arizona: the state-local period is shorter than the federal one for the same day', () => {
    expect(cureDeadline(forType('AZ', 'state-local'), '2024-11-05')).toBe('2024-11-09T06:59:00.000Z');
    expect(cureDeadline(forType('AZ', 'general'), '2024-11-05')).toBe('2024-11-14T06:59:00.000Z');
    // The missing-signature rule (election day, 7 p.m.) holds whatever the type.
    expect(cureDeadline(forType('AZ', 'state-local'), '2024-11-05', ['NO_VOTER_SIGNATURE'])).toBe(
      '2024-11-06T02:00:00.000Z',
    );
  });

  it('every shipped profile names the types it covers, each with its source', () => {
    for (const code of ['AZ', 'CA', 'CO', 'GA', 'NC', 'PA', 'WA', 'generic']) {
      const types = Object.entries(shippedProfile(code).electionTypes);
      expect(types.length, code).toBeGreaterThan(0);
      for (const [, rule] of types) expect(rule?.basis.length, code).toBeGreaterThan(10);
    }
  });

  it.each([
    ['AZ', 'presidential-primary', 'the Arizona profile does not cover a presidential primary'],
    [
      'WA',
      'state-local',
      'the Washington profile does not cover a state or local election with no federal office on the ballot',
    ],
    ['CA', 'primary', 'the California profile does not cover a primary'],
  ] as const)('%s asked about %s says so, with what it covers, instead of a date', (code, type, words) => {
    const r = profileForElection(shippedProfile(code), type);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(words);
    expect(r.error).toContain('none is guessed');
    expect(r.error).not.toMatch(/[{}[\]]|electionTypes\./);
  });
});
