import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { BIN } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { startPtyCable, waitFor, type PtyCable } from '../scanners/pty.js';

let t: ReturnType<typeof tempDir>;
let db: string;
const cables: PtyCable[] = [];
beforeEach(() => {
  t = tempDir('intake-scan-serial-');
  db = path.join(t.dir, 'intake.db');
  const store = Store.open(db);
  seedRoll(store, Array.from({ length: 40 }, (_, i) => rollRow({ ballotId: `PTY-${String(i).padStart(3, '0')}`, voterId: `V${i}` })));
  store.close();
});
afterEach(async () => {
  for (const c of cables.splice(0)) await c.close();
  t.cleanup();
});

/** Runs `intake scan --serial …` and collects its NDJSON verdicts and stderr status lines. */
function scanProcess(paths: string[]) {
  const child = spawn(process.execPath, [BIN, 'scan', '--station', 'ST1', '--operator', 'clara', '--db', db, ...paths.flatMap((p) => ['--serial', p])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const verdicts: { seq: number; verdict: string; raw: string; scanner: string; ballotId: string | null }[] = [];
  const status: { scanner: string; state: string }[] = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) verdicts.push(JSON.parse(l) as (typeof verdicts)[number]);
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const lines = err.split('\n');
    err = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) status.push(JSON.parse(l) as (typeof status)[number]);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { child, verdicts, status, stop: async () => (child.kill('SIGTERM'), exited) };
}

describe('intake scan --serial on real ptys', () => {
  it('prints the same durable verdicts as stdin scanning, from two scanners at once, tagged by scanner', async () => {
    const a = await startPtyCable();
    const b = await startPtyCable();
    cables.push(a, b);
    const p = scanProcess([a.stationPath, b.stationPath]);
    await waitFor(() => p.status.filter((s) => s.state === 'connected').length >= 2, 'both scanners connected', 15_000);
    for (let i = 0; i < 10; i += 1) {
      await a.write(`PTY-${String(i).padStart(3, '0')}\r`);
      await b.write(`PTY-${String(20 + i).padStart(3, '0')}\r`);
    }
    await a.write('PTY-000\r'); // the same envelope again, from the other scanner's neighbour
    await waitFor(() => p.verdicts.length >= 21, '21 verdicts', 15_000);
    expect(await p.stop()).toBe(0);
    expect(p.verdicts.filter((v) => v.verdict === 'ACCEPTED')).toHaveLength(20);
    expect(p.verdicts.filter((v) => v.ballotId === 'PTY-000').map((v) => v.verdict)).toEqual(['ACCEPTED', 'DUPLICATE']);
    expect(new Set(p.verdicts.map((v) => v.scanner))).toEqual(new Set(['serial-1', 'serial-2']));
    expect(p.verdicts.map((v) => v.seq)).toEqual(p.verdicts.map((_, i) => i + 1));
    const store = Store.open(db);
    expect((store.db.prepare('SELECT count(*) AS n FROM scans').get() as { n: number }).n).toBe(21);
    store.close();
  });

  it('records a code that never got its terminator as UNREADABLE with what arrived, and goes on', async () => {
    // (Unplug and replug are tested on the sources themselves: test/scanners/replug.test.ts.)
    const a = await startPtyCable();
    cables.push(a);
    const p = scanProcess([a.stationPath]);
    await waitFor(() => p.status.some((s) => s.state === 'connected'), 'connected', 15_000);
    await a.write('PTY-001\r');
    await a.write('PTY-0');
    await waitFor(() => p.verdicts.length >= 2, 'the partial code recorded', 15_000);
    await a.write('PTY-002\r');
    await waitFor(() => p.verdicts.some((v) => v.ballotId === 'PTY-002'), 'the next scan', 10_000);
    await p.stop();
    expect(p.verdicts.map((v) => `${v.verdict}:${v.raw}`)).toEqual(['ACCEPTED:PTY-001', 'UNREADABLE:PTY-0', 'ACCEPTED:PTY-002']);
  });
});
