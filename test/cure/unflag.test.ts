import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import type { CureCode } from '../../shared/domain.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from './setup.js';

// Undoing a flag from the scan screen: the same clerk, within two minutes, as an appended step.

let t: ReturnType<typeof tempStore>;
let api: ReturnType<typeof apiFor>;
const clock = manualClock('2026-11-04T15:00:00Z');

beforeEach(() => {
  clock.set('2026-11-04T15:00:00Z');
  t = tempStore();
  configureOffice(t.store, { profile: 'NC', electionDate: '2026-11-03' });
  seedRoll(t.store, [rollRow({ ballotId: 'UF-1', voterId: 'U1' }), rollRow({ ballotId: 'UF-2', voterId: 'U2' })]);
  const intake = new Intake(t.store, 'ST1', clock.now);
  for (const b of ['UF-1', 'UF-2']) intake.scan({ raw: b, operator: 'clara' });
  api = apiFor(t.store, clock.now);
});
afterEach(() => t.cleanup());

const clara = () => api.as('clara', 'clerk');
const bob = () => api.as('bob', 'clerk');
const sue = () => api.as('sue', 'supervisor');

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
}

type Case = { caseId: number; state: string; codes: string[] };
const flag = (as = clara(), codes: CureCode[] = ['NO_VOTER_SIGNATURE'], ballotId = 'UF-1') =>
  ok<Case>(api.call(as, 'cure.flag', { ballotId, codes, reason: 'flagged at intake' }));
const auditActions = () => (t.store.db.prepare('SELECT action FROM audit_log ORDER BY seq').all() as { action: string }[]).map((r) => r.action);

describe('cure.unflag', () => {
  it('the clerk who flagged undoes it within two minutes: the case closes ACCEPTED with an appended step and audit entry', async () => {
    const c = await flag();
    clock.set('2026-11-04T15:01:59Z');
    const undone = await ok<Case>(api.call(clara(), 'cure.unflag', { caseId: c.caseId, codes: ['NO_VOTER_SIGNATURE'] }));
    expect(undone.state).toBe('ACCEPTED');
    const steps = t.store.cure.steps(c.caseId);
    expect(steps.map((s) => [s.fromState, s.toState, s.actor])).toEqual([
      [null, 'FLAGGED', 'clara'],
      ['FLAGGED', 'ACCEPTED', 'clara'],
    ]);
    expect(steps[1]?.reason).toMatch(/flag undone at intake/);
    expect(auditActions().filter((a) => a.startsWith('cure.'))).toEqual(['cure.flag', 'cure.transition']);
    // The envelope can be flagged again afterwards (a new case).
    expect((await flag()).caseId).not.toBe(c.caseId);
  });

  it('undoing one of two codes keeps the case open with the other', async () => {
    const c = await flag(clara(), ['NO_VOTER_SIGNATURE', 'NO_WITNESS_SIGNATURE']);
    const left = await ok<Case>(api.call(clara(), 'cure.unflag', { caseId: c.caseId, codes: ['NO_WITNESS_SIGNATURE'] }));
    expect(left).toMatchObject({ state: 'FLAGGED', codes: ['NO_VOTER_SIGNATURE'] });
    expect(auditActions()).toContain('cure.unflag');
  });

  it('refuses after two minutes, another clerk, a supervisor, a case that moved on, a code not flagged, and a missing case', async () => {
    const c = await flag();
    const refused = async (as: ReturnType<typeof clara>, input: unknown, words: RegExp) => {
      const r = await api.callRaw(as, 'cure.unflag', input);
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).toMatch(words);
    };
    await refused(bob(), { caseId: c.caseId, codes: ['NO_VOTER_SIGNATURE'] }, /only the clerk who flagged/);
    await refused(sue(), { caseId: c.caseId, codes: ['NO_VOTER_SIGNATURE'] }, /only the clerk who flagged/);
    await refused(clara(), { caseId: c.caseId, codes: ['ENVELOPE_UNSEALED'] }, /only the clerk who flagged/);
    await refused(clara(), { caseId: 999, codes: ['NO_VOTER_SIGNATURE'] }, /no cure case 999/);
    await refused(clara(), { caseId: c.caseId, codes: [] }, /invalid|at least/i);
    clock.set('2026-11-04T15:02:01Z');
    await refused(clara(), { caseId: c.caseId, codes: ['NO_VOTER_SIGNATURE'] }, /within 2 minutes/);
    clock.set('2026-11-04T15:00:30Z');
    const d = await flag(clara(), ['NO_VOTER_SIGNATURE'], 'UF-2');
    await ok(api.call(sue(), 'cure.move', { caseId: d.caseId, to: 'NOTICE_SENT', reason: 'letter mailed' }));
    await refused(clara(), { caseId: d.caseId, codes: ['NO_VOTER_SIGNATURE'] }, /moved on/);
    expect(t.store.cure.get(c.caseId)?.state).toBe('FLAGGED'); // nothing changed by the refusals
  });

  it('the same undo sent 40 times at once undoes once', async () => {
    const c = await flag();
    const all = await Promise.all(Array.from({ length: 40 }, () => api.call(clara(), 'cure.unflag', { caseId: c.caseId, codes: ['NO_VOTER_SIGNATURE'] })));
    expect(all.filter((r) => r.ok)).toHaveLength(1);
    expect(t.store.cure.steps(c.caseId)).toHaveLength(2);
  });
});
