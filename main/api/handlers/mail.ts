import type { mailMethods } from '../../../shared/api/methods/mail.js';
import { ballotMailView, mailAttention, mailAttentionCounts, mailAttentionCsv, mailStreamReport } from '../../actions/mail-attention.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const mailHandlers: HandlersFor<typeof mailMethods> = {
  'mail.ballot': (station, session, input) => ballotMailView(station, actor(session), input),
  'mail.attention': (station, session, input) => mailAttention(station, actor(session), input),
  'mail.attentionCounts': (station, session, input) => mailAttentionCounts(station, actor(session), input),
  'mail.attentionCsv': (station, session, input) => {
    const { filename, chunks } = mailAttentionCsv(station, actor(session), input);
    return { filename, content: [...chunks].join('') };
  },
  'mail.stream': (station, session, input) => mailStreamReport(station, actor(session), input),
};
