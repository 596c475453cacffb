import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitScan } from '../../main/actions/scans.js';
import { Store } from '../../main/store/store.js';
import { listScanFaults } from '../../main/store/scan-faults.js';
import { apiFor } from '../helpers/api.js';
import { rollRow, seedRoll, tempDir } from '../helpers/station.js';
import { acceptedScans, first } from './fixtures.js';

/**
 * The real `scanimage` against SANE's test backend (sane-test(5)): SANE_CONFIG_DIR names a
 * folder whose dll.conf enables only `test`, so no hardware and no other backend is touched.
 */
let dir: string;
let cleanup: () => void;
let store: Store;
const saneBefore = process.env['SANE_CONFIG_DIR'];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('intake-sane-'));
  const sane = path.join(dir, 'sane');
  fs.mkdirSync(sane);
  fs.writeFileSync(path.join(sane, 'dll.conf'), 'test\n');
  process.env['SANE_CONFIG_DIR'] = sane;
  store = Store.open(path.join(dir, 'station.db'));
  const at = new Date().toISOString();
  store.config.set('images.device', 'test', 'setup', at);
  // A #10 envelope's back at 200 dpi (the test backend's widest page is 200 mm).
  store.config.set('images.scanArgs', ['--test-picture', 'Grid', '--resolution', '200', '-x', '200', '-y', '105'], 'setup', at);
});
afterEach(() => {
  store.close();
  cleanup();
  if (saneBefore === undefined) delete process.env['SANE_CONFIG_DIR'];
  else process.env['SANE_CONFIG_DIR'] = saneBefore;
});

describe('SANE capture (scanimage, test backend)', () => {
  it('captures on a key (images.capture) for a scan: envelope and signature crop stored and linked', async () => {
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    expect((await api.call(api.as('sup', 'supervisor'), 'images.templates.save', { design: 'd1', rect: { x: 0.55, y: 0.55, w: 0.4, h: 0.4 } })).ok).toBe(true);
    const r = await api.call(api.as('clerk1'), 'images.capture', { seq: scan.seq });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.images.map((i) => [i.kind, i.source, i.width, i.height])).toEqual([
      ['envelope', 'sane', 1574, 826],
      ['signature', 'sane', 630, 330],
    ]);
  });

  it('after each accepted scan when set; none for a refused verdict', async () => {
    store.config.set('images.capture', 'after-accept', 'setup', new Date().toISOString());
    const row = rollRow();
    seedRoll(store, [row]);
    const api = apiFor(store);
    const ok = submitScan(api.station, { name: 'clerk1', role: 'clerk', via: 'session' }, { raw: row.ballotId });
    expect(ok.outcome.verdict).toBe('ACCEPTED');
    const images = await ok.image;
    expect(images?.map((i) => i.kind)).toEqual(['envelope']);
    const unknown = submitScan(api.station, { name: 'clerk1', role: 'clerk', via: 'session' }, { raw: 'NOSUCHBALLOT' });
    expect(unknown.image).toBeNull();
  });

  it('a jammed or missing scanner: a scan fault in plain words and a notice; the receipt stays recorded', async () => {
    const at = new Date().toISOString();
    store.config.set('images.capture', 'after-accept', 'setup', at);
    store.config.set('images.scanArgs', ['--read-return-value', 'SANE_STATUS_JAMMED'], 'setup', at);
    const row = rollRow();
    seedRoll(store, [row]);
    const api = apiFor(store);
    const notices: string[] = [];
    api.station.subscribe((e) => {
      if (e.event === 'notice') notices.push((e.payload as { message: string }).message);
    });
    const r = submitScan(api.station, { name: 'clerk1', role: 'clerk', via: 'session' }, { raw: row.ballotId });
    expect(await r.image).toBeNull();
    expect(store.scans.receipt(row.ballotId)?.seq).toBe(r.outcome.seq);
    const [fault] = listScanFaults(store, 5);
    expect(fault).toMatchObject({ scanner: 'image test', raw: `scan ${r.outcome.seq}` });
    expect(fault?.reason).toMatch(/^envelope image not captured: the scanner test failed \(sane_read: Document feeder jammed\); the receipt is recorded/);
    expect(notices[0]).toMatch(/^Scan \d+: envelope image not captured/);

    store.config.set('images.device', 'nosuch', 'setup', at);
    const missing = await api.call(api.as('clerk1'), 'images.capture', { seq: r.outcome.seq });
    expect(missing.ok || missing.error.message).toMatch(/^the scanner nosuch is not connected or not found/);
    expect(store.db.prepare('SELECT count(*) AS n FROM envelope_images').get()).toEqual({ n: 0 });
  }, 90_000); // two scanimage runs; under a full test run on 2 cores one took over 30 s (CI, 65ccd22)

  it('a scanner that hangs is stopped at the time limit; output options in the setting are refused', async () => {
    const at = new Date().toISOString();
    store.config.set('images.timeoutSeconds', 1, 'setup', at);
    store.config.set('images.scanArgs', ['--resolution', '300', '--read-delay=yes', '--read-delay-duration', '200000', '--read-limit=yes', '--read-limit-size', '64'], 'setup', at);
    const scan = first(acceptedScans(store, 1));
    const api = apiFor(store);
    const t0 = Date.now();
    const slow = await api.call(api.as('clerk1'), 'images.capture', { seq: scan.seq });
    expect(slow.ok || slow.error.message).toBe('the scanner test did not finish within 1 second');
    expect(Date.now() - t0).toBeLessThan(5000);
    store.config.set('images.scanArgs', ['-o', '/tmp/elsewhere.png'], 'setup', at);
    const out = await api.call(api.as('clerk1'), 'images.capture', { seq: scan.seq });
    expect(out.ok || out.error.message).toMatch(/scanner option "-o" is not allowed/);
  });
});
