import type { countyMethods } from '../../../shared/api/methods/county.js';
import { authorize } from '../../actions/context.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

/** The county hub as this station sees it (replication state; never a password). */
export const countyHandlers: HandlersFor<typeof countyMethods> = {
  'county.status': (station, session) => {
    authorize(actor(session), 'county.status');
    return station.countyStatus();
  },
};
