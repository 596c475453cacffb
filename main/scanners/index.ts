/** The scanners module's public face, for intake, the CLI and the app. */
export * from './types.js';
export { ScannerHub, type HubHandlers, type HubHealth, type HubItem } from './hub.js';
export {
  createScannerSource,
  parseHidOption,
  parseScannerConfig,
  parseSerialOption,
  type HidOptionExtras,
  type SerialOptionExtras,
  type SourceDeps,
} from './factory.js';
export {
  classifyHid,
  classifySerial,
  listScanners,
  suggestConfig,
  type DiscoveredKind,
  type DiscoveredScanner,
  type Discovery,
  type DiscoveryOptions,
} from './discovery.js';
export { MemoryScannerSource } from './memory.js';
export {
  ReconnectingSource,
  type Link,
  type LinkEvents,
  type LinkOpener,
  type SourceTiming,
} from './source.js';
export { createSerialSource } from './serial.js';
export { createHidPosSource } from './hid-pos.js';
export { createHidKeyboardSource } from './hid-keyboard.js';
export { nodeHidBackend, type HidBackend, type HidDevice, type HidDeviceInfo } from './hid-device.js';
export { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { SCANNER_VENDORS, knownVendor } from './vendors.js';
