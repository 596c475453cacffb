import { z } from 'zod';
import { contract, isMethodName, type Contract, type MethodName } from '../../shared/api/contract.js';
import { ApiCallError, type ApiError, type ApiResponse } from '../../shared/api/define.js';
import { EVENTS_WHEN_LOCKED, type ApiEvent } from '../../shared/api/events.js';
import type { ServiceErrorCode } from '../../shared/errors.js';
import { plainIssues } from '../actions/messages.js';
import { asServiceError, stationFaultOf } from '../actions/faults.js';
import type { Role } from '../../shared/domain.js';
import { authorize } from '../actions/context.js';
import { sessionActor } from './handlers/actor.js';
import type { Operator } from '../store/operators.js';
import type { Station } from './station.js';

type Send = (e: ApiEvent) => void;

/**
 * One connected window (an IPC sender or a socket): who is signed in, who it is locked for, and
 * when they last acted. Its transport gives it `send`; every pushed event passes through
 * deliver(), so both transports gate events the same way (docs/security.md).
 */
export class Session {
  /** Signed in and unlocked: the one whose calls these are. */
  operator: Operator | null = null;
  /** Who was signed in when the screen locked: only their PIN unlocks it. */
  lockedOperator: Operator | null = null;
  lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly send: Send = () => undefined,
  ) {}

  /** Voter data only to a signed-in, unlocked window; the rest get only events that carry none. */
  deliver(e: ApiEvent): void {
    if (this.operator || EVENTS_WHEN_LOCKED.has(e.event)) this.send(e);
  }

  /** Locks at once: from this instant no verdict reaches the window. */
  lock(reason: 'idle' | 'requested'): void {
    this.clearIdleTimer();
    if (!this.operator) return;
    this.lockedOperator = this.operator;
    this.operator = null;
    this.send({ event: 'sessionLocked', payload: { operator: this.lockedOperator.name, reason } });
  }

  signedIn(operator: Operator): Operator {
    this.operator = operator;
    this.lockedOperator = null;
    this.lastActivity = Date.now();
    return operator;
  }

  signOut(): void {
    this.clearIdleTimer();
    this.operator = null;
    this.lockedOperator = null;
  }

  /** Re-arms the idle lock: it fires at the moment the idle time passes, not at the next call. */
  armIdleTimer(ms: number): void {
    this.clearIdleTimer();
    if (!this.operator || this.closed) return; // a call that finishes after its window closed arms nothing
    this.idleTimer = setTimeout(() => this.lock('idle'), ms);
    this.idleTimer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The window closed: no timer left behind. */
  close(): void {
    this.closed = true;
    this.clearIdleTimer();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

export interface RouterOptions {
  /** The idle time before a session locks; by default the station's idleLockMinutes (tests pass a short one). */
  idleLockMs?: () => number;
}

export type Handler<M extends MethodName> = (
  station: Station,
  session: Session,
  input: z.output<Contract[M]['input']>,
) => z.input<Contract[M]['output']> | Promise<z.input<Contract[M]['output']>>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** A handler group: exactly one handler for every method of a group of the contract (none missing). */
export type HandlersFor<G> = { [M in keyof G & MethodName]: Handler<M> };


/**
 * The one router both transports use. It is the trust boundary: every input is parsed with
 * its schema, every call's role is checked here (not only in the UI), and every failure comes
 * back as a typed error, never as a stack trace.
 */
export class Router {
  private readonly idleLockMs: () => number;

  constructor(
    readonly station: Station,
    private readonly handlers: Handlers,
    options: RouterOptions = {},
  ) {
    this.idleLockMs = options.idleLockMs ?? (() => (station.store.config.get('idleLockMinutes') ?? 10) * 60_000);
  }

  async handle(session: Session, method: unknown, rawInput: unknown): Promise<ApiResponse<unknown>> {
    try {
      if (!isMethodName(method)) throw new ApiCallError('not-found', `no API method ${typeof method === 'string' ? method.slice(0, 60) : typeof method}`);
      const spec = contract[method];
      this.checkIdle(session);
      this.checkRole(session, spec.role, method);
      const parsed = spec.input.safeParse(rawInput ?? {});
      // Plain sentences for people; the structured issues for programs.
      if (!parsed.success)
        throw new ApiCallError('invalid-input', plainIssues(parsed.error.issues), parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      if (spec.writes && this.station.fault) throw new ApiCallError('station-fault', `the station is stopped: ${this.station.fault}`);
      if (!session.isClosed) this.station.sessions.add(session);
      // One lookup over a union of methods: TypeScript cannot pair each handler with its own input here.
      const handler = this.handlers[method] as (station: Station, session: Session, input: unknown) => unknown;
      const value = await handler(this.station, session, parsed.data);
      return { ok: true, value: spec.output.parse(value) };
    } catch (e) {
      return { ok: false, error: this.toError(e) };
    } finally {
      // Any call from a signed-in window is activity: the idle lock starts over.
      if (session.operator) {
        session.lastActivity = Date.now();
        session.armIdleTimer(this.idleLockMs());
      }
    }
  }

  /** The window is gone: its timer stops and it no longer counts as who scans. */
  closeSession(session: Session): void {
    session.close();
    this.station.sessions.delete(session);
  }

  /** A backstop for a timer that could not fire (a suspended machine): lock before serving the call. */
  private checkIdle(session: Session): void {
    if (!session.operator) return;
    const ms = this.idleLockMs();
    if (Date.now() - session.lastActivity > ms) {
      session.lock('idle');
      throw new ApiCallError('unauthenticated', `the screen locked after ${Math.round(ms / 60_000)} idle minutes: enter your PIN to unlock`);
    }
  }

  /** Before the input is even read: the same check, from the same table, as every action makes. */
  private checkRole(session: Session, needs: Role | 'public', method: MethodName): void {
    if (needs !== 'public') authorize(sessionActor(session), method);
  }

  private toError(e: unknown): ApiError {
    if (e instanceof ApiCallError) return { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) };
    const service = asServiceError(e);
    if (service) return { code: API_CODE[service.code], message: service.message, ...(service.issues ? { issues: service.issues } : {}) };
    const err = e as Error;
    const fault = stationFaultOf(err);
    if (fault !== null) {
      this.station.setFault(fault);
      return { code: 'station-fault', message: fault };
    }
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return { code: 'failed', message: 'The database is busy with another program (an import or a second station): try again.' };
    if (err instanceof z.ZodError) return { code: 'internal', message: `The station produced an invalid answer: ${err.issues[0]?.message ?? ''}` };
    return { code: 'internal', message: `Unexpected error: ${err.message}` };
  }
}

/** Service error codes as the wire names them. */
const API_CODE: Record<ServiceErrorCode, ApiError['code']> = {
  invalid: 'invalid-input',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  conflict: 'conflict',
  failed: 'failed',
};
