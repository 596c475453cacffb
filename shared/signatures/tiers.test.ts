import { describe, expect, it } from 'vitest';
import { decisionsAt, move, rejectionPair, stageGroupsFor, type SignatureRules } from './tiers.js';

const rules: SignatureRules = { bipartisanPair: false, reasonRequiredFor: ['no-match', 'refer'], noSignatureOnFileCure: null };
const ann = { name: 'ann', party: 'DEM', supervisor: false };
const bob = { name: 'bob', party: 'DEM', supervisor: false };
const sue = { name: 'sue', party: 'REP', supervisor: true };

describe('signature tiers (pure rules)', () => {
  it('a rejection needs two different operators, and two parties where a bipartisan pair is required', () => {
    expect(rejectionPair([{ operator: 'ann', party: null }], false).ok).toBe(false);
    expect(rejectionPair([{ operator: 'ann', party: null }, { operator: 'ann', party: null }], false).ok).toBe(false);
    expect(rejectionPair([{ operator: 'ann', party: null }, { operator: 'bob', party: null }], false).ok).toBe(true);
    expect(rejectionPair([{ operator: 'ann', party: 'DEM' }, { operator: 'bob', party: 'DEM' }], true).ok).toBe(false);
    expect(rejectionPair([{ operator: 'ann', party: 'DEM' }, { operator: 'bob', party: null }], true).ok).toBe(false);
    expect(rejectionPair([{ operator: 'ann', party: 'DEM' }, { operator: 'sue', party: 'REP' }], true).ok).toBe(true);
  });

  it('moves each decision as the table in docs/signatures.md says', () => {
    expect(move('tier1', 'match', ann, [], rules, false)).toMatchObject({ ok: true, stage: 'done', outcome: 'accepted', cure: null });
    expect(move('tier1', 'match', ann, [], rules, true)).toMatchObject({ ok: true, stage: 'sample', outcome: 'accepted' });
    expect(move('tier1', 'no-match', ann, [], rules, false)).toMatchObject({ stage: 'tier2', outcome: 'second-level' });
    expect(move('tier1', 'no-signature', ann, [], rules, false)).toMatchObject({ stage: 'done', cure: 'NO_VOTER_SIGNATURE' });
    const first = [{ level: '1' as const, decision: 'no-match' as const, operator: 'ann', party: 'DEM' }];
    expect(move('tier2', 'no-match', ann, first, rules, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(move('tier2', 'no-match', bob, first, rules, false)).toMatchObject({ stage: 'done', outcome: 'cure-opened', cure: 'SIGNATURE_MISMATCH' });
    expect(move('tier2', 'no-match', bob, first, { ...rules, bipartisanPair: true }, false)).toMatchObject({ stage: 'tier2', outcome: 'awaiting-another-reviewer' });
    expect(move('tier2', 'refer', bob, first, rules, false)).toMatchObject({ stage: 'supervisor' });
    expect(move('supervisor', 'match', bob, first, rules, false)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(move('supervisor', 'refer', sue, first, rules, false)).toMatchObject({ ok: false, code: 'invalid' });
    const matched = [{ level: '1' as const, decision: 'match' as const, operator: 'ann', party: 'DEM' }];
    expect(move('sample', 'match', bob, matched, rules, false)).toMatchObject({ stage: 'done', outcome: 'sample-agreed' });
    expect(move('sample', 'no-match', bob, matched, rules, false)).toMatchObject({ stage: 'supervisor', outcome: 'sample-disagreed', cure: null });
    expect(move('no-reference', 'match', sue, [], { ...rules, noSignatureOnFileCure: 'ID_REQUIRED' }, false)).toMatchObject({ ok: false, code: 'invalid' });
    expect(move('no-reference', 'no-match', sue, [], { ...rules, noSignatureOnFileCure: 'ID_REQUIRED' }, false)).toMatchObject({ cure: 'ID_REQUIRED' });
    expect(move('done', 'match', sue, [], rules, false)).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('supervisors take escalations first; first-level items and samples are one group', () => {
    expect(stageGroupsFor(ann)).toEqual([['tier2'], ['tier1', 'sample']]);
    expect(stageGroupsFor(sue)[0]).toEqual(['supervisor']);
    expect(decisionsAt('done', rules)).toEqual([]);
  });
});
