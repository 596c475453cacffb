import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSignatures } from '../../main/signatures/import.js';
import type { Store } from '../../main/store/store.js';
import { Station } from '../../main/api/station.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { signaturePng, supervisorActor } from './fixtures.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
let folder: string;
beforeEach(() => {
  t = tempStore();
  store = t.store;
  folder = path.join(t.dir, 'export');
  fs.mkdirSync(folder);
});
afterEach(() => t.cleanup());

const write = (name: string, bytes: Buffer | string) => fs.writeFileSync(path.join(folder, name), bytes);

describe('intake signatures import', () => {
  it('an index CSV with several signatures per voter: unknown voters reported by line, bad images refused by file name, the rest imported', async () => {
    const [a, b] = [rollRow(), rollRow()];
    seedRoll(store, [a, b]);
    for (let i = 0; i < 6; i++) write(`s${i}.png`, await signaturePng(i));
    const jpeg = await sharp(await signaturePng(9)).jpeg().toBuffer();
    write('truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    write('not-an-image.png', 'hello, I am text');
    fs.writeFileSync(path.join(t.dir, 'outside.png'), await signaturePng(7));
    const lines = [
      'voter_id,captured_on,file',
      `${a.voterId},2012-05-01,s0.png`,
      `${a.voterId},2018-10-09,s1.png`,
      `${a.voterId},2024-03-02,s2.png`,
      `${b.voterId},2020-01-01,s3.png`,
      'NOPE-1,2020-01-01,s4.png',
      `${b.voterId},2020-01-01,truncated.jpg`,
      `${b.voterId},2020-01-01,not-an-image.png`,
      `${b.voterId},2020-01-01,../outside.png`,
      `${b.voterId},2999-01-01,s5.png`,
      `${b.voterId},01/02/2020,s5.png`,
      `${b.voterId},2021-01-01,missing.png`,
      'NOPE-2,2020-01-01,s4.png',
    ];
    write('index.csv', `${lines.join('\n')}\n`);
    const station = new Station(store);
    const r = await importSignatures(station, supervisorActor, { path: folder });
    expect(r).toMatchObject({ layout: 'index-csv', read: 12, imported: 4, alreadyOnFile: 0 });
    expect(r.unknownVoters).toEqual([
      { line: 6, file: 's4.png', voterId: 'NOPE-1' },
      { line: 13, file: 's4.png', voterId: 'NOPE-2' },
    ]);
    expect(r.refused.map((x) => [x.line, x.file, x.error])).toEqual([
      [7, 'truncated.jpg', expect.stringMatching(/corrupt or truncated/) as unknown],
      [8, 'not-an-image.png', expect.stringMatching(/not an image/) as unknown],
      [9, '../outside.png', "the file is outside the index's folder"],
      [10, 's5.png', 'captured_on 2999-01-01 is in the future'],
      [11, 's5.png', 'no capture date (captured_on YYYY-MM-DD)'],
      [12, 'missing.png', 'no such file'],
    ]);
    expect(store.signatures.references(a.voterId, 6, null).map((x) => x.capturedOn)).toEqual(['2024-03-02', '2018-10-09', '2012-05-01']);
    expect(store.signatures.references(a.voterId, 6, '2015-01-01')).toHaveLength(2);
    // Stored through the image store: owner-only files named by their hash.
    const sha = store.signatures.references(b.voterId, 1, null)[0]?.sha256 ?? '';
    const file = path.join(t.dir, 'images', sha.slice(0, 2), `${sha}.webp`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // Again: nothing doubles.
    const again = await importSignatures(station, supervisorActor, { path: path.join(folder, 'index.csv') });
    expect(again).toMatchObject({ imported: 0, alreadyOnFile: 4 });
    const audit = store.db.prepare<[], { action: string; n: number }>("SELECT action, count(*) AS n FROM audit_log WHERE action LIKE 'signature.%' GROUP BY action ORDER BY action").all();
    expect(audit).toEqual([{ action: 'signature.import', n: 2 }, { action: 'signature.reference', n: 4 }]);
  });

  it('an index without the three columns is refused as a whole, in plain words', async () => {
    write('index.csv', 'voter,date,image\nV1,2020-01-01,x.png\n');
    await expect(importSignatures(new Station(store), supervisorActor, { path: folder })).rejects.toThrow('index.csv: the first line must name the columns voter_id, captured_on, file');
    await expect(importSignatures(new Station(store), supervisorActor, { path: path.join(t.dir, 'nothing-here') })).rejects.toThrow(/no such file or folder/);
  });

  it("VR Systems' folder of TIFFs, one per voter, named by the envelope's bar code (or the voter ID)", async () => {
    const [a, b, c] = [rollRow(), rollRow(), rollRow()];
    seedRoll(store, [a, b, c]);
    const tiff = async (seed: number) => sharp(await signaturePng(seed)).tiff().toBuffer();
    write(`${a.ballotId}.tif`, await tiff(1));
    write(`${b.voterId}.TIF`, await tiff(2));
    write('UNKNOWN123.tif', await tiff(3));
    write(`${c.voterId}.tiff`, (await tiff(4)).subarray(0, 60));
    write('notes.txt', 'not an image file name: ignored');
    const r = await importSignatures(new Station(store), supervisorActor, { path: folder, layout: 'vrsystems', capturedOn: '2022-06-30' });
    expect(r).toMatchObject({ layout: 'vrsystems', read: 4, imported: 2 });
    expect(r.unknownVoters).toEqual([{ line: null, file: 'UNKNOWN123.tif', voterId: 'UNKNOWN123' }]);
    expect(r.refused.map((x) => [x.file, x.error])).toEqual([[`${c.voterId}.tiff`, expect.stringMatching(/not an image|corrupt or truncated/) as unknown]]);
    expect(store.signatures.references(a.voterId, 6, null)).toMatchObject([{ capturedOn: '2022-06-30', source: 'state-export' }]);
    expect(store.signatures.references(b.voterId, 6, null)).toHaveLength(1);
    await expect(importSignatures(new Station(store), supervisorActor, { path: folder, layout: 'vrsystems', capturedOn: '2022-02-30' })).rejects.toThrow('--captured-on must be a date YYYY-MM-DD');
  });
});
