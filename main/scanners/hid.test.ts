/**
 * The HID wrappers with an injected backend: node-hid cannot open a device here (there is
 * none), so a stand-in device emits the reports a scanner would. Everything but node-hid
 * itself is the real code: device selection, the reconnect loop, the report parsers.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createHidKeyboardSource } from './hid-keyboard.js';
import { pickDevice, type HidBackend, type HidDevice, type HidDeviceInfo } from './hid-device.js';
import { createHidPosSource } from './hid-pos.js';
import {
  scannerConfigSchema,
  type ScanEvent,
  type ScanFault,
  type ScannerSource,
  type ScannerStatus,
} from './types.js';

/** expect.stringContaining is typed any; inside an object literal that trips no-unsafe-assignment. */
const containing = (text: string): unknown => expect.stringContaining(text);

class StandInDevice extends EventEmitter implements HidDevice {
  closed = false;
  // Keeps its listeners: a report already queued when the device closed can still arrive.
  close(): void {
    this.closed = true;
  }
  report(bytes: number[]): void {
    this.emit('data', Buffer.from(bytes));
  }
}

class StandInBackend {
  plugged: HidDeviceInfo[] = [];
  opened: StandInDevice[] = [];
  failOpen: string | null = null;
  readonly backend = (): Promise<HidBackend> =>
    Promise.resolve({
      devices: () => Promise.resolve(this.plugged),
      open: (path: string) => {
        if (this.failOpen !== null) throw new Error(this.failOpen);
        const d = new StandInDevice();
        this.opened.push(d);
        if (!this.plugged.some((p) => p.path === path))
          throw new Error(`cannot open device with path ${path}`);
        return d;
      },
    });
  last(): StandInDevice {
    const d = this.opened.at(-1);
    if (d === undefined) throw new Error('nothing opened');
    return d;
  }
}

const HONEYWELL_POS: HidDeviceInfo = {
  vendorId: 0x0c2e,
  productId: 0x0b61,
  path: '/dev/hidraw3',
  usagePage: 0x8c,
  usage: 0x02,
};
const HONEYWELL_KBD: HidDeviceInfo = {
  vendorId: 0x0c2e,
  productId: 0x0b61,
  path: '/dev/hidraw2',
  usagePage: 0x01,
  usage: 0x06,
};

function posReport(aim: string, data: string, continued = false): number[] {
  const r = new Array<number>(64).fill(0);
  r[0] = 0x02;
  r[1] = data.length;
  [...aim].forEach((c, i) => (r[2 + i] = c.charCodeAt(0)));
  [...data].forEach((c, i) => (r[5 + i] = c.charCodeAt(0)));
  r[63] = continued ? 1 : 0;
  return r;
}

const running: ScannerSource[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

function watch(source: ScannerSource): {
  scans: ScanEvent[];
  faults: ScanFault[];
  statuses: ScannerStatus[];
} {
  running.push(source);
  const seen = { scans: [] as ScanEvent[], faults: [] as ScanFault[], statuses: [] as ScannerStatus[] };
  source.onScan((s) => seen.scans.push(s));
  source.onFault((f) => seen.faults.push(f));
  source.onStatus((s) => seen.statuses.push(s));
  return seen;
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const fast = { backoff: { initialMs: 5, maxMs: 20 } };
const state = (s: ScannerSource, want: string): Promise<void> =>
  waitFor(() => s.status().state === want, `state ${want}`);

describe('HID POS source', () => {
  it('reads the POS interface, survives an unplug, and reports the cut-off code', async () => {
    const usb = new StandInBackend();
    usb.plugged = [HONEYWELL_KBD, HONEYWELL_POS];
    const config = scannerConfigSchema.parse({
      kind: 'hid-pos',
      id: 'pos-1',
      name: 'Voyager',
      vendorId: 0x0c2e,
      productId: 0x0b61,
    });
    if (config.kind !== 'hid-pos') throw new Error('config');
    const source = createHidPosSource(config, fast, usb.backend);
    const seen = watch(source);
    source.start();
    await state(source, 'connected');
    expect(usb.opened).toHaveLength(1);

    usb.last().report(posReport(']C0', 'B0001234'));
    usb.last().report(posReport(']Q1', 'FIRST-HALF-', true));
    expect(seen.scans.map((s) => [s.text, s.symbology])).toEqual([['B0001234', ']C0']]);

    const old = usb.last();
    usb.plugged = [];
    old.emit('error', new Error('could not read from HID device'));
    await state(source, 'disconnected');
    expect(old.closed).toBe(true);
    expect(seen.faults).toMatchObject([{ scannerId: 'pos-1', partial: 'FIRST-HALF-' }]);

    usb.plugged = [HONEYWELL_KBD, { ...HONEYWELL_POS, path: '/dev/hidraw5' }];
    await state(source, 'connected');
    old.report(posReport(']C0', 'FROM-THE-OLD-HANDLE')); // a late event from the dead device: ignored
    usb.last().report(posReport(']C0', 'AFTER-REPLUG'));
    expect(seen.scans.map((s) => s.text)).toEqual(['B0001234', 'AFTER-REPLUG']);
    expect(seen.statuses.map((s) => s.state)).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'connected',
    ]);
  });

  it('open failures: permission is an error with a hint; a missing device is disconnected', async () => {
    const usb = new StandInBackend();
    usb.plugged = [HONEYWELL_POS];
    usb.failOpen = 'cannot open device with path /dev/hidraw3';
    const config = scannerConfigSchema.parse({
      kind: 'hid-pos',
      id: 'p',
      name: 'P',
      vendorId: 0x0c2e,
      productId: 0x0b61,
    });
    if (config.kind !== 'hid-pos') throw new Error('config');
    const source = createHidPosSource(config, fast, usb.backend);
    watch(source);
    source.start();
    await state(source, 'error');
    expect(source.status().reason).toMatch(/cannot open \/dev\/hidraw3/);
    usb.plugged = [];
    await state(source, 'disconnected');
    expect(source.status().reason).toMatch(/no HID device 0c2e:0b61/);
    usb.failOpen = null;
    usb.plugged = [HONEYWELL_POS];
    await state(source, 'connected');
  });

  it('a backend that cannot list devices is an error, not a throw', async () => {
    const config = scannerConfigSchema.parse({
      kind: 'hid-pos',
      id: 'p',
      name: 'P',
      vendorId: 1,
      productId: 2,
    });
    if (config.kind !== 'hid-pos') throw new Error('config');
    const source = createHidPosSource(config, fast, () =>
      Promise.reject(new Error('node-hid binding missing')),
    );
    watch(source);
    source.start();
    await state(source, 'error');
    expect(source.status().reason).toMatch(/cannot list HID devices: node-hid binding missing/);
  });
});

describe('HID keyboard source', () => {
  it('reads the keyboard interface, and Enter ends each code', async () => {
    const usb = new StandInBackend();
    usb.plugged = [HONEYWELL_POS, HONEYWELL_KBD];
    const config = scannerConfigSchema.parse({
      kind: 'hid-keyboard',
      id: 'kbd',
      name: 'Wedge',
      vendorId: 0x0c2e,
      productId: 0x0b61,
    });
    if (config.kind !== 'hid-keyboard') throw new Error('config');
    const source = createHidKeyboardSource(config, fast, usb.backend);
    const seen = watch(source);
    source.start();
    await state(source, 'connected');
    const dev = usb.last();
    const keys = [0x05, 0x27, 0x27, 0x1e, 0x28]; // Shift+b 0 0 1 Enter
    for (const [i, k] of keys.entries()) {
      dev.report([i === 0 ? 0x02 : 0, 0, k, 0, 0, 0, 0, 0]);
      dev.report([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    expect(seen.scans.map((s) => s.text)).toEqual(['B001']);
  });
});

describe('pickDevice', () => {
  const other: HidDeviceInfo = { ...HONEYWELL_POS, path: '/dev/hidraw9', serialNumber: 'S2' };
  it('matches vendor, product and interface; a serial number picks one of two', () => {
    const t = { vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c };
    expect(pickDevice([HONEYWELL_KBD, HONEYWELL_POS], t)?.path).toBe('/dev/hidraw3');
    expect(pickDevice([HONEYWELL_KBD], t)).toBeNull();
    expect(
      pickDevice([{ ...HONEYWELL_POS, serialNumber: 'S1' }, other], { ...t, serialNumber: 'S2' })?.path,
    ).toBe('/dev/hidraw9');
    expect(pickDevice([other], { ...t, serialNumber: 'S3' })).toBeNull();
    expect(pickDevice([{ vendorId: 0x0c2e, productId: 0x0b61, path: '/x' }], t)?.path).toBe('/x');
  });
});

/** The `aim-at-3` layout (AIM at bytes 3–5, data from 6): see shared/scanner/hid-pos-layout.ts for the source. */
function posReportAt3(aim: string, data: string): number[] {
  const r = new Array<number>(64).fill(0);
  r[0] = 0x02;
  r[1] = data.length;
  [...aim].forEach((c, i) => (r[3 + i] = c.charCodeAt(0)));
  [...data].forEach((c, i) => (r[6 + i] = c.charCodeAt(0)));
  return r;
}

describe('HID POS report layout per scanner', () => {
  const IMB = '0123456709498765432101234567891';

  async function open(vendorId: number, layout?: string) {
    const usb = new StandInBackend();
    usb.plugged = [{ ...HONEYWELL_POS, vendorId }];
    const config = scannerConfigSchema.parse({
      kind: 'hid-pos',
      id: 'p',
      name: 'P',
      vendorId,
      productId: 0x0b61,
      ...(layout ? { layout } : {}),
    });
    if (config.kind !== 'hid-pos') throw new Error('config');
    const source = createHidPosSource(config, fast, usb.backend);
    const seen = watch(source);
    source.start();
    await state(source, 'connected');
    return { usb, source, seen };
  }

  it('auto on a Zebra (0x05e0) starts with the aim-at-3 layout its vendor uses, and reads the IMb right', async () => {
    const { usb, source, seen } = await open(0x05e0);
    expect(source.status().hidPosLayout).toEqual({ layout: 'aim-at-3', how: 'vendor' });
    usb.last().report(posReportAt3(']X0', IMB));
    expect(seen.scans.map((s) => [s.text, s.symbology])).toEqual([[IMB, ']X0']]);
  });

  it('auto on an unknown maker: detected from the first report, told in a status for the live test', async () => {
    const { usb, source, seen } = await open(0x1234);
    expect(source.status().hidPosLayout).toEqual({ layout: null, how: 'detected' });
    usb.last().report(posReportAt3(']X0', IMB));
    expect(seen.scans.map((s) => s.text)).toEqual([IMB]);
    expect(seen.statuses.at(-1)).toMatchObject({
      state: 'connected',
      hidPosLayout: { layout: 'aim-at-3', how: 'detected' },
    });
    // A report of the other layout after that is a fault, never a scan.
    usb.last().report(posReport(']X0', IMB));
    expect(seen.scans).toHaveLength(1);
    expect(seen.faults.at(-1)?.reason).toContain('set the scanner\'s layout to "aim"');
  });

  it('configured aim but the scanner sends aim-at-3: a scanner fault in plain words, no scan (was a wrong IMb)', async () => {
    const { usb, source, seen } = await open(0x0c2e, 'aim');
    expect(source.status().hidPosLayout).toEqual({ layout: 'aim', how: 'configured' });
    usb.last().report(posReportAt3(']X0', IMB));
    expect(seen.scans).toEqual([]);
    expect(seen.faults).toMatchObject([
      { scannerId: 'p', reason: containing('no AIM identifier at bytes 2–4') },
    ]);
    expect(seen.faults[0]?.reason).not.toMatch(/[{}]/);
  });
});
