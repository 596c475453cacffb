import { api } from './api.js';

/**
 * Stored images for the screens, by SHA-256: fetched once through the API, decoded ahead of
 * need (the next signature pair is decoded while the reviewer looks at this one), and kept as
 * object URLs in a small cache, oldest dropped first, so a day of review does not fill memory.
 */
const MAX = 48;
interface Entry {
  promise: Promise<string>;
  url: string | null;
}
const cache = new Map<string, Entry>();

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

async function load(sha256: string): Promise<string> {
  const r = await api.call('images.read', { sha256 });
  const url = URL.createObjectURL(new Blob([base64Bytes(r.dataBase64)], { type: r.mediaType }));
  // Decoded now, so showing it later costs no decode on the reviewer's time.
  const img = new Image();
  img.src = url;
  await img.decode().catch(() => undefined);
  return url;
}

/** An object URL for the image, from the cache or fetched and decoded now. */
export function imageUrl(sha256: string): Promise<string> {
  const hit = cache.get(sha256);
  if (hit) {
    cache.delete(sha256);
    cache.set(sha256, hit); // most recently used last
    return hit.promise;
  }
  const entry: Entry = { promise: load(sha256), url: null };
  entry.promise.then(
    (u) => (entry.url = u),
    () => cache.delete(sha256), // a failed fetch is tried again next time
  );
  cache.set(sha256, entry);
  while (cache.size > MAX) {
    const [oldest, e] = cache.entries().next().value as [string, Entry];
    cache.delete(oldest);
    void e.promise.then((u) => URL.revokeObjectURL(u), () => undefined);
  }
  return entry.promise;
}

/** The URL if the image is already fetched and decoded (nothing to wait for), else null. */
export function readyUrl(sha256: string): string | null {
  return cache.get(sha256)?.url ?? null;
}

/** Fetches and decodes these images now; resolves when all are settled (a failure is for the screen to say). */
export async function preload(shas: readonly string[]): Promise<void> {
  await Promise.all(shas.map((s) => imageUrl(s).catch(() => undefined)));
}
