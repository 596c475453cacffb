import type { batchMethods, intakeMethods } from '../../../shared/api/methods/core.js';
import { closeBatch, listBatches, openBatch, showBatch } from '../../actions/batches.js';
import { recentScans, submitScan, undoScan } from '../../actions/scans.js';
import { coverSheet } from '../../actions/station.js';
import { authorize } from '../../actions/context.js';
import { listScanFaults } from '../../store/scan-faults.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

/** Scans and batches: each handler is the action, called as the window's signed-in operator. */
export const intakeHandlers: HandlersFor<typeof intakeMethods & typeof batchMethods> = {
  // The app never waits for a filled batch's backup: its result comes as a notice.
  'scan.submit': (station, session, input) => submitScan(station, actor(session), input).outcome,
  'scan.recent': (station, session, input) => recentScans(station, actor(session), input.limit),
  'scan.undo': (station, session, input) => {
    const r = undoScan(station, actor(session), input);
    return { seq: r.seq, undoneAt: r.undoneAt };
  },
  'scans.refused': (station, session, input) => {
    authorize(actor(session), 'scans.refused');
    return listScanFaults(station.store, input.limit);
  },
  'batches.list': (station, session, input) => listBatches(station, actor(session), input),
  'batches.open': (station, session) => openBatch(station, actor(session)),
  'batches.close': (station, session, input) => closeBatch(station, actor(session), input).batch,
  'batches.show': (station, session, input) => showBatch(station, actor(session), input.batchId),
  'batches.coverSheet': (station, session, input) => coverSheet(station, actor(session), input.batchId),
};
