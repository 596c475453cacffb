import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRoll } from '../../main/roll/import.js';
import { intake, ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

// test/fixtures/ga/STATEWIDE.csv: the Georgia SOS absentee voter file's layout (sources in test/fixtures/README.md).
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'ga', 'STATEWIDE.csv');
let t: ReturnType<typeof tempStore>;
let file: string;

beforeEach(() => {
  t = tempStore();
  file = path.join(t.dir, 'STATEWIDE.csv');
  fs.copyFileSync(FIXTURE, file);
});
afterEach(() => t.cleanup());

const ballotsOf = (voter: string) => t.store.db.prepare('SELECT ballot_id FROM ballots WHERE voter_id = ?').all(voter);

describe('Georgia applications are not ballots', () => {
  it('keeps an application with no ballot issued out of the roll and counts it; skips a rejected application with its reason', async () => {
    const s = await importRoll(t.store, file, { format: 'ga-sos', operator: 'sue', electionId: 'GA2024' });
    expect(s).toMatchObject({ read: 6, imported: 2, rejected: 1, skipped: { applications: 2, rejectedApplications: 1 } });
    expect(ballotsOf('05550002')).toEqual([]);
    expect(ballotsOf('05550003')).toEqual([]); // no Ballot Style either: still an application, not a malformed row
    expect(ballotsOf('05550004')).toEqual([]);
    expect(ballotsOf('05550001')).toEqual([{ ballot_id: '7100001' }]);
    expect(ballotsOf('05550005')).toEqual([{ ballot_id: 'GA-05550005-IP20241015' }]);
    // Only the malformed row is in the rejects file; the applications are not rejects.
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('7,"Ballot Issued Date ""09/31/2024"" is not a real MM/DD/YYYY date');
    expect(rejects).not.toMatch(/IRWIN|JONES|KIM|Ballot ID is empty|Ballot Style/);
    const audit = t.store.db.prepare("SELECT after FROM audit_log WHERE action = 'roll.import'").get() as { after: string };
    expect(JSON.parse(audit.after)).toMatchObject({ skipped: { applications: 2, rejectedApplications: 1 } });
  });

  it('counts them the same on a re-import (the staged path)', async () => {
    await importRoll(t.store, file, { format: 'ga-sos', operator: 'sue', electionId: 'GA2024' });
    const again = await importRoll(t.store, file, { format: 'ga-sos', operator: 'sue', electionId: 'GA2024' });
    expect(again).toMatchObject({ read: 6, imported: 0, unchanged: 2, rejected: 1, skipped: { applications: 2, rejectedApplications: 1 } });
  });

  it('still refuses a row with no Ballot ID and no issue date that is not an accepted application', async () => {
    const text = fs.readFileSync(FIXTURE, 'latin1').replace('COBB,05550002,IRWIN,MAX,,,40,CHURCH ST,,MARIETTA,GA,30060,,,,,,,A,', 'COBB,05550002,IRWIN,MAX,,,40,CHURCH ST,,MARIETTA,GA,30060,,,,,,,,');
    fs.writeFileSync(file, text, 'latin1');
    const s = await importRoll(t.store, file, { format: 'ga-sos', operator: 'sue', electionId: 'GA2024' });
    expect(s).toMatchObject({ rejected: 2, skipped: { applications: 1, rejectedApplications: 1 } });
    expect(fs.readFileSync(s.rejectsFile ?? '', 'utf8')).toContain('3,Ballot ID is empty and there is no Ballot Issued Date to key the ballot');
  });

  it('prints the counts from the CLI, whose reader runs on a worker thread (npm run build first)', () => {
    const db = path.join(t.dir, 'cli.db');
    const r = intake(['roll', 'import', file, '--format', 'ga-sos', '--election', 'GA2024', '--db', db, '--operator', 'sue']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ read: 6, imported: 2, rejected: 1, skipped: { applications: 2, rejectedApplications: 1 }, encoding: 'cp1252', encodingDetected: true });
  });
});
