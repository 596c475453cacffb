import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Intake } from '../../main/intake/intake.js';
import { importRoll } from '../../main/roll/import.js';
import { isSpoiledForEarlyVote, statusKey } from '../../shared/roll/status-words.js';
import { ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

// test/fixtures/nc/absentee_20241105.csv: the NCSBE absentee file's 2024 layout (sources in test/fixtures/README.md).
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'nc', 'absentee_20241105.csv');
let t: ReturnType<typeof tempStore>;

beforeEach(async () => {
  t = tempStore();
  const file = path.join(t.dir, 'absentee_20241105.csv');
  fs.copyFileSync(FIXTURE, file);
  const s = await importRoll(t.store, file, { format: 'nc-sbe', operator: 'sue' });
  expect(s).toMatchObject({ read: 10, imported: 10, rejected: 0 });
  const at = new Date().toISOString();
  t.store.config.set('election', '2024-11-05', 't', at);
  t.store.config.set('labelRule', { charset: 'digits', length: 9, checkDigit: 'none', carries: 'voter' }, 't', at);
});
afterEach(() => t.cleanup());

const ballot = (id: string) => t.store.scans.byBallotId.get(id);
const scan = (raw: string) => new Intake(t.store, 'ST1').scan({ raw, operator: 'alice' });

describe('North Carolina SPOILED-EV and ONE STOP', () => {
  it('folds case, spaces and hyphens of a status before matching', () => {
    for (const s of ['SPOILED-EV', 'SPOILED - EV', 'Spoiled - EV', 'spoiled  ev', ' SPOILED_-_EV ', 'SPOILED \u2013 EV']) expect(isSpoiledForEarlyVote(s)).toBe(true);
    for (const s of ['SPOILED', 'SPOILED-EVX', 'EV', '', null]) expect(isSpoiledForEarlyVote(s)).toBe(false);
    expect(statusKey('one stop')).toBe('ONE-STOP');
    expect(statusKey('ACCEPTED - CURED')).toBe('ACCEPTED-CURED');
  });

  it('keeps a SPOILED-EV mail ballot as cancelled for an in-person vote, not as returned on the one-stop date', () => {
    for (const id of ['NC-BX500001-20240920', 'NC-BX500002-20240920', 'NC-BX500003-20240920'])
      expect(ballot(id)).toMatchObject({ status: 'CANCELLED', voted_other_method: 1, state_returned_at: null, vote_method: 'MAIL' });
    expect(ballot('NC-BX500003-20240920')?.source_status).toBe('SPOILED - EV');
    expect(ballot('NC-BX500004-20241029')).toMatchObject({ vote_method: 'IN_PERSON' }); // "ONE STOP", with a space
    expect(ballot('NC-BX500005-20240920')).toMatchObject({ status: 'CANCELLED', voted_other_method: 0, state_returned_at: null });
    // The cancelled rows' ballot_rtn_dt is the day they were cancelled (for SPOILED-EV, the day of the early vote).
    expect(ballot('NC-BX500001-20240920')?.cancelled_at).toBe('2024-10-24');
    expect(ballot('NC-BX500005-20240920')?.cancelled_at).toBe('2024-10-02');
    expect(ballot('NC-BX500007-20240920')?.cancelled_at).toBeNull();
    expect(ballot('NC-BX500006-20240920')?.state_returned_at).toBe('2024-10-15');
  });

  it('tells the supervisor the voter voted early in person (was DUPLICATE), whichever way the status is spelled', () => {
    for (const voter of ['000500001', '000500002', '000500003']) {
      const o = scan(voter);
      expect(o.verdict, voter).toBe('ALREADY_VOTED');
      expect(o.reason).toContain('voted early in person (one-stop)');
    }
  });

  it('calls the mail envelope of a voter with a "ONE STOP" row ALREADY_VOTED (the row is an in-person vote, not a newer mail ballot)', () => {
    expect(scan('000500004')).toMatchObject({ verdict: 'ALREADY_VOTED', ballotId: 'NC-BX500004-20240920' });
  });

  it('still accepts the replacement of a plain SPOILED ballot, and still calls a state-accepted ballot DUPLICATE', () => {
    expect(scan('000500005')).toMatchObject({ verdict: 'ACCEPTED', ballotId: 'NC-BX500005-20241004' });
    expect(scan('000500006').verdict).toBe('DUPLICATE');
    expect(scan('000500007').verdict).toBe('ACCEPTED');
  });

  it("takes the next day's file (a re-import) that turns an outstanding mail ballot into SPOILED - EV: cancelled, dated, ALREADY_VOTED", async () => {
    const next = path.join(t.dir, 'absentee_20241106.csv');
    const text = fs.readFileSync(FIXTURE, 'latin1').replace(
      /("000500007","BX500007",.*?"09\/20\/2024",)"","",/,
      '$1"10/30/2024","SPOILED - EV",',
    );
    fs.writeFileSync(next, text, 'latin1');
    expect(await importRoll(t.store, next, { format: 'nc-sbe', operator: 'sue' })).toMatchObject({ read: 10, updated: 1, unchanged: 9 });
    expect(ballot('NC-BX500007-20240920')).toMatchObject({ status: 'CANCELLED', voted_other_method: 1, state_returned_at: null, cancelled_at: '2024-10-30' });
    expect(scan('000500007')).toMatchObject({ verdict: 'ALREADY_VOTED', reason: expect.stringContaining('voted early in person (one-stop)') as unknown });
  });
});
