import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFor } from '../helpers/api.js';
import { intake, intakeAsync } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { delimited, imb, json, write } from './files.js';
import { Auth } from '../../main/auth/auth.js';

// Files in the documented layouts: test/mail/files.ts names the sources.
const MID = '123456';
let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, [
    rollRow({ ballotId: 'CLI-1', voterId: 'V1', imbMailerId: MID, imbSerial: '000000001' }),
    rollRow({ ballotId: 'CLI-2', voterId: 'V2', imbMailerId: MID, imbSerial: '000000002' }),
  ]);
  t.store.config.set('election', 'E2026', 't', new Date().toISOString());
});
afterEach(() => t.cleanup());

describe('intake mail import (CLI)', () => {
  it('imports a file and prints the counts as JSON and the summary in plain words; mail status shows the ballot', () => {
    const file = write(t.dir, 'feed.txt', delimited([{ imb: imb('700', MID, '000000001'), at: '2026-10-01 08:00:00' }]));
    const r = intake(['mail', 'import', file, '--format', 'ivmtr-delimited'], { env: { INTAKE_DB: t.dbPath } });
    expect(r.stderr).toBe('Read 1 USPS scans: 1 new, 0 already here.\n');
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ read: 1, imported: 1, duplicates: 0, unknownImbs: 0, rejected: 0, format: 'ivmtr-delimited' });
    const s = intake(['mail', 'status', 'CLI-1'], { env: { INTAKE_DB: t.dbPath } });
    expect(s.json()).toMatchObject({ ballotId: 'CLI-1', words: 'mailed', events: [{ facilityName: 'RALEIGH NC P&DC', scannedAt: '2026-10-01T08:00:00' }] });
    const list = intake(['mail', 'imports', '--limit', '5'], { env: { INTAKE_DB: t.dbPath } });
    expect(list.json()).toMatchObject([{ importId: 1, read: 1, imported: 1, format: 'ivmtr-delimited', finishedAt: expect.any(String) as string }]);
  });

  it('refuses a missing or wrong --format, an unknown subcommand, a station with operators but no PIN, and a clerk', async () => {
    const file = write(t.dir, 'feed.txt', delimited([{ imb: imb('700', MID, '000000001'), at: '2026-10-01 08:00:00' }]));
    expect(intake(['mail', 'import', file], { env: { INTAKE_DB: t.dbPath } })).toMatchObject({ status: 2 });
    const wrong = intake(['mail', 'import', file, '--format', 'pkg'], { env: { INTAKE_DB: t.dbPath } });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--format must be ivmtr-delimited or ivmtr-json, not "pkg"');
    expect(intake(['mail', 'nope'], { env: { INTAKE_DB: t.dbPath } }).status).toBe(2);
    const auth = new Auth(t.store);
    const sue = await auth.createOperator('sue', 'supervisor', '482916', null);
    await auth.createOperator('clara', 'clerk', '735204', sue);
    const noPin = intake(['mail', 'import', file, '--format', 'ivmtr-delimited', '--operator', 'sue'], { env: { INTAKE_DB: t.dbPath, INTAKE_PIN: '' } });
    expect(noPin.status).toBe(1);
    expect(noPin.stderr).toContain("set INTAKE_PIN to sue's PIN");
    const clerk = intake(['mail', 'import', file, '--format', 'ivmtr-delimited', '--operator', 'clara'], { env: { INTAKE_DB: t.dbPath, INTAKE_PIN: '735204' } });
    expect(clerk.status).toBe(1);
    expect(clerk.stderr).toContain('This needs a supervisor; clara is a clerk.');
    const ok = intake(['mail', 'import', file, '--format', 'ivmtr-delimited', '--operator', 'sue'], { env: { INTAKE_DB: t.dbPath, INTAKE_PIN: '482916' } });
    expect(ok.status).toBe(0);
    expect(t.store.mail.counts().events).toBe(1);
  });

  it('a hostile mail file changes no receipt, scan or verdict: audit verify passes and the receipts export is identical', async () => {
    const api = apiFor(t.store);
    await api.call(api.as('clara'), 'scan.submit', { raw: 'CLI-1' });
    const env = { INTAKE_DB: t.dbPath };
    const before = intake(['receipts', 'export', '--format', 'json'], { env });
    const scansBefore = t.store.db.prepare('SELECT * FROM scans ORDER BY seq').all();
    // Every kind of trouble at once: a terminal escape, a formula, an IMb of a received ballot
    // claiming it is still out, one of a ballot never received, a broken line, a huge line.
    const hostile = delimited(
      [
        { imb: imb('700', MID, '000000001'), at: '2026-10-20 08:00:00', phase: 'Phase 4c - Delivery', machine: '=HYPERLINK("x")' },
        { imb: imb('777', MID, '000000002'), at: '2026-10-20 09:00:00', zip: '27601' },
      ],
      ['\u001b]0;pwned\u0007|x', 'y'.repeat(100_000)],
    );
    const r = intake(['mail', 'import', write(t.dir, 'hostile.txt', hostile), '--format', 'ivmtr-delimited'], { env });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('\u001b');
    const j = intake(['mail', 'import', write(t.dir, 'h.json', json([{ imb: imb('700', MID, '000000001'), at: '2026-10-21 08:00:00' }])), '--format', 'ivmtr-json'], { env });
    expect(j.status).toBe(0);
    const verify = intake(['audit', 'verify'], { env });
    expect(verify.status).toBe(0);
    expect(intake(['receipts', 'export', '--format', 'json'], { env }).stdout).toBe(before.stdout);
    expect(t.store.db.prepare('SELECT * FROM scans ORDER BY seq').all()).toEqual(scansBefore);
    // The received ballot is still received; the other's scan says it has arrived, nothing more.
    expect(intake(['mail', 'status', 'CLI-1'], { env }).json()).toMatchObject({ words: 'received at the office' });
    const audit = t.store.db.prepare<[], { action: string }>("SELECT action FROM audit_log WHERE action LIKE 'mail.%'").all();
    expect(audit.map((a) => a.action)).toEqual(['mail.import', 'mail.import']);
  });

  it('two CLI imports of one file at once: the events are kept once, the second says so or waits its turn', async () => {
    const scans = Array.from({ length: 30 }, (_, i) => ({ imb: imb('700', MID, '000000002'), at: `2026-10-01 09:${String(i).padStart(2, '0')}:00` }));
    const file = write(t.dir, 'twice.txt', delimited(scans));
    const env = { INTAKE_DB: t.dbPath, INTAKE_OPERATOR: '' };
    const rs = await Promise.all([1, 2].map(() => intakeAsync(['mail', 'import', file, '--format', 'ivmtr-delimited'], { env })));
    for (const r of rs) if (r.status !== 0) expect(r.stderr).toContain('another mail import is running on this database');
    expect(rs.some((r) => r.status === 0)).toBe(true);
    expect(t.store.mail.counts().events).toBe(30);
  });
});
