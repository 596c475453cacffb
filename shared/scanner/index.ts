/** Pure scanner logic, shared by main (device sources), the renderer (wedge) and tests. */
export { latin1, type Decoded, type DecodedFrame, type FrameError, type ScanDecoder } from './decoder.js';
export { FRAMER_DEFAULTS, LineFramer, TERMINATORS, type FramerOptions, type Terminator } from './framing.js';
export {
  HID_POS_LAYOUTS,
  HID_POS_LAYOUT_NAMES,
  HID_POS_USAGE_PAGE,
  HidPosDecoder,
  detectHidPosLayout,
  parseHidPosReport,
  type HidPosLayout,
  type HidPosLayoutName,
  type HidPosLayoutSetting,
} from './hid-pos.js';
export {
  BootKeyboardReader,
  HidKeyboardDecoder,
  KEYBOARD_TERMINATORS,
  type KeyboardTerminator,
} from './hid-keyboard.js';
export {
  WEDGE_DEFAULTS,
  WedgeDetector,
  type WedgeAction,
  type WedgeKey,
  type WedgeOptions,
  type WedgeTerminator,
} from './wedge.js';
export {
  scannerConfigSchema,
  type HidKeyboardScannerConfig,
  type HidPosScannerConfig,
  type ScannerConfig,
  type ScannerConfigInput,
  type ScannerKind,
  type SerialScannerConfig,
} from './config.js';
