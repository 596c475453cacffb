import { describe, expect, it } from 'vitest';
import { baseProfileJson } from '../../test/cure/profile-fixture.js';
import { cureDeadline } from './deadline.js';
import { ELECTION_TYPES, profileForElection } from './election-type.js';
import { parseStateProfile } from './profile.js';

const parse = (json: unknown) => parseStateProfile(json, 'ZZ.json');

describe('electionTypes in a profile', () => {
  it('a type may override the cure deadline; others keep the profile rule', () => {
    const p = parse({
      ...baseProfileJson(),
      electionTypes: {
        general: { basis: 'T.S. 1-1' },
        'state-local': {
          basis: 'T.S. 1-2',
          cureDeadline: { kind: 'businessDaysAfterElection', days: 3, time: '17:00' },
        },
      },
    });
    if (!p.ok) throw new Error(p.error);
    const general = profileForElection(p.value, 'general');
    const local = profileForElection(p.value, 'state-local');
    if (!general.ok || !local.ok) throw new Error('covered');
    // Tue 2024-11-05, Denver: 5th business day Wed Nov 13, 3rd Fri Nov 8, both 17:00 MST.
    expect(cureDeadline(general.value, '2024-11-05')).toBe('2024-11-14T00:00:00.000Z');
    expect(cureDeadline(local.value, '2024-11-05')).toBe('2024-11-09T00:00:00.000Z');
  });

  it('refuses a profile that names no type, or a type outside the closed set', () => {
    const none = parse({ ...baseProfileJson(), electionTypes: {} });
    expect(none).toMatchObject({
      ok: false,
      error: expect.stringContaining('ZZ.json: electionTypes') as unknown,
    });
    const odd = parse({ ...baseProfileJson(), electionTypes: { midterm: { basis: 'x' } } });
    expect(odd.ok).toBe(false);
    const noBasis = parse({ ...baseProfileJson(), electionTypes: { general: {} } });
    expect(noBasis).toMatchObject({
      ok: false,
      error: expect.stringContaining('electionTypes.general.basis') as unknown,
    });
  });

  it('every type outside the profile is refused in words that name what it covers', () => {
    const p = parse(baseProfileJson());
    if (!p.ok) throw new Error(p.error);
    for (const type of ELECTION_TYPES.filter((t) => t !== 'general')) {
      const r = profileForElection(p.value, type);
      expect(r).toMatchObject({ ok: false });
      if (!r.ok)
        expect(r.error).toMatch(/^the Testland profile does not cover .+ It covers a general election;/);
    }
  });
});
