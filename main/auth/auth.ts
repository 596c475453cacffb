import { hash, verify } from '@node-rs/argon2';
import type { Role } from '../../shared/domain.js';
import type { Store } from '../store/store.js';
import { toOperator, type Operator } from '../store/operators.js';

/** argon2id (algorithm 2) with OWASP's minimum parameters: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MAX_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-credentials' | 'locked' | 'forbidden' | 'invalid' | 'exists',
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

/**
 * Operators, PINs and roles, enforced in main for every state change. The first operator of
 * a station may be created by anyone and must be a supervisor; after that only a supervisor
 * creates operators.
 */
export class Auth {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

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

  /** Checks a PIN; counts failures and locks the operator out after MAX_FAILURES in a row. */
  async signIn(name: string, pin: string): Promise<Operator> {
    const row = this.store.operators.get(name);
    const now = this.clock();
    // The same message for an unknown name and a wrong PIN: no hint which one was wrong.
    const bad = new AuthError('unknown operator or wrong PIN', 'bad-credentials');
    if (!row || row.active === 0) {
      // Spend the same time as a real check so names cannot be probed by timing.
      await hash(pin || '0000', ARGON2ID);
      throw bad;
    }
    if (row.locked_until && Date.parse(row.locked_until) > now.getTime())
      throw new AuthError(`operator ${row.name} is locked until ${row.locked_until} after ${MAX_FAILURES} wrong PINs; a supervisor can reset the PIN`, 'locked');
    const good = await verify(row.pin_hash, pin).catch(() => false);
    const at = now.toISOString();
    if (!good) {
      const attempts = row.failed_attempts + 1;
      const lockedUntil = attempts >= MAX_FAILURES ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
      this.store.write(() => this.store.operators.recordFailureWithin(row.name, attempts >= MAX_FAILURES ? 0 : attempts, lockedUntil, at));
      if (lockedUntil) throw new AuthError(`wrong PIN ${MAX_FAILURES} times: operator ${row.name} is locked until ${lockedUntil}`, 'locked');
      throw bad;
    }
    this.store.write(() => this.store.operators.recordSuccessWithin(row.name, at));
    return toOperator({ ...row, failed_attempts: 0, locked_until: null });
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
