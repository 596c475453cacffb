/**
 * USB HID POS scanners (usage page 0x8C) through node-hid. The report layouts and their
 * sources are in shared/scanner/hid-pos-layout.ts; this file wires a device to that parser and
 * picks the layout: the configured one, else the maker's (vendors.ts), else the first report's.
 */
import { HID_POS_USAGE_PAGE, HidPosDecoder, type HidPosLayoutSetting } from '../../shared/scanner/hid-pos.js';
import { hidOpener, nodeHidBackend, type HidBackend } from './hid-device.js';
import { ReconnectingSource, type SourceTiming } from './source.js';
import type { HidPosLayoutStatus, HidPosScannerConfig } from './types.js';
import { vendorHidPosLayout } from './vendors.js';

/** The layout a scanner starts with, and how it was chosen. */
export function initialHidPosLayout(
  config: Pick<HidPosScannerConfig, 'layout' | 'vendorId'>,
): HidPosLayoutStatus {
  if (config.layout !== 'auto') return { layout: config.layout, how: 'configured' };
  const byVendor = vendorHidPosLayout(config.vendorId);
  return byVendor !== null ? { layout: byVendor, how: 'vendor' } : { layout: null, how: 'detected' };
}

export function createHidPosSource(
  config: HidPosScannerConfig,
  timing: SourceTiming = {},
  backend: () => Promise<HidBackend> = nodeHidBackend,
): ReconnectingSource {
  const { vendorId, productId, serialNumber } = config;
  let layout = initialHidPosLayout(config);
  const setting: HidPosLayoutSetting = layout.layout ?? 'auto';
  const decoder = new HidPosDecoder({
    layout: setting,
    maxLength: config.maxLength,
    onDetect: (found) => {
      layout = { layout: found, how: 'detected' };
      source.detailsChanged();
    },
  });
  const source = new ReconnectingSource({
    ...timing,
    id: config.id,
    name: config.name,
    open: hidOpener({ vendorId, productId, serialNumber, usagePage: HID_POS_USAGE_PAGE }, backend),
    decoder,
    details: () => ({ hidPosLayout: { ...layout } }),
  });
  return source;
}
