/** Records what a scanner source reports, and waits for it, for the integration tests. */
import type {
  ScanEvent,
  ScanFault,
  ScannerSource,
  ScannerState,
  ScannerStatus,
} from '../../main/scanners/types.js';
import { waitFor } from './pty.js';

export interface Collected {
  scans: ScanEvent[];
  faults: ScanFault[];
  statuses: ScannerStatus[];
  rawBytes: () => number;
  texts: () => string[];
  /** Waits until `n` scans have arrived in all. */
  scanCount: (n: number) => Promise<void>;
  faultCount: (n: number) => Promise<void>;
  /** Waits until the source is in `state` (now or later). */
  state: (state: ScannerState) => Promise<void>;
  /** Waits until the port has read `n` bytes in all: proves a write arrived as its own read. */
  bytes: (n: number) => Promise<void>;
}

export function collect(source: ScannerSource, timeoutMs = 15_000): Collected {
  const scans: ScanEvent[] = [];
  const faults: ScanFault[] = [];
  const statuses: ScannerStatus[] = [];
  let raw = 0;
  source.onScan((s) => scans.push(s));
  source.onFault((f) => faults.push(f));
  source.onStatus((s) => statuses.push(s));
  source.onRaw((c) => (raw += c.length));
  return {
    scans,
    faults,
    statuses,
    rawBytes: () => raw,
    texts: () => scans.map((s) => s.text),
    scanCount: (n) =>
      waitFor(() => scans.length >= n, `${n} scans from ${source.id} (have ${scans.length})`, timeoutMs),
    faultCount: (n) => waitFor(() => faults.length >= n, `${n} faults from ${source.id}`, timeoutMs),
    state: (state) =>
      waitFor(() => source.status().state === state, `${source.id} to be ${state}`, timeoutMs),
    bytes: (n) => waitFor(() => raw >= n, `${n} bytes read by ${source.id} (have ${raw})`, timeoutMs),
  };
}

/** Starts the source and waits until it is connected, collecting from before the start. */
export async function startCollecting(source: ScannerSource): Promise<Collected> {
  const c = collect(source);
  source.start();
  await c.state('connected');
  return c;
}
