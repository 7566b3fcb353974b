// The security decisions of the window, as data and pure functions (issue 5, Electron's
// security checklist): the webPreferences, the Content-Security-Policy, which navigations and
// permission requests are allowed (none). window.ts applies them; unit tests read them here,
// because Electron itself cannot run on this machine.

/** Strict CSP: our own scripts and styles only, nothing remote, no eval, no frames, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The subset of Electron's WebPreferences we set; every value is the secure one, spelled out. */
export interface SecureWebPreferences {
  readonly preload: string;
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly experimentalFeatures: false;
  readonly enableBlinkFeatures: undefined;
  readonly webviewTag: false;
  readonly navigateOnDragDrop: false;
  readonly spellcheck: false;
  readonly devTools: boolean;
}

export function secureWebPreferences(preload: string, devTools: boolean): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: undefined,
    webviewTag: false,
    // A file dropped outside the drop zone must not navigate the window to file://…
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools,
  };
}

/**
 * The window shows one page and never leaves it: every navigation is refused except a reload of
 * that same page (same file path, or same dev-server origin). New windows are always refused.
 */
export function isAllowedNavigation(appUrl: string, target: string): boolean {
  const urls = parsePair(appUrl, target);
  if (urls === undefined) return false;
  const [app, next] = urls;
  if (app.protocol === 'file:') return next.protocol === 'file:' && next.pathname === app.pathname;
  return next.origin === app.origin && next.pathname === app.pathname;
}

function parsePair(appUrl: string, target: string): [URL, URL] | undefined {
  try {
    return [new URL(appUrl), new URL(target)];
  } catch {
    return undefined;
  }
}

/** No permission is ever granted: no camera, notifications from the page, geolocation, clipboard reads… */
export function allowPermission(_permission: string): boolean {
  return false;
}

/**
 * Requests the window's session may make: only to our own page's files (the folder that holds
 * the page, under file:) or the dev server.
 */
export function isAllowedRequest(appUrl: string, target: string): boolean {
  const urls = parsePair(appUrl, target);
  if (urls === undefined) return false;
  const [app, next] = urls;
  if (next.protocol === 'devtools:' || next.protocol === 'data:') return true;
  if (app.protocol === 'file:') {
    const folder = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return next.protocol === 'file:' && next.host === app.host && next.pathname.startsWith(folder);
  }
  return next.origin === app.origin || (next.protocol === 'ws:' && next.host === app.host);
}
