import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { apiFor } from '../helpers/api.js';
import { intake, intakeAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';

/** What may drive a terminal: C0/C1 controls and bidi overrides/isolates/marks. */
// eslint-disable-next-line no-control-regex
const DRIVES_A_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil\u2066x\u200f';
const PASSWORD = 'hunter2-secret';

let t: ReturnType<typeof tempDir>;
let db: string;
const env = () => ({ INTAKE_DB: db, INTAKE_PIN: '', INTAKE_SMTP_PASS: '', INTAKE_SYNC_TOKEN: 'tok' });

beforeAll(() => {
  t = tempDir('intake-cli-terminal-');
  db = path.join(t.dir, 'station.db');
  const roll = path.join(t.dir, 'roll.csv');
  // A voter's name carrying a bidi override and a C1 control, as a hostile roll file could.
  fs.writeFileSync(roll, `ballot_id,voter_id,election_id,last_name,first_name,dob,precinct,issued_at,status\nBAL-0001,V1,E2026,GAR\u202eAIC\u0085,ROSA,1980-02-03,P-1,2026-10-01,ISSUED\n`);
  expect(intake(['roll', 'import', roll, '--format', 'station'], { env: env() }).status).toBe(0);
});
afterAll(() => t.cleanup());

describe('what the CLI prints cannot drive the terminal', () => {
  it('escapes C1 controls and bidi characters in NDJSON on stdout, and JSON reads them back unchanged', () => {
    const raw = `\u009b2J\u202eABCD-1234\u2066`;
    const r = intake(['scan', '--operator', 'ann'], { env: env(), input: `${raw}\nBAL-0001\n` });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(DRIVES_A_TERMINAL);
    const [hostile, rosa] = r.lines<{ raw: string; voterName: string }>();
    expect(hostile?.raw).toBe(raw);
    expect(rosa?.voterName).toContain('GAR\u202eAIC\u0085');
    const find = intake(['roll', 'find', '--voter-id', 'V1'], { env: env() });
    expect(find.stdout).not.toMatch(DRIVES_A_TERMINAL);
    expect(find.json<{ ballots: { lastName: string }[] }>().ballots[0]?.lastName).toBe('GAR\u202eAIC\u0085');
  });

  it("escapes a state server's error text on stderr (no retitled or cleared terminal)", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: HOSTILE }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await intakeAsync(['sync', '--url', `http://127.0.0.1:${port}`, '--wait', '0'], { env: env() });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('evil');
      expect(r.stderr).toContain('\\u{001b}');
      expect(r.stderr).not.toMatch(DRIVES_A_TERMINAL);
    } finally {
      server.close();
    }
  });

  it('escapes a hostile command name and option text in its messages', () => {
    const r = intake([`x${HOSTILE}`], { env: env() });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(DRIVES_A_TERMINAL);
    const cfg = intake(['config', 'set', 'station', `\u001b[2J${'A'.repeat(70)}`], { env: env() });
    expect(cfg.status).toBe(1);
    expect(cfg.stderr).not.toMatch(DRIVES_A_TERMINAL);
  });
});

describe('the SMTP password stays a secret', () => {
  const smtp = { host: 'smtp.example.org', port: 587, secure: false, from: 'Elections <e@example.org>', user: 'elections', pass: PASSWORD };

  it('is stored, but never printed by config get/list, never in the audit log or its export', () => {
    const set = intake(['config', 'set', 'smtp', JSON.stringify(smtp)], { env: env() });
    expect(set.status).toBe(0);
    expect(set.stdout).not.toContain(PASSWORD);
    expect(set.json()).toMatchObject({ smtp: { host: 'smtp.example.org', passStored: true } });
    for (const args of [['config', 'get', 'smtp'], ['config', 'get'], ['config', 'list'], ['audit', 'export']]) {
      const r = intake(args, { env: env() });
      expect(r.status).toBe(0);
      expect(r.stdout).not.toContain(PASSWORD);
    }
    const s = Store.open(db);
    try {
      expect(s.config.get('smtp')?.pass).toBe(PASSWORD); // the mailer still has it
      const entry = [...s.audit.entries()].filter((e) => e.entity_id === 'smtp').at(-1);
      expect(JSON.parse(entry?.after ?? '{}')).toMatchObject({ value: { passStored: true, passChanged: true } });
      expect(JSON.stringify([...s.audit.entries()])).not.toContain(PASSWORD);
      expect(s.verifyAudit().ok).toBe(true);
    } finally {
      s.close();
    }
  });

  it('keeps the stored password when a screen saves the mail server without it (it never saw it)', async () => {
    const { pass: _p, ...shown } = smtp;
    const s = Store.open(db);
    try {
      const api = apiFor(s);
      const got = await api.call(api.as('sue', 'supervisor'), 'settings.get', {});
      expect(JSON.stringify(got)).not.toContain(PASSWORD);
      expect(got).toMatchObject({ ok: true, value: { smtp: { passStored: true } } });
      const saved = await api.call(api.as('sue', 'supervisor'), 'settings.set', { key: 'smtp', value: { ...shown, port: 2525 } });
      expect(JSON.stringify(saved)).not.toContain(PASSWORD);
      expect(s.config.get('smtp')).toMatchObject({ port: 2525, pass: PASSWORD });
      const entry = [...s.audit.entries()].filter((e) => e.entity_id === 'smtp').at(-1);
      expect(JSON.parse(entry?.after ?? '{}')).toMatchObject({ value: { passChanged: false } });
    } finally {
      s.close();
    }
  });
});

describe('an SMTP password recorded by an older version', () => {
  it('is named by audit export, which says to change it (the chain covers the entry, so it cannot be blanked)', () => {
    const s = Store.open(db);
    let seq = 0;
    try {
      const at = new Date().toISOString();
      seq = s.write(() => s.audit.append({ actor: 'old', action: 'config.set', entity: 'config', entityId: 'smtp', before: null, after: { value: { host: 'h', pass: 'legacy-pw' } } }, at)).seq;
    } finally {
      s.close();
    }
    const r = intake(['audit', 'export', '--out', path.join(t.dir, 'audit.ndjson')], { env: env() });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`audit entries ${seq} hold an SMTP password`);
    expect(r.stderr).not.toContain('legacy-pw');
  });
});

describe('receipts export --out', () => {
  it("tightens an existing file to owner-only before writing voters' data into it", () => {
    const out = path.join(t.dir, 'old-receipts.csv');
    fs.writeFileSync(out, 'old contents\n', { mode: 0o644 });
    fs.chmodSync(out, 0o644);
    const r = intake(['receipts', 'export', '--format', 'csv', '--out', out], { env: env() });
    expect(r.status).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^seq,ballotId,/);
  });
});
