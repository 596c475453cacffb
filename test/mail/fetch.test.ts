import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchMail } from '../../main/actions/mail-fetch.js';
import { importMailFile } from '../../main/mail/import.js';
import { apiFor } from '../helpers/api.js';
import { intakeAsync } from '../helpers/cli.js';
import { startIvmtrServer, type IvmtrServer } from '../helpers/ivmtr-server.js';
import { tempStore } from '../helpers/station.js';
import { backImb, configure, count, journey, outImb, seedBallots, station, SUPERVISOR } from './fetch-helpers.js';

let t: ReturnType<typeof tempStore>;
let server: IvmtrServer;
let env: NodeJS.ProcessEnv;
const fast = { sleep: () => Promise.resolve() };

beforeEach(async () => {
  t = tempStore();
  server = await startIvmtrServer();
  env = { INTAKE_IVMTR_PASSWORD: server.password };
  seedBallots(t.store, 5);
  configure(t.store, server);
  for (const n of [1, 2, 3, 4]) journey(server, n); // ballot 5: never scanned
});
afterEach(async () => {
  await server.close();
  t.cleanup();
});

describe('intake mail fetch (IV-MTR API)', () => {
  it('signs in, walks the roll a page at a time, records every scan of each ballot (outbound and STID 777) through the ingest; a second fetch imports nothing new', async () => {
    const first = await fetchMail(station(t.store), SUPERVISOR, env, fast);
    expect(first).toMatchObject({ ballots: 5, pieces: 8, scans: 12, imported: 12, duplicates: 0, unknownImbs: 0, highWater: null });
    const rows = t.store.db.prepare(`SELECT ballot_id, direction, count(*) AS n FROM mail_events GROUP BY ballot_id, direction ORDER BY 1, 2`).all();
    expect(rows).toContainEqual({ ballot_id: 'MB-0001', direction: 'back', n: 1 });
    expect(rows).toContainEqual({ ballot_id: 'MB-0001', direction: 'out', n: 2 });
    expect(server.log.filter((l) => l.path === '/oauth/authenticate')).toHaveLength(1);
    // Kept with the ballot's history (the lookup's "everything that happened", `intake roll find`).
    const a = apiFor(t.store);
    const found = await a.call(a.as('clara'), 'roll.find', { ballotId: 'MB-0001' });
    const mailLines = found.ok ? (found.value[0]?.history ?? []).filter((h) => h.event === 'mail').map((h) => h.detail) : [];
    expect(mailLines).toEqual([
      'USPS scan, on its way to the voter: Phase 1 - Origin Processing at RALEIGH P&DC, RALEIGH NC 27676',
      'USPS scan, on its way to the voter: Phase 3 - Destination Processing at RALEIGH P&DC, RALEIGH NC 27330',
      'USPS scan, on its way back: Phase 3 - Destination Processing at RALEIGH NC P&DC, RALEIGH NC 27699',
    ]);
    const imp = t.store.db.prepare(`SELECT format, read, imported, finished_at FROM mail_imports WHERE import_id = ?`).get(first.importId) as Record<string, unknown>;
    expect(imp).toMatchObject({ format: 'ivmtr-api', read: 5, imported: 12 });
    expect(imp['finished_at']).toBeTruthy();

    const second = await fetchMail(station(t.store), SUPERVISOR, env, fast);
    // Every scan is older than the first fetch (less the late-scan overlap): not even handed to the ingest.
    expect(second).toMatchObject({ scans: 12, alreadySeen: 12, imported: 0 });
    expect(second.highWater).toBe((t.store.db.prepare('SELECT started_at FROM mail_imports WHERE import_id = ?').get(first.importId) as { started_at: string }).started_at);
    expect(count(t.store, 'mail_events')).toBe(12);
    // Without a high-water mark (no fetch ever finished), the same scans are duplicates of what is recorded.
    t.store.db.exec('UPDATE mail_imports SET finished_at = NULL');
    expect(await fetchMail(station(t.store), SUPERVISOR, env, fast)).toMatchObject({ alreadySeen: 0, imported: 0, duplicates: 12 });
    expect(count(t.store, 'mail_events')).toBe(12);
  });

  it('asks only for what can still change: not a received ballot, not an outbound piece already delivered', async () => {
    server.addPiece(outImb(2), [{ scan_date_time: '2026-10-07 11:00:00', mail_phase: 'Phase 4c - Delivery', handling_event_type: 'L', scan_facility_zip: '27330' }]);
    await fetchMail(station(t.store), SUPERVISOR, env, fast);
    const a = apiFor(t.store);
    expect(await a.call(a.as('clara'), 'scan.submit', { raw: 'MB-0001' })).toMatchObject({ ok: true });
    const before = server.log.length;
    await fetchMail(station(t.store), SUPERVISOR, env, fast);
    const asked = server.log.slice(before).map((l) => l.path);
    expect(asked.some((p) => p.includes(`/serial/${outImb(1).slice(11, 20)}`))).toBe(false);
    expect(asked.some((p) => p.endsWith(`/imb/${outImb(2)}`))).toBe(false);
    expect(asked.some((p) => p.endsWith(`/imb/${backImb(2)}`))).toBe(true);
    expect(asked.some((p) => p.endsWith(`/imb/${outImb(3)}`))).toBe(true);
  });

  it('renews an access token that expires mid-run (refresh token, then the same request again) and carries on', async () => {
    server.failAt(4, { kind: 'expire-token' });
    const r = await fetchMail(station(t.store), SUPERVISOR, env, fast);
    expect(r).toMatchObject({ imported: 12, tokenRenewals: 1 });
    expect(server.log.filter((l) => l.path === '/oauth/token')).toHaveLength(1);
    const after = server.log.findIndex((l) => l.path === '/oauth/token');
    expect(server.log.slice(after + 1).every((l) => l.auth === null || l.auth === 'Bearer access-2')).toBe(true);
  });

  it('signs in again when the refresh token is refused too, and stops in plain words when the password is wrong', async () => {
    server.failAt(2, { kind: 'expire-token', refreshToo: true });
    const r = await fetchMail(station(t.store), SUPERVISOR, env, fast);
    expect(r).toMatchObject({ imported: 12, tokenRenewals: 1 });
    expect(server.log.filter((l) => l.path === '/oauth/token')).toHaveLength(1);
    expect(server.log.filter((l) => l.path === '/oauth/authenticate')).toHaveLength(2);
    await expect(fetchMail(station(t.store), SUPERVISOR, { INTAKE_IVMTR_PASSWORD: 'wrong' }, fast)).rejects.toThrow(/IV-MTR refused to sign in county-bcg \(Bad credentials\).*INTAKE_IVMTR_PASSWORD/);
  });

  it('waits as long as a 429 Retry-After says (a real second), then continues', async () => {
    server.failAt(3, { kind: 'status', status: 429, retryAfter: '1' });
    const waits: number[] = [];
    const r = await fetchMail(station(t.store), SUPERVISOR, env, { onWait: (ms) => waits.push(ms) });
    expect(r.imported).toBe(12);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    const pieces = server.log.filter((l) => l.method === 'GET');
    const i = pieces.findIndex((_, k) => k === 2);
    expect((pieces[i + 1]?.at ?? 0) - (pieces[i]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('retries a 5xx with backoff and continues; five in a row stop the fetch with a clear error, keeping the pages already recorded', async () => {
    server.failAt(1, { kind: 'status', status: 503 });
    server.failAt(2, { kind: 'status', status: 502 });
    const waits: number[] = [];
    expect((await fetchMail(station(t.store), SUPERVISOR, env, { ...fast, onWait: (ms) => waits.push(ms) })).imported).toBe(12);
    expect(waits).toHaveLength(2);

    // Events of other ballots are kept, so the ingest writes page by page (into an empty table it
    // loads aside and puts the load in place only at the end: a stopped first fetch records nothing).
    t.store.db.exec(`DELETE FROM mail_event_rows WHERE ballot_id IN ('MB-0001', 'MB-0002'); UPDATE mail_imports SET finished_at = NULL`);
    // Page 1 (ballots 1–2) takes 6 requests; the first request of page 2 then fails five times.
    for (let k = 7; k <= 11; k++) server.failAt(k, { kind: 'status', status: 500, body: '{"message":"Internal error"}' });
    await expect(fetchMail(station(t.store), SUPERVISOR, env, fast)).rejects.toThrow(/IV-MTR did not answer the barcodes of mailer ID 123456 serial 000000103 \(ballot MB-0003\) after 5 tries \(last: server-error, HTTP 500: Internal error\); try again later/);
    expect(t.store.db.prepare(`SELECT count(*) AS n FROM mail_events WHERE ballot_id IN ('MB-0001', 'MB-0002')`).get()).toEqual({ n: 6 });
    // Its audit entry says it stopped (the tracking feed tells what it recorded there).
    const entry = t.store.db.prepare(`SELECT after FROM audit_log WHERE action = 'mail.fetch' ORDER BY seq DESC LIMIT 1`).get() as { after: string };
    const after = JSON.parse(entry.after) as { imported: number; stopped: string };
    expect(after.imported).toBe(6);
    expect(after.stopped).toMatch(/after 5 tries/);
  });

  it('retries a connection dropped half way through an answer', async () => {
    server.failAt(2, { kind: 'cut-connection' });
    expect((await fetchMail(station(t.store), SUPERVISOR, env, fast)).imported).toBe(12);
  });

  const nonsense = [
    ['an HTML maintenance page', { kind: 'html' }, /not an answer of its API: the HTTP 200 answer is not what the piece API answers .*Scheduled maintenance/],
    ['cut-short JSON', { kind: 'truncated-json' }, /not an answer of its API/],
    ['the wrong types', { kind: 'wrong-types' }, /not an answer of its API.*data\.imb/],
    ['a 2 GB Content-Length', { kind: 'huge-length' }, /announced an answer of 2,147,483,648 bytes.*not read/],
  ] as const;
  for (const [name, fault, message] of nonsense) {
    it(`refuses ${name} with a clear message and changes nothing`, async () => {
      server.failAt(2, fault);
      const started = Date.now();
      await expect(fetchMail(station(t.store), SUPERVISOR, env, fast)).rejects.toThrow(message);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(count(t.store, 'mail_events')).toBe(0);
      expect(t.store.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'mail.fetch'`).get()).toEqual({ n: 0 });
      expect(t.store.db.prepare(`SELECT finished_at FROM mail_imports`).get()).toEqual({ finished_at: null });
    });
  }

  it('refuses an answer that files another piece under this ballot (an IMb of another serial), recording nothing of its page', async () => {
    server.setBarcodes('123456', '000000101', [outImb(1), outImb(4)]);
    await expect(fetchMail(station(t.store), SUPERVISOR, env, fast)).rejects.toThrow(/answered the barcodes of mailer ID 123456 serial 000000101 \(ballot MB-0001\) with "00700123456000000104/);
    expect(count(t.store, 'mail_events')).toBe(0);
  });

  it('never lets the password into a URL, the audit log, the station log or its own error messages', async () => {
    await fetchMail(station(t.store), SUPERVISOR, env, fast);
    const wrong = 'Wr0ng-and-secret';
    const refused = await fetchMail(station(t.store), SUPERVISOR, { INTAKE_IVMTR_PASSWORD: wrong }, fast).then(() => '', (e: Error) => e.message);
    expect(refused).toMatch(/refused to sign in/);
    expect(refused).not.toContain(wrong);
    expect(server.log.every((l) => !l.path.includes(server.password))).toBe(true);
    expect(server.log.filter((l) => l.body.includes(server.password)).map((l) => l.path)).toEqual(['/oauth/authenticate']);
    const audit = JSON.stringify(t.store.db.prepare('SELECT * FROM audit_log').all());
    expect(audit).not.toContain(server.password);
    const log = fs.readFileSync(path.join(t.dir, 'logs', 'station.log'), 'utf8');
    expect(log).toContain('mail fetch from IV-MTR');
    expect(log).not.toContain(server.password);
    expect(log).not.toContain(wrong);
  });

  it('refuses plain http to another computer, and says what is missing before asking anything', async () => {
    const s = station(t.store);
    t.store.config.set('ivmtrApiUrl', 'http://iv.example.org/ivws_api/informedvisapi', 't', new Date().toISOString());
    await expect(fetchMail(s, SUPERVISOR, env, fast)).rejects.toThrow(/refused to use ivmtrApiUrl iv.example.org over http: the IV-MTR password would cross the network unencrypted/);
    configure(t.store, server);
    await expect(fetchMail(s, SUPERVISOR, {}, fast)).rejects.toThrow(/set INTAKE_IVMTR_PASSWORD \(it is never stored\)/);
    await expect(fetchMail(s, { name: 'clara', role: 'clerk', via: 'cli-pin' }, env, fast)).rejects.toThrow(/needs a supervisor/);
    expect(server.log).toHaveLength(0);
  });

  it('runs as `intake mail fetch` (the real binary): one JSON summary on stdout, progress on stderr; a --password argument is refused', async () => {
    const env = { INTAKE_DB: t.dbPath, INTAKE_IVMTR_PASSWORD: server.password, INTAKE_OPERATOR: '', INTAKE_PIN: '' };
    const r = await intakeAsync(['mail', 'fetch'], { env });
    expect(r.stderr).toContain('5 ballots asked, 12 scans\n');
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ ballots: 5, imported: 12, duplicates: 0 });
    expect(r.stdout + r.stderr).not.toContain(server.password);
    const bad = await intakeAsync(['mail', 'fetch', '--password', 'x'], { env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/read only from INTAKE_IVMTR_PASSWORD, never from the command line/);
  });

  it('runs one fetch at a time: the same fetch started 5 times at once (and a file import beside them) records each scan once', async () => {
    const file = path.join(t.dir, 'feed.txt');
    fs.writeFileSync(file, `imb|scan_date_time|mail_phase|scan_facility_zip\n${outImb(5)}|2026-10-05 08:00:00|Phase 1 - Origin Processing|27676\n`);
    const runs = [...Array.from({ length: 5 }, () => fetchMail(station(t.store), SUPERVISOR, env, fast)), importMailFile(t.store, file, { format: 'ivmtr-delimited', operator: 'sue' })];
    const results = await Promise.all(runs);
    expect(results.slice(0, 5).map((r) => (r as { imported: number }).imported)).toEqual([12, 0, 0, 0, 0]);
    expect(count(t.store, 'mail_events')).toBe(13);
    expect(t.store.db.prepare(`SELECT count(*) AS n FROM mail_imports WHERE finished_at IS NOT NULL`).get()).toEqual({ n: 6 });
  });
});
