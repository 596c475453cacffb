import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeAsync } from '../helpers/cli.js';
import { startHub, type TestHub } from '../helpers/pg.js';
import { HUB_MIGRATIONS } from '../../main/hub/migrations.js';

// Every hub migration (core 1–2, county views 3–4, …): the list in main/hub/migrations.ts.
const ALL = HUB_MIGRATIONS.map((m) => m.version);

// The real `intake` binary against a real PostgreSQL (run `npm run build` first).
let hub: TestHub;
let adminUrl: string;
let env: NodeJS.ProcessEnv;
let southPassword = '';
beforeAll(async () => {
  hub = await startHub();
  adminUrl = `postgres://${hub.adminUser}@localhost:${hub.port}/${hub.database}`;
  env = { INTAKE_HUB_ADMIN_PASSWORD: hub.adminPassword, INTAKE_HUB_CA: hub.caFile };
}, 30_000);
afterAll(async () => {
  await hub?.stop();
});

const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => intakeAsync(['hub', ...args], { env: { ...env, ...extraEnv } });

describe('intake hub (admin commands on a real PostgreSQL)', () => {
  it('init creates the schema and is idempotent; migrate has nothing left; the admin password is never printed', async () => {
    const first = await run(['init', '--url', adminUrl]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.json()).toMatchObject({ hub: `postgres@localhost:${hub.port}/county`, applied: ALL, versions: ALL });
    const again = await run(['init', '--url', adminUrl]);
    expect(again.json()).toMatchObject({ applied: [], versions: ALL });
    const migrate = await run(['migrate', '--url', adminUrl]);
    expect(migrate.json()).toMatchObject({ applied: [], latest: ALL.at(-1) });
    for (const r of [first, again, migrate]) expect(r.stdout + r.stderr).not.toContain(hub.adminPassword);
  }, 30_000);

  it('station add prints the password once (stdout), and that password logs in as the station over TLS', async () => {
    const r = await run(['station', 'add', 'north-1', '--name', 'North mail room 1', '--url', adminUrl]);
    expect(r.status).toBe(0);
    const out = r.json<{ station: string; role: string; hubUrl: string; password: string }>();
    expect(out).toMatchObject({ station: 'north-1', role: 'station_north-1', hubUrl: `postgres://station_north-1@localhost:${hub.port}/county` });
    expect(out.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(r.stderr).toMatch(/shown this once/);
    expect(r.stderr).not.toContain(out.password);
    const c = await hub.connect(out.role, out.password);
    const who = await c.query<{ w: { station: string; acknowledgedThrough: number } }>('SELECT intake.whoami() AS w');
    await c.end();
    expect(who.rows[0]?.w).toMatchObject({ station: 'north-1', acknowledgedThrough: 0 });
    // The password is not in the hub's catalog either: only a SCRAM verifier.
    const su = await hub.superuser();
    const stored = await su.query<{ p: string }>("SELECT rolpassword AS p FROM pg_authid WHERE rolname = 'station_north-1'");
    await su.end();
    expect(stored.rows[0]?.p).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(stored.rows[0]?.p).not.toContain(out.password);
  }, 30_000);

  it('station add --password-file writes the password owner-only (0600) and prints none; an existing file is never overwritten', async () => {
    const file = path.join(hub.dir, 'south.pw');
    const r = await run(['station', 'add', 'south', '--password-file', file, '--url', adminUrl]);
    expect(r.status).toBe(0);
    expect(r.json()).toEqual({ station: 'south', role: 'station_south', hubUrl: `postgres://station_south@localhost:${hub.port}/county`, passwordFile: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(r.stdout + r.stderr).not.toContain(password);
    await (await hub.connect('station_south', password)).end();
    southPassword = password;
    const clash = await run(['station', 'add', 'east', '--password-file', file, '--url', adminUrl]);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/already exists/);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(password);
    const list = (await run(['station', 'list', '--url', adminUrl])).lines<{ stationId: string }>();
    expect(list.map((s) => s.stationId)).toEqual(['north-1', 'south']);
  }, 30_000);

  it('refuses a bad station ID, a duplicate ID, and retiring an unknown station, in plain words', async () => {
    const [bad, dup, unknown] = await Promise.all([
      run(['station', 'add', 'North 1; DROP ROLE postgres', '--url', adminUrl]),
      run(['station', 'add', 'south', '--url', adminUrl]),
      run(['station', 'retire', 'west', '--url', adminUrl]),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/a station ID is 1 to 40 lower-case letters/);
    expect(dup.stderr).toMatch(/station south is already registered/);
    expect(unknown.stderr).toMatch(/no station west is registered/);
  }, 30_000);

  it('retire stops the station logging in; its ID cannot be registered again', async () => {
    const r = await run(['station', 'retire', 'south', '--url', adminUrl]);
    expect(r.status).toBe(0);
    expect(r.json<{ retiredAt: string | null }>().retiredAt).toMatch(/^\d{4}-/);
    const login = await hub.connect('station_south', southPassword).then(() => null, (e: { code?: string; message: string }) => e);
    expect(login?.code).toBe('28000');
    expect(login?.message).toMatch(/not permitted to log in/);
    const again = await run(['station', 'add', 'south', '--url', adminUrl]);
    expect(again.stderr).toMatch(/station south was retired: a replacement needs a new ID/);
  }, 30_000);

  it('a wrong admin password, a hub without the CA, and a missing password fail in plain words', async () => {
    const [wrong, noCa, none] = await Promise.all([
      run(['station', 'list', '--url', adminUrl], { INTAKE_HUB_ADMIN_PASSWORD: 'not-it' }),
      run(['station', 'list', '--url', adminUrl], { INTAKE_HUB_CA: '' }),
      run(['station', 'list', '--url', adminUrl], { INTAKE_HUB_ADMIN_PASSWORD: '' }),
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/the hub refused the password for postgres@localhost/);
    expect(noCa.stderr).toMatch(/did not prove who it is/);
    expect(noCa.stdout + noCa.stderr).not.toContain(hub.adminPassword);
    expect(none.stderr).toMatch(/no password for postgres@localhost:\d+\/county: set INTAKE_HUB_ADMIN_PASSWORD/);
  }, 30_000);
});
