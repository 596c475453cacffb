import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from './setup.js';
import { startSmtp, type SmtpServer } from './smtp.js';
import { pdfText } from '../helpers/pdf.js';

// The cure and review methods through the real router: schemas, roles and handlers together.

let t: ReturnType<typeof tempStore>;
let api: ReturnType<typeof apiFor>;
let smtp: SmtpServer;
const clock = manualClock('2026-11-04T15:00:00Z');

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

beforeEach(() => {
  smtp.inbox.length = 0;
  clock.set('2026-11-04T15:00:00Z');
  t = tempStore();
  configureOffice(t.store, { profile: 'NC', electionDate: '2026-11-03' });
  seedRoll(t.store, [
    rollRow({ ballotId: 'AP-1', voterId: 'AV1', firstName: 'ROSA', lastName: 'GARCIA' }),
    rollRow({
      ballotId: 'AP-2',
      voterId: 'AV2',
      firstName: 'WALTER',
      lastName: 'LONGADDRESS',
      mailAddress: `${'RURAL ROUTE '.repeat(8)}BOX 1`,
      mailCity: 'ZEBULON',
      mailZip: '27597',
    }),
    rollRow({ ballotId: 'AP-3', voterId: 'AV3', firstName: 'LENA', lastName: 'OKAFOR' }),
  ]);
  const intake = new Intake(t.store, 'ST1', clock.now);
  for (const b of ['AP-1', 'AP-2', 'AP-3', 'AP-3']) intake.scan({ raw: b, operator: 'clara' });
  api = apiFor(t.store, clock.now);
});
afterEach(() => t.cleanup());

const clara = () => api.as('clara', 'clerk');
const sue = () => api.as('sue', 'supervisor');

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
}

async function flag(ballotId: string): Promise<number> {
  return (
    await ok<{ caseId: number }>(
      api.call(clara(), 'cure.flag', { ballotId, codes: ['NO_VOTER_SIGNATURE'], reason: 'unsigned' }),
    )
  ).caseId;
}

describe('cure methods through the router', () => {
  it('serves the profile, flags as a clerk, and refuses a clerk a supervisor-only move', async () => {
    const profile = await ok<{ code: string; cureDeadline: string; codes: { code: string }[] }>(
      api.call(clara(), 'cure.profile', {}),
    );
    expect(profile).toMatchObject({ code: 'NC', cureDeadline: '2026-11-12T22:00:00.000Z' });
    expect(profile.codes.map((c) => c.code)).toContain('WITNESS_INFO_INCOMPLETE');
    expect(await api.call(clara(), 'cure.flag', { ballotId: 'AP-1', codes: ['NO_DATE'] })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'NO_DATE does not apply under the North Carolina profile' },
    });
    const caseId = await flag('AP-1');
    expect(await api.call(clara(), 'cure.move', { caseId, to: 'CURED', reason: 'ok' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'only a supervisor can move a case to CURED' },
    });
    expect(
      await api.call(clara(), 'cure.move', { caseId, to: 'CURE_RECEIVED', reason: 'affidavit in' }),
    ).toMatchObject({ ok: true, value: { state: 'CURE_RECEIVED' } });
    expect(await api.call(clara(), 'cure.expire', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('renders the letters it can and reports, per case, the ones it cannot', async () => {
    const good = await flag('AP-1');
    const long = await flag('AP-2');
    const r = await ok<{
      filename: string;
      pdfBase64: string;
      csv: string;
      moved: number;
      failed: unknown[];
    }>(api.call(sue(), 'cure.notices', { caseIds: [good, long], language: 'en' }));
    expect(r.moved).toBe(1);
    expect(r.filename).toBe('cure-notices-2026-11-04.pdf');
    expect(r.failed).toEqual([
      {
        caseId: long,
        ballotId: 'AP-2',
        error: expect.stringMatching(
          /^ballot AP-2: the mailing address \(3 lines\) does not fit the #10 envelope window: line 2 is too long/,
        ) as unknown,
      },
    ]);
    const text = await pdfText(Buffer.from(r.pdfBase64, 'base64'));
    expect(text).toContain('ROSA GARCIA');
    expect(text).not.toContain('LONGADDRESS');
    expect(r.csv).toContain('ROSA GARCIA');
    expect(t.store.cure.get(good)?.state).toBe('NOTICE_SENT');
    expect(t.store.cure.get(long)?.state).toBe('FLAGGED');

    const none = await ok<{ pdfBase64: string | null; failed: unknown[] }>(
      api.call(sue(), 'cure.notices', { caseIds: [long], language: 'es' }),
    );
    expect(none).toMatchObject({ filename: null, pdfBase64: null, csv: null, moved: 0 });
    expect(none.failed).toHaveLength(1);
    expect(await api.call(sue(), 'cure.notices', { caseIds: [999], language: 'en' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('queues an e-mail notice for supervisors only, and sends the outbox through the configured server', async () => {
    const caseId = await flag('AP-1');
    expect(
      await api.call(clara(), 'cure.emailNotice', { caseId, email: 'rosa@example.net', language: 'en' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await api.call(sue(), 'cure.emailNotice', { caseId, email: 'rosa at example', language: 'en' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', issues: [{ path: 'email' }] },
    });
    const q = await ok<{ messageId: string; cureCase: { state: string } }>(
      api.call(sue(), 'cure.emailNotice', { caseId, email: 'rosa@example.net', language: 'en' }),
    );
    expect(q.cureCase.state).toBe('NOTICE_SENT');

    expect(await api.call(sue(), 'cure.sendNotices', {})).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringContaining('set the mail server first') as unknown },
    });
    t.store.config.set(
      'smtp',
      {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: 'Wake Elections <elections@wake.example.org>',
      },
      'sue',
      clock.now().toISOString(),
    );
    const sent = await ok<{ sent: { messageId: string }[] }>(api.call(sue(), 'cure.sendNotices', {}));
    expect(sent.sent.map((s) => s.messageId)).toEqual([q.messageId]);
    expect(smtp.inbox.map((m) => [m.to[0], m.messageId])).toEqual([['rosa@example.net', q.messageId]]);

    const detail = await ok<{ notices: unknown[] }>(
      api.call(sue(), 'review.detail', { kind: 'cure', id: caseId }),
    );
    expect(detail.notices).toEqual([
      expect.objectContaining({
        channel: 'email',
        status: 'sent',
        attempts: 1,
        messageId: q.messageId,
        sentAt: clock.now().toISOString(),
      }),
    ]);
  });
});

describe('review methods through the router', () => {
  it('pages and filters the queue, with age and deadline windows from the station clock', async () => {
    const caseId = await flag('AP-1');
    expect(await api.call(clara(), 'review.queue', { offset: 0, limit: 10 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const all = await ok<{ total: number; items: { kind: string; id: number; verdict: string | null }[] }>(
      api.call(sue(), 'review.queue', { offset: 0, limit: 10 }),
    );
    expect(all.total).toBe(2);
    expect(all.items.map((i) => [i.kind, i.verdict])).toEqual([
      ['cure', null], // same instant: cure cases before problems, then by id
      ['problem', 'DUPLICATE'],
    ]);
    const q = (input: Record<string, unknown>) =>
      ok<{ total: number }>(api.call(sue(), 'review.queue', { offset: 0, limit: 10, ...input }));
    expect((await q({ kind: 'cure', cureCode: 'NO_VOTER_SIGNATURE', state: 'FLAGGED' })).total).toBe(1);
    expect((await q({ verdict: 'DUPLICATE' })).total).toBe(1);
    expect((await q({ olderThanHours: 1 })).total).toBe(0); // everything happened "now"
    clock.set('2026-11-04T17:00:00Z');
    expect((await q({ olderThanHours: 1 })).total).toBe(2);
    expect((await q({ dueWithinHours: 24 })).total).toBe(0); // due 2026-11-12
    expect((await q({ dueWithinHours: 24 * 9 })).total).toBe(1);
    expect(await api.call(sue(), 'review.queue', { offset: 0, limit: 501 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(caseId).toBeGreaterThan(0);
  });

  it('shows a case or a problem in detail, and resolves problems in bulk with per-scan failures', async () => {
    const caseId = await flag('AP-1');
    const d = await ok<{
      ballot: { ballotId: string; history: { event: string }[] };
      steps: unknown[];
      nextStates: string[];
      scan: { seq: number };
    }>(api.call(sue(), 'review.detail', { kind: 'cure', id: caseId }));
    expect(d.ballot.ballotId).toBe('AP-1');
    expect(d.ballot.history.map((e) => e.event)).toEqual(['issued', 'scan', 'cure']);
    expect(d.steps).toHaveLength(1);
    expect(d.nextStates).toEqual(['NOTICE_SENT', 'CURE_RECEIVED', 'NOT_CURED', 'ACCEPTED', 'REJECTED']);
    expect(d.scan.seq).toBe(1);

    const dupSeq = 4;
    const p = await ok<{ scan: { verdict: string }; resolutions: string[] }>(
      api.call(sue(), 'review.detail', { kind: 'problem', id: dupSeq }),
    );
    expect(p).toMatchObject({
      scan: { verdict: 'DUPLICATE' },
      resolutions: ['set-aside-duplicate'],
      cureCase: null,
    });
    expect(await api.call(sue(), 'review.detail', { kind: 'cure', id: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await api.call(sue(), 'review.detail', { kind: 'problem', id: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });

    const r = await ok<{ resolved: number; failed: { seq: number; error: string }[] }>(
      api.call(sue(), 'review.resolve', {
        seqs: [dupSeq, 1, 999],
        resolution: 'set-aside-duplicate',
        reason: 'second envelope',
      }),
    );
    expect(r.resolved).toBe(1);
    expect(r.failed).toEqual([
      { seq: 1, error: 'scan 1 was accepted: nothing to resolve' },
      { seq: 999, error: 'no scan 999' },
    ]);
    expect(
      await ok<{ resolutions: string[] }>(api.call(sue(), 'review.detail', { kind: 'problem', id: dupSeq })),
    ).toMatchObject({ resolutions: [] });
    expect(
      await api.call(clara(), 'review.resolve', { seqs: [dupSeq], resolution: 'x', reason: 'y' }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(t.store.verifyAudit().ok).toBe(true);
  });
});
