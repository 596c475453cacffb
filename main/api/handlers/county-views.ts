import type { countyViewMethods } from '../../../shared/api/methods/county-views.js';
import { countyBatchesAction, countyQueueAction, countyReportAction, countyViews, resolveCountyConflict, resolveCountyProblem } from '../../actions/county.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const countyViewHandlers: HandlersFor<typeof countyViewMethods> = {
  'county.views': (station, session) => countyViews(station, actor(session)),
  'county.queue': (station, session, input) => countyQueueAction(station, actor(session), input),
  'county.report': (station, session, input) => countyReportAction(station, actor(session), input),
  'county.batches': (station, session, input) => countyBatchesAction(station, actor(session), input),
  'county.resolve': (station, session, input) => resolveCountyProblem(station, actor(session), input),
  'county.resolveConflict': (station, session, input) => resolveCountyConflict(station, actor(session), input),
};
