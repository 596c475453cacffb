/**
 * The thin layer between node-hid and the scanner sources. `HidBackend` is what the sources
 * need from node-hid, no more: a device list and an open call whose result emits each input
 * report as `data` and an unplug as `error`. node-hid's own `HID` object satisfies `HidDevice`
 * as it is; tests inject a backend of their own, since no USB device exists where they run.
 */
import { err, ok } from '../../shared/result.js';
import { messageOf, type LinkOpener } from './source.js';

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  interface?: number | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serialNumber?: string | undefined;
}

export interface HidDevice {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): void;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): HidDevice;
}

/** node-hid, loaded on first use: code that never opens a HID scanner never loads it. */
export async function nodeHidBackend(): Promise<HidBackend> {
  const hid = await import('node-hid');
  return { devices: () => hid.devicesAsync(), open: (path) => new hid.HID(path) };
}

export interface HidTarget {
  vendorId: number;
  productId: number;
  /** Picks one of several identical devices; stable across replugs, unlike the path. */
  serialNumber?: string | undefined;
  /** The interface to read (a scanner can expose a keyboard and a POS interface at once). */
  usagePage: number;
  usage?: number;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export function describeTarget(t: HidTarget): string {
  const serial = t.serialNumber === undefined ? '' : ` serial ${t.serialNumber}`;
  return `${hex4(t.vendorId)}:${hex4(t.productId)}${serial} (usage page 0x${t.usagePage.toString(16)})`;
}

/**
 * The device to open. A backend that reports no usage page (hidapi's libusb flavour) is given
 * the benefit of the doubt; one that reports another page is another interface of the scanner.
 */
export function pickDevice(devices: readonly HidDeviceInfo[], t: HidTarget): HidDeviceInfo | null {
  const fits = devices.filter(
    (d) =>
      d.vendorId === t.vendorId &&
      d.productId === t.productId &&
      d.path !== undefined &&
      (d.usagePage === undefined || d.usagePage === t.usagePage) &&
      (t.usage === undefined || d.usage === undefined || d.usage === t.usage),
  );
  if (t.serialNumber !== undefined) return fits.find((d) => d.serialNumber === t.serialNumber) ?? null;
  return fits[0] ?? null;
}

export function hidOpener(
  target: HidTarget,
  backend: () => Promise<HidBackend> = nodeHidBackend,
): LinkOpener {
  return async (events) => {
    let hid: HidBackend;
    let devices: HidDeviceInfo[];
    try {
      hid = await backend();
      devices = await hid.devices();
    } catch (e) {
      return err({ state: 'error', reason: `cannot list HID devices: ${messageOf(e)}` });
    }
    const info = pickDevice(devices, target);
    if (info?.path === undefined)
      return err({ state: 'disconnected', reason: `not connected: no HID device ${describeTarget(target)}` });
    let device: HidDevice;
    try {
      device = hid.open(info.path);
    } catch (e) {
      // hidapi does not say why; on Linux it is nearly always the permissions on /dev/hidraw*.
      const hint = process.platform === 'linux' ? ' (install the udev rules, docs/scanners.md)' : '';
      return err({ state: 'error', reason: `cannot open ${info.path}: ${messageOf(e)}${hint}` });
    }
    device.on('data', (report) => events.data(report));
    device.on('error', (e) => events.lost(`read failed: ${messageOf(e)}`));
    return ok({
      close: () => {
        device.close();
        return Promise.resolve();
      },
    });
  };
}
