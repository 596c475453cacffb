import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Auth, AuthError, MAX_FAILURES, SIGN_IN_REFUSED } from '../../main/auth/auth.js';
import type { Operator } from '../../main/store/operators.js';
import { ROOT } from '../helpers/cli.js';
import { tempStore } from '../helpers/station.js';

const CHILD = path.join(ROOT, 'test', 'trust', 'sign-in-child.ts');

let t: ReturnType<typeof tempStore>;
let auth: Auth;
let sue: Operator;

beforeEach(async () => {
  t = tempStore();
  auth = new Auth(t.store);
  sue = await auth.createOperator('Sue', 'supervisor', '4321', null);
  await auth.createOperator('Clara', 'clerk', '2468', sue);
});
afterEach(() => t.cleanup());

const failures = (name: string) =>
  t.store.db.prepare<[string], { failed_attempts: number; locked_until: string | null }>('SELECT failed_attempts, locked_until FROM operators WHERE name = ?').get(name);

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AuthError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('the sign-in was accepted');
}

async function timed(p: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await p().catch(() => undefined);
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('sign-in lockout', () => {
  it('40 wrong PINs sent at once are all counted: the right PIN after them is refused', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => refusal(auth.signIn('Clara', '0000'))));
    expect(new Set(answers)).toEqual(new Set([`bad-credentials: ${SIGN_IN_REFUSED}`]));
    expect(failures('Clara')?.locked_until).not.toBeNull();
    expect(await refusal(auth.signIn('Clara', '2468'))).toBe(`bad-credentials: ${SIGN_IN_REFUSED}`);
    // Only the attempts that reached the PIN check are audited; the locked ones are refused unheard.
    const audited = t.store.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'operator.sign-in-failed' AND entity_id = 'Clara'").get() as { n: number };
    expect(audited.n).toBe(MAX_FAILURES);
  }, 60_000);

  it('an unknown name, a wrong PIN and a locked operator get the same words, never naming the operator', async () => {
    for (let i = 0; i < MAX_FAILURES; i += 1) await auth.signIn('Clara', '0000').catch(() => undefined);
    const unknown = await refusal(auth.signIn('Mallory', '2468'));
    const wrong = await refusal(auth.signIn('Sue', '0000'));
    const locked = await refusal(auth.signIn('Clara', '2468'));
    expect(unknown).toBe(wrong);
    expect(locked).toBe(wrong);
    expect(locked).not.toContain('Clara');
  }, 60_000);

  it('answers an unknown name, a wrong PIN and a locked operator in the same time (medians within 1.6×)', async () => {
    for (let i = 0; i < MAX_FAILURES; i += 1) await auth.signIn('Clara', '0000').catch(() => undefined);
    await auth.signIn('Nobody', '1111').catch(() => undefined); // warm-up
    const unknown: number[] = [];
    const wrong: number[] = [];
    const locked: number[] = [];
    // Interleaved, so a busy moment of the machine falls on every kind alike; Sue stays below the lockout.
    for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
      unknown.push(await timed(() => auth.signIn(`Nobody${i}`, '1111')));
      wrong.push(await timed(() => auth.signIn('Sue', '1111')));
      locked.push(await timed(() => auth.signIn('Clara', '1111')));
    }
    const medians = [median(unknown), median(wrong), median(locked)];
    expect(Math.max(...medians) / Math.min(...medians), `medians unknown/wrong/locked ${medians.map((m) => m.toFixed(0)).join('/')} ms`).toBeLessThan(1.6);
  }, 60_000);

  it('two processes racing wrong PINs on the same database count every attempt', async () => {
    t.store.close();
    const run = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, t.dbPath, 'Clara', '0000', '15'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
      const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
      return { child, ready, done };
    };
    const a = run();
    const b = run();
    await Promise.all([a.ready, b.ready]);
    a.child.stdin.end('go\n');
    b.child.stdin.end('go\n');
    const outs = await Promise.all([a.done, b.done]);
    expect(outs.map((o) => o.trim().split('\n').at(-1))).toEqual(['15', '15']);
    t.store = t.reopen();
    expect(failures('Clara')?.failed_attempts).toBe(30);
  }, 60_000);

  it('a supervisor unlocks an operator, or resets the PIN, and the count starts again', async () => {
    const locked: { operator: string; until: string; attempts: number }[] = [];
    const hooked = new Auth(t.store, undefined, { onLockout: (e) => locked.push(e) });
    for (let i = 0; i < MAX_FAILURES; i += 1) await hooked.signIn('Clara', '0000').catch(() => undefined);
    expect(locked).toEqual([{ operator: 'Clara', until: failures('Clara')?.locked_until, attempts: MAX_FAILURES }]);
    const clara = { ...sue, name: 'Clara', role: 'clerk' as const };
    expect(() => hooked.unlock('Clara', clara)).toThrow(/only a supervisor/);
    hooked.unlock('Clara', sue);
    expect(failures('Clara')).toEqual({ failed_attempts: 0, locked_until: null });
    expect((await hooked.signIn('Clara', '2468')).name).toBe('Clara');

    for (let i = 0; i < MAX_FAILURES; i += 1) await hooked.signIn('Clara', '0000').catch(() => undefined);
    await hooked.resetPin('Clara', '1357', sue);
    expect(failures('Clara')).toEqual({ failed_attempts: 0, locked_until: null });
    expect((await hooked.signIn('Clara', '1357')).name).toBe('Clara');
  }, 60_000);

  it('a lock that has run out starts a fresh count, and a right PIN clears the count', async () => {
    let now = new Date('2026-11-03T12:00:00Z');
    const clocked = new Auth(t.store, () => now);
    for (let i = 0; i < MAX_FAILURES; i += 1) await clocked.signIn('Clara', '0000').catch(() => undefined);
    await expect(clocked.signIn('Clara', '2468')).rejects.toThrow(AuthError);
    now = new Date('2026-11-03T12:16:00Z');
    await clocked.signIn('Clara', '0000').catch(() => undefined);
    expect(failures('Clara')).toEqual({ failed_attempts: 1, locked_until: null });
    expect((await clocked.signIn('Clara', '2468')).name).toBe('Clara');
    expect(failures('Clara')).toEqual({ failed_attempts: 0, locked_until: null });
  }, 60_000);
});
