import type { cureMethods } from '../../../shared/api/methods/cure.js';
import { cureProfile, expireCases, flagEnvelope, moveCase, unflagEnvelope, printNotices, queueEmail, resolveProblems, sendNotices } from '../../actions/cure.js';
import { reviewDetail, reviewQueue } from '../../actions/review.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const cureHandlers: HandlersFor<typeof cureMethods> = {
  'cure.profile': (station, session) => cureProfile(station, actor(session)),
  'cure.flag': (station, session, input) => flagEnvelope(station, actor(session), input),
  'cure.unflag': (station, session, input) => unflagEnvelope(station, actor(session), input),
  'cure.move': (station, session, input) => moveCase(station, actor(session), input),
  'cure.expire': (station, session) => expireCases(station, actor(session)),
  'cure.notices': async (station, session, input) => {
    const r = await printNotices(station, actor(session), { cases: input.caseIds, language: input.language });
    return {
      filename: r.pdf ? `cure-notices-${r.today}.pdf` : null,
      pdfBase64: r.pdf ? Buffer.from(r.pdf).toString('base64') : null,
      csv: r.csv,
      moved: r.moved,
      failed: r.failed,
      withoutPicture: r.withoutPicture,
    };
  },
  'cure.emailNotice': (station, session, input) => queueEmail(station, actor(session), input),
  'cure.sendNotices': (station, session) => sendNotices(station, actor(session), process.env),
  'review.queue': (station, session, input) => reviewQueue(station, actor(session), input),
  'review.detail': (station, session, input) => reviewDetail(station, actor(session), input),
  'review.resolve': (station, session, input) => resolveProblems(station, actor(session), input),
};
