import path from 'node:path';
import { APP_CONTENT_SECURITY_POLICY, APP_HOST, APP_SCHEME } from './window.js';
import { contentTypeOf } from '../../shared/content-types.js';

/**
 * The app:// handler's one decision, kept pure so a plain-Node test can attack it: which file
 * under the renderer folder a request names, or null (refused) for another host, a malformed
 * escape, a NUL, or any path that would leave the folder (`..`, encoded `%2e%2e`, `%2f`, `\`).
 */
export function resolveAppPath(rendererDir: string, requestUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  rel = rel === '/' ? 'index.html' : rel.replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, rel);
  return file.startsWith(root + path.sep) ? file : null;
}

/** Headers of every app:// answer: its type, and the CSP that lets the renderer connect nowhere. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentTypeOf(path.extname(file)),
    'Content-Security-Policy': APP_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  };
}
