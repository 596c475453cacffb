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

  /** Failed attempts are state an auditor wants to see, so they are audited too. */
  recordFailureWithin(name: string, attempts: number, lockedUntil: string | null, at: string): void {
    this.db.prepare('UPDATE operators SET failed_attempts = ?, locked_until = ? WHERE name = ?').run(attempts, lockedUntil, name);
    this.audit.append({ actor: name, action: 'operator.sign-in-failed', entity: 'operator', entityId: name, before: null, after: { attempts, lockedUntil } }, at);
  }

  recordSuccessWithin(name: string, at: string): void {
    this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE name = ?').run(name);
    this.audit.append({ actor: name, action: 'operator.sign-in', entity: 'operator', entityId: name, before: null, after: null }, at);
  }
}
