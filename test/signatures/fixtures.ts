import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { storeEnvelopeImage } from '../../main/actions/images.js';
import type { Actor } from '../../main/actions/context.js';
import { importSignatures } from '../../main/signatures/import.js';
import type { Store } from '../../main/store/store.js';
import type { Role } from '../../shared/domain.js';
import { apiFor } from '../helpers/api.js';
import { acceptedScans, envelopeJpeg } from '../images/fixtures.js';

/** A small picture of a "signature": a stroke on white, different for each seed. */
export async function signaturePng(seed: number): Promise<Buffer> {
  const svg = Buffer.from(`<svg width="300" height="100"><path d="M 10 ${60 + (seed % 20)} q 30 -${30 + (seed % 30)} 60 0 t 60 0 t 60 0" stroke="black" stroke-width="4" fill="none"/></svg>`);
  return sharp({ create: { width: 300, height: 100, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite([{ input: svg }]).png().toBuffer();
}

/** A value a test needs present (no non-null assertions: a missing one fails the test by name). */
export function must<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}

export const supervisorActor: Actor = { name: 'sue', role: 'supervisor', via: 'session' };

/** Real operator rows (reviewer grants name operators); the PIN hash is never checked here. */
export function addOperators(store: Store, ops: [string, Role][]): void {
  const at = new Date().toISOString();
  store.write(() => {
    for (const [name, role] of ops) if (!store.operators.get(name)) store.operators.createWithin(name, role, 'not-a-hash', 'test', at);
  });
}

/**
 * A station with `n` accepted envelopes, each with a stored signature crop (through the image
 * pipeline, a template set), and `refs` signatures on file per voter (through the real import).
 */
export async function reviewStation(store: Store, dir: string, n: number, refs = 2) {
  const api = apiFor(store);
  addOperators(store, [['sue', 'supervisor'], ['tom', 'supervisor'], ['ann', 'clerk'], ['bob', 'clerk'], ['cal', 'clerk']]);
  const sup = api.as('sue', 'supervisor');
  const t = await api.call(sup, 'images.templates.save', { design: 'county', rect: { x: 0.5, y: 0.6, w: 0.5, h: 0.4 } });
  if (!t.ok) throw new Error(t.error.message);
  const scans = acceptedScans(store, n);
  const jpeg = await envelopeJpeg(1);
  for (const s of scans) await storeEnvelopeImage(api.station, 'ann', s.seq, jpeg, 'file');
  if (refs > 0) {
    const folder = path.join(dir, 'refs');
    fs.mkdirSync(folder, { recursive: true });
    const lines = ['voter_id,captured_on,file'];
    for (const [i, s] of scans.entries()) {
      const voterId = must(store.scans.get(s.seq)?.voterId);
      for (let k = 0; k < refs; k++) {
        const file = `${voterId}-${k}.png`;
        fs.writeFileSync(path.join(folder, file), await signaturePng(i * 10 + k));
        lines.push(`${voterId},20${10 + k}-0${1 + (k % 9)}-15,${file}`);
      }
    }
    fs.writeFileSync(path.join(folder, 'index.csv'), `${lines.join('\n')}\n`);
    const r = await importSignatures(api.station, supervisorActor, { path: path.join(folder, 'index.csv') });
    if (r.refused.length > 0 || r.unknownVoters.length > 0) throw new Error(JSON.stringify(r));
  }
  for (const name of ['ann', 'bob', 'cal']) {
    const g = await api.call(sup, 'signatures.setReviewer', { name, reviewer: true });
    if (!g.ok) throw new Error(g.error.message);
  }
  return { api, scans, sup };
}
