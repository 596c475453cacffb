// The Electron shell: thin on purpose. It opens the station's services (the same ones the CLI
// and `intake serve` use), one hardened window, and the IPC transport to the one router.
import { app, BrowserWindow, ipcMain, session as electronSession, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Router, Session } from '../api/router.js';
import { buildHandlers } from '../api/handlers/index.js';
import { Station } from '../api/station.js';
import { defaultDbPath } from '../store/db.js';
import { Store } from '../store/store.js';
import { acquireStationLock } from '../store/instance-lock.js';
import { oplog } from '../oplog/index.js';
import { IPC_EVENT, IPC_INVOKE, isAllowedUrl, windowOptions } from './window.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '..', '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).toString();

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

  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedUrl(url, rendererUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    const ses = electronSession.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);

    const dbPath = process.env['INTAKE_DB'] ?? defaultDbPath();
    store = Store.open(dbPath, { createFolder: !process.env['INTAKE_DB'] });
    releaseLock = acquireStationLock(dbPath);
    store.checkpointInBackground();
    const station = new Station(store);
    const router = new Router(station, buildHandlers());
    station.startScanners(store.config.get('scanners') ?? []);
    oplog.event(store, 'station.started', 'success', 'the station app started');

    ipcMain.handle(IPC_INVOKE, (event, method: unknown, input: unknown) => {
      if (!isAllowedUrl(event.senderFrame?.url ?? '', rendererUrl)) return { ok: false, error: { code: 'forbidden', message: 'unknown sender' } };
      let s = sessions.get(event.sender.id);
      if (!s) {
        s = new Session(String(event.sender.id));
        sessions.set(event.sender.id, s);
        event.sender.once('destroyed', () => sessions.delete(event.sender.id));
      }
      return router.handle(s, method, input);
    });

    const win = new BrowserWindow(windowOptions(path.join(here, 'preload.cjs')));
    station.subscribe((e) => {
      const s = sessions.get(win.webContents.id);
      if (s?.operator && !win.isDestroyed()) win.webContents.send(IPC_EVENT, e);
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(rendererUrl);
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
