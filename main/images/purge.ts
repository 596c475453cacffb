import { ServiceError } from '../../shared/errors.js';
import type { Store } from '../store/store.js';
import { imageStoreFor } from './image-store.js';

/**
 * Retention: images of voters' signatures are kept only as long as the state's rule says. A
 * purge removes the files of images captured before a day, keeps their rows (who captured
 * what, when) marked purged, and records the purge in the audit log, never silently.
 *
 * Other image owners (reference signatures on file, issue 19's second part) register a hook:
 * each is called with the same cut-off inside the purge and reports how many it removed.
 */
export type PurgeHook = (store: Store, input: { beforeIso: string; actor: string; at: string }) => number;

const hooks = new Map<string, PurgeHook>();
/** Other tables that may point at the same file (a reviewed envelope's crop kept as a signature on file). */
const keepers = new Map<string, (store: Store, sha256: string) => boolean>();

export function registerImagePurgeHook(name: string, hook: PurgeHook): void {
  hooks.set(name, hook);
}

/** A file this owner still uses is never removed by a purge of envelope images. */
export function registerImageKeeper(name: string, inUse: (store: Store, sha256: string) => boolean): void {
  keepers.set(name, inUse);
}

const keptElsewhere = (store: Store, sha: string) => [...keepers.values()].some((inUse) => inUse(store, sha));

export interface PurgeReport {
  before: string;
  images: number;
  files: number;
  hooks: Record<string, number>;
}

/** Removes image files captured before `beforeDate` (a day, YYYY-MM-DD; its start in UTC is the cut-off). */
export function purgeImages(store: Store, beforeDate: string, actor: string, at: string): PurgeReport {
  const beforeIso = `${beforeDate}T00:00:00.000Z`;
  if (Number.isNaN(Date.parse(beforeIso))) throw new ServiceError('invalid', `"${beforeDate}" is not a day (YYYY-MM-DD)`);
  const files = imageStoreFor(store.path);
  const { ids, shas } = store.write(() => {
    const rows = store.images.capturedBefore(beforeIso);
    const ids = rows.map((r) => r.id);
    store.images.markPurgedWithin(ids, at, actor);
    // The entry names the cut-off and the count: `audit verify` checks every purged row against it.
    store.audit.append(
      { actor, action: 'image.purge', entity: 'image', entityId: null, before: { before: beforeIso }, after: { before: beforeIso, images: ids.length, purgedAt: at } },
      at,
    );
    return { ids, shas: new Set(rows.map((r) => r.sha256)) };
  });
  // Files go after the commit: a crash in between leaves a purged row whose file remains (purged again next time), never a live row without its file.
  const samples = new Set(store.images.templates().map((t) => t.sampleSha256));
  let removed = 0;
  for (const sha of shas) if (store.images.liveUses(sha) === 0 && !samples.has(sha) && !keptElsewhere(store, sha) && files.remove(sha)) removed += 1;
  const hookCounts: Record<string, number> = {};
  for (const [name, hook] of hooks) hookCounts[name] = hook(store, { beforeIso, actor, at });
  return { before: beforeDate, images: ids.length, files: removed, hooks: hookCounts };
}
