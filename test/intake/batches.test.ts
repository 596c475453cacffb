import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake, IntakeError } from '../../main/intake/intake.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
let intake: Intake;

beforeEach(() => {
  t = tempStore();
  t.store.config.set('batchSize', 3, 'test', new Date().toISOString());
  seedRoll(t.store, Array.from({ length: 10 }, (_, i) => rollRow({ ballotId: `BT-0${i}`, voterId: `V${i}` })));
  intake = new Intake(t.store, 'ST1');
});
afterEach(() => t.cleanup());

const scan = (raw: string) => intake.scan({ raw, operator: 'alice' });

describe('batches', () => {
  it('opens on the first accepted scan and closes itself at the configured size', () => {
    expect(t.store.batches.list()).toHaveLength(0);
    scan('BT-00');
    scan('BT-01');
    const third = scan('BT-02');
    expect(third.batch).toMatchObject({ number: 1, count: 3 });
    expect(third.closedBatch).toMatchObject({ status: 'CLOSED', closeReason: 'size', scannedCount: 3, handCount: null });
    const fourth = scan('BT-03');
    expect(fourth.batch).toMatchObject({ number: 2, count: 1 });
  });

  it('keeps problem envelopes out of batches', () => {
    expect(scan('NOPE').batchId).toBeNull();
    expect(t.store.batches.list()).toHaveLength(0);
  });

  it('records a hand-count mismatch at close, and a hand count given later', () => {
    scan('BT-00');
    scan('BT-01');
    const closed = intake.closeBatch(null, 3, 'sue');
    expect(closed).toMatchObject({ status: 'CLOSED', closeReason: 'supervisor', scannedCount: 2, handCount: 3, difference: 1, closedBy: 'sue' });
    scan('BT-02');
    scan('BT-03');
    const full = scan('BT-04').closedBatch;
    expect(full?.handCount).toBeNull();
    const reconciled = intake.closeBatch(String(full?.number), 3, 'sue');
    expect(reconciled).toMatchObject({ handCount: 3, difference: 0, reconciledBy: 'sue' });
    const actions = t.store.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'batch.%' ORDER BY seq").all() as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(['batch.open', 'batch.close', 'batch.open', 'batch.close', 'batch.reconcile']);
  });

  it('refuses to close when nothing is open, and a negative hand count', () => {
    expect(() => intake.closeBatch(null, 1, 'sue')).toThrow(IntakeError);
    scan('BT-00');
    expect(() => intake.closeBatch(null, -1, 'sue')).toThrow(/whole number/);
  });

  it('opens a batch explicitly and never two at once on a station', () => {
    const a = intake.openBatch('sue');
    const b = intake.openBatch('sue');
    expect(b.batchId).toBe(a.batchId);
    expect(scan('BT-00').batchId).toBe(a.batchId);
  });
});

describe('undo', () => {
  it('is a compensating record: the scan stays, the receipt goes, a rescan is accepted', () => {
    const first = scan('BT-00');
    const undo = intake.undo(first.seq, 'sue', 'scanned the wrong tray');
    expect(undo.scan.seq).toBe(first.seq);
    expect(t.store.scans.get(first.seq)?.verdict).toBe('ACCEPTED');
    expect(t.store.scans.undoOf(first.seq)).toMatchObject({ operator: 'sue', reason: 'scanned the wrong tray' });
    expect(scan('BT-00').verdict).toBe('ACCEPTED');
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('needs a reason, refuses twice, and refuses a scan in a closed batch', () => {
    const s = scan('BT-00');
    expect(() => intake.undo(s.seq, 'sue', '  ')).toThrow(/reason/);
    intake.undo(s.seq, 'sue', 'mistake');
    expect(() => intake.undo(s.seq, 'sue', 'again')).toThrow(/already undone/);
    const s2 = scan('BT-01');
    intake.closeBatch(null, 1, 'sue');
    expect(() => intake.undo(s2.seq, 'sue', 'late mistake')).toThrow(/closed batch/);
    expect(() => intake.undo(9999, 'sue', 'x')).toThrow(/no scan 9999/);
  });
});
