import { CHANGES_MAX_LIMIT } from '../../shared/sync/contract.js';
import { applyStateChangeWithin } from '../store/roll.js';
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
export async function pullChanges(store: Store, target: SyncTarget, limit = CHANGES_MAX_LIMIT): Promise<ChangesReport> {
  const unsafe = unsafeStateUrl(target.baseUrl);
  if (unsafe) throw new SyncError(unsafe);
  const report: ChangesReport = { pages: 0, applied: 0, unchanged: 0, unknown: 0, cursor: store.sync.cursor(CURSOR) };
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
    const at = new Date().toISOString();
    store.write(() => {
      const importId = Number(
        store.db
          .prepare(
            `INSERT INTO roll_imports (started_at, finished_at, file, format, operator, read, imported, updated, unchanged, rejected)
             VALUES (?, ?, ?, 'state-changes', 'sync', ?, 0, 0, 0, 0)`,
          )
          .run(at, at, `${target.baseUrl}/v1/changes?since=${report.cursor ?? ''}`, page.changes.length).lastInsertRowid,
      );
      let applied = 0;
      for (const c of page.changes) {
        const r = applyStateChangeWithin(store.db, importId, c);
        if (r === 'applied') applied += 1;
        else if (r === 'unchanged') report.unchanged += 1;
        else report.unknown += 1;
      }
      report.applied += applied;
      store.db.prepare('UPDATE roll_imports SET updated = ? WHERE import_id = ?').run(applied, importId);
      store.sync.setCursorWithin(CURSOR, page.next, at);
      store.audit.append({ actor: 'sync', action: 'roll.state-changes', entity: 'roll_import', entityId: String(importId), before: { cursor: report.cursor }, after: { cursor: page.next, changes: page.changes.length, applied } }, at);
    });
    report.pages += 1;
    report.cursor = page.next;
    if (page.changes.length < limit) return report;
  }
}
