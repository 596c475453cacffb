import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

/**
 * A thin wrapper over nodemailer's SMTP transport for cure notices. Each message carries the
 * Message-ID its caller chose: the notice outbox stores that ID before sending, so a send
 * retried after a crash is recognisable as the same message. No global state: one mailer per
 * createMailer call, closed by its owner.
 */

export interface MailerConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
  /** The From address of every notice, e.g. "County Elections <elections@example.org>". */
  from: string;
  /** Connect, greeting and socket timeouts (default 30 s). */
  timeoutMs?: number;
}

export interface NoticeMessage {
  to: string;
  subject: string;
  text: string;
  /** "<unique@domain>" (angle brackets added when missing). */
  messageId: string;
  /** E.g. the notice letter as a PDF. */
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface Mailer {
  send(msg: NoticeMessage): Promise<Result<{ accepted: string[] }>>;
  close(): void;
}

const HEADER_BREAK = /[\r\n]/;
const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

export function normaliseMessageId(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

function checkMessage(msg: NoticeMessage): string | null {
  if (!MESSAGE_ID.test(normaliseMessageId(msg.messageId)))
    return `"${msg.messageId}" is not a Message-ID (expected <unique@domain>)`;
  if (HEADER_BREAK.test(msg.to) || HEADER_BREAK.test(msg.subject))
    return 'a line break in the recipient or subject';
  if (!msg.to.includes('@')) return `"${msg.to}" is not an e-mail address`;
  return null;
}

function addressText(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

function describeError(e: unknown, where: string): string {
  const error = e as { message?: string; code?: string; responseCode?: number };
  const message = error.message ?? String(e);
  // nodemailer wraps socket errors as ESOCKET; the cause is in the message.
  if (/ECONNREFUSED/.test(message)) return `sending via ${where} failed: connection refused (ECONNREFUSED)`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `sending via ${where} failed: host not found`;
  const code = error.code ? ` (${error.code}${error.responseCode ? ` ${error.responseCode}` : ''})` : '';
  return `sending via ${where} failed: ${message}${code}`;
}

export function createMailer(config: MailerConfig): Mailer {
  const timeout = config.timeoutMs ?? 30_000;
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
  };
  const transport = createTransport(options);
  const where = `${config.host}:${config.port}`;
  return {
    async send(msg) {
      const invalid = checkMessage(msg);
      if (invalid) return err(`not sent: ${invalid}`);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          messageId: normaliseMessageId(msg.messageId),
          ...(msg.attachments
            ? {
                attachments: msg.attachments.map((a) => ({
                  filename: a.filename,
                  content: Buffer.from(a.content),
                  contentType: a.contentType,
                })),
              }
            : {}),
        });
        const accepted = info.accepted.map(addressText);
        if (accepted.length === 0)
          return err(
            `${where} accepted no recipient (rejected: ${info.rejected.map(addressText).join(', ')})`,
          );
        return ok({ accepted });
      } catch (e) {
        return err(describeError(e, where));
      }
    },
    close() {
      transport.close();
    },
  };
}
