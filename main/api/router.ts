import { z } from 'zod';
import { contract, isMethodName, type Contract, type MethodName } from '../../shared/api/contract.js';
import { ApiCallError, type ApiResponse } from '../../shared/api/define.js';
import type { Role } from '../../shared/domain.js';
import { AuthError, roleAllows } from '../auth/auth.js';
import { IntakeError } from '../intake/intake.js';
import { StoreOpenError } from '../store/db.js';
import { faultMessage, isFault } from '../store/faults.js';
import type { Operator } from '../store/operators.js';
import type { Station } from './station.js';

/** One connected window (an IPC sender or a socket): who is signed in, and when they last acted. */
export class Session {
  operator: Operator | null = null;
  /** Who was signed in when the session locked (LOCK-DESIGN.md; H8's minimal version, H4's is kept at merge). */
  lockedOperator: Operator | null = null;
  lastActivity = Date.now();
  constructor(readonly id: string) {}
}

export type Handler<M extends MethodName> = (
  station: Station,
  session: Session,
  input: z.output<Contract[M]['input']>,
) => z.input<Contract[M]['output']> | Promise<z.input<Contract[M]['output']>>;

export type Handlers = { [M in MethodName]: Handler<M> };


/**
 * The one router both transports use. It is the trust boundary: every input is parsed with
 * its schema, every call's role is checked here (not only in the UI), and every failure comes
 * back as a typed error, never as a stack trace.
 */
export class Router {
  constructor(
    readonly station: Station,
    private readonly handlers: Handlers,
  ) {}

  async handle(session: Session, method: unknown, rawInput: unknown): Promise<ApiResponse<unknown>> {
    try {
      if (!isMethodName(method)) throw new ApiCallError('not-found', `no API method ${typeof method === 'string' ? method.slice(0, 60) : typeof method}`);
      const spec = contract[method];
      this.checkIdle(session);
      this.checkRole(session, spec.role, method);
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success)
        throw new ApiCallError(
          'invalid-input',
          `invalid input for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'} ${i.message}`).join('; ')}`,
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      if (spec.writes && this.station.fault) throw new ApiCallError('station-fault', `the station is stopped: ${this.station.fault}`);
      if (session.operator) session.lastActivity = Date.now();
      const handler = this.handlers[method] as Handler<MethodName>;
      const value = await handler(this.station, session, parsed.data);
      return { ok: true, value: spec.output.parse(value) };
    } catch (e) {
      return { ok: false, error: this.toError(e) };
    }
  }

  /** The screen locks after the configured idle time: the operator must sign in again. */
  private checkIdle(session: Session): void {
    if (!session.operator) return;
    const minutes = this.station.store.config.get('idleLockMinutes') ?? 10;
    if (Date.now() - session.lastActivity > minutes * 60_000) {
      session.lockedOperator = session.operator;
      session.operator = null;
      throw new ApiCallError('unauthenticated', `the screen locked after ${minutes} idle minutes: sign in again`);
    }
  }

  private checkRole(session: Session, needs: Role | 'public', method: string): void {
    if (needs === 'public') return;
    if (!session.operator) throw new ApiCallError('unauthenticated', 'sign in first');
    if (!roleAllows(session.operator.role, needs)) throw new ApiCallError('forbidden', `${method} needs a ${needs}; ${session.operator.name} is a ${session.operator.role}`);
  }

  private toError(e: unknown): { code: ApiCallError['code']; message: string; issues?: { path: string; message: string }[] } {
    if (e instanceof ApiCallError) return { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) };
    if (e instanceof AuthError) return { code: e.code === 'forbidden' ? 'forbidden' : e.code === 'exists' ? 'conflict' : e.code === 'invalid' ? 'invalid-input' : 'unauthenticated', message: e.message };
    if (e instanceof IntakeError) return { code: 'failed', message: e.message };
    if (e instanceof StoreOpenError) {
      this.station.setFault(e.message);
      return { code: 'station-fault', message: e.message };
    }
    const err = e as Error & { code?: string };
    if (isFault(err)) {
      const message = faultMessage(err.code, err.message);
      this.station.setFault(message);
      return { code: 'station-fault', message };
    }
    if (err.code === 'SQLITE_BUSY') return { code: 'failed', message: 'the database is busy with another program (an import or a second station): try again' };
    // The services' own expected failures: shown to the operator as they are.
    if (['RollFileError', 'CureError', 'NoticeError', 'SyncError'].includes(err.name)) return { code: 'failed', message: err.message };
    if (err instanceof z.ZodError) return { code: 'internal', message: `the station produced an invalid answer: ${err.issues[0]?.message ?? ''}` };
    return { code: 'internal', message: `unexpected error: ${err.message}` };
  }
}
