import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appResponseHeaders, resolveAppPath } from '../../main/electron/app-protocol.js';

// The app:// handler of the Electron shell serves the bundled renderer and nothing else. The
// handler's one decision is a pure function, attacked here as a hostile page would.

const root = path.resolve('/opt/intake/dist/renderer');
const inside = (p: string | null) => p !== null && p.startsWith(root + path.sep);

describe('app://station/ path resolution', () => {
  it('serves the renderer folder', () => {
    expect(resolveAppPath(root, 'app://station/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://station/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://station/assets/index-abc.js?v=1#x')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppPath(root, 'app://station/assets/a%20b.css')).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it('keeps dot segments inside the folder (the URL parser folds them at the root)', () => {
    expect(resolveAppPath(root, 'app://station/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://station/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
  });

  it('refuses every way out of the folder, another host, another scheme, and malformed escapes', () => {
    for (const url of [
      'app://station/..%2f..%2fetc%2fpasswd',
      'app://station/assets/..%2f..%2f..%2fpackage.json',
      'app://station/..%5c..%5cwindows%5cwin.ini',
      'app://station/%00index.html',
      'app://station/index.html%00.png',
      'app://station/%',
      'app://station/%C0%AE%C0%AE/',
      'app://evil/index.html',
      'app://station.evil/index.html',
      'file:///etc/passwd',
      'https://station/index.html',
      'not a url',
      'app://station/' + '..%2f'.repeat(50) + 'etc/shadow',
    ])
      expect(resolveAppPath(root, url), url).toBeNull();
  });

  it('never resolves outside the renderer folder, whatever the path (fast-check)', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '..%2f', '%2f', '%5c', '%00', '%', 'assets', 'index.html', '', '~', '%252e%252e'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (parts) => {
        const r = resolveAppPath(root, `app://station/${parts.join('/')}`);
        expect(r === null || inside(r)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers with its type, nosniff, and the CSP that lets the renderer connect nowhere', () => {
    const h = appResponseHeaders(path.join(root, 'assets', 'x.js'));
    expect(h['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Content-Security-Policy']).toContain("connect-src 'none'");
    expect(appResponseHeaders('/x/unknown.bin')['Content-Type']).toBe('application/octet-stream');
  });
});
