/**
 * The station's `electionType` chooses the profile's deadlines in the cure workflow (issue 15,
 * items 8–10), on a real SQLite store: Washington's certification after a primary (RCW
 * 29A.60.190: 14 days) and Arizona's third business day for an election without a federal office
 * (A.R.S. 16-550(A)); a type the profile does not cover is an error the clerk reads, never a date.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CureService, type Actor } from '../../main/cure/service.js';
import { Intake } from '../../main/intake/intake.js';
import { parseConfigText } from '../../shared/config.js';
import { rollRow, seedRoll, tempStore } from '../helpers/station.js';
import { configureOffice, manualClock } from './setup.js';

const CLARA: Actor = { name: 'clara', role: 'clerk' };

let t: ReturnType<typeof tempStore>;
let intake: Intake;
let service: CureService;

beforeEach(() => {
  t = tempStore();
  const clock = manualClock('2026-08-05T16:00:00Z');
  intake = new Intake(t.store, 'ST1', clock.now);
  service = new CureService(t.store, clock.now);
  seedRoll(t.store, [
    rollRow({ ballotId: 'BAL-1', voterId: 'V1' }),
    rollRow({ ballotId: 'BAL-2', voterId: 'V2' }),
  ]);
});
afterEach(() => t.cleanup());

const setType = (value: string) =>
  t.store.config.set('electionType', value as never, 'setup', new Date().toISOString());

function flagFirst(ballot = 'BAL-1') {
  const scan = intake.scan({ raw: ballot, operator: 'clara' });
  expect(scan.verdict).toBe('ACCEPTED');
  return service.flag({ scanSeq: scan.seq }, ['SIGNATURE_MISMATCH'], CLARA, 'signature differs');
}

describe('electionType in the cure workflow', () => {
  it('Washington primary (2026-08-04): certified on day 14, cure through Mon Aug 17 23:59 PDT', () => {
    configureOffice(t.store, { profile: 'WA', electionDate: '2026-08-04' });
    setType('primary');
    expect(flagFirst().deadline).toBe('2026-08-18T06:59:00.000Z');
  });

  it('unset, the type is general: Washington certifies on day 21 (Tue Aug 25 → cure Mon Aug 24)', () => {
    configureOffice(t.store, { profile: 'WA', electionDate: '2026-08-04' });
    expect(flagFirst().deadline).toBe('2026-08-25T06:59:00.000Z');
  });

  it('Arizona state-local (2025-03-11): the third business day, Fri Mar 14 23:59 MST', () => {
    configureOffice(t.store, { profile: 'AZ', electionDate: '2025-03-11' });
    setType('state-local');
    expect(flagFirst().deadline).toBe('2025-03-15T06:59:00.000Z');
  });

  it('a type the profile does not cover: flagging fails with plain words, and nothing is recorded', () => {
    configureOffice(t.store, { profile: 'AZ', electionDate: '2028-03-17' });
    setType('presidential-primary');
    const scan = intake.scan({ raw: 'BAL-2', operator: 'clara' });
    expect(() => service.flag({ scanSeq: scan.seq }, ['SIGNATURE_MISMATCH'], CLARA, 'x')).toThrow(
      /the Arizona profile does not cover a presidential primary: its sources give no deadlines for one, so none is guessed/,
    );
    expect(t.store.cure.openCaseOf('BAL-2')).toBeFalsy();
  });

  it('the setting takes only the closed set, with a readable error', () => {
    expect(parseConfigText('electionType', 'special')).toEqual({ ok: true, value: 'special' });
    const bad = parseConfigText('electionType', 'midterm');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('electionType');
  });
});
