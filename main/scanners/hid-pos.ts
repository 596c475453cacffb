/**
 * USB HID POS scanners (usage page 0x8C) through node-hid. The report layouts and their
 * sources are in shared/scanner/hid-pos.ts; this file only wires a device to that parser.
 */
import { HID_POS_LAYOUTS, HID_POS_USAGE_PAGE, HidPosDecoder } from '../../shared/scanner/hid-pos.js';
import { hidOpener, nodeHidBackend, type HidBackend } from './hid-device.js';
import { ReconnectingSource, type SourceTiming } from './source.js';
import type { HidPosScannerConfig } from './types.js';

export function createHidPosSource(
  config: HidPosScannerConfig,
  timing: SourceTiming = {},
  backend: () => Promise<HidBackend> = nodeHidBackend,
): ReconnectingSource {
  const { vendorId, productId, serialNumber } = config;
  return new ReconnectingSource({
    ...timing,
    id: config.id,
    name: config.name,
    open: hidOpener({ vendorId, productId, serialNumber, usagePage: HID_POS_USAGE_PAGE }, backend),
    decoder: new HidPosDecoder({ layout: HID_POS_LAYOUTS[config.layout], maxLength: config.maxLength }),
  });
}
