/**
 * A busy station must not cut codes in two. When intake is slow (a slow disk, a backlog after a
 * burst) the event loop runs late: a deadline passes while the rest of a code is already waiting
 * in the port. That says the station was busy, not that the line was quiet, so the code must
 * still come out whole. Real ptys and the real serial source; the station's stalls are
 * synchronous sleeps on the main thread (as a blocking fsync would be). Every assertion is about
 * what was recorded, never about how fast.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LineFramer } from '../../shared/scanner/framing.js';
import { ScannerHub } from '../../main/scanners/hub.js';
import { serialOpener } from '../../main/scanners/serial.js';
import { ReconnectingSource } from '../../main/scanners/source.js';
import type { ScannerSource } from '../../main/scanners/types.js';
import { startCollecting } from './collect.js';
import { startPtyCable, waitFor, type PtyCable } from './pty.js';
import { closeScanners, FAST_BACKOFF, serialScanner, tracked } from './serial-scanner.js';

let hub: ScannerHub | null = null;

afterEach(async () => {
  await hub?.stop();
  hub = null;
  await closeScanners();
});

/** Blocks the main thread, as a synchronous fsync or a long transaction would. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A CR-terminated serial scanner whose stale-partial timeout is short, so a stall passes it. */
async function crScanner(staleAfterMs: number): Promise<{ cable: PtyCable; source: ScannerSource }> {
  const cable = await startPtyCable();
  const source = new ReconnectingSource({
    ...FAST_BACKOFF,
    id: 'busy-1',
    name: 'Busy scanner',
    open: serialOpener({ path: cable.stationPath, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }),
    decoder: new LineFramer({ terminator: 'CR', staleAfterMs }),
  });
  return { cable, source: tracked(cable, source) };
}

describe('a station busy past a deadline', () => {
  it('a backlog through the hub: every code recorded once, whole, in order, no faults', async () => {
    const { cable, source } = await crScanner(200);
    const recorded: string[] = [];
    const faults: string[] = [];
    let read = 0;
    source.onRaw((chunk) => (read += chunk.length));
    hub = new ScannerHub({
      onScan: (s) => {
        stall(1); // intake's commit, a millisecond a scan
        recorded.push(s.text);
      },
      onFault: (f) => void faults.push(f.partial),
    });
    hub.add(source);
    await waitFor(() => source.status().state === 'connected', 'the port to open');

    const codes = Array.from({ length: 3000 }, (_, i) => `BALLOT-${String(i).padStart(6, '0')}`);
    const bytes = Buffer.from(codes.map((c) => `${c}\r`).join(''), 'latin1');
    await cable.write(bytes);
    await waitFor(() => read >= bytes.length, `every byte read (have ${read} of ${bytes.length})`, 25_000);
    await hub.drain(); // the last byte is a CR: nothing is left pending in the framer

    expect(faults).toEqual([]);
    // A split code is a fault and a fragment: the count alone could still come out right.
    expect(recorded).toEqual(codes);
  });

  it('CR: the rest of a code that arrived during a stall joins its head', async () => {
    const { cable, source } = await crScanner(100);
    const c = await startCollecting(source);
    await cable.write('BALLOT-');
    await c.bytes(7);
    const rest = cable.write('0001\r'); // on its way while the station is stalled
    stall(400);
    await rest;
    await c.scanCount(1);
    await cable.write('BALLOT-0002\r');
    await c.scanCount(2);
    expect(c.texts()).toEqual(['BALLOT-0001', 'BALLOT-0002']);
    expect(c.faults).toEqual([]);
  });

  it('terminator NONE: a stall is not a quiet spell', async () => {
    const { cable, c } = await serialScanner({ id: 'busy-none', name: 'Busy scanner, no terminator', terminator: 'NONE', interCharTimeoutMs: 100 });
    await cable.write('NOSUFFIX-');
    await c.bytes(9);
    const rest = cable.write('0001');
    stall(400);
    await rest;
    await c.scanCount(1);
    await cable.write('NOSUFFIX-0002');
    await c.scanCount(2);
    expect(c.texts()).toEqual(['NOSUFFIX-0001', 'NOSUFFIX-0002']);
    expect(c.faults).toEqual([]);
  });

  it('a code truly cut off is still a fault after the timeout, stall or no stall', async () => {
    const { cable, source } = await crScanner(100);
    const c = await startCollecting(source);

    await cable.write('CUT-1');
    await c.faultCount(1);
    await cable.write('BALLOT-0001\r');
    await c.scanCount(1);

    await cable.write('CUT-2');
    await c.bytes(5 + 12 + 5);
    stall(400); // nothing more comes: after the stall the partial is still stale
    await c.faultCount(2);
    await cable.write('BALLOT-0002\r');
    await c.scanCount(2);

    expect(c.faults.map((f) => f.partial)).toEqual(['CUT-1', 'CUT-2']);
    expect(c.faults.every((f) => /without its terminator/.test(f.reason))).toBe(true);
    expect(c.texts()).toEqual(['BALLOT-0001', 'BALLOT-0002']);
  });
});
