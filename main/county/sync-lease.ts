import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../shared/errors.js';
import type { Store } from '../store/store.js';
import { hubConfigured, hubReader, type HubReader } from './hub-reader.js';

/**
 * The county's one sync to the state (docs/county.md). A station in a county sends batches only
 * while it holds the hub's lease (intake.sync_lease: one row, the station and run that hold it,
 * until when); every other station's sync refuses in plain words naming the holder. Before each
 * batch the run renews the lease and claims the batch at the hub (intake.sync_sent): a batch
 * claimed by another station is never sent from here. A holder that dies lets go when its lease
 * expires (LEASE_SECONDS after its last renewal).
 */
export const LEASE_SECONDS = 120;

interface LeaseAnswer {
  granted: boolean;
  station: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface CountySync {
  readonly station: string;
  /** null: go ahead; else why this batch is not sent from here. */
  claim(batchId: string): Promise<string | null>;
  acknowledged(batchId: string, ack: string): Promise<void>;
  /** The county's change-feed cursor at the hub (null: never pulled). */
  feedCursor(): Promise<string | null>;
  setFeedCursor(cursor: string): Promise<void>;
}

const clockWords = (iso: string) => new Date(iso).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });

function refusal(l: LeaseAnswer): ServiceError {
  return new ServiceError(
    'conflict',
    `Station ${l.station} is sending the county's batches to the state (since ${clockWords(l.acquiredAt)}). Only one station syncs at a time: sync from station ${l.station}, or try again after it finishes (by ${clockWords(l.expiresAt)} at the latest).`,
  );
}

async function acquire(hub: HubReader, run: string): Promise<LeaseAnswer> {
  return hub.call<LeaseAnswer>('SELECT intake.sync_lease_acquire($1, $2) AS v', [run, LEASE_SECONDS], 'Cannot sync to the state now');
}

/**
 * Runs `fn` holding the county's sync lease, when this station is in a county; otherwise runs it
 * as today (a station on its own needs no hub). The lease is let go when `fn` ends, however it ends.
 */
export async function withCountySync<T>(store: Store, env: NodeJS.ProcessEnv, fn: (county: CountySync | null) => Promise<T>): Promise<T> {
  if (!hubConfigured(store)) return fn(null);
  const hub = hubReader(store, env);
  const run = `${hub.station}:${randomUUID()}`;
  const first = await acquire(hub, run);
  if (!first.granted) throw refusal(first);
  const county: CountySync = {
    station: hub.station,
    async claim(batchId) {
      const renewed = await acquire(hub, run);
      if (!renewed.granted) return `the county's sync lease passed to station ${renewed.station}`;
      const c = await hub.call<{ claimed: boolean; station: string }>('SELECT intake.sync_batch_claim($1, $2) AS v', [run, batchId], 'Cannot sync to the state now');
      return c.claimed ? null : `station ${c.station} has already sent this batch to the state`;
    },
    async acknowledged(batchId, ack) {
      // The claim already keeps the batch from going twice; a lost "done" only leaves the ack unrecorded.
      await hub.call('SELECT intake.sync_batch_done($1, $2) AS v', [batchId, ack]).catch(() => undefined);
    },
    async feedCursor() {
      const f = await hub.call<{ cursor?: string | null }>('SELECT intake.feed_cursor() AS v', [], 'Cannot read the county change-feed cursor');
      return f.cursor ?? null;
    },
    async setFeedCursor(cursor) {
      await hub.call('SELECT intake.feed_cursor_set($1, $2) AS v', [run, cursor], 'Cannot record the county change-feed cursor');
    },
  };
  try {
    return await fn(county);
  } finally {
    await hub.call('SELECT intake.sync_lease_release($1) AS v', [run]).catch(() => undefined);
  }
}
