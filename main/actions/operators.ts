import { ServiceError } from '../../shared/errors.js';
import type { Role } from '../../shared/domain.js';
import { AuthError } from '../auth/auth.js';
import type { Operator } from '../store/operators.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** auth.ts speaks its own codes; the doors speak the service codes. */
export function fromAuthError(e: AuthError): ServiceError {
  const code = e.code === 'forbidden' ? 'forbidden' : e.code === 'exists' ? 'conflict' : e.code === 'invalid' ? 'invalid' : 'unauthenticated';
  return new ServiceError(code, e.message);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof AuthError ? fromAuthError(e) : e;
  }
}

/** The operator record the auth layer checks a supervisor against. */
const asOperator = (a: Actor): Operator => ({ name: a.name, role: a.role, active: true, createdAt: '', createdBy: '', lockedUntil: null });

export function listOperators(ctx: ActionContext, actor: Actor | null): Operator[] {
  authorize(actor, 'operators.list');
  return ctx.store.operators.list();
}

export function addOperator(ctx: ActionContext, actor: Actor | null, input: { name: string; role: Role; pin: string }): Promise<Operator> {
  const who = authorize(actor, 'operators.create');
  // A station with no operators yet: its first operator is created by whoever sets it up.
  return guarded(() => ctx.auth.createOperator(input.name, input.role, input.pin, ctx.auth.needsFirstSupervisor() ? null : asOperator(who)));
}

export async function resetPin(ctx: ActionContext, actor: Actor | null, input: { name: string; pin: string }): Promise<Record<string, never>> {
  const who = authorize(actor, 'operators.resetPin');
  await guarded(() => ctx.auth.resetPin(input.name, input.pin, asOperator(who)));
  return {};
}

/**
 * An operator who leaves can no longer sign in; their name stays on everything they did. The
 * last active supervisor cannot be disabled: with no one to sign in, the station would be
 * open to anyone as a fresh one.
 */
export function disableOperator(ctx: ActionContext, actor: Actor | null, input: { name: string }): Operator {
  const who = authorize(actor, 'operators.disable');
  const { operators } = ctx.store;
  return ctx.store.write(() => {
    const row = operators.get(input.name);
    if (!row) throw new ServiceError('not-found', `There is no operator ${input.name}.`);
    if (row.active === 0) throw new ServiceError('conflict', `${row.name} is already disabled.`);
    if (row.role === 'supervisor' && operators.list().filter((o) => o.active && o.role === 'supervisor').length <= 1)
      throw new ServiceError('conflict', `${row.name} is the last supervisor: add another supervisor first.`);
    operators.setActiveWithin(row.name, false, who.name, ctx.clock().toISOString());
    return operators.list().find((o) => o.name === row.name) ?? fail(row.name);
  });
}

function fail(name: string): never {
  throw new ServiceError('failed', `Operator ${name} vanished.`);
}
