// Signature review's benchmark (issue 19): a reviewer's next pair with 100,000 envelopes awaiting
// review, through the action layer on a real file (next, and decide + next as the screen does
// them), beside the floor: the bare indexed SELECT of the same queue row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Station } from '../main/api/station.js';
import { decideSignature, nextSignature } from '../main/actions/signatures.js';
import type { Actor } from '../main/actions/context.js';
import { imageStoreFor } from '../main/images/image-store.js';
import { Store } from '../main/store/store.js';

const ENVELOPES = 100_000;
const ROUNDS = 2_000;

function summary(lat: number[]): Record<string, number> {
  const s = [...lat].sort((a, b) => a - b);
  const at = (p: number) => Math.round((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN) * 1000) / 1000;
  return { n: s.length, p50ms: at(0.5), p99ms: at(0.99), maxms: at(1) };
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** 100,000 received envelopes with a signature crop each and two signatures on file per voter, written in bulk. */
async function seed(store: Store): Promise<void> {
  const files = imageStoreFor(store.path);
  const img = (seed: number) => sharp({ create: { width: 600, height: 200, channels: 3, background: { r: 250 - seed, g: 250, b: 250 } } }).webp().toBuffer();
  const [crop, refA, refB] = await Promise.all([img(0), img(1), img(2)].map(async (b) => (await files.put(await b, 'webp')).sha256));
  const at = new Date().toISOString();
  store.write(() => {
    store.db.exec(`INSERT INTO roll_imports (import_id, started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected)
      VALUES (1, '${at}', '${at}', 'bench', 'station', 'bench', ${ENVELOPES}, ${ENVELOPES}, 0, 0, 0)`);
    store.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ENVELOPES})
      INSERT INTO ballots (ballot_id, election_id, voter_id, last_name, first_name, status, vote_method, voted_other_method, import_id, updated_import_id)
        SELECT printf('B%08d', i), 'E2026', printf('V%08d', i), 'DOE', 'JANE', 'ISSUED', 'MAIL', 0, 1, 1 FROM n;`);
    store.db.exec(`
      INSERT INTO scans (scanned_at, station, operator, raw, keyed, ballot_id, voter_id, verdict, reason)
        SELECT '${at}', 'bench', 'ann', ballot_id, 0, ballot_id, voter_id, 'ACCEPTED', 'accepted' FROM ballots ORDER BY id;
      INSERT INTO receipts (ballot_id, scan_seq) SELECT ballot_id, seq FROM scans;
      INSERT INTO envelope_images (scan_seq, ballot_id, kind, sha256, bytes, width, height, format, source, captured_at, captured_by)
        SELECT seq, ballot_id, 'signature', '${crop}', 1000, 600, 200, 'webp', 'file', '${at}', 'ann' FROM scans;
      INSERT INTO reference_signatures (voter_id, captured_on, sha256, source, imported_at, imported_by)
        SELECT voter_id, '2016-05-01', '${refA}', 'state-export', '${at}', 'bench' FROM ballots;
      INSERT INTO reference_signatures (voter_id, captured_on, sha256, source, imported_at, imported_by)
        SELECT voter_id, '2022-09-09', '${refB}', 'state-export', '${at}', 'bench' FROM ballots;`);
    for (const [name, role] of [['ann', 'clerk'], ['sue', 'supervisor']] as const) store.operators.createWithin(name, role, 'x', 'bench', at);
    store.signatures.setReviewerWithin('ann', true, null, 'sue', at);
  });
}

export async function benchSignatures(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-signatures-'));
  const store = Store.open(path.join(dir, 'station.db'));
  try {
    await seed(store);
    const station = new Station(store);
    const ann: Actor = { name: 'ann', role: 'clerk', via: 'session' };
    const sue: Actor = { name: 'sue', role: 'supervisor', via: 'session' };
    let first: ReturnType<typeof nextSignature> | null = null;
    const catchUpMs = time(() => (first = nextSignature(station, ann)));
    const counts = store.signatures.stageCounts();
    const next: number[] = [];
    const decideNext: number[] = [];
    const supervisorNext: number[] = [];
    let item = (first as ReturnType<typeof nextSignature> | null)?.item ?? null;
    for (let i = 0; i < ROUNDS && item; i++) {
      const cur = item;
      // Every tenth a "does not match" (to the second level), the rest matches (2% sampled).
      const decision = i % 10 === 0 ? 'no-match' : 'match';
      let out: ReturnType<typeof nextSignature> | null = null;
      decideNext.push(time(() => {
        decideSignature(station, ann, { scanSeq: cur.scanSeq, round: cur.round, decision, reason: 'bench', referenceIds: cur.references.map((r) => r.referenceId) });
        out = nextSignature(station, ann);
      }));
      next.push(time(() => nextSignature(station, ann)));
      item = (out as ReturnType<typeof nextSignature> | null)?.item ?? null;
      if (i % 50 === 0) supervisorNext.push(time(() => nextSignature(station, sue)));
    }
    // The floor: the same queue row by a bare prepared, indexed SELECT.
    const stmt = store.db.prepare("SELECT * FROM signature_items INDEXED BY signature_items_open WHERE stage = 'tier1' AND stage <> 'done' ORDER BY scan_seq LIMIT 1");
    const floor = Array.from({ length: ROUNDS }, () => time(() => stmt.get()));
    // And what one recorded decision costs at least: a one-row write transaction, flushed (synchronous=FULL).
    store.db.exec('CREATE TABLE bench_floor (at TEXT NOT NULL) STRICT');
    const touch = store.db.prepare('INSERT INTO bench_floor (at) VALUES (?)');
    const flush = Array.from({ length: 200 }, () => time(() => store.write(() => touch.run(new Date().toISOString()))));
    return {
      envelopesAwaiting: ENVELOPES,
      queueAtStart: counts,
      firstNextWithCatchUpMs: Math.round(catchUpMs),
      next: summary(next),
      decideThenNext: summary(decideNext),
      supervisorNext: summary(supervisorNext),
      floorIndexedSelect: summary(floor),
      floorOneRowWrite: summary(flush),
      target: { nextP99ms: 100 },
      note: 'next is a read (holds are kept in memory); decide is one write transaction (synchronous=FULL), so decide+next is bounded below by floorOneRowWrite',
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
