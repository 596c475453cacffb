import { describe, expect, it } from 'vitest';
import { baseProfileJson } from '../../test/cure/profile-fixture.js';
import { canonicalCureCode, isTimeZone, parseStateProfile } from './profile.js';

function errorOf(json: unknown): string {
  const r = parseStateProfile(json, 'ZZ.json');
  if (r.ok) throw new Error('expected the profile to be rejected');
  return r.error;
}

describe('stateProfileSchema', () => {
  it('accepts the base profile and fills defaults', () => {
    const r = parseStateProfile(baseProfileJson(), 'ZZ.json');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.notifyDayKind).toBe('calendar');
  });

  it('names the file and the missing field', () => {
    const { timeZone: _drop, ...rest } = baseProfileJson();
    expect(errorOf(rest)).toBe('ZZ.json: timeZone: missing');
  });

  it('names an unknown cure code and lists the canonical ones', () => {
    const json = baseProfileJson();
    json['cureCodes'] = { ...(json['cureCodes'] as object), NO_VOTER_SIGNATUR: {} };
    expect(errorOf(json)).toMatch(
      /^ZZ\.json: cureCodes: unknown cure code "NO_VOTER_SIGNATUR"; the canonical codes are NO_VOTER_SIGNATURE, /,
    );
  });

  it('rejects a time zone that is not IANA', () => {
    expect(errorOf({ ...baseProfileJson(), timeZone: 'Mountain' })).toBe(
      'ZZ.json: timeZone: "Mountain" is not an IANA time zone',
    );
    expect(isTimeZone('+05:00')).toBe(false);
    expect(isTimeZone('America/Phoenix')).toBe(true);
  });

  it('rejects an unknown rule kind with the allowed kinds', () => {
    const json = {
      ...baseProfileJson(),
      cureDeadline: { kind: 'weeksAfterElection', days: 1, time: '17:00' },
    };
    expect(errorOf(json)).toBe(
      'ZZ.json: cureDeadline.kind: kind must be calendarDaysAfterElection, businessDaysAfterElection or daysBeforeCertification',
    );
  });

  it('rejects bad times, inconsistent methods and self-contradictions with their paths', () => {
    expect(
      errorOf({ ...baseProfileJson(), receiptDeadline: { kind: 'electionDayClose', time: '7pm' } }),
    ).toMatch(/^ZZ\.json: receiptDeadline\.time: a time is "HH:MM"/);
    const json = baseProfileJson();
    json['cureCodes'] = {
      NO_VOTER_SIGNATURE: {
        curable: true,
        method: 'none',
        label: { en: 'a', es: 'a' },
        instructions: { en: 'b', es: 'b' },
      },
      NO_WITNESS_SIGNATURE: {
        curable: false,
        method: 'none',
        label: { en: 'a', es: 'a' },
        instructions: { en: 'b', es: 'b' },
      },
    };
    json['stateVocabulary'] = { 'NO SIGNATURE': 'NO_VOTER_SIGNATURE', 'BAD ID': 'ID_REQUIRED' };
    const error = errorOf(json);
    expect(error).toContain(
      'ZZ.json: cureCodes.NO_VOTER_SIGNATURE.method: a curable code needs a cure method',
    );
    expect(error).toContain(
      'ZZ.json: stateVocabulary.BAD ID: maps to ID_REQUIRED, which is not listed in cureCodes',
    );
    expect(error).toContain(
      'ZZ.json: cureCodes.NO_WITNESS_SIGNATURE: witness codes do not apply where witnessRequired is false',
    );
  });

  it('rejects unknown fields and a certification-based deadline that falls before election day', () => {
    expect(errorOf({ ...baseProfileJson(), colour: 'blue' })).toBe(
      'ZZ.json: (top level): unknown field "colour"',
    );
    const json = {
      ...baseProfileJson(),
      cureDeadline: {
        kind: 'daysBeforeCertification',
        days: 10,
        certificationDaysAfterElection: 10,
        time: '17:00',
      },
    };
    expect(errorOf(json)).toMatch(
      /^ZZ\.json: cureDeadline\.days: the cure deadline must fall after election day/,
    );
  });
});

describe('canonicalCureCode', () => {
  it("maps the state's words, ignoring case and spacing", () => {
    const r = parseStateProfile(baseProfileJson(), 'ZZ.json');
    if (!r.ok) throw new Error(r.error);
    expect(canonicalCureCode(r.value, ' no   signature ')).toBe('NO_VOTER_SIGNATURE');
    expect(canonicalCureCode(r.value, 'SIGNATURE DIFFERENT')).toBeUndefined();
  });
});
