import type { Role } from '../../shared/domain.js';
import type { AuditLog } from './audit.js';
import type { Db } from './db.js';

export interface OperatorRow {
  name: string;
  role: Role;
  pin_hash: string;
  active: 0 | 1;
  created_at: string;
  created_by: string;
  failed_attempts: number;
  locked_until: string | null;
}

export interface Operator {
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
  createdBy: string;
  lockedUntil: string | null;
}

export function toOperator(r: OperatorRow): Operator {
  return { name: r.name, role: r.role, active: r.active === 1, createdAt: r.created_at, createdBy: r.created_by, lockedUntil: r.locked_until };
}

/** Operator rows; hashing and the lockout policy live in main/auth. */
export class OperatorStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM operators WHERE active = 1').get() as { n: number }).n;
  }

  get(name: string): OperatorRow | undefined {
    return this.db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE name = ?').get(name.trim());
  }

  list(): Operator[] {
    return this.db.prepare<[], OperatorRow>('SELECT * FROM operators ORDER BY name').all().map(toOperator);
  }

  createWithin(name: string, role: Role, pinHash: string, actor: string, at: string): void {
    this.db
      .prepare('INSERT INTO operators (name, role, pin_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(name.trim(), role, pinHash, at, actor);
    this.audit.append({ actor, action: 'operator.create', entity: 'operator', entityId: name.trim(), before: null, after: { role } }, at);
  }

  setPinWithin(name: string, pinHash: string, actor: string, at: string): void {
    this.db.prepare('UPDATE operators SET pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?').run(pinHash, name);
    this.audit.append({ actor, action: 'operator.pin', entity: 'operator', entityId: name, before: null, after: { pinChanged: true } }, at);
  }

  setActiveWithin(name: string, active: boolean, actor: string, at: string): void {
    this.db.prepare('UPDATE operators SET active = ? WHERE name = ?').run(active ? 1 : 0, name);
    this.audit.append({ actor, action: active ? 'operator.enable' : 'operator.disable', entity: 'operator', entityId: name, before: null, after: { active } }, at);
  }

  /**
   * Counts a sign-in attempt BEFORE its PIN is checked (inside the caller's write transaction),
   * so attempts sent at once, or from two processes, are each counted. The attempt that reaches
   * `maxFailures` locks the operator at once; a right PIN then lifts the lock (recordSuccessWithin).
   * An expired lock starts the count again. Returns undefined for an unknown or disabled name.
   */
  countAttemptWithin(name: string, now: Date, maxFailures: number, lockMs: number): { row: OperatorRow; locked: boolean; attempts: number } | undefined {
    const row = this.get(name);
    if (!row || row.active === 0) return undefined;
    if (row.locked_until && Date.parse(row.locked_until) > now.getTime()) return { row, locked: true, attempts: row.failed_attempts };
    const attempts = (row.locked_until ? 0 : row.failed_attempts) + 1;
    const lockedUntil = attempts >= maxFailures ? new Date(now.getTime() + lockMs).toISOString() : null;
    this.db.prepare('UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE name = ?').run(attempts, lockedUntil, row.name);
    return { row: { ...row, failed_attempts: attempts, locked_until: lockedUntil }, locked: false, attempts };
  }

  /** A wrong PIN (already counted): failed attempts are state an auditor wants to see. */
  recordFailureWithin(name: string, attempts: number, lockedUntil: string | null, at: string): void {
    this.audit.append({ actor: name, action: 'operator.sign-in-failed', entity: 'operator', entityId: name, before: null, after: { attempts, lockedUntil } }, at);
  }

  recordSuccessWithin(name: string, at: string): void {
    this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE name = ?').run(name);
    this.audit.append({ actor: name, action: 'operator.sign-in', entity: 'operator', entityId: name, before: null, after: null }, at);
  }

  /** A supervisor lifts a lockout without changing the PIN. */
  unlockWithin(name: string, actor: string, at: string): void {
    this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE name = ?').run(name);
    this.audit.append({ actor, action: 'operator.unlock', entity: 'operator', entityId: name, before: null, after: { failedAttempts: 0 } }, at);
  }
}
