import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from '../../main/cure/mailer.js';
import { queueEmailNotice, sendQueuedNotices } from '../../main/cure/outbox.js';
import { CureService, type Actor } from '../../main/cure/service.js';
import { Intake } from '../../main/intake/intake.js';
import { ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from './setup.js';
import { startSmtp, type SmtpServer } from './smtp.js';
import { pdfText } from '../helpers/pdf.js';

const SUE: Actor = { name: 'sue', role: 'supervisor' };
const CLARA: Actor = { name: 'clara', role: 'clerk' };
const CHILD = path.join(ROOT, 'test', 'cure', 'outbox-child.ts');

let smtp: SmtpServer;
let t: ReturnType<typeof tempStore>;
let mailer: Mailer;
const clock = manualClock('2026-11-04T15:00:00Z');

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

beforeEach(() => {
  smtp.inbox.length = 0;
  smtp.onMessage = null;
  t = tempStore();
  configureOffice(t.store);
  seedRoll(t.store, [
    rollRow({
      ballotId: 'OB-1',
      voterId: 'OV1',
      firstName: 'ROSA',
      lastName: 'GARCIA',
      mailAddress: '12 ELM ST',
      mailCity: 'DURHAM',
      mailState: 'NC',
      mailZip: '27701',
    }),
    rollRow({ ballotId: 'OB-2', voterId: 'OV2', firstName: 'AMIR', lastName: 'HADDAD' }),
    rollRow({ ballotId: 'OB-3', voterId: 'OV3', firstName: 'LENA', lastName: 'OKAFOR' }),
  ]);
  const intake = new Intake(t.store, 'ST1', clock.now);
  for (const b of ['OB-1', 'OB-2', 'OB-3']) intake.scan({ raw: b, operator: 'clara' });
  mailer = createMailer({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    from: 'Elections <elections@wake.example.org>',
  });
});
afterEach(() => {
  mailer.close();
  t.cleanup();
});

function flag(ballotId: string) {
  return new CureService(t.store, clock.now).flag({ ballotId }, ['NO_VOTER_SIGNATURE'], CLARA, 'unsigned');
}

/** A child station process; resolves `ready` when it prints the line. */
function child(args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.split('\n').includes(line) && resolve();
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        check();
      });
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('exit', (code) => reject(new Error(`child exited ${code} before printing "${line}": ${err}`)));
    });
  return { p, exited, printed, output: () => out };
}

const statuses = () =>
  t.store.db
    .prepare('SELECT notice_id, status, attempts, message_id FROM notice_outbox ORDER BY notice_id')
    .all() as {
    notice_id: number;
    status: string;
    attempts: number;
    message_id: string;
  }[];

describe('queueing an e-mail notice', () => {
  it('queues the row with a fresh Message-ID in the same transaction as the move to NOTICE_SENT', async () => {
    const c = flag('OB-1');
    const q = await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'rosa@example.net', language: 'en' },
      SUE,
      clock.now,
    );
    expect(q).toMatchObject({ caseId: c.caseId, status: 'queued', cureCase: { state: 'NOTICE_SENT' } });
    expect(q.messageId).toMatch(/^<cure-\d+\.[0-9a-f-]{36}@wake\.example\.org>$/);
    const [row] = t.store.cure.notices.ofCase(c.caseId);
    expect(row).toMatchObject({
      channel: 'email',
      recipient: 'rosa@example.net',
      message_id: q.messageId,
      status: 'queued',
      attempts: 0,
    });
    const step = t.store.cure.steps(c.caseId).at(-1);
    expect(step).toMatchObject({
      actor: 'sue',
      fromState: 'FLAGGED',
      toState: 'NOTICE_SENT',
      detail: { channel: 'email', messageId: q.messageId },
    });
    expect(t.store.verifyAudit().ok).toBe(true);
    const again = await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'rosa@example.net', language: 'es' },
      SUE,
      clock.now,
    );
    expect(again.messageId).not.toBe(q.messageId);
    expect(again.cureCase.state).toBe('NOTICE_SENT');
  });

  it('queues nothing when the move to NOTICE_SENT fails (one transaction)', async () => {
    const c = flag('OB-3');
    // A real fault inside SQLite, after the outbox insert and before the commit.
    t.store.db.exec(
      "CREATE TEMP TRIGGER refuse_notice BEFORE UPDATE OF state ON cure_cases WHEN NEW.state = 'NOTICE_SENT' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END",
    );
    await expect(
      queueEmailNotice(
        t.store,
        { caseId: c.caseId, email: 'lena@example.net', language: 'en' },
        SUE,
        clock.now,
      ),
    ).rejects.toThrow('disk trouble');
    expect(t.store.cure.notices.ofCase(c.caseId)).toEqual([]);
    expect(t.store.cure.get(c.caseId)?.state).toBe('FLAGGED');
    expect(
      t.store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'cure.notice-queued'").get(),
    ).toEqual({ n: 0 });
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('only queues a notice on a case past FLAGGED, and refuses closed cases, clerks and bad addresses', async () => {
    const c = flag('OB-2');
    const service = new CureService(t.store, clock.now);
    service.move(c.caseId, 'CURE_RECEIVED', CLARA, 'affidavit arrived');
    const q = await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'amir@example.net', language: 'en' },
      SUE,
      clock.now,
    );
    expect(q.cureCase.state).toBe('CURE_RECEIVED');
    expect(t.store.cure.steps(c.caseId).map((s) => s.toState)).toEqual(['FLAGGED', 'CURE_RECEIVED']);
    await expect(
      queueEmailNotice(
        t.store,
        { caseId: c.caseId, email: 'amir@example.net', language: 'en' },
        CLARA,
        clock.now,
      ),
    ).rejects.toThrow(/only a supervisor/);
    await expect(
      queueEmailNotice(
        t.store,
        { caseId: c.caseId, email: 'not an address', language: 'en' },
        SUE,
        clock.now,
      ),
    ).rejects.toThrow(/is not an e-mail address/);
    service.move(c.caseId, 'CURED', SUE, 'affidavit complete');
    await expect(
      queueEmailNotice(
        t.store,
        { caseId: c.caseId, email: 'amir@example.net', language: 'en' },
        SUE,
        clock.now,
      ),
    ).rejects.toThrow(/is CURED: no notice/);
    await expect(
      queueEmailNotice(t.store, { caseId: 999, email: 'amir@example.net', language: 'en' }, SUE, clock.now),
    ).rejects.toThrow(/no cure case 999/);
    expect(t.store.cure.notices.ofCase(c.caseId)).toHaveLength(1);
  });

  it('refuses, per case, a voter whose address cannot be laid out for the attached letter', async () => {
    seedRoll(t.store, [
      rollRow({
        ballotId: 'OB-LONG',
        voterId: 'OV9',
        mailAddress: `${'VERY LONG STREET NAME '.repeat(6)}1`,
        mailCity: 'DURHAM',
        mailZip: '27701',
      }),
    ]);
    new Intake(t.store, 'ST1', clock.now).scan({ raw: 'OB-LONG', operator: 'clara' });
    const c = flag('OB-LONG');
    await expect(
      queueEmailNotice(t.store, { caseId: c.caseId, email: 'x@example.net', language: 'en' }, SUE, clock.now),
    ).rejects.toThrow(
      /ballot OB-LONG: the mailing address \(3 lines\) does not fit the #10 envelope window: line 2 is too long/,
    );
    expect(t.store.cure.get(c.caseId)?.state).toBe('FLAGGED');
    expect(t.store.cure.notices.ofCase(c.caseId)).toEqual([]);
  });
});

describe('sending the outbox', () => {
  it('sends the notice text with the letter attached, under the queued Message-ID', async () => {
    const c = flag('OB-1');
    const q = await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'rosa@example.net', language: 'es' },
      SUE,
      clock.now,
    );
    const report = await sendQueuedNotices(t.store, mailer, { actor: 'sue', clock: clock.now });
    expect(report).toEqual({
      sent: [{ noticeId: q.noticeId, caseId: c.caseId, messageId: q.messageId, resent: false }],
      retrying: [],
      failed: [],
    });
    expect(smtp.inbox).toHaveLength(1);
    const m = smtp.inbox[0];
    expect(m?.to).toEqual(['rosa@example.net']);
    expect(m?.messageId).toBe(q.messageId);
    expect(m?.subject).toContain('2026 General Election');
    expect(m?.text).toContain('ROSA GARCIA');
    expect(m?.text).toContain('Falta su firma en el sobre de devolución.');
    const pdf = m?.attachments[0];
    expect(pdf).toMatchObject({ filename: 'aviso-OB-1.pdf', contentType: 'application/pdf' });
    const text = (await pdfText(pdf?.content ?? Buffer.alloc(0))).replace(/\s+/g, ' ');
    expect(text).toContain('ROSA GARCIA');
    expect(text).toContain('12 ELM ST');
    const [row] = t.store.cure.notices.ofCase(c.caseId);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      sent_at: clock.now().toISOString(),
      last_error: null,
    });
    expect(t.store.cure.steps(c.caseId).at(-1)).toMatchObject({
      actor: 'sue',
      reason: 'notice email sent (es)',
      fromState: 'NOTICE_SENT',
      toState: 'NOTICE_SENT',
    });
    expect(t.store.verifyAudit().ok).toBe(true);
    expect(await sendQueuedNotices(t.store, mailer)).toEqual({ sent: [], retrying: [], failed: [] });
    expect(smtp.inbox).toHaveLength(1);
  });

  it('sends each notice queued before a crash exactly once, and nothing on the next run', async () => {
    const cases = ['OB-1', 'OB-2', 'OB-3'].map((b) => flag(b).caseId);
    const station = child(['queue', t.dbPath, ...cases.map((id, i) => `${id}:voter${i}@example.net`)]);
    await station.printed('queued');
    station.p.kill('SIGKILL');
    await station.exited;
    const queued = station
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { noticeId: number; messageId: string });
    expect(queued).toHaveLength(3);
    expect(statuses().map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    expect(cases.map((id) => t.store.cure.get(id)?.state)).toEqual([
      'NOTICE_SENT',
      'NOTICE_SENT',
      'NOTICE_SENT',
    ]);
    expect(smtp.inbox).toEqual([]);

    const first = await sendQueuedNotices(t.store, mailer);
    expect(first.sent.map((s) => s.messageId)).toEqual(queued.map((q) => q.messageId));
    expect(smtp.inbox.map((m) => m.messageId).sort()).toEqual(queued.map((q) => q.messageId).sort());
    expect(smtp.inbox.map((m) => m.to[0]).sort()).toEqual([
      'voter0@example.net',
      'voter1@example.net',
      'voter2@example.net',
    ]);
    const second = await sendQueuedNotices(t.store, mailer);
    expect(second.sent).toEqual([]);
    expect(smtp.inbox).toHaveLength(3);
    expect(statuses().map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('re-sends a notice left `sending` by a crash with the SAME Message-ID (the at-least-once window)', async () => {
    for (const [i, b] of ['OB-1', 'OB-2', 'OB-3'].entries())
      await queueEmailNotice(
        t.store,
        { caseId: flag(b).caseId, email: `voter${i}@example.net`, language: 'en' },
        SUE,
        clock.now,
      );
    const ids = statuses().map((r) => r.message_id);
    // The server has the whole first message but the sender is killed before it hears "250".
    let killed: Promise<number | null> | null = null;
    const sender = child(['send', t.dbPath, String(smtp.port)]);
    smtp.onMessage = () => {
      sender.p.kill('SIGKILL');
      killed = sender.exited;
      return 'hold';
    };
    await sender.exited;
    expect(killed).not.toBeNull();
    smtp.onMessage = null;
    expect(smtp.inbox.map((m) => m.messageId)).toEqual([ids[0]]);
    expect(statuses().map((r) => [r.status, r.attempts])).toEqual([
      ['sending', 1],
      ['queued', 0],
      ['queued', 0],
    ]);
    expect(fs.existsSync(`${t.dbPath}.notice-sender-lock`)).toBe(true); // the dead sender's lock

    const report = await sendQueuedNotices(t.store, mailer);
    expect(report.sent.map((s) => [s.messageId, s.resent])).toEqual([
      [ids[0], true],
      [ids[1], false],
      [ids[2], false],
    ]);
    // The first notice reached the server twice, under one Message-ID the receiving side can collapse.
    expect(smtp.inbox.map((m) => m.messageId)).toEqual([ids[0], ids[0], ids[1], ids[2]]);
    expect(statuses().map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect((await sendQueuedNotices(t.store, mailer)).sent).toEqual([]);
    expect(smtp.inbox).toHaveLength(4);
  });

  it('keeps a notice queued while the mail server is down, and gives up after the last attempt', async () => {
    const c = flag('OB-1');
    await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'rosa@example.net', language: 'en' },
      SUE,
      clock.now,
    );
    const down = createMailer({
      host: '127.0.0.1',
      port: await closedPort(),
      secure: false,
      from: 'elections@wake.example.org',
    });
    try {
      const r1 = await sendQueuedNotices(t.store, down, { maxAttempts: 2 });
      expect(r1.retrying).toMatchObject([
        { caseId: c.caseId, error: expect.stringContaining('connection refused') as unknown },
      ]);
      expect(t.store.cure.notices.ofCase(c.caseId)[0]).toMatchObject({
        status: 'queued',
        attempts: 1,
        last_error: expect.stringContaining('ECONNREFUSED') as unknown,
      });
      const r2 = await sendQueuedNotices(t.store, down, { maxAttempts: 2 });
      expect(r2.failed).toMatchObject([
        { caseId: c.caseId, error: expect.stringContaining('gave up after 2 attempts') as unknown },
      ]);
      expect(t.store.cure.notices.ofCase(c.caseId)[0]).toMatchObject({ status: 'failed', attempts: 2 });
    } finally {
      down.close();
    }
    expect(await sendQueuedNotices(t.store, mailer)).toEqual({ sent: [], retrying: [], failed: [] });
    expect(smtp.inbox).toEqual([]);
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('withdraws a queued notice whose case was closed before it went out', async () => {
    const c = flag('OB-2');
    await queueEmailNotice(
      t.store,
      { caseId: c.caseId, email: 'amir@example.net', language: 'en' },
      SUE,
      clock.now,
    );
    new CureService(t.store, clock.now).move(
      c.caseId,
      'ACCEPTED',
      SUE,
      'flagged in error: the signature is on the flap',
    );
    const report = await sendQueuedNotices(t.store, mailer);
    expect(report.failed).toEqual([
      {
        noticeId: expect.any(Number) as unknown,
        caseId: c.caseId,
        error: `withdrawn: case ${c.caseId} is ACCEPTED: no notice is sent once a case is cured or closed`,
      },
    ]);
    expect(smtp.inbox).toEqual([]);
    expect(t.store.cure.notices.ofCase(c.caseId)[0]).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('refuses to run beside a live sender', async () => {
    fs.writeFileSync(
      `${t.dbPath}.notice-sender-lock`,
      JSON.stringify({ pid: process.pid, host: os.hostname(), since: 'now' }),
    );
    await expect(sendQueuedNotices(t.store, mailer)).rejects.toThrow(
      `another notice sender is running (process ${process.pid}`,
    );
  });
});

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
