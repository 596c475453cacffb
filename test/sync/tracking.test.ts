import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CureService } from '../../main/cure/service.js';
import { Intake } from '../../main/intake/intake.js';
import { Store } from '../../main/store/store.js';
import { intake, ROOT } from '../helpers/cli.js';
import { rollRow, seedRoll, tempDir, withStoreAt } from '../helpers/station.js';

// The tracking feed, the Florida daily file and the audit export, through the real `intake`
// binary on a real database, and the auditor's standalone verifier on the export.

let t: ReturnType<typeof tempDir>;
let db: string;
const run = (args: string[]) => intake(args, { env: { INTAKE_DB: db, INTAKE_PIN: '' } });
const VERIFY = path.join(ROOT, 'scripts', 'verify-audit.mjs');

const withStore = <T>(fn: (store: Store) => T): T => withStoreAt(db, fn);
const scan = (raw: string) => withStore((s) => new Intake(s, 'MAIL-1').scan({ raw, operator: 'clara' }));

beforeAll(() => {
  t = tempDir('intake-tracking-');
  db = path.join(t.dir, 'station.db');
  withStore((store) => {
    const at = new Date().toISOString();
    for (const [k, v] of [
      ['station', 'MAIL-1'],
      ['election', 'E2026'],
      ['electionDate', '2026-11-03'],
      ['electionName', '2026 General Election'],
      ['stateProfile', 'generic'],
    ] as const)
      store.config.set(k, v, 'setup', at);
    store.config.set('ballotTraxElectionNumber', 412, 'setup', at); // Voter Focus's number for the election, not E2026
    seedRoll(store, [
      rollRow({ ballotId: 'FV-1', voterId: '1000001', lastName: 'ALVAREZ', firstName: 'ANA', mailAddress: '1 PALM AVE', mailCity: 'TALLAHASSEE', mailState: 'FL', mailZip: '32301' }),
      rollRow({ ballotId: 'FV-2', voterId: '1000002', lastName: 'BROWN', firstName: 'BO' }),
      rollRow({ ballotId: 'FV-3', voterId: '1000003', lastName: 'CHEN', firstName: 'CY' }),
      rollRow({ ballotId: 'FV-4', voterId: '1000004', lastName: 'DIAZ', firstName: 'DEE' }),
    ]);
  });
  for (const id of ['FV-1', 'FV-2', 'FV-3']) expect(scan(id).verdict).toBe('ACCEPTED');
  withStore((store) => new CureService(store).flag({ ballotId: 'FV-2' }, ['NO_VOTER_SIGNATURE'], { name: 'clara', role: 'clerk' }, 'no signature'));
});

afterAll(() => t.cleanup());

interface FeedLine {
  cursor: number;
  ballotId: string;
  voterId: string | null;
  status: string;
  cureCodes: string[];
}

const feedLines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FeedLine);
/** The BallotTrax file's rows by VoterID (header checked and dropped). */
const traxRows = (csv: string) => {
  const [header, ...rows] = csv.split('\r\n').filter(Boolean);
  expect(header?.startsWith('ElectionNumber,VoterID,BallotStatus,')).toBe(true);
  return new Map(rows.map((row) => [row.split(',')[1], row]));
};

describe('intake feed export', () => {
  let cursor = 0;

  it('gives every status change since the cursor as NDJSON, and the cursor to continue from', () => {
    const r = run(['feed', 'export', '--since', '0', '--format', 'ndjson']);
    expect(r.status, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as FeedLine);
    expect(events.map((e) => [e.ballotId, e.status])).toEqual([
      ['FV-1', 'received'],
      ['FV-2', 'received'],
      ['FV-3', 'received'],
      ['FV-2', 'flagged'],
    ]);
    expect(events[3]?.cureCodes).toEqual(['NO_VOTER_SIGNATURE']);
    // A cure event names the voter too (from the roll), as a scan event does.
    expect(events.map((e) => e.voterId)).toEqual(['1000001', '1000002', '1000003', '1000002']);
    const summary = JSON.parse(r.stderr) as { events: number; cursor: number };
    expect(summary).toMatchObject({ events: 4, cursor: events[3]?.cursor });
    cursor = summary.cursor;
  });

  it('continues from the cursor: nothing new, then only what came after', () => {
    const none = run(['feed', 'export', '--since', String(cursor), '--format', 'ndjson']);
    expect(none.stdout).toBe('');
    expect(JSON.parse(none.stderr)).toMatchObject({ events: 0, cursor });
    expect(scan('FV-4').verdict).toBe('ACCEPTED');
    const out = path.join(t.dir, 'feed.ndjson');
    const r = run(['feed', 'export', '--since', String(cursor), '--format', 'ndjson', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FeedLine);
    expect(lines.map((e) => [e.ballotId, e.status])).toEqual([['FV-4', 'received']]);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(r.stdout)).toMatchObject({ events: 1, file: out, cursor: lines[0]?.cursor });
    cursor = (JSON.parse(r.stdout) as { cursor: number }).cursor;
  });

  it('reports resolutions — a cure case cured, one not cured, a late envelope decided — in both formats, from the cursor', () => {
    // FV-2's case (1) is cured; FV-3 is flagged and not cured; FV-5 arrives after the deadline.
    const ok = (args: string[]) => {
      const r = run(args);
      expect(r.status, r.stderr).toBe(0);
      return r;
    };
    ok(['cure', 'receive', '--case', '1', '--reason', 'signed affidavit', '--operator', 'clara']);
    ok(['cure', 'resolve', '--case', '1', '--to', 'CURED', '--reason', 'signature matches', '--operator', 'sue']);
    ok(['cure', 'flag', '--ballot', 'FV-3', '--code', 'SIGNATURE_MISMATCH', '--reason', 'differs', '--operator', 'clara']);
    ok(['cure', 'resolve', '--case', '2', '--to', 'NOT_CURED', '--reason', 'voter did not respond', '--operator', 'sue']);
    withStore((store) => seedRoll(store, [rollRow({ ballotId: 'FV-5', voterId: '1000005', lastName: 'EVANS', firstName: 'EVE' })]));
    ok(['config', 'set', 'receiptDeadline', '2020-11-03T19:00:00-05:00']);
    const late = scan('FV-5');
    expect(late.verdict).toBe('LATE');

    const r = ok(['feed', 'export', '--since', String(cursor), '--format', 'ndjson']);
    expect(feedLines(r.stdout).map((e) => [e.ballotId, e.voterId, e.status])).toEqual([
      ['FV-2', '1000002', 'cured'],
      ['FV-3', '1000003', 'flagged'],
      ['FV-3', '1000003', 'not-cured'],
      ['FV-5', '1000005', 'received'],
    ]);
    const summary = JSON.parse(r.stderr) as { cursor: number };
    expect(summary.cursor).toBe(feedLines(r.stdout).at(-1)?.cursor);

    // The same changes as BallotTrax rows, to a file: FV-5 is left out until a supervisor decides.
    const out = path.join(t.dir, 'trax-1.csv');
    const trax = ok(['feed', 'export', '--since', String(cursor), '--format', 'ballottrax', '--out', out]);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(trax.stdout)).toMatchObject({ format: 'ballottrax', ballots: 2, since: cursor, cursor: summary.cursor, file: out });
    const rows = traxRows(fs.readFileSync(out, 'utf8'));
    expect([...rows.keys()].sort()).toEqual(['1000002', '1000003']);
    expect(rows.get('1000002')).toMatch(/^412,1000002,Accepted,.*,,,TRUE,FALSE$/);
    expect(rows.get('1000003')).toMatch(/^412,1000003,Rejected,.*,S,.+,FALSE,TRUE$/);

    // The supervisor rejects the late envelope: the next export from the cursor holds only that.
    ok(['cure', 'resolve', '--seq', String(late.seq), '--resolution', 'reject-late', '--reason', 'postmarked after election day', '--operator', 'sue']);
    const next = ok(['feed', 'export', '--since', String(summary.cursor), '--format', 'ndjson']);
    expect(feedLines(next.stdout).map((e) => [e.ballotId, e.status])).toEqual([['FV-5', 'rejected']]);
    const out2 = path.join(t.dir, 'trax-2.csv');
    ok(['feed', 'export', '--since', String(summary.cursor), '--format', 'ballottrax', '--out', out2]);
    const rows2 = traxRows(fs.readFileSync(out2, 'utf8'));
    expect([...rows2.keys()]).toEqual(['1000005']);
    expect(rows2.get('1000005')).toMatch(/^412,1000005,Rejected,10\/01\/2026,\d\d\/\d\d\/\d{4},P-01,,L,Received after the deadline\.,FALSE,FALSE$/);
    cursor = (JSON.parse(next.stderr) as { cursor: number }).cursor;
  });

  it('writes the BallotTrax ballot-status file for the ballots that changed', () => {
    const r = run(['feed', 'export', '--since', '0', '--format', 'ballottrax']);
    expect(r.status, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\r\n');
    expect(header).toBe('ElectionNumber,VoterID,BallotStatus,MailedDate,ReturnedDate,VbmRequestPrecinct,VbmParty,RejectionReason,RejectionDescription,IsReinstated,IsSignatureRelatedReason');
    const byVoter = new Map(rows.map((row) => [row.split(',')[1], row]));
    // Every ballot that changed since 0, as it stands now (FV-2 cured, FV-3 not, FV-5 rejected as late).
    expect([...byVoter.keys()].sort()).toEqual(['1000001', '1000002', '1000003', '1000004', '1000005']);
    expect(byVoter.get('1000001')).toMatch(/^412,1000001,Accepted,10\/01\/2026,\d\d\/\d\d\/\d{4},P-01,,,,FALSE,FALSE$/);
    expect(byVoter.get('1000002')).toMatch(/^412,1000002,Accepted,.*,,,TRUE,FALSE$/);
    expect(byVoter.get('1000005')).toMatch(/^412,1000005,Rejected,.*,L,/);
  });

  it('refuses a cursor that is not one, and an unknown format, plainly', () => {
    const bad = run(['feed', 'export', '--since', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since must be a cursor printed by an earlier export');
    expect(run(['feed', 'export', '--since', '3.5']).stderr).toContain('--since must be a cursor');
    expect(run(['feed', 'export', '--format', 'xml']).stderr).toContain('--format must be ndjson or ballottrax');
    // A cursor past the end of this station's log (another station's, or from before a restore).
    const ahead = run(['feed', 'export', '--since', String(cursor + 1000), '--format', 'ndjson']);
    expect(ahead.status).toBe(2);
    expect(ahead.stdout).toBe('');
    expect(ahead.stderr).toContain(`--since ${cursor + 1000} is past the end of this station's log`);
  });
});

describe('intake sync --dir --layout florida', () => {
  it('names the missing setting, and writes nothing', () => {
    const dir = path.join(t.dir, 'fl-missing');
    fs.mkdirSync(dir);
    const r = run(['sync', '--dir', dir, '--layout', 'florida']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs the floridaCountyId setting');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("writes the county's daily absentee-status file: one tab-separated line per voter, a sidecar, owner-only; the closed batch is written, awaiting upload, until `sync uploaded`", () => {
    expect(run(['config', 'set', 'floridaCountyId', 'LEO']).status).toBe(0);
    expect(run(['config', 'set', 'floridaElectionNumber', '20261103']).status).toBe(0);
    expect(run(['batch', 'close', '--hand-count', '4', '--operator', 'sue']).status).toBe(0);
    const dir = path.join(t.dir, 'fl');
    fs.mkdirSync(dir);
    const r = run(['sync', '--dir', dir, '--layout', 'florida']);
    expect(r.status, r.stderr).toBe(0);
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    const [data, sidecar] = files as [string, string];
    expect(data).toMatch(/^AbStat-LEO-20261103-\d{8}\.txt$/);
    expect(sidecar).toBe(`${data}.sha256`);
    const bytes = fs.readFileSync(path.join(dir, data));
    expect(fs.readFileSync(path.join(dir, sidecar), 'utf8')).toBe(`${createHash('sha256').update(bytes).digest('hex')}  ${data}\n`);
    execFileSync('sha256sum', ['-c', sidecar], { cwd: dir });
    expect(fs.statSync(path.join(dir, data)).mode & 0o777).toBe(0o600);
    const lines = bytes.toString('utf8').split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l.split('\t')).toHaveLength(34);
    const ana = lines.find((l) => l.split('\t')[2] === '1000001')?.split('\t') ?? [];
    expect(ana.slice(0, 8)).toEqual(['AbStat', 'LEO', '1000001', '20261103', '11/03/2026', '2026 General Election', ana[6], 'V']);
    expect(ana[24]).toBe('ALVAREZ ANA');
    expect(ana.slice(25, 31)).toEqual(['1 PALM AVE', '', '', 'TALLAHASSEE', 'FL', '32301']);
    const status = JSON.parse(run(['sync', 'status']).stdout) as { batchId: string; status: string; ack: string | null }[];
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ status: 'written', ack: null, file: { file: data } });
    const up = run(['sync', 'uploaded', String(status[0]?.batchId), '--operator', 'sue']);
    expect(up.status, up.stderr).toBe(0);
    const after = JSON.parse(run(['sync', 'status']).stdout) as { status: string; ack: string | null }[];
    expect(after[0]).toMatchObject({ status: 'acknowledged' });
    expect(after[0]?.ack).toContain(`file:${data} sha256:`);
  });

  it('writes no file when a voter cannot be put in the layout, and says which', () => {
    withStore((store) => seedRoll(store, [rollRow({ ballotId: 'FV-9', voterId: 'NOT-A-NUMBER' })]));
    const dir = path.join(t.dir, 'fl-bad');
    fs.mkdirSync(dir);
    const r = run(['sync', '--dir', dir, '--layout', 'florida']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('FVRSVoterIdNumber (voter NOT-A-NUMBER): Numeric(10) expected');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('intake audit export, checked by the standalone verifier', () => {
  let file: string;
  const verify = (f: string, extra: string[] = []) => spawnSync(process.execPath, [VERIFY, f, ...extra], { encoding: 'utf8' });
  const lines = () => fs.readFileSync(file, 'utf8').trim().split('\n');
  const tampered = (edit: (ls: string[]) => string[]) => {
    const f = path.join(t.dir, `tampered-${Math.random().toString(36).slice(2)}.ndjson`);
    fs.writeFileSync(f, `${edit(lines()).join('\n')}\n`);
    return f;
  };

  beforeAll(() => {
    file = path.join(t.dir, 'audit.ndjson');
    const r = run(['audit', 'export', '--out', file]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('exports every entry with its chain, owner-only, and the verifier (Node only) says it is intact', () => {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const header = JSON.parse(lines()[0] ?? '') as { format: string; entries: number; head: string };
    expect(header.format).toBe('ballot-intake-station/audit-log');
    expect(lines()).toHaveLength(header.entries + 1);
    const v = verify(file);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, entries: header.entries, head: header.head });
    const known = JSON.parse(run(['audit', 'verify']).stdout) as { head: string };
    expect(verify(file, ['--head', known.head]).status).toBe(0);
    // The option may come first, as auditors type it.
    const first = spawnSync(process.execPath, [VERIFY, '--head', known.head, file], { encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, checkedAgainstKnownHead: true });
    // The script imports nothing but Node's own modules.
    const imports = [...fs.readFileSync(VERIFY, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.every((m) => m?.startsWith('node:'))).toBe(true);
  });

  it('names the entry whose contents were changed', () => {
    const f = tampered((ls) => ls.map((l, i) => (i === 3 ? JSON.stringify({ ...(JSON.parse(l) as object), actor: 'mallory' }) : l)));
    const v = verify(f);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/^BROKEN at entry 3: its contents were changed/);
  });

  it('names a deleted entry, and entries swapped', () => {
    const deleted = verify(tampered((ls) => ls.filter((_, i) => i !== 2)));
    expect(deleted.status).toBe(1);
    expect(deleted.stderr).toContain('BROKEN at entry 2: entry 2 is missing or out of order (line 3 holds entry 3 where entry 2 belongs)');
    const swapped = verify(tampered((ls) => [ls[0] ?? '', ls[2] ?? '', ls[1] ?? '', ...ls.slice(3)]));
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toContain('BROKEN at entry 1: entry 1 is missing or out of order (line 2 holds entry 2 where entry 1 belongs)');
    // Moved later in the file: named where it was taken from.
    const moved = verify(tampered((ls) => [...ls.slice(0, 4), ...ls.slice(5, 8), ls[4] ?? '', ...ls.slice(8)]));
    expect(moved.status).toBe(1);
    expect(moved.stderr).toContain('BROKEN at entry 4: entry 4 is missing or out of order (line 5 holds entry 5 where entry 4 belongs)');
    // Moved earlier: the entry that turns up before its turn is named.
    const early = verify(tampered((ls) => [ls[0] ?? '', ls[1] ?? '', ls[5] ?? '', ...ls.slice(2, 5), ...ls.slice(6)]));
    expect(early.status).toBe(1);
    expect(early.stderr).toContain('BROKEN at entry 2: entry 2 is missing or out of order (line 3 holds entry 5 where entry 2 belongs)');
    // A line that is JSON but no entry.
    const junk = verify(tampered((ls) => [...ls.slice(0, 3), 'null', ...ls.slice(3)]));
    expect(junk.status).toBe(1);
    expect(junk.stderr).toContain('BROKEN at entry 3: line 4 is not an entry');
  });

  it('catches entries cut from the end, even with the header rewritten, given the head kept elsewhere', () => {
    const cut = verify(tampered((ls) => ls.slice(0, -1)));
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(/the header says \d+ entries, the file holds \d+/);
    const known = (JSON.parse(lines()[0] ?? '') as { head: string }).head;
    const rewritten = tampered((ls) => {
      const kept = ls.slice(0, -1);
      const last = JSON.parse(kept.at(-1) ?? '') as { hash: string };
      const h = JSON.parse(kept[0] ?? '') as Record<string, unknown>;
      return [JSON.stringify({ ...h, entries: kept.length - 1, head: last.hash }), ...kept.slice(1)];
    });
    expect(verify(rewritten).status).toBe(0); // a forged header alone cannot be told…
    const r = verify(rewritten, ['--head', known]);
    expect(r.status).toBe(1); // …from the head the office kept
    expect(r.stderr).toContain('does not end at the head you gave');
  });

  it('refuses a file that is not an export', () => {
    const f = path.join(t.dir, 'not-audit.txt');
    fs.writeFileSync(f, 'hello\n');
    expect(verify(f).status).toBe(2);
    expect(execFileSync(process.execPath, [VERIFY, file], { encoding: 'utf8' })).toContain('"ok":true');
  });
});

describe('BallotTrax settings: the election number and the referral reason codes', () => {
  // Voter Focus help: "Export the BallotTrax Ballot Status File" (ElectionNumber, RejectionReason
  // "the single-digit code assigned to the ballot referral reason") and "Export of Mail Ballot
  // Status Data" ("Short integer, internal election number"; codes A B L M N P S X Z).
  let dir: ReturnType<typeof tempDir>;
  let bt: string;
  const btRun = (args: string[]) => intake(args, { env: { INTAKE_DB: bt, INTAKE_PIN: '' } });
  beforeAll(() => {
    dir = tempDir('intake-ballottrax-');
    bt = path.join(dir.dir, 'station.db');
    withStoreAt(bt, (store) => {
      const at = new Date().toISOString();
      store.config.set('election', 'E2026', 'setup', at);
      seedRoll(store, [rollRow({ ballotId: 'BT-1', voterId: '2000001' }), rollRow({ ballotId: 'BT-2', voterId: '2000002' })]);
      for (const id of ['BT-1', 'BT-2']) expect(new Intake(store, 'MAIL-1').scan({ raw: id, operator: 'clara' }).verdict).toBe('ACCEPTED');
    });
    for (const [ballot, code] of [['BT-1', 'ENVELOPE_UNSEALED'], ['BT-2', 'SIGNATURE_MISMATCH']] as const) {
      expect(btRun(['cure', 'flag', '--ballot', ballot, '--code', code, '--reason', 'at intake', '--operator', 'clara']).status).toBe(0);
    }
    expect(btRun(['cure', 'resolve', '--case', '1', '--to', 'NOT_CURED', '--reason', 'no answer', '--operator', 'sue']).status).toBe(0);
    expect(btRun(['cure', 'resolve', '--case', '2', '--to', 'NOT_CURED', '--reason', 'no answer', '--operator', 'sue']).status).toBe(0);
  });
  afterAll(() => dir.cleanup());

  it("refuses to write the file without Voter Focus's election number (never the station's election ID), plainly", () => {
    const r = btRun(['feed', 'export', '--format', 'ballottrax']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("needs the election's number in Voter Focus");
    expect(r.stderr).toContain('intake config set ballotTraxElectionNumber N');
    expect(r.stderr).not.toMatch(/[{}]/);
  });

  it('takes the election number only as a small whole number', () => {
    for (const bad of ['E2026', '0', '-3', '4.5', '40000', '"412"']) expect(btRun(['config', 'set', 'ballotTraxElectionNumber', bad]).status, bad).not.toBe(0);
    expect(btRun(['config', 'set', 'ballotTraxElectionNumber', '412']).status).toBe(0);
  });

  it('refuses the file while a rejection reason has no referral code, naming it; the office gives one and the file is written', () => {
    const refused = btRun(['feed', 'export', '--format', 'ballottrax']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('no Voter Focus referral reason code for ENVELOPE_UNSEALED');
    expect(refused.stderr).toContain('ballotTraxReasonCodes');
    for (const bad of ['{"ENVELOPE_UNSEALED":"ZZ"}', '{"ENVELOPE_UNSEALED":"u"}', '{"NOT_A_REASON":"U"}', 'U'])
      expect(btRun(['config', 'set', 'ballotTraxReasonCodes', bad]).status, bad).not.toBe(0);
    expect(btRun(['config', 'set', 'ballotTraxReasonCodes', '{"ENVELOPE_UNSEALED":"U"}']).status).toBe(0);
    const r = btRun(['feed', 'export', '--format', 'ballottrax']);
    expect(r.status, r.stderr).toBe(0);
    const rows = traxRows(r.stdout);
    expect(rows.get('2000001')).toMatch(/^412,2000001,Rejected,.*,U,.+,FALSE,FALSE$/);
    expect(rows.get('2000002')).toMatch(/^412,2000002,Rejected,.*,S,.+,FALSE,TRUE$/); // the documented default
  });

  it("lets the office change a documented default to its own county's code", () => {
    expect(btRun(['config', 'set', 'ballotTraxReasonCodes', '{"ENVELOPE_UNSEALED":"U","SIGNATURE_MISMATCH":"7"}']).status).toBe(0);
    const rows = traxRows(btRun(['feed', 'export', '--format', 'ballottrax']).stdout);
    expect(rows.get('2000002')).toMatch(/^412,2000002,Rejected,.*,7,/);
  });
});
