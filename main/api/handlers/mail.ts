import type { mailMethods } from '../../../shared/api/methods/mail.js';
import { ballotMailView } from '../../actions/mail-attention.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const mailHandlers: HandlersFor<typeof mailMethods> = {
  'mail.ballot': (station, session, input) => ballotMailView(station, actor(session), input),
  // The heavy reads run on the station's reads thread (mail/reads.ts): a scan never waits on them.
  'mail.attention': (station, session, input) => station.mailReads.run(actor(session), { kind: 'attention', input }),
  'mail.attentionCounts': (station, session, input) => station.mailReads.run(actor(session), { kind: 'attentionCounts', input }),
  'mail.attentionCsv': (station, session, input) => station.mailReads.run(actor(session), { kind: 'attentionCsv', input }),
  'mail.stream': (station, session, input) => station.mailReads.run(actor(session), { kind: 'stream', input }),
};
