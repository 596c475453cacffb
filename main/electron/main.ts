// The Electron shell: thin on purpose. It opens the station's services (the same ones the CLI
// and `intake serve` use), one hardened window, and the IPC transport to the one router.
import { app, BrowserWindow, ipcMain, Menu, protocol, session as electronSession, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { startSorterWatch } from '../images/sorter-watch.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, Session } from '../api/router.js';
import { buildHandlers } from '../api/handlers/index.js';
import { Station } from '../api/station.js';
import { defaultDbPath } from '../store/db.js';
import { Store } from '../store/store.js';
import { acquireStationLock } from '../store/instance-lock.js';
import { oplog } from '../oplog/index.js';
import { appResponseHeaders, resolveAppPath } from './app-protocol.js';
import { APP_INDEX_URL, APP_SCHEME, IPC_EVENT, IPC_INVOKE, isAllowedUrl, isTrustedSender, windowOptions } from './window.js';
import { allowPermissionCheck, allowPermissionRequest } from './permissions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', '..', 'renderer');

// Before ready: app:// is a standard, secure origin (relative URLs, its own origin for the CSP);
// Vite's bundle is ES modules, fetched in CORS mode, hence supportFetchAPI and corsEnabled (no
// answer carries Access-Control-Allow-Origin, so no other origin may read it).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

/** Serves the bundled renderer, and nothing outside its folder. */
async function serveApp(request: Request): Promise<Response> {
  const file = resolveAppPath(rendererDir, request.url);
  if (!file) return new Response('not found', { status: 404 });
  try {
    return new Response(await fs.readFile(file), { headers: appResponseHeaders(file) });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** Every navigation, redirect or frame navigation away from the bundled page is stopped. */
function guard(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedUrl(url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    // Sub-frames may not navigate at all (the UI has none); the main frame only to our page.
    if (!event.isMainFrame || !isAllowedUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

if (!app.requestSingleInstanceLock()) {
  // A second station process on the same database would race the first: refuse it.
  app.quit();
} else {
  let store: Store | null = null;
  let releaseLock: (() => void) | null = null;
  const sessions = new Map<number, Session>();

  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.on('web-contents-created', (_e, contents: WebContents) => guard(contents));

  void app.whenReady().then(() => {
    // No menu bar: F10 would open it on Windows and Linux, and F8–F10 are the scan screen's keys.
    Menu.setApplicationMenu(null);
    const ses = electronSession.defaultSession;
    // Only the document camera (video, no audio) for the app's own page; every other permission refused.
    ses.setPermissionRequestHandler((_wc, permission, callback, details) => callback(allowPermissionRequest(permission, details)));
    ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => allowPermissionCheck(permission, requestingOrigin, details));
    protocol.handle(APP_SCHEME, serveApp);

    const dbPath = process.env['INTAKE_DB'] ?? defaultDbPath();
    store = Store.open(dbPath, { createFolder: !process.env['INTAKE_DB'] });
    releaseLock = acquireStationLock(dbPath);
    store.checkpointInBackground();
    const station = new Station(store);
    const router = new Router(station, buildHandlers());
    station.startScanners(store.config.get('scanners') ?? []);
    startSorterWatch(station); // envelope images from a sorter's folder (images.sorterFolder), for the app's lifetime
    oplog.event(store, 'station.started', 'success', 'the station app started');

    const win = new BrowserWindow(windowOptions(path.join(here, 'preload.cjs')));
    const windowId = win.webContents.id;
    // One subscription; each window's Session decides what it may receive (locked: no voter data).
    station.subscribe((e) => {
      for (const s of sessions.values()) s.deliver(e);
    });

    ipcMain.handle(IPC_INVOKE, (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
      const frame = event.senderFrame;
      const sender = { webContentsId: event.sender.id, frame: frame ? { url: frame.url, isTopFrame: frame.parent === null && frame === event.sender.mainFrame } : null };
      if (!isTrustedSender(sender, win.isDestroyed() ? null : windowId)) return { ok: false, error: { code: 'forbidden', message: 'unknown sender' } };
      return router.handle(sessionOf(event.sender, router), method, input);
    });

    function sessionOf(wc: WebContents, r: Router): Session {
      let s = sessions.get(wc.id);
      if (!s) {
        s = new Session(String(wc.id), (e) => {
          if (!wc.isDestroyed()) wc.send(IPC_EVENT, e);
        });
        const created = s;
        sessions.set(wc.id, created);
        wc.once('destroyed', () => {
          sessions.delete(wc.id);
          r.closeSession(created);
        });
      }
      return s;
    }

    win.once('ready-to-show', () => win.show());
    void win.loadURL(APP_INDEX_URL);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    // Close the database cleanly: the WAL is checkpointed and the file left whole.
    if (store) oplog.event(store, 'station.stopped', 'success', 'the station app shut down');
    store?.close();
    store = null;
    releaseLock?.();
  });
}
