import { ApiCallError } from '../../../shared/api/define.js';
import { cureDeadline, localDate } from '../../../shared/cure/deadline.js';
import { nextStates } from '../../../shared/cure/lifecycle.js';
import { receiptRuleText } from '../../../shared/cure/receipt-rule.js';
import type { CureCode } from '../../../shared/domain.js';
import { mailMergeCsv } from '../../cure/mailmerge.js';
import { renderNotices } from '../../cure/notice-pdf.js';
import { prepareNotices } from '../../cure/notices.js';
import { mailerFromConfig, queueEmailNotice, sendQueuedNotices } from '../../cure/outbox.js';
import { CureService, PROBLEM_RESOLUTIONS, type Actor } from '../../cure/service.js';
import { ballotHistory } from '../../intake/history.js';
import { toBallotRecord } from '../../store/roll.js';
import type { Handlers, Session } from '../router.js';
import type { Station } from '../station.js';

function actor(session: Session): Actor {
  if (!session.operator) throw new ApiCallError('unauthenticated', 'sign in first');
  return { name: session.operator.name, role: session.operator.role };
}

const hoursAgo = (station: Station, h: number) =>
  new Date(station.clock().getTime() - h * 3_600_000).toISOString();
const hoursAhead = (station: Station, h: number) =>
  new Date(station.clock().getTime() + h * 3_600_000).toISOString();

export const cureHandlers: Partial<Handlers> = {
  'cure.profile': (station) => {
    const service = new CureService(station.store, station.clock);
    const p = service.profile();
    const electionDate = station.store.config.get('electionDate');
    return {
      code: p.code,
      name: p.name,
      timeZone: p.timeZone,
      codes: Object.entries(p.cureCodes).map(([code, r]) => ({
        code: code as CureCode,
        curable: r.curable,
        label: r.label.en,
        labelEs: r.label.es,
      })),
      cureDeadline: electionDate ? cureDeadline(p, electionDate) : null,
      receiptRule: receiptRuleText(p),
    };
  },
  'cure.flag': (station, session, input) =>
    new CureService(station.store, station.clock).flag(
      {
        ...(input.scanSeq !== undefined ? { scanSeq: input.scanSeq } : {}),
        ...(input.ballotId ? { ballotId: input.ballotId } : {}),
      },
      input.codes,
      actor(session),
      input.reason?.trim() || 'flagged at intake',
    ),
  'cure.move': (station, session, input) =>
    new CureService(station.store, station.clock).move(input.caseId, input.to, actor(session), input.reason),
  'cure.expire': (station, session) => ({
    expired: new CureService(station.store, station.clock).expire(actor(session)),
  }),
  'cure.notices': async (station, session, input) => {
    const service = new CureService(station.store, station.clock);
    const profile = service.profile();
    const today = localDate(station.clock().toISOString(), profile.timeZone);
    const cases = input.caseIds.map((id) => {
      const c = station.store.cure.get(id);
      if (!c) throw new ApiCallError('not-found', `no cure case ${id}`);
      return c;
    });
    const { ready, failed } = await prepareNotices(station.store, cases, profile, input.language, today);
    if (ready.length === 0) return { filename: null, pdfBase64: null, csv: null, moved: 0, failed };
    const notices = ready.map((r) => r.notice);
    const pdf = await renderNotices(notices);
    const csv = mailMergeCsv(notices);
    let moved = 0;
    for (const { cureCase } of ready)
      if (cureCase.state === 'FLAGGED') {
        service.move(
          cureCase.caseId,
          'NOTICE_SENT',
          actor(session),
          `notice letter generated (${input.language})`,
          { channel: 'mail' },
        );
        moved += 1;
      }
    return {
      filename: `cure-notices-${today}.pdf`,
      pdfBase64: Buffer.from(pdf).toString('base64'),
      csv,
      moved,
      failed,
    };
  },
  'cure.emailNotice': (station, session, input) =>
    queueEmailNotice(station.store, input, actor(session), station.clock),
  'cure.sendNotices': async (station, session) => {
    const mailer = mailerFromConfig(station.store, process.env);
    try {
      return await sendQueuedNotices(station.store, mailer, {
        actor: actor(session).name,
        clock: station.clock,
      });
    } finally {
      mailer.close();
    }
  },
  'review.queue': (station, _s, input) =>
    station.store.cure.queue({
      offset: input.offset,
      limit: input.limit,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.verdict ? { verdict: input.verdict } : {}),
      ...(input.cureCode ? { cureCode: input.cureCode } : {}),
      ...(input.state ? { state: input.state as never } : {}),
      ...(input.olderThanHours !== undefined ? { olderThan: hoursAgo(station, input.olderThanHours) } : {}),
      ...(input.dueWithinHours !== undefined ? { dueBefore: hoursAhead(station, input.dueWithinHours) } : {}),
    }),
  'review.detail': (station, _s, input) => {
    const store = station.store;
    const cureCase = input.kind === 'cure' ? (store.cure.get(input.id) ?? null) : null;
    const scanSeq = input.kind === 'problem' ? input.id : (cureCase?.scanSeq ?? null);
    const scan = scanSeq !== null ? store.scans.get(scanSeq) : undefined;
    if (input.kind === 'cure' && !cureCase) throw new ApiCallError('not-found', `no cure case ${input.id}`);
    if (input.kind === 'problem' && !scan) throw new ApiCallError('not-found', `no scan ${input.id}`);
    const ballotId = cureCase?.ballotId ?? scan?.ballotId ?? null;
    const row = ballotId ? store.scans.byBallotId.get(ballotId) : undefined;
    return {
      ballot: row ? { ...toBallotRecord(row), history: ballotHistory(store, row.ballot_id) } : null,
      scan: scan
        ? {
            seq: scan.seq,
            verdict: scan.verdict,
            reason: scan.reason,
            raw: scan.raw,
            scannedAt: scan.scannedAt,
            operator: scan.operator,
            station: scan.station,
          }
        : null,
      cureCase,
      steps: cureCase ? store.cure.steps(cureCase.caseId) : [],
      notices: cureCase
        ? store.cure.noticesOf(cureCase.caseId).map((n) => ({
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
      resolutions:
        input.kind === 'problem' && scan && scan.verdict !== 'ACCEPTED' && !store.cure.resolutionOf(scan.seq)
          ? [...PROBLEM_RESOLUTIONS[scan.verdict]]
          : [],
      nextStates: cureCase ? [...nextStates(cureCase.state)] : [],
    };
  },
  'review.resolve': (station, session, input) => {
    const service = new CureService(station.store, station.clock);
    const failed: { seq: number; error: string }[] = [];
    let resolved = 0;
    for (const seq of input.seqs) {
      try {
        service.resolveProblem(seq, input.resolution, actor(session), input.reason);
        resolved += 1;
      } catch (e) {
        failed.push({ seq, error: (e as Error).message });
      }
    }
    return { resolved, failed };
  },
};
