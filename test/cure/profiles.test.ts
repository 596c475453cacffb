import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CURE_CODES } from '../../shared/domain.js';
import { canonicalCureCode } from '../../shared/cure/profile.js';
import { defaultProfilesDir, loadProfile, loadProfiles } from '../../main/cure/profiles.js';
import { baseProfileJson } from './fixtures.js';

const SHIPPED = ['AZ', 'CA', 'CO', 'GA', 'NC', 'PA', 'WA', 'generic'];

describe('shipped state profiles', () => {
  it('all load and validate', () => {
    const r = loadProfiles();
    if (!r.ok) throw new Error(r.error);
    expect([...r.value.keys()].sort()).toEqual(SHIPPED);
    for (const p of r.value.values()) {
      expect(p.sources.length).toBeGreaterThan(0);
      expect(Object.keys(p.cureCodes).length).toBeGreaterThan(0);
      for (const code of Object.keys(p.cureCodes)) expect(CURE_CODES).toContain(code);
    }
  });

  it('encode the state differences the station depends on', () => {
    const get = (code: string) => {
      const r = loadProfile(code);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    expect(get('AZ').timeZone).toBe('America/Phoenix');
    expect(get('NC').witnessRequired).toBe(true);
    expect(get('NC').cureCodes.NO_WITNESS_SIGNATURE).toBeDefined();
    expect(get('CO').cureCodes.NO_WITNESS_SIGNATURE).toBeUndefined();
    expect(canonicalCureCode(get('NC'), 'VOTER SIGNATURE MISSING')).toBe('NO_VOTER_SIGNATURE');
    expect(canonicalCureCode(get('NC'), 'WITNESS INFO INCOMPLETE')).toBe('WITNESS_INFO_INCOMPLETE');
    expect(canonicalCureCode(get('NC'), 'SIGNATURE DIFFERENT')).toBe('SIGNATURE_MISMATCH');
    expect(canonicalCureCode(get('CA'), 'Non-matching signature')).toBe('SIGNATURE_MISMATCH');
    expect(get('CO').notifyWithinDays).toBe(3);
    // Veterans Day is a holiday wherever business days are counted.
    for (const code of SHIPPED) expect(get(code).holidays.federal).toBe(true);
  });

  it('are found from the module, not from the working directory', () => {
    expect(defaultProfilesDir()).toMatch(/resources[\\/]state-profiles$/);
  });
});

describe('malformed profiles', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  function folderWith(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  function loadError(json: unknown, file = 'ZZ.json'): string {
    const r = loadProfile(file.slice(0, -5), folderWith({ [file]: JSON.stringify(json) }));
    if (r.ok) throw new Error('expected an error');
    return r.error;
  }

  it('loads a valid one from any folder', () => {
    const r = loadProfile('ZZ', folderWith({ 'ZZ.json': JSON.stringify(baseProfileJson()) }));
    expect(r.ok).toBe(true);
  });

  it('reports a missing field', () => {
    const { receiptDeadline: _drop, ...json } = baseProfileJson();
    expect(loadError(json)).toBe('ZZ.json: receiptDeadline: missing');
  });

  it('reports an unknown cure code', () => {
    const json = baseProfileJson();
    json['cureCodes'] = { WITNESS_MISSING: {} };
    expect(loadError(json)).toMatch(/^ZZ\.json: cureCodes: unknown cure code "WITNESS_MISSING"/);
  });

  it('reports a bad time zone', () => {
    expect(loadError({ ...baseProfileJson(), timeZone: 'America/Atlantis' })).toBe(
      'ZZ.json: timeZone: "America/Atlantis" is not an IANA time zone',
    );
  });

  it('reports a bad rule kind', () => {
    expect(loadError({ ...baseProfileJson(), receiptDeadline: { kind: 'postmark', time: '17:00' } })).toBe(
      'ZZ.json: receiptDeadline.kind: kind must be electionDayClose or postmarkGrace',
    );
  });

  it('reports invalid JSON, a code that disagrees with the file name, and a missing profile', () => {
    const broken = loadProfile('ZZ', folderWith({ 'ZZ.json': '{ "code": ' }));
    expect(broken.ok ? '' : broken.error).toMatch(/^ZZ\.json: not valid JSON/);
    expect(loadError(baseProfileJson(), 'QQ.json')).toBe('QQ.json: code is "ZZ" but the file name says "QQ"');
    const missing = loadProfile('XX', dir);
    expect(missing.ok ? '' : missing.error).toMatch(/^no state profile XX: .*XX\.json does not exist$/);
  });

  it('refuses a code that would name a path outside the folder', () => {
    const r = loadProfile('../../etc/passwd');
    expect(r.ok ? '' : r.error).toMatch(/is not a profile code/);
  });

  it('fails a whole folder load on one bad file, naming it', () => {
    const good = JSON.stringify(baseProfileJson());
    const bad = JSON.stringify({ ...baseProfileJson(), code: 'YY', timeZone: 'Nowhere' });
    const r = loadProfiles(folderWith({ 'ZZ.json': good, 'YY.json': bad }));
    expect(r.ok ? '' : r.error).toBe('YY.json: timeZone: "Nowhere" is not an IANA time zone');
  });

  it('the shipped files are the ones validated (no stray copies)', () => {
    const text = readFileSync(join(defaultProfilesDir(), 'NC.json'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ code: 'NC', timeZone: 'America/New_York' });
  });
});
