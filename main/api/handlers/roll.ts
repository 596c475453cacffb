import type { rollMethods } from '../../../shared/api/methods/core.js';
import { findBallots, importRollFile, rollRejects, rollSourcePath, rollStats } from '../../actions/roll.js';
import { authorize } from '../../actions/context.js';
import { previewRoll } from '../../roll/read.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const rollHandlers: HandlersFor<typeof rollMethods> = {
  'roll.stats': (station, session) => rollStats(station, actor(session)),
  'roll.rejects': (station, session, input) => rollRejects(station, actor(session), input.limit),
  'roll.find': (station, session, input) => findBallots(station, actor(session), input),
  'roll.preview': async (station, session, input) => {
    authorize(actor(session), 'roll.preview');
    const p = await previewRoll(
      rollSourcePath(station.uploadsDir, input.source),
      { format: input.format, ...(input.map ? { map: input.map } : {}), ...(input.election ? { electionId: input.election } : {}) },
      20,
    );
    return {
      headers: p.headers,
      rows: p.records.map((r) =>
        r.ok
          ? { rowNo: r.rowNo, ok: true, ballotId: r.row.ballotId, voterId: r.row.voterId, name: `${r.row.lastName}, ${r.row.firstName}`, status: r.row.status }
          : { rowNo: r.rowNo, ok: false, error: r.error },
      ),
    };
  },
  'roll.import': (station, session, input) =>
    importRollFile(station, actor(session), { file: rollSourcePath(station.uploadsDir, input.source), format: input.format, map: input.map, election: input.election }),
};
