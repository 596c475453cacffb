import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the server received it, with the parts the tests read. */
export interface Received {
  to: string[];
  raw: string;
  messageId: string | undefined;
  subject: string | undefined;
  /** The text/plain part, decoded. */
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export interface SmtpServer {
  port: number;
  inbox: Received[];
  /** Credentials clients signed in with (the server accepts any; none is required). */
  logins: { username: string; password: string }[];
  /** Called when a message has fully arrived; return 'hold' to withhold the server's reply. */
  onMessage: ((m: Received) => 'accept' | 'hold') | null;
  close: () => Promise<void>;
}

/** A real SMTP server on loopback (no TLS, sign-in optional) that keeps every message it is given. */
export function startSmtp(): Promise<SmtpServer> {
  const held: (() => void)[] = [];
  const handle: SmtpServer = {
    port: 0,
    inbox: [],
    logins: [],
    onMessage: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of held.splice(0)) release();
        server.close(() => resolve());
      }),
  };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      handle.logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const m = parseMessage(
          session.envelope.rcptTo.map((r) => r.address),
          Buffer.concat(chunks).toString('utf8'),
        );
        handle.inbox.push(m);
        if (handle.onMessage?.(m) === 'hold') held.push(() => callback(new Error('server shutting down')));
        else callback();
      });
    },
  });
  server.on('error', () => undefined); // a client killed mid-session resets its socket
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      handle.port = (server.server.address() as AddressInfo).port;
      resolve(handle);
    });
    server.server.once('error', reject);
  });
}

function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function decode(body: string, encoding: string | undefined): Buffer {
  if (/base64/i.test(encoding ?? '')) return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (/quoted-printable/i.test(encoding ?? '')) {
    const soft = body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i += 1) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(soft.charCodeAt(i));
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(body, 'utf8');
}

/** "=?UTF-8?Q?...?=" / "=?UTF-8?B?...?=" words of a header, as nodemailer writes them. */
function decodeWords(value: string | undefined): string | undefined {
  return value
    ?.replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decode(text.replace(/_/g, ' '), 'quoted-printable').toString('utf8'),
    );
}

/** Just enough MIME for nodemailer's output: one level of multipart/mixed. */
export function parseMessage(to: string[], raw: string): Received {
  const split = raw.indexOf('\r\n\r\n');
  const head = headersOf(raw.slice(0, split));
  const body = raw.slice(split + 4);
  const m: Received = {
    to,
    raw,
    messageId: head.get('message-id'),
    subject: decodeWords(head.get('subject')),
    text: '',
    attachments: [],
  };
  const boundary = /boundary="?([^";]+)"?/i.exec(head.get('content-type') ?? '')?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => p.replace(/^\r\n/, ''))
    : [raw];
  for (const part of parts) {
    const at = part.indexOf('\r\n\r\n');
    const h = headersOf(part.slice(0, at));
    const content = decode(part.slice(at + 4).replace(/\r\n$/, ''), h.get('content-transfer-encoding'));
    const type = h.get('content-type') ?? 'text/plain';
    const filename = /filename="?([^";]+)"?/i.exec(h.get('content-disposition') ?? '')?.[1];
    if (filename) m.attachments.push({ filename, contentType: type.split(';')[0] ?? type, content });
    else if (type.startsWith('text/plain')) m.text = content.toString('utf8').replace(/\r\n/g, '\n');
  }
  return m;
}
