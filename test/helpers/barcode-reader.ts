/**
 * Barcodes read from images in the tests with zxing-wasm (ZXing-C++ built to WebAssembly), so the
 * suite needs no zbar. The .wasm file is read from node_modules: zxing-wasm's default is to fetch
 * it from a CDN, and a test machine may have no network.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes, type ReadResult } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | undefined;

function prepare(): Promise<unknown> {
  const wasm = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
  ready ??= prepareZXingModule({
    overrides: {
      // A copy: a small file's Buffer may be a slice of a shared pool.
      wasmBinary: new Uint8Array(fs.readFileSync(wasm)).buffer,
      // Asked for even when the binary is given: answer with the local file, never the CDN.
      locateFile: () => wasm,
    },
    fireImmediately: true,
  });
  return ready;
}

/** Every barcode found in an image file's bytes (PNG, JPEG…), as ZXing read them. */
export async function barcodesIn(image: Uint8Array): Promise<ReadResult[]> {
  await prepare();
  return readBarcodes(image, { tryHarder: true, maxNumberOfSymbols: 8 });
}
