import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRoll } from '../../main/roll/import.js';
import { pullChanges } from '../../main/sync/changes.js';
import { FLORIDA_FIELDS } from '../../main/sync/layouts/florida.js';
import { floridaDailyFile } from '../../main/sync/tracking.js';
import { tempStore } from '../helpers/station.js';
import { stateServer, TOKEN } from './helpers.js';

// Florida's daily vote-by-mail request file, Fla. Admin. Code R. 1S-2.043(3), Table 1 "Absentee
// Ballot Request Information File Layout" (Form DS-DE 145): AbsenteeRequestStatus "C: Use when a
// voter cancels a request", and AbsReqCanceledDate, MM/DD/YYYY. Sources in test/fixtures/README.md.

let t: ReturnType<typeof tempStore>;
let roll: string;
const HEADER = 'ballot_id,voter_id,election_id,last_name,first_name,issued_at,status,cancelled_at\n';

beforeEach(() => {
  t = tempStore();
  roll = path.join(t.dir, 'roll.csv');
});
afterEach(() => t.cleanup());

const OPTS = { countyId: 'LEO', electionId: 'E2026', electionNumber: '20261103', electionDate: '2026-11-03', electionName: '2026 General Election', timeZone: 'America/New_York' };
/** The day's file as fields by voter. */
function floridaFile(): Map<string, Record<string, string>> {
  const lines = [...floridaDailyFile(t.store, OPTS)].map((l) => l.replace(/\r\n$/, '').split('\t'));
  return new Map(lines.map((f) => [f[2] ?? '', Object.fromEntries(FLORIDA_FIELDS.map((name, i) => [name, f[i] ?? '']))]));
}
const ballot = (id: string) => t.store.scans.byBallotId.get(id);

describe('Florida daily file: a cancelled request carries its cancellation date', () => {
  it("writes the roll's cancellation date as AbsReqCanceledDate, with status C, and counts it as the last change", async () => {
    fs.writeFileSync(roll, `${HEADER}FC-1,1000001,E2026,ALVAREZ,ANA,2026-09-20,CANCELLED,2026-10-02\nFC-2,1000002,E2026,BROWN,BO,2026-09-20,ISSUED,\nFC-3,1000003,E2026,CHEN,CY,2026-09-20,CANCELLED,\n`);
    expect(await importRoll(t.store, roll, { format: 'station', operator: 'sue' })).toMatchObject({ imported: 3, rejected: 0 });
    const file = floridaFile();
    expect(file.get('1000001')).toMatchObject({ AbsenteeRequestStatus: 'C', AbsReqCanceledDate: '10/02/2026', LastAbsRecordChangeDate: '10/02/2026', AbsDeliveryDate: '09/20/2026' });
    expect(file.get('1000002')).toMatchObject({ AbsenteeRequestStatus: 'S', AbsReqCanceledDate: '' });
    expect(file.get('1000003')).toMatchObject({ AbsenteeRequestStatus: 'C', AbsReqCanceledDate: '' }); // the roll gave no date
  });

  it("keeps the date of the state's change feed, and a later roll that says cancelled without a date does not erase it", async () => {
    fs.writeFileSync(roll, `${HEADER}FC-1,1000001,E2026,ALVAREZ,ANA,2026-09-20,ISSUED,\nFC-3,1000003,E2026,CHEN,CY,2026-09-20,CANCELLED,\n`);
    await importRoll(t.store, roll, { format: 'station', operator: 'sue' });
    const server = await stateServer();
    server.addChange({ kind: 'cancelled', voterId: '1000001', ballotId: 'FC-1', electionId: 'E2026', at: '2026-10-05T14:00:00Z' });
    server.addChange({ kind: 'cancelled', voterId: '1000003', ballotId: 'FC-3', electionId: 'E2026', at: '2026-10-06T14:00:00Z' });
    const report = await pullChanges(t.store, { baseUrl: server.url, token: TOKEN, timeoutMs: 2_000 });
    // FC-3 was already cancelled with no date: the feed's date fills it in.
    expect(report).toMatchObject({ applied: 2, unchanged: 0 });
    expect(ballot('FC-1')).toMatchObject({ status: 'CANCELLED', cancelled_at: '2026-10-05T14:00:00Z' });
    expect(ballot('FC-3')).toMatchObject({ status: 'CANCELLED', cancelled_at: '2026-10-06T14:00:00Z', source_status: null });
    expect(floridaFile().get('1000001')).toMatchObject({ AbsenteeRequestStatus: 'C', AbsReqCanceledDate: '10/05/2026' });
    // Pulling again changes nothing.
    server.addChange({ kind: 'cancelled', voterId: '1000001', ballotId: 'FC-1', electionId: 'E2026', at: '2026-10-09T14:00:00Z' });
    expect(await pullChanges(t.store, { baseUrl: server.url, token: TOKEN, timeoutMs: 2_000 })).toMatchObject({ applied: 0, unchanged: 1 });
    expect(ballot('FC-1')?.cancelled_at).toBe('2026-10-05T14:00:00Z');
    // The next roll says cancelled, with no date: the date stays, and the ballot counts as unchanged.
    fs.writeFileSync(roll, `${HEADER}FC-1,1000001,E2026,ALVAREZ,ANA,2026-09-20,CANCELLED,\nFC-3,1000003,E2026,CHEN,CY,2026-09-20,CANCELLED,\n`);
    const again = await importRoll(t.store, roll, { format: 'station', operator: 'sue' });
    expect(again).toMatchObject({ imported: 0, updated: 1, unchanged: 1 }); // FC-1's source status only
    expect(ballot('FC-1')?.cancelled_at).toBe('2026-10-05T14:00:00Z');
    // A ballot the roll reinstates (ISSUED again) is no longer cancelled, and has no date.
    fs.writeFileSync(roll, `${HEADER}FC-1,1000001,E2026,ALVAREZ,ANA,2026-09-20,ISSUED,\nFC-3,1000003,E2026,CHEN,CY,2026-09-20,CANCELLED,\n`);
    await importRoll(t.store, roll, { format: 'station', operator: 'sue' });
    expect(ballot('FC-1')).toMatchObject({ status: 'ISSUED', cancelled_at: null });
    expect(floridaFile().get('1000001')).toMatchObject({ AbsenteeRequestStatus: 'S', AbsReqCanceledDate: '' });
  });

  it('refuses a station row whose cancelled_at is not a date, or is set on a ballot that is not cancelled', async () => {
    fs.writeFileSync(roll, `${HEADER}FC-1,1000001,E2026,ALVAREZ,ANA,2026-09-20,CANCELLED,10/02/2026\nFC-2,1000002,E2026,BROWN,BO,2026-09-20,ISSUED,2026-10-02\n`);
    const s = await importRoll(t.store, roll, { format: 'station', operator: 'sue' });
    expect(s).toMatchObject({ imported: 0, rejected: 2 });
    const rejects = fs.readFileSync(s.rejectsFile ?? '', 'utf8');
    expect(rejects).toContain('cancelled_at ""10/02/2026"" is not an ISO 8601 date or timestamp');
    expect(rejects).toContain('3,"cancelled_at is set but status is ISSUED, not CANCELLED"');
  });
});
