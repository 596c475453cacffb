import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undoScan } from '../../main/actions/scans.js';
import { ballotHistory } from '../../main/intake/history.js';
import type { Store } from '../../main/store/store.js';
import type { Output } from '../../shared/api/contract.js';
import type { ApiResponse } from '../../shared/api/define.js';
import { tempStore } from '../helpers/station.js';
import { addOperators, must, reviewStation } from './fixtures.js';

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
type Item = NonNullable<Output<'signatures.next'>['item']>;
const refIds = (item: Item) => item.references.map((r) => r.referenceId);

describe('signature review: next', () => {
  it('serves the envelope crop beside up to six signatures on file, newest first, and names the following envelope for preloading', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 3, 7);
    const ann = api.as('ann');
    const { item, following } = ok(await api.call(ann, 'signatures.next', {}));
    expect(item).toMatchObject({ scanSeq: must(scans[0]).seq, level: 'first', ballotId: must(scans[0]).ballotId, voterName: 'JANE DOE', earlier: [] });
    expect(item?.envelopeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(item?.references).toHaveLength(6);
    expect(item?.references.map((r) => r.capturedOn)).toEqual(['2016-07-15', '2015-06-15', '2014-05-15', '2013-04-15', '2012-03-15', '2011-02-15']);
    expect(item?.references.every((r) => r.source === 'state-export')).toBe(true);
    expect(following).toMatchObject({ scanSeq: must(scans[1]).seq });
    expect(following?.referenceSha256s).toHaveLength(6);
    // Held for ann: another reviewer gets the next envelope meanwhile.
    const bob = ok(await api.call(api.as('bob'), 'signatures.next', {}));
    expect(bob.item?.scanSeq).toBe(must(scans[1]).seq);
    // The images come from the image store through images.read.
    const img = ok(await api.call(ann, 'images.read', { sha256: must(item?.references[0]).sha256 }));
    expect(img.mediaType).toBe('image/webp');
  });

  it('refuses a clerk no supervisor named as a reviewer, and anyone signed out', async () => {
    const { api } = await reviewStation(store, t.dir, 1, 1);
    addOperators(store, [['dan', 'clerk']]);
    const r = await api.call(api.as('dan'), 'signatures.next', {});
    expect(r.ok ? null : r.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('dan is not a signature reviewer') as unknown });
    const anon = await api.call(api.as(null), 'signatures.next', {});
    expect(anon.ok ? null : anon.error.code).toBe('unauthenticated');
  });
});

describe('signature review: tiers', () => {
  it('a first-level "does not match" goes to a second level; the same reviewer twice is refused; a second operator\'s "does not match" opens one SIGNATURE_MISMATCH case', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 1, 2);
    const ann = api.as('ann');
    const first = must(ok(await api.call(ann, 'signatures.next', {})).item);
    const noReason = await api.call(ann, 'signatures.decide', { scanSeq: first.scanSeq, round: first.round, decision: 'no-match', referenceIds: refIds(first) });
    expect(noReason.ok ? null : noReason.error).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('needs a reason') as unknown });
    const d1 = ok(await api.call(ann, 'signatures.decide', { scanSeq: first.scanSeq, round: first.round, decision: 'no-match', reason: 'slant and capitals differ', referenceIds: refIds(first) }));
    expect(d1).toEqual({ outcome: 'second-level', message: 'sent to a second-level reviewer', cureCaseId: null });
    // ann is not served her own envelope at the second level, and cannot decide it by hand.
    expect(ok(await api.call(ann, 'signatures.next', {})).item).toBeNull();
    const again = await api.call(ann, 'signatures.decide', { scanSeq: first.scanSeq, round: first.round + 1, decision: 'no-match', reason: 'still', referenceIds: [] });
    expect(again.ok ? null : again.error).toEqual({ code: 'forbidden', message: 'ann already decided on this envelope (first level): the second level needs a different reviewer' });
    const second = must(ok(await api.call(api.as('bob'), 'signatures.next', {})).item);
    expect(second).toMatchObject({ scanSeq: first.scanSeq, level: 'second', earlier: [{ level: '1', decision: 'no-match', operator: 'ann', reason: 'slant and capitals differ' }] });
    const d2 = ok(await api.call(api.as('bob'), 'signatures.decide', { scanSeq: second.scanSeq, round: second.round, decision: 'no-match', reason: 'agree', referenceIds: refIds(second).slice(0, 1) }));
    expect(d2.outcome).toBe('cure-opened');
    const cases = store.cure.casesOf(must(scans[0]).ballotId);
    expect(cases.map((c) => [c.caseId, c.codes, c.openedBy])).toEqual([[d2.cureCaseId, ['SIGNATURE_MISMATCH'], 'bob']]);
    const reviews = store.signatures.reviewsOf(first.scanSeq);
    expect(reviews.map((r) => [r.level, r.decision, r.operator, r.reason, store.signatures.shownIn(r).length])).toEqual([
      ['1', 'no-match', 'ann', 'slant and capitals differ', 2],
      ['2', 'no-match', 'bob', 'agree', 1],
    ]);
    expect(store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'signature.decide'").get()).toEqual({ n: 2 });
    const history = ballotHistory(store, must(scans[0]).ballotId).filter((e) => e.event === 'signature');
    expect(history.map((h) => h.detail)).toEqual([
      'signature review (first level): signature does not match; 2 signature(s) on file shown — slant and capitals differ',
      `signature review (second level): signature does not match; 1 signature(s) on file shown — agree; cure case ${d2.cureCaseId}`,
    ]);
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('a second-level "matches" accepts the envelope and its signature joins the voter\'s signatures on file', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 1, 1);
    const first = must(ok(await api.call(api.as('ann'), 'signatures.next', {})).item);
    ok(await api.call(api.as('ann'), 'signatures.decide', { scanSeq: first.scanSeq, round: first.round, decision: 'no-match', reason: 'r', referenceIds: [] }));
    const second = must(ok(await api.call(api.as('bob'), 'signatures.next', {})).item);
    expect(ok(await api.call(api.as('bob'), 'signatures.decide', { scanSeq: second.scanSeq, round: second.round, decision: 'match', referenceIds: refIds(second) })).outcome).toBe('accepted');
    expect(store.cure.casesOf(must(scans[0]).ballotId)).toEqual([]);
    const voterId = must(store.scans.get(first.scanSeq)?.voterId);
    const refs = store.signatures.references(voterId, 6, null);
    expect(refs.map((r) => [r.source, r.sha256 === first.envelopeSha256])).toContainEqual(['prior-envelope', true]);
  });

  it('references shown must be this voter\'s; a stale round is refused', async () => {
    const { api } = await reviewStation(store, t.dir, 2, 1);
    const ann = api.as('ann');
    const next = ok(await api.call(ann, 'signatures.next', {}));
    const a = must(next.item);
    const otherVoters = store.signatures.references(must(store.scans.get(must(next.following).scanSeq)?.voterId), 6, null).map((r) => r.referenceId);
    const foreign = await api.call(ann, 'signatures.decide', { scanSeq: a.scanSeq, round: a.round, decision: 'match', referenceIds: otherVoters });
    expect(foreign.ok ? null : foreign.error.message).toMatch(/is not one of this voter's/);
    const stale = await api.call(ann, 'signatures.decide', { scanSeq: a.scanSeq, round: a.round + 5, decision: 'match', referenceIds: [] });
    expect(stale.ok ? null : stale.error.code).toBe('conflict');
  });

  it('where a bipartisan pair is required, two reviewers of one party do not reject; one of another party does', async () => {
    const { api, sup, scans } = await reviewStation(store, t.dir, 1, 1);
    ok(await api.call(sup, 'settings.set', { key: 'signatures.bipartisanPair', value: true }));
    for (const [name, party] of [['ann', 'DEM'], ['bob', 'DEM'], ['cal', 'REP']] as const) ok(await api.call(sup, 'signatures.setReviewer', { name, reviewer: true, party }));
    const decide = async (who: string) => {
      const item = must(ok(await api.call(api.as(who), 'signatures.next', {})).item);
      return ok(await api.call(api.as(who), 'signatures.decide', { scanSeq: item.scanSeq, round: item.round, decision: 'no-match', reason: 'differs', referenceIds: [] }));
    };
    expect((await decide('ann')).outcome).toBe('second-level');
    const bob = await decide('bob');
    expect(bob).toMatchObject({ outcome: 'awaiting-another-reviewer', message: expect.stringContaining('bipartisan pair') as unknown });
    expect(store.cure.casesOf(must(scans[0]).ballotId)).toEqual([]);
    expect((await decide('cal')).outcome).toBe('cure-opened');
    expect(store.cure.casesOf(must(scans[0]).ballotId)).toHaveLength(1);
  });

  it('40 second-level decisions sent at once open the cure case exactly once', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 1, 1);
    const first = must(ok(await api.call(api.as('ann'), 'signatures.next', {})).item);
    ok(await api.call(api.as('ann'), 'signatures.decide', { scanSeq: first.scanSeq, round: first.round, decision: 'no-match', reason: 'r', referenceIds: [] }));
    const second = must(ok(await api.call(api.as('bob'), 'signatures.next', {})).item);
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => api.call(api.as(i % 2 ? 'bob' : 'cal'), 'signatures.decide', { scanSeq: second.scanSeq, round: second.round, decision: 'no-match', reason: `try ${i}`, referenceIds: [] })),
    );
    expect(all.filter((r) => r.ok)).toHaveLength(1);
    expect(new Set(all.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code)))).toEqual(new Set(['conflict']));
    expect(store.cure.casesOf(must(scans[0]).ballotId)).toHaveLength(1);
    expect(store.signatures.reviewsOf(first.scanSeq)).toHaveLength(2);
  });

  it('"no signature" opens a NO_VOTER_SIGNATURE case at once; "refer" at the second level goes to a supervisor, whom a clerk cannot replace', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 2, 1);
    const a = must(ok(await api.call(api.as('ann'), 'signatures.next', {})).item);
    expect(ok(await api.call(api.as('ann'), 'signatures.decide', { scanSeq: a.scanSeq, round: a.round, decision: 'no-signature', referenceIds: [] })).outcome).toBe('cure-opened');
    expect(store.cure.casesOf(must(scans[0]).ballotId)[0]?.codes).toEqual(['NO_VOTER_SIGNATURE']);
    const b = must(ok(await api.call(api.as('ann'), 'signatures.next', {})).item);
    ok(await api.call(api.as('ann'), 'signatures.decide', { scanSeq: b.scanSeq, round: b.round, decision: 'refer', reason: 'faded', referenceIds: [] }));
    const b2 = must(ok(await api.call(api.as('bob'), 'signatures.next', {})).item);
    expect(ok(await api.call(api.as('bob'), 'signatures.decide', { scanSeq: b2.scanSeq, round: b2.round, decision: 'refer', reason: 'unsure', referenceIds: [] })).outcome).toBe('supervisor');
    expect(ok(await api.call(api.as('cal'), 'signatures.next', {})).item).toBeNull();
    const clerkTry = await api.call(api.as('cal'), 'signatures.decide', { scanSeq: b2.scanSeq, round: b2.round + 1, decision: 'match', referenceIds: [] });
    expect(clerkTry.ok ? null : clerkTry.error.message).toBe('only a supervisor decides this envelope');
    const s = must(ok(await api.call(api.as('sue', 'supervisor'), 'signatures.next', {})).item);
    expect(s).toMatchObject({ level: 'supervisor', decisions: ['match', 'no-match', 'no-signature'] });
    expect(s.earlier.map((e) => e.decision)).toEqual(['refer', 'refer']);
    expect(ok(await api.call(api.as('sue', 'supervisor'), 'signatures.decide', { scanSeq: s.scanSeq, round: s.round, decision: 'match', referenceIds: refIds(s) })).outcome).toBe('accepted');
  });

  it('a voter with no signature on file waits in its own queue for a supervisor; a signature imported later sends it to the first level', async () => {
    const { api } = await reviewStation(store, t.dir, 1, 0);
    expect(ok(await api.call(api.as('ann'), 'signatures.queueCounts', {}))).toMatchObject({ firstLevel: 0, noSignatureOnFile: 1, votersWithSignatures: 0 });
    expect(ok(await api.call(api.as('ann'), 'signatures.next', {})).item).toBeNull();
    const s = must(ok(await api.call(api.as('sue', 'supervisor'), 'signatures.next', {})).item);
    expect(s).toMatchObject({ level: 'no-reference', references: [], reasonRequiredFor: expect.arrayContaining(['match']) as unknown });
    const voterId = must(s.voterId);
    store.write(() => store.signatures.addReferenceWithin({ voterId, capturedOn: '2020-01-01', sha256: 'a'.repeat(64), source: 'state-export', fromScanSeq: null, file: 'x.png' }, 'sue', new Date().toISOString()));
    expect(ok(await api.call(api.as('ann'), 'signatures.queueCounts', {}))).toMatchObject({ firstLevel: 1, noSignatureOnFile: 0 });
    const stale = await api.call(api.as('sue', 'supervisor'), 'signatures.decide', { scanSeq: s.scanSeq, round: s.round, decision: 'match', reason: 'known voter', referenceIds: [] });
    expect(stale.ok ? null : stale.error.code).toBe('conflict');
    expect(ok(await api.call(api.as('ann'), 'signatures.next', {})).item).toMatchObject({ scanSeq: s.scanSeq, level: 'first' });
  });

  it('an envelope whose scan is undone leaves the queue', async () => {
    const { api, scans } = await reviewStation(store, t.dir, 2, 1);
    undoScan(api.station, { name: 'sue', role: 'supervisor', via: 'session' }, { seq: must(scans[0]).seq, reason: 'wrong tray' });
    const next = ok(await api.call(api.as('ann'), 'signatures.next', {}));
    expect(next.item?.scanSeq).toBe(must(scans[1]).seq);
    expect(next.following).toBeNull();
  });
});
