/**
 * Keyboard-emulation scanners read as HID devices through node-hid (Generic Desktop page 1,
 * usage 6 Keyboard), so their scans reach the station without the window's focus. The report
 * decoding is in shared/scanner/hid-keyboard.ts.
 *
 * The operating system still types the same keys into whatever has the focus: where a scanner
 * is read this way, the renderer's wedge detector must not also record its keystrokes
 * (docs/scanners.md). Windows does not let applications open keyboards at all; macOS asks for
 * Input Monitoring permission.
 */
import { HidKeyboardDecoder } from '../../shared/scanner/hid-keyboard.js';
import { hidOpener, nodeHidBackend, type HidBackend } from './hid-device.js';
import { ReconnectingSource, type SourceTiming } from './source.js';
import type { HidKeyboardScannerConfig } from './types.js';

export const GENERIC_DESKTOP_PAGE = 0x01;
export const KEYBOARD_USAGE = 0x06;

export function createHidKeyboardSource(
  config: HidKeyboardScannerConfig,
  timing: SourceTiming = {},
  backend: () => Promise<HidBackend> = nodeHidBackend,
): ReconnectingSource {
  const { vendorId, productId, serialNumber } = config;
  return new ReconnectingSource({
    ...timing,
    id: config.id,
    name: config.name,
    open: hidOpener(
      { vendorId, productId, serialNumber, usagePage: GENERIC_DESKTOP_PAGE, usage: KEYBOARD_USAGE },
      backend,
    ),
    decoder: new HidKeyboardDecoder({
      terminator: config.terminator,
      reportId: config.reportId,
      maxLength: config.maxLength,
      interCharTimeoutMs: config.interCharTimeoutMs,
    }),
  });
}
