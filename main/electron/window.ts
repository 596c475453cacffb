/**
 * The Electron window's security settings, kept free of any electron import so a plain-Node
 * test can hold them in place (test/security/window.test.ts). kiosk-browser relies on defaults;
 * we spell every one out.
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

/**
 * The bundled UI is served from this privileged scheme, not file:// (Electron's security
 * checklist, item 18): file:// pages may read any other file:// URL; app://station/ sees only
 * the renderer folder (main/electron/app-protocol.ts).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'station';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Only the bundled renderer's page may be shown; every other URL (another page, a redirect, a frame) is refused. */
export function isAllowedUrl(url: string, rendererIndexUrl: string = APP_INDEX_URL): boolean {
  try {
    const u = new URL(url);
    const base = new URL(rendererIndexUrl);
    return u.protocol === base.protocol && u.host === base.host && u.pathname === base.pathname;
  } catch {
    return false;
  }
}

/** What an IPC call's sender looked like; built from event.sender and event.senderFrame in main.ts. */
export interface IpcSender {
  /** The webContents that sent it. */
  webContentsId: number;
  /** event.senderFrame: null once the frame is gone. */
  frame: { url: string; isTopFrame: boolean } | null;
}

/**
 * IPC is answered only for our window's top frame showing the bundled page: never a sub-frame
 * (an iframe a compromised page could add), never another webContents, never a frame gone.
 */
export function isTrustedSender(sender: IpcSender, windowWebContentsId: number | null, rendererIndexUrl: string = APP_INDEX_URL): boolean {
  if (windowWebContentsId === null || sender.webContentsId !== windowWebContentsId) return false;
  if (!sender.frame || !sender.frame.isTopFrame) return false;
  return isAllowedUrl(sender.frame.url, rendererIndexUrl);
}

/**
 * The renderer's Content-Security-Policy in Electron, sent as a header by the app:// handler:
 * the renderer talks to main over IPC only, so it may connect nowhere (connect-src 'none').
 */
export const APP_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; worker-src 'none'";

/** IPC channel names: one for calls, one for pushed events. */
export const IPC_INVOKE = 'intake:invoke';
export const IPC_EVENT = 'intake:event';
