/** Barcodes on a returned envelope: USPS IMb, the office's label, AIM prefixes, check digits. */
export { parseAim, stripScannerSuffix, type AimParsed } from './aim.js';
export {
  CHECK_DIGIT_SCHEMES,
  CODE39_CHARSET,
  computeCheckDigit,
  verifyCheckDigit,
  type CheckDigitScheme,
} from './checkdigit.js';
export { decodeResultJson, decodeScan, type DecodedScan } from './decode.js';
export {
  decodeImbBars,
  decodeImbParts,
  looksLikeImbDigits,
  encodeImb,
  isImbBarString,
  parseImbDigits,
  splitTracking,
  type ImbDecoded,
  type ImbFields,
} from './imb.js';
export {
  checkLabel,
  GENERIC_LABEL_MAX,
  GENERIC_LABEL_MIN,
  LABEL_CHARSETS,
  labelRuleSchema,
  type LabelCarries,
  type LabelCharset,
  type LabelId,
  type LabelRule,
} from './label.js';
