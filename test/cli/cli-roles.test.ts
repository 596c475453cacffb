import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { intake, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

/**
 * The command line is the app's second door: once a station has operators, every command that
 * reads voters' data or writes anything asks for an operator's PIN and the role the app would
 * require, counts wrong PINs in the same lockout, and records the authenticated name.
 */
const SUE = '482916';
const CLARA = '735204';
const HEADER = 'ballot_id,voter_id,election_id,last_name,first_name,dob,precinct,issued_at,status';

let t: ReturnType<typeof tempDir>;
let db: string;
let roll: string;
const env = (more: NodeJS.ProcessEnv = {}) => ({ INTAKE_DB: db, INTAKE_PIN: '', INTAKE_OPERATOR: '', INTAKE_SYNC_TOKEN: 'tok', ...more });
const asSue = (more: NodeJS.ProcessEnv = {}) => env({ INTAKE_OPERATOR: 'sue', INTAKE_PIN: SUE, ...more });
const asClara = (more: NodeJS.ProcessEnv = {}) => env({ INTAKE_OPERATOR: 'clara', INTAKE_PIN: CLARA, ...more });

function peek<T>(fn: (s: Store) => T): T {
  const s = Store.open(db);
  try {
    return fn(s);
  } finally {
    s.close();
  }
}
const auditEntries = () => peek((s) => s.audit.tip().entries);
const lastAudit = () => peek((s) => [...s.audit.entries()].at(-1));

function expectRefused(r: CliResult, words: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(words);
}

beforeAll(() => {
  t = tempDir('intake-cli-roles-');
  db = path.join(t.dir, 'station.db');
  roll = path.join(t.dir, 'roll.csv');
  fs.writeFileSync(roll, `${HEADER}\nBAL-0001,V1,E2026,GARCIA,ROSA,1980-02-03,P-1,2026-10-01,ISSUED\nBAL-0002,V2,E2026,LEE,ANN,1970-01-01,P-1,2026-10-01,ISSUED\n`);
  // Set-up as today, before any operator exists: no PIN asked.
  expect(intake(['roll', 'import', roll, '--format', 'station'], { env: env() }).status).toBe(0);
  expect(intake(['config', 'set', 'election', 'E2026'], { env: env() }).status).toBe(0);
  expect(intake(['scan', '--operator', 'setup'], { env: env(), input: 'BAL-0001\n' }).status).toBe(0);
  // The first supervisor from the command line, the PIN on stdin (never an argument).
  const first = intake(['operator', 'add', 'sue', '--role', 'supervisor'], { env: env(), input: `${SUE}\n` });
  expect(first.stderr).toBe('');
  expect(first.json()).toMatchObject({ name: 'sue', role: 'supervisor', active: true });
  const clerk = intake(['operator', 'add', 'clara', '--role', 'clerk'], { env: asSue(), input: `${CLARA}\n` });
  expect(clerk.json()).toMatchObject({ name: 'clara', role: 'clerk' });
});
afterAll(() => t.cleanup());

describe('the CLI once the station has operators', () => {
  it('refuses every write and every read of voters without a PIN: exit 1, a clear message, nothing written, no audit entry', () => {
    const before = auditEntries();
    const out = path.join(t.dir, 'receipts-nopin.csv');
    const cases: string[][] = [
      ['scan', 'undo', '1', '--reason', 'mistake', '--operator', 'sue'],
      ['batch', 'close', '--operator', 'ghost'],
      ['config', 'set', 'receiptDeadline', '2026-11-03T19:30:00-05:00', '--operator', 'sue'],
      ['roll', 'import', roll, '--format', 'station', '--operator', 'sue'],
      ['receipts', 'export', '--format', 'csv', '--out', out, '--operator', 'sue'],
      ['sync', '--url', 'http://127.0.0.1:9/', '--wait', '0', '--operator', 'sue'],
      ['scan', '--operator', 'clara'],
      ['roll', 'find', '--voter-id', 'V1', '--operator', 'clara'],
      ['audit', 'export', '--operator', 'sue'],
      ['backup', path.join(t.dir, 'copy.db'), '--operator', 'sue'],
      ['restore', path.join(t.dir, 'copy.db'), '--operator', 'sue'],
      ['feed', 'export', '--operator', 'sue'],
      ['operator', 'add', 'mallory', '--role', 'supervisor', '--operator', 'sue'],
    ];
    for (const args of cases) {
      const r = intake(args, { env: env(), input: 'BAL-0002\n' });
      expectRefused(r, /this station has operators: set INTAKE_PIN to \w+'s PIN/);
    }
    // No name at all: the same refusal, asking for both.
    expectRefused(intake(['receipts', 'export'], { env: env() }), /give --operator NAME \(or set INTAKE_OPERATOR\)/);
    // Commands that put a name on envelopes have always needed one: a usage error, before anything.
    expect(intake(['batch', 'close'], { env: env() })).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('--operator is required') as unknown });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(t.dir, 'copy.db'))).toBe(false);
    expect(peek((s) => s.operators.get('mallory'))).toBeUndefined();
    expect(auditEntries()).toBe(before);
    expect(peek((s) => s.batches.list({ status: 'CLOSED' }))).toHaveLength(0);
    expect(peek((s) => s.config.get('receiptDeadline'))).toBeUndefined();
  });

  it("refuses a clerk's PIN where the app needs a supervisor, with the same words as the app", () => {
    const out = path.join(t.dir, 'receipts-clerk.csv');
    const cases: string[][] = [
      ['scan', 'undo', '1', '--reason', 'mistake'],
      ['batch', 'close'],
      ['config', 'set', 'receiptDeadline', '2026-11-03T19:30:00-05:00'],
      ['roll', 'import', roll, '--format', 'station'],
      ['receipts', 'export', '--format', 'csv', '--out', out],
      ['sync', '--url', 'http://127.0.0.1:9/', '--wait', '0'],
      ['operator', 'list'],
      ['operator', 'disable', 'sue'],
    ];
    for (const args of cases) expectRefused(intake(args, { env: asClara() }), /This needs a supervisor; clara is a clerk\./);
    expect(fs.existsSync(out)).toBe(false);
    // What the sign-in itself recorded is all the log holds: no action by clara went through.
    expect(peek((s) => [...s.audit.entries()].filter((e) => e.actor === 'clara' && e.action !== 'operator.sign-in'))).toEqual([]);
  });

  it('lets a clerk do what the app lets a clerk do, under her stored name, not the text typed', () => {
    const r = intake(['scan', '--operator', '  CLARA '], { env: asClara({ INTAKE_OPERATOR: '' }), input: 'BAL-0002\n' });
    expect(r.stderr).toBe('');
    expect(r.lines()[0]).toMatchObject({ verdict: 'ACCEPTED', operator: 'clara' });
    expect(lastAudit()).toMatchObject({ action: 'scan.record', actor: 'clara' });
  });

  it("records the supervisor's name as stored on a batch close, whatever --operator said in case or spaces", () => {
    const r = intake(['batch', 'close', '--operator', 'SUE'], { env: asSue({ INTAKE_OPERATOR: '' }) });
    expect(r.stderr).toBe('');
    expect(r.json()).toMatchObject({ status: 'CLOSED', closedBy: 'sue' });
    const closes = peek((s) => [...s.audit.entries()].filter((e) => e.action === 'batch.close'));
    expect(closes.map((e) => e.actor)).toEqual(['sue']);
  });

  it('counts wrong PINs from the CLI in the same lockout as the app, and then refuses even the right PIN', () => {
    const op = 'lockme';
    expect(intake(['operator', 'add', op, '--role', 'clerk'], { env: asSue(), input: '1111\n' }).status).toBe(0);
    for (let i = 0; i < 5; i += 1) expectRefused(intake(['roll', 'stats', '--operator', op], { env: env({ INTAKE_PIN: '9999' }) }), /wrong PIN|locked/);
    expect(peek((s) => s.operators.get(op)?.locked_until)).toBeTruthy();
    expectRefused(intake(['roll', 'stats', '--operator', op], { env: env({ INTAKE_PIN: '1111' }) }), /locked|wrong PIN/);
  });
});

describe('intake operator', () => {
  it('never takes a PIN as an argument', () => {
    const r = intake(['operator', 'add', 'eve', '--role', 'clerk', '--pin', '1234'], { env: asSue() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/never given as an argument/);
    expect(peek((s) => s.operators.get('eve'))).toBeUndefined();
  });

  it('lists operators without their PIN hashes, for supervisors only', () => {
    const r = intake(['operator', 'list'], { env: asSue() });
    const list = r.json<Record<string, unknown>[]>();
    expect(list.map((o) => o['name'])).toEqual(expect.arrayContaining(['clara', 'sue']));
    expect(r.stdout).not.toMatch(/argon2|pin_hash|pinHash/);
  });

  it('resets a PIN from stdin: the old one stops working, the new one works', () => {
    expect(intake(['operator', 'reset-pin', 'clara'], { env: asSue(), input: '246810\n' }).json()).toEqual({ name: 'clara', pinReset: true });
    expectRefused(intake(['roll', 'stats'], { env: asClara() }), /wrong PIN/);
    expect(intake(['roll', 'stats'], { env: asClara({ INTAKE_PIN: '246810' }) }).status).toBe(0);
    // A bad new PIN changes nothing.
    expectRefused(intake(['operator', 'reset-pin', 'clara'], { env: asSue(), input: '12\n' }), /PIN/);
    expect(intake(['roll', 'stats'], { env: asClara({ INTAKE_PIN: '246810' }) }).status).toBe(0);
  });

  it('disables an operator, who can no longer sign in, and keeps their name on what they did', () => {
    const r = intake(['operator', 'disable', 'clara'], { env: asSue() });
    expect(r.json()).toMatchObject({ name: 'clara', active: false });
    expectRefused(intake(['roll', 'stats'], { env: asClara({ INTAKE_PIN: '246810' }) }), /wrong PIN/);
    expect(peek((s) => s.scans.recent(null, 10).filter((x) => x.operator === 'clara'))).toHaveLength(1);
    expect(lastAudit()).toMatchObject({ action: 'operator.disable', actor: 'sue', entity_id: 'clara' });
    expectRefused(intake(['operator', 'disable', 'clara'], { env: asSue() }), /already disabled/);
  });

  it('refuses to disable the last supervisor (the station would be open to anyone)', () => {
    expectRefused(intake(['operator', 'disable', 'sue'], { env: asSue() }), /last supervisor/);
    expect(peek((s) => s.operators.get('sue')?.active)).toBe(1);
  });
});
