import dc from 'node:diagnostics_channel';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { pullChanges } from '../../main/sync/changes.js';
import { getChanges, postChunk, unsafeStateUrl } from '../../main/sync/http.js';
import { SyncError, SyncSender } from '../../main/sync/sender.js';
import { intake as intakeCli } from '../helpers/cli.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { startStateServer, type StateServer } from '../state-server/server.js';

const TOKEN = 'station-token';
let t: ReturnType<typeof tempStore>;
let server: StateServer;

beforeEach(async () => {
  t = tempStore();
  server = await startStateServer({ dbPath: path.join(t.dir, 'state.db'), token: TOKEN });
  t.store.config.set('election', 'E2026', 't', new Date().toISOString());
  seedRoll(t.store, [rollRow({ ballotId: 'TLS-0001', electionId: 'E2026' })]);
  const intake = new Intake(t.store, 'ST1');
  intake.scan({ raw: 'TLS-0001', operator: 'clara' });
  intake.closeBatch(null, 1, 'sue');
});
afterEach(async () => {
  await server.close();
  t.cleanup();
});

/** Counts every socket and HTTP request this process starts while `fn` runs (Node's own probes). */
async function connectionsDuring(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const count = () => (n += 1);
  dc.subscribe('net.client.socket', count);
  dc.subscribe('http.client.request.start', count);
  try {
    await fn().catch(() => undefined);
  } finally {
    dc.unsubscribe('net.client.socket', count);
    dc.unsubscribe('http.client.request.start', count);
  }
  return n;
}

const REFUSED = /refused to sync with state\.example over plain http: the sync token would cross the network unencrypted/;

describe('the sync token never travels over plain http beyond this computer', () => {
  it('allows https anywhere and http only to loopback (127.0.0.0/8, ::1, localhost)', () => {
    for (const ok of ['https://state.example/api', 'http://127.0.0.1:8080/', 'http://127.9.8.7', 'http://127.1/', 'http://0x7f.0.0.1/', 'http://localhost:3000/api', 'http://[::1]:9/'])
      expect(unsafeStateUrl(ok), ok).toBeNull();
    for (const bad of ['http://state.example/', 'http://10.0.0.5/', 'http://192.168.1.2:80/', 'http://[::ffff:127.0.0.1]/', 'http://127.0.0.1.nip.io/', 'http://localhost.state.example/', 'http://[fe80::1]/'])
      expect(unsafeStateUrl(bad), bad).toMatch(/over plain http/);
    expect(unsafeStateUrl('ftp://state.example/')).toMatch(/must start with https:\/\//);
    expect(unsafeStateUrl('state.example/api')).toMatch(/is not a web address/);
  });

  it('refuses http://state.example/ before any connection: the sender, the change feed and the client itself', async () => {
    expect(() => new SyncSender(t.store, { baseUrl: 'http://state.example/api', token: TOKEN })).toThrow(SyncError);
    expect(() => new SyncSender(t.store, { baseUrl: 'http://state.example/api', token: TOKEN })).toThrow(REFUSED);
    expect(t.store.sync.unfinished().map((r) => r.status)).toEqual(['pending']); // nothing marked as sending
    const started = performance.now();
    expect(await connectionsDuring(() => expect(pullChanges(t.store, { baseUrl: 'http://state.example/api', token: TOKEN })).rejects.toThrow(REFUSED))).toBe(0);
    expect(await connectionsDuring(() => expect(getChanges({ baseUrl: 'http://state.example/', token: TOKEN, since: null, limit: 10, timeoutMs: 5_000 })).rejects.toThrow(REFUSED))).toBe(0);
    const body = { batchId: 'b', stationId: 's', electionId: 'e', closedAt: '2026-11-03T00:00:00Z', handCount: 0, chunk: { index: 0, count: 1 }, receipts: [] };
    expect(await connectionsDuring(() => expect(postChunk({ baseUrl: 'http://state.example/', token: TOKEN, key: 'k', body, timeoutMs: 5_000 })).rejects.toThrow(REFUSED))).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_000); // no name lookup, no connect timeout
  });

  it('syncs with a real state server on 127.0.0.1 over http (and the probe does see that connection)', async () => {
    let report: Awaited<ReturnType<SyncSender['runOnce']>> | undefined;
    const seen = await connectionsDuring(async () => (report = await new SyncSender(t.store, { baseUrl: server.url, token: TOKEN }).runOnce()));
    expect(report?.acknowledged).toHaveLength(1);
    expect(seen).toBeGreaterThan(0);
    expect(server.receipts().map((r) => r.ballotId)).toEqual(['TLS-0001']);
  });

  it('intake sync --url http://state.example/api (the real CLI) exits 1 with the reason, the batch still pending', () => {
    t.store.close();
    const r = intakeCli(['sync', '--url', 'http://state.example/api', '--db', t.dbPath], { env: { INTAKE_SYNC_TOKEN: TOKEN } });
    t.reopen();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(REFUSED);
    expect(t.store.sync.unfinished().map((row) => row.status)).toEqual(['pending']);
  });
});

describe('the change feed honours syncTimeoutSeconds', () => {
  it('gives up on a loopback server that accepts and never answers after the setting (1 s), not 15 s', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => void sockets.push(s)); // reads the request, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    t.store.config.set('syncTimeoutSeconds', 1, 't', new Date().toISOString());
    const started = performance.now();
    try {
      await expect(pullChanges(t.store, { baseUrl: `http://127.0.0.1:${port}/`, token: TOKEN })).rejects.toThrow(/the change feed is not answering \(timeout: no complete answer within 1000 ms\)/);
      expect(sockets.length).toBe(1);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
