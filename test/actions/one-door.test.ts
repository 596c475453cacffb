import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, type MethodName } from '../../shared/api/contract.js';
import { CLI_ONLY_ACTIONS, roleOf } from '../../shared/api/roles.js';
import { Auth } from '../../main/auth/auth.js';
import { apiFor } from '../helpers/api.js';
import { intake } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

/** The app and the CLI go through the same actions: the same roles, the same answers, the same words. */
let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, [rollRow({ ballotId: 'DOOR-0001', voterId: 'V1', lastName: '=HYPERLINK("x")' }), rollRow({ ballotId: 'DOOR-0002', voterId: 'V2' })]);
  t.store.config.set('election', 'E2026', 't', new Date().toISOString());
});
afterEach(() => t.cleanup());

describe('one door', () => {
  it("takes every action's role from the contract's table (and the CLI-only ones from the table beside it)", () => {
    for (const m of Object.keys(contract) as MethodName[]) expect(roleOf(m)).toBe(contract[m].role);
    for (const [a, role] of Object.entries(CLI_ONLY_ACTIONS)) expect(roleOf(a as keyof typeof CLI_ONLY_ACTIONS)).toBe(role);
  });

  it('exports the same receipts, byte for byte, from the app and from the CLI (one column list, cells neutralised)', async () => {
    const api = apiFor(t.store);
    await api.call(api.as('clara'), 'scan.submit', { raw: 'DOOR-0001' });
    await api.call(api.as('clara'), 'scan.submit', { raw: 'DOOR-0002' });
    for (const format of ['csv', 'json'] as const) {
      const app = await api.call(api.as('sue', 'supervisor'), 'receipts.export', { format });
      const cli = intake(['receipts', 'export', '--format', format], { env: { INTAKE_DB: t.dbPath } });
      expect(cli.status).toBe(0);
      expect(app).toMatchObject({ ok: true });
      if (app.ok) expect(cli.stdout).toBe(app.value.content);
    }
    expect(intake(['receipts', 'export'], { env: { INTAKE_DB: t.dbPath } }).stdout).toContain(`'=HYPERLINK`);
  });

  it('names an unconfigured station by its host name in the app and on the command line alike', async () => {
    const api = apiFor(t.store);
    const status = await api.call(api.as(null), 'session.status', {});
    expect(status).toMatchObject({ ok: true, value: { station: os.hostname() } });
    const r = intake(['scan', '--operator', 'ann'], { env: { INTAKE_DB: t.dbPath }, input: 'DOOR-0001\n' });
    expect(r.lines()[0]).toMatchObject({ station: os.hostname(), verdict: 'ACCEPTED' });
  });

  it('maps every service failure by its code, in plain words, with the fields kept for programs', async () => {
    const api = apiFor(t.store);
    const sup = api.as('sue', 'supervisor');
    expect(await api.call(sup, 'batches.show', { batchId: '999' })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'There is no batch 999.' } });
    expect(await api.call(sup, 'scan.undo', { seq: 77, reason: 'oops' })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'no scan 77' } });
    expect(await api.call(sup, 'settings.set', { key: 'batchSize', value: -1 })).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: '' }] } });
    const pin = await api.call(api.as(null), 'session.createFirstSupervisor', { operator: 'sue', pin: '12' });
    expect(pin).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'The PIN must be 4 to 12 digits.', issues: [{ path: 'pin' }] } });
    const missing = await api.callRaw(sup, 'batches.close', {});
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'The batch is missing. The hand count is missing.' } });
    if (!missing.ok) expect(missing.error.message).not.toMatch(/handCount|batchId|expected|received/);
  });

  it('disables an operator through the API (supervisors only, never the last supervisor), keeping what they did', async () => {
    const auth = new Auth(t.store);
    const sue = await auth.createOperator('sue', 'supervisor', '482916', null);
    await auth.createOperator('clara', 'clerk', '735204', sue);
    const api = apiFor(t.store);
    await api.call(api.as('clara'), 'scan.submit', { raw: 'DOOR-0001' });
    expect(await api.call(api.as('clara'), 'operators.disable', { name: 'sue' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api.call(api.as('sue', 'supervisor'), 'operators.disable', { name: 'sue' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await api.call(api.as('sue', 'supervisor'), 'operators.disable', { name: 'clara' })).toMatchObject({ ok: true, value: { name: 'clara', active: false } });
    await expect(auth.signIn('clara', '735204')).rejects.toThrow(/wrong PIN/);
    expect(t.store.scans.recent(null, 5).map((s) => s.operator)).toEqual(['clara']);
    expect([...t.store.audit.entries()].at(-1)).toMatchObject({ action: 'operator.disable', actor: 'sue', entity_id: 'clara' });
  });
});
