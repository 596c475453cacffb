import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { lowerThisThread, toLinkError, type FromLink, type ToLink } from './hub-link.js';

/**
 * The county hub connection on its own thread (hub-link.ts): one pg.Client, at a lower CPU
 * priority than the station's scans. Queries come in with an ID and go back with their rows or
 * their error's fields; the hub's NOTIFYs are passed on, at most one between two queries (a
 * burst of them is one pull, as in the replicator: the pull that follows reads them all).
 */
const port = parentPort;
if (!port) throw new Error('the hub link runs as a worker thread');
const { config, channel, nice } = workerData as { config: pg.ClientConfig; channel: string; nice: number };
const niced = lowerThisThread(nice);

const send = (m: FromLink): void => port.postMessage(m);
const client = new pg.Client(config);
let told = false;
let queue: Promise<void> = Promise.resolve();
// A link that fails after it opened fails every query after it: the station reconnects.
client.on('error', (e) => send({ type: 'error', id: null, error: toLinkError(e) }));
client.on('notification', () => {
  if (told) return;
  told = true;
  send({ type: 'notify' });
});
client.on('end', () => send({ type: 'error', id: null, error: toLinkError(new Error('Connection terminated')) }));

port.on('message', (m: ToLink) => {
  if (m.type === 'end') {
    client.removeAllListeners('end');
    void client
      .end()
      .catch(() => undefined)
      .finally(() => process.exit(0));
    return;
  }
  told = false;
  // One at a time, in the order asked, as on a pg.Client of the station's own (which queues them).
  queue = queue.then(() =>
    client.query(m.text, m.values).then(
      (r) => send({ type: 'result', id: m.id, rows: r.rows }),
      (e: unknown) => send({ type: 'error', id: m.id, error: toLinkError(e) }),
    ),
  );
});

client
  .connect()
  .then(() => client.query(`LISTEN ${channel}`))
  .then(
    () => send({ type: 'ready', nice: niced }),
    (e: unknown) => {
      send({ type: 'error', id: null, error: toLinkError(e) });
      client.removeAllListeners('end');
      void client.end().catch(() => undefined);
    },
  );
