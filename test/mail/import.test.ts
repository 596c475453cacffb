import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Station } from '../../main/api/station.js';
import { ballotMail, importMail } from '../../main/actions/mail.js';
import type { Actor } from '../../main/actions/context.js';
import { importMailRecords } from '../../main/mail/import.js';
import { parsedFromObject } from '../../main/mail/read-json.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { delimited, imb, json, write, type Scan } from './files.js';

// Files are built in the documented layouts (test/mail/files.ts names the sources).
const SUP: Actor = { name: 'sue', role: 'supervisor', via: 'session' };
const MID = '123456';
const out = (serial: string, at: string, over: Partial<Scan> = {}): Scan => ({ imb: imb('700', MID, serial), at, ...over });
const back = (serial: string, at: string, over: Partial<Scan> = {}): Scan => ({ imb: imb('777', MID, serial, '27601'), at, ...over });

let t: ReturnType<typeof tempStore>;
let station: Station;
beforeEach(() => {
  t = tempStore();
  seedRoll(t.store, [
    rollRow({ ballotId: 'B-1', voterId: 'V1', imbMailerId: MID, imbSerial: '000000001' }),
    rollRow({ ballotId: 'B-2', voterId: 'V2', imbMailerId: MID, imbSerial: '000000002', issuedAt: '2026-09-20' }),
    // V2 was reissued: B-2 is superseded by B-3.
    rollRow({ ballotId: 'B-3', voterId: 'V2', imbMailerId: MID, imbSerial: '000000003', issuedAt: '2026-10-05' }),
    rollRow({ ballotId: 'B-4', voterId: 'V4', imbMailerId: MID, imbSerial: '000000004', status: 'CANCELLED' }),
  ]);
  t.store.config.set('mailOfficeZips', ['27601'], 't', new Date().toISOString());
  station = new Station(t.store);
});
afterEach(() => t.cleanup());

const importFile = (name: string, text: string, format: 'ivmtr-delimited' | 'ivmtr-json' = 'ivmtr-delimited') =>
  importMail(station, SUP, { file: write(t.dir, name, text), format });

describe('mail import: delimited files as documented', () => {
  it('matches events to ballots by mailer ID + serial, out and back (STID 777), and counts an unknown IMb without failing', async () => {
    const s = await importFile('feed.txt', delimited([
      out('000000001', '2026-10-01 08:00:00', { phase: 'Phase 0 - Origin Processing Cancellation of Postage', op: '010' }),
      out('000000001', '2026-10-03 10:00:00', { phase: 'Phase 4c - Delivery', op: '918' }),
      back('000000001', '2026-10-10 17:00:00', { zip: '28228' }),
      out('999999999', '2026-10-01 08:00:00'),
    ]));
    expect(s).toMatchObject({ read: 4, imported: 4, duplicates: 0, unknownImbs: 1, rejected: 0, rejectsFile: null });
    expect(s.words).toBe('Read 4 USPS scans: 4 new, 0 already here. 1 of the new scans carry an IMb that matches no ballot in the roll (kept, not attached).');
    const b1 = ballotMail(station, SUP, 'B-1');
    expect(b1.events.map((e) => [e.direction, e.facilityZip])).toEqual([['out', '27676'], ['out', '27676'], ['back', '28228']]);
    expect(b1.status?.status).toBe('in-transit-back');
    expect(b1.words).toBe('in transit back to the office');
    expect(t.store.mail.eventsOfPiece(MID, '999999999')[0]?.ballotId).toBeNull();
  });

  it('keeps the same event once: twice in one file (first import, the bulk path) and again in a second import (the incremental path)', async () => {
    const scans = [out('000000001', '2026-10-01 08:00:00'), out('000000001', '2026-10-02 09:00:00')];
    const first = await importFile('a.txt', delimited([...scans, scans[0] as Scan]));
    expect(first).toMatchObject({ read: 3, imported: 2, duplicates: 1 });
    const second = await importFile('b.txt', delimited([...scans, out('000000001', '2026-10-03 10:00:00')]));
    expect(second).toMatchObject({ read: 3, imported: 1, duplicates: 2 });
    expect(t.store.mail.eventsOf('B-1')).toHaveLength(3);
    expect(t.store.mail.imports(5).map((i) => [i.imported, i.duplicates, i.finishedAt !== null])).toEqual([[1, 2, true], [2, 1, true]]);
  });

  it('derives the status from scan times, not file order (out-of-order events)', async () => {
    await importFile('ooo.txt', delimited([
      out('000000001', '2026-10-05 09:00:00', { op: '891', phase: 'UAA - Return to Sender' }),
      out('000000001', '2026-10-01 08:00:00'),
      out('000000001', '2026-10-03 10:00:00', { phase: 'Phase 4c - Delivery' }),
    ]));
    const m = ballotMail(station, SUP, 'B-1');
    expect(m.status).toMatchObject({ status: 'returned-undeliverable', event: { scannedAt: '2026-10-05T09:00:00' } });
  });

  it('rejects a malformed line with its line number into the rejects file and imports the rest', async () => {
    const s = await importFile('bad.txt', delimited([out('000000001', '2026-10-01 08:00:00')], [
      'not|an|imb',
      `${imb('700', MID, '000000001')}|2026-02-30 08:00:00|SD|918|A|x|m|t|f|l|c|NC|27676`,
      `${imb('700', MID, '000000001')}|2026-10-02 08:00:00|SD|918|A|x|m|t|f|l|c|NC|2767X`,
      `${imb('700', MID, '000000001')}|2026-10-02 08:00:00|SD|918|A|x|m\u001b[2J|t|f|l|c|NC|27676`,
      out('000000001', '2026-10-02 08:00:00').imb + '|2026-10-02 08:00:00|SD|918|A|Phase 3b|DBCS|t|f|l|c|NC|27676',
    ]));
    expect(s).toMatchObject({ read: 6, imported: 2, rejected: 4 });
    expect(s.rejectsFile).toBe(path.join(t.dir, 'bad.rejects.csv'));
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('row,reason,raw');
    expect(rejects.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '3,the IMb must contain only digits',
      '4,"the scan date-time ""2026-02-30 08:00:00"" is not a real date and time"',
      '5,"the facility ZIP ""2767X"" is not 5 or 9 digits"',
      '6,the machine name holds a control character',
    ]);
    expect(fs.statSync(s.rejectsFile ?? '').mode & 0o777).toBe(0o600);
    expect(s.words).toContain('4 rejected (see bad.rejects.csv)');
  });

  it('rejects an oversized line (no end in 64 KiB) with its number and reads on', async () => {
    const s = await importFile('big.txt', delimited([out('000000001', '2026-10-01 08:00:00')], ['x'.repeat(200_000), delimited([out('000000001', '2026-10-02 08:00:00')]).split('\n')[1] ?? '']));
    expect(s).toMatchObject({ read: 3, imported: 2, rejected: 1 });
    expect(fs.readFileSync(s.rejectsFile ?? '', 'utf8')).toContain('3,the line is longer than 64 KiB');
  });

  it('attaches events for a cancelled and a superseded ballot to that ballot only', async () => {
    await importFile('old.txt', delimited([out('000000002', '2026-09-21 08:00:00'), out('000000004', '2026-09-21 08:00:00'), back('000000002', '2026-10-09 08:00:00', { zip: '27601' })]));
    expect(ballotMail(station, SUP, 'B-2').events).toHaveLength(2);
    expect(ballotMail(station, SUP, 'B-2').status?.status).toBe('arrived');
    expect(ballotMail(station, SUP, 'B-3').events).toHaveLength(0);
    expect(ballotMail(station, SUP, 'B-3').words).toBe('no USPS scan yet');
    expect(ballotMail(station, SUP, 'B-4').events).toHaveLength(1);
  });

  it('reads a headerless file in the documented column order, and a comma file with quotes', async () => {
    const lines = delimited([out('000000001', '2026-10-01 08:00:00')]).split('\n').slice(1).join('\n');
    expect(await importFile('nohead.txt', lines)).toMatchObject({ imported: 1 });
    const csv = `imb,scan_date_time,mail_phase,scan_facility_name,scan_facility_zip\n${imb('700', MID, '000000001')},2026-10-02 08:00:00,"Phase 3b - Destination, SCF","RALEIGH ""MAIN"" P&DC",27676\n`;
    expect(await importFile('q.csv', csv)).toMatchObject({ imported: 1, rejected: 0 });
    expect(ballotMail(station, SUP, 'B-1').events.at(-1)).toMatchObject({ mailPhase: 'Phase 3b - Destination, SCF', facilityName: 'RALEIGH "MAIN" P&DC' });
  });

  it('an empty file: nothing imported, said plainly', async () => {
    const s = await importFile('empty.txt', '');
    expect(s).toMatchObject({ read: 0, imported: 0 });
    expect(s.words).toBe('The file holds no USPS scans: nothing was imported.');
  });
});

describe('mail import: JSON files as documented', () => {
  it('imports an {"events": [...]} file, one event per scan object', async () => {
    const s = await importFile('feed.json', json([out('000000001', '2026-10-01 08:00:00'), back('000000001', '2026-10-10T17:00:00-04:00')]), 'ivmtr-json');
    expect(s).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    expect(ballotMail(station, SUP, 'B-1').events.at(-1)).toMatchObject({ scannedAt: '2026-10-10T17:00:00', scannedAtUtc: '2026-10-10T21:00:00.000Z' });
  });

  it('a top-level array and camelCase names (the push feed) are read too; a broken object is rejected with its line', async () => {
    const text = `[\n{"imb":"${imb('700', MID, '000000001')}","scanDatetime":"2026-10-01 08:00:00","mailPhase":"Phase 1"},\n{"imb": 12,\n "scanDatetime":"x"},\n{"imb":"${imb('700', MID, '000000001')}", "scanDatetime": "2026-10-02 08:00:00", "machineName": ["x"]},\n{"imb":"${imb('700', MID, '000000001')}","scanDatetime":"2026-10-03 08:00:00" "oops": 1}\n]`;
    const s = await importFile('arr.json', text, 'ivmtr-json');
    expect(s).toMatchObject({ read: 4, imported: 1, rejected: 3 });
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('3,"the IMb is a number, not text');
    expect(rejects).toContain('5,"the field ""machineName"" is not text"');
    expect(rejects).toMatch(/\n6,"the scan object is not valid JSON/);
  });

  it('a JSON file that is not JSON, an empty JSON file and a cut-short one', async () => {
    await expect(importFile('not.json', 'imb|scan_date_time\n', 'ivmtr-json')).rejects.toThrow('This file is not JSON: it starts with "imb|scan_date_time\\n". Nothing was imported.');
    await expect(importFile('empty.json', '  \n', 'ivmtr-json')).rejects.toThrow('This file is empty: there is no JSON in it. Nothing was imported.');
    const cut = json([out('000000001', '2026-10-01 08:00:00'), out('000000001', '2026-10-02 08:00:00')]);
    const s = await importFile('cut.json', cut.slice(0, cut.length - 30), 'ivmtr-json');
    expect(s).toMatchObject({ imported: 1, rejected: 1 });
    expect(fs.readFileSync(s.rejectsFile ?? '', 'utf8')).toContain('the file ends inside this scan object (cut short?)');
  });

  it('the wrong format flag: JSON given as delimited is refused, nothing imported; an unknown format is refused', async () => {
    await expect(importFile('x.json', json([out('000000001', '2026-10-01 08:00:00')]))).rejects.toThrow('This file looks like JSON, not a delimited file: import it with --format ivmtr-json. Nothing was imported.');
    await expect(importMail(station, SUP, { file: write(t.dir, 'y.txt', 'x'), format: 'pkg' as 'ivmtr-json' })).rejects.toThrow('The format must be ivmtr-delimited or ivmtr-json');
    expect(t.store.mail.counts().events).toBe(0);
  });
});

describe('mail import: who and how many at once', () => {
  it('is a supervisor action: a clerk and nobody are refused', async () => {
    const file = write(t.dir, 'f.txt', delimited([out('000000001', '2026-10-01 08:00:00')]));
    await expect(importMail(station, { name: 'cal', role: 'clerk', via: 'session' }, { file, format: 'ivmtr-delimited' })).rejects.toThrow('This needs a supervisor');
    await expect(importMail(station, null, { file, format: 'ivmtr-delimited' })).rejects.toThrow('Sign in first.');
  });

  it('40 imports of the same file at once through the action: its events are kept once', async () => {
    const scans = Array.from({ length: 50 }, (_, i) => out(String(1 + (i % 4)).padStart(9, '0'), `2026-10-01 08:${String(i).padStart(2, '0')}:00`));
    const file = write(t.dir, 'same.txt', delimited(scans));
    const results = await Promise.all(Array.from({ length: 40 }, () => importMail(station, SUP, { file, format: 'ivmtr-delimited' })));
    expect(results.reduce((n, r) => n + r.imported, 0)).toBe(50);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(39 * 50);
    expect(t.store.mail.counts().events).toBe(50);
    expect(t.store.verifyAudit().ok).toBe(true);
  });
});

describe('mail import: records fetched another way (the IV-MTR API)', () => {
  it('go through the same checks, dedupe against a file, rejects and counts', async () => {
    await importFile('f.txt', delimited([out('000000001', '2026-10-01 08:00:00')]));
    const objects = [
      { imb: imb('700', MID, '000000001'), scan_date_time: '2026-10-01 08:00:00', scan_event_code: 'SD', operation_code: '918', handling_event_type: 'A', mail_phase: 'Phase 3b - Destination SCF Processing', machine_name: 'DBCS-032', scan_facility_name: 'RALEIGH NC P&DC', scan_facility_city: 'RALEIGH', scan_facility_state: 'NC', scan_facility_zip: '27676' },
      { imb: imb('700', MID, '000000001'), scanDatetime: '2026-10-02T08:00:00Z', mailPhase: 'Phase 4c - Delivery' },
      { imb: 70012345600000000 },
    ];
    const batches = (async function* () {
      await Promise.resolve();
      yield objects.map((o, i) => parsedFromObject(o, i + 1, JSON.stringify(o)));
    })();
    const s = await importMailRecords(t.store, 'IV-MTR API piece query', batches, { format: 'ivmtr-api', operator: 'sue', rejectsFile: path.join(t.dir, 'api.rejects.csv') });
    expect(s).toMatchObject({ file: 'IV-MTR API piece query', format: 'ivmtr-api', read: 3, imported: 1, duplicates: 1, rejected: 1 });
    expect(ballotMail(station, SUP, 'B-1').status).toMatchObject({ status: 'delivered', event: { scannedAtUtc: '2026-10-02T08:00:00.000Z' } });
    expect(fs.readFileSync(path.join(t.dir, 'api.rejects.csv'), 'utf8')).toContain('3,"the IMb is a number, not text');
  });
});

describe('mail import: interrupted', () => {
  it('a load table left by a killed first import is dropped and the next import runs; a refused file leaves its import row unfinished', async () => {
    t.store.db.exec('CREATE TABLE mail_events_load (id INTEGER PRIMARY KEY, junk TEXT)');
    await expect(importFile('x.txt', '{"events": []}')).rejects.toThrow('looks like JSON');
    expect(t.store.mail.imports(1)[0]).toMatchObject({ finishedAt: null, read: 0 });
    const s = await importFile('ok.txt', delimited([out('000000001', '2026-10-01 08:00:00')]));
    expect(s).toMatchObject({ imported: 1 });
    // The first load's relaxed settings are the station's own again.
    expect(t.store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(t.store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(t.store.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'mail_events_load'").get()).toBeUndefined();
    expect(t.store.db.prepare("SELECT name FROM sqlite_schema WHERE tbl_name = 'mail_event_rows' AND type = 'index' ORDER BY name").all()).toEqual([
      { name: 'mail_events_ballot' },
      { name: 'mail_events_piece' },
    ]);
  });
});
