import type { signatureMethods } from '../../../shared/api/methods/signatures.js';
import { setSignatureReviewer, signatureAgreement, signatureQueueCounts, signatureReviewers } from '../../actions/signature-audit.js';
import { decideSignature, nextSignature } from '../../actions/signatures.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const signatureHandlers: HandlersFor<typeof signatureMethods> = {
  'signatures.next': (station, session) => nextSignature(station, actor(session)),
  'signatures.decide': (station, session, input) => decideSignature(station, actor(session), input),
  'signatures.queueCounts': (station, session) => signatureQueueCounts(station, actor(session)),
  'signatures.agreement': (station, session, input) => signatureAgreement(station, actor(session), input),
  'signatures.reviewers': (station, session) => signatureReviewers(station, actor(session)),
  'signatures.setReviewer': (station, session, input) => setSignatureReviewer(station, actor(session), input),
};
