import type { syncMethods } from '../../../shared/api/methods/sync.js';
import { confirmUpload, requeueBatch, runSync, syncFolder, syncStatus } from '../../actions/sync.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const syncHandlers: HandlersFor<typeof syncMethods> = {
  'sync.status': (station, session) => syncStatus(station, actor(session)),
  'sync.run': async (station, session, input) => {
    const { changes: _none, ...report } = await runSync(station, actor(session), process.env, { token: input.token });
    return report;
  },
  'sync.toFolder': (station, session, input) => syncFolder(station, actor(session), input),
  'sync.confirmUpload': (station, session, input) => confirmUpload(station, actor(session), input),
  'sync.requeue': (station, session, input) => requeueBatch(station, actor(session), input),
};
