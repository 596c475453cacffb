import { ApiCallError } from '../../../shared/api/define.js';
import type { sessionMethods } from '../../../shared/api/methods/core.js';
import type { HandlersFor } from '../router.js';

/**
 * Sign-in, the idle lock and who scans (docs/security.md, LOCK-DESIGN): the Session keeps who is
 * signed in and who it is locked for; the transports deliver events through it.
 */
export const sessionHandlers: HandlersFor<typeof sessionMethods> = {
  'session.status': (station, session) => ({
    station: station.stationName, // the configured name, else the host name, as recorded on each scan
    election: station.store.config.get('election') ?? null,
    electionName: station.store.config.get('electionName') ?? null,
    operator: session.operator ? { name: session.operator.name, role: session.operator.role } : null,
    needsFirstSupervisor: station.auth.needsFirstSupervisor(),
    fault: station.fault,
    idleLockMinutes: station.store.config.get('idleLockMinutes') ?? 10,
    locked: session.lockedOperator ? { operator: session.lockedOperator.name } : null,
  }),
  'session.signIn': async (station, session, input) => {
    return session.signedIn(await station.auth.signIn(input.operator, input.pin));
  },
  'session.signOut': (_station, session) => {
    session.signOut();
    return {};
  },
  'session.createFirstSupervisor': async (station, session, input) => {
    if (!station.auth.needsFirstSupervisor())
      throw new ApiCallError('forbidden', 'this station already has operators: a supervisor adds new ones');
    return session.signedIn(await station.auth.createOperator(input.operator, 'supervisor', input.pin, null));
  },
  'session.lock': (_station, session) => {
    session.lock('requested');
    return {};
  },
  /** Only the operator the screen locked for: the PIN goes through sign-in's own checks and lockout. */
  'session.unlock': async (station, session, input) => {
    const who = session.lockedOperator;
    if (!who) throw new ApiCallError('unauthenticated', 'the screen is not locked: sign in');
    return session.signedIn(await station.auth.signIn(who.name, input.pin));
  },
};
