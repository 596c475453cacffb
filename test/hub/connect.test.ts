import { describe, expect, it } from 'vitest';
import { hubClientConfig, parseHubUrl } from '../../main/hub/connect.js';
import { hubErrorText, hubRefusalOf } from '../../main/hub/errors.js';
import { refusesEntries } from '../../main/county/connection.js';
import { checkStationId, scramVerifier } from '../../main/hub/admin.js';

describe('hub connection settings and error words (no server needed)', () => {
  it('parses a hub URL; refuses other schemes and URLs without user, host or database', () => {
    expect(parseHubUrl('postgres://station_a%2D1:p%40ss@hub.example:6432/county')).toEqual({ host: 'hub.example', port: 6432, database: 'county', user: 'station_a-1', password: 'p@ss' });
    expect(parseHubUrl('postgresql://u@[::1]/db')).toMatchObject({ host: '::1', port: 5432 });
    for (const bad of ['http://u@h/db', 'postgres://h/db', 'postgres://u@h/', 'not a url'])
      expect(() => parseHubUrl(bad)).toThrow(/the hub address must/);
  });

  it('always verifies the certificate and the host name; the password comes from the option before the URL', () => {
    const { config } = hubClientConfig({ url: 'postgres://u:from-url@h/db?sslmode=disable', password: 'from-env' });
    expect(config.password).toBe('from-env');
    expect(config.ssl).toEqual({ rejectUnauthorized: true, servername: 'h' });
    expect(() => hubClientConfig({ url: 'postgres://u@h/db' })).toThrow('no password for u@h:5432/db');
    expect(() => hubClientConfig({ url: 'postgres://u:p@h/db', caFile: '/nonexistent/ca.pem' })).toThrow(/cannot read the hub's CA file \/nonexistent\/ca.pem: ENOENT/);
  });

  it('says what went wrong in plain words, by code, never echoing a password', () => {
    const where = 'station_a@hub:5432/county';
    expect(hubErrorText({ code: '28P01', message: 'password authentication failed for user "station_a"' }, where)).toBe(`the hub refused the password for ${where}`);
    expect(hubErrorText({ code: 'ECONNREFUSED' }, where)).toBe(`cannot reach the hub at ${where}: nothing is listening there`);
    expect(hubErrorText({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, where)).toMatch(/did not prove who it is/);
    const ih = { code: 'IH011', message: 'entry 5 of station a would leave a gap: the hub holds entries up to 3' };
    expect(hubRefusalOf(ih)).toBe('gap');
    expect(hubErrorText(ih, where)).toBe(`the hub refused: ${ih.message}`);
    expect(hubRefusalOf({ code: '42501' })).toBeNull();
  });

  it('the county views, roll and lease refusals (IH401, IH409, IH422) are the hub\'s own: kept in its words, and never taken for a refused push entry', () => {
    const where = 'station_a@hub:5432/county';
    const cases = [
      [{ code: 'IH401', message: 'this database role is not a registered, active station' }, 'not-a-station'],
      [{ code: 'IH409', message: 'roll version 3 is not (or no longer) published: pull again' }, 'roll-version'],
      [{ code: 'IH422', message: 'a page is 1 to 500 rows from offset 0 or more' }, 'bad-request'],
    ] as const;
    for (const [e, kind] of cases) {
      expect(hubRefusalOf(e)).toBe(kind);
      expect(hubErrorText(e, where)).toBe(`the hub refused: ${e.message}`);
      expect(refusesEntries(e)).toBe(false);
    }
    expect(refusesEntries({ code: 'IH013' })).toBe(true);
    expect(refusesEntries({ code: 'IH001' })).toBe(false);
  });

  it('station IDs: lower-case letters, digits, - and _ only (they become role names)', () => {
    expect(checkStationId('north-1')).toBe('north-1');
    for (const bad of ['', 'North', 'a b', '-a', 'a'.repeat(41), 'a";DROP', 'é']) expect(() => checkStationId(bad)).toThrow(/a station ID is 1 to 40/);
  });

  it('a SCRAM-SHA-256 verifier in the form PostgreSQL stores, salted fresh each time', () => {
    const v = scramVerifier('pencil');
    expect(v).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(scramVerifier('pencil')).not.toBe(v);
    expect(v).not.toContain('pencil');
  });
});
