/**
 * The mail reads' thread (reads.ts, reads-off-thread.ts): one read-only connection to the station's
 * database, opened at the first request, answering one request at a time in the order they came.
 * Each read sees what was committed when it began (WAL), as on the station's own connection.
 */
import { parentPort } from 'node:worker_threads';
import { ServiceError } from '../../shared/errors.js';
import { Store } from '../store/store.js';
import { runMailRead } from './reads.js';
import type { ReadRequest, ReadResponse } from './reads-off-thread.js';

let store: Store | null = null;

parentPort?.on('message', (req: ReadRequest) => {
  let res: ReadResponse;
  try {
    if (store?.path !== req.file) {
      store?.close();
      store = Store.open(req.file, { readonly: true });
    }
    const now = new Date(req.now);
    res = { id: req.id, ok: true, value: runMailRead({ store, clock: () => now }, req.actor, req.read) };
  } catch (e) {
    const service = e instanceof ServiceError;
    res = { id: req.id, ok: false, service, code: service ? e.code : 'internal', message: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(res);
});
