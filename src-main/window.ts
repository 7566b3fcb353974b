// The one BrowserWindow, made secure (issue 5; Electron's security checklist item by item in the
// README): context isolation, sandbox, no Node in the page, a strict CSP on every response, no
// navigation, no new windows, no permissions, no requests that leave our own page.

import { BrowserWindow, session, type Session } from 'electron';
import {
  CONTENT_SECURITY_POLICY,
  allowPermission,
  isAllowedNavigation,
  isAllowedRequest,
  secureWebPreferences,
} from './window-policy.js';
import type { Log } from './log/types.js';

export interface WindowOptions {
  /** The page: APP_PAGE_URL (zipdesk://app/index.html), or the dev server (development only). */
  readonly appUrl: string;
  readonly preloadPath: string;
  readonly iconPath: string | undefined;
  readonly dev: boolean;
  readonly log: Log;
}

let sessionHardened = false;

/** Applied once to the default session, before any page loads. */
export function hardenSession(options: Pick<WindowOptions, 'appUrl' | 'log'>, target: Session = session.defaultSession): void {
  if (sessionHardened) return;
  sessionHardened = true;
  target.setPermissionRequestHandler((_contents, permission, callback) => {
    options.log.warn('permission refused', { permission });
    callback(allowPermission(permission));
  });
  target.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
  target.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(options.appUrl, details.url);
    if (!allowed) options.log.warn('request refused', { url: details.url });
    callback({ cancel: !allowed });
  });
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  hardenSession(options);
  const window = new BrowserWindow({
    width: 1200,
    height: 780,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Zipdesk',
    backgroundColor: '#1e1f24',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, options.dev),
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(options.appUrl, url)) {
      event.preventDefault();
      options.log.warn('navigation refused', { url });
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(options.appUrl, url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    options.log.warn('new window refused', { url });
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void contents.loadURL(options.appUrl);
  return window;
}

