/**
 * Discovery on this machine (no USB devices, udev not running) and on device lists as the
 * libraries return them.
 */
import { describe, expect, it } from 'vitest';
import { classifyHid, listScanners, suggestConfig } from '../../main/scanners/discovery.js';
import { parseScannerConfig } from '../../main/scanners/factory.js';

describe('listScanners', () => {
  it('returns without throwing on the real machine, with whatever it found', async () => {
    const found = await listScanners();
    expect(Array.isArray(found.scanners)).toBe(true);
    expect(Array.isArray(found.warnings)).toBe(true);
    for (const s of found.scanners)
      expect(['serial', 'hid-pos', 'hid-keyboard', 'hid-other']).toContain(s.kind);
  });

  it('turns failing libraries into warnings', async () => {
    const found = await listScanners({
      listSerial: () => Promise.reject(new Error('udevadm not found')),
      listHid: () => {
        throw new Error('HID_hidraw.node: cannot open shared object file');
      },
    });
    expect(found.scanners).toEqual([]);
    expect(found.warnings).toEqual(
      expect.arrayContaining([
        'cannot list serial ports: udevadm not found',
        'cannot list HID devices: HID_hidraw.node: cannot open shared object file',
      ]),
    );
  });

  it('names what to install when udevadm or libusb is missing, in words a supervisor can act on', async () => {
    const found = await listScanners({
      listSerial: () => Promise.reject(new Error('spawn udevadm ENOENT')),
      listHid: () => Promise.reject(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory')),
    });
    expect(found.warnings).toEqual(
      expect.arrayContaining([
        'cannot list serial ports: the udevadm program is not installed (Debian package udev)',
        'cannot list HID devices: the libusb library is not installed (Debian package libusb-1.0-0)',
      ]),
    );
  });

  it('guesses kinds, puts known scanner makers first, leaves out the clerk’s keyboard and mouse', async () => {
    const found = await listScanners({
      listSerial: () =>
        Promise.resolve([
          { path: '/dev/ttyS0' },
          {
            path: '/dev/ttyACM0',
            vendorId: '0c2e',
            productId: '0b6a',
            manufacturer: 'Honeywell',
            serialNumber: 'X1',
          },
        ]),
      listHid: () =>
        Promise.resolve([
          {
            vendorId: 0x046d,
            productId: 0xc31c,
            path: '/dev/hidraw0',
            usagePage: 1,
            usage: 6,
            product: 'USB Keyboard',
          },
          {
            vendorId: 0x046d,
            productId: 0xc077,
            path: '/dev/hidraw1',
            usagePage: 1,
            usage: 2,
            product: 'USB Optical Mouse',
          },
          {
            vendorId: 0x05e0,
            productId: 0x1200,
            path: '/dev/hidraw2',
            usagePage: 1,
            usage: 6,
            product: 'Symbol Bar Code Scanner',
          },
          {
            vendorId: 0x0c2e,
            productId: 0x0b61,
            path: '/dev/hidraw3',
            usagePage: 0x8c,
            usage: 2,
            serialNumber: 'V1',
          },
          {
            vendorId: 0x0c2e,
            productId: 0x0b61,
            path: '/dev/hidraw3',
            usagePage: 0x8c,
            usage: 2,
            serialNumber: 'V1',
          },
          { vendorId: 0x1234, productId: 0x0001, path: '/dev/hidraw4', usagePage: 0x8c, usage: 2 },
          { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw5', usagePage: 0xff00, usage: 1 },
        ]),
    });
    expect(found.scanners.map((s) => `${s.kind} ${s.path} ${s.knownVendor ?? '-'}`)).toEqual([
      'hid-pos /dev/hidraw3 Honeywell (Metrologic)',
      'serial /dev/ttyACM0 Honeywell (Metrologic)',
      'hid-keyboard /dev/hidraw2 Zebra (Symbol)',
      'hid-other /dev/hidraw5 Honeywell (Metrologic)',
      'hid-pos /dev/hidraw4 -',
      'serial /dev/ttyS0 -',
    ]);
    expect(found.scanners[1]).toMatchObject({ vendorId: 0x0c2e, productId: 0x0b6a, serialNumber: 'X1' });
  });

  it('unknown keyboards only on request', () => {
    const kbd = { vendorId: 0x1a86, productId: 0xe026, path: '/dev/hidraw7', usagePage: 1, usage: 6 };
    expect(classifyHid(kbd)).toBeNull();
    expect(classifyHid(kbd, true)).toMatchObject({ kind: 'hid-keyboard', knownVendor: null });
  });

  it('suggests a configuration that parses, pinned by serial number rather than by path', async () => {
    const found = await listScanners({
      listSerial: () => Promise.resolve([{ path: '/dev/ttyACM0' }]),
      listHid: () =>
        Promise.resolve([
          {
            vendorId: 0x0c2e,
            productId: 0x0b61,
            path: '/dev/hidraw3',
            usagePage: 0x8c,
            serialNumber: 'V1',
            product: 'Voyager',
          },
        ]),
    });
    const configs = found.scanners.map((s, i) => suggestConfig(s, `s${i}`));
    expect(configs.map((c) => parseScannerConfig(c).ok)).toEqual([true, true]);
    expect(configs[0]).toEqual({
      kind: 'hid-pos',
      id: 's0',
      name: 'Voyager',
      vendorId: 0x0c2e,
      productId: 0x0b61,
      serialNumber: 'V1',
    });
    expect(configs[1]).toEqual({ kind: 'serial', id: 's1', name: '/dev/ttyACM0', path: '/dev/ttyACM0' });
  });
});
