import { buildHandlers } from '../../main/api/handlers/index.js';
import { Router, Session } from '../../main/api/router.js';
import { Station } from '../../main/api/station.js';
import type { Store } from '../../main/store/store.js';
import type { Role } from '../../shared/domain.js';
import type { Input, MethodName, Output } from '../../shared/api/contract.js';
import type { ApiResponse } from '../../shared/api/define.js';

/** The real router over a real store, and sessions signed in as whoever a test needs. */
export function apiFor(store: Store, clock?: () => Date) {
  const station = new Station(store, clock);
  const router = new Router(station, buildHandlers());
  const as = (name: string | null, role: Role = 'clerk'): Session => {
    const s = new Session(`test-${name ?? 'anon'}`);
    if (name) s.operator = { name, role, active: true, createdAt: '', createdBy: '', lockedUntil: null };
    return s;
  };
  /** A call as the contract types it: a misspelt method or field does not compile. */
  const call = <M extends MethodName>(session: Session, method: M, input: Input<M>) => router.handle(session, method, input) as Promise<ApiResponse<Output<M>>>;
  /** A call as an attacker makes it: any method name, any payload. */
  const callRaw = (session: Session, method: unknown, input: unknown) => router.handle(session, method, input);
  return { station, router, as, call, callRaw };
}
