import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/api/serve.js';
import { isAllowedUrl, windowOptions } from '../../main/electron/window.js';
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

  it('allows only the bundled page', () => {
    const index = 'file:///opt/app/dist/renderer/index.html';
    expect(isAllowedUrl(index, index)).toBe(true);
    expect(isAllowedUrl(`${index}#/scan`, index)).toBe(true);
    expect(isAllowedUrl('https://example.org/', index)).toBe(false);
    expect(isAllowedUrl('file:///etc/passwd', index)).toBe(false);
    expect(isAllowedUrl('not a url', index)).toBe(false);
  });

  it('ships the same strict CSP in the bundled page as the served pages send', () => {
    const html = fs.readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
    expect(html).toContain("script-src 'self'");
    expect(html).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(html).not.toContain('unsafe-eval');
  });

  it('exposes exactly three functions through the preload', () => {
    const preload = fs.readFileSync(path.join(ROOT, 'main', 'electron', 'preload.cts'), 'utf8');
    const exposed = /exposeInMainWorld\('intake', \{([\s\S]*?)\n\}\);/.exec(preload)?.[1] ?? '';
    const names = [...exposed.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]);
    expect(names).toEqual(['invoke', 'onEvent', 'pathForFile']);
  });
});
