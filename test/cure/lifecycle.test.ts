import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderNotices } from '../../main/cure/notice-pdf.js';
import { formatDeadline } from '../../main/cure/notice-text.js';
import { prepareNotices } from '../../main/cure/notices.js';
import { CureService, PROBLEM_RESOLUTIONS, type Actor } from '../../main/cure/service.js';
import { ballotHistory } from '../../main/intake/history.js';
import { Intake } from '../../main/intake/intake.js';
import type { CureCode } from '../../shared/domain.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from './setup.js';
import { pdfText } from '../helpers/pdf.js';

const CLARA: Actor = { name: 'clara', role: 'clerk' };
const SUE: Actor = { name: 'sue', role: 'supervisor' };

let t: ReturnType<typeof tempStore>;
let clock: ReturnType<typeof manualClock>;
let intake: Intake;
let service: CureService;

beforeEach(() => {
  t = tempStore();
  clock = manualClock('2026-11-04T14:00:00Z');
  intake = new Intake(t.store, 'ST1', clock.now);
  service = new CureService(t.store, clock.now);
});
afterEach(() => t.cleanup());

const auditActions = (entityId: string) =>
  (
    t.store.db
      .prepare(
        "SELECT actor, action, after FROM audit_log WHERE entity = 'cure_case' AND entity_id = ? ORDER BY seq",
      )
      .all(entityId) as {
      actor: string;
      action: string;
      after: string;
    }[]
  ).map((r) => ({ actor: r.actor, action: r.action, after: JSON.parse(r.after) as Record<string, unknown> }));


describe('a cure case from the intake scan to the final decision (North Carolina)', () => {
  beforeEach(() => {
    configureOffice(t.store, { profile: 'NC', electionDate: '2026-11-03' });
    seedRoll(t.store, [
      rollRow({
        ballotId: 'NC-1',
        voterId: 'NV1',
        firstName: 'ROSA',
        middleName: 'M',
        lastName: 'GARCIA',
        mailAddress: '12 ELM ST',
        mailCity: 'DURHAM',
        mailState: 'NC',
        mailZip: '27701',
      }),
      rollRow({ ballotId: 'NC-2', voterId: 'NV2', firstName: 'AMIR', lastName: 'HADDAD' }),
      rollRow({ ballotId: 'NC-3', voterId: 'NV3', firstName: 'LENA', lastName: 'OKAFOR' }),
    ]);
  });

  it('flags, notices, receives, cures and accepts, with who, when and why at every step', async () => {
    const scan = intake.scan({ raw: 'NC-1', operator: 'clara' });
    expect(scan.verdict).toBe('ACCEPTED');

    // A clerk flags at intake; a code the state does not use is refused, clearly.
    expect(() => service.flag({ scanSeq: scan.seq }, ['NO_DATE'], CLARA, 'no date')).toThrow(
      'NO_DATE does not apply under the North Carolina profile',
    );
    const flagged = service.flag(
      { scanSeq: scan.seq },
      ['WITNESS_INFO_INCOMPLETE'],
      CLARA,
      'witness address missing',
    );
    expect(flagged).toMatchObject({
      state: 'FLAGGED',
      ballotId: 'NC-1',
      scanSeq: scan.seq,
      voterId: 'NV1',
      profile: 'NC',
      openedBy: 'clara',
    });
    expect(flagged.deadline).toBe('2026-11-12T22:00:00.000Z'); // the day before the 10th-day canvass, 5 p.m. EST
    expect(flagged.notifyBy).not.toBeNull();

    // The notice letter: rendered, read back, and the case moves to NOTICE_SENT.
    clock.set('2026-11-04T15:00:00Z');
    const { ready, failed } = await prepareNotices(t.store, [flagged], service.profile(), 'en', '2026-11-04');
    expect(failed).toEqual([]);
    const text = (await pdfText(await renderNotices(ready.map((r) => r.notice)))).replace(/\s+/g, ' ');
    expect(text).toContain('ROSA M GARCIA');
    expect(text).toContain('12 ELM ST');
    expect(text).toContain(formatDeadline('2026-11-12T22:00:00.000Z', 'America/New_York', 'en'));
    expect(text).toContain('Thursday, November 12, 2026 at 5:00 PM EST');
    service.move(flagged.caseId, 'NOTICE_SENT', SUE, 'notice letter printed (en)', { channel: 'mail' });

    clock.set('2026-11-06T16:00:00Z');
    service.move(flagged.caseId, 'CURE_RECEIVED', CLARA, 'cure certification received by mail');
    clock.set('2026-11-06T17:00:00Z');
    expect(() => service.move(flagged.caseId, 'CURED', CLARA, 'looks complete')).toThrow(
      'only a supervisor can move a case to CURED',
    );
    expect(() => service.move(flagged.caseId, 'CURED', SUE, '   ')).toThrow('every cure step needs a reason');
    service.move(flagged.caseId, 'CURED', SUE, 'witness address supplied on the certification');
    clock.set('2026-11-06T18:00:00Z');
    expect(() => service.move(flagged.caseId, 'REJECTED', SUE, 'changed my mind')).toThrow(
      'case 1 is CURED: it cannot move to REJECTED',
    );
    const accepted = service.move(flagged.caseId, 'ACCEPTED', SUE, 'signature verified');
    expect(accepted.state).toBe('ACCEPTED');

    expect(t.store.cure.steps(flagged.caseId)).toEqual([
      {
        at: '2026-11-04T14:00:00.000Z',
        actor: 'clara',
        fromState: null,
        toState: 'FLAGGED',
        reason: 'witness address missing',
        detail: { codes: ['WITNESS_INFO_INCOMPLETE'] },
      },
      {
        at: '2026-11-04T15:00:00.000Z',
        actor: 'sue',
        fromState: 'FLAGGED',
        toState: 'NOTICE_SENT',
        reason: 'notice letter printed (en)',
        detail: { channel: 'mail' },
      },
      {
        at: '2026-11-06T16:00:00.000Z',
        actor: 'clara',
        fromState: 'NOTICE_SENT',
        toState: 'CURE_RECEIVED',
        reason: 'cure certification received by mail',
        detail: null,
      },
      {
        at: '2026-11-06T17:00:00.000Z',
        actor: 'sue',
        fromState: 'CURE_RECEIVED',
        toState: 'CURED',
        reason: 'witness address supplied on the certification',
        detail: null,
      },
      {
        at: '2026-11-06T18:00:00.000Z',
        actor: 'sue',
        fromState: 'CURED',
        toState: 'ACCEPTED',
        reason: 'signature verified',
        detail: null,
      },
    ]);
    expect(
      auditActions(String(flagged.caseId)).map((a) => [a.actor, a.action, a.after['state'] ?? null]),
    ).toEqual([
      ['clara', 'cure.flag', null],
      ['sue', 'cure.transition', 'NOTICE_SENT'],
      ['clara', 'cure.transition', 'CURE_RECEIVED'],
      ['sue', 'cure.transition', 'CURED'],
      ['sue', 'cure.transition', 'ACCEPTED'],
    ]);
    expect(t.store.verifyAudit().ok).toBe(true);

    // The ballot's story, as told on the phone, includes the cure.
    const history = ballotHistory(t.store, 'NC-1').filter((e) => e.event === 'cure');
    expect(history.map((e) => [e.by, e.detail])).toEqual([
      ['clara', 'cure case 1 →FLAGGED (WITNESS_INFO_INCOMPLETE): witness address missing'],
      ['sue', 'cure case 1 FLAGGED→NOTICE_SENT (WITNESS_INFO_INCOMPLETE): notice letter printed (en)'],
      [
        'clara',
        'cure case 1 NOTICE_SENT→CURE_RECEIVED (WITNESS_INFO_INCOMPLETE): cure certification received by mail',
      ],
      [
        'sue',
        'cure case 1 CURE_RECEIVED→CURED (WITNESS_INFO_INCOMPLETE): witness address supplied on the certification',
      ],
      ['sue', 'cure case 1 CURED→ACCEPTED (WITNESS_INFO_INCOMPLETE): signature verified'],
    ]);
    expect(ballotHistory(t.store, 'NC-1').map((e) => e.event)).toEqual([
      'issued',
      'scan',
      'cure',
      'cure',
      'cure',
      'cure',
      'cure',
    ]);

    // A closed case leaves the ballot free for a new flag (a new case, not the old one reopened).
    const again = service.flag({ ballotId: 'NC-1' }, ['NO_VOTER_SIGNATURE'], CLARA, 'second look');
    expect(again.caseId).not.toBe(flagged.caseId);
  });

  it('only flags a received envelope', () => {
    expect(() => service.flag({ ballotId: 'NC-2' }, ['NO_VOTER_SIGNATURE'], CLARA, 'x')).toThrow(
      'ballot NC-2 has no receipt: scan the envelope first',
    );
    intake.scan({ raw: 'NC-2', operator: 'clara' });
    const dup = intake.scan({ raw: 'NC-2', operator: 'clara' });
    expect(dup.verdict).toBe('DUPLICATE');
    expect(() => service.flag({ scanSeq: dup.seq }, ['NO_VOTER_SIGNATURE'], CLARA, 'x')).toThrow(
      /is not a receipt/,
    );
    expect(() => service.flag({ ballotId: 'NC-2' }, [], CLARA, 'x')).toThrow(
      'at least one cure code is required',
    );
  });

  it('expires open cases past the deadline to NOT_CURED, which a supervisor then rejects', () => {
    for (const b of ['NC-1', 'NC-2', 'NC-3']) intake.scan({ raw: b, operator: 'clara' });
    const c1 = service.flag({ ballotId: 'NC-1' }, ['NO_VOTER_SIGNATURE'], CLARA, 'unsigned');
    const c2 = service.flag({ ballotId: 'NC-2' }, ['SIGNATURE_MISMATCH'], CLARA, 'mismatch');
    const c3 = service.flag({ ballotId: 'NC-3' }, ['NO_WITNESS_SIGNATURE'], CLARA, 'no witness');
    service.move(c2.caseId, 'CURE_RECEIVED', CLARA, 'affidavit in');
    service.move(c3.caseId, 'CURE_RECEIVED', CLARA, 'affidavit in');
    service.move(c3.caseId, 'CURED', SUE, 'witness signed');

    clock.set('2026-11-12T21:59:59Z'); // one second before the deadline: nothing moves
    expect(service.expire(SUE)).toEqual([]);
    clock.set('2026-11-12T22:00:01Z');
    const expired = service.expire(SUE);
    expect(expired.map((c) => [c.caseId, c.state])).toEqual([
      [c1.caseId, 'NOT_CURED'],
      [c2.caseId, 'NOT_CURED'],
    ]);
    expect(t.store.cure.get(c3.caseId)?.state).toBe('CURED');
    expect(t.store.cure.steps(c1.caseId).at(-1)).toMatchObject({
      actor: 'sue',
      reason: 'cure deadline 2026-11-12T22:00:00.000Z passed',
    });
    expect(service.expire(SUE)).toEqual([]); // a second run finds nothing more

    expect(() => service.move(c1.caseId, 'REJECTED', CLARA, 'not cured')).toThrow('only a supervisor');
    expect(service.move(c1.caseId, 'REJECTED', SUE, 'not cured by the deadline').state).toBe('REJECTED');
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('puts problem verdicts in the review queue and resolves each only as its verdict allows', () => {
    t.store.config.set('receiptDeadline', '2026-11-03T19:30:00-05:00', 'setup', clock.now().toISOString());
    seedRoll(t.store, [
      rollRow({ ballotId: 'NC-4A', voterId: 'NV4', issuedAt: '2026-09-20' }),
      rollRow({ ballotId: 'NC-4B', voterId: 'NV4', issuedAt: '2026-10-10' }),
    ]);
    clock.set('2026-11-03T12:00:00Z');
    intake.scan({ raw: 'NC-1', operator: 'clara' });
    clock.set('2026-11-04T14:00:00Z');
    const dup = intake.scan({ raw: 'NC-1', operator: 'clara' });
    const late = intake.scan({ raw: 'NC-2', operator: 'clara' });
    const superseded = intake.scan({ raw: 'NC-4A', operator: 'clara' });
    const unknown = intake.scan({ raw: 'NOPE-1', operator: 'clara' });
    expect([dup.verdict, late.verdict, superseded.verdict, unknown.verdict]).toEqual([
      'DUPLICATE',
      'LATE',
      'SUPERSEDED',
      'UNKNOWN',
    ]);

    const queue = t.store.cure.queue({ kind: 'problem', offset: 0, limit: 50 });
    expect(queue.total).toBe(4);
    expect(queue.items.map((i) => [i.id, i.verdict, i.ballotId])).toEqual([
      [dup.seq, 'DUPLICATE', 'NC-1'],
      [late.seq, 'LATE', 'NC-2'],
      [superseded.seq, 'SUPERSEDED', 'NC-4A'],
      [unknown.seq, 'UNKNOWN', null],
    ]);
    expect(queue.items[0]).toMatchObject({ voterName: 'ROSA GARCIA', precinct: 'P-01' });

    expect(() => service.resolveProblem(dup.seq, 'set-aside-duplicate', CLARA, 'x')).toThrow(
      'only a supervisor resolves problem ballots',
    );
    expect(() => service.resolveProblem(dup.seq, 'accept-postmark', SUE, 'x')).toThrow(
      'a DUPLICATE scan is resolved as set-aside-duplicate, not accept-postmark',
    );
    expect(() => service.resolveProblem(late.seq, 'void', SUE, 'x')).toThrow(
      'a LATE scan is resolved as accept-postmark or reject-late, not void',
    );
    expect(() => service.resolveProblem(late.seq, 'accept-postmark', SUE, ' ')).toThrow(
      'a resolution needs a reason',
    );
    service.resolveProblem(dup.seq, 'set-aside-duplicate', SUE, 'second envelope set aside');
    service.resolveProblem(late.seq, PROBLEM_RESOLUTIONS.LATE[0], SUE, 'postmarked Nov 3');
    service.resolveProblem(superseded.seq, 'void', SUE, 'the newer ballot counts');
    expect(() => service.resolveProblem(dup.seq, 'set-aside-duplicate', SUE, 'again')).toThrow(
      `scan ${dup.seq} was already resolved (set-aside-duplicate) by sue`,
    );

    expect(t.store.cure.queue({ kind: 'problem', offset: 0, limit: 50 }).items.map((i) => i.verdict)).toEqual(
      ['UNKNOWN'],
    );
    expect(ballotHistory(t.store, 'NC-2').find((e) => e.event === 'resolution')).toMatchObject({
      by: 'sue',
      detail: 'LATE resolved: accept-postmark — postmarked Nov 3',
    });
    expect(t.store.verifyAudit().ok).toBe(true);
  });
});

describe('deadlines follow the codes (Arizona)', () => {
  it('recomputes the deadline when a code that closes earlier is added to an open case', () => {
    configureOffice(t.store, { profile: 'AZ', electionDate: '2026-11-03' });
    seedRoll(t.store, [rollRow({ ballotId: 'AZ-1', voterId: 'AV1' })]);
    clock.set('2026-11-03T20:00:00Z');
    intake.scan({ raw: 'AZ-1', operator: 'clara' });
    const mismatch = service.flag({ ballotId: 'AZ-1' }, ['SIGNATURE_MISMATCH'], CLARA, 'signature differs');
    expect(mismatch.deadline).toBe('2026-11-11T06:59:00.000Z'); // end of the fifth business day (Tue Nov 10), MST: A.R.S. 16-550(A)
    const both = service.flag(
      { ballotId: 'AZ-1' },
      ['NO_VOTER_SIGNATURE'],
      SUE,
      'no signature on the affidavit either',
    );
    expect(both.caseId).toBe(mismatch.caseId);
    expect(both.codes).toEqual(['SIGNATURE_MISMATCH', 'NO_VOTER_SIGNATURE']);
    expect(both.deadline).toBe('2026-11-04T02:00:00.000Z'); // polls close, 7 p.m. MST election day
    expect(t.store.cure.get(mismatch.caseId)?.deadline).toBe('2026-11-04T02:00:00.000Z');
    expect(t.store.cure.steps(mismatch.caseId).at(-1)).toMatchObject({
      fromState: 'FLAGGED',
      toState: 'FLAGGED',
      actor: 'sue',
      detail: { added: ['NO_VOTER_SIGNATURE'] },
    });
    expect(() => service.flag({ ballotId: 'AZ-1' }, ['WITNESS_INFO_INCOMPLETE'], CLARA, 'x')).toThrow(
      'WITNESS_INFO_INCOMPLETE does not apply under the Arizona profile',
    );

    clock.set('2026-11-04T02:00:01Z');
    expect(service.expire(SUE).map((c) => c.caseId)).toEqual([mismatch.caseId]);
  });
});

describe('the review queue at scale', () => {
  it('filters by kind, verdict, cure code, state, age and deadline, and pages through thousands of items', () => {
    configureOffice(t.store, { profile: 'NC', electionDate: '2026-11-03' });
    const N = 3000;
    seedRoll(
      t.store,
      Array.from({ length: N }, (_, i) =>
        rollRow({ ballotId: `Q-${String(i).padStart(5, '0')}`, voterId: `QV${i}`, precinct: `P-${i % 7}` }),
      ),
    );
    const codes: CureCode[] = ['NO_VOTER_SIGNATURE', 'WITNESS_INFO_INCOMPLETE'];
    // One transaction for the whole set-up (the services' own transactions nest as savepoints).
    t.store.write(() => {
      for (let i = 0; i < N; i += 1) {
        clock.set(new Date(Date.parse('2026-11-04T12:00:00Z') + i * 1000).toISOString());
        intake.scan({ raw: `Q-${String(i).padStart(5, '0')}`, operator: 'clara' });
      }
      for (let i = 0; i < 1200; i += 1) {
        clock.set(new Date(Date.parse('2026-11-05T12:00:00Z') + i * 1000).toISOString());
        intake.scan({ raw: `Q-${String(i).padStart(5, '0')}`, operator: 'clara' }); // DUPLICATE
      }
      for (let i = 0; i < 300; i += 1) intake.scan({ raw: `NOPE-${i}`, operator: 'clara' }); // UNKNOWN
      clock.set('2026-11-06T12:00:00Z');
      for (let i = 1500; i < 2500; i += 1) {
        const c = service.flag(
          { ballotId: `Q-${String(i).padStart(5, '0')}` },
          [codes[i % 2] ?? 'NO_VOTER_SIGNATURE'],
          CLARA,
          'flagged',
        );
        if (i % 5 === 0) service.move(c.caseId, 'NOTICE_SENT', SUE, 'letter');
      }
    });
    const q = (f: Partial<Parameters<typeof t.store.cure.queue>[0]> = {}) =>
      t.store.cure.queue({ offset: 0, limit: 500, ...f });

    expect(q().total).toBe(1200 + 300 + 1000);
    expect(q({ kind: 'problem' }).total).toBe(1500);
    expect(q({ kind: 'cure' }).total).toBe(1000);
    expect(q({ verdict: 'DUPLICATE' }).total).toBe(1200);
    expect(q({ verdict: 'UNKNOWN' }).total).toBe(300);
    expect(q({ cureCode: 'WITNESS_INFO_INCOMPLETE' }).total).toBe(500);
    expect(q({ state: 'NOTICE_SENT' }).total).toBe(200);
    expect(q({ state: 'FLAGGED', cureCode: 'NO_VOTER_SIGNATURE' }).total).toBe(400);
    expect(q({ olderThan: '2026-11-05T12:10:00Z', kind: 'problem' }).total).toBe(600);
    expect(q({ dueBefore: '2026-11-12T21:00:00Z' }).total).toBe(0);
    expect(q({ dueBefore: '2026-11-13T00:00:00Z' }).total).toBe(1000);

    // Paging: every item exactly once, in order, the last page short.
    const seen: string[] = [];
    let last = '';
    const sizes: number[] = [];
    for (let offset = 0; offset <= 2800; offset += 700) {
      const page = q({ offset, limit: 700 });
      expect(page.total).toBe(2500);
      sizes.push(page.items.length);
      for (const item of page.items) {
        expect(item.at >= last).toBe(true);
        last = item.at;
        seen.push(`${item.kind}:${item.id}`);
      }
    }
    expect(sizes).toEqual([700, 700, 700, 400, 0]);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);

    const page3 = q({ kind: 'cure', cureCode: 'WITNESS_INFO_INCOMPLETE', offset: 400, limit: 150 });
    expect(page3.total).toBe(500);
    expect(page3.items).toHaveLength(100);
    expect(
      page3.items.every(
        (i) => i.kind === 'cure' && i.codes.includes('WITNESS_INFO_INCOMPLETE') && i.voterName === 'JANE DOE',
      ),
    ).toBe(true);

    // Resolved problems and closed cases leave the queue.
    const firstDup = q({ verdict: 'DUPLICATE', limit: 1 }).items[0];
    service.resolveProblem(firstDup?.id ?? 0, 'set-aside-duplicate', SUE, 'set aside');
    const firstCase = q({ kind: 'cure', limit: 1 }).items[0];
    service.move(firstCase?.id ?? 0, 'ACCEPTED', SUE, 'flag withdrawn');
    expect(q().total).toBe(2498);
  });
});
