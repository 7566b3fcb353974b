// main.ts as built (out/main/index.js), run under plain Node with a stand-in for the electron
// module (test/unit/fixtures/fake-electron.mjs): Electron itself cannot run here, but the
// wiring can — every contract channel handled, the secure window options, the session's
// permission/request/CSP handlers, navigation and new windows refused, the menu, and a .zip on
// the command line sent to the window and allowed to open. Then what the user does in other
// scenarios (the stand-in's FAKE_SCENARIO): a configuration folder that cannot be written, and
// macOS's app running on with its window closed.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { INVOKE_CHANNELS } from '../../src-preload/contract.js';

const root = path.resolve(import.meta.dirname, '../..');
const bundle = path.join(root, 'out/main/index.js');

/** Runs the built main with `zip` on its command line under the stand-in; its report. */
function runMain(zip: string, userData: string, env: Record<string, string> = {}): any {
  const run = spawnSync(process.execPath, ['--import', path.join(root, 'test/unit/fixtures/electron-hook.mjs'), bundle, '.', zip], {
    cwd: root,
    env: { ...process.env, FAKE_USER_DATA: userData, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-REPORT '));
  if (!line) throw new Error(`main did not finish: ${run.stderr}`);
  const report = JSON.parse(line.slice('FAKE-ELECTRON-REPORT '.length));
  if (report.scenarioError) throw new Error(`the scenario failed: ${report.scenarioError}`);
  return report;
}

describe.skipIf(!existsSync(bundle))('main.ts wiring under a stand-in Electron', () => {
  let work: string;
  let report: any;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-main-'));
    writeFileSync(path.join(work, 'hello.txt'), 'hello');
    execFileSync('zip', ['-q', 'hello.zip', 'hello.txt'], { cwd: work });
    report = runMain(path.join(work, 'hello.zip'), path.join(work, 'userData'));
  }, 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('one handler per contract channel, plus the preload\'s dropped-paths report', () => {
    expect([...report.handles].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());
    expect(report.ons).toEqual(['zipdesk:internal:grant-dropped-paths']);
  });

  test('the window: secure webPreferences, the CommonJS preload', () => {
    const prefs = report.windows[0].webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toBe(path.join(root, 'out/preload/preload.cjs'));
  });

  test('sender check and path grants through the registered handlers', () => {
    expect(report.calls.listJobsOurs).toEqual({ ok: true, value: [] });
    expect(report.calls.listJobsForeign.error.code).toBe('FORBIDDEN_SENDER');
    expect(report.calls.openUngranted.error.code).toBe('FORBIDDEN_PATH');
  });

  test('a .zip on the command line is sent to the window after it loads, and opens', () => {
    expect(report.sent).toContainEqual({ window: 1, channel: 'zipdesk:event:open-archive', payload: path.join(work, 'hello.zip') });
    expect(report.calls.openArgvZip.ok).toBe(true);
    expect(report.calls.openArgvZip.value.entryCount).toBe(1);
    expect([...new Set(report.recent)]).toEqual([path.join(work, 'hello.zip')]);
  });

  test('a code page chosen under Names is kept in the configuration folder and read in at the next open; Clear Menu forgets it with the recent archives', () => {
    const hello = path.join(work, 'hello.zip');
    expect(report.names.chosen.value.nameEncoding).toBe('ibm866');
    expect(report.names.kept).toEqual([[hello, 'cp866']]);
    expect(report.names.again.value.nameEncoding).toBe('ibm866');
    expect(report.recentCleared).toBe(true);
    expect(report.names.cleared).toEqual([]);
    expect(report.names.afterClear.value.nameEncoding).toBeNull();
  });

  test("a job's events go to the window; the taskbar's bar is set when what it shows changes, not at each event, and removed at the end", () => {
    expect(report.calls.test.ok).toBe(true);
    expect(report.testEvents).toEqual(expect.arrayContaining(['queued', 'started', 'done']));
    // Queued, running (no size yet: indeterminate, 2), done (-1): each value once, where each of
    // the job's events set it (2, 2, …, -1).
    expect(report.progress.at(-1)).toBe(-1);
    expect(report.progress.filter((value: number, i: number) => i > 0 && value === report.progress[i - 1])).toEqual([]);
    expect(report.progress.length).toBeLessThan(report.testEvents.length);
  });

  test('navigation, new windows, permissions and remote requests are refused; the CSP header is set', () => {
    expect(report.navigationToEvilPrevented).toBe(true);
    expect(report.newWindow).toEqual({ action: 'deny' });
    expect(report.session.permission).toBe(false);
    expect(report.session.remoteRequest).toEqual({ cancel: true });
    expect(report.session.ownRequest).toEqual({ cancel: false });
    expect(report.session.csp.responseHeaders['Content-Security-Policy'][0]).toContain("default-src 'none'");
  });

  test('single instance, open-file and second-instance are wired; the name is Zipdesk; the menu is built', () => {
    expect(report.name).toBe('Zipdesk');
    expect(report.appEvents).toEqual(expect.arrayContaining(['open-file', 'second-instance', 'window-all-closed', 'before-quit', 'activate']));
    expect(report.menu.map((m: { label: string }) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(report.menu[0].items[0]).toBe('Open Archive…');
  });

  test('the page loads from our own scheme, whose handler serves only the built renderer', () => {
    expect(report.loaded).toEqual(['zipdesk://app/index.html']);
    expect(report.schemes).toEqual([{ scheme: 'zipdesk', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(report.protocolScheme).toBe('zipdesk');
    // Read by the handler, with its type and the CSP; never handed to a file:// fetch.
    const page = readFileSync(path.join(root, 'out/renderer/index.html'), 'utf8');
    expect(report.served.page).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: true, start: page.slice(0, 15) });
    const script = readdirSync(path.join(root, 'out/renderer/assets')).find((name) => name.endsWith('.js'))!;
    expect(report.served.asset).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', csp: true, start: readFileSync(path.join(root, 'out/renderer/assets', script), 'utf8').slice(0, 15) });
    // The URL parser settles dot segments first: %2e%2e stays inside the folder, where there
    // is no main/index.js; a folder is not a file.
    for (const refused of ['dotDot', 'encodedSlash', 'otherHost', 'missing', 'folder']) expect(report.served[refused]).toMatchObject({ status: 404 });
  });

  test('Extract All waits in the menu until an archive has opened', () => {
    expect(report.extractAllEnabled[0]).toBe(false);
    expect(report.extractAllEnabled.at(-1)).toBe(true);
  });

  test('a configuration folder that cannot be written: archives open all the same, and hold no handle more than they are; Clear Menu returns', () => {
    const zip = path.join(work, 'hello.zip');
    const userData = path.join(work, 'unwritable');
    // Folders where the files go: every save fails, as on a full disk or a read-only home.
    for (const name of ['recent.json', 'name-encodings.json']) mkdirSync(path.join(userData, name, 'in-the-way'), { recursive: true });
    const { unwritable } = runMain(zip, userData, { FAKE_SCENARIO: 'config-unwritable' });
    expect(unwritable.opened.map((r: any) => [r.ok, r.value?.nameEncoding])).toEqual([
      [true, null],
      [true, 'ibm866'],
      [true, 'ibm866'], // remembered for the session
    ]);
    expect(unwritable.handles).toBe(3);
    expect(unwritable.clearRecent).toBe('returned');
    expect([unwritable.afterClear.ok, unwritable.afterClear.value?.nameEncoding]).toEqual([true, null]);
    expect(readdirSync(userData).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  test('macOS, the window closed: its archives are closed with it; a .zip from Finder, Open Recent and Open Archive… each make a window and reach it once', () => {
    const zip = path.join(work, 'hello.zip');
    const { mac } = runMain(zip, path.join(work, 'mac'), { FAKE_SCENARIO: 'mac-closed-window', FAKE_PLATFORM: 'darwin' });
    expect(mac.opened).toEqual({ ok: true, handles: 1, extractAll: true });
    const opens = (window: number) => [{ window, channel: 'zipdesk:event:open-archive', payload: zip }];
    const closed = { windows: 0, quit: false, handles: 0, extractAll: false };
    expect(mac.openFile).toEqual({ closed, windowsMade: 1, sent: opens(2) });
    expect(mac.openRecent).toEqual({ closed, windowsMade: 1, sent: opens(3) });
    expect(mac.openArchive).toEqual({ closed, windowsMade: 1, sent: [{ window: 4, channel: 'zipdesk:event:menu-command', payload: 'open-archive' }] });
    expect(mac.twiceBeforeLoad).toEqual({ closed, windowsMade: 1, sent: opens(5) });
    expect(mac.activateWithWindow).toBe(0);
  }, 60_000);
});
