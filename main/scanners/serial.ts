/**
 * Serial scanners (RS-232, or USB-CDC ports like /dev/ttyACM0, COM3) through `serialport`.
 * Typical settings: 9600 baud, 8N1, suffix CR. The native binding is loaded on first open, so
 * code that never opens a serial scanner never loads it.
 */
import { err, ok } from '../../shared/result.js';
import { LineFramer } from '../../shared/scanner/framing.js';
import {
  ReconnectingSource,
  messageOf,
  type LinkOpener,
  type OpenFailure,
  type SourceTiming,
} from './source.js';
import type { SerialScannerConfig } from './types.js';

type SerialSettings = Pick<SerialScannerConfig, 'path' | 'baudRate' | 'dataBits' | 'parity' | 'stopBits'>;

export function serialOpener(s: SerialSettings): LinkOpener {
  return async (events) => {
    const { SerialPort } = await import('serialport');
    const { path, baudRate, dataBits, parity, stopBits } = s;
    const port = new SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    const failed = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (failed !== null) return err(openFailure(s.path, failed));
    port.on('data', (chunk: Buffer) => events.data(chunk));
    // serialport closes the port itself when the device disappears (`disconnected` on the error).
    port.on('close', (e?: Error | null) =>
      events.lost(e instanceof Error ? `port lost: ${e.message}` : 'port closed'),
    );
    port.on('error', (e: Error) => events.lost(`port error: ${e.message}`));
    return ok({
      close: () =>
        new Promise<void>((resolve) => {
          if (!port.isOpen) return resolve();
          port.close(() => resolve());
        }),
    });
  };
}

/** Expected reasons a port does not open, worded for the person at the station. */
export function openFailure(path: string, e: Error): OpenFailure {
  const m = messageOf(e);
  if (/ENOENT|no such file/i.test(m))
    return { state: 'disconnected', reason: `not connected: ${path} does not exist` };
  if (/EACCES|permission denied/i.test(m)) {
    return {
      state: 'error',
      reason: `permission denied on ${path}: install the udev rules or join the dialout group (docs/scanners.md)`,
    };
  }
  if (/EBUSY|busy|lock/i.test(m)) return { state: 'error', reason: `${path} is in use by another program` };
  return { state: 'error', reason: `cannot open ${path}: ${m}` };
}

export function createSerialSource(
  config: SerialScannerConfig,
  timing: SourceTiming = {},
): ReconnectingSource {
  return new ReconnectingSource({
    ...timing,
    id: config.id,
    name: config.name,
    open: serialOpener(config),
    decoder: new LineFramer({
      terminator: config.terminator,
      prefix: config.prefix,
      suffix: config.suffix,
      maxLength: config.maxLength,
      interCharTimeoutMs: config.interCharTimeoutMs,
    }),
  });
}
