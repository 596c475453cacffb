/**
 * What scanners are plugged in: serial ports and HID devices, each with a guess of how to read
 * it. For the setup screen and `intake scanners list`. It never throws: without udev, USB or
 * the native modules it returns what it could find and says what it could not in `warnings`.
 */
import { existsSync } from 'node:fs';
import type { ScannerConfigInput } from '../../shared/scanner/config.js';
import { HID_POS_USAGE_PAGE } from '../../shared/scanner/hid-pos.js';
import { nodeHidBackend, type HidDeviceInfo } from './hid-device.js';
import { GENERIC_DESKTOP_PAGE, KEYBOARD_USAGE } from './hid-keyboard.js';
import { messageOf } from './source.js';
import { knownVendor } from './vendors.js';

export type DiscoveredKind = 'hid-pos' | 'serial' | 'hid-keyboard' | 'hid-other';

export interface DiscoveredScanner {
  kind: DiscoveredKind;
  path: string;
  vendorId: number | null;
  productId: number | null;
  knownVendor: string | null;
  manufacturer: string | null;
  product: string | null;
  serialNumber: string | null;
  usagePage: number | null;
  usage: number | null;
}

export interface Discovery {
  scanners: DiscoveredScanner[];
  warnings: string[];
}

/** What `SerialPort.list()` returns (IDs as hex strings). */
export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface DiscoveryOptions {
  listSerial?: () => Promise<SerialPortInfo[]>;
  listHid?: () => Promise<HidDeviceInfo[]>;
  /** Also list keyboards from unknown vendors (cheap scanners use generic chips); off by default, as those are mostly real keyboards. */
  allKeyboards?: boolean;
}

async function defaultListSerial(): Promise<SerialPortInfo[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

async function defaultListHid(): Promise<HidDeviceInfo[]> {
  return (await nodeHidBackend()).devices();
}

export async function listScanners(opts: DiscoveryOptions = {}): Promise<Discovery> {
  const warnings: string[] = [];
  if (process.platform === 'linux' && !existsSync('/run/udev/control')) {
    warnings.push(
      'udev is not running: device details may be missing and replugged scanners may not get their permissions',
    );
  }
  const serial = await attempt(opts.listSerial ?? defaultListSerial, 'serial ports', warnings);
  const hid = await attempt(opts.listHid ?? defaultListHid, 'HID devices', warnings);
  const found = [
    ...serial.map(classifySerial),
    ...hid.map((d) => classifyHid(d, opts.allKeyboards ?? false)).filter((d) => d !== null),
  ];
  return { scanners: sortScanners(dedupe(found)), warnings };
}

async function attempt<T>(list: () => Promise<T[]>, what: string, warnings: string[]): Promise<T[]> {
  try {
    return await list();
  } catch (e) {
    warnings.push(`cannot list ${what}: ${missingPart(messageOf(e))}`);
    return [];
  }
}

/** Two causes a supervisor can act on, said as what to install; anything else as it came. */
function missingPart(message: string): string {
  if (/spawn udevadm ENOENT/.test(message)) return 'the udevadm program is not installed (Debian package udev)';
  if (/libusb-1\.0\.so[.\d]*: cannot open shared object file/.test(message)) return 'the libusb library is not installed (Debian package libusb-1.0-0)';
  return message;
}

export function classifySerial(p: SerialPortInfo): DiscoveredScanner {
  const vendorId = hexId(p.vendorId);
  return {
    kind: 'serial',
    path: p.path,
    vendorId,
    productId: hexId(p.productId),
    knownVendor: knownVendor(vendorId ?? undefined),
    manufacturer: p.manufacturer ?? null,
    product: null,
    serialNumber: p.serialNumber ?? null,
    usagePage: null,
    usage: null,
  };
}

/** A HID device worth listing, or null (mice, the clerk's own keyboard…). */
export function classifyHid(d: HidDeviceInfo, allKeyboards = false): DiscoveredScanner | null {
  if (d.path === undefined) return null;
  const vendor = knownVendor(d.vendorId);
  const keyboard = d.usagePage === GENERIC_DESKTOP_PAGE && d.usage === KEYBOARD_USAGE;
  let kind: DiscoveredKind;
  if (d.usagePage === HID_POS_USAGE_PAGE) kind = 'hid-pos';
  else if (keyboard && (vendor !== null || allKeyboards)) kind = 'hid-keyboard';
  else if (vendor !== null) kind = 'hid-other';
  else return null;
  return {
    kind,
    path: d.path,
    vendorId: d.vendorId,
    productId: d.productId,
    knownVendor: vendor,
    manufacturer: d.manufacturer ?? null,
    product: d.product ?? null,
    serialNumber: d.serialNumber ?? null,
    usagePage: d.usagePage ?? null,
    usage: d.usage ?? null,
  };
}

const KIND_ORDER: readonly DiscoveredKind[] = ['hid-pos', 'serial', 'hid-keyboard', 'hid-other'];

/** Known scanner makers first, then by how well the station can read the kind, then by path. */
export function sortScanners(list: DiscoveredScanner[]): DiscoveredScanner[] {
  const rank = (d: DiscoveredScanner): [number, number] => [
    d.knownVendor === null ? 1 : 0,
    KIND_ORDER.indexOf(d.kind),
  ];
  return [...list].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || a.path.localeCompare(b.path);
  });
}

/** hidapi lists one entry per top-level collection; some platforms repeat a path. */
function dedupe(list: DiscoveredScanner[]): DiscoveredScanner[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.kind}|${d.path}|${d.usagePage}|${d.usage}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hexId(s: string | undefined): number | null {
  if (s === undefined || !/^(0x)?[0-9a-f]{1,4}$/i.test(s)) return null;
  return parseInt(s.replace(/^0x/i, ''), 16);
}

/** A starting configuration for a discovered device (defaults fill the rest), or null when it cannot be read as a scanner. */
export function suggestConfig(
  d: DiscoveredScanner,
  id: string,
  name = d.product ?? d.knownVendor ?? d.path,
): ScannerConfigInput | null {
  switch (d.kind) {
    case 'serial':
      return { kind: 'serial', id, name, path: d.path };
    case 'hid-pos':
    case 'hid-keyboard':
      if (d.vendorId === null || d.productId === null) return null;
      if (d.serialNumber === null)
        return { kind: d.kind, id, name, vendorId: d.vendorId, productId: d.productId };
      return {
        kind: d.kind,
        id,
        name,
        vendorId: d.vendorId,
        productId: d.productId,
        serialNumber: d.serialNumber,
      };
    case 'hid-other':
      return null;
  }
}
