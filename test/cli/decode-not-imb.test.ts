/**
 * `intake decode` and `intake scan` on digit strings that are not IMbs (issue 15 item 3). The
 * cases are the USPS encoder's error cases (usps4cb result codes; see shared/barcode/imb-digits.test.ts
 * for the sources), given as the encoder takes them: tracking code and routing code apart.
 * Needs `npm run build` (the real compiled CLI).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

const TRACKING = '01234567094987654321';
const noDb = { INTAKE_DB: '' };

describe('intake decode refuses what is not an IMb, exit 1 with the reason', () => {
  it.each([
    ['empty tracking code', ['', '01234567891'], 'the IMb tracking code is empty'],
    [
      'routing code starting with "-"',
      [TRACKING, '-1234'],
      'the IMb routing code may only hold digits: "-1234" starts with a minus sign',
    ],
    ['routing code of 4 digits', [TRACKING, '1234'], 'IMb routing code must be 0, 5, 9 or 11 digits, got 4'],
    [
      'barcode ID 05',
      ['05234567094987654321', ''],
      'IMb barcode ID 05 is invalid: its second digit must be 0-4',
    ],
    [
      'tracking code of 19 digits',
      ['0123456709498765432', '12345'],
      'IMb tracking code must be 20 digits, got 19',
    ],
    [
      'one string, dashed off the 20-digit boundary',
      ['0123456709498765432-101234'],
      'a break after digit 19',
    ],
  ])('%s', (_what, args, reason) => {
    const r = intake(['decode', ...args], { env: noDb });
    expect(r.status).toBe(1);
    expect(r.json()).toMatchObject({ ok: false });
    expect(r.json<{ error: string }>().error).toContain(reason);
  });

  it('a routing code starting with "-" after --db is still data, and --db still works', () => {
    const r = intake(['decode', '--db', path.join(t.dir, 'x.db'), TRACKING, '-1234']);
    expect(r.status).toBe(1);
    expect(r.json<{ error: string }>().error).toContain('minus sign');
  });

  it('a good tracking and routing pair still decodes, exit 0', () => {
    const r = intake(['decode', TRACKING, '01234567891'], { env: noDb });
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, kind: 'imb', routing: '01234567891' });
  });
});

const t = tempDir('decode-not-imb-');
afterAll(() => t.cleanup());

describe('what a clerk sees for such a scan', () => {
  it('UNREADABLE with the plain reason, recorded, never a label or another ballot', () => {
    const db = path.join(t.dir, 'station.db');
    const r = intake(['scan', '--station', 'S1', '--operator', 'ann'], {
      env: { INTAKE_DB: db },
      input: '05234567094987654321\n012345670949876543211234\n',
    });
    expect(r.status).toBe(0);
    expect(r.lines()).toMatchObject([
      {
        seq: 1,
        verdict: 'UNREADABLE',
        reason: 'IMb barcode ID 05 is invalid: its second digit must be 0-4',
        ballotId: null,
      },
      {
        seq: 2,
        verdict: 'UNREADABLE',
        reason: 'the routing code after the 20-digit tracking code must be 0, 5, 9 or 11 digits, got 4',
      },
    ]);
  });
});
