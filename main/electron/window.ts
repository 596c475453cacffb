/**
 * The Electron window's security settings, kept free of any electron import so a plain-Node
 * test can hold them in place. kiosk-browser relies on defaults; we spell every one out.
 */
export function windowOptions(preloadPath: string) {
  return {
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: '#101418',
    title: 'Ballot Intake Station',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows; we have none to open (Electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
      devTools: process.env['INTAKE_DEVTOOLS'] === '1',
    },
  } as const;
}

/** Only the bundled renderer may be shown; every other URL is refused. */
export function isAllowedUrl(url: string, rendererIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const base = new URL(rendererIndexUrl);
    return u.protocol === 'file:' && u.pathname === base.pathname;
  } catch {
    return false;
  }
}

/** IPC channel names: one for calls, one for pushed events. */
export const IPC_INVOKE = 'intake:invoke';
export const IPC_EVENT = 'intake:event';
