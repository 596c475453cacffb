import { APP_HOST, APP_SCHEME } from './window.js';

/**
 * The one permission the station's window may have: the document camera (issue 19's envelope
 * images, getUserMedia with video only), asked for by the app's own page (app://station). No
 * microphone, no notifications, no geolocation, nothing for any other origin. Kept pure (no
 * Electron import) so a plain-Node test can attack it. Electron's session API: the request
 * handler gets `details.mediaTypes` ('video' | 'audio') and `details.requestingUrl`; the check
 * handler gets the requesting origin and `details.mediaType`.
 */
function isAppOrigin(urlOrOrigin: string | undefined): boolean {
  if (!urlOrOrigin) return false;
  try {
    const u = new URL(urlOrOrigin);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

/** setPermissionRequestHandler's decision: 'media' for video alone, from app://station; else refused. */
export function allowPermissionRequest(permission: string, details: { requestingUrl?: string; mediaTypes?: readonly string[] }): boolean {
  const types = details.mediaTypes ?? [];
  return permission === 'media' && types.length > 0 && types.every((t) => t === 'video') && isAppOrigin(details.requestingUrl);
}

/** setPermissionCheckHandler's decision: the same rule for Chromium's synchronous checks. */
export function allowPermissionCheck(permission: string, requestingOrigin: string, details: { mediaType?: string; securityOrigin?: string }): boolean {
  return permission === 'media' && details.mediaType === 'video' && isAppOrigin(requestingOrigin) && (details.securityOrigin === undefined || isAppOrigin(details.securityOrigin));
}
