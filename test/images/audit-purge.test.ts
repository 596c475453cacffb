import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEnvelopeImage } from '../../main/actions/images.js';
import { imageStoreFor } from '../../main/images/image-store.js';
import { purgeImages, registerImageKeeper, registerImagePurgeHook } from '../../main/images/purge.js';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';
import { acceptedScans, envelopeJpeg, first } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let store: Store;
let dbPath: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-img-audit-'));
  dbPath = path.join(dir, 'station.db');
  store = Store.open(dbPath);
});
afterEach(() => {
  store.close();
  cleanup();
});

describe('audit verify over envelope images', () => {
  it('names a stored image replaced, altered or missing, and a row re-pointed at another file', async () => {
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    const [envelope] = await storeEnvelopeImage(api.station, 'clerk1', scan.seq, await envelopeJpeg(1), 'camera');
    if (!envelope) throw new Error('no image');
    expect(store.verifyAudit()).toMatchObject({ ok: true, imagesChecked: 1 });
    const file = imageStoreFor(dbPath).pathOf(envelope.sha256, 'webp');
    const original = fs.readFileSync(file);

    fs.writeFileSync(file, await envelopeJpeg(2)); // another real picture in its place
    const replaced = store.verifyAudit();
    expect(replaced.ok).toBe(false);
    expect('reason' in replaced && replaced.reason).toMatch(
      new RegExp(`^image ${envelope.id} \\(the envelope of scan ${scan.seq}\\) was altered or replaced on disk: images/${envelope.sha256.slice(0, 2)}/${envelope.sha256}\\.webp now hashes to [0-9a-f]{16}…, the audit log recorded ${envelope.sha256.slice(0, 16)}…`),
    );
    const flipped = Buffer.from(original);
    flipped.writeUInt8((flipped.readUInt8(flipped.length - 10) ^ 1) & 0xff, flipped.length - 10); // one bit
    fs.writeFileSync(file, flipped);
    expect(store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringMatching(/was altered or replaced on disk/) as unknown });

    fs.rmSync(file);
    expect(store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringMatching(/is missing from the image store \(images\/.*\.webp\) and no purge removed it$/) as unknown });
    fs.writeFileSync(file, original);
    expect(store.verifyAudit().ok).toBe(true);

    store.db.prepare('UPDATE envelope_images SET sha256 = ? WHERE id = ?').run('0'.repeat(64), envelope.id);
    expect(store.verifyAudit()).toMatchObject({ ok: false, reason: `image ${envelope.id} (the envelope of scan ${scan.seq}) differs from its audit entry ${store.audit.tip().entries}` });
  });
});

describe('purge', () => {
  it('removes files captured before the day, keeps rows marked purged, records it; a file a newer image shares stays', async () => {
    const [old1, old2, recent] = acceptedScans(store, 3);
    if (!old1 || !old2 || !recent) throw new Error('fixture');
    let now = new Date('2026-01-10T12:00:00Z');
    const api = apiFor(store, () => now);
    const shared = await envelopeJpeg(10);
    await storeEnvelopeImage(api.station, 'clerk1', old1.seq, await envelopeJpeg(11), 'camera');
    await storeEnvelopeImage(api.station, 'clerk1', old2.seq, shared, 'camera');
    now = new Date('2026-03-01T12:00:00Z');
    const [kept] = await storeEnvelopeImage(api.station, 'clerk1', recent.seq, shared, 'camera');
    const sup = api.as('sup', 'supervisor');

    const denied = await api.call(api.as('clerk1'), 'images.purge', { before: '2026-02-01' });
    expect(denied.ok || denied.error.code).toBe('forbidden');
    const r = await api.call(sup, 'images.purge', { before: '2026-02-01' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toEqual({ before: '2026-02-01', images: 2, files: 1, hooks: { signatures: 0 } });
    const rows = store.db.prepare<[], { scan_seq: number; purged_at: string | null; purged_by: string | null }>('SELECT scan_seq, purged_at, purged_by FROM envelope_images ORDER BY id').all();
    expect(rows).toEqual([
      { scan_seq: old1.seq, purged_at: '2026-03-01T12:00:00.000Z', purged_by: 'sup' },
      { scan_seq: old2.seq, purged_at: '2026-03-01T12:00:00.000Z', purged_by: 'sup' },
      { scan_seq: recent.seq, purged_at: null, purged_by: null },
    ]);
    const entry = store.db.prepare<[], { actor: string; after: string }>("SELECT actor, after FROM audit_log WHERE action = 'image.purge'").get();
    expect(entry?.actor).toBe('sup');
    expect(JSON.parse(entry?.after ?? '{}')).toEqual({ before: '2026-02-01T00:00:00.000Z', images: 2, purgedAt: '2026-03-01T12:00:00.000Z' });
    expect(store.verifyAudit()).toMatchObject({ ok: true, imagesChecked: 3 });
    const gone = await api.call(sup, 'images.forScan', { seq: old1.seq });
    expect(gone.ok && gone.value.images[0]?.purgedAt).toBe('2026-03-01T12:00:00.000Z');
    const read = await api.call(sup, 'images.read', { sha256: gone.ok ? (gone.value.images[0]?.sha256 ?? '') : '' });
    expect(read.ok || read.error.message).toMatch(/not in the image store/);
    const stillThere = await api.call(sup, 'images.read', { sha256: kept?.sha256 ?? '' });
    expect(stillThere.ok).toBe(true);
    // A forged purge mark (no recorded purge covers it) is named.
    store.db.prepare('UPDATE envelope_images SET purged_at = ? WHERE scan_seq = ?').run('2026-03-02T00:00:00.000Z', recent.seq);
    expect(store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringMatching(/is marked purged at 2026-03-02T00:00:00.000Z, but no recorded purge covers it/) as unknown });
  });

  it('refuses a cut-off inside the retention period: the setting, and 22 months after a federal election (52 U.S.C. § 20701)', async () => {
    const scan = first(acceptedScans(store, 1)); // ballots of election E2026, scanned today
    const now = new Date(Date.parse(store.scans.get(scan.seq)?.scannedAt ?? '') + 40 * 86_400_000);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const api = apiFor(store, () => now);
    const sup = api.as('sup', 'supervisor');
    store.config.set('images.retentionDays', 30, 'sup', now.toISOString());
    const r = await api.call(sup, 'images.purge', { before: day(now.getTime() - 10 * 86_400_000) });
    expect(r.ok || r.error.message).toBe(`images must be kept 30 days (setting images.retentionDays): the latest day you may purge before is ${day(now.getTime() - 30 * 86_400_000)}`);
    store.config.set('election', 'E2026', 'sup', now.toISOString());
    store.config.set('electionDate', day(now.getTime() - 5 * 86_400_000), 'sup', now.toISOString());
    const fed = await api.call(sup, 'images.purge', { before: day(now.getTime() - 31 * 86_400_000) });
    expect(fed.ok || fed.error.message).toMatch(
      /^envelope images of the election of \d{4}-\d{2}-\d{2} must be kept 22 months, until \d{4}-\d{2}-\d{2} \(52 U\.S\.C\. § 20701\), and its first envelope was scanned on \d{4}-\d{2}-\d{2}: the latest day you may purge before is/,
    );
    expect(store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'image.purge'").get()).toEqual({ n: 0 });
    // Before the election's first scan, older images may go.
    const ok = await api.call(sup, 'images.purge', { before: day(now.getTime() - 60 * 86_400_000) });
    expect(ok.ok).toBe(true);
  });
});

describe('purge hooks for other image owners (signatures on file)', () => {
  it('a registered hook runs with the same cut-off and is counted; a file a keeper still uses stays', async () => {
    const [a, b] = acceptedScans(store, 2);
    if (!a || !b) throw new Error('fixture');
    const api = apiFor(store, () => new Date('2026-01-10T12:00:00Z'));
    const [kept] = await storeEnvelopeImage(api.station, 'clerk1', a.seq, await envelopeJpeg(30), 'camera');
    await storeEnvelopeImage(api.station, 'clerk1', b.seq, await envelopeJpeg(31), 'camera');
    const seen: string[] = [];
    registerImagePurgeHook('references', (_store, input) => {
      seen.push(input.beforeIso);
      return 7;
    });
    registerImageKeeper('references', (_store, sha) => sha === kept?.sha256);
    const r = purgeImages(store, '2026-02-01', 'sup', '2026-03-01T00:00:00.000Z');
    expect(r).toEqual({ before: '2026-02-01', images: 2, files: 1, hooks: { signatures: 0, references: 7 } });
    expect(seen).toEqual(['2026-02-01T00:00:00.000Z']);
    expect(imageStoreFor(dbPath).check(kept?.sha256 ?? '').state).toBe('ok');
  });
});

describe('the command line', () => {
  it('intake images attach / list / pending / purge, and audit verify naming a replaced image (exit 1)', async () => {
    const scan = first(acceptedScans(store, 1));
    store.close();
    const pic = path.join(dir, 'envelope.jpg');
    fs.writeFileSync(pic, await envelopeJpeg(20));
    const env = { INTAKE_DB: dbPath };
    const attached = intake(['images', 'attach', String(scan.seq), pic], { env });
    expect(attached.stderr).toBe('');
    expect(attached.status).toBe(0);
    const [img] = attached.json<{ images: { sha256: string; source: string }[] }>().images;
    expect(img?.source).toBe('file');
    expect(intake(['images', 'list', String(scan.seq)], { env }).json<{ images: unknown[] }>().images).toHaveLength(1);
    expect(intake(['images', 'pending'], { env }).json()).toEqual({ count: 0, items: [] });
    const notPic = path.join(dir, 'roll.jpg');
    fs.writeFileSync(notPic, 'voter_id,name\n');
    const refused = intake(['images', 'attach', String(scan.seq), notPic], { env });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not an image the station can read/);

    fs.writeFileSync(imageStoreFor(dbPath).pathOf(img?.sha256 ?? '', 'webp'), await envelopeJpeg(21));
    const verify = intake(['audit', 'verify'], { env });
    expect(verify.status).toBe(1);
    expect(verify.stderr).toMatch(/was altered or replaced on disk/);

    const purge = intake(['images', 'purge', '--before', '2999-01-01'], { env });
    expect(purge.status).toBe(0);
    expect(purge.json()).toMatchObject({ images: 1, files: 1 });
    expect(purge.stderr).toMatch(/^1 image\(s\) captured before 2999-01-01 purged \(1 file\(s\) removed\); the purge is recorded in the audit log/);
    expect(intake(['audit', 'verify'], { env }).status).toBe(0);
    store = Store.open(dbPath);
  }, 60_000);
});

describe("the state profile's retention period", () => {
  it('imageRetentionMonths longer than 22 raises the floor (named in the reason); shorter never lowers it', async () => {
    const { latestPurgeDay } = await import('../../main/images/retention.js');
    const [scan] = acceptedScans(store, 1);
    if (!scan) throw new Error('fixture');
    const api = apiFor(store, () => new Date('2026-11-04T12:00:00Z'));
    await storeEnvelopeImage(api.station, 'clerk1', scan.seq, await envelopeJpeg(40), 'camera');
    store.config.set('election', 'E2026', 'sup', '2026-11-04T12:00:00.000Z');
    store.config.set('electionDate', '2026-11-03', 'sup', '2026-11-04T12:00:00.000Z');
    const at = new Date('2028-11-01T00:00:00Z'); // 24 months on: past the federal 22, inside a state's 36
    expect(latestPurgeDay(store, at)).toBeNull();
    expect(latestPurgeDay(store, at, 12)).toBeNull();
    expect(latestPurgeDay(store, at, 36)?.why).toMatch(/must be kept 36 months, until 2029-11-03 \(the state profile's imageRetentionMonths\)/);
  });
});
