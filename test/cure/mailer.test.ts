import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { createMailer } from '../../main/cure/mailer.js';
import { noticeText } from '../../main/cure/notice-text.js';
import { noticeFor } from './fixtures.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps every message it is given. */
function startServer(): Promise<{ server: SMTPServer; port: number; inbox: Received[] }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const envelope = session.envelope;
        inbox.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as AddressInfo).port;
      resolve({ server, port, inbox });
    });
  });
}

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function header(raw: string, name: string): string | undefined {
  const unfolded = raw.split('\r\n\r\n')[0]?.replace(/\r\n[ \t]+/g, ' ') ?? '';
  const line = unfolded.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The body, decoded from quoted-printable when nodemailer chose it (non-ASCII text). */
function body(raw: string): string {
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(raw)) return text;
  const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
}

describe('createMailer', () => {
  let smtp: { server: SMTPServer; port: number; inbox: Received[] };
  beforeAll(async () => {
    smtp = await startServer();
  });
  afterAll(async () => {
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  it('sends a notice with its subject, body and the Message-ID the caller chose', async () => {
    const mailer = createMailer({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'Elections <elections@example.org>',
    });
    const { subject, text } = { ...noticeText(noticeFor('NC')), text: noticeText(noticeFor('NC')).body };
    const r = await mailer.send({
      to: 'voter@example.net',
      subject,
      text,
      messageId: '<cure-42-1@station.example.org>',
    });
    mailer.close();
    expect(r).toEqual({ ok: true, value: { accepted: ['voter@example.net'] } });
    const got = smtp.inbox.at(-1);
    expect(got?.from).toBe('elections@example.org');
    expect(got?.to).toEqual(['voter@example.net']);
    expect(header(got?.raw ?? '', 'Message-ID')).toBe('<cure-42-1@station.example.org>');
    expect(header(got?.raw ?? '', 'Subject')).toBe(subject);
    const received = body(got?.raw ?? '').replace(/\r\n/g, '\n');
    expect(received).toContain('Your signature is missing from the return envelope.');
    expect(received).toContain('by Thursday, November 14, 2024 at 5:00 PM EST.');
  });

  it('sends Spanish intact and adds the angle brackets a bare Message-ID lacks', async () => {
    const mailer = createMailer({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'elections@example.org',
    });
    const t = noticeText(noticeFor('NC', { language: 'es' }));
    const r = await mailer.send({
      to: 'votante@example.net',
      subject: t.subject,
      text: t.body,
      messageId: 'cure-43-1@station.example.org',
    });
    mailer.close();
    expect(r.ok).toBe(true);
    const got = smtp.inbox.at(-1)?.raw ?? '';
    expect(header(got, 'Message-ID')).toBe('<cure-43-1@station.example.org>');
    expect(body(got)).toContain('Si no la recibimos para entonces, su boleta no se contará.');
    expect(body(got)).toContain('¿Tiene preguntas?');
  });

  it('gives a clear reason when nothing listens on the port', async () => {
    const port = await closedPort();
    const mailer = createMailer({
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'elections@example.org',
      timeoutMs: 5000,
    });
    const r = await mailer.send({ to: 'voter@example.net', subject: 's', text: 't', messageId: '<x@y>' });
    mailer.close();
    expect(r).toEqual({
      ok: false,
      error: `sending via 127.0.0.1:${port} failed: connection refused (ECONNREFUSED)`,
    });
  });

  it('refuses a malformed Message-ID or a header injection without connecting', async () => {
    const mailer = createMailer({ host: '127.0.0.1', port: 1, secure: false, from: 'elections@example.org' });
    const bad = await mailer.send({
      to: 'voter@example.net',
      subject: 's',
      text: 't',
      messageId: 'no at sign',
    });
    expect(bad).toEqual({
      ok: false,
      error: 'not sent: "no at sign" is not a Message-ID (expected <unique@domain>)',
    });
    const injected = await mailer.send({
      to: 'voter@example.net\r\nBcc: x@y',
      subject: 's',
      text: 't',
      messageId: '<a@b>',
    });
    expect(injected).toEqual({ ok: false, error: 'not sent: a line break in the recipient or subject' });
    mailer.close();
  });
});
