// Envelope image FILES in county mode, against a real PostgreSQL hub (TLS, real station roles):
// station A's picture reaches the hub once, station B reads it by hash through images.read
// (fetched, verified, kept 0600), forged or tampered bytes never reach the hub, a retired
// station is refused.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../main/actions/context.js';
import { attachBytes, readImage } from '../../main/actions/images.js';
import { Station } from '../../main/api/station.js';
import { hubTarget } from '../../main/county/connection.js';
import { closeHubReader } from '../../main/county/hub-reader.js';
import { newImageProgress, pushImages } from '../../main/county/images.js';
import { pushPending } from '../../main/county/replicator.js';
import { purgeHubImages, retireStation } from '../../main/hub/admin.js';
import { imageStoreFor, sha256Of } from '../../main/images/image-store.js';
import { Store } from '../../main/store/store.js';
import { countyRoll, startCounty, until, type TestCounty } from '../helpers/county.js';
import { envelopeJpeg } from '../images/fixtures.js';
import { intakeAsync } from '../helpers/cli.js';
import { submitScan } from '../../main/actions/scans.js';

const sue: Actor = { name: 'sue', role: 'supervisor', via: 'cli-setup' };
let county: TestCounty;
const open: Station[] = [];
const clients: pg.Client[] = [];

function station(i: number): Station {
  const s = county.stations[i];
  if (!s) throw new Error('no station');
  const st = new Station(Store.open(s.db));
  open.push(st);
  return st;
}

async function clientOf(st: Station): Promise<pg.Client> {
  const target = hubTarget(st.store);
  if (!target) throw new Error('no hub');
  const c = new pg.Client(target.client);
  await c.connect();
  clients.push(c);
  return c;
}

async function hubImages(sha?: string): Promise<{ sha256: string; station_id: string; size: number }[]> {
  const admin = await county.hub.superuser();
  try {
    const r = await admin.query<{ sha256: string; station_id: string; size: number }>(
      'SELECT sha256, station_id, size FROM intake.images WHERE $1::text IS NULL OR sha256 = $1 ORDER BY sha256', [sha ?? null]);
    return r.rows;
  } finally {
    await admin.end();
  }
}

/** A scan of a county roll ballot at this station, with an envelope picture attached (the real code path). */
async function scanWithImage(st: Station, ballot: string, seed: number): Promise<string> {
  const o = submitScan(st, sue, { raw: ballot });
  const images = await attachBytes(st, sue, o.outcome.seq, await envelopeJpeg(seed));
  const env = images.find((i) => i.kind === 'envelope');
  if (!env) throw new Error('no envelope image');
  return env.sha256;
}

beforeAll(async () => {
  county = await startCounty(['a', 'b', 'c', 'd'], countyRoll(20), { proxies: false });
  process.env['INTAKE_HUB_PASSWORD'] = '';
}, 30_000);

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  for (const s of open) {
    await s.stopCounty();
    await closeHubReader(s.store);
    s.store.close();
  }
  await county?.stop();
});

describe('county images', () => {
  it('A pushes a picture: the hub holds its bytes once (pushed twice, by the replicator and by hand: still one row)', async () => {
    const a = station(0);
    const sha = await scanWithImage(a, 'CB000001', 1);
    expect(a.startCounty({ pollMs: 100 })).toBe(true);
    const rows = await until('the image at the hub', async () => ((await hubImages(sha)).length === 1 ? hubImages(sha) : null));
    expect(rows?.[0]).toMatchObject({ sha256: sha, station_id: 'a' });
    await a.stopCounty();
    // Again by hand from the start (a restarted station): the hub already holds it, nothing is sent.
    const c = await clientOf(a);
    const ack = await pushPending(a.store, c, 500, () => new Date());
    const again = await pushImages(a.store, c, ack.acknowledgedThrough, newImageProgress());
    expect(again).toEqual({ uploaded: 0, problems: [] });
    // Even sent straight to put_image twice: one row, and the second answer says "already held".
    const bytes = imageStoreFor(a.store.path).read(sha).bytes;
    const r = await c.query<{ v: boolean }>('SELECT intake.put_image($1, $2) AS v', [sha, bytes]);
    expect(r.rows[0]?.v).toBe(false);
    expect(await hubImages(sha)).toHaveLength(1);
  }, 30_000);

  it('B, which never captured it, reads it by hash through images.read: same bytes, kept here 0600; unknown everywhere: the same plain error', async () => {
    const a = open[0] ?? station(0);
    const b = station(1);
    const sha = (await hubImages())[0]?.sha256 ?? '';
    const bStore = imageStoreFor(b.store.path);
    expect(bStore.check(sha).state).toBe('missing');
    const got = await readImage(b, sue, sha);
    expect(got.mediaType).toBe('image/webp'); // the envelope as processed and stored at A
    expect(Buffer.from(got.dataBase64, 'base64').equals(imageStoreFor(a.store.path).read(sha).bytes)).toBe(true);
    expect(bStore.check(sha).state).toBe('ok');
    expect(fs.statSync(bStore.pathOf(sha, 'webp')).mode & 0o777).toBe(0o600);
    const nowhere = sha256Of(Buffer.from('a picture no station ever took'));
    await expect(readImage(b, sue, nowhere)).rejects.toThrow(/is not in the image store \(purged, or the file is missing\)/);
    await expect(readImage(b, sue, 'not-a-hash')).rejects.toThrow(/64 lowercase hex digits/);
  }, 30_000);

  it('a station role sending bytes that do not match their name (or empty, or over 20 MB) is refused in plain words; the hub is unchanged', async () => {
    const b = open[1] ?? station(1);
    const c = await clientOf(b);
    const before = await hubImages();
    const forged = sha256Of(Buffer.from('what the name promises'));
    await expect(c.query('SELECT intake.put_image($1, $2)', [forged, Buffer.from('something else entirely')])).rejects.toMatchObject({
      code: 'IH030',
      message: expect.stringMatching(/does not match its name .* the hub did not keep it/) as unknown,
    });
    await expect(c.query('SELECT intake.put_image($1, $2)', [forged, Buffer.alloc(0)])).rejects.toMatchObject({ code: 'IH031' });
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1, 7);
    await expect(c.query('SELECT intake.put_image($1, $2)', [sha256Of(huge), huge])).rejects.toMatchObject({ code: 'IH031', message: expect.stringMatching(/more than the 20 MB/) as unknown });
    await expect(c.query('SELECT intake.put_image($1, $2)', ['ABC', Buffer.from('x')])).rejects.toMatchObject({ code: 'IH031' });
    // No table privilege: only the functions.
    await expect(c.query('SELECT count(*) FROM intake.images')).rejects.toMatchObject({ code: '42501' });
    expect(await hubImages()).toEqual(before);
  }, 30_000);

  it('a tampered file at station C is not sent and is reported in plain words in the replication status; the good one beside it is sent', async () => {
    const cSt = station(2);
    const bad = await scanWithImage(cSt, 'CB000002', 2);
    const good = await scanWithImage(cSt, 'CB000003', 3);
    const file = imageStoreFor(cSt.store.path).pathOf(bad, 'webp');
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, 'tampered bytes');
    expect(cSt.startCounty({ pollMs: 100 })).toBe(true);
    await until('the good image at the hub', async () => (await hubImages(good)).length === 1 || null);
    const st = await until('the status names the altered file', () => (/altered/.test(cSt.countyStatus().lastError ?? '') ? cSt.countyStatus() : null));
    expect(st?.lastError).toMatch(new RegExp(`envelope image ${bad.slice(0, 12)}… was altered or replaced on disk .*not sent to the county hub`));
    expect(await hubImages(bad)).toHaveLength(0);
    // Repaired (the true bytes put back): sent on a later round, and no longer reported.
    await cSt.stopCounty();
    const c = await clientOf(cSt);
    const progress = newImageProgress();
    const first = await pushImages(cSt.store, c, cSt.store.county.state().pushedThrough, progress);
    expect(first.problems).toHaveLength(1);
    expect(first.uploaded).toBe(0);
    fs.writeFileSync(file, original);
    const second = await pushImages(cSt.store, c, cSt.store.county.state().pushedThrough, progress);
    expect(second).toEqual({ uploaded: 1, problems: [] });
    expect(await hubImages(bad)).toHaveLength(1);
  }, 30_000);

  it('a file the hub refuses (over 20 MB) is reported and passed over: the next picture still goes, replication never stalls', async () => {
    const b = open[1] ?? station(1);
    const o = submitScan(b, sue, { raw: 'CB000004' });
    const huge = Buffer.alloc(20 * 1024 * 1024 + 10, 1);
    const put = await imageStoreFor(b.store.path).put(huge, 'webp');
    const at = new Date().toISOString();
    b.store.write(() =>
      b.store.images.linkWithin({ scanSeq: o.outcome.seq, ballotId: 'CB000004', kind: 'envelope', sha256: put.sha256, bytes: put.bytes, width: 1, height: 1, format: 'webp', source: 'file', design: null, capturedAt: at, capturedBy: 'sue' }),
    );
    const next = await scanWithImage(b, 'CB000005', 5);
    const c = await clientOf(b);
    const ack = await pushPending(b.store, c, 500, () => new Date());
    const r = await pushImages(b.store, c, ack.acknowledgedThrough, newImageProgress());
    expect(r.problems).toEqual([expect.stringMatching(/was not sent: the county hub refused it \(image .* more than the 20 MB the hub takes\)/)]);
    expect(r.uploaded).toBe(1);
    expect(await hubImages(next)).toHaveLength(1);
    expect(await hubImages(put.sha256)).toHaveLength(0);
  }, 30_000);

  it('40 reads of the same county picture at once at B: all the same bytes, one file 0600, no temporary file left', async () => {
    const a = open[0] ?? station(0);
    const b = open[1] ?? station(1);
    const sha = await scanWithImage(a, 'CB000006', 6);
    const c = await clientOf(a);
    const ack = await pushPending(a.store, c, 500, () => new Date());
    await pushImages(a.store, c, ack.acknowledgedThrough, newImageProgress());
    const reads = await Promise.all(Array.from({ length: 40 }, () => readImage(b, sue, sha)));
    expect(new Set(reads.map((r) => r.dataBase64)).size).toBe(1);
    expect(sha256Of(Buffer.from(reads[0]?.dataBase64 ?? '', 'base64'))).toBe(sha);
    const file = imageStoreFor(b.store.path).pathOf(sha, 'webp');
    // Other pictures may share the fan-out folder (same first two hex digits): no temporary file, this one once.
    const names = fs.readdirSync(path.dirname(file));
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(names.filter((n) => n.startsWith(sha))).toEqual([path.basename(file)]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('intake hub push (the CLI) sends the entries, then the picture files they name', async () => {
    const a = open[0] ?? station(0);
    const sha = await scanWithImage(a, 'CB000007', 7);
    const r = await intakeAsync(['hub', 'push', '--db', county.stations[0]?.db ?? ''], { env: { INTAKE_HUB_PASSWORD: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imagesSent: 1, imagesNotSent: [] });
    expect(await hubImages(sha)).toHaveLength(1);
  }, 30_000);

  it("a hub copy altered at the hub is not stored or shown at the station that fetches it", async () => {
    const b = open[1] ?? station(1);
    const [victim] = (await hubImages()).filter((r) => r.station_id === 'c' && imageStoreFor(b.store.path).check(r.sha256).state === 'missing');
    if (!victim) throw new Error('no image of C at the hub');
    const admin = await county.hub.superuser();
    try {
      await admin.query("UPDATE intake.images SET bytes = 'altered at the hub'::bytea WHERE sha256 = $1", [victim.sha256]);
    } finally {
      await admin.end();
    }
    await expect(readImage(b, sue, victim.sha256)).rejects.toThrow(/county hub's copy of image .* does not match its hash: it was not stored or shown/);
    expect(imageStoreFor(b.store.path).check(victim.sha256).state).toBe('missing');
  }, 30_000);

  it('a retired station is refused by put_image and get_image', async () => {
    const d = station(3);
    const c = await clientOf(d);
    const bytes = Buffer.from('a retired station tries');
    const admin = await county.hub.superuser();
    try {
      await retireStation(admin, 'd');
    } finally {
      await admin.end();
    }
    await expect(c.query('SELECT intake.put_image($1, $2)', [sha256Of(bytes), bytes])).rejects.toMatchObject({ code: 'IH002', message: expect.stringMatching(/station d was retired/) as unknown });
    await expect(c.query('SELECT intake.get_image($1)', [sha256Of(bytes)])).rejects.toMatchObject({ code: 'IH002' });
    expect(await hubImages(sha256Of(bytes))).toHaveLength(0);
  }, 30_000);

  it('the hub purges its copies received before a day, records each purge, and refuses a date that is not one (function and CLI)', async () => {
    const admin = await county.hub.superuser();
    try {
      const held = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM intake.images')).rows[0]?.n);
      expect(held).toBeGreaterThan(0);
      // Nothing is older than 2000: nothing goes, and the purge is still recorded.
      expect(await purgeHubImages(admin, '2000-01-01')).toMatchObject({ removed: 0, bytesRemoved: 0 });
      // One copy made to look received in 2020 is the only one a purge before 2021 removes.
      const old = (await admin.query<{ sha256: string; size: number }>('SELECT sha256, size FROM intake.images ORDER BY sha256 LIMIT 1')).rows[0];
      await admin.query("UPDATE intake.images SET received_at = '2020-06-01' WHERE sha256 = $1", [old?.sha256]);
      const r = await intakeAsync(['hub', 'images', 'purge', '--before', '2021-01-01', '--url', county.hub.url, '--ca', county.hub.caFile], { env: { INTAKE_HUB_ADMIN_PASSWORD: county.hub.adminPassword } });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ receivedBefore: '2021-01-01', removed: 1, bytesRemoved: old?.size });
      expect(Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM intake.images')).rows[0]?.n)).toBe(held - 1);
      const purges = (await admin.query<{ removed: number; received_before: string }>("SELECT removed, to_char(received_before, 'YYYY-MM-DD') AS received_before FROM intake.image_purges ORDER BY purge_id")).rows;
      expect(purges).toEqual([{ removed: 0, received_before: '2000-01-01' }, { removed: 1, received_before: '2021-01-01' }]);
      // A date that is not one: refused in words, nothing removed, nothing recorded.
      await expect(purgeHubImages(admin, '2021-13-45')).rejects.toThrow(/YYYY-MM-DD/);
      const bad = await intakeAsync(['hub', 'images', 'purge', '--before', 'yesterday', '--url', county.hub.url, '--ca', county.hub.caFile], { env: { INTAKE_HUB_ADMIN_PASSWORD: county.hub.adminPassword } });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/YYYY-MM-DD/);
      expect(Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM intake.images')).rows[0]?.n)).toBe(held - 1);
      expect(Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM intake.image_purges')).rows[0]?.n)).toBe(2);
    } finally {
      await admin.end();
    }
  }, 30_000);
});
