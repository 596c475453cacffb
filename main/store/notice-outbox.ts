import type { AuditLog } from './audit.js';
import type { CureCase } from './cure.js';
import type { Db } from './db.js';

export interface NoticeRow {
  notice_id: number;
  case_id: number;
  channel: 'mail' | 'email' | 'text' | 'phone';
  language: string;
  recipient: string | null;
  message_id: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  queued_at: string;
  sent_at: string | null;
}


/** Records a step on a case that keeps its state (when the case is still there). */
export type NoteOnCase = (caseId: number, actor: string, reason: string, detail: unknown, at: string) => void;

/** The cure notice outbox: notices queued with a case's step, claimed and sent by cure/outbox.ts. */
export class NoticeOutbox {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly noteOnCase: NoteOnCase,
  ) {}


  /** Queues a notice; the caller's transaction also records the step that caused it. */
  enqueueWithin(
    c: CureCase,
    notice: { channel: NoticeRow['channel']; language: string; recipient: string | null; messageId: string },
    actor: string,
    at: string,
  ): NoticeRow {
    const id = Number(
      this.db
        .prepare(
          "INSERT INTO notice_outbox (case_id, channel, language, recipient, message_id, status, queued_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
        )
        .run(c.caseId, notice.channel, notice.language, notice.recipient, notice.messageId, at)
        .lastInsertRowid,
    );
    // The recipient is contact data: the audit entry names the case and the message, not the address.
    this.audit.append(
      {
        actor,
        action: 'cure.notice-queued',
        entity: 'notice',
        entityId: String(id),
        before: null,
        after: {
          caseId: c.caseId,
          ballotId: c.ballotId,
          channel: notice.channel,
          language: notice.language,
          messageId: notice.messageId,
        },
      },
      at,
    );
    const row = this.get(id);
    if (!row) throw new Error(`notice ${id} vanished`);
    return row;
  }

  get(noticeId: number): NoticeRow | undefined {
    return this.db
      .prepare<[number], NoticeRow>('SELECT * FROM notice_outbox WHERE notice_id = ?')
      .get(noticeId);
  }

  /** Notices a sender still owes: queued ones, and ones a crashed sender left half-sent. */
  toSend(channel: NoticeRow['channel']): NoticeRow[] {
    return this.db
      .prepare<[string], NoticeRow>(
        "SELECT * FROM notice_outbox WHERE channel = ? AND status IN ('queued','sending') ORDER BY notice_id",
      )
      .all(channel);
  }

  /**
   * Marks a notice `sending` before its sender talks to the mail server (one auto-committed
   * statement). It only succeeds from the status and attempt count the sender read, so two
   * senders that read the same row cannot both claim it.
   */
  claim(n: NoticeRow): boolean {
    return (
      this.db
        .prepare(
          "UPDATE notice_outbox SET status = 'sending', attempts = attempts + 1 WHERE notice_id = ? AND status = ? AND attempts = ?",
        )
        .run(n.notice_id, n.status, n.attempts).changes === 1
    );
  }

  /** The mail server took the notice: `sent`, a step on the case (when it is still there) and an audit entry. */
  sentWithin(noticeId: number, actor: string, at: string): NoticeRow {
    const n = this.get(noticeId);
    if (!n || n.status !== 'sending')
      throw new Error(`notice ${noticeId} is not being sent (${n?.status ?? 'missing'})`);
    this.db
      .prepare("UPDATE notice_outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE notice_id = ?")
      .run(at, noticeId);
    this.noteOnCase(n.case_id, actor, `notice ${n.channel} sent (${n.language})`, { noticeId, messageId: n.message_id }, at);
    this.audit.append(
      {
        actor,
        action: 'cure.notice-sent',
        entity: 'notice',
        entityId: String(noticeId),
        before: { status: 'sending' },
        after: { caseId: n.case_id, messageId: n.message_id, attempts: n.attempts },
      },
      at,
    );
    return { ...n, status: 'sent', sent_at: at, last_error: null };
  }

  /** A send that did not go through: back to `queued` for the next run, or `failed` for good (audited). */
  unsentWithin(
    noticeId: number,
    status: 'queued' | 'failed',
    error: string,
    actor: string,
    at: string,
  ): void {
    const n = this.get(noticeId);
    if (!n) throw new Error(`no notice ${noticeId}`);
    this.db
      .prepare('UPDATE notice_outbox SET status = ?, last_error = ? WHERE notice_id = ?')
      .run(status, error, noticeId);
    if (status === 'failed')
      this.audit.append(
        {
          actor,
          action: 'cure.notice-failed',
          entity: 'notice',
          entityId: String(noticeId),
          before: { status: n.status },
          after: { caseId: n.case_id, messageId: n.message_id, error },
        },
        at,
      );
  }

  ofCase(caseId: number): NoticeRow[] {
    return this.db
      .prepare<[number], NoticeRow>('SELECT * FROM notice_outbox WHERE case_id = ? ORDER BY notice_id')
      .all(caseId);
  }
}
