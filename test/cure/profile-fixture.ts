import { parseStateProfile } from '../../shared/cure/profile.js';
import type { StateProfile } from '../../shared/cure/profile.js';

/** Pure profile fixtures (no I/O), shared by the unit tests in shared/cure. */

/** A small valid profile (as JSON) for tests to bend: one curable code, a business-day rule. */
export function baseProfileJson(): Record<string, unknown> {
  return {
    code: 'ZZ',
    name: 'Testland',
    timeZone: 'America/Denver',
    reviewedOn: '2026-11-25',
    sources: [{ title: 'Test statute', citation: 'T.S. 1-1' }],
    notes: [],
    witnessRequired: false,
    cureCodes: {
      NO_VOTER_SIGNATURE: {
        curable: true,
        method: 'affidavit',
        label: { en: 'Signature missing.', es: 'Falta la firma.' },
        instructions: { en: 'Sign the affidavit.', es: 'Firme la declaración.' },
      },
    },
    stateVocabulary: { 'NO SIGNATURE': 'NO_VOTER_SIGNATURE' },
    cureDeadline: { kind: 'businessDaysAfterElection', days: 5, time: '17:00' },
    electionTypes: { general: { basis: 'T.S. 1-1' } },
    receiptDeadline: { kind: 'electionDayClose', time: '19:00' },
    noticeChannels: ['mail'],
    holidays: { federal: true, stateHolidaysIncluded: false, state: [], dates: [] },
  };
}

export function makeProfile(overrides: Record<string, unknown> = {}): StateProfile {
  const r = parseStateProfile({ ...baseProfileJson(), ...overrides }, 'ZZ.json');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
