// The security decisions of the window, as data and pure functions (issue 5, Electron's
// security checklist): the webPreferences, the Content-Security-Policy, which navigations and
// permission requests are allowed (none). window.ts applies them; unit tests read them here,
// because Electron itself cannot run on this machine.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The page's own scheme (checklist item 18: no file:// for the app). main.ts registers it as a
 * standard, secure scheme and serves it with appFileFor; the window loads APP_PAGE_URL.
 */
export const APP_SCHEME = 'zipdesk';
export const APP_PAGE_URL = `${APP_SCHEME}://app/index.html`;

/**
 * The file a request of our scheme asks for inside rendererRoot (the built renderer), or
 * undefined for anything else: another scheme or host, a path that leaves the folder, a NUL.
 */
export function appFileFor(rendererRoot: string, requestUrl: string): string | undefined {
  const page = new URL(APP_PAGE_URL);
  let url: URL;
  let relative: string;
  try {
    url = new URL(requestUrl);
    relative = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (url.protocol !== page.protocol || url.host !== page.host || relative.includes('\0')) return undefined;
  const file = path.join(rendererRoot, relative === '/' ? page.pathname : relative);
  const inside = path.relative(rendererRoot, file);
  return inside === '' || inside.startsWith('..') || path.isAbsolute(inside) ? undefined : file;
}

/** Content types of what the built renderer holds; anything else goes as bytes. */
export const APP_FILE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The answer to a request of our scheme: the file appFileFor finds, read here with its content
 * type and the CSP, or 404 (not ours, not there, a folder). Read, not fetched as a file:// URL
 * (net.fetch), so that nothing of the app needs file:// and the packaged binary has the
 * grantFileProtocolExtraPrivileges fuse off (electron-builder.yml). Electron's fs reads inside
 * app.asar.
 */
export async function appResponse(rendererRoot: string, requestUrl: string): Promise<Response> {
  const file = appFileFor(rendererRoot, requestUrl);
  const body = file === undefined ? undefined : await readFile(file).catch(() => undefined);
  if (file === undefined || body === undefined) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': APP_FILE_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY },
  });
}

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
  return sameSite(app, next) && next.pathname === app.pathname;
}

/**
 * Whether a frame showing frameUrl is our page: under file: that very file, otherwise any page
 * of our origin (our scheme, or the dev server, whose page may be / or /index.html).
 */
export function isOwnFrame(appUrl: string, frameUrl: string): boolean {
  const urls = parsePair(appUrl, frameUrl);
  if (urls === undefined) return false;
  const [app, frame] = urls;
  return sameSite(app, frame) && (app.protocol !== 'file:' || frame.pathname === app.pathname);
}

/** Same scheme and host (with port). URL.origin cannot say it: for our own scheme it is "null". */
function sameSite(app: URL, next: URL): boolean {
  return next.protocol === app.protocol && next.host === app.host;
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
 * Requests the window's session may make: only to our own page's files (our scheme, or the
 * folder that holds the page under file:) or the dev server.
 */
export function isAllowedRequest(appUrl: string, target: string): boolean {
  const urls = parsePair(appUrl, target);
  if (urls === undefined) return false;
  const [app, next] = urls;
  if (next.protocol === 'devtools:' || next.protocol === 'data:') return true;
  if (app.protocol === 'file:') {
    const folder = app.pathname.slice(0, app.pathname.lastIndexOf('/') + 1);
    return sameSite(app, next) && next.pathname.startsWith(folder);
  }
  return sameSite(app, next) || (next.protocol === 'ws:' && next.host === app.host);
}
