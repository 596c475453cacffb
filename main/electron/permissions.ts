import { APP_HOST, APP_SCHEME } from './window.js';

/**
 * The one device permission the app's window may have: the camera (video only, never the
 * microphone) for the station's own pages, so the Scan screen can photograph an envelope's back
 * with the document camera. Every other permission (notifications, geolocation, screen capture,
 * HID, serial from the page…) stays refused; the main process opens scanners itself.
 */
export function allowsPermission(permission: string, requestingUrl: string, mediaTypes: readonly string[] | undefined): boolean {
  if (permission !== 'media') return false;
  if (!isAppPage(requestingUrl)) return false;
  // A check (enumerating cameras) carries no media types; a request names what it wants.
  return mediaTypes === undefined || (mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video'));
}

function isAppPage(url: string): boolean {
  try {
    const u = new URL(url); // a custom scheme's origin is "null": compare its parts
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
