import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageStoreFor } from '../../main/images/image-store.js';
import { purgeImages } from '../../main/images/purge.js';
import { Store } from '../../main/store/store.js';
import { tempDir } from '../helpers/station.js';
import { must, reviewStation } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let store: Store;
let dbPath: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-sig-retention-'));
  dbPath = path.join(dir, 'station.db');
  store = Store.open(dbPath);
});
afterEach(() => {
  store.close();
  cleanup();
});

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const refRows = () =>
  store.db.prepare<[], { reference_id: number; source: string; sha256: string; purged_at: string | null; purged_by: string | null }>('SELECT reference_id, source, sha256, purged_at, purged_by FROM reference_signatures ORDER BY reference_id').all();

describe('retention of signatures on file', () => {
  it('an envelope crop kept as a live prior-envelope signature survives a purge of envelope images, and goes when that signature is purged too', async () => {
    const { scans } = await reviewStation(store, dir, 1, 0);
    const scan = must(scans[0], 'a scan');
    const crop = must(store.signatures.envelopeCrop(scan.seq), 'a crop');
    const voterId = must(store.scans.get(scan.seq)?.voterId, 'a voter');
    // Kept as a signature on file later than the envelope images' cut-off (a reviewer's match, years on).
    store.write(() => store.signatures.addReferenceWithin({ voterId, capturedOn: '2026-01-05', sha256: crop, source: 'prior-envelope', fromScanSeq: scan.seq, file: null }, 'sue', '2099-06-01T00:00:00.000Z'));
    const files = imageStoreFor(dbPath);

    const first = purgeImages(store, tomorrow(), 'sue', new Date().toISOString());
    expect(first.images).toBeGreaterThan(0);
    expect(first.hooks).toEqual({ signatures: 0 });
    expect(files.check(crop).state).toBe('ok');
    expect(store.verifyAudit().ok).toBe(true);

    const second = purgeImages(store, '2100-01-01', 'sue', '2100-01-02T00:00:00.000Z');
    expect(second.hooks).toEqual({ signatures: 1 });
    expect(files.check(crop).state).toBe('missing');
    expect(refRows()).toEqual([{ reference_id: 1, source: 'prior-envelope', sha256: crop, purged_at: '2100-01-02T00:00:00.000Z', purged_by: 'sue' }]);
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('purges signatures on file that came before the day: rows kept marked, files removed, counts per kind audited, none served; verify passes and names a forged purged mark', async () => {
    const { scans } = await reviewStation(store, dir, 2, 2);
    const voterId = must(store.scans.get(must(scans[0]).seq)?.voterId, 'a voter');
    expect(store.signatures.references(voterId, 6, null)).toHaveLength(2);
    const shas = refRows().map((r) => r.sha256);
    const files = imageStoreFor(dbPath);
    const at = new Date(Date.now() + 1000).toISOString();

    const r = purgeImages(store, tomorrow(), 'sue', at);
    expect(r.hooks).toEqual({ signatures: 4 });
    expect(refRows().every((row) => row.purged_at === at && row.purged_by === 'sue')).toBe(true);
    for (const sha of shas) expect(files.check(sha).state).toBe('missing');
    expect(store.signatures.references(voterId, 6, null)).toEqual([]);
    const entry = store.db.prepare<[], { actor: string; after: string }>("SELECT actor, after FROM audit_log WHERE action = 'signature.reference.purge'").get();
    expect(entry?.actor).toBe('sue');
    expect(JSON.parse(must(entry).after)).toEqual({ before: `${tomorrow()}T00:00:00.000Z`, purgedAt: at, references: 4, bySource: { 'state-export': 4, 'prior-envelope': 0 } });
    expect(store.verifyAudit().ok).toBe(true);

    // A live signature on file marked purged by hand (no recorded purge covers it) is named.
    store.write(() => store.signatures.addReferenceWithin({ voterId, capturedOn: '2026-02-01', sha256: 'a'.repeat(64), source: 'state-export', fromScanSeq: null, file: null }, 'sue', '2099-01-01T00:00:00.000Z'));
    expect(store.verifyAudit().ok).toBe(true);
    store.db.prepare("UPDATE reference_signatures SET purged_at = ?, purged_by = 'sue' WHERE sha256 = ?").run(at, 'a'.repeat(64));
    expect(store.verifyAudit()).toMatchObject({ ok: false, reason: expect.stringMatching(/^signature on file 5 \(voter .*\) is marked purged at .*, but no recorded purge covers it$/) as unknown });
  });
});
