import type { HubLink } from './hub-link.js';
import { ServiceError } from '../../shared/errors.js';
import { imageStoreFor, isSha256, sha256Of, type ImageExt } from '../images/image-store.js';
import type { Store } from '../store/store.js';
import { hubConfigured, hubReader } from './hub-reader.js';

/**
 * Envelope image FILES in county mode (docs/county.md "Envelope images"). The `image.store`
 * audit entries (hash, scan, format) replicate with the rest of the log; this sends the bytes
 * they name to the hub (`intake.put_image`, content-addressed, idempotent) after each push
 * round, and fetches a picture this station never captured on demand (`intake.get_image`).
 * Every file is re-hashed on both sides: a file altered on disk is never sent, and bytes from
 * the hub that do not match their name are never stored.
 */

/** At most this many files per round, so a backlog of pictures never delays receipts. */
export const IMAGES_PER_ROUND = 20;
/** image.store entries looked at per round (the hub is asked which it holds in one call). */
const SCAN_PAGE = 200;

export interface ImagePushProgress {
  /** Audit seq through which every image.store entry has been dealt with (in memory: a restart asks the hub again, cheaply). */
  through: number;
  /** Files found altered on disk: not sent, said in the status line until repaired. */
  altered: Set<string>;
}

export function newImageProgress(): ImagePushProgress {
  return { through: 0, altered: new Set() };
}

export interface ImagePushResult {
  uploaded: number;
  /** Plain words for each file that was not sent (altered on disk). */
  problems: string[];
}

function extOf(format: unknown): ImageExt {
  return format === 'webp' ? 'webp' : 'jpg';
}

/**
 * Sends up to IMAGES_PER_ROUND image files named by image.store entries the hub has already
 * acknowledged (seq ≤ acknowledgedThrough), skipping those the hub holds. Files purged here
 * are skipped (the purge is in the log); altered ones are not sent and reported.
 */
export async function pushImages(store: Store, client: HubLink, acknowledgedThrough: number, progress: ImagePushProgress): Promise<ImagePushResult> {
  const files = imageStoreFor(store.path);
  const problems: string[] = [];
  let uploaded = 0;
  // Files found altered earlier: re-checked each round (a restored file is sent, a still-altered one still reported).
  for (const sha of [...progress.altered]) {
    const st = files.check(sha);
    if (st.state === 'altered') problems.push(alteredWords(sha));
    else {
      progress.altered.delete(sha);
      if (st.state === 'ok' && uploaded < IMAGES_PER_ROUND && (await send(client, sha, files.read(sha).bytes))) uploaded += 1;
    }
  }
  const rows = store.db
    .prepare<[number, number, number], { seq: number; after: string | null }>(
      "SELECT seq, after FROM audit_log WHERE action = 'image.store' AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
    )
    .all(progress.through, acknowledgedThrough, SCAN_PAGE);
  if (rows.length === 0) {
    progress.through = Math.max(progress.through, acknowledgedThrough); // nothing to look at below this again
    return { uploaded, problems };
  }
  const named = rows.map((r) => {
    const after = r.after ? (JSON.parse(r.after) as { sha256?: unknown; format?: unknown }) : {};
    return { seq: r.seq, sha256: typeof after.sha256 === 'string' && isSha256(after.sha256) ? after.sha256 : null, ext: extOf(after.format) };
  });
  const asked = [...new Set(named.flatMap((n) => (n.sha256 ? [n.sha256] : [])))];
  const held = new Set((await client.query<{ v: string[] }>('SELECT intake.has_images($1::text[]) AS v', [asked])).rows[0]?.v ?? []);
  let full = false;
  for (const n of named) {
    if (n.sha256 && !held.has(n.sha256)) {
      if (uploaded >= IMAGES_PER_ROUND) {
        full = true; // the rest next round
        break;
      }
      const st = files.check(n.sha256);
      if (st.state === 'altered') {
        progress.altered.add(n.sha256);
        problems.push(alteredWords(n.sha256));
      } else if (st.state === 'ok') {
        // Read through the store: re-hashed again right before sending. A refusal of this one
        // file (IH03x) is reported and passed over: it must never stall the log's replication.
        try {
          if (await send(client, n.sha256, files.read(n.sha256).bytes)) uploaded += 1;
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (typeof code !== 'string' || !/^IH03\d$/.test(code)) throw e;
          problems.push(`envelope image ${n.sha256.slice(0, 12)}… was not sent: the county hub refused it (${(e as Error).message})`);
        }
        held.add(n.sha256);
      }
    }
    progress.through = n.seq;
  }
  if (!full && rows.length < SCAN_PAGE) progress.through = Math.max(progress.through, acknowledgedThrough);
  return { uploaded, problems };
}

async function send(client: HubLink, sha256: string, bytes: Buffer): Promise<boolean> {
  const r = await client.query<{ v: boolean }>('SELECT intake.put_image($1, $2::bytea) AS v', [sha256, bytes]);
  return r.rows[0]?.v === true;
}

function alteredWords(sha256: string): string {
  return `envelope image ${sha256.slice(0, 12)}… was altered or replaced on disk (its content no longer matches its hash): it was not sent to the county hub; run intake audit verify`;
}

/**
 * An image this station does not hold, from the county hub: verified against its name and
 * stored through the image store (0600) before it is shown. Null when the hub has none either
 * (or no hub is set); the hub's refusals and network failures are ServiceErrors in plain words.
 */
export async function fetchCountyImage(store: Store, sha256: string, env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: Buffer; ext: ImageExt } | null> {
  if (!isSha256(sha256) || !hubConfigured(store)) return null;
  const bytes = await hubReader(store, env).call<Buffer | null>('SELECT intake.get_image($1) AS v', [sha256], 'The county copy of this image is unavailable');
  if (!bytes) return null;
  if (sha256Of(bytes) !== sha256)
    throw new ServiceError('conflict', `the county hub's copy of image ${sha256.slice(0, 12)}… does not match its hash: it was not stored or shown`);
  const ext = sniffExt(bytes);
  if (!ext) throw new ServiceError('conflict', `the county hub's copy of image ${sha256.slice(0, 12)}… is neither WebP nor JPEG: it was not stored or shown`);
  await imageStoreFor(store.path).put(bytes, ext);
  return { bytes, ext };
}

/** WebP (RIFF container, "WEBP" at byte 8: RFC 9649 §2) or JPEG (SOI marker FF D8 FF: ITU T.81 B.1.1.2); the hub keeps bytes only. */
function sniffExt(b: Buffer): ImageExt | null {
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  return null;
}
