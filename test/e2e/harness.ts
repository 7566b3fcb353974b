// The end-to-end harness (issue 5, TOOLCHAIN trap 6): the built renderer (out/renderer) served on
// 127.0.0.1, opened in Debian's Chromium through playwright-core, with `window.zipdesk` provided
// from the REAL main-process side: the same contract methods, the same handle() wrapper with its
// sender check and argument validation, the real handlers, the real reader, the real JobClient
// with the worker bundle that ships (out/main/worker.js), real files. Only what Electron alone
// can give is replaced: native dialogs answer from a queue the test fills, the file manager is
// a list of revealed paths, and webUtils.getPathForFile is a name → path map the test sets.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { EVENT_CHANNELS, INVOKE_METHODS, type InvokeMethod, type JobEvent, type WindowEvent, type WindowEvents } from '../../src-preload/contract.js';
import { createArchiveService } from '../../src-main/ipc/archives.js';
import { acceptDroppedPaths, PathGrants } from '../../src-main/ipc/grants.js';
import { handleAll, isTrustedSender } from '../../src-main/ipc/handle.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { WindowJobs } from '../../src-main/ipc/jobs.js';
import type { Dialogs } from '../../src-main/ipc/services.js';
import { JobClient } from '../../src-main/jobs/client.js';
import { NameChoices } from '../../src-main/name-choices.js';
import { silentLog } from '../../src-main/log/types.js';
import { APP_SCHEME, appResponse } from '../../src-main/window-policy.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = path.join(PROJECT_ROOT, 'out/renderer');
export const WORKER_BUNDLE = path.join(PROJECT_ROOT, 'out/main/worker.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const canRunE2e = existsSync(CHROMIUM);

/** Whether a tool the tests compare with or make archives with is on the PATH. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * An archive of these names, written by Python's zipfile: each holding its name, stored; or,
 * `deflated`, its name 20 times, deflated (a method and a level to show).
 */
export function pythonZip(file: string, names: readonly string[], { deflated = false } = {}): void {
  const write = deflated ? 'zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)' : 'zipfile.ZipFile(sys.argv[1], "w")';
  execFileSync('python3', ['-c', `import json, sys, zipfile\nwith ${write} as z:\n  for n in json.loads(sys.argv[2]): z.writestr(n, n * ${deflated ? 20 : 1})`, file, JSON.stringify(names)]);
}

/** Text that compresses, but not to nothing: deflate has real work to do. */
export function wordsOfSize(bytes: number, seed: number): Buffer {
  const words = ['zip', 'desk', 'central', 'directory', 'local', 'header', 'deflate', 'inflate', 'entry', 'archive', 'record', 'offset'];
  let x = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const word = words[x % words.length]! + (x % 97).toString(36) + (x % 7 === 0 ? '\n' : ' ');
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

/** Opens the archive as the OS would hand it over, and waits until the window shows it. */
export async function openInWindow(harness: Harness, file: string): Promise<void> {
  await harness.emit('openArchive', file);
  await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe(path.basename(file));
}

/** Waits for the job's card to say how the job ended: the real worker runs it, so for up to 20 s. */
export async function jobEnds(job: Locator, state: 'done' | 'failed'): Promise<void> {
  await expect.poll(() => job.getAttribute('data-job-state'), { timeout: 20_000 }).toBe(state);
}

/**
 * A notice's ✕ (Dismiss): out of the notice and its live region (which say the message alone),
 * described by the notice's words.
 */
export async function noticeDismiss(page: Page, notice: Locator): Promise<Locator> {
  const words = await notice.locator('[id]').first().getAttribute('id');
  return page.locator(`button[aria-describedby="${words}"]`);
}

/**
 * Where the listing ends and the open inspector begins, and what is at the inspector's title:
 * the listing, grown past its column, painted over the title and took its clicks.
 */
export async function besideInspector(page: Page): Promise<{ listingRight: number; footerRight: number; footerOverflow: number; namesRight: number; inspectorLeft: number; atTitle: string }> {
  return page.evaluate(() => {
    const right = (selector: string) => Math.round(document.querySelector(selector)!.getBoundingClientRect().right);
    const footer = document.querySelector('footer.status')!;
    const title = document.querySelector('#inspector-title')!.getBoundingClientRect();
    const hit = document.elementFromPoint(title.left + 5, title.top + title.height / 2);
    return {
      listingRight: Math.max(right('section.listing'), right('#listing')),
      footerRight: right('footer.status'),
      footerOverflow: footer.scrollWidth - footer.clientWidth,
      namesRight: right('[data-testid="name-encoding"]'),
      inspectorLeft: Math.round(document.querySelector('[data-testid="inspector"]')!.getBoundingClientRect().left),
      atTitle: hit?.closest('[data-testid="inspector"]') ? 'inspector' : hit?.closest('#listing, section.listing') ? 'listing' : String(hit?.tagName),
    };
  });
}

/**
 * out/renderer over http, answered by main's own handler of our scheme (window-policy.ts
 * appResponse: the file, its content type, the CSP header) for the same path.
 */
async function serveRenderer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    appResponse(RENDERER_DIR, `${APP_SCHEME}://app${url.pathname}`).then(
      async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Native dialogs, answered by the test in advance. */
export class ScriptedDialogs implements Dialogs {
  readonly archives: (string | null)[] = [];
  readonly extractFolders: (string | null)[] = [];
  readonly folderLists: string[][] = [];
  async chooseArchive() {
    return this.archives.shift() ?? null;
  }
  async chooseExtractFolder() {
    return this.extractFolders.shift() ?? null;
  }
  async chooseFolders() {
    return this.folderLists.shift() ?? [];
  }
}

/** Builds window.zipdesk in the page, exactly the contract's shape, over two bindings. */
function installBridge(methods: readonly string[]): void {
  type Listener = (payload: unknown) => void;
  const listeners: Record<string, Set<Listener>> = { jobEvent: new Set(), openArchive: new Set(), menuCommand: new Set() };
  const w = window as unknown as Record<string, unknown> & {
    __zipdeskInvoke(method: string, args: unknown[]): Promise<unknown>;
    __zipdeskGrantDropped(paths: string[]): Promise<void>;
    __zipdeskDropPaths?: Record<string, string>;
    __cspViolations: string[];
  };
  w.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  const subscribe = (name: string) => (listener: Listener) => {
    listeners[name]!.add(listener);
    return () => listeners[name]!.delete(listener);
  };
  const api: Record<string, unknown> = {};
  // Results come back as JSON text: Playwright's own value-by-value serialization of a page of
  // 20,000 rows takes seconds, where Electron's structured clone takes milliseconds. They are
  // then cloned, so that the page holds values as Electron's IPC hands them over: V8's JSON
  // parser makes one string of each short text, where a clone has a copy in every row.
  for (const method of methods) api[method] = async (...args: unknown[]) => structuredClone(JSON.parse((await w.__zipdeskInvoke(method, args)) as string));
  // webUtils.getPathForFile stands in: the test says which path each dropped name has.
  api.pathsForDroppedFiles = (files: File[]) => {
    const paths = files.map((f) => w.__zipdeskDropPaths?.[f.name] ?? '').filter((p) => p !== '');
    void w.__zipdeskGrantDropped(paths);
    return paths;
  };
  api.onJobEvent = subscribe('jobEvent');
  api.onOpenArchive = subscribe('openArchive');
  api.onMenuCommand = subscribe('menuCommand');
  w.zipdesk = Object.freeze(api);
  w.__zipdeskEmit = (name: string, payload: unknown) => {
    for (const listener of listeners[name] ?? []) listener(payload);
  };
}

export interface Harness {
  readonly page: Page;
  readonly url: string;
  readonly dialogs: ScriptedDialogs;
  readonly revealed: string[];
  readonly client: JobClient;
  readonly jobs: WindowJobs;
  /** Make the page see these dropped names at these paths (webUtils.getPathForFile). */
  setDropPaths(map: Record<string, string>): Promise<void>;
  /** Drop files with these names on the window, as a real drag-and-drop does. */
  drop(names: string[]): Promise<void>;
  /** Send a main → window event (open-file, menu command). */
  emit<E extends WindowEvent>(event: E, payload: WindowEvents[E]): Promise<void>;
  cspViolations(): Promise<string[]>;
  /** How many archives main holds open now. */
  openArchives(): number;
  close(): Promise<void>;
}

/** `timezoneId` is the page's zone (an IANA name); main's is the test process's (TZ). */
export async function startHarness(options: { colorScheme?: 'light' | 'dark'; locale?: string; timezoneId?: string } = {}): Promise<Harness> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html')) || !existsSync(WORKER_BUNDLE)) {
    throw new Error('out/renderer or out/main/worker.js is missing: run `npm run build` first (npm test does)');
  }
  const { server, url } = await serveRenderer();
  const dialogs = new ScriptedDialogs();
  const revealed: string[] = [];
  const client = new JobClient({ workerPath: WORKER_BUNDLE, log: silentLog });
  const jobs = new WindowJobs(client);
  const archives = createArchiveService();
  const grants = new PathGrants();
  // The app's configuration folder, as main.ts has it (userData), for this harness alone.
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-harness-config-'));
  const handlers = createHandlers({
    grants,
    archives,
    nameChoices: new NameChoices(path.join(configDir, 'name-encodings.json')),
    jobs,
    dialogs,
    shell: { showItemInFolder: (p) => revealed.push(p) },
    log: silentLog,
    logRecord: () => undefined,
  });
  // The page is "our window": webContents id 1 showing our URL. Anything else is refused.
  const isTrusted = (event: Parameters<typeof isTrustedSender>[1]) => isTrustedSender({ windowId: () => 1, appUrl: url }, event);
  const listeners = handleAll(handlers, { isTrusted, log: silentLog });

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
  });
  const page = await context.newPage();
  await page.exposeBinding('__zipdeskInvoke', async (source, method: string, args: unknown[]) => {
    if (!(INVOKE_METHODS as readonly string[]).includes(method)) return JSON.stringify({ ok: false, error: { code: 'BAD_ARGUMENT', message: `no method ${method}` } });
    const listener = listeners[method as InvokeMethod] as (event: unknown, ...a: unknown[]) => Promise<unknown>;
    const result = await listener({ sender: { id: 1 }, senderFrame: { url: source.frame.url() } }, ...(Array.isArray(args) ? args : []));
    return JSON.stringify(result ?? null);
  });
  // The preload's report of really dropped files (GRANT_DROPPED_PATHS_CHANNEL).
  await page.exposeBinding('__zipdeskGrantDropped', (source, paths: unknown) => {
    acceptDroppedPaths(grants, isTrusted({ sender: { id: 1 }, senderFrame: { url: source.frame.url() } }), paths);
  });
  await page.addInitScript(installBridge, [...INVOKE_METHODS]);

  // Main → window events go the same way main.ts sends them (one channel per event).
  const emit = async <E extends WindowEvent>(event: E, payload: WindowEvents[E]) => {
    void EVENT_CHANNELS[event];
    // As main.ts does: an archive the OS hands over is the user's choice.
    if (event === 'openArchive') grants.grant(payload as string);
    await page.evaluate(([name, value]) => (window as unknown as { __zipdeskEmit(n: string, v: unknown): void }).__zipdeskEmit(name, value), [event, payload] as const).catch(() => undefined);
  };
  // In order, and those that came while the page took the last ones in one call: one call an
  // event kept a batch of 1,000 folders' 5,000 events going for 50 s after its jobs had ended.
  // (Electron brings each in a task of its own; the window applies a frame's worth together.)
  let pending = Promise.resolve();
  let waiting: JobEvent[] = [];
  const stopEvents = jobs.onEvent((event) => {
    waiting.push(event);
    if (waiting.length > 1) return;
    pending = pending.then(async () => {
      const events = waiting;
      waiting = [];
      await page
        .evaluate((list) => {
          for (const each of list) (window as unknown as { __zipdeskEmit(n: string, v: unknown): void }).__zipdeskEmit('jobEvent', each);
        }, events)
        .catch(() => undefined);
    });
  });

  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');

  return {
    page,
    url,
    dialogs,
    revealed,
    client,
    jobs,
    async setDropPaths(map) {
      await page.evaluate((m) => {
        (window as unknown as { __zipdeskDropPaths: Record<string, string> }).__zipdeskDropPaths = m;
      }, map);
    },
    async drop(names) {
      await page.evaluate((fileNames) => {
        const transfer = new DataTransfer();
        for (const name of fileNames) transfer.items.add(new File([], name));
        const target = document.querySelector('.app')!;
        target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }, names);
    },
    emit,
    cspViolations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    openArchives: () => archives.openCount(),
    async close() {
      stopEvents();
      await pending;
      await browser.close();
      await client.close();
      await archives.closeAll();
      await new Promise((resolve) => server.close(resolve));
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
