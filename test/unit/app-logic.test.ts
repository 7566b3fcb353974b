// The app's pure decisions, without Electron and without a browser (issue 5): the window's
// security policy, which argv entries are archives, the recent-files list, taskbar progress and
// end-of-job notifications, the rows of the listing (method level, attributes, flags), sorting,
// filtering and the folder view, what a drop means, and how job events fold into the panel.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import type { EntryRow, JobEvent, JobView } from '../../src-preload/contract.js';
import { zipPathsFromArgv } from '../../src-main/argv.js';
import { endNotice, LONG_JOB_MS, TaskbarBar, taskbarProgress } from '../../src-main/attention.js';
import { fill, nativeLabels } from '../../src-main/native-labels.js';
import { attributesText, deflateLevel } from '../../src-main/ipc/rows.js';
import { MAX_RECENT, RecentFiles } from '../../src-main/recent.js';
import { MAX_NAME_CHOICES, NameChoices } from '../../src-main/name-choices.js';
import { NAME_ENCODINGS, systemNameEncoding } from '../../src-renderer/lib/name-encodings.js';
import {
  APP_PAGE_URL,
  appFileFor,
  appResponse,
  allowPermission,
  CONTENT_SECURITY_POLICY,
  isAllowedNavigation,
  isAllowedRequest,
  secureWebPreferences,
} from '../../src-main/window-policy.js';
import { baseName, planDrop } from '../../src-renderer/lib/drop.js';
import { endLine, fold, foldEvents } from '../../src-renderer/lib/job-fold.js';
import { orderedForPanel } from '../../src-renderer/lib/job-order.js';
import { formatBytes, formatRatio, methodText } from '../../src-renderer/lib/format.js';
import { buildTree, countMatching, flatItems, foldersWithoutEntry, sortedRows, treeItems, withFolderContents } from '../../src-renderer/lib/listing.js';
import { MAX_BODY_HEIGHT, listOffset, rowWindow, scrollTopFor } from '../../src-renderer/lib/virtual-rows.js';

const APP = 'file:///opt/Zipdesk/resources/app.asar/out/renderer/index.html';

describe('selection with folders', () => {
  test('a selected folder brings every row under it, and only those; a folder without its slash too', () => {
    const rows = ['a/', 'a/x.txt', 'a/b/', 'a/b/y.txt', 'ab/z.txt', 'c', 'c/w.txt', 'd.txt'].map((name, index) => ({ index, name, isDirectory: name.endsWith('/') || name === 'c' }));
    expect(withFolderContents(rows, new Set([2]))).toEqual([2, 3]);
    expect(withFolderContents(rows, new Set([0, 7]))).toEqual([0, 1, 2, 3, 7]);
    expect(withFolderContents(rows, new Set([5]))).toEqual([5, 6]);
    expect(withFolderContents(rows, new Set([1]))).toEqual([1]);
  });

  test('a folder of the by-folder view that has no entry brings what it holds, by its path', () => {
    const rows = ['p/docs/a.txt', 'p/docs/b.txt', 'p/src/c.txt', 'top.txt'].map((name, index) => ({ index, name, isDirectory: false }));
    expect(withFolderContents(rows, new Set(), ['p/docs/'])).toEqual([0, 1]);
    expect(withFolderContents(rows, new Set([3]), ['p/'])).toEqual([0, 1, 2, 3]);
  });

  test('many folders selected (each row\'s folders looked up) bring what they bring one by one (each tried on every row)', () => {
    const names = ['a/', 'a/x', 'a/b/', 'a/b/y', 'ab/z', 'c//d', 'c/', 'e/f/g/h', 'e/f/', '/abs', 'top', 'a/b/c/d/e'];
    const rows = names.map((name, index) => ({ index, name, isDirectory: name.endsWith('/') }));
    const folders = ['a/', 'a/b/', 'c/', 'c//', 'e/f/', '/', 'zz/'];
    const oneByOne = new Set(folders.flatMap((folder) => withFolderContents(rows, new Set(), [folder])));
    expect(withFolderContents(rows, new Set(), folders)).toEqual([...oneByOne].sort((a, b) => a - b));
    expect(withFolderContents(rows, new Set(), folders)).toEqual([1, 2, 3, 5, 7, 9, 11]);
  });

  test('with a filter, a selected folder brings only what the filter shows in it (By folder shows a folder on the way to a match)', () => {
    const rows = ['p/docs/', 'p/docs/a.txt', 'p/docs/b.txt', 'p/docs/secret.key', 'p/A.txt', 'top.txt'].map((name, index) => ({ index, name, isDirectory: name.endsWith('/') }));
    expect(withFolderContents(rows, new Set(), ['p/'], 'a.txt')).toEqual([1, 4]);
    // The folder's own entry, selected, stays; what it holds is filtered.
    expect(withFolderContents(rows, new Set([0]), [], ' A.TXT ')).toEqual([0, 1]);
    // Blanks alone are no filter.
    expect(withFolderContents(rows, new Set([0]), [], '  ')).toEqual([0, 1, 2, 3]);
  });
});

describe('window security policy', () => {
  test('webPreferences: isolation, sandbox, no Node anywhere, web security on, no webview', () => {
    const prefs = secureWebPreferences('/app/out/preload/preload.cjs', false);
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
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
      devTools: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  test('the CSP allows only our own scripts and styles, no eval, no frames, nothing remote', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({ 'default-src': "'none'", 'script-src': "'self'", 'style-src': "'self'", 'object-src': "'none'", 'frame-src': "'none'", 'base-uri': "'none'" });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(eval|inline)|https?:|\*/);
    // The page's own meta tag says the same (less frame-ancestors, which a meta tag cannot carry).
    const html = readFileSync(path.resolve(import.meta.dirname, '../../src-renderer/index.html'), 'utf8');
    expect(html).toContain(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  test('navigation: only a reload of our own page', () => {
    expect(isAllowedNavigation(APP, APP)).toBe(true);
    expect(isAllowedNavigation(APP, `${APP}#x`)).toBe(true);
    expect(isAllowedNavigation(APP, 'https://example.com/')).toBe(false);
    expect(isAllowedNavigation(APP, 'file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation(APP, 'javascript:alert(1)')).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAllowedNavigation('http://localhost:5173/', 'http://evil.localhost:5173/')).toBe(false);
  });

  test('requests: our files only; no remote content', () => {
    expect(isAllowedRequest(APP, 'file:///opt/Zipdesk/resources/app.asar/out/renderer/assets/index.js')).toBe(true);
    expect(isAllowedRequest(APP, 'https://cdn.example/lib.js')).toBe(false);
    expect(isAllowedRequest(APP, 'file:///etc/passwd')).toBe(false);
    expect(isAllowedRequest(APP, 'file:///opt/Zipdesk/resources/app.asar/out/main/index.js')).toBe(false);
    // URL parsing settles dot segments before the folder is compared.
    expect(isAllowedRequest(APP, 'file:///opt/Zipdesk/resources/app.asar/out/renderer/../../package.json')).toBe(false);
    expect(isAllowedRequest(APP, 'http://127.0.0.1:8080/')).toBe(false);
    expect(isAllowedRequest('http://localhost:5173/', 'http://localhost:5173/src/main.ts')).toBe(true);
    expect(isAllowedRequest('http://localhost:5173/', 'https://fonts.example/x.woff')).toBe(false);
  });

  test('our scheme: the page and its files, nothing outside the renderer folder', () => {
    const root = path.resolve('/opt/Zipdesk/out/renderer');
    expect(appFileFor(root, APP_PAGE_URL)).toBe(path.join(root, 'index.html'));
    expect(appFileFor(root, 'zipdesk://app/')).toBe(path.join(root, 'index.html'));
    expect(appFileFor(root, 'zipdesk://app/assets/index-x1.js?v=1#top')).toBe(path.join(root, 'assets/index-x1.js'));
    expect(appFileFor(root, 'zipdesk://app/a%20b.css')).toBe(path.join(root, 'a b.css'));
    for (const refused of ['zipdesk://app/..%2f..%2fetc%2fpasswd', 'zipdesk://app/%2e%2e%2fmain/index.js', 'zipdesk://other/index.html',
      'file:///opt/Zipdesk/out/renderer/index.html', 'zipdesk://app/x%00.js', 'zipdesk://app/%E0%A4%A', 'not a url']) {
      expect(appFileFor(root, refused)).toBeUndefined();
    }
    expect(isAllowedNavigation(APP_PAGE_URL, 'zipdesk://app/index.html#/jobs')).toBe(true);
    expect(isAllowedNavigation(APP_PAGE_URL, 'zipdesk://app/other.html')).toBe(false);
    expect(isAllowedNavigation(APP_PAGE_URL, 'zipdesk://evil/index.html')).toBe(false);
    expect(isAllowedRequest(APP_PAGE_URL, 'zipdesk://app/assets/index.css')).toBe(true);
    expect(isAllowedRequest(APP_PAGE_URL, 'zipdesk://evil/x.js')).toBe(false);
    expect(isAllowedRequest(APP_PAGE_URL, 'file:///etc/passwd')).toBe(false);
    expect(isAllowedRequest(APP_PAGE_URL, 'https://app/')).toBe(false);
  });

  test("our scheme's answers: the renderer's files read with their types and the CSP, 404 for the rest", async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-renderer-'));
    const root = path.join(base, 'renderer');
    try {
      mkdirSync(path.join(root, 'assets'), { recursive: true });
      writeFileSync(path.join(root, 'index.html'), '<!doctype html><p>page');
      writeFileSync(path.join(root, 'assets', 'index-x1.js'), 'export {};');
      writeFileSync(path.join(root, 'assets', 'index-x1.css'), 'p{}');
      writeFileSync(path.join(root, '..', 'outside.js'), 'no');
      const page = await appResponse(root, APP_PAGE_URL);
      expect([page.status, page.headers.get('content-type'), page.headers.get('content-security-policy'), await page.text()]).toEqual([200, 'text/html; charset=utf-8', CONTENT_SECURITY_POLICY, '<!doctype html><p>page']);
      const script = await appResponse(root, 'zipdesk://app/assets/index-x1.js?v=1');
      expect([script.status, script.headers.get('content-type'), await script.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'export {};']);
      expect((await appResponse(root, 'zipdesk://app/assets/index-x1.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
      for (const refused of ['zipdesk://app/assets/missing.js', 'zipdesk://app/assets', 'zipdesk://app/..%2foutside.js', 'zipdesk://evil/index.html', 'file:///etc/passwd']) {
        expect((await appResponse(root, refused)).status).toBe(404);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('every permission request is denied', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem', 'unknown']) {
      expect(allowPermission(permission)).toBe(false);
    }
  });
});

describe('archives from the command line', () => {
  test('.zip arguments resolved against the working directory; flags and other files ignored', () => {
    expect(zipPathsFromArgv(['/usr/bin/zipdesk', 'a.zip', '--flag', 'b.txt', '/abs/C.ZIP', '--inspect=9229'], '/home/u', 1)).toEqual(['/home/u/a.zip', '/abs/C.ZIP']);
    // `electron .` in development: the app path is skipped too.
    expect(zipPathsFromArgv(['/usr/lib/electron', '.', 'x.zip'], '/w', 2)).toEqual(['/w/x.zip']);
  });
});

describe('recent files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-recent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('newest first, no duplicates, at most MAX_RECENT, kept across restarts', () => {
    const file = path.join(dir, 'recent.json');
    const recent = new RecentFiles(file);
    for (let i = 0; i < MAX_RECENT + 3; i++) recent.add(`/a/${i}.zip`);
    recent.add('/a/5.zip');
    expect(recent.list()[0]).toBe('/a/5.zip');
    expect(recent.list()).toHaveLength(MAX_RECENT);
    expect(new Set(recent.list()).size).toBe(MAX_RECENT);
    expect(new RecentFiles(file).list()).toEqual(recent.list());
    recent.clear();
    expect(new RecentFiles(file).list()).toEqual([]);
  });

  test('a broken file starts empty instead of failing', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{not json');
    expect(new RecentFiles(file).list()).toEqual([]);
    writeFileSync(file, JSON.stringify(['relative.zip', 42, '/ok.zip']));
    expect(new RecentFiles(file).list()).toEqual(['/ok.zip']);
    expect(existsSync(file)).toBe(true);
  });

  test('a file that cannot be written (full disk, read-only home) keeps the list for the session: one warning a save, no temporary file left, nothing thrown', () => {
    // A folder in the file's place: the temporary file is written, and the rename over it fails
    // (EISDIR), as a full disk fails the write; root cannot write through it either.
    const folder = mkdtempSync(path.join(dir, 'unwritable-'));
    const file = path.join(folder, 'recent.json');
    mkdirSync(path.join(file, 'in-the-way'), { recursive: true });
    const warnings: unknown[][] = [];
    const log = { error: () => undefined, warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined, debug: () => undefined, child: () => log };
    const recent = new RecentFiles(file, log);
    recent.add('/a/1.zip');
    recent.add('/a/2.zip');
    expect(recent.list()).toEqual(['/a/2.zip', '/a/1.zip']);
    recent.clear();
    expect(recent.list()).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toEqual(['could not save recent archives', { path: file, message: expect.stringContaining('EISDIR') }]);
    expect(readdirSync(folder)).toEqual(['recent.json']);
  });
});

describe('the code page offered for names of unknown encoding', () => {
  test("Windows' code page for names in the system's language; none for US English or a language not known here", () => {
    const cases: [string | undefined, string | null][] = [
      ['en-US', null],
      ['en', null],
      [undefined, null],
      ['', null],
      ['sr-Cyrl-RS', null],
      ['en-GB', 'cp850'],
      ['de-DE', 'cp850'],
      ['pt_BR', 'cp850'],
      ['ru-RU', 'ibm866'],
      ['uk', 'ibm866'],
      ['ja-JP', 'shift_jis'],
      ['zh-CN', 'gbk'],
      ['zh-Hans', 'gbk'],
      ['zh-TW', 'big5'],
      ['zh-Hant-HK', 'big5'],
      ['ko-KR', 'euc-kr'],
      ['PL-pl', 'cp852'],
      ['el-GR', 'cp737'],
      ['tr-TR', 'cp857'],
      ['he-IL', 'cp862'],
      ['ar-EG', 'cp720'],
      ['lt-LT', 'cp775'],
      ['th-TH', 'windows-874'],
      ['vi-VN', 'windows-1258'],
    ];
    for (const [language, encoding] of cases) expect([language, systemNameEncoding(language)]).toEqual([language, encoding]);
    // Each one offered is one the Names choice holds, with its words.
    for (const [, encoding] of cases) if (encoding !== null) expect(NAME_ENCODINGS).toContain(encoding);
  });
});

describe('code pages chosen for archives', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-name-choices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('one per archive, by its resolved path, newest first, at most MAX_NAME_CHOICES, kept across restarts; null and clear forget', () => {
    const file = path.join(dir, 'deep', 'name-encodings.json');
    const choices = new NameChoices(file);
    expect(choices.get('/a/0.zip')).toBeUndefined();
    choices.set('/a/../a/0.zip', 'shift_jis');
    expect(choices.get('/a/0.zip')).toBe('shift_jis');
    choices.set('/a/0.zip', 'cp866');
    expect(new NameChoices(file).get('/a/0.zip')).toBe('cp866');
    for (let i = 1; i <= MAX_NAME_CHOICES; i++) choices.set(`/a/${i}.zip`, 'gbk');
    const kept = new NameChoices(file);
    expect(kept.get('/a/0.zip')).toBeUndefined(); // the oldest, pushed out
    expect(kept.get(`/a/${MAX_NAME_CHOICES}.zip`)).toBe('gbk');
    expect(kept.get('/a/1.zip')).toBe('gbk');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(MAX_NAME_CHOICES);
    choices.set('/a/1.zip', null);
    expect(new NameChoices(file).get('/a/1.zip')).toBeUndefined();
    choices.clear();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
    expect(readdirSync(path.dirname(file))).toEqual(['name-encodings.json']); // no temporary file left
  });

  test('a broken file, or an item that is not an absolute path and a code page this build reads, is left out', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{not json');
    expect(new NameChoices(file).get('/ok.zip')).toBeUndefined();
    writeFileSync(file, JSON.stringify([['relative.zip', 'gbk'], ['/bad.zip', 'cp500'], ['/short.zip'], 42, ['/ok.zip', 'koi8-r']]));
    const choices = new NameChoices(file);
    expect([choices.get('/bad.zip'), choices.get('/short.zip'), choices.get('/ok.zip')]).toEqual([undefined, undefined, 'koi8-r']);
    expect(choices.get(path.resolve('relative.zip'))).toBeUndefined();
  });

  test('a file that cannot be written keeps the choices for the session: one warning a save, no temporary file left, nothing thrown', () => {
    const folder = mkdtempSync(path.join(dir, 'unwritable-'));
    const file = path.join(folder, 'name-encodings.json');
    mkdirSync(path.join(file, 'in-the-way'), { recursive: true });
    const warnings: unknown[][] = [];
    const log = { error: () => undefined, warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined, debug: () => undefined, child: () => log };
    const choices = new NameChoices(file, log);
    choices.set('/a/0.zip', 'cp866');
    expect(choices.get('/a/0.zip')).toBe('cp866');
    choices.clear();
    expect(choices.get('/a/0.zip')).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toEqual(['could not save code page choices', { path: file, message: expect.stringContaining('EISDIR') }]);
    expect(readdirSync(folder)).toEqual(['name-encodings.json']);
  });
});

function job(partial: Partial<JobView>): JobView {
  return { jobId: 'j', kind: 'batch', title: 'photos → photos.zip', state: 'queued', progress: null, outcome: null, error: null, failure: null, errorLines: [], errorNotes: [], queuedAt: 0, ...partial };
}

describe('taskbar progress and notifications', () => {
  const progress = { bytesDone: 25, bytesTotal: 100, entriesDone: 1, entriesTotal: 4, currentEntry: 'a', bytesPerSecond: 10, etaSeconds: 7, counting: false };
  test('no bar without jobs; indeterminate while waiting or counting; the running job\'s fraction by bytes', () => {
    expect(taskbarProgress({ active: 0, running: undefined, total: 3, ended: 3 })).toBe(-1);
    expect(taskbarProgress({ active: 1, running: undefined, total: 1, ended: 0 })).toBe(2);
    expect(taskbarProgress({ active: 1, running: job({ state: 'running', progress }), total: 1, ended: 0 })).toBe(0.25);
    // While the files to zip are still being found, there is no fraction yet.
    expect(taskbarProgress({ active: 1, running: job({ state: 'running', progress: { ...progress, counting: true } }), total: 1, ended: 0 })).toBe(2);
  });
  test('several jobs (a batch, and what joined it) go across the bar once: those ended, and the running one\'s bytes', () => {
    const running = job({ state: 'running', progress });
    expect(taskbarProgress({ active: 4, running: undefined, total: 4, ended: 0 })).toBe(0);
    expect(taskbarProgress({ active: 3, running, total: 4, ended: 1 })).toBe((1 + 0.25) / 4);
    expect(taskbarProgress({ active: 1, running: job({ state: 'running', progress: { ...progress, counting: true } }), total: 4, ended: 3 })).toBe(0.75);
  });
  test('the bar is set when what it shows changes, by a whole percent, and again for a new window', () => {
    const set: number[] = [];
    const bar = new TaskbarBar((value) => set.push(value), 0);
    for (const value of [2, 2, 0, 0.001, 0.009, 0.01, 0.0199, 0.5, 0.505, 1, 1, -1, -1, 2]) bar.show(value);
    expect(set).toEqual([2, 0, 0.01, 0.5, 1, -1, 2]);
    bar.forget();
    bar.show(2);
    expect(set.at(-1)).toBe(2);
    expect(set).toHaveLength(8);
  });
  test('the bar is set at most every 100 ms, the last value once that time has passed; it goes away at once', () => {
    vi.useFakeTimers();
    try {
      const set: [number, number][] = [];
      const bar = new TaskbarBar((value) => set.push([Date.now(), value]), 100, () => Date.now());
      const start = Date.now();
      // A job a millisecond, each going from nothing to full.
      for (let ms = 0; ms < 1000; ms++) {
        for (const value of [2, 0, 0.5, 1]) bar.show(value);
        vi.advanceTimersByTime(1);
      }
      expect(set.length).toBeLessThanOrEqual(11);
      expect(set.every(([at], i) => i === 0 || at - set[i - 1]![0] >= 100)).toBe(true);
      // The last value shown is set once its time comes; none comes after the bar went away.
      bar.show(0.42);
      vi.advanceTimersByTime(100);
      expect(set.at(-1)![1]).toBe(0.42);
      bar.show(0.9);
      bar.show(-1);
      vi.advanceTimersByTime(1000);
      expect(set.at(-1)).toEqual([start + 1100, -1]);
    } finally {
      vi.useRealTimers();
    }
  });
  test('a notification only for long jobs that ended done or failed', () => {
    const done = job({ state: 'done', outcome: { output: '/p.zip', bytesIn: 1, bytesOut: 1, entries: 1, durationMs: 1, problems: [], notes: [] } });
    expect(endNotice(done, LONG_JOB_MS - 1)).toBeNull();
    expect(endNotice(done, LONG_JOB_MS)).toEqual({ title: 'Zipdesk: done', body: 'photos → photos.zip' });
    expect(endNotice(job({ state: 'failed', error: 'disk full' }), LONG_JOB_MS)?.body).toBe('photos → photos.zip: disk full');
    expect(endNotice(job({ state: 'cancelled' }), LONG_JOB_MS)).toBeNull();
    // In the system's language.
    const de = nativeLabels('de-DE');
    expect(endNotice(done, LONG_JOB_MS, de)).toEqual({ title: 'Zipdesk: fertig', body: 'photos → photos.zip' });
    expect(endNotice(job({ state: 'done', outcome: { output: null, bytesIn: 1, bytesOut: 1, entries: 1, durationMs: 1, problems: [{ entry: 'a', message: 'skipped' }, { entry: 'b', message: 'skipped' }], notes: [] } }), LONG_JOB_MS, de)?.body).toBe('photos → photos.zip — einige Dateien wurden übersprungen oder umbenannt');
    expect(fill(nativeLabels('de').extractTitle, { name: 'x.zip' })).toBe('x.zip entpacken nach');
    expect(nativeLabels('fr-FR')).toBe(nativeLabels('en-US'));
  });
});

describe('listing rows', () => {
  test('deflate level from general purpose bits 1-2 (APPNOTE 4.4.4)', () => {
    expect(deflateLevel(8, 0b000)).toBe('normal');
    expect(deflateLevel(8, 0b010)).toBe('maximum');
    expect(deflateLevel(8, 0b100)).toBe('fast');
    expect(deflateLevel(8, 0b110)).toBe('superfast');
    expect(deflateLevel(0, 0b010)).toBeNull();
  });
  test('attributes: Unix modes as rwx, DOS bits as letters', () => {
    expect(attributesText(0x031e, 0o100644 << 16)).toBe('-rw-r--r--');
    expect(attributesText(0x031e, (0o040755 << 16) | 0x10)).toBe('drwxr-xr-x');
    expect(attributesText(0x0314, (0o600 << 16) >>> 0)).toBe('-rw-------');
    expect(attributesText(0x0014, 0x21)).toBe('R---A');
  });

  const row = (index: number, name: string, size: number, extra: Partial<EntryRow> = {}): EntryRow => ({
    index, name, size, packed: Math.floor(size / 2), method: 8, methodName: 'Deflated', aes: null, level: 'normal', crc32: index, modified: index, dosTime: false,
    attributes: '-rw-r--r--', isDirectory: name.endsWith('/'), isSymlink: false, utf8: false, dataDescriptor: false, zip64: false, encrypted: false, ...extra,
  });
  const rows = [row(0, 'b/', 0), row(1, 'b/z.txt', 10), row(2, 'a.txt', 300), row(3, 'b/c/d.txt', 20), row(4, 'file10', 5), row(5, 'file9', 5)];

  test("the Method column: a name that describes (Stored, Zstandard (old), a number) in the window's language, the names that are names as they are, an AES entry's cipher after its data's method", () => {
    const methods: [Partial<EntryRow>, string, string][] = [
      [{ method: 0, methodName: '', level: null }, 'Stored', 'ohne Kompression'],
      [{ method: 8, methodName: 'Deflated' }, 'Deflated', 'Deflated'],
      [{ method: 12, methodName: 'BZIP2', level: null }, 'BZIP2', 'BZIP2'],
      [{ method: 20, methodName: '', level: null }, 'Zstandard (old)', 'Zstandard (alt)'],
      [{ method: 77, methodName: '', level: null }, 'method 77', 'Methode 77'],
      [{ method: 0, methodName: '', aes: 1, level: null }, 'Stored (AES-128)', 'ohne Kompression (AES-128)'],
      [{ method: 8, methodName: 'Deflated', aes: 3 }, 'Deflated (AES-256)', 'Deflated (AES-256)'],
      // A strength the specification does not have, as main names it.
      [{ method: 8, methodName: 'Deflated', aes: 7 }, 'Deflated (AES)', 'Deflated (AES)'],
      // Method 99 with no AES extra field to say more.
      [{ method: 99, methodName: 'AES', level: null }, 'AES', 'AES'],
    ];
    for (const [fields, english, german] of methods) {
      expect(methodText(row(0, 'x', 1, fields), 'en')).toBe(english);
      expect(methodText(row(0, 'x', 1, fields), 'de')).toBe(german);
    }
    // Sorted, the AES entries stay together after the rest (as by the stored 99), each kind by its data's method.
    const mixed = methods.map(([fields], index) => row(index, `m${index}`, 1, fields));
    expect(sortedRows(mixed, 'method', 'asc').map((r) => methodText(r, 'en'))).toEqual([
      'Stored',
      'Deflated',
      'BZIP2',
      'Zstandard (old)',
      'method 77',
      'Stored (AES-128)',
      'Deflated (AES-256)',
      'Deflated (AES)',
      'AES',
    ]);
  });

  test('the folders that have no entry of their own, at every depth (what Ctrl+A selects by path)', () => {
    expect(foldersWithoutEntry(buildTree(rows)).sort()).toEqual(['b/c/']);
  });

  test('flat: sorted by any column, ties in central directory order, numbers in names sort naturally', () => {
    expect(flatItems(sortedRows(rows, 'name', 'asc'), '').map((i) => i.label)).toEqual(['a.txt', 'b/', 'b/c/d.txt', 'b/z.txt', 'file9', 'file10']);
    expect(flatItems(sortedRows(rows, 'size', 'desc'), '').map((i) => i.row!.index)).toEqual([2, 3, 1, 4, 5, 0]);
    expect(flatItems(sortedRows(rows, 'name', 'desc'), 'B/').map((i) => i.label)).toEqual(['b/z.txt', 'b/c/d.txt', 'b/']);
    expect(flatItems(sortedRows(rows, 'size', 'asc'), 'file').map((i) => [i.key, i.depth, i.label, i.folder])).toEqual([['e4', 0, 'file10', null], ['e5', 0, 'file9', null]]);
    // The rows given are not reordered.
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('by folder: folders first with totals, collapsed until opened; a filter opens the way to matches', () => {
    const tree = buildTree(rows);
    const closed = treeItems(tree, new Set(), 'name', 'asc', '');
    expect(closed.map((i) => i.label)).toEqual(['b', 'a.txt', 'file9', 'file10']);
    expect(closed[0]!.folder).toMatchObject({ path: 'b/', size: 30, count: 2, expanded: false });
    expect(closed[0]!.row?.index).toBe(0); // the folder's own entry
    const open = treeItems(tree, new Set(['b/']), 'name', 'asc', '');
    expect(open.map((i) => `${i.depth}:${i.label}`)).toEqual(['0:b', '1:c', '1:z.txt', '0:a.txt', '0:file9', '0:file10']);
    const filtered = treeItems(tree, new Set(), 'name', 'asc', 'd.txt');
    expect(filtered.map((i) => `${i.depth}:${i.label}`)).toEqual(['0:b', '1:c', '2:d.txt']);
    expect(filtered[1]!.row).toBeNull(); // "b/c/" has no entry of its own: made up
  });

  test('by folder: an entry with an empty name, and a second entry of a folder, are rows among the files of the folder they lie in (neither could be seen)', () => {
    const odd = [row(0, '', 2), row(1, 'dup/', 0), row(2, 'dup/', 0), row(3, 'dup/in.txt', 6), row(4, 'a/', 0), row(5, 'a/dup/', 0), row(6, 'a/dup/', 0), row(7, 'plain.txt', 9)];
    const tree = buildTree(odd);
    const items = treeItems(tree, new Set(['dup/', 'a/', 'a/dup/']), 'name', 'asc', '');
    // Every entry is a row, once; the first of two entries of a folder is the folder's row.
    expect(items.map((i) => i.row?.index ?? null).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(items.map((i) => `${i.depth}:${i.label}:${i.folder ? 'folder' : 'row'}`)).toEqual([
      '0:a:folder', '1:dup:folder', '1:dup/:row', '0:dup:folder', '1:in.txt:row', '0::row', '0:dup/:row', '0:plain.txt:row',
    ]);
    expect(items.find((i) => i.folder?.path === 'dup/')!.row!.index).toBe(1);
    expect(items.find((i) => i.folder?.path === 'a/dup/')!.row!.index).toBe(5);
    // A filter finds them as the flat view does.
    expect(treeItems(tree, new Set(), 'name', 'asc', 'dup/').filter((i) => i.folder === null).map((i) => i.row!.index)).toEqual([6, 3, 2]);
  });

  test('the entries a filter shows are counted as the flat view lists them, whatever the folder view shows of folders', () => {
    expect(countMatching(rows, '')).toBe(6);
    expect(countMatching(rows, '  ')).toBe(6);
    expect(countMatching(rows, 'D.TXT')).toBe(flatItems(rows, 'D.TXT').length);
    expect(countMatching(rows, 'D.TXT')).toBe(1);
    // By folder, the same filter shows three rows: b and c are on the way to d.txt.
    expect(treeItems(buildTree(rows), new Set(), 'name', 'asc', 'd.txt')).toHaveLength(3);
  });

  test('by folder: Method and CRC do not order folders, whose rows show neither: with an entry of its own or without, holding data or not, they go by name', () => {
    const folders = [
      row(0, 'a/', 72, { method: 8, crc32: 0x5a5a }), // a folder entry holding data, as a hostile archive may
      row(1, 'a/1.txt', 10),
      row(2, 'b/', 0, { method: 0, methodName: '', level: null, crc32: 0 }), // as zip -r writes one
      row(3, 'b/2.txt', 10),
      row(4, 'c/3.txt', 10), // c/ has no entry, as Python's zipfile writes none
    ];
    const tree = buildTree(folders);
    for (const key of ['method', 'crc32'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        expect(treeItems(tree, new Set(), key, direction, '').map((i) => i.label), `${key} ${direction}`).toEqual(['a', 'b', 'c']);
      }
    }
  });

  test('a size not known (a damaged record\'s ZIP64 marker) shows as "?", sorts before every size and is left out of its folders\' totals', () => {
    const unknown = row(6, 'b/lost.bin', 0, { size: null, packed: null });
    const withUnknown = [...rows, unknown];
    for (const key of ['size', 'packed', 'ratio'] as const) {
      expect(sortedRows(withUnknown, key, 'asc')[0]!.index).toBe(6);
      expect(sortedRows(withUnknown, key, 'desc').at(-1)!.index).toBe(6);
    }
    expect(sortedRows(withUnknown, 'size', 'asc').map((r) => r.index)).toEqual([6, 0, 4, 5, 1, 3, 2]);
    const folder = treeItems(buildTree(withUnknown), new Set(), 'name', 'asc', '')[0]!.folder;
    expect(folder).toMatchObject({ path: 'b/', size: 30, packed: 15, count: 3 });
    expect([formatBytes(null), formatRatio(null, 5), formatRatio(10, null), formatRatio(10, 5)]).toEqual(['?', '?', '?', '50%']);
  });

  test('a size that rounds to 1,000 of its unit is said in the next one, as the command line says it: 999,999 bytes are "1.0 MB", not "1,000.0 KB"', () => {
    expect([999, 1000, 999_949, 999_950, 999_999, 1_000_000, 999_949_999, 999_999_999].map((n) => formatBytes(n, 'en'))).toEqual([
      '999 B',
      '1.0 KB',
      '999.9 KB',
      '1.0 MB',
      '1.0 MB',
      '1.0 MB',
      '999.9 MB',
      '1.0 GB',
    ]);
    expect(formatBytes(999_999, 'de')).toBe('1,0 MB');
    // A rate: whole under 1,000, and 999.5 a second is 1.0 KB, not "1,000 B".
    expect([2.98, 999.4, 999.5].map((n) => formatBytes(n, 'en'))).toEqual(['3 B', '999 B', '1.0 KB']);
  });

  test('sizes go on to PB, as the command line\'s do: 2.5e15 bytes are "2.5 PB", not "2,500.0 TB"', () => {
    expect([999_949_999_999_999, 999_950_000_000_000, 2.5e15, 2.5e18].map((n) => formatBytes(n, 'en'))).toEqual(['999.9 TB', '1.0 PB', '2.5 PB', '2,500.0 PB']);
    expect(formatBytes(2.5e15, 'de')).toBe('2,5 PB');
  });

  test('Modified is a total order in an hour the local zone skips (Europe/Berlin, 2021-03-28 02:00–03:00): the same order whatever the rows\' order', () => {
    const zoneBefore = process.env.TZ;
    // (Node takes a new TZ at once.)
    process.env.TZ = 'Europe/Berlin';
    try {
      const dos = (index: number, name: string, hour: number, minute: number) => row(index, name, 1, { modified: Date.UTC(2021, 2, 28, hour, minute), dosTime: true });
      const instant = (index: number, name: string, utc: string) => row(index, name, 1, { modified: Date.parse(utc), dosTime: false });
      // Compared pairwise as before, these three went round: 02:30 < 03:10 as stored, 03:10 (01:10Z) < 03:20
      // (01:20Z) as instants, and 03:20 < 02:30 taken in the zone, which made the skipped 02:30 03:30 (01:30Z).
      const cycle = [dos(0, 'skipped 02:30', 2, 30), dos(1, 'dos 03:10', 3, 10), instant(2, 'instant 03:20', '2021-03-28T01:20:00Z')];
      // Beside them: the minute before the skip, the first after it as a DOS time and as an instant, and ordinary times on either side.
      const around = [
        dos(3, 'dos 01:59', 1, 59),
        dos(4, 'dos 03:00', 3, 0),
        instant(5, 'instant 03:00', '2021-03-28T01:00:00Z'),
        instant(6, 'instant 01:50', '2021-03-28T00:50:00Z'),
        dos(7, 'dos 04:00', 4, 0),
        instant(8, 'instant 04:05', '2021-03-28T02:05:00Z'),
      ];
      const orders = new Set<string>();
      for (const first of [0, 1, 2]) {
        for (const second of [0, 1, 2].filter((i) => i !== first)) {
          const third = 3 - first - second;
          const rowsIn = [cycle[first]!, cycle[second]!, cycle[third]!];
          orders.add(sortedRows(rowsIn, 'modified', 'asc').map((r) => r.name).join(', '));
        }
      }
      // The skipped DOS time sorts where the zone's clocks jump (01:00Z), before the first time after the jump.
      expect([...orders]).toEqual(['skipped 02:30, dos 03:10, instant 03:20']);
      const all = [...cycle, ...around];
      const ascending = ['instant 01:50', 'dos 01:59', 'skipped 02:30', 'dos 03:00', 'instant 03:00', 'dos 03:10', 'instant 03:20', 'dos 04:00', 'instant 04:05'];
      expect(sortedRows(all, 'modified', 'asc').map((r) => r.name)).toEqual(ascending);
      expect(sortedRows(all.slice().reverse(), 'modified', 'asc').map((r) => r.name)).toEqual(ascending);
      // (The two at 03:00 are one time: as ties are, in the archive's order either way.)
      expect(sortedRows(all, 'modified', 'desc').map((r) => r.name)).toEqual(['instant 04:05', 'dos 04:00', 'instant 03:20', 'dos 03:10', 'dos 03:00', 'instant 03:00', 'skipped 02:30', 'dos 01:59', 'instant 01:50']);
      // And in each folder of the folder view.
      const inFolder = all.map((r) => ({ ...r, name: `f/${r.name}` }));
      expect(treeItems(buildTree(inFolder.slice().reverse()), new Set(['f/']), 'modified', 'asc', '').slice(1).map((i) => i.label)).toEqual(ascending);
    } finally {
      if (zoneBefore === undefined) delete process.env.TZ;
      else process.env.TZ = zoneBefore;
    }
  });
});

describe('virtual rows', () => {
  const rowHeight = 26;
  const viewportHeight = 600;
  /** Where row `position` shows, from the top of the view, once the body is at `scrollTop`. */
  const shownAt = (position: number, scrollTop: number, rowCount: number): number | undefined => {
    const rows = rowWindow(scrollTop, { rowCount, rowHeight, viewportHeight }, 8);
    if (position < rows.first || position >= rows.last) return undefined;
    return rows.top + (position - rows.first) * rowHeight - scrollTop;
  };

  test('a list that fits is scrolled pixel for pixel', () => {
    const geometry = { rowCount: 1000, rowHeight, viewportHeight };
    expect(rowWindow(2600, geometry, 8)).toEqual({ bodyHeight: 26_000, first: 92, last: 132, top: 92 * rowHeight });
    expect([listOffset(2600, geometry), scrollTopFor(2600, geometry)]).toEqual([2600, 2600]);
  });

  test.each([1_300_000, 10_000_000])('%i rows: the body stays under the tallest element a browser makes (2^25 px in Chromium), and its ends show the first and the last row', (rowCount) => {
    const geometry = { rowCount, rowHeight, viewportHeight };
    const { bodyHeight } = rowWindow(0, geometry, 8);
    expect(bodyHeight).toBe(MAX_BODY_HEIGHT);
    expect(bodyHeight).toBeLessThan(2 ** 25);
    const end = bodyHeight - viewportHeight;
    expect(shownAt(0, 0, rowCount)).toBe(0);
    expect(shownAt(rowCount - 1, end, rowCount)).toBeCloseTo(viewportHeight - rowHeight, 6);
    // Every row is shown somewhere as the body scrolls, whole, at a whole scrollTop (reveal).
    for (const position of [1, 615_000, 1_290_000, Math.floor(rowCount / 2), rowCount - 2]) {
      const down = scrollTopFor((position + 1) * rowHeight - viewportHeight, geometry, true);
      const up = scrollTopFor(position * rowHeight, geometry);
      for (const scrollTop of [down, up]) {
        const at = shownAt(position, scrollTop, rowCount)!;
        expect(at, `row ${position} at scrollTop ${scrollTop}`).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThanOrEqual(viewportHeight - rowHeight);
      }
    }
  });
});

describe('what a drop means', () => {
  test('folders batch, the first .zip opens, the rest is named', () => {
    const plan = planDrop([
      { path: '/p/photos', kind: 'folder' },
      { path: '/p/a.zip', kind: 'zip' },
      { path: '/p/notes.txt', kind: 'other' },
      { path: '/p/b.zip', kind: 'zip' },
      { path: '/p/docs', kind: 'folder' },
      { path: '/p/gone', kind: 'missing' },
    ]);
    expect(plan).toEqual({ batch: ['/p/photos', '/p/docs'], open: '/p/a.zip', extraZips: ['/p/b.zip'], rejected: ['/p/notes.txt'], missing: ['/p/gone'] });
  });

  test("a name is what follows the last separator of the path's own system: on Linux and macOS a backslash is part of a name, on Windows either separates", () => {
    expect(baseName('/home/ann/bs/report\\evil.zip')).toBe('report\\evil.zip');
    expect(baseName('/home/ann/photos/')).toBe('photos');
    expect(baseName('/')).toBe('/');
    expect(baseName('C:\\Users\\Ann\\a.zip')).toBe('a.zip');
    expect(baseName('C:\\Users\\Ann/b.zip')).toBe('b.zip');
    expect(baseName('\\\\server\\share\\c.zip')).toBe('c.zip');
  });
});

describe('the string catalog', () => {
  test('English and German have the same keys, every placeholder on both sides', async () => {
    const { CATALOGS } = await import('../../src-renderer/lib/i18n.js');
    expect(Object.keys(CATALOGS.de).sort()).toEqual(Object.keys(CATALOGS.en).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)[|}]/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(CATALOGS.en) as (keyof typeof CATALOGS.en)[]) {
      expect(placeholders(CATALOGS.de[key]), key).toEqual(placeholders(CATALOGS.en[key]));
    }
  });

  test('plural forms and placeholders are filled', async () => {
    const { t } = await import('../../src-renderer/lib/i18n.js');
    expect(t('archive.summary', { count: '1', size: '1 B', packed: '1 B' })).toBe('1 entry · 1 B · packed 1 B');
    expect(t('archive.summary', { count: '2', size: '2 B', packed: '1 B' })).toBe('2 entries · 2 B · packed 1 B');
    // A folder of one file, while it is still being walked (it said "1 entries").
    expect(t('jobs.counting', { total: '1', bytes: '5 B' })).toBe('Finding files: 1 entry, 5 B so far');
    expect(t('jobs.counting', { total: '1,000', bytes: '5 MB' })).toBe('Finding files: 1,000 entries, 5 MB so far');
    expect(t('jobs.entries', { done: '0', total: '1' })).toBe('0 of 1 entry');
    // A batch started is said by its count of folders.
    expect(t('jobs.folders', { count: '3' })).toBe('3 folders');
    expect(t('jobs.folders', { count: '1' }, 'de')).toBe('1 Ordner');
    expect(t('jobs.ended', { kind: t('jobs.kind.batch', {}, 'de'), title: t('jobs.folders', { count: '1.000' }, 'de'), state: t('jobs.started', {}, 'de') }, 'de')).toBe('Packen 1.000 Ordner: Gestartet');
  });

  test('the ratio is "Verhältnis" in German, as Windows Explorer heads the same column of a ZIP folder (the space saved); it said "Rate"', async () => {
    const { t } = await import('../../src-renderer/lib/i18n.js');
    expect([t('col.ratio', {}, 'de'), t('report.maxRatio', {}, 'de')]).toEqual(['Verhältnis', 'Höchstes Kompressionsverhältnis']);
  });

  test('a count of bytes says "1 byte" and "1 Byte" ("Komprimierte Daten: 1 Bytes" before), in every wording that gives one', async () => {
    const { CATALOGS, problemText, t } = await import('../../src-renderer/lib/i18n.js');
    expect([t('inspector.data', { length: '1', offset: '30' }, 'en'), t('inspector.data', { length: '1', offset: '30' }, 'de')]).toEqual(['Compressed data: 1 byte at offset 30', 'Komprimierte Daten: 1 Byte ab Offset 30']);
    expect(t('inspector.data', { length: '2', offset: '30' }, 'de')).toBe('Komprimierte Daten: 2 Bytes ab Offset 30');
    const tooSmall = { entry: null, code: 'NOT_A_ZIP', kind: 'TOO_SMALL', params: { size: 1 }, message: '' };
    expect([problemText(tooSmall, 'en'), problemText(tooSmall, 'de')]).toEqual([
      'the file is 1 byte, too small to hold an end of central directory record (22 bytes)',
      'Die Datei hat 1 Byte, zu wenig für einen Endeintrag des Zentralverzeichnisses (22 Bytes)',
    ]);
    // (Where an article would have to agree with the count, the German says it so that none does.)
    expect(problemText({ entry: null, code: 'SIZE_MISMATCH', kind: 'MORE', params: { declared: 1 }, message: '' }, 'de')).toBe('Daten werden beim Entpacken größer als die angegebene Größe von 1 Byte');
    expect(problemText({ entry: null, code: 'TRUNCATED', kind: 'SHRANK', params: { end: 5, length: 1, offset: 5 }, message: '' }, 'de')).toBe('Die Datei endet bei Offset 5, zu früh für das Lesen von 1 Byte ab Offset 5 (beim Lesen geschrumpft?)');
    // No wording follows a count with a fixed "bytes" (a size in units, "5 B", is formatBytes's).
    for (const language of ['en', 'de'] as const) {
      expect(Object.entries(CATALOGS[language]).filter(([, text]) => /\{\w+\} bytes?\b/i.test(text)).map(([key]) => key), language).toEqual([]);
    }
  });

  test('a count of entries that can be 1 says "1 entry" and "1 Eintrag" ("gibt 1 Einträge an" before)', async () => {
    const { CATALOGS, problemText } = await import('../../src-renderer/lib/i18n.js');
    const declares = { entry: null, code: 'TOO_MANY_ENTRIES', kind: 'ROOM', params: { count: 1, room: 10, most: 0 }, message: '' };
    expect([problemText(declares, 'en'), problemText(declares, 'de')]).toEqual([
      'the archive declares 1 entry, but the 10 bytes from its central directory to the end of the file can hold at most 0',
      'Das Archiv gibt 1 Eintrag an, aber die 10 Bytes vom Zentralverzeichnis bis zum Ende der Datei fassen höchstens 0',
    ]);
    const notAt = { entry: null, code: 'BAD_CENTRAL_DIRECTORY', kind: 'NOT_AT_OFFSET', params: { offset: 40, size: 46, count: 1, end: 86 }, message: '' };
    expect(problemText(notAt, 'en')).toContain('(declared size 46, 1 entry, end record');
    expect(problemText(notAt, 'de')).toContain('(angegebene Größe 46, 1 Eintrag, Endeintrag');
    // Only counts that are 2 or more follow with a fixed plural: the entries of one path, the bad entries' total.
    for (const language of ['en', 'de'] as const) {
      expect(Object.entries(CATALOGS[language]).filter(([, text]) => /\{\w+\} (entries|Einträge)/.test(text)).map(([key]) => key), language).toEqual(['safety.DUPLICATE_NAME', 'jobs.moreBad']);
    }
  });
});

describe('the Jobs panel', () => {
  const job = (jobId: string, state: JobView['state'], queuedAt: number): JobView => ({ jobId, kind: 'batch', title: jobId, state, progress: null, outcome: null, error: null, failure: null, errorLines: [], errorNotes: [], queuedAt });

  test('running first, then queued in the order they run (oldest first, a batch of one millisecond as queued), then finished newest first', () => {
    const jobs = [job('done-old', 'done', 1), job('f0', 'running', 5), job('f1', 'queued', 5), job('f10', 'queued', 5), job('f2', 'queued', 6), job('f3', 'queued', 7), job('failed-new', 'failed', 4), job('cancelled-tie', 'cancelled', 4)];
    expect(orderedForPanel(jobs).map((j) => j.jobId)).toEqual(['f0', 'f1', 'f10', 'f2', 'f3', 'cancelled-tie', 'failed-new', 'done-old']);
  });

  test("the events that came in a frame, applied at once, leave each job as applying them one by one does; a job queued twice is kept once", () => {
    const outcome = { entries: 1, bytesIn: 3, bytesOut: 5, durationMs: 2, output: '/out/a.zip', problems: [], notes: [] };
    const progress = { bytesDone: 1, bytesTotal: 3, entriesDone: 0, entriesTotal: 1, currentEntry: 'a/x', bytesPerSecond: 10, etaSeconds: 1, counting: false };
    const known = [job('old', 'done', 1), job('a', 'queued', 2)];
    const events: JobEvent[] = [
      { type: 'queued', job: job('a', 'queued', 2) },
      { type: 'queued', job: job('b', 'queued', 3) },
      { type: 'started', jobId: 'a', at: 4 },
      { type: 'progress', jobId: 'a', progress },
      { type: 'done', jobId: 'a', outcome },
      { type: 'started', jobId: 'b', at: 5 },
      { type: 'cancelled', jobId: 'b' },
      { type: 'progress', jobId: 'gone', progress },
    ];
    // One by one, as the window did.
    let oneByOne: JobView[] = known;
    for (const event of events) {
      if (event.type === 'queued') {
        if (!oneByOne.some((j) => j.jobId === event.job.jobId)) oneByOne = [...oneByOne, event.job];
      } else oneByOne = oneByOne.map((j) => (j.jobId === event.jobId ? fold(j, event) : j));
    }
    const folded = foldEvents(known, events);
    expect(folded.jobs).toEqual(oneByOne);
    expect(folded.jobs.map((j) => [j.jobId, j.state])).toEqual([['old', 'done'], ['a', 'done'], ['b', 'cancelled']]);
    expect(folded.jobs[1]!.outcome).toEqual(outcome);
    expect(folded.ended.map((j) => j.jobId)).toEqual(['a', 'b']);
    expect(foldEvents(known, [{ type: 'started', jobId: 'a', at: 4 }]).ended).toEqual([]);
    // A failure ends a job too (the last of a batch may fail).
    const failed = foldEvents(known, [{ type: 'failed', jobId: 'a', error: { code: 'IO', message: 'gone' }, failure: null, lines: [], notes: [], outcome: null }]);
    expect(failed.ended.map((j) => [j.jobId, j.state])).toEqual([['a', 'failed']]);
    expect(known.map((j) => j.state)).toEqual(['done', 'queued']);
  });

  test('a job of a batch of several folders is said ended with its batch, once the last of them has: by the count, and how many were done', () => {
    const of = (jobId: string, state: JobView['state'], batchId?: string): JobView => ({ ...job(jobId, state, 1), ...(batchId !== undefined && { batchId }) });
    const running = [of('s1', 'done', 'b'), of('s2', 'running', 'b'), of('s3', 'queued', 'b'), of('t', 'done'), of('one', 'done', 'c')];
    expect(endLine(running, running[0]!)).toBeNull();
    expect(endLine(running, running[3]!)).toEqual({ job: running[3] });
    // A batch of one folder is said as its job.
    expect(endLine(running, running[4]!)).toEqual({ job: running[4] });
    const ended = [of('s1', 'done', 'b'), of('s2', 'failed', 'b'), of('s3', 'done', 'b')];
    expect(endLine(ended, ended[2]!)).toEqual({ batch: { kind: 'batch', total: 3, done: 2 } });
    // Also when the last to end failed; a failed job of no batch is said as its job (it was left
    // to its card, which a folded panel does not show).
    const lastFailed = [of('s1', 'done', 'b'), of('s2', 'failed', 'b'), of('x', 'failed')];
    expect(endLine(lastFailed, lastFailed[1]!)).toEqual({ batch: { kind: 'batch', total: 2, done: 1 } });
    expect(endLine(lastFailed, lastFailed[2]!)).toEqual({ job: lastFailed[2] });
  });
});
