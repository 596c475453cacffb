import { imageStoreFor } from '../images/image-store.js';
import { registerImageKeeper, registerImagePurgeHook } from '../images/purge.js';
import type { Store } from '../store/store.js';

/**
 * Retention of signatures on file (issue 19), hooked into `intake images purge` once, when this
 * module loads (main/actions/images.ts imports it, so every purge path has it):
 *  - keeper: an envelope crop kept as a 'prior-envelope' signature on file is not removed while
 *    that signature is live;
 *  - hook: signatures on file that came to the station before the cut-off are marked purged
 *    (rows stay as history), the purge is recorded in the audit log with counts per kind, and
 *    their files are removed unless a live envelope image, a template's sample or another live
 *    signature on file still uses them.
 */
registerImageKeeper('signatures', (store, sha) => store.signatures.liveReferenceUses(sha) > 0);

registerImagePurgeHook('signatures', (store, { beforeIso, actor, at }) => {
  const { shas } = store.write(() => store.signatures.purgeReferencesWithin(beforeIso, actor, at));
  const files = imageStoreFor(store.path);
  const samples = new Set(store.images.templates().map((t) => t.sampleSha256));
  let removed = 0;
  for (const sha of shas) if (!stillUsed(store, sha, samples) && files.remove(sha)) removed += 1;
  return removed;
});

function stillUsed(store: Store, sha: string, samples: Set<string | null>): boolean {
  return store.images.liveUses(sha) > 0 || samples.has(sha) || store.signatures.liveReferenceUses(sha) > 0;
}
