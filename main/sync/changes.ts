import { CHANGES_MAX_LIMIT } from '../../shared/sync/contract.js';
import type { Store } from '../store/store.js';
import { getChanges, unsafeStateUrl } from './http.js';
import { SyncError, type SyncTarget } from './sender.js';

export interface ChangesReport {
  pages: number;
  applied: number;
  unchanged: number;
  unknown: number;
  cursor: string | null;
}

const CURSOR = 'state-changes';

/**
 * Pulls the state's change feed (cancelled, voted in person, reissued) into the roll. Each page
 * is applied together with its cursor in one transaction, so a crash re-reads at most one
 * page, and re-applying a page changes nothing (every change is idempotent).
 */
export async function pullChanges(
  store: Store,
  target: SyncTarget,
  limit = CHANGES_MAX_LIMIT,
  /** In a county (docs/county.md): start from the county's cursor at the hub and move it after each page, so the feed is read once county-wide. */
  county?: { since: string | null; onPage: (cursor: string) => Promise<void> },
): Promise<ChangesReport> {
  const unsafe = unsafeStateUrl(target.baseUrl);
  if (unsafe) throw new SyncError(unsafe);
  const report: ChangesReport = { pages: 0, applied: 0, unchanged: 0, unknown: 0, cursor: county?.since ?? store.sync.cursor(CURSOR) };
  const timeoutMs = target.timeoutMs ?? (store.config.get('syncTimeoutSeconds') ?? 15) * 1000;
  for (;;) {
    const page = await getChanges({ baseUrl: target.baseUrl, token: target.token, since: report.cursor, limit, timeoutMs });
    switch (page.kind) {
      case 'unauthorized':
        throw new SyncError('the state refused the token (401) for the change feed');
      case 'rejected':
        throw new SyncError(`the state refused the change-feed request: ${page.error}`);
      case 'retry':
        throw new SyncError(`the change feed is not answering (${page.reason}: ${page.detail}); try again later`);
      case 'changes':
        break;
    }
    const r = store.sync.applyStateChanges(
      { source: `${target.baseUrl}/v1/changes?since=${report.cursor ?? ''}`, changes: page.changes, cursorName: CURSOR, from: report.cursor, next: page.next },
      new Date().toISOString(),
    );
    report.applied += r.applied;
    report.unchanged += r.unchanged;
    report.unknown += r.unknown;
    report.pages += 1;
    report.cursor = page.next;
    await county?.onPage(page.next);
    if (page.changes.length < limit) return report;
  }
}
