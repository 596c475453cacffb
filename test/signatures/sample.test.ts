import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../main/store/store.js';
import type { ApiResponse } from '../../shared/api/define.js';
import { inSample } from '../../shared/signatures/tiers.js';
import { tempStore } from '../helpers/station.js';
import { must, reviewStation } from './fixtures.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.cleanup());

function ok<T>(r: ApiResponse<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the blind sample audit', () => {
  it('re-reviews a first-level match blind by another reviewer; a disagreement goes to a supervisor; the report shows agreement per reviewer and day', async () => {
    const { api, sup, scans } = await reviewStation(store, t.dir, 2, 1);
    ok(await api.call(sup, 'settings.set', { key: 'signatures.sampleRate', value: 1 }));
    const decide = async (who: string, decision: 'match' | 'no-match', role: 'clerk' | 'supervisor' = 'clerk') => {
      const item = must(ok(await api.call(api.as(who, role), 'signatures.next', {})).item);
      const r = ok(await api.call(api.as(who, role), 'signatures.decide', { scanSeq: item.scanSeq, round: item.round, decision, reason: 'looked', referenceIds: item.references.map((x) => x.referenceId) }));
      return { item, r };
    };
    const first = await decide('ann', 'match');
    expect(first.r.outcome).toBe('accepted');
    expect(ok(await api.call(api.as('ann'), 'signatures.queueCounts', {}))).toMatchObject({ samplePending: 1, firstLevel: 1 });
    // ann takes the second envelope; her own sampled match is never served back to her.
    const second = await decide('ann', 'match');
    expect(second.item.scanSeq).toBe(must(scans[1]).seq);
    expect(ok(await api.call(api.as('ann'), 'signatures.next', {})).item).toBeNull();

    // bob's blind look: a first-level item like any other, nothing of ann's decision in it.
    const blind = must(ok(await api.call(api.as('bob'), 'signatures.next', {})).item);
    expect(blind).toMatchObject({ scanSeq: first.item.scanSeq, level: 'first', earlier: [] });
    expect(Object.keys(blind).sort()).toEqual(Object.keys(first.item).sort());
    expect(JSON.stringify(blind)).not.toContain('"ann"');
    const disagree = ok(await api.call(api.as('bob'), 'signatures.decide', { scanSeq: blind.scanSeq, round: blind.round, decision: 'no-match', reason: 'loops differ', referenceIds: [] }));
    expect(disagree).toEqual({ outcome: 'supervisor', message: 'recorded: a supervisor looks at this envelope', cureCaseId: null });
    const agree = await decide('cal', 'match');
    expect(agree.item.scanSeq).toBe(second.item.scanSeq);

    const report = ok(await api.call(sup, 'signatures.agreement', {}));
    expect(report.overall).toEqual({ sampled: 2, agreed: 1, disagreed: 1, pending: 0, rate: 0.5 });
    expect(report.byReviewer).toEqual([{ operator: 'ann', sampled: 2, agreed: 1, disagreed: 1, pending: 0, rate: 0.5 }]);
    expect(report.byDay).toHaveLength(1);
    expect(report.disagreements).toEqual([expect.objectContaining({ scanSeq: first.item.scanSeq, firstOperator: 'ann', blindOperator: 'bob', blindDecision: 'no-match', resolution: null }) as unknown]);

    // The supervisor sees both decisions and settles it.
    const s = must(ok(await api.call(sup, 'signatures.next', {})).item);
    expect(s).toMatchObject({ scanSeq: first.item.scanSeq, level: 'supervisor' });
    expect(s.earlier.map((e) => [e.level, e.operator, e.decision])).toEqual([['1', 'ann', 'match'], ['sample', 'bob', 'no-match']]);
    ok(await api.call(sup, 'signatures.decide', { scanSeq: s.scanSeq, round: s.round, decision: 'match', referenceIds: [] }));
    expect(ok(await api.call(sup, 'signatures.agreement', {})).disagreements[0]?.resolution).toBe('match');
    const only = ok(await api.call(sup, 'signatures.agreement', { from: '2000-01-01', to: '2000-01-02' }));
    expect(only.overall.sampled).toBe(0);
    expect(store.cure.casesOf(must(scans[0]).ballotId)).toEqual([]);
  });

  it('a supervisor who agrees with the blind "does not match" opens the cure case: two operators found no match', async () => {
    const { api, sup, scans } = await reviewStation(store, t.dir, 1, 1);
    ok(await api.call(sup, 'settings.set', { key: 'signatures.sampleRate', value: 1 }));
    for (const [who, decision] of [['ann', 'match'], ['bob', 'no-match']] as const) {
      const item = must(ok(await api.call(api.as(who), 'signatures.next', {})).item);
      ok(await api.call(api.as(who), 'signatures.decide', { scanSeq: item.scanSeq, round: item.round, decision, reason: 'r', referenceIds: [] }));
    }
    const s = must(ok(await api.call(sup, 'signatures.next', {})).item);
    expect(ok(await api.call(sup, 'signatures.decide', { scanSeq: s.scanSeq, round: s.round, decision: 'no-match', reason: 'agree with the blind look', referenceIds: [] })).outcome).toBe('cure-opened');
    expect(store.cure.casesOf(must(scans[0]).ballotId).map((c) => c.codes)).toEqual([['SIGNATURE_MISMATCH']]);
  });

  it('the selection is deterministic from the station seed and the scan number, and near the configured share', async () => {
    const seed = 'ab'.repeat(16);
    const picks = (rate: number, s = seed) => Array.from({ length: 10_000 }, (_, i) => inSample(s, i + 1, rate, sha256));
    const twoPercent = picks(0.02).filter(Boolean).length;
    expect(twoPercent).toBeGreaterThan(150);
    expect(twoPercent).toBeLessThan(250);
    expect(picks(0.02)).toEqual(picks(0.02));
    expect(picks(0.02, 'cd'.repeat(16))).not.toEqual(picks(0.02));
    expect(picks(0).some(Boolean)).toBe(false);
    expect(picks(1).every(Boolean)).toBe(true);
    // On a station: exactly the envelopes the rule names are sampled.
    const { api, sup } = await reviewStation(store, t.dir, 12, 1);
    ok(await api.call(sup, 'settings.set', { key: 'signatures.sampleRate', value: 0.5 }));
    const stationSeed = store.signatures.sampleSeed();
    expect(stationSeed).toMatch(/^[0-9a-f]{32}$/);
    const sampled: number[] = [];
    for (;;) {
      const item = ok(await api.call(api.as('ann'), 'signatures.next', {})).item;
      if (!item) break;
      ok(await api.call(api.as('ann'), 'signatures.decide', { scanSeq: item.scanSeq, round: item.round, decision: 'match', referenceIds: [] }));
      if (store.signatures.item(item.scanSeq)?.stage === 'sample') sampled.push(item.scanSeq);
    }
    const all = store.db.prepare<[], { scan_seq: number }>('SELECT scan_seq FROM signature_items ORDER BY scan_seq').all().map((r) => r.scan_seq);
    expect(all).toHaveLength(12);
    expect(sampled).toEqual(all.filter((seq) => inSample(stationSeed, seq, 0.5, sha256)));
  });
});
