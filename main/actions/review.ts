import { nextStates } from '../../shared/cure/lifecycle.js';
import { ServiceError } from '../../shared/errors.js';
import { PROBLEM_RESOLUTIONS } from '../cure/service.js';
import { ballotHistory } from '../intake/history.js';
import type { QueueFilter } from '../store/cure.js';
import { toBallotRecord } from '../store/roll/ballot-row.js';
import { authorize, type ActionContext, type Actor } from './context.js';

const hoursFrom = (ctx: ActionContext, h: number) => new Date(ctx.clock().getTime() + h * 3_600_000).toISOString();

/** The supervisor's queue of problem scans and open cure cases, filtered and paged. */
export function reviewQueue(
  ctx: ActionContext,
  actor: Actor | null,
  input: Omit<QueueFilter, 'olderThan' | 'dueBefore'> & { olderThanHours?: number | undefined; dueWithinHours?: number | undefined },
) {
  authorize(actor, 'review.queue');
  const { olderThanHours, dueWithinHours, ...filter } = input;
  return ctx.store.cure.queue({
    ...filter,
    ...(olderThanHours !== undefined ? { olderThan: hoursFrom(ctx, -olderThanHours) } : {}),
    ...(dueWithinHours !== undefined ? { dueBefore: hoursFrom(ctx, dueWithinHours) } : {}),
  });
}

/** One problem scan or cure case with the ballot's history and what can still be done. */
export function reviewDetail(ctx: ActionContext, actor: Actor | null, input: { kind: 'problem' | 'cure'; id: number }) {
  authorize(actor, 'review.detail');
  const store = ctx.store;
  const cureCase = input.kind === 'cure' ? (store.cure.get(input.id) ?? null) : null;
  const scanSeq = input.kind === 'problem' ? input.id : (cureCase?.scanSeq ?? null);
  const scan = scanSeq !== null ? store.scans.get(scanSeq) : undefined;
  if (input.kind === 'cure' && !cureCase) throw new ServiceError('not-found', `There is no cure case ${input.id}.`);
  if (input.kind === 'problem' && !scan) throw new ServiceError('not-found', `There is no scan ${input.id}.`);
  const ballotId = cureCase?.ballotId ?? scan?.ballotId ?? null;
  const row = ballotId ? store.scans.byBallotId.get(ballotId) : undefined;
  return {
    ballot: row ? { ...toBallotRecord(row), history: ballotHistory(store, row.ballot_id) } : null,
    scan: scan ? { seq: scan.seq, verdict: scan.verdict, reason: scan.reason, raw: scan.raw, scannedAt: scan.scannedAt, operator: scan.operator, station: scan.station } : null,
    cureCase,
    steps: cureCase ? store.cure.steps(cureCase.caseId) : [],
    notices: cureCase
      ? store.cure.notices.ofCase(cureCase.caseId).map((n) => ({
          noticeId: n.notice_id,
          channel: n.channel,
          language: n.language,
          recipient: n.recipient,
          messageId: n.message_id,
          status: n.status,
          attempts: n.attempts,
          lastError: n.last_error,
          queuedAt: n.queued_at,
          sentAt: n.sent_at,
        }))
      : [],
    // What can still be done: nothing once a supervisor has resolved the scan.
    resolutions: input.kind === 'problem' && scan && scan.verdict !== 'ACCEPTED' && !store.cure.resolutionOf(scan.seq) ? [...PROBLEM_RESOLUTIONS[scan.verdict]] : [],
    nextStates: cureCase ? [...nextStates(cureCase.state)] : [],
  };
}
