import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../main/auth/auth.js';
import { Store } from '../../main/store/store.js';
import { intake, intakeAsync } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir, withStoreAt } from '../helpers/station.js';
import { configureOffice } from './setup.js';
import { startSmtp, type SmtpServer } from './smtp.js';
import { pdfText } from '../helpers/pdf.js';

// `intake cure …` through the real binary (npm run build first) against a temp database. The
// CLI runs on the real clock, so the election is in the past: every cure deadline has passed
// by the time `cure expire` runs.

let t: ReturnType<typeof tempDir>;
let db: string;
let smtp: SmtpServer;
const env = (more: NodeJS.ProcessEnv = {}) => ({
  env: { INTAKE_DB: db, INTAKE_PIN: '', INTAKE_SMTP_PASS: '', ...more },
});
const send = (more: NodeJS.ProcessEnv = {}) =>
  intakeAsync(['cure', 'send', '--operator', 'sue'], { env: { INTAKE_DB: db, INTAKE_PIN: '', ...more } });

const withStore = <T>(fn: (store: Store) => T): T => withStoreAt(db, fn);

beforeAll(async () => {
  t = tempDir('intake-cure-cli-');
  db = path.join(t.dir, 'station.db');
  smtp = await startSmtp();
  withStore((store) => {
    configureOffice(store, { profile: 'NC', electionDate: '2024-11-05' });
    seedRoll(store, [
      rollRow({
        ballotId: 'CL-1',
        voterId: 'CV1',
        firstName: 'ROSA',
        lastName: 'GARCIA',
        mailAddress: '12 ELM ST',
        mailCity: 'DURHAM',
        mailState: 'NC',
        mailZip: '27701',
      }),
      rollRow({
        ballotId: 'CL-2',
        voterId: 'CV2',
        firstName: 'WALTER',
        lastName: 'LONGADDRESS',
        mailAddress: `${'RURAL ROUTE '.repeat(8)}BOX 1`,
        mailCity: 'ZEBULON',
        mailZip: '27597',
      }),
      rollRow({ ballotId: 'CL-3', voterId: 'CV3', firstName: 'LENA', lastName: 'OKAFOR' }),
    ]);
  });
});
afterAll(async () => {
  await smtp.close();
  t.cleanup();
});

describe('intake cure', { timeout: 120_000 }, () => {
  it('flags received envelopes, refusing codes the state does not use', () => {
    const scan = intake(['scan', '--station', 'ST1', '--operator', 'clara'], {
      ...env(),
      input: 'CL-1\nCL-2\nCL-3\nCL-3\n',
    });
    expect(scan.lines<{ verdict: string }>().map((l) => l.verdict)).toEqual([
      'ACCEPTED',
      'ACCEPTED',
      'ACCEPTED',
      'DUPLICATE',
    ]);

    const r = intake(
      [
        'cure',
        'flag',
        '--ballot',
        'CL-1',
        '--code',
        'no_voter_signature',
        '--reason',
        'unsigned',
        '--operator',
        'clara',
      ],
      env(),
    );
    expect(r.stderr).toBe('');
    expect(r.json()).toMatchObject({
      caseId: 1,
      ballotId: 'CL-1',
      state: 'FLAGGED',
      codes: ['NO_VOTER_SIGNATURE'],
      openedBy: 'clara',
      deadline: '2024-11-14T22:00:00.000Z',
    });
    expect(
      intake(
        ['cure', 'flag', '--seq', '2', '--code', 'WITNESS_INFO_INCOMPLETE', '--operator', 'clara'],
        env(),
      ).json(),
    ).toMatchObject({ caseId: 2, ballotId: 'CL-2' });
    expect(
      intake(
        ['cure', 'flag', '--ballot', 'CL-3', '--code', 'SIGNATURE_MISMATCH', '--operator', 'clara'],
        env(),
      ).status,
    ).toBe(0);

    const foreign = intake(
      ['cure', 'flag', '--ballot', 'CL-3', '--code', 'NO_DATE', '--operator', 'clara'],
      env(),
    );
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toBe('intake cure: NO_DATE does not apply under the North Carolina profile\n');
    const bogus = intake(
      ['cure', 'flag', '--ballot', 'CL-3', '--code', 'BOGUS', '--operator', 'clara'],
      env(),
    );
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain('not BOGUS');
    const duplicate = intake(
      ['cure', 'flag', '--seq', '4', '--code', 'NO_VOTER_SIGNATURE', '--operator', 'clara'],
      env(),
    );
    expect(duplicate).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('scan 4 (DUPLICATE) is not a receipt') as unknown,
    });

    const list = intake(['cure', 'list', '--state', 'flagged'], env());
    expect(list.json<{ caseId: number }[]>().map((c) => c.caseId)).toEqual([1, 2, 3]);
    expect(
      intake(['cure', 'list', '--ballot', 'CL-2'], env())
        .json<{ caseId: number }[]>()
        .map((c) => c.caseId),
    ).toEqual([2]);
    expect(intake(['cure', 'list', '--state', 'LOST'], env()).status).toBe(2);
  });

  it('prints the letters it can, names the cases it cannot, and exits 1 for the partial run', async () => {
    const pdf = path.join(t.dir, 'letters.pdf');
    const csv = path.join(t.dir, 'letters.csv');
    const r = intake(
      ['cure', 'notice', '--case', '1', '--case', '2', '--out', pdf, '--csv', csv, '--operator', 'sue'],
      env(),
    );
    expect(r.status).toBe(1);
    expect(r.json()).toMatchObject({
      notices: 1,
      moved: 1,
      pdf,
      csv,
      failed: [{ caseId: 2, ballotId: 'CL-2' }],
    });
    expect(r.stderr).toMatch(
      /^intake cure: case 2 \(ballot CL-2\) not noticed: ballot CL-2: the mailing address \(3 lines\) does not fit the #10 envelope window/,
    );
    const text = (await pdfText(fs.readFileSync(pdf))).replace(/\s+/g, ' ');
    expect(text).toContain('ROSA GARCIA');
    expect(text).toContain('Thursday, November 14, 2024 at 5:00 PM EST');
    expect(text).not.toContain('LONGADDRESS');
    expect(fs.statSync(pdf).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(csv, 'utf8')).toContain('ROSA GARCIA');

    const none = intake(
      ['cure', 'notice', '--case', '2', '--out', path.join(t.dir, 'none.pdf'), '--operator', 'sue'],
      env(),
    );
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('none of the 1 cases could be noticed');
    expect(fs.existsSync(path.join(t.dir, 'none.pdf'))).toBe(false);
    expect(
      intake(['cure', 'notice', '--case', '99', '--out', pdf, '--operator', 'sue'], env()).stderr,
    ).toContain('no cure case 99');
  });

  it('queues an e-mail notice and sends it once through the configured server', async () => {
    const usage = intake(
      ['cure', 'notice', '--case', '3', '--case', '1', '--email', 'lena@example.net', '--operator', 'sue'],
      env(),
    );
    expect(usage.status).toBe(2);
    expect(
      intake(['cure', 'notice', '--case', '3', '--email', 'lena.example.net', '--operator', 'sue'], env())
        .stderr,
    ).toContain('is not an e-mail address');
    const q = intake(
      [
        'cure',
        'notice',
        '--case',
        '3',
        '--email',
        'lena@example.net',
        '--language',
        'es',
        '--operator',
        'sue',
      ],
      env(),
    );
    expect(q.stderr).toBe('');
    const queued = q.json<{ messageId: string; status: string; cureCase: { state: string } }>();
    expect(queued).toMatchObject({ status: 'queued', cureCase: { state: 'NOTICE_SENT' } });

    const unset = await send();
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('set the mail server first');
    const smtpConfig = JSON.stringify({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'Wake Elections <elections@wake.example.org>',
      user: 'elections',
    });
    expect(intake(['config', 'set', 'smtp', smtpConfig], env()).status).toBe(0);
    const noPass = await send();
    expect(noPass).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('needs a password: set INTAKE_SMTP_PASS') as unknown,
    });

    const sent = await send({ INTAKE_SMTP_PASS: 's3cret' });
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    expect(sent.json()).toMatchObject({
      sent: [{ caseId: 3, messageId: queued.messageId, resent: false }],
      retrying: [],
      failed: [],
    });
    expect(smtp.logins).toEqual([{ username: 'elections', password: 's3cret' }]);
    expect(smtp.inbox.map((m) => [m.to[0], m.messageId])).toEqual([['lena@example.net', queued.messageId]]);
    expect(smtp.inbox[0]?.text).toContain('LENA OKAFOR');
    expect(smtp.inbox[0]?.attachments.map((a) => a.filename)).toEqual(['aviso-CL-3.pdf']);

    const again = await send({ INTAKE_SMTP_PASS: 's3cret' });
    expect(again.json()).toEqual({ sent: [], retrying: [], failed: [] });
    expect(smtp.inbox).toHaveLength(1);
  });

  it('receives, resolves and expires cases, and resolves problem scans', () => {
    expect(
      intake(
        ['cure', 'receive', '--case', '1', '--reason', 'affidavit returned', '--operator', 'clara'],
        env(),
      ).json(),
    ).toMatchObject({ state: 'CURE_RECEIVED' });
    expect(intake(['cure', 'receive', '--case', '1', '--operator', 'clara'], env()).status).toBe(2); // a step needs a reason
    expect(
      intake(
        [
          'cure',
          'resolve',
          '--case',
          '1',
          '--to',
          'cured',
          '--reason',
          'affidavit complete',
          '--operator',
          'sue',
        ],
        env(),
      ).json(),
    ).toMatchObject({ state: 'CURED' });
    expect(
      intake(['cure', 'resolve', '--case', '1', '--to', 'LOST', '--reason', 'x', '--operator', 'sue'], env())
        .status,
    ).toBe(2);

    const expired = intake(['cure', 'expire', '--operator', 'sue'], env());
    expect(
      expired
        .json<{ expired: { caseId: number; state: string }[] }>()
        .expired.map((c) => [c.caseId, c.state]),
    ).toEqual([
      [2, 'NOT_CURED'],
      [3, 'NOT_CURED'],
    ]);
    expect(intake(['cure', 'expire', '--operator', 'sue'], env()).json()).toEqual({ expired: [] });
    expect(
      intake(
        [
          'cure',
          'resolve',
          '--case',
          '2',
          '--to',
          'REJECTED',
          '--reason',
          'not cured by the deadline',
          '--operator',
          'sue',
        ],
        env(),
      ).json(),
    ).toMatchObject({
      state: 'REJECTED',
    });

    const wrong = intake(
      ['cure', 'resolve', '--seq', '4', '--resolution', 'void', '--reason', 'x', '--operator', 'sue'],
      env(),
    );
    expect(wrong).toMatchObject({
      status: 1,
      stderr: 'intake cure: a DUPLICATE scan is resolved as set-aside-duplicate, not void\n',
    });
    expect(
      intake(
        [
          'cure',
          'resolve',
          '--seq',
          '4',
          '--resolution',
          'set-aside-duplicate',
          '--reason',
          'second envelope',
          '--operator',
          'sue',
        ],
        env(),
      ).json(),
    ).toEqual({
      seq: 4,
      resolution: 'set-aside-duplicate',
    });
    withStore((store) => {
      expect(store.cure.steps(1).map((s) => [s.actor, s.toState])).toEqual([
        ['clara', 'FLAGGED'],
        ['sue', 'NOTICE_SENT'],
        ['clara', 'CURE_RECEIVED'],
        ['sue', 'CURED'],
      ]);
      expect(store.cure.resolutionOf(4)).toMatchObject({ resolution: 'set-aside-duplicate', actor: 'sue' });
      expect(store.verifyAudit().ok).toBe(true);
    });
  });

  it('once the station has operators, checks the PIN and refuses a clerk what needs a supervisor', async () => {
    const store = Store.open(db);
    try {
      const auth = new Auth(store);
      const sue = await auth.createOperator('sue', 'supervisor', '482916', null);
      await auth.createOperator('clara', 'clerk', '735204', sue);
    } finally {
      store.close();
    }
    const noPin = intake(
      ['cure', 'resolve', '--case', '1', '--to', 'ACCEPTED', '--reason', 'verified', '--operator', 'clara'],
      env(),
    );
    expect(noPin).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("set INTAKE_PIN to clara's PIN") as unknown,
    });
    const clerk = intake(
      ['cure', 'resolve', '--case', '1', '--to', 'ACCEPTED', '--reason', 'verified', '--operator', 'clara'],
      env({ INTAKE_PIN: '735204' }),
    );
    expect(clerk).toMatchObject({
      status: 1,
      stderr: 'intake cure: only a supervisor can move a case to ACCEPTED\n', // the app's words: one rule for both doors
    });
    const email = intake(
      ['cure', 'notice', '--case', '1', '--email', 'rosa@example.net', '--operator', 'clara'],
      env({ INTAKE_PIN: '735204' }),
    );
    expect(email.status).toBe(1);
    const ok = intake(
      ['cure', 'resolve', '--case', '1', '--to', 'ACCEPTED', '--reason', 'verified', '--operator', 'sue'],
      env({ INTAKE_PIN: '482916' }),
    );
    expect(ok.json()).toMatchObject({ caseId: 1, state: 'ACCEPTED' });
  });
});
