import { ApiCallError } from '../../../shared/api/define.js';
import type { sessionMethods } from '../../../shared/api/methods/core.js';
import type { HandlersFor } from '../router.js';

/** Sign-in and the session's state: the window's own business, not an action on the station. */
export const coreHandlers: HandlersFor<typeof sessionMethods> = {
  'session.status': (station, session) => ({
    station: station.stationName, // the configured name, else the host name, as recorded on each scan
    election: station.store.config.get('election') ?? null,
    electionName: station.store.config.get('electionName') ?? null,
    operator: session.operator ? { name: session.operator.name, role: session.operator.role } : null,
    needsFirstSupervisor: station.auth.needsFirstSupervisor(),
    fault: station.fault,
    idleLockMinutes: station.store.config.get('idleLockMinutes') ?? 10,
  }),
  'session.signIn': async (station, session, input) => {
    session.operator = await station.auth.signIn(input.operator, input.pin);
    session.lastActivity = Date.now();
    station.activeOperator = session.operator.name;
    return session.operator;
  },
  'session.signOut': (_station, session) => {
    session.operator = null;
    return {};
  },
  'session.createFirstSupervisor': async (station, session, input) => {
    if (!station.auth.needsFirstSupervisor())
      throw new ApiCallError('forbidden', 'this station already has operators: a supervisor adds new ones');
    session.operator = await station.auth.createOperator(input.operator, 'supervisor', input.pin, null);
    session.lastActivity = Date.now();
    station.activeOperator = session.operator.name;
    return session.operator;
  },
};
