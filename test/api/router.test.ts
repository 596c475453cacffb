import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../shared/api/contract.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, [rollRow({ ballotId: 'API-0001', voterId: 'V1' })]);
});
afterEach(() => t.cleanup());

const auditCount = () => (t.store.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;

describe('the router is the trust boundary', () => {
  it('refuses unknown methods, callers not signed in, and roles below the method', async () => {
    const api = apiFor(t.store);
    expect(await api.callRaw(api.as('x', 'supervisor'), 'db.dropEverything', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await api.call(api.as(null), 'scan.submit', { raw: 'API-0001' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await api.call(api.as('clara', 'clerk'), 'scan.undo', { seq: 1, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api.call(api.as('clara', 'clerk'), 'settings.set', { key: 'batchSize', value: 5 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(auditCount()).toBe(0);
  });

  it('scans through the API and pushes the verdict to subscribers', async () => {
    const api = apiFor(t.store);
    const seen: unknown[] = [];
    api.station.subscribe((e) => seen.push(e));
    const r = await api.call(api.as('clara'), 'scan.submit', { raw: 'API-0001' });
    expect(r).toMatchObject({ ok: true, value: { verdict: 'ACCEPTED', operator: 'clara' } });
    expect(seen).toMatchObject([{ event: 'verdict', payload: { verdict: 'ACCEPTED' } }]);
  });

  it('says what is wrong with an invalid input in plain words (no schema path), keeps the path for programs, and changes nothing', async () => {
    const api = apiFor(t.store);
    const r = await api.call(api.as('sue', 'supervisor'), 'batches.close', { batchId: null, handCount: -3 });
    // Plain words for people, the field's path for programs.
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'The hand count is too small (at least 0).', issues: [{ path: 'handCount' }] } });
    const extra = await api.callRaw(api.as('clara'), 'scan.submit', { raw: 'API-0001', isAdmin: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(auditCount()).toBe(0);
  });

  it('locks a session after the idle time', async () => {
    const api = apiFor(t.store);
    t.store.config.set('idleLockMinutes', 1, 't', new Date().toISOString());
    const s = api.as('clara');
    s.lastActivity = Date.now() - 2 * 60_000;
    expect(await api.call(s, 'scan.recent', { limit: 5 })).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringContaining('idle') as unknown } });
    expect(s.operator).toBeNull();
  });

  it('stops writes loudly while the station is in a fault state', async () => {
    const api = apiFor(t.store);
    api.station.setFault('the disk is full');
    expect(await api.call(api.as('clara'), 'scan.submit', { raw: 'API-0001' })).toMatchObject({ ok: false, error: { code: 'station-fault' } });
    expect(await api.call(api.as('clara'), 'scan.recent', { limit: 5 })).toMatchObject({ ok: true });
  });

  it('signs in with argon2id PINs, locks out after repeated failures', async () => {
    const api = apiFor(t.store);
    const anon = api.as(null);
    expect(await api.call(anon, 'session.status', {})).toMatchObject({ ok: true, value: { needsFirstSupervisor: true } });
    expect(await api.call(anon, 'session.createFirstSupervisor', { operator: 'Sue', pin: '4321' })).toMatchObject({ ok: true, value: { role: 'supervisor' } });
    expect(await api.call(api.as(null), 'session.createFirstSupervisor', { operator: 'Eve', pin: '1111' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const hash = (t.store.db.prepare("SELECT pin_hash FROM operators WHERE name = 'Sue'").get() as { pin_hash: string }).pin_hash;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await api.call(anon, 'operators.create', { name: 'Clara', role: 'clerk', pin: '2468' })).toMatchObject({ ok: true });
    const s = api.as(null);
    for (let i = 0; i < 4; i += 1) expect(await api.call(s, 'session.signIn', { operator: 'Clara', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await api.call(s, 'session.signIn', { operator: 'Clara', pin: '0000' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('locked') as unknown } });
    expect(await api.call(s, 'session.signIn', { operator: 'Clara', pin: '2468' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('locked') as unknown } });
    expect(await api.call(s, 'session.signIn', { operator: 'Sue', pin: '4321' })).toMatchObject({ ok: true, value: { name: 'Sue' } });
  }, 30_000);

  it('refuses random payloads to every method without an internal error or a change', async () => {
    const api = apiFor(t.store);
    const sup = api.as('sue', 'supervisor');
    const methods = Object.keys(contract) as (keyof typeof contract)[];
    const before = auditCount();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }), async (m, input) => {
        fc.pre(!contract[m].input.safeParse(input ?? {}).success);
        const r = await api.callRaw(sup, m, input);
        expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      }),
      { numRuns: 400 },
    );
    expect(auditCount()).toBe(before);
  }, 60_000);
});
