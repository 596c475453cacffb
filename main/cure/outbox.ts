import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { localDate } from '../../shared/cure/deadline.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import type { CureCase } from '../store/cure.js';
import type { NoticeRow } from '../store/notice-outbox.js';
import type { Store } from '../store/store.js';
import { takeLockFile } from '../store/lock-file.js';
import { logNoticeReport } from '../oplog/hooks.js';
import { createMailer, type Mailer } from './mailer.js';
import { noticeImageMode, pictureFor } from './notice-image.js';
import { addressProblems, renderNotice } from './notice-pdf.js';
import { noticeText, type Language } from './notice-text.js';
import { NoticeError, noticeFor, noticeRefusal, officeOf } from './notices.js';
import { loadProfile } from './profiles.js';
import { CureError, CureService, type Actor } from './service.js';

/**
 * E-mail notices through the notice outbox, delivered exactly once across a crash, with one
 * residual window.
 *
 * Queueing inserts the outbox row, with a Message-ID chosen then, in the same transaction as
 * the case's move to NOTICE_SENT: a notice is queued exactly when the case says it was sent,
 * never one without the other. The sender marks a row `sending` (committed) before it talks
 * SMTP and `sent` after the server's 250. So after a crash:
 * - a row still `queued` was never handed to the server: it is sent once, by the next run;
 * - a row left `sending` may or may not have reached the server (the crash fell between the
 *   server taking the message and our `sent` commit). It is sent again with the SAME
 *   Message-ID. This is the residual at-least-once window: no local bookkeeping can close it,
 *   since SMTP has no idempotent submission. The stable Message-ID lets the receiving side
 *   (mail servers and clients that de-duplicate on it, or the office reading its sent copies)
 *   collapse the two deliveries into one message.
 * One sender runs at a time per database (a lock file beside it), so a `sending` row found by
 * a sender is always one a crashed sender left.
 */

export const EMAIL_NOTICE_LIMITS = { maxAttempts: 5 } as const;

const emailSchema = z.email();

export interface EmailNoticeRequest {
  caseId: number;
  email: string;
  language: Language;
}

export interface QueuedNotice {
  noticeId: number;
  caseId: number;
  messageId: string;
  status: NoticeRow['status'];
  cureCase: CureCase;
}

/** The domain of the station's Message-IDs: the sender's address, else the office's. */
export function messageDomain(store: Store): string {
  const candidates = [store.config.get('smtp')?.from, store.config.get('officeEmail')];
  for (const c of candidates) {
    const m = c ? /@([A-Za-z0-9.-]+\.[A-Za-z]{2,})>?\s*$/.exec(c) : null;
    if (m?.[1]) return m[1].toLowerCase();
  }
  return 'intake-station.invalid';
}

/** The notice can be written and its letter laid out (name and address fit the window). */
async function checkNotice(
  store: Store,
  c: CureCase,
  profile: StateProfile,
  language: Language,
  today: string,
): Promise<void> {
  const refusal = noticeRefusal(c);
  if (refusal) throw new CureError(refusal);
  const [problem] = await addressProblems([noticeFor(store, c, profile, language, today)]);
  if (problem) throw new NoticeError(`${problem}; the letter attached to the e-mail cannot be laid out`);
}

/**
 * Queues an e-mail notice for a case. A FLAGGED case moves to NOTICE_SENT in the same
 * transaction; a case further on just gets the notice queued (audited; the case gets a step
 * when the mail server takes it). The letter is checked first, so a queued row is sendable.
 */
export async function queueEmailNotice(
  store: Store,
  req: EmailNoticeRequest,
  actor: Actor,
  clock: () => Date = () => new Date(),
): Promise<QueuedNotice> {
  if (actor.role !== 'supervisor') throw new CureError('only a supervisor sends notices to voters');
  const email = req.email.trim();
  if (!emailSchema.safeParse(email).success) throw new CureError(`"${email}" is not an e-mail address`);
  const service = new CureService(store, clock);
  const profile = service.profile();
  if (!profile.noticeChannels.includes('email'))
    throw new CureError(`the ${profile.name} profile does not notify voters by e-mail`);
  const found = store.cure.get(req.caseId);
  if (!found) throw new CureError(`no cure case ${req.caseId}`);
  await checkNotice(store, found, profile, req.language, localDate(clock().toISOString(), profile.timeZone));
  const messageId = `<cure-${req.caseId}.${randomUUID()}@${messageDomain(store)}>`;
  return store.write(() => {
    const at = clock().toISOString();
    // Read again inside the transaction: the case may have moved while the letter was checked.
    const c = store.cure.get(req.caseId);
    if (!c) throw new CureError(`no cure case ${req.caseId}`);
    const refusal = noticeRefusal(c);
    if (refusal) throw new CureError(refusal);
    const row = store.cure.notices.enqueueWithin(
      c,
      { channel: 'email', language: req.language, recipient: email, messageId },
      actor.name,
      at,
    );
    const detail = { channel: 'email', noticeId: row.notice_id, messageId };
    const moved =
      c.state === 'FLAGGED'
        ? store.cure.transitionWithin(
            c,
            'NOTICE_SENT',
            actor.name,
            `notice e-mail queued (${req.language})`,
            detail,
            at,
          )
        : c;
    return { noticeId: row.notice_id, caseId: c.caseId, messageId, status: row.status, cureCase: moved };
  });
}

export interface SendReport {
  sent: { noticeId: number; caseId: number; messageId: string; resent: boolean; withoutPicture?: string }[];
  /** Will be tried again by the next run. */
  retrying: { noticeId: number; caseId: number; error: string }[];
  /** Given up: the case closed, the notice cannot be written, or too many attempts. */
  failed: { noticeId: number; caseId: number; error: string }[];
}

/**
 * Sends every e-mail notice the outbox owes, one at a time (see the header comment for the
 * crash guarantees). A notice whose case was cured or closed meanwhile is withdrawn, not sent.
 */
export async function sendQueuedNotices(
  store: Store,
  mailer: Mailer,
  opts: { actor?: string; clock?: () => Date; maxAttempts?: number } = {},
): Promise<SendReport> {
  const actor = opts.actor ?? 'notice-sender';
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? EMAIL_NOTICE_LIMITS.maxAttempts;
  const report: SendReport = { sent: [], retrying: [], failed: [] };
  const release = lockSender(store.path);
  try {
    const profiles = new Map<string, StateProfile>();
    for (const row of store.cure.notices.toSend('email')) {
      const resent = row.status === 'sending';
      const message = await composeEmail(store, row, profiles);
      if (!message.ok) {
        store.write(() =>
          store.cure.notices.unsentWithin(row.notice_id, 'failed', message.error, actor, clock().toISOString()),
        );
        report.failed.push({ noticeId: row.notice_id, caseId: row.case_id, error: message.error });
        continue;
      }
      // Committed before the first byte goes to the server: a crash from here on leaves `sending`.
      if (!store.cure.notices.claim(row)) continue;
      const { withoutPicture: _note, ...mail } = message.value;
      const r = await mailer.send({ ...mail, messageId: row.message_id });
      const at = clock().toISOString();
      if (r.ok) {
        store.write(() => store.cure.notices.sentWithin(row.notice_id, actor, at));
        const noPicture = message.value.withoutPicture ? { withoutPicture: message.value.withoutPicture } : {};
        report.sent.push({ noticeId: row.notice_id, caseId: row.case_id, messageId: row.message_id, resent, ...noPicture });
      } else if (row.attempts + 1 >= maxAttempts) {
        const error = `${r.error} (gave up after ${row.attempts + 1} attempts)`;
        store.write(() => store.cure.notices.unsentWithin(row.notice_id, 'failed', error, actor, at));
        report.failed.push({ noticeId: row.notice_id, caseId: row.case_id, error });
      } else {
        // Back to `queued`: the next run sends it again, with the same Message-ID.
        store.write(() => store.cure.notices.unsentWithin(row.notice_id, 'queued', r.error, actor, at));
        report.retrying.push({ noticeId: row.notice_id, caseId: row.case_id, error: r.error });
      }
    }
  } finally {
    release();
    logNoticeReport(store, report);
  }
  return report;
}

type Composed =
  | {
      ok: true;
      value: {
        to: string;
        subject: string;
        text: string;
        attachments: { filename: string; content: Uint8Array; contentType: string }[];
        /** Why the attached letter lacks the picture the office shows. */
        withoutPicture?: string;
      };
    }
  | { ok: false; error: string };

/** The e-mail as of now: its words and letter follow the case (a code added since is in it). */
async function composeEmail(
  store: Store,
  row: NoticeRow,
  profiles: Map<string, StateProfile>,
): Promise<Composed> {
  const c = store.cure.get(row.case_id);
  if (!c) return { ok: false, error: `no cure case ${row.case_id}` };
  const refusal = noticeRefusal(c);
  if (refusal) return { ok: false, error: `withdrawn: ${refusal}` };
  if (!row.recipient) return { ok: false, error: 'no recipient address' };
  if (row.language !== 'en' && row.language !== 'es')
    return { ok: false, error: `no notice text in language ${row.language}` };
  let profile = profiles.get(c.profile);
  if (!profile) {
    const loaded = loadProfile(c.profile);
    if (!loaded.ok) return { ok: false, error: `state profile ${c.profile}: ${loaded.error}` };
    profile = loaded.value;
    profiles.set(c.profile, profile);
  }
  try {
    officeOf(store);
    // Dated the day it was queued, so a resend reads the same.
    const notice = noticeFor(store, c, profile, row.language, localDate(row.queued_at, profile.timeZone));
    const [problem] = await addressProblems([notice]);
    if (problem) return { ok: false, error: problem };
    const { subject, body } = noticeText(notice);
    // The attached letter carries the same picture as the printed one (notice-image.ts).
    const outcome = await pictureFor(store, c, noticeImageMode(store, profile), row.language, profile.timeZone);
    if (outcome && 'picture' in outcome) notice.picture = outcome.picture;
    const pdf = await renderNotice(notice);
    const filename = `${row.language === 'es' ? 'aviso' : 'notice'}-${c.ballotId.replace(/[^A-Za-z0-9-]/g, '_')}.pdf`;
    return {
      ok: true,
      value: {
        to: row.recipient,
        subject,
        text: body,
        attachments: [{ filename, content: pdf, contentType: 'application/pdf' }],
        ...(outcome && 'missing' in outcome ? { withoutPicture: outcome.missing } : {}),
      },
    };
  } catch (e) {
    if (e instanceof NoticeError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * The mail server from the `smtp` setting. The password is read from INTAKE_SMTP_PASS when set
 * (preferred: the settings live in the database and its backups), else from `smtp.pass`.
 */
export function mailerFromConfig(store: Store, env: NodeJS.ProcessEnv): Mailer {
  const smtp = store.config.get('smtp');
  if (!smtp)
    throw new CureError(
      'set the mail server first: intake config set smtp \'{"host":"smtp.example.org","port":587,"secure":false,"from":"Elections <elections@example.org>","user":"elections"}\' (password in INTAKE_SMTP_PASS)',
    );
  const pass = env['INTAKE_SMTP_PASS'] ?? smtp.pass;
  if (smtp.user && !pass)
    throw new CureError(`the mail server account ${smtp.user} needs a password: set INTAKE_SMTP_PASS`);
  return createMailer({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    from: smtp.from,
    ...(smtp.user && pass ? { auth: { user: smtp.user, pass } } : {}),
  });
}

/** One notice sender per database: a lock file beside it; one left by a dead process is taken over. */
function lockSender(dbPath: string): () => void {
  const file = `${dbPath}.notice-sender-lock`;
  return takeLockFile(file, {
    sameProcessHolds: true,
    held: (h) => new CureError(`another notice sender is running (process ${h.pid}, since ${h.since}): wait for it to finish`),
    failed: (e) => (e.message.startsWith('another process') ? new CureError(`cannot take the notice sender lock ${file}`) : e),
  });
}
