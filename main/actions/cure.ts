import { cureDeadline, localDate } from '../../shared/cure/deadline.js';
import { receiptRuleText } from '../../shared/cure/receipt-rule.js';
import type { CureCode, CureState } from '../../shared/domain.js';
import { ServiceError } from '../../shared/errors.js';
import { CureService } from '../cure/service.js';
import type { CureCase } from '../store/cure.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** The cure actions; the review queue's reads are in review.ts. */
const service = (ctx: ActionContext) => new CureService(ctx.store, ctx.clock);

export function cureProfile(ctx: ActionContext, actor: Actor | null) {
  authorize(actor, 'cure.profile');
  const p = service(ctx).profile();
  const electionDate = ctx.store.config.get('electionDate');
  return {
    code: p.code,
    name: p.name,
    timeZone: p.timeZone,
    codes: Object.entries(p.cureCodes).map(([code, r]) => ({ code: code as CureCode, curable: r.curable, label: r.label.en, labelEs: r.label.es })),
    cureDeadline: electionDate ? cureDeadline(p, electionDate) : null,
    receiptRule: receiptRuleText(p),
  };
}

export function listCases(ctx: ActionContext, actor: Actor | null, filter: { state?: CureState; ballotId?: string }): CureCase[] {
  authorize(actor, 'review.queue');
  return ctx.store.cure.list(filter);
}

export function flagEnvelope(ctx: ActionContext, actor: Actor | null, input: { scanSeq?: number | undefined; ballotId?: string | undefined; codes: CureCode[]; reason?: string | undefined }): CureCase {
  const who = authorize(actor, 'cure.flag');
  const target = { ...(input.scanSeq !== undefined ? { scanSeq: input.scanSeq } : {}), ...(input.ballotId ? { ballotId: input.ballotId } : {}) };
  return service(ctx).flag(target, input.codes, who, input.reason?.trim() || 'flagged at intake');
}

/** The clerk who flagged an envelope takes the flag back, within the window: an appended step, never a delete. */
export function unflagEnvelope(ctx: ActionContext, actor: Actor | null, input: { caseId: number; codes: CureCode[] }): CureCase {
  const who = authorize(actor, 'cure.unflag');
  return service(ctx).unflag(input.caseId, input.codes, who);
}

/** A case's next step; the lifecycle decides which steps need a supervisor. */
export function moveCase(ctx: ActionContext, actor: Actor | null, input: { caseId: number; to: CureState; reason: string }): CureCase {
  const who = authorize(actor, 'cure.move');
  return service(ctx).move(input.caseId, input.to, who, input.reason);
}

export function expireCases(ctx: ActionContext, actor: Actor | null): { expired: CureCase[] } {
  const who = authorize(actor, 'cure.expire');
  return { expired: service(ctx).expire(who) };
}

/** Resolves problem scans one by one; one that cannot be resolved is reported, the others go on. */
export function resolveProblems(ctx: ActionContext, actor: Actor | null, input: { seqs: number[]; resolution: string; reason: string }) {
  const who = authorize(actor, 'review.resolve');
  const s = service(ctx);
  const failed: { seq: number; error: string }[] = [];
  let resolved = 0;
  for (const seq of input.seqs) {
    try {
      s.resolveProblem(seq, input.resolution, who, input.reason);
      resolved += 1;
    } catch (e) {
      failed.push({ seq, error: (e as Error).message });
    }
  }
  return { resolved, failed };
}

/**
 * Notice letters for cases: one PDF (and its mail-merge CSV); every FLAGGED case that got a
 * letter moves to NOTICE_SENT under the authenticated supervisor.
 */
export async function printNotices(
  ctx: ActionContext,
  actor: Actor | null,
  input: { cases: number[] | 'all-flagged'; language: 'en' | 'es'; file?: string },
  /** Writes the letters out; cases move only once it has succeeded. */
  deliver?: (pdf: Uint8Array, csv: string) => Promise<void>,
) {
  const who = authorize(actor, 'cure.notices');
  const { prepareNotices } = await import('../cure/notices.js');
  const { renderNotices } = await import('../cure/notice-pdf.js');
  const { mailMergeCsv } = await import('../cure/mailmerge.js');
  const s = service(ctx);
  const cases =
    input.cases === 'all-flagged'
      ? ctx.store.cure.list({ state: 'FLAGGED' })
      : input.cases.map((id) => ctx.store.cure.get(id) ?? fail(new ServiceError('not-found', `There is no cure case ${id}.`)));
  if (cases.length === 0) throw new ServiceError('not-found', 'There is no cure case to notify.');
  const profile = s.profile();
  const today = localDate(ctx.clock().toISOString(), profile.timeZone);
  const { ready, failed, withoutPicture } = await prepareNotices(ctx.store, cases, profile, input.language, today);
  if (ready.length === 0) return { today, pdf: null, csv: null, notices: 0, moved: 0, failed, withoutPicture };
  const notices = ready.map((r) => r.notice);
  const pdf = await renderNotices(notices);
  const csv = mailMergeCsv(notices);
  await deliver?.(pdf, csv);
  let moved = 0;
  for (const { cureCase } of ready)
    if (cureCase.state === 'FLAGGED') {
      s.move(cureCase.caseId, 'NOTICE_SENT', who, `notice letter printed (${input.language})`, { channel: 'mail', ...(input.file ? { file: input.file } : {}) });
      moved += 1;
    }
  return { today, pdf, csv, notices: notices.length, moved, failed, withoutPicture };
}

export async function queueEmail(ctx: ActionContext, actor: Actor | null, input: { caseId: number; email: string; language: 'en' | 'es' }) {
  const who = authorize(actor, 'cure.emailNotice');
  const { queueEmailNotice } = await import('../cure/outbox.js');
  return queueEmailNotice(ctx.store, input, who, ctx.clock);
}

/** Sends queued e-mail notices, each exactly once; the password comes from INTAKE_SMTP_PASS first. */
export async function sendNotices(ctx: ActionContext, actor: Actor | null, env: NodeJS.ProcessEnv) {
  const who = authorize(actor, 'cure.sendNotices');
  const { mailerFromConfig, sendQueuedNotices } = await import('../cure/outbox.js');
  const mailer = mailerFromConfig(ctx.store, env);
  try {
    return await sendQueuedNotices(ctx.store, mailer, { actor: who.name, clock: ctx.clock });
  } finally {
    mailer.close();
  }
}

function fail(e: Error): never {
  throw e;
}
