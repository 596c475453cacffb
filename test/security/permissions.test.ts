import { describe, expect, it } from 'vitest';
import { allowPermissionCheck, allowPermissionRequest } from '../../main/electron/permissions.js';

const APP = 'app://station/index.html';

describe('Electron permissions: the document camera for the app, nothing else', () => {
  it('allows media with video only from app://station', () => {
    expect(allowPermissionRequest('media', { requestingUrl: APP, mediaTypes: ['video'] })).toBe(true);
    expect(allowPermissionRequest('media', { requestingUrl: 'app://station/#/images', mediaTypes: ['video'] })).toBe(true);
    expect(allowPermissionCheck('media', 'app://station', { mediaType: 'video', securityOrigin: 'app://station/' })).toBe(true);
  });

  it('refuses audio, audio with video, no media type, and unknown media types', () => {
    expect(allowPermissionRequest('media', { requestingUrl: APP, mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: APP, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: APP, mediaTypes: [] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: APP })).toBe(false);
    expect(allowPermissionCheck('media', 'app://station', { mediaType: 'audio' })).toBe(false);
    expect(allowPermissionCheck('media', 'app://station', { mediaType: 'unknown' })).toBe(false);
    expect(allowPermissionCheck('media', 'app://station', {})).toBe(false);
  });

  it('refuses other origins: the web, file://, look-alike hosts, credentials and ports in the URL, garbage', () => {
    for (const url of ['https://evil.example/', 'file:///opt/app/index.html', 'app://station.evil/', 'app://evil/', 'app://user@station/', 'app://station:8080/', 'http://station/', 'not a url', ''])
      expect(allowPermissionRequest('media', { requestingUrl: url, mediaTypes: ['video'] }), url).toBe(false);
    expect(allowPermissionCheck('media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    expect(allowPermissionCheck('media', 'app://station', { mediaType: 'video', securityOrigin: 'https://evil.example/' })).toBe(false);
  });

  it('refuses every other permission, even from the app', () => {
    for (const p of ['geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'mediaKeySystem', 'hid', 'serial', 'usb', 'unknown']) {
      expect(allowPermissionRequest(p, { requestingUrl: APP, mediaTypes: ['video'] }), p).toBe(false);
      expect(allowPermissionCheck(p, 'app://station', { mediaType: 'video' }), p).toBe(false);
    }
  });
});
