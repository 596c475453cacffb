import type { logMethods } from '../../../shared/api/methods/log.js';
import { authorize } from '../../actions/context.js';
import { stationLog } from '../../oplog/index.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

/** The station log (what happened to the station, not to ballots): supervisors read its tail. */
export const logHandlers: HandlersFor<typeof logMethods> = {
  'log.tail': (station, session, input) => {
    authorize(actor(session), 'log.tail');
    const log = stationLog(station.store);
    return { file: log?.file ?? null, entries: log?.tail(input.lines) ?? [] };
  },
};
