import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { lowerThisThread, toLinkError, type FromLink, type ToLink } from './hub-link.js';

/**
 * The county hub connection on its own thread (hub-link.ts), at the priority INTAKE_HUB_NICE asks
 * for. It holds one pg.Client at a time and outlives it: the station asks for a
 * connection (a generation), sends queries with IDs and gets their rows or their error's fields
 * back; the hub's NOTIFYs are passed on, at most one between two queries (a burst of them is one
 * pull, as in the replicator: the pull that follows reads them all).
 */
const port = parentPort;
if (!port) throw new Error('the hub link runs as a worker thread');
const niced = lowerThisThread((workerData as { nice: number }).nice);
const send = (m: FromLink): void => port.postMessage(m);

let client: pg.Client | null = null;
let gen = 0;
let told = false;
let queue: Promise<void> = Promise.resolve();

/** Closes a connection without a word (its 'end' is not a failure when the station asked). */
function close(c: pg.Client): Promise<void> {
  c.removeAllListeners('end');
  c.removeAllListeners('notification');
  c.on('error', () => undefined);
  return c.end().catch(() => undefined);
}

function connect(m: Extract<ToLink, { type: 'connect' }>): void {
  if (client) void close(client);
  const c = new pg.Client(m.config);
  client = c;
  gen = m.gen;
  told = false;
  queue = Promise.resolve();
  const mine = () => client === c;
  const lost = (e: unknown) => {
    if (!mine()) return;
    client = null;
    send({ type: 'error', gen: m.gen, id: null, error: toLinkError(e) });
    void close(c);
  };
  // A connection that fails after it opened fails every query after it: the station reconnects.
  c.on('error', lost);
  c.on('end', () => lost(new Error('Connection terminated')));
  c.on('notification', () => {
    if (told || !mine()) return;
    told = true;
    send({ type: 'notify', gen: m.gen });
  });
  c.connect()
    .then(() => c.query(`LISTEN ${m.channel}`))
    .then(
      () => mine() && send({ type: 'ready', gen: m.gen, nice: niced }),
      (e: unknown) => lost(e),
    );
}

port.on('message', (m: ToLink) => {
  if (m.type === 'connect') return connect(m);
  if (m.type === 'end') {
    const c = client;
    client = null;
    void (c ? close(c) : Promise.resolve()).finally(() => process.exit(0));
    return;
  }
  if (m.type === 'close') {
    if (client && m.gen === gen) {
      void close(client);
      client = null;
    }
    return;
  }
  const c = client;
  if (!c || m.gen !== gen) {
    send({ type: 'error', gen: m.gen, id: m.id, error: toLinkError(new Error('the link to the county hub was closed')) });
    return;
  }
  told = false;
  // One at a time, in the order asked, as on a pg.Client of the station's own (which queues them).
  queue = queue.then(() =>
    c.query(m.text, m.values).then(
      (r) => send({ type: 'result', gen: m.gen, id: m.id, rows: r.rows }),
      (e: unknown) => send({ type: 'error', gen: m.gen, id: m.id, error: toLinkError(e) }),
    ),
  );
});
