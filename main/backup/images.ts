import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { imageStoreFor } from '../images/image-store.js';
import { copyPrivateSync, ensurePrivateDir } from '../store/private-file.js';
import { ServiceError } from '../../shared/errors.js';

/**
 * Images go with a backup (issue 19): a station restored elsewhere must have its envelope images
 * and signatures on file, or `audit verify` names them missing. Design: a backup `FILE` keeps its
 * images in the image store beside it (`<folder of FILE>/images/ab/<sha256>.webp`, the station's
 * own layout, 0700 folders / 0600 files). Files are named by their SHA-256, so backups in one
 * folder share one copy of each picture and a later backup copies only new ones. Restore checks
 * every picture the backup's database names against its name's hash before anything is replaced.
 */

/** Every image a database still needs: live envelope images, live signatures on file, templates' samples. */
function neededImages(databaseFile: string): string[] {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    const parts: string[] = [];
    if (has('envelope_images')) parts.push('SELECT sha256 FROM envelope_images WHERE purged_at IS NULL');
    if (has('image_templates')) parts.push('SELECT sample_sha256 FROM image_templates WHERE sample_sha256 IS NOT NULL');
    if (has('reference_signatures')) parts.push('SELECT sha256 FROM reference_signatures WHERE purged_at IS NULL');
    if (parts.length === 0) return [];
    return db.prepare<[], string>(parts.join(' UNION ')).pluck().all();
  } finally {
    db.close();
  }
}

/**
 * Copies the images `databaseFile` needs from the image store beside `fromDb` to the one beside
 * `toDb`, each checked against its name first; a picture already there and intact is not copied
 * again. A missing or altered picture is refused by name (`what` says which side it was on).
 */
export function copyNeededImages(databaseFile: string, fromDb: string, toDb: string, what: string): number {
  const from = imageStoreFor(fromDb);
  const to = imageStoreFor(toDb);
  const needed = neededImages(databaseFile);
  // Every picture is checked before the first is copied: a refused restore leaves nothing half done.
  const sources = needed.map((sha) => {
    const s = from.check(sha);
    if (s.state === 'missing') throw new ServiceError('failed', `image ${sha} is missing from ${what} (${from.root}): nothing was copied`);
    if (s.state === 'altered') throw new ServiceError('failed', `image ${path.relative(path.dirname(from.root), from.pathOf(sha, s.ext))} in ${what} was altered (it hashes to ${s.actual.slice(0, 16)}…): nothing was copied`);
    return { sha, ext: s.ext };
  });
  let copied = 0;
  for (const { sha, ext } of sources) {
    if (to.check(sha).state === 'ok') continue;
    const dest = to.pathOf(sha, ext);
    ensurePrivateDir(to.root);
    ensurePrivateDir(path.dirname(dest));
    fs.rmSync(`${dest}.partial`, { force: true });
    copyPrivateSync(from.pathOf(sha, ext), `${dest}.partial`);
    fs.renameSync(`${dest}.partial`, dest);
    copied += 1;
  }
  return copied;
}
