/**
 * Unplug and replug over real ptys: kill socat, start it again at the same link paths.
 */
import { afterEach, expect, it } from 'vitest';
import { parseSerialOption } from '../../main/scanners/factory.js';
import { createScannerSource } from '../../main/scanners/factory.js';
import type { ScannerSource } from '../../main/scanners/types.js';
import { collect, startCollecting } from './collect.js';
import { startPtyCable, type PtyCable } from './pty.js';

let cable: PtyCable | null = null;
let source: ScannerSource | null = null;

afterEach(async () => {
  await source?.stop();
  await cable?.close();
  source = null;
  cable = null;
});

function serialSource(path: string): ScannerSource {
  const config = parseSerialOption(path, { baud: '9600', terminator: 'CR', id: 'desk-2', name: 'Desk 2' });
  if (!config.ok) throw new Error(config.error);
  return createScannerSource(config.value, { timing: { backoff: { initialMs: 20, maxMs: 200 } } });
}

it('unplug → disconnected, replug → connected; no scan lost or doubled, the partial is reported, not joined', async () => {
  cable = await startPtyCable();
  source = serialSource(cable.stationPath);
  const c = await startCollecting(source);

  await cable.write('BEFORE-1\rBEFORE-2\r');
  await c.scanCount(2);
  await cable.write('PARTIAL-');
  await c.bytes('BEFORE-1\rBEFORE-2\rPARTIAL-'.length);

  await cable.unplug();
  await c.state('disconnected');
  await c.faultCount(1);
  expect(c.faults[0]).toMatchObject({ scannerId: 'desk-2', partial: 'PARTIAL-' });
  expect(c.faults[0]?.reason).toMatch(/disconnected: partial code dropped/);
  expect(source.status().reason).toMatch(/port lost|does not exist/);

  await cable.replug();
  await c.state('connected');
  await cable.write('AFTER-1\rAFTER-2\r');
  await c.scanCount(4);

  // A second unplug and replug, to show the loop keeps going.
  await cable.unplug();
  await c.state('disconnected');
  await cable.replug();
  await c.state('connected');
  await cable.write('AFTER-3\r');
  await c.scanCount(5);

  expect(c.texts()).toEqual(['BEFORE-1', 'BEFORE-2', 'AFTER-1', 'AFTER-2', 'AFTER-3']);
  expect(c.faults).toHaveLength(1);
  // While it waits, a disconnected scanner may update its reason ("port lost" → "does not exist").
  const states = c.statuses.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]);
  expect(states).toEqual([
    'connecting',
    'connected',
    'disconnected',
    'connected',
    'disconnected',
    'connected',
  ]);
  expect(c.statuses.every((s) => s.scannerId === 'desk-2' && s.name === 'Desk 2')).toBe(true);
});

it('a scanner that is not plugged in at start: disconnected with a reason, connected once it appears', async () => {
  cable = await startPtyCable();
  const path = cable.stationPath;
  await cable.unplug();
  source = serialSource(path);
  const c = collect(source);
  source.start();
  await c.state('disconnected');
  expect(source.status().reason).toMatch(/does not exist/);
  await cable.replug();
  await c.state('connected');
  await cable.write('LATE-START\r');
  await c.scanCount(1);
  expect(c.texts()).toEqual(['LATE-START']);
});

it('stop ends the loop: after a replug the port is free for another source', async () => {
  cable = await startPtyCable();
  source = serialSource(cable.stationPath);
  const c = await startCollecting(source);
  await source.stop();
  expect(source.status()).toMatchObject({ state: 'disconnected', reason: 'stopped' });
  const before = c.statuses.length;
  await cable.unplug();
  await cable.replug();
  // serialport locks the port: the probe connects and reads only if the stopped source stayed away.
  const probe = serialSource(cable.stationPath);
  const p = collect(probe);
  probe.start();
  try {
    await p.state('connected');
    await cable.write('PROBE\r');
    await p.scanCount(1);
  } finally {
    await probe.stop();
  }
  expect(c.statuses.length).toBe(before);
  expect(c.scans).toEqual([]);
});

it('a port held by another program: state error with the reason, connected once it is free', async () => {
  cable = await startPtyCable();
  const holder = serialSource(cable.stationPath);
  const h = collect(holder);
  holder.start();
  await h.state('connected');
  source = serialSource(cable.stationPath);
  const c = collect(source);
  source.start();
  try {
    await c.state('error');
    expect(source.status().reason).toMatch(/in use by another program/);
  } finally {
    await holder.stop();
  }
  await c.state('connected');
  await cable.write('FREED\r');
  await c.scanCount(1);
  expect(c.texts()).toEqual(['FREED']);
});
