import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sniffEncoding, SNIFF_BYTES } from '../../main/roll/encoding.js';
import { importRoll } from '../../main/roll/import.js';
import { RollFileError } from '../../main/roll/read.js';
import { ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

// The NCSBE 2024 layout (test/fixtures/README.md): a header and one row per ballot, cp1252 as published.
const NC = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'nc', 'absentee_20241105.csv'));
const [HEADER, ROW] = NC.toString('latin1').split('\r\n') as [string, string];
let t: ReturnType<typeof tempStore>;

beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

/** An NC file of the given rows (text as latin-1 code units, so each char is one byte), written as is. */
function ncFile(rows: string[], bytes?: (text: string) => Buffer): string {
  const file = path.join(t.dir, 'absentee_20241105.csv');
  const text = [HEADER, ...rows, ''].join('\r\n');
  fs.writeFileSync(file, bytes ? bytes(text) : Buffer.from(text, 'latin1'));
  return file;
}
/** The fixture's first row for another voter, with another last name. */
const voterRow = (n: number, lastName = 'ALLEN') =>
  ROW.replace('"000500001","BX500001","ALLEN"', `"${String(600000 + n).padStart(9, '0')}","BY${600000 + n}","${lastName}"`).replace('"SPOILED-EV"', '""').replace('"10/24/2024"', '""');
const lastNameOf = (n: number) => (t.store.db.prepare('SELECT last_name FROM ballots WHERE voter_id = ?').get(`BY${600000 + n}`) as { last_name: string } | undefined)?.last_name;

describe('roll file encodings', () => {
  it('says "this file is not cp1252: try --encoding latin1" for each byte cp1252 leaves undefined (was: use --encoding cp1252)', async () => {
    const rows = [0x81, 0x8d, 0x8f, 0x90, 0x9d].map((b, i) => voterRow(i, `MU${String.fromCharCode(b)}OZ`));
    const s = await importRoll(t.store, ncFile(rows), { format: 'nc-sbe', operator: 'sue', encoding: 'cp1252' });
    expect(s).toMatchObject({ read: 5, imported: 0, rejected: 5, encoding: 'cp1252', encodingDetected: false });
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects.match(/this file is not cp1252: try --encoding latin1/g)).toHaveLength(5);
    expect(rejects).not.toContain('use --encoding cp1252');
  });

  it('gives the same hint for such a byte beyond the first megabyte, which the choice of encoding does not see', async () => {
    const rows = Array.from({ length: Math.ceil(SNIFF_BYTES / (voterRow(0).length + 2)) + 10 }, (_, i) => voterRow(i));
    rows.push(voterRow(rows.length, 'MU\x90OZ'));
    const s = await importRoll(t.store, ncFile(rows), { format: 'nc-sbe', operator: 'sue' });
    expect(s).toMatchObject({ rejected: 1, encoding: 'cp1252', encodingDetected: true });
    expect(fs.readFileSync(s.rejectsFile ?? '', 'utf8')).toContain(`${rows.length + 1},"field voter_last_name has a byte that cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90 or 0x9D): this file is not cp1252: try --encoding latin1"`);
  });

  it('reads a state file as latin-1 when its first megabyte holds a byte cp1252 leaves undefined, and says so', async () => {
    const s = await importRoll(t.store, ncFile([voterRow(1, 'MU\xD1OZ'), voterRow(2, 'CH\x9DEN')]), { format: 'nc-sbe', operator: 'sue' });
    expect(s).toMatchObject({ imported: 2, rejected: 0, encoding: 'latin1', encodingDetected: true });
    expect(lastNameOf(1)).toBe('MUÑOZ');
  });

  it('reads a state file re-saved as UTF-8 as UTF-8, not as cp1252 mojibake ("MUÃ‘OZ")', async () => {
    const s = await importRoll(t.store, ncFile([voterRow(1, 'MUÑOZ'), voterRow(2, 'GÖRAN')], (text) => Buffer.from(text, 'utf8')), { format: 'nc-sbe', operator: 'sue' });
    expect(s).toMatchObject({ imported: 2, encoding: 'utf8', encodingDetected: true });
    expect(lastNameOf(1)).toBe('MUÑOZ');
    expect(lastNameOf(2)).toBe('GÖRAN');
  });

  it('keeps cp1252 for the files the states publish (the sample) and for pure ASCII', async () => {
    const sample = path.join(t.dir, 'nc.csv');
    fs.copyFileSync(path.join(ROOT, 'resources', 'sample-data', 'nc-absentee-sample.csv'), sample);
    expect(await importRoll(t.store, sample, { format: 'nc-sbe', operator: 'sue' })).toMatchObject({ encoding: 'cp1252', encodingDetected: true });
    expect(sniffEncoding(Buffer.from('ballot,voter\r\nA,B\r\n'))).toBe('cp1252');
  });

  it('does not guess for the station layout (UTF-8) and hints at cp1252 for a byte UTF-8 cannot read', async () => {
    const file = path.join(t.dir, 'roll.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('ballot_id,voter_id,election_id,last_name,first_name,status\nB1,V1,E1,MU'), Buffer.from([0xd1]), Buffer.from('OZ,ANA,ISSUED\n')]));
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(s).toMatchObject({ rejected: 1, encoding: 'utf8', encodingDetected: false });
    expect(fs.readFileSync(s.rejectsFile ?? '', 'utf8')).toContain('this file is not UTF-8: try --encoding cp1252');
  });

  it('sniffs: a BOM is UTF-8; a UTF-8 sequence cut by the end of the sample still counts; one bad sequence is not UTF-8', () => {
    expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf8');
    expect(sniffEncoding(Buffer.from([0x41, 0xc3, 0x91, 0x42, 0xe2, 0x82]))).toBe('utf8');
    expect(sniffEncoding(Buffer.from([0xc3, 0x91, 0x20, 0xd1, 0x4f]))).toBe('cp1252');
    expect(sniffEncoding(Buffer.from([0xd1, 0x4f, 0x8f]))).toBe('latin1');
    expect(sniffEncoding(Buffer.from([0xc3, 0x81]))).toBe('utf8'); // "Á" in UTF-8 holds 0x81: UTF-8 wins
  });

  it('never opens a FIFO to choose the encoding (opening one blocks until a writer comes): the file is refused as not a file', async () => {
    const fifo = path.join(t.dir, 'absentee.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(importRoll(t.store, fifo, { format: 'nc-sbe', operator: 'sue' })).rejects.toThrow(RollFileError);
    await expect(importRoll(t.store, fifo, { format: 'ga-sos', operator: 'sue', electionId: 'GA' })).rejects.toThrow(/is not a file/);
  });
});
