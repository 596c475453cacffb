import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeImb } from '../../shared/barcode/index.js';
import { Intake } from '../../main/intake/intake.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
let now = new Date('2026-10-20T15:00:00Z');
const clock = () => now;

function bars(tracking: string, routing = ''): string {
  const r = encodeImb(tracking, routing);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

beforeEach(() => {
  t = tempStore();
  now = new Date('2026-10-20T15:00:00Z');
  const at = now.toISOString();
  t.store.config.set('election', 'E2026', 'test', at);
  t.store.config.set('receiptDeadline', '2026-11-03T19:30:00-05:00', 'test', at);
  seedRoll(t.store, [
    rollRow({ ballotId: 'B-0001', voterId: 'V-1', lastName: 'SMITH', firstName: 'ANA', precinct: 'P-07' }),
    rollRow({ ballotId: 'B-IMB', voterId: 'V-2', imbMailerId: '123456', imbSerial: '000000042' }),
    rollRow({ ballotId: 'B-OLD', voterId: 'V-3', issuedAt: '2026-09-20' }),
    rollRow({ ballotId: 'B-NEW', voterId: 'V-3', issuedAt: '2026-10-05' }),
    rollRow({ ballotId: 'B-CXL', voterId: 'V-4', status: 'CANCELLED', sourceStatus: 'SPOILED' }),
    rollRow({ ballotId: 'B-OTHER', voterId: 'V-5', votedOtherMethod: true }),
    rollRow({ ballotId: 'B-EV-MAIL', voterId: 'V-6' }),
    rollRow({ ballotId: 'B-EV-1STOP', voterId: 'V-6', voteMethod: 'IN_PERSON' }),
    rollRow({ ballotId: 'B-2024', voterId: 'V-7', electionId: 'E2024' }),
    rollRow({ ballotId: 'B-WAKE', voterId: 'V-8', jurisdiction: 'WAKE' }),
    rollRow({ ballotId: 'B-STATE', voterId: 'V-9', stateReturnedAt: '2026-10-10', sourceStatus: 'ACCEPTED' }),
  ]);
});
afterEach(() => t.cleanup());

const scan = (raw: string, operator = 'alice') => new Intake(t.store, 'ST1', clock).scan({ raw, operator, scanner: 'test' });

describe('verdicts', () => {
  it('accepts an issued, current ballot by its label, with voter name and precinct', () => {
    const o = scan('B-0001');
    expect(o.verdict).toBe('ACCEPTED');
    expect(o.voter).toEqual({ name: 'ANA SMITH', precinct: 'P-07' });
    expect(o.batch?.count).toBe(1);
    expect(o.batchId).toBe(o.batch?.batchId);
  });

  it('accepts by the return envelope IMb (bars, upside down, and digits)', () => {
    const tracking = '00040123456000000042';
    expect(scan(bars(tracking, '27601')).verdict).toBe('ACCEPTED');
    const upside = [...bars(tracking, '27601')].reverse().map((c) => (c === 'A' ? 'D' : c === 'D' ? 'A' : c)).join('');
    const again = scan(upside);
    expect(again.verdict).toBe('DUPLICATE');
    expect(scan(`${tracking}27601`).verdict).toBe('DUPLICATE');
  });

  it('calls a second scan DUPLICATE and says when, where, who and which batch — also after a restart', () => {
    const first = scan('B-0001', 'alice');
    now = new Date('2026-10-20T16:00:00Z');
    t.reopen();
    const dup = scan('B-0001', 'bob');
    expect(dup.verdict).toBe('DUPLICATE');
    expect(dup.duplicate).toMatchObject({ seq: first.seq, station: 'ST1', operator: 'alice', scannedAt: first.scannedAt, batchNumber: 1 });
    expect(dup.batchId).toBeNull();
  });

  it('gives UNKNOWN, SUPERSEDED, CANCELLED, ALREADY_VOTED, WRONG_ELECTION, WRONG_JURISDICTION', () => {
    expect(scan('B-NOPE').verdict).toBe('UNKNOWN');
    const old = scan('B-OLD');
    expect(old.verdict).toBe('SUPERSEDED');
    expect(old.reason).toContain('B-NEW');
    expect(scan('B-NEW').verdict).toBe('ACCEPTED');
    expect(scan('B-CXL')).toMatchObject({ verdict: 'CANCELLED', reason: expect.stringContaining('SPOILED') as unknown });
    expect(scan('B-OTHER').verdict).toBe('ALREADY_VOTED');
    expect(scan('B-EV-MAIL').verdict).toBe('ALREADY_VOTED');
    expect(scan('B-2024').verdict).toBe('WRONG_ELECTION');
    t.store.config.set('jurisdiction', 'DURHAM', 'test', now.toISOString());
    expect(scan('B-WAKE').verdict).toBe('WRONG_JURISDICTION');
  });

  it('treats a return already recorded by the state roll as a duplicate', () => {
    expect(scan('B-STATE')).toMatchObject({ verdict: 'DUPLICATE', reason: expect.stringContaining('2026-10-10') as unknown });
  });

  it('refuses an IMb of a foreign mailer ID when the office lists its own', () => {
    t.store.config.set('imbMailerIds', ['987654321'], 'test', now.toISOString());
    expect(scan(bars('00040123456000000042')).verdict).toBe('WRONG_JURISDICTION');
  });

  it('marks a scan after the receipt deadline LATE, a receipt but not in a batch', () => {
    now = new Date('2026-11-04T01:00:00Z');
    const o = scan('B-0001');
    expect(o.verdict).toBe('LATE');
    expect(o.batchId).toBeNull();
    expect(scan('B-0001').verdict).toBe('DUPLICATE');
  });

  it('gives UNREADABLE for garbage and for an IMb whose CRC fails, and still records them', () => {
    const good = bars('00040123456000000042');
    const flipped = good.slice(0, 10) + (good[10] === 'T' ? 'F' : 'T') + good.slice(11);
    const o1 = scan(flipped);
    expect(o1.verdict).toBe('UNREADABLE');
    const o2 = scan('\u0007\u0001');
    expect(o2.verdict).toBe('UNREADABLE');
    expect(t.store.scans.get(o1.seq)?.raw).toBe(flipped);
    expect(t.store.scans.get(o2.seq)?.verdict).toBe('UNREADABLE');
  });

  it('finds the current ballot from a label that carries the voter number', () => {
    seedRoll(t.store, [
      rollRow({ ballotId: 'NC-AB123-20260901', voterId: 'AB123', issuedAt: '2026-09-01' }),
      rollRow({ ballotId: 'NC-AB123-20261001', voterId: 'AB123', issuedAt: '2026-10-01' }),
    ]);
    t.store.config.set('labelRule', { charset: 'alnum', checkDigit: 'none', carries: 'voter', minLength: 3, maxLength: 10 }, 'test', now.toISOString());
    const o = scan('AB123');
    expect(o).toMatchObject({ verdict: 'ACCEPTED', ballotId: 'NC-AB123-20261001' });
    expect(scan('AB123').verdict).toBe('DUPLICATE');
    expect(scan('ZZ999').verdict).toBe('UNKNOWN');
  });

  it('has the record on disk when the verdict comes back (a second connection sees it)', () => {
    const o = scan('B-0001');
    const other = new Database(t.dbPath, { readonly: true });
    try {
      const row = other.prepare('SELECT verdict, raw FROM scans WHERE seq = ?').get(o.seq);
      expect(row).toEqual({ verdict: 'ACCEPTED', raw: 'B-0001' });
    } finally {
      other.close();
    }
  });

  it('leaves exactly one record per scan, whatever the verdict', () => {
    const raws = ['B-0001', 'B-0001', 'junk\u0002', 'B-NOPE', 'B-OLD', 'B-CXL', 'B-2024'];
    for (const r of raws) scan(r);
    const n = t.store.db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number };
    expect(n.n).toBe(raws.length);
    expect(t.store.verifyAudit().ok).toBe(true);
  });
});
