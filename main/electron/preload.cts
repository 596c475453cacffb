// The preload: the renderer's only door to main. It exposes exactly two functions through
// contextBridge, one ipcRenderer.invoke for every API call and one listener for pushed
// events; the renderer holds no Node or Electron power. (CommonJS: sandboxed preloads cannot be ES modules.)
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';

const { contextBridge, ipcRenderer, webUtils } = electron;

const IPC_INVOKE = 'intake:invoke';
const IPC_EVENT = 'intake:event';

contextBridge.exposeInMainWorld('intake', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_INVOKE, method, input),
  onEvent: (listener: (e: unknown) => void): (() => void) => {
    const wrapped = (_event: IpcRendererEvent, e: unknown) => listener(e);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.off(IPC_EVENT, wrapped);
  },
  /** The local path of a file the operator picked (roll import reads it in place, never copied). */
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
