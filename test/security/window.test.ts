import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/api/serve.js';
import { APP_CONTENT_SECURITY_POLICY, APP_INDEX_URL, isAllowedUrl, isTrustedSender, windowOptions } from '../../main/electron/window.js';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

describe('the Electron window keeps its security settings', () => {
  it('isolates, sandboxes and gives the renderer no Node', () => {
    const w = windowOptions('/app/preload.cjs').webPreferences;
    expect(w).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/app/preload.cjs',
    });
  });

  it('allows only the bundled page, on the app:// scheme, never file://', () => {
    expect(APP_INDEX_URL).toBe('app://station/index.html');
    expect(isAllowedUrl(APP_INDEX_URL)).toBe(true);
    expect(isAllowedUrl(`${APP_INDEX_URL}#/scan`)).toBe(true);
    expect(isAllowedUrl('app://station/other.html')).toBe(false);
    expect(isAllowedUrl('app://evil/index.html')).toBe(false);
    expect(isAllowedUrl('app://station.evil/index.html')).toBe(false);
    expect(isAllowedUrl('file:///opt/app/dist/renderer/index.html')).toBe(false);
    expect(isAllowedUrl('https://example.org/')).toBe(false);
    expect(isAllowedUrl('http://127.0.0.1:8080/index.html')).toBe(false);
    expect(isAllowedUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedUrl('not a url')).toBe(false);
  });

  it('answers IPC only from the top frame of our window showing the bundled page', () => {
    const top = { url: APP_INDEX_URL, isTopFrame: true };
    expect(isTrustedSender({ webContentsId: 7, frame: top }, 7)).toBe(true);
    expect(isTrustedSender({ webContentsId: 7, frame: { url: `${APP_INDEX_URL}#/review`, isTopFrame: true } }, 7)).toBe(true);
    expect(isTrustedSender({ webContentsId: 7, frame: { ...top, isTopFrame: false } }, 7)).toBe(false); // an iframe
    expect(isTrustedSender({ webContentsId: 8, frame: top }, 7)).toBe(false); // another webContents
    expect(isTrustedSender({ webContentsId: 7, frame: null }, 7)).toBe(false); // the frame is gone
    expect(isTrustedSender({ webContentsId: 7, frame: top }, null)).toBe(false); // our window is gone
    expect(isTrustedSender({ webContentsId: 7, frame: { url: 'https://evil.example/', isTopFrame: true } }, 7)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frame: { url: 'file:///opt/app/dist/renderer/index.html', isTopFrame: true } }, 7)).toBe(false);
  });

  it('the shell wires every guard: navigation, redirects, frame navigation, webviews, new windows, IPC senders, app:// instead of file://', () => {
    const main = fs.readFileSync(path.join(ROOT, 'main', 'electron', 'main.ts'), 'utf8');
    for (const hook of ["'will-navigate'", "'will-redirect'", "'will-frame-navigate'", "'will-attach-webview'", 'setWindowOpenHandler', 'isTrustedSender(', 'registerSchemesAsPrivileged(', 'protocol.handle(', 'loadURL(APP_INDEX_URL)', 'setPermissionRequestHandler', 'setPermissionCheckHandler'])
      expect(main, hook).toContain(hook);
    expect(main).not.toMatch(/pathToFileURL|loadFile\(|file:\/\//);
    // Sub-frames may not navigate at all; the main frame only to the bundled page.
    expect(main).toMatch(/will-frame-navigate[\s\S]{0,200}!event\.isMainFrame \|\| !isAllowedUrl\(event\.url\)/);
    // Events reach a window only through its Session, which holds them back while it is locked.
    expect(main).toMatch(/s\.deliver\(e\)/);
    expect(main).not.toMatch(/webContents\.send\(IPC_EVENT/);
  });

  it('ships the same strict CSP in the bundled page as the served pages send', () => {
    const html = fs.readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
    for (const csp of [html, CONTENT_SECURITY_POLICY, APP_CONTENT_SECURITY_POLICY]) {
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it("narrows connect-src to what each transport really uses: nothing in Electron (IPC), the page's own origin when served", () => {
    const connect = (csp: string) => /connect-src ([^;"]*)/.exec(csp)?.[1]?.trim();
    expect(connect(APP_CONTENT_SECURITY_POLICY)).toBe("'none'");
    expect(connect(CONTENT_SECURITY_POLICY)).toBe("'self'"); // the /api socket and /upload, same origin
    expect(connect(fs.readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8'))).toBe("'self'");
  });

  it('exposes exactly three functions through the preload', () => {
    const preload = fs.readFileSync(path.join(ROOT, 'main', 'electron', 'preload.cts'), 'utf8');
    const exposed = /exposeInMainWorld\('intake', \{([\s\S]*?)\n\}\);/.exec(preload)?.[1] ?? '';
    const names = [...exposed.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]);
    expect(names).toEqual(['invoke', 'onEvent', 'pathForFile']);
  });
});
