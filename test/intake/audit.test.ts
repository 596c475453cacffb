import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { entryHash, GENESIS_HASH } from '../../main/store/audit.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;

beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 6 }, (_, i) => rollRow({ ballotId: `BT-0${i}`, voterId: `V${i}` })));
  const intake = new Intake(t.store, 'ST1');
  for (const raw of ['BT-00', 'BT-01', 'BT-02', 'BT-01', 'NOPE']) intake.scan({ raw, operator: 'alice' });
});
afterEach(() => t.cleanup());

const db = () => t.store.db;

describe('audit chain', () => {
  it('verifies an untouched log, entry by entry', () => {
    const v = t.store.verifyAudit();
    expect(v).toMatchObject({ ok: true, scansChecked: 5 });
    expect(v.count).toBeGreaterThanOrEqual(6);
  });

  it('finds an edited entry', () => {
    db().prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('altered') as unknown });
  });

  it('finds a deleted entry', () => {
    db().prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('missing') as unknown });
  });

  it('finds two entries swapped', () => {
    const a = db().prepare('SELECT * FROM audit_log WHERE seq = 3').get() as Record<string, unknown>;
    const b = db().prepare('SELECT * FROM audit_log WHERE seq = 4').get() as Record<string, unknown>;
    const put = db().prepare('UPDATE audit_log SET at=@at, actor=@actor, action=@action, entity=@entity, entity_id=@entity_id, before=@before, after=@after, prev_hash=@prev_hash, hash=@hash WHERE seq=@target');
    db().transaction(() => {
      put.run({ ...b, target: 3 });
      put.run({ ...a, target: 4 });
    })();
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('finds an edited scan even when the log itself is intact', () => {
    db().prepare("UPDATE scans SET verdict = 'ACCEPTED' WHERE raw = 'NOPE'").run();
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringContaining('differs from its audit entry') as unknown });
  });

  it('finds a deleted scan', () => {
    db().pragma('foreign_keys = OFF');
    db().prepare("DELETE FROM scans WHERE raw = 'NOPE'").run();
    expect(t.store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringContaining('missing from the scans table') as unknown });
  });
});

describe('the entry hash', () => {
  it('is the SHA-256 of the fields joined by unit separators, as every stored chain was made', () => {
    const row = { seq: 7, at: '2026-11-03T12:00:00.000Z', actor: 'alice', action: 'scan.record', entity: 'scan', entity_id: '7', before: null, after: '{"a":1}', prev_hash: GENESIS_HASH };
    const expected = createHash('sha256')
      .update([GENESIS_HASH, '7', row.at, 'alice', 'scan.record', 'scan', '7', '', '{"a":1}'].join('\u001f'))
      .digest('hex');
    expect(entryHash(row)).toBe(expected);
    expect(entryHash({ ...row, entity_id: null })).not.toBe(expected);
  });
});
