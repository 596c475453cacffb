import { describe, expect, it } from 'vitest';
import { allowsPermission } from '../../main/electron/permissions.js';
import { APP_ORIGIN } from '../../main/electron/window.js';

// The Electron window's permission rule: the document camera for the app's own pages, nothing else.
describe('the app window may use the camera and nothing else', () => {
  it('allows video for the app’s own page, and the check that lists cameras', () => {
    expect(allowsPermission('media', `${APP_ORIGIN}/index.html`, ['video'])).toBe(true);
    expect(allowsPermission('media', APP_ORIGIN, undefined)).toBe(true);
  });
  it('refuses the microphone, audio with video, and a request naming nothing', () => {
    expect(allowsPermission('media', `${APP_ORIGIN}/index.html`, ['audio'])).toBe(false);
    expect(allowsPermission('media', `${APP_ORIGIN}/index.html`, ['video', 'audio'])).toBe(false);
    expect(allowsPermission('media', `${APP_ORIGIN}/index.html`, [])).toBe(false);
  });
  it('refuses any other page: another scheme, a look-alike host, a file, garbage', () => {
    for (const url of ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///tmp/x.html', 'app://intake.evil/index.html', `${APP_ORIGIN}.evil/x`, 'not a url', ''])
      expect(allowsPermission('media', url, ['video']), url).toBe(false);
  });
  it('refuses every other permission, even for the app', () => {
    for (const p of ['notifications', 'geolocation', 'display-capture', 'hid', 'serial', 'usb', 'clipboard-read', 'midi', 'openExternal', 'fullscreen'])
      expect(allowsPermission(p, `${APP_ORIGIN}/index.html`, ['video']), p).toBe(false);
  });
});
