import { CHANGES_DEFAULT_LIMIT, CHANGES_MAX_LIMIT } from '../../shared/sync/contract.js';
import type { Reply } from './batches.js';
import type { StateStore } from './store.js';

/**
 * `GET /v1/changes?since=<cursor>&limit=N`. The cursor is opaque to the station; here it is
 * "v1." and the sequence number of the last change returned. No `since` starts at the beginning;
 * with nothing new, `next` is the cursor that was given, so the station can keep it.
 */
const CURSOR = /^v1\.(0|[1-9]\d{0,14})$/;

export const cursorOf = (seq: number): string => `v1.${seq}`;

export function listChanges(store: StateStore, query: URLSearchParams): Reply {
  const since = query.get('since');
  const seq = since === null || since === '' ? 0 : Number(CURSOR.exec(since)?.[1] ?? NaN);
  if (Number.isNaN(seq)) return bad(`since: not a cursor of this server: ${since}`);
  const limitText = query.get('limit');
  const limit = limitText === null ? CHANGES_DEFAULT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '0') || !Number.isInteger(limit) || limit < 1 || limit > CHANGES_MAX_LIMIT) {
    return bad(`limit: an integer from 1 to ${CHANGES_MAX_LIMIT}, got ${limitText}`);
  }
  const rows = store.changesAfter(seq, limit);
  const last = rows.at(-1)?.seq ?? seq;
  return {
    status: 200,
    body: { changes: rows.map((r) => r.change), next: cursorOf(last) },
    outcome: 'changes',
  };
}

const bad = (error: string): Reply => ({ status: 400, body: { error }, outcome: 'bad-query' });
