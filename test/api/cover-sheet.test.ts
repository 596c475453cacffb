import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFor } from '../helpers/api.js';
import { barcodesIn } from '../helpers/barcode-reader.js';
import { pdfText, renderPagePng } from '../helpers/pdf.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';

let t: ReturnType<typeof tempStore>;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, Array.from({ length: 50 }, (_, i) => rollRow({ ballotId: `CS-${String(i).padStart(4, '0')}`, voterId: `V${i}`, lastName: i === 3 ? 'MUÑOZ' : 'DOE' })));
});
afterEach(() => t.cleanup());

describe('batch cover sheet', () => {
  it('prints the counts, the difference and the whole manifest, with a batch barcode that scans back', async () => {
    const api = apiFor(t.store);
    const clerk = api.as('clara');
    for (let i = 0; i < 45; i += 1) await api.call(clerk, 'scan.submit', { raw: `CS-${String(i).padStart(4, '0')}` });
    const closed = await api.call(api.as('sue', 'supervisor'), 'batches.close', { batchId: null, handCount: 44 });
    if (!closed.ok) throw new Error(closed.error.message);
    const r = await api.call(clerk, 'batches.coverSheet', { batchId: closed.value.batchId });
    if (!r.ok) throw new Error(r.error.message);
    const pdf = Buffer.from(r.value.pdfBase64, 'base64');
    const text = await pdfText(pdf);
    expect(text).toContain('Batch 1');
    expect(text).toMatch(/Scanned envelopes:\s+45/);
    expect(text).toMatch(/Hand count:\s+44/);
    expect(text).toContain('-1');
    expect(text).toContain('DOES NOT MATCH');
    expect(text).toContain('CS-0044');
    expect(text).toContain('MUÑOZ');
    // The page as printed, at 200 dpi, read by a barcode reader: what a tray's scanner would see.
    // No network on the way: the reader's WebAssembly comes from node_modules, not a CDN.
    const fetch = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error('the barcode reader tried to fetch'));
    let scanned;
    try {
      scanned = await barcodesIn(await renderPagePng(pdf, 1, 200));
    } finally {
      globalThis.fetch = fetch;
    }
    expect(scanned.map((b) => [b.format, b.text])).toEqual([['Code128', closed.value.batchId]]);
  });
});
