import { ApiCallError } from '../../../shared/api/define.js';
import type { Handlers } from '../router.js';

/** MINIMAL STAND-IN by helper H9 (see shared/api/methods/operators-disable.ts): H1's replaces it. */
export const operatorDisableHandlers: Partial<Handlers> = {
  'operators.disable': (station, session, input) => {
    const actor = session.operator;
    if (!actor) throw new ApiCallError('unauthenticated', 'Sign in first.');
    const row = station.store.operators.get(input.name);
    if (!row) throw new ApiCallError('not-found', `There is no operator ${input.name}.`);
    if (row.name === actor.name) throw new ApiCallError('conflict', 'You cannot disable yourself: another supervisor must do it.');
    const activeSupervisors = station.store.operators.list().filter((o) => o.active && o.role === 'supervisor');
    if (row.role === 'supervisor' && row.active === 1 && activeSupervisors.length <= 1) throw new ApiCallError('conflict', 'This is the only active supervisor: add another first.');
    if (row.active === 1) station.store.write(() => station.store.operators.setActiveWithin(row.name, false, actor.name, station.clock().toISOString()));
    return {};
  },
};
