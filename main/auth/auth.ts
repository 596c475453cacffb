import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../shared/domain.js';
import { oplog } from '../oplog/index.js';
import type { Store } from '../store/store.js';
import { toOperator, type Operator } from '../store/operators.js';

/** argon2id (algorithm 2) with OWASP's minimum parameters: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MAX_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
/** Every refused sign-in takes at least this long, so its timing says nothing about why. */
export const MIN_REFUSAL_MS = 250;

/**
 * The one answer to every refused sign-in: an unknown name, a wrong PIN and a locked operator
 * read the same, so the answer tells an attacker nothing (not even which names exist).
 */
export const SIGN_IN_REFUSED = `unknown operator or wrong PIN (after ${MAX_FAILURES} wrong PINs in a row an operator is locked for ${LOCKOUT_MINUTES} minutes: wait, or ask a supervisor to unlock)`;

export interface AuthOptions {
  /** Hook for the operational log (main/oplog): called once each time an operator is locked out. */
  onLockout?: (event: { operator: string; until: string; attempts: number }) => void;
  maxFailures?: number;
  lockoutMinutes?: number;
  minRefusalMs?: number;
}

export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-credentials' | 'forbidden' | 'invalid' | 'exists',
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export function validatePin(pin: string): void {
  if (!/^\d{4,12}$/.test(pin)) throw new AuthError('a PIN is 4 to 12 digits', 'invalid');
}

export function validateName(name: string): string {
  const n = name.trim();
  if (!/^[\p{L}\p{N} .'_-]{1,40}$/u.test(n)) throw new AuthError(`operator name "${name}" must be 1–40 letters, digits, spaces or . ' _ -`, 'invalid');
  return n;
}

const ROLE_RANK: Record<Role, number> = { clerk: 1, supervisor: 2 };

export function roleAllows(has: Role, needs: Role): boolean {
  return ROLE_RANK[has] >= ROLE_RANK[needs];
}

/** Sign-ins of one operator run one at a time in this process (the database count guards across processes). */
const signInQueues = new Map<string, Promise<void>>();

function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (signInQueues.get(key) ?? Promise.resolve()).then(fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  signInQueues.set(key, tail);
  void tail.then(() => {
    if (signInQueues.get(key) === tail) signInQueues.delete(key);
  });
  return run;
}

/** A hash no PIN matches, verified for unknown names and locked operators to spend the same time. */
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2ID);
  return dummyHash;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Operators, PINs and roles, enforced in main for every state change. The first operator of
 * a station may be created by anyone and must be a supervisor; after that only a supervisor
 * creates operators.
 */
export class Auth {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: AuthOptions = {},
  ) {
    void dummy(); // hashed once, ahead of the first unknown name
  }

  needsFirstSupervisor(): boolean {
    return this.store.operators.count() === 0;
  }

  async createOperator(name: string, role: Role, pin: string, actor: Operator | null): Promise<Operator> {
    const n = validateName(name);
    validatePin(pin);
    const first = this.needsFirstSupervisor();
    if (first && role !== 'supervisor') throw new AuthError('the first operator of a station must be a supervisor', 'invalid');
    if (!first && (!actor || actor.role !== 'supervisor')) throw new AuthError('only a supervisor can add operators', 'forbidden');
    if (this.store.operators.get(n)) throw new AuthError(`operator ${n} already exists`, 'exists');
    const pinHash = await hash(pin, ARGON2ID);
    const at = this.clock().toISOString();
    this.store.write(() => this.store.operators.createWithin(n, role, pinHash, actor?.name ?? n, at));
    const row = this.store.operators.get(n);
    if (!row) throw new Error(`operator ${n} vanished`);
    return toOperator(row);
  }

  /**
   * Checks a PIN. The attempt is counted before the hash is checked (one transaction), sign-ins
   * of one operator run one at a time, and every refusal reads the same and takes at least
   * MIN_REFUSAL_MS, whether the name is unknown, the PIN wrong or the operator locked.
   */
  async signIn(name: string, pin: string): Promise<Operator> {
    const arrived = Date.now();
    try {
      return await oneAtATime(`${this.store.path}\u0000${name.trim().toLowerCase()}`, () => this.check(name, pin));
    } catch (e) {
      if (e instanceof AuthError) await sleep(arrived + (this.options.minRefusalMs ?? MIN_REFUSAL_MS) - Date.now());
      throw e;
    }
  }

  private async check(name: string, pin: string): Promise<Operator> {
    const now = this.clock();
    const max = this.options.maxFailures ?? MAX_FAILURES;
    const lockMs = (this.options.lockoutMinutes ?? LOCKOUT_MINUTES) * 60_000;
    const attempt = this.store.write(() => this.store.operators.countAttemptWithin(name, now, max, lockMs));
    const refused = new AuthError(SIGN_IN_REFUSED, 'bad-credentials');
    if (!attempt || attempt.locked) {
      await verify(await dummy(), pin).catch(() => false);
      throw refused;
    }
    const { row } = attempt;
    const good = await verify(row.pin_hash, pin).catch(() => false);
    const at = this.clock().toISOString();
    if (good) {
      this.store.write(() => this.store.operators.recordSuccessWithin(row.name, at));
      return toOperator({ ...row, failed_attempts: 0, locked_until: null });
    }
    this.store.write(() => this.store.operators.recordFailureWithin(row.name, attempt.attempts, row.locked_until, at));
    if (row.locked_until) this.reportLockout(row.name, row.locked_until, attempt.attempts);
    throw refused;
  }

  private reportLockout(operator: string, until: string, attempts: number): void {
    try {
      // The station log by default: a lockout must leave a trace after the screen that showed it.
      const report = this.options.onLockout ?? ((e) => oplog.event(this.store, 'auth.lockout', 'failure', `operator ${e.operator} locked out until ${e.until} after ${e.attempts} wrong PINs`));
      report({ operator, until, attempts });
    } catch {
      // the operational log must never change the answer to a sign-in
    }
  }

  /** A supervisor lifts an operator's lockout (the PIN stays). */
  unlock(name: string, actor: Operator): void {
    if (actor.role !== 'supervisor') throw new AuthError('only a supervisor can unlock an operator', 'forbidden');
    const row = this.store.operators.get(name);
    if (!row) throw new AuthError(`no operator ${name}`, 'invalid');
    this.store.write(() => this.store.operators.unlockWithin(row.name, actor.name, this.clock().toISOString()));
  }

  async resetPin(name: string, pin: string, actor: Operator): Promise<void> {
    if (actor.role !== 'supervisor' && actor.name.toLowerCase() !== name.trim().toLowerCase())
      throw new AuthError('only a supervisor can reset another operator\'s PIN', 'forbidden');
    validatePin(pin);
    const row = this.store.operators.get(name);
    if (!row) throw new AuthError(`no operator ${name}`, 'invalid');
    const pinHash = await hash(pin, ARGON2ID);
    this.store.write(() => this.store.operators.setPinWithin(row.name, pinHash, actor.name, this.clock().toISOString()));
  }
}
