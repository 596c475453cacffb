import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../main/store/store.js';
import { intake } from '../helpers/cli.js';
import { tempDir } from '../helpers/station.js';
import { signaturePng } from './fixtures.js';

/** The signature commands through the real binary: PINs, roles, the import's report, the queue and the agreement CSV. */
const SUE = '482916';
const CLARA = '735204';
let t: ReturnType<typeof tempDir>;
let db: string;
let refs: string;
const env = (more: NodeJS.ProcessEnv = {}) => ({ INTAKE_DB: db, INTAKE_PIN: '', INTAKE_OPERATOR: '', ...more });
const asSue = () => env({ INTAKE_OPERATOR: 'sue', INTAKE_PIN: SUE });
const asClara = () => env({ INTAKE_OPERATOR: 'clara', INTAKE_PIN: CLARA });

beforeAll(async () => {
  t = tempDir('intake-signatures-cli-');
  db = path.join(t.dir, 'station.db');
  const roll = path.join(t.dir, 'roll.csv');
  fs.writeFileSync(roll, 'ballot_id,voter_id,election_id,last_name,first_name,dob,precinct,issued_at,status\nBAL-0001,V1,E2026,GARCIA,ROSA,1980-02-03,P-1,2026-10-01,ISSUED\n');
  expect(intake(['roll', 'import', roll, '--format', 'station'], { env: env() }).status).toBe(0);
  expect(intake(['operator', 'add', 'sue', '--role', 'supervisor'], { env: env(), input: `${SUE}\n` }).status).toBe(0);
  expect(intake(['operator', 'add', 'clara', '--role', 'clerk'], { env: asSue(), input: `${CLARA}\n` }).status).toBe(0);
  refs = path.join(t.dir, 'refs');
  fs.mkdirSync(refs);
  fs.writeFileSync(path.join(refs, 'a.png'), await signaturePng(1));
  fs.writeFileSync(path.join(refs, 'b.png'), await signaturePng(2));
  fs.writeFileSync(path.join(refs, 'index.csv'), 'voter_id,captured_on,file\nV1,2019-04-01,a.png\nV1,2023-09-12,b.png\n"V\u001b[31mX",2020-01-01,a.png\n');
});
afterAll(() => t.cleanup());

describe('intake signatures', () => {
  it('refuses without a PIN, and a clerk may not import: nothing imported', () => {
    const noPin = intake(['signatures', 'import', refs], { env: env({ INTAKE_OPERATOR: 'sue' }) });
    expect(noPin.status).toBe(1);
    expect(noPin.stderr).toMatch(/INTAKE_PIN/);
    const noName = intake(['signatures', 'queue'], { env: env() });
    expect(noName.status).toBe(1);
    expect(noName.stderr).toMatch(/--operator NAME/);
    const clerk = intake(['signatures', 'import', refs], { env: asClara() });
    expect(clerk.status).toBe(1);
    expect(clerk.stderr).toMatch(/needs a supervisor/);
    const s = Store.open(db);
    try {
      expect(s.signatures.votersWithReferences()).toBe(0);
    } finally {
      s.close();
    }
  });

  it('imports with a report on stdout, an unknown voter escaped on its way out; queue counts; reviewer grants; agreement as an owner-only CSV', () => {
    const r = intake(['signatures', 'import', refs], { env: asSue() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.json()).toMatchObject({ layout: 'index-csv', read: 3, imported: 2, unknownVoters: [{ line: 4, file: 'a.png', voterId: 'V\u001b[31mX' }], refused: [] });
    const clerkQueue = intake(['signatures', 'queue'], { env: asClara() });
    expect(clerkQueue.json()).toMatchObject({ firstLevel: 0, votersWithSignatures: 1 });
    const grant = intake(['signatures', 'reviewer', 'clara', '--allow', '--party', 'una'], { env: asSue() });
    expect(grant.json()).toEqual({ name: 'clara', reviewer: true, party: 'UNA' });
    const usage = intake(['signatures', 'reviewer', 'clara'], { env: asSue() });
    expect(usage.status).toBe(2);
    const csv = path.join(t.dir, 'agreement.csv');
    const a = intake(['signatures', 'agreement', '--csv', csv], { env: asSue() });
    expect(a.status).toBe(0);
    expect(fs.readFileSync(csv, 'utf8').split('\n')[0]).toBe('scope,key,sampled,agreed,disagreed,pending,agreement_rate');
    expect(fs.statSync(csv).mode & 0o777).toBe(0o600);
    expect(intake(['signatures', 'agreement'], { env: asClara() }).stderr).toMatch(/needs a supervisor/);
  });
});
