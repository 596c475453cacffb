import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { importRoll } from '../../main/roll/import.js';
import { RollFileError } from '../../main/roll/read.js';
import { ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

const SAMPLES = path.join(ROOT, 'resources', 'sample-data');
let t: ReturnType<typeof tempStore>;

/** Copies a sample into the temp folder, so its rejects file lands there too. */
function sample(name: string): string {
  const to = path.join(t.dir, name);
  fs.copyFileSync(path.join(SAMPLES, name), to);
  return to;
}

beforeEach(() => {
  t = tempStore();
});
afterEach(() => t.cleanup());

const ballot = (id: string) => t.store.scans.byBallotId.get(id);
const scan = (raw: string) => new Intake(t.store, 'ST1').scan({ raw, operator: 'alice' });

describe('station layout', () => {
  it('imports valid rows, rejects bad ones with row and reason, and keeps text exactly', async () => {
    const file = sample('station-roll.csv');
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(s).toMatchObject({ read: 13, imported: 9, updated: 0, unchanged: 0, rejected: 4 });
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('11,first_name is empty');
    expect(rejects).toContain('12,"dob ""1970-02-30"" is not a real date');
    expect(rejects).toContain('13,imb_serial 00001012 must be 9 digits');
    expect(rejects).toContain('14,"status must be ISSUED or CANCELLED');
    expect(fs.statSync(s.rejectsFile ?? '').mode & 0o777).toBe(0o600);
    expect(ballot('B0001006')).toMatchObject({ last_name: 'MUÑOZ', first_name: 'JOSÉ', res_address: '55 LAKE RD, UNIT 2' });
    expect(ballot('B0001001')).toMatchObject({ imb_mailer_id: '314159', imb_serial: '000001001', voter_id: 'V100001' });
    t.store.config.set('election', 'E2026', 't', new Date().toISOString());
    expect(scan('B0001007').verdict).toBe('SUPERSEDED');
    expect(scan('B0001008').verdict).toBe('ACCEPTED');
    expect(scan('B0001004').verdict).toBe('CANCELLED');
    expect(scan('B0001005').verdict).toBe('ALREADY_VOTED');
  });

  it('renames columns with --map', async () => {
    const file = path.join(t.dir, 'other.csv');
    fs.writeFileSync(file, 'BallotNo,VoterNo,Election,Surname,Given,Status\nX-1001,V1,E2026,DOE,JO,ISSUED\n');
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue', map: { BallotNo: 'ballot_id', VoterNo: 'voter_id', Election: 'election_id', Surname: 'last_name', Given: 'first_name', Status: 'status' } });
    expect(s).toMatchObject({ imported: 1, rejected: 0 });
    expect(ballot('X-1001')?.last_name).toBe('DOE');
  });

  it('handles a BOM, CRLF, quoted newlines, very long fields and formula-looking cells', async () => {
    const file = path.join(t.dir, 'odd.csv');
    const long = 'A'.repeat(10_000);
    fs.writeFileSync(
      file,
      '\uFEFFballot_id,voter_id,election_id,last_name,first_name,res_address,status\r\n' +
        'Q-0001,V1,E1,"=SUM(A1)",ANN,"1 MAIN ST\r\nAPT 2",ISSUED\r\n' +
        `Q-0002,V2,E1,LONG,BOB,${long},ISSUED\r\n` +
        'Q-0003,V3,E1,"@cmd",CY,x,ISSUED\r\n',
    );
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(s).toMatchObject({ read: 3, imported: 2, rejected: 1 });
    expect(ballot('Q-0001')).toMatchObject({ last_name: '=SUM(A1)', res_address: '1 MAIN ST APT 2' });
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('4,field res_address is 10000 characters long (limit 1000)'); // row 2 spans two lines
    expect(ballot('Q-0003')?.last_name).toBe('@cmd');
  });
});

describe('NC SBE layout', () => {
  it('reads the cp1252 file, keys ballots by voter and send date, and maps statuses', async () => {
    const s = await importRoll(t.store, sample('nc-absentee-sample.csv'), { format: 'nc-sbe', operator: 'sue' });
    expect(s).toMatchObject({ read: 9, imported: 6, rejected: 3 });
    expect(ballot('NC-AA111111-20260920')).toMatchObject({ last_name: 'MUÑOZ', first_name: 'MARÍA', voter_id: 'AA111111', alt_voter_id: '000123456', election_id: '2026-11-03', jurisdiction: 'DURHAM' });
    expect(ballot('NC-AA222222-20260920')).toMatchObject({ status: 'CANCELLED', source_status: 'SPOILED' });
    expect(ballot('NC-AA333333-REQ20261020')).toMatchObject({ vote_method: 'IN_PERSON' });
    expect(ballot('NC-AA444444-20260921')?.state_returned_at).toBe('2026-10-14');
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('8,"ballot_send_dt ""09/31/2026"" is not a real MM/DD/YYYY date');
    expect(rejects).toContain('9,ncid is empty');
    expect(rejects).toContain('10,neither ballot_send_dt nor ballot_req_dt is set');
  });

  it('gives each voter the right verdict from a label carrying the county voter number', async () => {
    await importRoll(t.store, sample('nc-absentee-sample.csv'), { format: 'nc-sbe', operator: 'sue' });
    t.store.config.set('election', '2026-11-03', 't', new Date().toISOString());
    t.store.config.set('labelRule', { charset: 'digits', length: 9, checkDigit: 'none', carries: 'voter' }, 't', new Date().toISOString());
    expect(scan('000123456')).toMatchObject({ verdict: 'ACCEPTED', ballotId: 'NC-AA111111-20260920' });
    expect(scan('000123457')).toMatchObject({ verdict: 'ACCEPTED', ballotId: 'NC-AA222222-20261005' });
    expect(scan('000123458').verdict).toBe('ALREADY_VOTED');
    expect(scan('000123459').verdict).toBe('DUPLICATE');
  });
});

describe('GA SOS layout', () => {
  it('reads both header versions, keeps zero padding and maps Ballot Status and Style', async () => {
    const s = await importRoll(t.store, sample('ga-statewide-sample.csv'), { format: 'ga-sos', operator: 'sue', electionId: 'GA2026' });
    expect(s).toMatchObject({ read: 6, imported: 5, rejected: 1 });
    expect(ballot('90001')).toMatchObject({ voter_id: '00012345', status: 'ISSUED', vote_method: 'MAIL', res_address: '123 PEACHTREE ST', precinct: 'SC01', jurisdiction: 'FULTON' });
    expect(ballot('90002')).toMatchObject({ state_returned_at: '2026-10-09' });
    expect(ballot('90003')).toMatchObject({ status: 'CANCELLED', source_status: 'C' });
    expect(ballot('GA-00012348-IP20261021')).toMatchObject({ vote_method: 'IN_PERSON' });
    expect(ballot('GA-00012350-20260916')).toMatchObject({ vote_method: 'MAIL' });
    const old = await importRoll(t.store, sample('ga-statewide-sample-old.csv'), { format: 'ga-sos', operator: 'sue', electionId: 'GA2026' });
    expect(old).toMatchObject({ read: 2, imported: 0, unchanged: 2, rejected: 0 });
  });

  it('refuses to read without an election', async () => {
    await expect(importRoll(t.store, sample('ga-statewide-sample.csv'), { format: 'ga-sos', operator: 'sue' })).rejects.toThrow(/--election/);
  });
});

const HEADER = 'ballot_id,voter_id,election_id,last_name,first_name,issued_at,status\n';

describe('re-import', () => {
  it('upserts by ballot ID, records changes, supersedes on reissue, and never touches receipts', async () => {
    const file = path.join(t.dir, 'roll.csv');
    fs.writeFileSync(file, `${HEADER}R-0001,V1,E1,ONE,A,2026-09-01,ISSUED\nR-0002,V2,E1,TWO,B,2026-09-01,ISSUED\nR-0003,V3,E1,THREE,C,2026-09-01,ISSUED\n`);
    await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(scan('R-0001').verdict).toBe('ACCEPTED');
    const receiptsBefore = t.store.db.prepare('SELECT * FROM receipts').all();
    fs.writeFileSync(file, `${HEADER}R-0001,V1,E1,ONE,A,2026-09-01,ISSUED\nR-0002,V2,E1,TWO,B,2026-09-01,CANCELLED\nR-0003,V3,E1,THREE,C,2026-09-01,ISSUED\nR-0004,V3,E1,THREE,C,2026-10-01,ISSUED\nR-0005,V1,E1,ONE,A,2026-10-02,ISSUED\n`);
    const s = await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    expect(s).toMatchObject({ read: 5, imported: 2, updated: 1, unchanged: 2, rejected: 0 });
    expect(t.store.db.prepare('SELECT * FROM receipts').all()).toEqual(receiptsBefore);
    expect(t.store.roll.stats().ballots).toBe(5);
    expect(scan('R-0001').verdict).toBe('DUPLICATE');
    expect(scan('R-0002').verdict).toBe('CANCELLED');
    expect(scan('R-0003').verdict).toBe('SUPERSEDED');
    expect(scan('R-0004').verdict).toBe('ACCEPTED');
    expect(scan('R-0005').verdict).toBe('ALREADY_VOTED');
    expect(t.store.roll.changesOf('R-0002')[0]).toMatchObject({ before: { status: 'ISSUED' }, after: { status: 'CANCELLED' } });
    expect(t.store.verifyAudit().ok).toBe(true);
  });

  it('rejects a ballot ID repeated within one file, naming the first row', async () => {
    const file = path.join(t.dir, 'dup.csv');
    fs.writeFileSync(file, `${HEADER}D-0001,V1,E1,A,B,,ISSUED\nD-0001,V2,E1,C,D,,ISSUED\n`);
    const first = await importRoll(t.store, file, { format: 'station', operator: 'sue' }); // the initial load
    expect(first).toMatchObject({ imported: 1, rejected: 1 });
    expect(fs.readFileSync(first.rejectsFile ?? '', 'utf8')).toContain('3,duplicate ballot ID D-0001 (an earlier row has it)');
    const again = await importRoll(t.store, file, { format: 'station', operator: 'sue' }); // the staged re-import
    expect(again).toMatchObject({ unchanged: 1, rejected: 1 });
    expect(fs.readFileSync(again.rejectsFile ?? '', 'utf8')).toContain('3,duplicate ballot ID D-0001 (first at row 2)');
  });
});

describe('a failed import leaves the roll exactly as it was', () => {
  async function seeded(): Promise<string> {
    const file = path.join(t.dir, 'base.csv');
    fs.writeFileSync(file, `${HEADER}K-0001,V1,E1,KEEP,ME,2026-09-01,ISSUED\n`);
    await importRoll(t.store, file, { format: 'station', operator: 'sue' });
    return JSON.stringify(t.store.db.prepare('SELECT * FROM ballots').all());
  }

  it('when the input fails midway (an I/O error after 1,000 rows)', async () => {
    const before = await seeded();
    const feed = new PassThrough();
    feed.write(HEADER);
    for (let i = 0; i < 1000; i += 1) feed.write(`M-${i},V${i},E1,NEW,ROW,2026-10-01,ISSUED\n`);
    setTimeout(() => feed.destroy(new Error('EIO: the USB stick was pulled')), 50);
    await expect(importRoll(t.store, feed, { format: 'station', operator: 'sue', rejectsFile: path.join(t.dir, 'r.csv') })).rejects.toThrow(/USB stick/);
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM ballots').all())).toBe(before);
    expect(t.store.roll.stats().imports).toBe(1);
  });

  it('when the header is not the layout, an empty file, or a header names a column twice', async () => {
    const before = await seeded();
    const bad = path.join(t.dir, 'bad.csv');
    for (const [content, message] of [
      ['name,address\nx,y\n', /lacks ballot_id/],
      ['', /empty/],
      ['ballot_id,ballot_id,voter_id,election_id,last_name,first_name,status\n', /twice/],
    ] as const) {
      fs.writeFileSync(bad, content);
      await expect(importRoll(t.store, bad, { format: 'station', operator: 'sue' })).rejects.toThrow(RollFileError);
      await expect(importRoll(t.store, bad, { format: 'station', operator: 'sue' })).rejects.toThrow(message);
    }
    await expect(importRoll(t.store, path.join(t.dir, 'missing.csv'), { format: 'station', operator: 'sue' })).rejects.toThrow(/cannot read/);
    expect(JSON.stringify(t.store.db.prepare('SELECT * FROM ballots').all())).toBe(before);
  });

  it('streams: rows are read before the input has been fully supplied', async () => {
    const feed = new PassThrough();
    let supplied = 0;
    let seenWhileOpen = false;
    const done = importRoll(t.store, feed, {
      format: 'station',
      operator: 'sue',
      rejectsFile: path.join(t.dir, 'r.csv'),
      chunkRows: 100,
      onProgress: (p) => {
        if (p.phase === 'reading' && p.rows > 0 && supplied < 20_000) seenWhileOpen = true;
      },
    });
    feed.write(HEADER);
    for (let i = 0; i < 20_000; i += 1) {
      feed.write(`S-${i},V${i},E1,A,B,2026-10-01,ISSUED\n`);
      supplied += 1;
      if (i % 5000 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    feed.end();
    expect(await done).toMatchObject({ imported: 20_000 });
    expect(seenWhileOpen).toBe(true);
  });

  it('never throws on garbage rows: each is a rejection with its row number', async () => {
    const lines = [HEADER.trim()];
    const junk = [',,,,,,', 'a,b', '\u0001,\u0002,x,y,z,w,v', '"a""b",c,d,e,f,g,h,i', 'Ω,≈,ç,√,∫,˜,µ'];
    for (const j of junk) lines.push(j);
    lines.push('OK-0001,V1,E1,GOOD,ROW,2026-10-01,ISSUED');
    // An opening quote never closed runs to the end of the file: it can only be the last record.
    lines.push('"unterminated,V9,E1');
    const rejectsFile = path.join(t.dir, 'g.csv');
    const s = await importRoll(t.store, Readable.from([lines.join('\n') + '\n']), { format: 'station', operator: 'sue', rejectsFile });
    expect(s).toMatchObject({ read: junk.length + 2, imported: 1, rejected: junk.length + 1 });
    const rows = fs.readFileSync(rejectsFile, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    expect(rows.every((n) => Number.isInteger(n) && n >= 2)).toBe(true);
    expect(ballot('OK-0001')?.last_name).toBe('GOOD');
  });
});
