// Replication's bookkeeping (cursors, pulled rows) commits without waiting for the disk, so a
// scan's commit never queues behind it; a scan's own commit must still be synchronous=FULL.
import { afterEach, describe, expect, it } from 'vitest';
import { submitScan } from '../../main/actions/scans.js';
import { Station } from '../../main/api/station.js';
import { withRelaxedSync } from '../../main/store/db.js';
import type { PulledRow } from '../../main/store/county.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

const FULL = 2;
const NORMAL = 1;
let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function open() {
  const t = tempStore();
  cleanup = t.cleanup;
  return t.store;
}

const receipt = (hubSeq: number, ballotId: string): PulledRow => ({
  hubSeq, stationId: 'b', localSeq: hubSeq, kind: 'receipt', ballotId, voterId: `V-${ballotId}`, electionId: 'E1',
  verdict: 'ACCEPTED', stationTime: '2026-11-03T15:00:00.000Z', body: { scanSeq: hubSeq, operator: 'bo' },
});

describe('relaxed commits for replication bookkeeping', () => {
  it('withRelaxedSync runs its writes at NORMAL and puts FULL back, also when the work throws', () => {
    const store = open();
    const sync = () => store.db.pragma('synchronous', { simple: true });
    expect(sync()).toBe(FULL);
    expect(withRelaxedSync(store.db, () => sync())).toBe(NORMAL);
    expect(sync()).toBe(FULL);
    expect(() => withRelaxedSync(store.db, () => { throw new Error('boom'); })).toThrow('boom');
    expect(sync()).toBe(FULL);
  });

  it('inside a transaction it changes nothing (the enclosing commit decides, and stays FULL)', () => {
    const store = open();
    const seen = store.db.transaction(() => withRelaxedSync(store.db, () => store.db.pragma('synchronous', { simple: true })))();
    expect(seen).toBe(FULL);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('after acknowledging a push, recording an error and storing a pulled page, the next scan commits at FULL and its duplicate check sees the pulled receipt', () => {
    const store = open();
    seedRoll(store, [rollRow({ ballotId: 'CB000001', voterId: 'V-CB000001', electionId: 'E1' })]);
    store.config.set('election', 'E1', 'test', new Date().toISOString());
    store.county.recordError('the hub is down', '2026-11-03T15:00:00.000Z');
    store.county.applyPulled([receipt(7, 'CB000001')], 'a', '2026-11-03T15:00:01.000Z');
    store.county.acknowledge(0, '2026-11-03T15:00:02.000Z');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(store.county.state()).toMatchObject({ pullCursor: 7, lastError: null });
    const station = new Station(store);
    const o = submitScan(station, { name: 'ann', role: 'clerk', via: 'cli-setup' }, { raw: 'CB000001' }).outcome;
    expect(o.verdict).toBe('DUPLICATE');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('a push acknowledged ten times a second is written at most once a second: state() has the newest at once, the file within a second, and at close', async () => {
    const t = tempStore();
    cleanup = t.cleanup;
    const onDisk = () => (t.store.db.prepare('SELECT pushed_through AS p FROM replication_state WHERE id = 1').get() as { p: number }).p;
    t.store.county.acknowledge(1, '2026-11-03T15:00:00.000Z');
    expect(onDisk()).toBe(1); // the first is written at once
    for (let seq = 2; seq <= 10; seq += 1) t.store.county.acknowledge(seq, `2026-11-03T15:00:0${seq % 10}.000Z`);
    expect(onDisk()).toBe(1);
    expect(t.store.county.state()).toMatchObject({ pushedThrough: 10, lastPushAt: '2026-11-03T15:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(onDisk()).toBe(10);
    t.store.county.acknowledge(11, '2026-11-03T15:00:11.000Z');
    t.store.county.acknowledge(12, '2026-11-03T15:00:12.000Z');
    const reopened = t.reopen();
    expect(reopened.county.state().pushedThrough).toBe(12);
  });

  it('an error recorded after an acknowledgement still in memory stays shown (the late write does not clear it); a rewind is not undone by it', () => {
    const store = open();
    store.county.acknowledge(5, '2026-11-03T15:00:00.000Z');
    store.county.acknowledge(6, '2026-11-03T15:00:01.000Z'); // held in memory
    store.county.recordError('lost the connection to the hub', '2026-11-03T15:00:02.000Z');
    expect(store.county.state()).toMatchObject({ pushedThrough: 6, lastError: 'lost the connection to the hub' });
    store.county.acknowledge(8, '2026-11-03T15:00:03.000Z'); // clears the error: written at once
    expect(store.county.state()).toMatchObject({ pushedThrough: 8, lastError: null });
    store.county.acknowledge(9, '2026-11-03T15:00:04.000Z'); // held
    store.county.rewindPush(4);
    expect(store.county.state().pushedThrough).toBe(4);
    store.county.flushAck();
    expect(store.county.state().pushedThrough).toBe(4);
  });
});
