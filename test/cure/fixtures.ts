import type { StateProfile } from '../../shared/cure/profile.js';
import type { NoticeData } from '../../main/cure/notice-text.js';
import { loadProfile } from '../../main/cure/profiles.js';
import { cureDeadline } from '../../shared/cure/deadline.js';

export { baseProfileJson, makeProfile } from './profile-fixture.js';

export function shippedProfile(code: string): StateProfile {
  const r = loadProfile(code);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A notice for a voter with accents in the name, under a shipped profile. */
export function noticeFor(code: string, overrides: Partial<NoticeData> = {}): NoticeData {
  const profile = shippedProfile(code);
  const cureCodes = overrides.cureCodes ?? ['NO_VOTER_SIGNATURE'];
  return {
    language: 'en',
    voter: { name: 'María José Núñez', mailingLines: ['1200 Peachtree Ln Apt 4', 'Raleigh NC 27601-1234'] },
    ballotId: 'B-000123',
    electionName: '2024 General Election',
    cureCodes,
    deadline: cureDeadline(profile, '2024-11-05', cureCodes),
    profile,
    office: {
      name: 'County Board of Elections',
      addressLines: ['1200 N New Hope Rd', 'Raleigh NC 27610'],
      phone: '919-555-0100',
      email: 'elections@example.org',
      website: 'https://example.org/cure',
    },
    noticeDate: '2024-11-06',
    ...overrides,
  };
}
