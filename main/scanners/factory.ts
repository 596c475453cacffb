/**
 * From a saved configuration (or a CLI option) to a running scanner source.
 */
import { err, ok, type Result } from '../../shared/result.js';
import { TERMINATORS, type Terminator } from '../../shared/scanner/framing.js';
import type { HidBackend } from './hid-device.js';
import { createHidKeyboardSource } from './hid-keyboard.js';
import { createHidPosSource } from './hid-pos.js';
import { createSerialSource } from './serial.js';
import type { SourceTiming } from './source.js';
import { scannerConfigSchema, type ScannerConfig, type ScannerSource } from './types.js';

export interface SourceDeps {
  timing?: SourceTiming;
  /** Replaces node-hid (tests; there is no USB device where they run). */
  hidBackend?: () => Promise<HidBackend>;
}

export function createScannerSource(config: ScannerConfig, deps: SourceDeps = {}): ScannerSource {
  switch (config.kind) {
    case 'serial':
      return createSerialSource(config, deps.timing);
    case 'hid-pos':
      return createHidPosSource(config, deps.timing, deps.hidBackend);
    case 'hid-keyboard':
      return createHidKeyboardSource(config, deps.timing, deps.hidBackend);
  }
}

/** Validates a stored or posted configuration, with defaults filled in. */
export function parseScannerConfig(value: unknown): Result<ScannerConfig> {
  const parsed = scannerConfigSchema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return err(
    parsed.error.issues
      .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; '),
  );
}

export interface SerialOptionExtras {
  baud?: string | number;
  terminator?: string;
  prefix?: string;
  suffix?: string;
  id?: string;
  name?: string;
}

/** `intake scan --serial PATH [--baud N] [--terminator CR|LF|CRLF|TAB|ANY|NONE]`. */
export function parseSerialOption(path: string, extras: SerialOptionExtras = {}): Result<ScannerConfig> {
  if (path.trim() === '') return err('--serial needs the path of a serial port, e.g. /dev/ttyACM0 or COM3');
  const baudRate = extras.baud === undefined ? undefined : Number(extras.baud);
  if (baudRate !== undefined && !Number.isInteger(baudRate))
    return err(`--baud must be a whole number, got "${String(extras.baud)}"`);
  const terminator = extras.terminator?.toUpperCase();
  if (terminator !== undefined && !isTerminator(terminator)) {
    return err(`--terminator must be one of ${TERMINATORS.join(', ')}, got "${extras.terminator ?? ''}"`);
  }
  return parseScannerConfig({
    kind: 'serial',
    id: extras.id ?? `serial:${path}`,
    name: extras.name ?? path,
    path,
    ...(baudRate === undefined ? {} : { baudRate }),
    ...(terminator === undefined ? {} : { terminator }),
    ...(extras.prefix === undefined ? {} : { prefix: extras.prefix }),
    ...(extras.suffix === undefined ? {} : { suffix: extras.suffix }),
  });
}

function isTerminator(s: string): s is Terminator {
  return (TERMINATORS as readonly string[]).includes(s);
}

export interface HidOptionExtras {
  /** How the scanner talks: HID POS (default) or keyboard emulation. */
  mode?: 'pos' | 'keyboard';
  id?: string;
  name?: string;
}

const HID_OPTION = /^(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})(?::(.+))?$/i;

/** `intake scan --hid VID:PID[:SERIAL]`, IDs in hex as lsusb prints them (e.g. 0c2e:0b61). */
export function parseHidOption(value: string, extras: HidOptionExtras = {}): Result<ScannerConfig> {
  const m = HID_OPTION.exec(value.trim());
  const [vid, pid, serialNumber] = [m?.[1], m?.[2], m?.[3]];
  if (vid === undefined || pid === undefined)
    return err(`--hid must be VID:PID in hex (as lsusb shows it, e.g. 0c2e:0b61), got "${value}"`);
  const kind = extras.mode === 'keyboard' ? 'hid-keyboard' : 'hid-pos';
  const key = `${vid.toLowerCase().padStart(4, '0')}:${pid.toLowerCase().padStart(4, '0')}${serialNumber === undefined ? '' : `:${serialNumber}`}`;
  return parseScannerConfig({
    kind,
    id: extras.id ?? `hid:${key}`,
    name: extras.name ?? `USB ${kind === 'hid-pos' ? 'HID POS' : 'keyboard'} scanner ${key}`,
    vendorId: parseInt(vid, 16),
    productId: parseInt(pid, 16),
    ...(serialNumber === undefined ? {} : { serialNumber }),
  });
}
