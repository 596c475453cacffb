import fs from 'node:fs';
import type { ActionContext } from '../actions/context.js';
import { oplog } from '../oplog/index.js';
import { sorterPass, type SorterReport } from './sorter.js';

/**
 * Watches the sorter folder (setting images.sorterFolder): a pass shortly after the folder
 * changes (fs.watch) and a periodic rescan besides, since fs.watch misses events on network
 * shares and across some editors' renames. Passes never overlap; each is logged, and one that
 * imports, leaves waiting or refuses anything tells every screen.
 */
export interface SorterWatch {
  /** Runs a pass now (after any running one); resolves with its report. */
  pass(): Promise<SorterReport | null>;
  stop(): void;
}

export function watchSorterFolder(ctx: ActionContext, folder: string, options: { intervalMs?: number; debounceMs?: number } = {}): SorterWatch {
  let running: Promise<SorterReport | null> = Promise.resolve(null);
  let stopped = false;
  let debounce: NodeJS.Timeout | null = null;
  let lastSummary = '';
  const pass = (): Promise<SorterReport | null> => {
    running = running.then(async () => {
      if (stopped) return null;
      try {
        const r = await sorterPass(ctx, folder, 'sorter');
        const summary = `sorter folder: ${r.imported} imported, ${r.pending} waiting for their scans, ${r.refused.length} lines refused`;
        if (r.imported > 0 || summary !== lastSummary) {
          oplog.event(ctx.store, 'image.sorter_pass', r.refused.length > 0 ? 'failure' : 'success', summary);
          if (r.imported > 0 || r.refused.length > 0) ctx.emit('notice', { level: r.refused.length > 0 ? 'warning' : 'info', message: `${summary}.` });
        }
        lastSummary = summary;
        return r;
      } catch (e) {
        const message = `sorter folder not read: ${(e as Error).message}`;
        if (message !== lastSummary) oplog.event(ctx.store, 'image.sorter_pass', 'failure', message);
        lastSummary = message;
        return null;
      }
    });
    return running;
  };
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(folder, () => {
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => void pass(), options.debounceMs ?? 500);
      debounce.unref();
    });
    watcher.on('error', () => undefined); // the periodic rescan carries on
  } catch {
    // a folder not there yet: the rescan finds it when it appears
  }
  const timer = setInterval(() => void pass(), options.intervalMs ?? 10_000);
  timer.unref();
  void pass();
  return {
    pass,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      watcher?.close();
    },
  };
}

/** The station's watch, when a sorter folder is set (the app and `intake serve` start it). */
export function startSorterWatch(ctx: ActionContext): SorterWatch | null {
  const folder = ctx.store.config.get('images.sorterFolder');
  return folder ? watchSorterFolder(ctx, folder) : null;
}
