// A station process for the outbox crash tests, run with `node --import tsx`. The test kills it
// with SIGKILL at the moment it wants: nothing here cleans up, as nothing would in a crash.
//   queue DB CASE:EMAIL…   queues the e-mails, prints "queued", then waits to be killed
//   send DB PORT           sends the outbox to the SMTP server on 127.0.0.1:PORT
import { createMailer } from '../../main/cure/mailer.js';
import { queueEmailNotice, sendQueuedNotices } from '../../main/cure/outbox.js';
import { Store } from '../../main/store/store.js';

const [mode, db, ...rest] = process.argv.slice(2);
if (!db) throw new Error('usage: outbox-child queue|send DB …');
const store = Store.open(db);

if (mode === 'queue') {
  for (const pair of rest) {
    const [caseId, email] = pair.split(':');
    const q = await queueEmailNotice(
      store,
      { caseId: Number(caseId), email: email ?? '', language: 'en' },
      { name: 'sue', role: 'supervisor' },
    );
    process.stdout.write(`${JSON.stringify({ noticeId: q.noticeId, messageId: q.messageId })}\n`);
  }
  process.stdout.write('queued\n');
  // The crash comes before any sender runs.
  setInterval(() => undefined, 60_000);
} else if (mode === 'send') {
  const mailer = createMailer({
    host: '127.0.0.1',
    port: Number(rest[0]),
    secure: false,
    from: 'elections@wake.example.org',
  });
  const report = await sendQueuedNotices(store, mailer, { actor: 'child' });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  mailer.close();
  store.close();
} else throw new Error(`unknown mode ${mode ?? ''}`);
