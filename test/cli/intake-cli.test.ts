import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

const HEADER = 'ballot_id,voter_id,election_id,imb_mailer_id,imb_serial,last_name,first_name,middle_name,suffix,dob,res_address,res_city,res_zip,mail_address,mail_city,mail_state,mail_zip,precinct,ballot_style,issued_at,status,voted_other_method';
const row = (id: string, voter: string, over: Partial<Record<'imbM' | 'imbS' | 'issued' | 'status' | 'voted' | 'last', string>> = {}) =>
  [id, voter, 'E2026', over.imbM ?? '', over.imbS ?? '', over.last ?? 'GARCIA', 'ROSA', '', '', '1980-02-03', '12 ELM ST', 'DURHAM', '27701', '', '', '', '', 'P-12', 'BS1', over.issued ?? '2026-10-01', over.status ?? 'ISSUED', over.voted ?? 'N'].join(',');

let t: ReturnType<typeof tempDir>;
let db: string;
let roll: string;
const env = () => ({ INTAKE_DB: db });

beforeAll(() => {
  t = tempDir('intake-cli-');
  db = path.join(t.dir, 'station.db');
  roll = path.join(t.dir, 'roll.csv');
  fs.writeFileSync(
    roll,
    [
      HEADER,
      row('B100', 'V1', { imbM: '123456', imbS: '000000100' }),
      row('B101', 'V2'),
      row('B102', 'V3', { issued: '2026-09-15' }),
      row('B103', 'V3', { issued: '2026-10-10' }),
      row('B104', 'V4', { status: 'CANCELLED' }),
      row('B105', 'V5', { voted: 'Y' }),
      'B106,V6,E2026,,,,ROSA,,,1980-02-03,,,,,,,,P-1,,2026-10-01,ISSUED,N',
      row('B107', 'V7', { status: 'LOST' }),
    ].join('\n') + '\n',
  );
});
afterAll(() => t.cleanup());

describe('intake CLI', () => {
  it('prints help and exits 0', () => {
    const r = intake(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('roll import FILE --format');
  });

  it('imports a station roll and prints the summary, with rejects beside the input', () => {
    const r = intake(['roll', 'import', roll, '--format', 'station'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = r.json<{ read: number; imported: number; rejected: number; rejectsFile: string }>();
    expect(s).toMatchObject({ read: 8, imported: 6, updated: 0, unchanged: 0, rejected: 2 });
    expect(s.rejectsFile).toBe(path.join(t.dir, 'roll.rejects.csv'));
    const rejects = fs.readFileSync(s.rejectsFile, 'utf8');
    expect(rejects).toMatch(/^row,reason,raw/);
    expect(rejects).toContain('8,'); // the row with an empty last name
    expect(rejects).toContain('9,'); // the row with status LOST
  });

  it('re-imports without duplicating: unchanged rows are counted as such', () => {
    const r = intake(['roll', 'import', roll, '--format', 'station'], { env: env() });
    expect(r.json()).toMatchObject({ read: 8, imported: 0, updated: 0, unchanged: 6, rejected: 2 });
    expect(intake(['roll', 'stats'], { env: env() }).json()).toMatchObject({ ballots: 6, voters: 5, imports: 2 });
  });

  it('scans from stdin and prints one durable verdict per line', () => {
    intake(['config', 'set', 'election', 'E2026'], { env: env() });
    const r = intake(['scan', '--station', 'MAILROOM-1', '--operator', 'alice'], { env: env(), input: 'B101\nB101\nB102\nB104\nB105\nNOPE\n\n\u0001\u0002\n' });
    expect(r.status).toBe(0);
    const lines = r.lines<{ seq: number; verdict: string; ballotId: string | null; batchId: string | null; duplicateOf: { operator: string } | null }>();
    expect(lines.map((l) => l.verdict)).toEqual(['ACCEPTED', 'DUPLICATE', 'SUPERSEDED', 'CANCELLED', 'ALREADY_VOTED', 'UNKNOWN', 'UNREADABLE']);
    expect(lines[0]?.batchId).toBeTruthy();
    expect(lines[1]?.duplicateOf?.operator).toBe('alice');
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('scans an IMb bar string produced by intake encode', () => {
    const bars = intake(['encode', 'imb', '00040123456000000100', '27701']);
    expect(bars.status).toBe(0);
    const r = intake(['scan', '--station', 'MAILROOM-1', '--operator', 'bob'], { env: env(), input: bars.stdout });
    expect(r.lines()[0]).toMatchObject({ verdict: 'ACCEPTED', ballotId: 'B100' });
  });

  it('decodes one text and a stream of lines as NDJSON', () => {
    const bars = intake(['encode', 'imb', '01234567094987654321', '01234567891']).stdout.trim();
    expect(intake(['decode', bars]).json()).toMatchObject({ ok: true, kind: 'imb', tracking: '01234567094987654321', routing: '01234567891', upsideDown: false });
    const many = intake(['decode'], { input: `${bars}\n]C0B-12345\nFFFF\n` });
    const out = many.lines<{ ok: boolean; kind?: string; symbology?: string }>();
    expect(out).toHaveLength(3);
    expect(out[1]).toMatchObject({ ok: true, kind: 'label', id: 'B-12345', symbology: 'code128' });
    expect(out[2]?.ok).toBe(false);
    expect(many.status).toBe(1);
  });

  it('finds a voter with the whole history', () => {
    const r = intake(['roll', 'find', '--voter-id', 'V3'], { env: env() });
    const { ballots } = r.json<{ ballots: { ballotId: string; history: { event: string; verdict?: string }[] }[] }>();
    expect(ballots.map((b) => b.ballotId)).toEqual(['B103', 'B102']);
    expect(ballots[1]?.history.some((h) => h.verdict === 'SUPERSEDED')).toBe(true);
    expect(intake(['roll', 'find', '--name', 'NOBODY'], { env: env() }).status).toBe(1);
  });

  it('closes a batch with a hand count, lists and shows it, exports receipts', () => {
    const close = intake(['batch', 'close', '--hand-count', '3', '--station', 'MAILROOM-1', '--operator', 'sue'], { env: env() });
    expect(close.status).toBe(0);
    expect(close.json()).toMatchObject({ status: 'CLOSED', scannedCount: 2, handCount: 3, difference: 1 });
    expect(intake(['batch', 'list', '--status', 'closed'], { env: env() }).json<unknown[]>()).toHaveLength(1);
    const show = intake(['batch', 'show', '1', '--station', 'MAILROOM-1'], { env: env() }).json<{ manifest: unknown[] }>();
    expect(show.manifest).toHaveLength(2);
    const csv = intake(['receipts', 'export', '--format', 'csv'], { env: env() });
    expect(csv.stdout.split('\n')[0]).toBe('seq,ballotId,voterId,lastName,firstName,precinct,verdict,scannedAt,station,operator,scanner,batchId,batchNumber');
    expect(csv.stdout).toContain('B101');
    const out = path.join(t.dir, 'receipts.json');
    intake(['receipts', 'export', '--format', 'json', '--out', out], { env: env() });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toHaveLength(2);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });

  it('undoes a scan with a reason, as a compensating record', () => {
    const r = intake(['scan', 'undo', '1', '--reason', 'test', '--operator', 'sue', '--station', 'MAILROOM-1'], { env: env() });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('closed batch');
  });

  it('verifies the audit chain, and exits 1 naming the broken link of a tampered database', async () => {
    expect(intake(['audit', 'verify'], { env: env() }).status).toBe(0);
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db);
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5").run();
    raw.close();
    const r = intake(['audit', 'verify'], { env: env() });
    expect(r.status).toBe(1);
    expect(r.json()).toMatchObject({ ok: false, brokenAt: 5 });
    expect(r.stderr).toContain('entry 5');
  });

  it('sets and gets configuration, refusing bad values with the reason', () => {
    expect(intake(['config', 'set', 'batchSize', '100'], { env: env() }).json()).toEqual({ batchSize: 100 });
    expect(intake(['config', 'get', 'batchSize'], { env: env() }).stdout.trim()).toBe('100');
    const bad = intake(['config', 'set', 'receiptDeadline', 'tomorrow'], { env: env() });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('receiptDeadline');
    expect(intake(['config', 'set', 'nonsense', '1'], { env: env() }).status).toBe(2);
  });

  it('says clearly when the database folder does not exist', () => {
    const r = intake(['roll', 'stats', '--db', path.join(t.dir, 'missing', 'x.db')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('does not exist');
  });
});
