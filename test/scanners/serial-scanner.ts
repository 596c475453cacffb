/**
 * Real serial scanners on socat ptys for the integration tests: the real serialport binding and
 * serial source. Every scanner opened here is stopped, and its cable closed, by closeScanners().
 */
import { createSerialSource } from '../../main/scanners/serial.js';
import { scannerConfigSchema, type ScannerSource, type SerialScannerConfig } from '../../main/scanners/types.js';
import { startCollecting, type Collected } from './collect.js';
import { startPtyCable, type PtyCable } from './pty.js';

/** Reconnects quickly, so a test does not wait on the production backoff. */
export const FAST_BACKOFF = { backoff: { initialMs: 20, maxMs: 200 } };

const opened: { cable: PtyCable; source: ScannerSource }[] = [];

/** Has closeScanners() stop this source and close its cable. */
export function tracked<S extends ScannerSource>(cable: PtyCable, source: S): S {
  opened.push({ cable, source });
  return source;
}

export async function closeScanners(): Promise<void> {
  for (const { cable, source } of opened.splice(0)) {
    await source.stop();
    await cable.close();
  }
}

/** A serial scanner configured as a station would be (`settings` over a default), started and connected. */
export async function serialScanner(
  settings: Partial<SerialScannerConfig> = {},
): Promise<{ cable: PtyCable; c: Collected; source: ScannerSource }> {
  const cable = await startPtyCable();
  const config = scannerConfigSchema.parse({ kind: 'serial', id: 'bench-1', name: 'Bench scanner', path: cable.stationPath, ...settings });
  if (config.kind !== 'serial') throw new Error('expected a serial config');
  const source = tracked(cable, createSerialSource(config, FAST_BACKOFF));
  const c = await startCollecting(source);
  return { cable, c, source };
}
