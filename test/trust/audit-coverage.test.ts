import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CureService, type Actor } from '../../main/cure/service.js';
import { canonicalJson, entryHash, GENESIS_HASH, type AuditRow } from '../../main/store/audit.js';
import { Intake } from '../../main/intake/intake.js';
import { intake as intakeCli } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from '../cure/setup.js';

const CLARA: Actor = { name: 'clara', role: 'clerk' };
const SUE: Actor = { name: 'sue', role: 'supervisor' };

let t: ReturnType<typeof tempStore>;
let seqOf: Record<string, number>;

/**
 * A busy day: batches closed at their size and by a supervisor, a hand count recorded later,
 * an undo, a duplicate and an unknown envelope, a late one accepted on its postmark, cure cases
 * flagged, extended, noticed (a notice sent) and moved on.
 */
beforeEach(() => {
  t = tempStore();
  const clock = manualClock('2026-11-02T14:00:00Z');
  const tick = () => clock.set(new Date(clock.now().getTime() + 60_000).toISOString());
  configureOffice(t.store, { profile: 'NC' });
  t.store.config.set('batchSize', 5, 'setup', clock.now().toISOString());
  seedRoll(t.store, Array.from({ length: 9 }, (_, i) => rollRow({ ballotId: `BS-0${i + 1}`, voterId: `NV${i + 1}` })));
  const intake = new Intake(t.store, 'ST1', clock.now);
  const cure = new CureService(t.store, clock.now);
  seqOf = {};
  const scan = (raw: string, key = raw) => {
    tick();
    seqOf[key] = intake.scan({ raw, operator: 'clara' }).seq;
  };
  for (const id of ['BS-01', 'BS-02', 'BS-03', 'BS-04', 'BS-05', 'BS-06']) scan(id); // batch 1 closes at 5
  scan('BS-01', 'dup');
  scan('NOPE-0000', 'unknown');
  tick();
  intake.undo(seqOf['BS-06'] ?? 0, 'sue', 'envelope was for another county');
  tick();
  intake.closeBatch('1', 5, 'sue'); // the hand count of the batch closed at its size
  scan('BS-07');
  tick();
  intake.closeBatch(null, 1, 'sue');
  t.store.config.set('receiptDeadline', '2026-11-01T00:00:00Z', 'setup', clock.now().toISOString());
  scan('BS-08'); // LATE
  tick();
  cure.resolveProblem(seqOf['BS-08'] ?? 0, 'accept-postmark', SUE, 'postmarked on election day');
  cure.resolveProblem(seqOf['dup'] ?? 0, 'set-aside-duplicate', SUE, 'second envelope set aside');
  tick();
  const c1 = cure.flag({ ballotId: 'BS-02' }, ['WITNESS_INFO_INCOMPLETE'], CLARA, 'witness address missing');
  tick();
  cure.flag({ ballotId: 'BS-02' }, ['NO_VOTER_SIGNATURE'], CLARA, 'no signature either');
  tick();
  cure.move(c1.caseId, 'NOTICE_SENT', CLARA, 'letter mailed');
  tick();
  cure.move(c1.caseId, 'CURE_RECEIVED', CLARA, 'certification came back');
  tick();
  const c2 = cure.flag({ ballotId: 'BS-03' }, ['ENVELOPE_UNSEALED'], CLARA, 'unsealed');
  t.store.write(() => {
    const at = clock.now().toISOString();
    const n = t.store.cure.notices.enqueueWithin(c2, { channel: 'email', language: 'en', recipient: 'voter@example.org', messageId: '<n1@station>' }, 'clara', at);
    if (!t.store.cure.notices.claim(n)) throw new Error('claim failed');
    t.store.cure.notices.sentWithin(n.notice_id, 'clara', at);
  });
});
afterEach(() => t.cleanup());

/** What someone with the file and sqlite3 can do, behind the station's back. */
function tamper(sql: string, ...args: unknown[]): void {
  t.store.close();
  const raw = new Database(t.dbPath);
  raw.pragma('foreign_keys = OFF');
  raw.prepare(sql).run(...args);
  raw.close();
  t.reopen();
}

const verify = () => t.store.verifyAudit();

describe('audit verify covers every table that decides a verdict', () => {
  it('an untouched busy station verifies', () => {
    expect(verify()).toMatchObject({ ok: true, scansChecked: 10 });
  });

  it('a deleted receipt (which lets the ballot be ACCEPTED again) is named', () => {
    tamper('DELETE FROM receipts WHERE ballot_id = ?', 'BS-04');
    const beforeDeadline = () => new Date('2026-10-31T12:00:00Z');
    expect(new Intake(t.store, 'ST1', beforeDeadline).scan({ raw: 'BS-04', operator: 'mallory' }).verdict).toBe('ACCEPTED'); // the attack works…
    const v = verify(); // …and is found
    expect(v.ok).toBe(false);
    expect(v).toMatchObject({ reason: expect.stringMatching(new RegExp(`^receipt for ballot BS-04 \\(scan ${seqOf['BS-04']}\\) is missing but the audit log recorded it at 2026-11-02 14:04:00 UTC \\(entry \\d+\\)$`)) as unknown });
  });

  it('a forged undo (which takes a ballot out of the export) is named, with or without its receipt deleted', () => {
    tamper("INSERT INTO scan_undos (scan_seq, undone_at, operator, reason) VALUES (?, '2026-11-02T15:00:00.000Z', 'sue', 'oops')", seqOf['BS-05']);
    expect(verify()).toMatchObject({ ok: false, brokenAt: 0, reason: `undo of scan ${seqOf['BS-05']} (by sue, "oops") has no audit entry: the station never recorded it` });
    tamper('DELETE FROM receipts WHERE scan_seq = ?', seqOf['BS-05']);
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining(`receipt for ballot BS-05 (scan ${seqOf['BS-05']}) is missing`) as unknown });
  });

  it('a deleted undo that brings a receipt back is named', () => {
    tamper('DELETE FROM scan_undos WHERE scan_seq = ?', seqOf['BS-06']);
    tamper('INSERT INTO receipts (ballot_id, scan_seq) VALUES (?, ?)', 'BS-06', seqOf['BS-06']);
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^receipt for ballot BS-06 \(scan \d+\) should not exist: the audit log recorded its undo at 2026-11-02 /) as unknown });
  });

  it('an edited undo reason is named', () => {
    tamper("UPDATE scan_undos SET reason = 'clerk error' WHERE scan_seq = ?", seqOf['BS-06']);
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining(`undo of scan ${seqOf['BS-06']} differs from its audit entry`) as unknown });
  });

  it('an edited cure step (its state, or its reason) is named', () => {
    tamper("UPDATE cure_steps SET to_state = 'CURED' WHERE to_state = 'CURE_RECEIVED'");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^cure step \d+ of case 1 differs from its audit entry \d+ \(to is "CURED", the log says "CURE_RECEIVED"\)$/) as unknown });
    tamper("UPDATE cure_steps SET to_state = 'CURE_RECEIVED', reason = 'nothing came back' WHERE to_state = 'CURED'");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining('(reason is "nothing came back", the log says "certification came back")') as unknown });
  });

  it('an edited flag reason is named; an old flag entry without a reason is still verified', () => {
    tamper("UPDATE cure_steps SET reason = 'clerk was sure' WHERE reason = 'no signature either'");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining('(reason is "clerk was sure", the log says "no signature either")') as unknown });
    tamper("UPDATE cure_steps SET reason = 'no signature either' WHERE reason = 'clerk was sure'");
    // As an older station wrote it: the same log with no reason in any flag entry, its chain re-hashed.
    t.store.close();
    const raw = new Database(t.dbPath);
    const rows = raw.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    let prev = GENESIS_HASH;
    const put = raw.prepare('UPDATE audit_log SET after = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    for (const r of rows) {
      let after = r.after;
      if (r.action === 'cure.flag' && after) {
        const { reason: _drop, ...rest } = JSON.parse(after) as Record<string, unknown>;
        after = canonicalJson(rest);
      }
      const hash = entryHash({ ...r, after, prev_hash: prev });
      put.run(after, prev, hash, r.seq);
      prev = hash;
    }
    raw.close();
    t.reopen();
    expect(verify()).toMatchObject({ ok: true });
  });

  it('a deleted cure step is named', () => {
    tamper("DELETE FROM cure_steps WHERE to_state = 'NOTICE_SENT'");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^cure step \d+ of case 1 differs from its audit entry \d+ \(from is "NOTICE_SENT", the log says "FLAGGED"\)$/) as unknown });
  });

  it('a cure case moved to ACCEPTED by hand is named', () => {
    tamper("UPDATE cure_cases SET state = 'ACCEPTED' WHERE case_id = 1");
    expect(verify()).toMatchObject({ ok: false, reason: 'cure case 1 (ballot BS-02) is ACCEPTED, but its last recorded step made it CURE_RECEIVED' });
  });

  it('a cure code removed from a case by hand is named', () => {
    tamper(`UPDATE cure_cases SET codes = '["WITNESS_INFO_INCOMPLETE"]' WHERE case_id = 1`);
    expect(verify()).toMatchObject({ ok: false, reason: 'cure case 1 differs from its audit entries (codes is "[\\"WITNESS_INFO_INCOMPLETE\\"]", the log says "[\\"WITNESS_INFO_INCOMPLETE\\",\\"NO_VOTER_SIGNATURE\\"]")' });
  });

  it('a case whose codes are no longer JSON is named, not a crash', () => {
    tamper("UPDATE cure_cases SET codes = '[oops' WHERE case_id = 2");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining('cure case 2 differs from its audit entries (codes is "[oops"') as unknown });
  });

  it('a step forged onto the end of a case is named', () => {
    tamper("INSERT INTO cure_steps (case_id, at, actor, from_state, to_state, reason) VALUES (2, '2026-11-02T16:00:00.000Z', 'mallory', 'FLAGGED', 'NOTICE_SENT', 'x')");
    expect(verify()).toMatchObject({ ok: false, brokenAt: 0, reason: expect.stringMatching(/^cure step \d+ of case 2 \(FLAGGED → NOTICE_SENT by mallory\) has no audit entry/) as unknown });
  });

  it('a deleted batch close (the batch reopened) is named', () => {
    tamper("UPDATE batches SET status = 'OPEN', closed_at = NULL, closed_by = NULL, close_reason = NULL, scanned_count = NULL, hand_count = NULL, reconciled_at = NULL, reconciled_by = NULL WHERE number = 2");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^batch 2 of ST1 is open, but the audit log recorded its close at 2026-11-02 \S+ UTC \(entry \d+\)$/) as unknown });
  });

  it('an edited hand count, and a deleted batch, are named', () => {
    tamper('UPDATE batches SET hand_count = 6 WHERE number = 1');
    expect(verify()).toMatchObject({ ok: false, reason: 'batch 1 of ST1 differs from its audit entries (hand count is 6, the log says 5)' });
    tamper('UPDATE batches SET hand_count = 5 WHERE number = 1');
    expect(verify().ok).toBe(true);
    tamper('DELETE FROM batches WHERE number = 2');
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^batch \S+ is missing but the audit log recorded it at/) as unknown });
  });

  it('a forged resolution, and an edited one, are named', () => {
    tamper("INSERT INTO problem_resolutions (scan_seq, resolution, at, actor, reason) VALUES (?, 'forward', '2026-11-02T16:00:00.000Z', 'sue', 'sent on')", seqOf['unknown']);
    expect(verify()).toMatchObject({ ok: false, brokenAt: 0, reason: `resolution of scan ${seqOf['unknown']} (forward by sue) has no audit entry: the station never recorded it` });
    tamper('DELETE FROM problem_resolutions WHERE scan_seq = ?', seqOf['unknown']);
    tamper("UPDATE problem_resolutions SET resolution = 'reject-late' WHERE scan_seq = ?", seqOf['BS-08']);
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`^resolution of scan ${seqOf['BS-08']} differs from its audit entry \\d+ \\(resolution is "reject-late", the log says "accept-postmark"\\)$`)) as unknown });
  });

  it('an altered verdict is named, and so is a receipt added for it', () => {
    tamper("UPDATE scans SET verdict = 'ACCEPTED' WHERE seq = ?", seqOf['dup']);
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringContaining(`scan ${seqOf['dup']} differs from its audit entry`) as unknown });
  });

  it('a receipt that points at another ballot is named', () => {
    tamper("UPDATE receipts SET ballot_id = 'BS-09' WHERE ballot_id = 'BS-03'");
    expect(verify()).toMatchObject({ ok: false, reason: expect.stringMatching(/^receipt of scan \d+ names ballot BS-09, but the audit log recorded it at .* for ballot BS-03$/) as unknown });
  });

  it('intake audit verify (the real CLI) exits 1 and names the row', () => {
    tamper('DELETE FROM receipts WHERE ballot_id = ?', 'BS-04');
    t.store.close();
    const r = intakeCli(['audit', 'verify', '--db', t.dbPath]);
    t.reopen();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`receipt for ballot BS-04 (scan ${seqOf['BS-04']}) is missing`);
  });
});
