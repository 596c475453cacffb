import type { reportMethods } from '../../../shared/api/methods/reports.js';
import { dayReport, dayReportPdf } from '../../actions/day-report.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const reportHandlers: HandlersFor<typeof reportMethods> = {
  'reports.day': (station, session, input) => dayReport(station, actor(session), input),
  'reports.pdf': (station, session, input) => dayReportPdf(station, actor(session), input),
};
