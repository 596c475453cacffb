import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { pullChanges } from '../../main/sync/changes.js';
import { syncToFolder } from '../../main/sync/folder.js';
import { SyncSender } from '../../main/sync/sender.js';
import { BIN } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { startStateServer, type StateServer } from '../state-server/server.js';
import { seededRandom } from '../state-server/faults.js';

const TOKEN = 'station-token';
let t: ReturnType<typeof tempStore>;
let server: StateServer;

beforeEach(async () => {
  t = tempStore();
  server = await startStateServer({ dbPath: path.join(t.dir, 'state.db'), token: TOKEN, maxChunk: 1000 });
  const now = new Date().toISOString();
  for (const [k, v] of [['election', 'E2026'], ['syncTimeoutSeconds', 0.5], ['syncRetryBaseSeconds', 0.02], ['syncRetryCapSeconds', 0.2], ['syncChunkSize', 7]] as const)
    t.store.config.set(k, v, 't', now);
  seedRoll(t.store, Array.from({ length: 120 }, (_, i) => rollRow({ ballotId: `SY-${String(i).padStart(4, '0')}`, voterId: `V${i}`, electionId: 'E2026' })));
});
afterEach(async () => {
  await server.close();
  t.cleanup();
});

/** Scans n envelopes and closes the batch: one more closed batch in the outbox. */
function closeBatchOf(from: number, n: number): string {
  const intake = new Intake(t.store, 'ST1');
  for (let i = from; i < from + n; i += 1) intake.scan({ raw: `SY-${String(i).padStart(4, '0')}`, operator: 'clara' });
  return intake.closeBatch(null, n, 'sue').batchId;
}

function expectExactlyOnce(batchIds: string[]): void {
  const stored = server.receipts();
  const expected = batchIds.flatMap((b) => t.store.sync.batchReceipts(b).map((r) => `${b}/${r.ballotId}`)).sort();
  expect(stored.map((r) => `${r.batchId}/${r.ballotId}`).sort()).toEqual(expected);
  const complete = new Set(server.batches().filter((b) => b.complete).map((b) => b.batchId));
  for (const b of batchIds) {
    expect(t.store.sync.get(b)?.status).toBe('acknowledged');
    expect(complete.has(b)).toBe(true);
  }
}

describe('sync outbox against the loopback state server', () => {
  it('delivers closed batches in chunks, each receipt once, and records the acks', async () => {
    const batches = [closeBatchOf(0, 20), closeBatchOf(20, 3)];
    const report = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runUntilDone(10_000);
    expect(report).toMatchObject({ rejected: [], waiting: [] });
    expect(report.acknowledged.sort()).toEqual([...batches].sort());
    expect(t.store.sync.chunks(batches[0] ?? '')).toHaveLength(3);
    expectExactlyOnce(batches);
    const again = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runOnce();
    expect(again.acknowledged).toEqual([]);
  });

  it('survives every fault the link can do, including an ack applied but lost', async () => {
    const batches = [closeBatchOf(0, 15), closeBatchOf(15, 15)];
    server.setFaults({
      queue: [
        { kind: 'drop-after' },
        { kind: 'status-500' },
        { kind: 'status-429-retry-after', retryAfter: '0' },
        { kind: 'slow', ms: 1500, processFirst: true },
        { kind: 'drop-before' },
        { kind: 'garbage', processFirst: true },
        { kind: 'status-503-retry-after', retryAfter: 'nonsense' },
      ],
    });
    const report = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runUntilDone(30_000);
    expect(report.waiting).toEqual([]);
    expectExactlyOnce(batches);
  });

  it('records a 400 with the reasons per record, and re-sends after a supervisor re-queues', async () => {
    const b = closeBatchOf(0, 3);
    t.store.db.prepare("UPDATE scans SET voter_id = '' WHERE ballot_id = 'SY-0001'").run();
    const r1 = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runOnce();
    expect(r1.rejected).toEqual([b]);
    const item = t.store.sync.list()[0];
    expect(item).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(item?.errors)).toContain('voterId');
    t.store.db.prepare("UPDATE scans SET voter_id = 'V1' WHERE ballot_id = 'SY-0001'").run();
    t.store.sync.requeue(b, 'sue', 'voter number corrected', new Date().toISOString());
    const r2 = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runOnce();
    expect(r2.acknowledged).toEqual([b]);
    expectExactlyOnce([b]);
  });

  it('stops on a refused token without marking anything sent', async () => {
    const b = closeBatchOf(0, 2);
    await expect(new SyncSender(t.store, { baseUrl: server.url, token: 'wrong' }).runOnce()).rejects.toThrow(/401/);
    expect(t.store.sync.get(b)?.status).toBe('sending');
    expect(server.receipts()).toEqual([]);
  });

  it('applies the state change feed to the roll once, across pages', async () => {
    server.addChange({ kind: 'cancelled', voterId: 'V5', ballotId: 'SY-0005', electionId: 'E2026', at: '2026-10-20T10:00:00Z' });
    server.addChange({ kind: 'voted_in_person', voterId: 'V6', ballotId: 'SY-0006', electionId: 'E2026', at: '2026-10-20T10:00:00Z' });
    server.addChange({ kind: 'reissued', voterId: 'V7', ballotId: 'SY-0007', newBallotId: 'SY-9007', electionId: 'E2026', at: '2026-10-21T10:00:00Z' });
    const r = await pullChanges(t.store, { baseUrl: server.url, token: TOKEN }, 2);
    expect(r).toMatchObject({ applied: 3, pages: 2 });
    expect((await pullChanges(t.store, { baseUrl: server.url, token: TOKEN }, 2)).applied).toBe(0);
    const intake = new Intake(t.store, 'ST1');
    expect(intake.scan({ raw: 'SY-0005', operator: 'c' }).verdict).toBe('CANCELLED');
    expect(intake.scan({ raw: 'SY-0006', operator: 'c' }).verdict).toBe('ALREADY_VOTED');
    expect(intake.scan({ raw: 'SY-0007', operator: 'c' }).verdict).toBe('SUPERSEDED');
    expect(intake.scan({ raw: 'SY-9007', operator: 'c' }).verdict).toBe('ACCEPTED');
  });

  it('writes batches to a folder as CSV with a sha256 sidecar that verifies; written is not acknowledged until the upload is confirmed', async () => {
    const b = closeBatchOf(0, 4);
    const out = path.join(t.dir, 'usb');
    fs.mkdirSync(out);
    const r = await syncToFolder(t.store, out, 'csv', 'sue');
    expect(r.written).toHaveLength(1);
    const file = r.written[0]?.file ?? '';
    // A file on a drive is not the state's receipt: the batch is written, awaiting upload.
    expect(t.store.sync.get(b)?.status).toBe('pending');
    const shown = t.store.sync.list().find((i) => i.batchId === b);
    expect(shown).toMatchObject({ status: 'written', ack: null, file: { file: path.basename(file), sha256: r.written[0]?.sha256, writtenBy: 'sue' } });
    expect(fs.readFileSync(file, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(5);
    execFileSync('sha256sum', ['-c', `${path.basename(file)}.sha256`], { cwd: out });
    t.store.sync.confirmUpload(b, 'sue', new Date().toISOString());
    expect(t.store.sync.list().find((i) => i.batchId === b)).toMatchObject({ status: 'acknowledged', ack: `file:${path.basename(file)} sha256:${r.written[0]?.sha256 ?? ''}` });
    expect(() => t.store.sync.confirmUpload(b, 'sue', new Date().toISOString())).toThrow(/no written file awaiting upload/);
  });

  it('refuses to confirm an upload for a batch with no written file, and says a missing folder plainly', async () => {
    const b = closeBatchOf(4, 2);
    expect(() => t.store.sync.confirmUpload(b, 'sue', new Date().toISOString())).toThrow(/no written file awaiting upload/);
    expect(t.store.sync.get(b)?.status).toBe('pending');
    await expect(syncToFolder(t.store, path.join(t.dir, 'no-such-drive'), 'csv')).rejects.toThrow(/There is no folder .*no-such-drive: is the drive plugged in and mounted\?/);
  });
});

describe('exactly once when the sender process is killed at random', () => {
  it('ends with every receipt of every closed batch at the state once, statuses agreeing', async () => {
    const batches = [closeBatchOf(0, 30), closeBatchOf(30, 30), closeBatchOf(60, 30), closeBatchOf(90, 25)];
    server.setFaults({
      random: {
        seed: 11,
        faults: [
          { p: 0.15, fault: { kind: 'drop-after' } },
          { p: 0.1, fault: { kind: 'drop-before' } },
          { p: 0.1, fault: { kind: 'status-500' } },
          { p: 0.2, fault: { kind: 'slow', ms: 300, processFirst: true } },
          { p: 0.05, fault: { kind: 'status-429-retry-after', retryAfter: '0' } },
        ],
      },
    });
    // Small chunks: a full run is ~60 requests, several seconds with the faults, so kills land mid-sync.
    t.store.config.set('syncChunkSize', 2, 't', new Date().toISOString());
    t.store.close();
    const rand = seededRandom(5);
    let done = false;
    let kills = 0;
    for (let round = 0; round < 60 && !done; round += 1) {
      const child = spawn(process.execPath, [BIN, 'sync', '--url', server.url, '--wait', '20', '--no-changes', '--db', t.dbPath], {
        env: { ...process.env, INTAKE_SYNC_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // The first eight runs are always cut short at a random moment (most mid-request: a run
      // starts sending ~0.4 s in); later ones are cut half the time, until one finishes.
      const killAfter = round < 8 || rand() < 0.5 ? 300 + Math.floor(rand() * 1200) : null;
      const timer = killAfter === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfter);
      const code = await new Promise<number | null>((r) => child.on('exit', (c, signal) => r(signal === 'SIGKILL' ? -9 : c)));
      if (timer) clearTimeout(timer);
      if (code === -9) kills += 1;
      done = code === 0;
    }
    t.store = (await import('../../main/store/store.js')).Store.open(t.dbPath);
    expect(done).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(8);
    expect(server.stats().requests).toBeGreaterThan(batches.length);
    expectExactlyOnce(batches);
  }, 180_000);
});
