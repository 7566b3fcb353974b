// The bridge (issue 5): one namespaced object, `window.zipdesk`, of named methods built from the
// contract's method table, exposed through contextBridge. No generic invoke: the page can call
// exactly the methods of INVOKE_METHODS, each on its own channel, and listen to the three events.
// Runs sandboxed, bundled into one CommonJS file (TOOLCHAIN trap 5).

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  INVOKE_METHODS,
  type InvokeMethod,
  type WindowEvent,
  type WindowEvents,
  type ZipdeskApi,
} from './contract.js';

function invoker(method: InvokeMethod) {
  const channel = INVOKE_CHANNELS[method];
  return (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
}

function subscriber<E extends WindowEvent>(event: E) {
  const channel = EVENT_CHANNELS[event];
  return (listener: (payload: WindowEvents[E]) => void) => {
    // The page's callback never sees Electron's event object (it holds `sender`).
    const wrapped = (_event: IpcRendererEvent, payload: WindowEvents[E]) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  };
}

const methods = Object.fromEntries(INVOKE_METHODS.map((method) => [method, invoker(method)]));

const api = {
  ...methods,
  pathsForDroppedFiles: (files: readonly File[]) => files.map((file) => webUtils.getPathForFile(file)).filter((p) => p !== ''),
  onJobEvent: subscriber('jobEvent'),
  onOpenArchive: subscriber('openArchive'),
  onMenuCommand: subscriber('menuCommand'),
} as ZipdeskApi;

contextBridge.exposeInMainWorld('zipdesk', api);
