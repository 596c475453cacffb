import os from 'node:os';
import type { EventName, EventPayload } from '../../shared/api/events.js';
import { roleOf, type ActionName } from '../../shared/api/roles.js';
import type { Role } from '../../shared/domain.js';
import { ServiceError } from '../../shared/errors.js';
import { roleAllows, type Auth } from '../auth/auth.js';
import type { Intake } from '../intake/intake.js';
import type { Store } from '../store/store.js';

/**
 * Who performs an action, and how they proved it: a signed-in app session, an operator's PIN
 * at the command line, or the command line of a station with no operators yet (set-up).
 */
export interface Actor {
  readonly name: string;
  readonly role: Role;
  readonly via: 'session' | 'cli-pin' | 'cli-setup';
}

/** What every action runs against: the running station (app) or the CLI's one-shot station. */
export interface ActionContext {
  readonly store: Store;
  readonly clock: () => Date;
  readonly auth: Auth;
  readonly stationName: string;
  intake(): Intake;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** The station's name: configured, else the host name (a fresh station still works). One rule for app and CLI. */
export function stationNameOf(store: Store): string {
  return store.config.get('station') ?? os.hostname();
}

/**
 * The one role check: the action's role comes from the same table as the API contract's, so
 * the app and the CLI cannot disagree about who may do what.
 */
export function authorize(actor: Actor | null, action: ActionName): Actor {
  const needs = roleOf(action);
  if (needs === 'public') {
    if (actor) return actor;
    throw new ServiceError('unauthenticated', 'Sign in first.');
  }
  if (!actor) throw new ServiceError('unauthenticated', 'Sign in first.');
  if (!roleAllows(actor.role, needs)) throw new ServiceError('forbidden', `This needs a ${needs}; ${actor.name} is a ${actor.role}.`);
  return actor;
}

/** Today's date stamp for file names. */
export function dateStamp(ctx: Pick<ActionContext, 'clock'>): string {
  return ctx.clock().toISOString().slice(0, 10);
}
