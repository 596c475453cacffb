// Envelope images (issue 19): capture → stored and linked, per envelope, through the real path
// (scanimage from SANE's test backend, sharp, the image store's fsyncs, the linking
// transaction with its audit entry), beside the floor of the same scanimage capture alone, run
// interleaved in the same process; then the storage a signature crop and a full envelope take,
// and the disk a 1,000,000-envelope election needs. Registered in bench/run.ts as `images`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { storeEnvelopeImage } from '../main/actions/images.js';
import { captureSane } from '../main/images/sane.js';
import { processEnvelope } from '../main/images/process.js';
import { Intake } from '../main/intake/intake.js';
import { Station } from '../main/api/station.js';
import { Store } from '../main/store/store.js';
import type { RollRow } from '../shared/roll/types.js';

type Figure = Record<string, unknown>;

export interface ImagesBenchContext {
  envelopes: number;
  work: string;
  log: (s: string) => void;
}

// A #10 envelope's back at 200 dpi (the test backend's widest page is 200 mm), grey, as a
// document scanner would be set.
const SCAN_ARGS = ['--mode', 'Gray', '--test-picture', 'Grid', '--resolution', '200', '-x', '200', '-y', '105'];
const RECT = { x: 0.55, y: 0.6, w: 0.42, h: 0.3 };

function row(i: number): RollRow {
  return {
    ballotId: `IMG${String(i).padStart(7, '0')}`, electionId: 'E2026', voterId: `V${i}`, altVoterId: null, imbMailerId: null, imbSerial: null,
    lastName: 'DOE', firstName: 'JANE', middleName: null, suffix: null, dob: null, resAddress: null, resCity: null, resZip: null,
    mailAddress: null, mailCity: null, mailState: null, mailZip: null, precinct: null, ballotStyle: null, jurisdiction: null, issuedAt: null,
    status: 'ISSUED', voteMethod: 'MAIL', votedOtherMethod: false, stateReturnedAt: null, sourceStatus: null, cancelledAt: null,
  };
}

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const stats = (lat: number[]) => {
  const s = [...lat].sort((a, b) => a - b);
  return { n: s.length, p50ms: r3(pct(s, 50)), p99ms: r3(pct(s, 99)), maxms: r3(s.at(-1) ?? NaN) };
};

function scanimageAlone(env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) =>
    execFile('scanimage', ['--device-name', 'test', '--format=png', ...SCAN_ARGS], { encoding: 'buffer', env, maxBuffer: 64 << 20 }, (err) =>
      err ? reject(new Error(`scanimage failed: ${err.message}`)) : resolve(Number(process.hrtime.bigint() - t0) / 1e6),
    ),
  );
}

/**
 * A realistic envelope back: paper with slight grain, printed oath lines, a barcode strip and a
 * handwritten signature stroke (a real envelope image compresses like this, not like the
 * test backend's grid or like pure noise).
 */
async function realisticEnvelope(i: number): Promise<Buffer> {
  const w = 1900;
  const h = 830;
  const lines = Array.from({ length: 9 }, (_, k) => `<text x="80" y="${120 + k * 44}" font-size="26" font-family="sans-serif">I swear or affirm under penalty of law that I am the voter named on this envelope (${i}-${k})</text>`).join('');
  const bars = Array.from({ length: 65 }, (_, k) => `<rect x="${90 + k * 14}" y="${(k * 7 + i) % 3 === 0 ? 700 : 712}" width="6" height="${(k * 7 + i) % 3 === 0 ? 60 : 36}"/>`).join('');
  const sig = `<path d="M 1100 640 c 40 -${60 + (i % 30)} 70 50 110 -10 s 60 -70 90 20 s 50 -40 80 0 s 40 30 120 -20" stroke="#123" stroke-width="5" fill="none"/><line x1="1050" y1="690" x2="1800" y2="690" stroke="black" stroke-width="2"/>`;
  const svg = Buffer.from(`<svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${lines}${bars}${sig}</svg>`);
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 244, g: 240, b: 232 }, noise: { type: 'gaussian', mean: 238, sigma: 4 } } })
    .composite([{ input: svg }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function benchImages(ctx: ImagesBenchContext): Promise<Figure> {
  const dir = path.join(ctx.work, 'images');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'sane'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sane', 'dll.conf'), 'test\n');
  const env = { ...process.env, SANE_CONFIG_DIR: path.join(dir, 'sane') };
  const store = Store.open(path.join(dir, 'station.db'));
  try {
    const staging = store.rollStaging();
    for (let i = 1; i <= ctx.envelopes; i++) staging.add(i + 1, row(i));
    staging.flush();
    const now = new Date().toISOString();
    store.roll.commitImport(staging, { startedAt: now, finishedAt: now, file: 'bench', format: 'station', operator: 'bench', read: ctx.envelopes, rejected: 0, rejectsFile: null }, () => undefined);
    store.images.saveTemplate({ design: 'bench', rect: RECT, sampleSha256: null, updatedAt: now, updatedBy: 'bench' });
    const station = new Station(store);
    const intake = new Intake(store, 'bench');
    for (let k = 0; k < 5; k++) await scanimageAlone(env); // warm the page cache and sharp
    const total: number[] = [];
    const floor: number[] = [];
    const cpu: number[] = [];
    for (let i = 1; i <= ctx.envelopes; i++) {
      const scan = intake.scan({ raw: `IMG${String(i).padStart(7, '0')}`, operator: 'bench' });
      const t0 = process.hrtime.bigint();
      const bytes = await captureSane({ device: 'test', args: SCAN_ARGS, env });
      // This process's own CPU (sharp's threads included) from the PNG in hand to the commit: the
      // work itself, whatever else the machine is doing.
      const c0 = process.cpuUsage();
      await storeEnvelopeImage(station, 'bench', scan.seq, bytes, 'sane');
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      total.push(Number(process.hrtime.bigint() - t0) / 1e6);
      floor.push(await scanimageAlone(env));
    }
    const overhead = total.map((t, i) => t - (floor[i] ?? 0));
    // Storage, on realistic envelope pictures (the grid compresses far better than paper).
    const sizes = { envelope: [] as number[], signature: [] as number[] };
    for (let i = 0; i < 30; i++) {
      const p = await processEnvelope(await realisticEnvelope(i), RECT);
      sizes.envelope.push(p.envelope.bytes.length);
      sizes.signature.push(p.signature?.bytes.length ?? 0);
    }
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    const gridRows = store.db.prepare<[], { kind: string; b: number }>('SELECT kind, avg(bytes) AS b FROM envelope_images GROUP BY kind').all();
    // Rows and audit entries per envelope, from the station's own database after the run.
    const dbBytes = fs.statSync(path.join(dir, 'station.db')).size + (fs.existsSync(path.join(dir, 'station.db-wal')) ? fs.statSync(path.join(dir, 'station.db-wal')).size : 0);
    const auditBytes = store.db.prepare<[], number>("SELECT sum(length(after) + length(hash) * 2 + 80) FROM audit_log WHERE action = 'image.store'").pluck().get() ?? 0;
    const rowBytes = store.db.prepare<[], number>('SELECT sum(64 + 100 + length(captured_at) + length(captured_by) + 40) FROM envelope_images').pluck().get() ?? 0;
    const perEnvelopeDb = Math.round((auditBytes + rowBytes) / ctx.envelopes);
    const perEnvelopeFiles = avg(sizes.envelope) + avg(sizes.signature);
    // File-system overhead: each file takes whole 4 KiB blocks.
    const blocks = (n: number) => Math.ceil(n / 4096) * 4096;
    const perEnvelopeDisk = blocks(avg(sizes.envelope)) + blocks(avg(sizes.signature)) + perEnvelopeDb;
    const out = {
      envelopes: ctx.envelopes,
      captureStoredLinked: stats(total),
      floorScanimageAlone: stats(floor),
      overheadOverFloor: stats(overhead),
      cpuMsPerEnvelopeProcessStoreLink: stats(cpu),
      target: { p99ms: 150 },
      image: { widthPx: 1574, heightPx: 826, dpi: 200, mode: 'Gray', picture: 'SANE test backend Grid' },
      storage: {
        realisticEnvelopeWebpBytes: avg(sizes.envelope),
        realisticSignatureWebpBytes: avg(sizes.signature),
        gridEnvelopeWebpBytes: Math.round(gridRows.find((r) => r.kind === 'envelope')?.b ?? 0),
        gridSignatureWebpBytes: Math.round(gridRows.find((r) => r.kind === 'signature')?.b ?? 0),
        databaseBytesPerEnvelope: perEnvelopeDb,
        stationDbBytesAfterRun: dbBytes,
        perEnvelopeOnDiskBytes: perEnvelopeDisk,
        millionEnvelopesGB: Math.round((perEnvelopeDisk * 1_000_000) / 1e9 * 10) / 10,
        millionEnvelopesFilesOnlyGB: Math.round((perEnvelopeFiles * 1_000_000) / 1e9 * 10) / 10,
      },
    };
    ctx.log(`images: ${JSON.stringify(out)}`);
    return out;
  } finally {
    store.close();
  }
}
