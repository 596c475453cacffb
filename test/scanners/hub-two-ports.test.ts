/**
 * Two serial scanners at once through the hub, over real ptys: interleaved scans are each
 * handled exactly once, tagged with their scanner, and never two at a time.
 */
import { afterEach, expect, it } from 'vitest';
import { createScannerSource, parseSerialOption } from '../../main/scanners/factory.js';
import { ScannerHub } from '../../main/scanners/hub.js';
import type { ScanEvent, ScannerSource } from '../../main/scanners/types.js';
import { waitFor, startPtyCable, type PtyCable } from './pty.js';

const cables: PtyCable[] = [];
let hub: ScannerHub | null = null;

afterEach(async () => {
  await hub?.stop();
  hub = null;
  for (const c of cables.splice(0)) await c.close();
});

async function scanner(id: string): Promise<{ cable: PtyCable; source: ScannerSource }> {
  const cable = await startPtyCable();
  cables.push(cable);
  const config = parseSerialOption(cable.stationPath, { id, name: `Scanner ${id}` });
  if (!config.ok) throw new Error(config.error);
  return {
    cable,
    source: createScannerSource(config.value, { timing: { backoff: { initialMs: 20, maxMs: 200 } } }),
  };
}

it('interleaved scans from two ports: each exactly once, tagged, handler never concurrent', async () => {
  const left = await scanner('left');
  const right = await scanner('right');
  const handled: ScanEvent[] = [];
  let active = 0;
  let maxActive = 0;
  hub = new ScannerHub({
    onScan: async (scan) => {
      active++;
      maxActive = Math.max(maxActive, active);
      // An intake that takes its time (a slow disk): the next scan must wait for it.
      await new Promise((r) => setTimeout(r, (scan.text.charCodeAt(scan.text.length - 1) % 3) * 2));
      handled.push(scan);
      active--;
    },
  });
  hub.add(left.source);
  hub.add(right.source);
  await waitFor(() => hub?.health() === 'ok', 'both scanners connected');

  const N = 20;
  for (let i = 0; i < N; i++) {
    await left.cable.write(`L-${i}\r`);
    await right.cable.write(`R-${i}\r`);
  }
  await waitFor(() => handled.length >= 2 * N, `${2 * N} scans handled (have ${handled.length})`, 15_000);
  await hub.drain();

  const fromLeft = handled.filter((s) => s.scannerId === 'left').map((s) => s.text);
  const fromRight = handled.filter((s) => s.scannerId === 'right').map((s) => s.text);
  expect(fromLeft).toEqual(Array.from({ length: N }, (_, i) => `L-${i}`));
  expect(fromRight).toEqual(Array.from({ length: N }, (_, i) => `R-${i}`));
  expect(handled).toHaveLength(2 * N);
  expect(maxActive).toBe(1);
  expect(hub.statuses().map((s) => s.name)).toEqual(['Scanner left', 'Scanner right']);
});

it('one scanner unplugged: the other keeps scanning, the hub reports degraded, then ok', async () => {
  const left = await scanner('left');
  const right = await scanner('right');
  const handled: string[] = [];
  const statuses: string[] = [];
  hub = new ScannerHub({ onScan: (s) => void handled.push(`${s.scannerId}:${s.text}`) });
  hub.onStatus((s) => statuses.push(`${s.scannerId}:${s.state}`));
  hub.add(left.source);
  hub.add(right.source);
  await waitFor(() => hub?.health() === 'ok', 'both scanners connected');

  await left.cable.unplug();
  await waitFor(() => hub?.health() === 'degraded', 'the hub to notice the unplug');
  await right.cable.write('R-ALONE\r');
  await waitFor(() => handled.includes('right:R-ALONE'), 'the right scanner to keep working');
  await left.cable.replug();
  await waitFor(() => hub?.health() === 'ok', 'left to come back');
  await left.cable.write('L-BACK\r');
  await waitFor(() => handled.includes('left:L-BACK'), 'the left scanner after replug');
  expect(handled).toEqual(['right:R-ALONE', 'left:L-BACK']);
  expect(statuses).toContain('left:disconnected');
});
