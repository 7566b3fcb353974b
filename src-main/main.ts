// Electron's lifecycle and the wiring, nothing else (issue 5, STYLE "thin shell"): one instance;
// .zip files from the command line, a second instance or the OS open in the running window; the
// secure window; the menu; IPC handlers over the services; job events to the window, the
// taskbar/dock progress and a notification when a long job ends; recent documents.

import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, Notification, protocol, shell } from 'electron';
import { EVENT_CHANNELS, GRANT_DROPPED_PATHS_CHANNEL, INVOKE_CHANNELS, INVOKE_METHODS, type JobView, type MenuCommand } from '../src-preload/contract.js';
import { zipPathsFromArgv } from './argv.js';
import { endNotice, TaskbarBar, taskbarProgress } from './attention.js';
import { nativeLabels } from './native-labels.js';
import { createArchiveService } from './ipc/archives.js';
import { acceptDroppedPaths, PathGrants } from './ipc/grants.js';
import { handleAll, isTrustedSender } from './ipc/handle.js';
import { createHandlers } from './ipc/handlers.js';
import { WindowJobs } from './ipc/jobs.js';
import { JobClient } from './jobs/client.js';
import { APP_FOLDER_NAME, createLogging, LOG_CONFIG_FILE_NAME, logRecordTo } from './log/index.js';
import { buildMenuTemplate } from './menu.js';
import { NameChoices } from './name-choices.js';
import { RecentFiles } from './recent.js';
import { electronDialogs, electronShell } from './shell/electron-services.js';
import { createMainWindow } from './window.js';
import { APP_PAGE_URL, APP_SCHEME, appResponse } from './window-policy.js';

const here = import.meta.dirname;
const dev = !app.isPackaged && process.env.ELECTRON_RENDERER_URL !== undefined;
// The built page is served on our own scheme (zipdesk://app/…), never as file:// (security
// checklist item 18); the dev server keeps its http://localhost URL.
const rendererRoot = path.join(here, '../renderer');
const appUrl = dev ? process.env.ELECTRON_RENDERER_URL! : APP_PAGE_URL;
// The worker is a second entry of the main build (electron.vite.config.ts), unpacked from app.asar
// (electron-builder.yml asarUnpack) because a worker thread cannot load its script from inside it.
const workerPath = path.join(here, 'worker.js').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);

// First of all: the name decides userData (~/.config/Zipdesk, …), which the command line's
// logging config path matches (log/paths.ts), and the single-instance lock.
app.setName(APP_FOLDER_NAME);
// Before ready: a standard, secure scheme gets an origin of its own ('self' in the CSP), fetch and
// the security of https.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  let rendererReady = false;
  // Paths the user gave the window; main grants the ones the OS hands over itself.
  const grants = new PathGrants();
  const pendingOpens: string[] = zipPathsFromArgv(process.argv, process.cwd(), app.isPackaged ? 1 : 2);
  grants.grantAll(pendingOpens);
  // Menu commands given while the window loads, sent once it has.
  const pendingCommands: MenuCommand[] = [];
  // Makes the window when there is none, once the app is ready (before, whenReady makes it). On
  // macOS the app runs on with its window closed: a file from Finder, Open Recent or Open
  // Archive… then brings one back, as the dock icon does.
  let ensureWindow = (): void => undefined;

  function openInWindow(file: string): void {
    grants.grant(file);
    if (window && rendererReady) window.webContents.send(EVENT_CHANNELS.openArchive, file);
    // Asked for twice while the window loads (Finder, then Open Recent): opened once.
    else if (!pendingOpens.includes(file)) pendingOpens.push(file);
    ensureWindow();
    if (window?.isMinimized()) window.restore();
    window?.focus();
  }

  function sendCommand(command: MenuCommand): void {
    if (window && rendererReady) window.webContents.send(EVENT_CHANNELS.menuCommand, command);
    else if (!pendingCommands.includes(command)) pendingCommands.push(command);
    ensureWindow();
  }

  // macOS: double-click in Finder or a drop on the dock icon, before or after ready.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openInWindow(file);
  });

  app.on('second-instance', (_event, argv, cwd) => {
    for (const file of zipPathsFromArgv(argv, cwd, 1)) openInWindow(file);
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  void app.whenReady().then(() => {
    // Only files of the built renderer; anything else is a 404.
    protocol.handle(APP_SCHEME, (request) => appResponse(rendererRoot, request.url));
    const logging = createLogging({ configPath: path.join(app.getPath('userData'), LOG_CONFIG_FILE_NAME) });
    const log = logging.logger.child({ module: 'app' });
    // Both are best effort: a configuration folder that cannot be written logs a warning at each
    // save, and archives open all the same.
    const recent = new RecentFiles(path.join(app.getPath('userData'), 'recent.json'), log);
    const nameChoices = new NameChoices(path.join(app.getPath('userData'), 'name-encodings.json'), log);
    const client = new JobClient({ workerPath, log: logging.logger, persistPath: path.join(app.getPath('userData'), 'pending-jobs.json') });
    const jobs = new WindowJobs(client);
    // Jobs cut short by a crash or a quit go on (issue 3); the window lists them on load.
    const resumed = client.resumeInterrupted();
    if (resumed.length) log.info('resumed interrupted jobs', { count: resumed.length });
    const archives = createArchiveService({ log: logging.logger.child({ module: 'archives' }) });
    const rendererLog = logging.logger.child({ module: 'renderer' });

    // Extract All and Test Archive wait in the menu until an archive has opened.
    let archiveOpen = false;
    const services = {
      archives,
      jobs,
      dialogs: electronDialogs(() => window, nativeLabels(app.getLocale())),
      shell: electronShell,
      log,
      grants,
      nameChoices,
      logRecord: (level: string, message: string, meta: Record<string, unknown>) => logRecordTo(rendererLog, { level, message, meta }),
      opened: (file: string) => {
        archiveOpen = true;
        recent.add(file);
        app.addRecentDocument(file);
        refreshMenu();
      },
      closed: (stillOpen: number) => {
        archiveOpen = stillOpen > 0;
        refreshMenu();
      },
    };

    const isTrusted = (event: Parameters<typeof isTrustedSender>[1]) => isTrustedSender({ windowId: () => window?.webContents.id, appUrl }, event);
    const listeners = handleAll(createHandlers(services), { isTrusted, log: logging.logger.child({ module: 'ipc' }) });
    for (const method of INVOKE_METHODS) ipcMain.handle(INVOKE_CHANNELS[method], listeners[method]);
    ipcMain.on(GRANT_DROPPED_PATHS_CHANNEL, (event, paths: unknown) => acceptDroppedPaths(grants, isTrusted(event), paths));

    function refreshMenu(): void {
      const template = buildMenuTemplate(
        {
          openArchive: () => sendCommand('open-archive'),
          openRecent: (file) => openInWindow(file),
          clearRecent: () => {
            recent.clear();
            // The code pages chosen for those archives name them too.
            nameChoices.clear();
            app.clearRecentDocuments();
            refreshMenu();
          },
          newArchiveFromFolders: () => sendCommand('new-archive-from-folders'),
          extractAll: () => sendCommand('extract-all'),
          testArchive: () => sendCommand('test-archive'),
          // Made first if missing (file logging off, the settings file deleted): opening nothing says nothing.
          showLogs: () => void shell.openPath(logging.ensureLogFolder()),
          editLoggingSettings: () => void shell.openPath(logging.ensureConfigFile()),
          quit: () => app.quit(),
        },
        { platform: process.platform, recent: recent.list(), archiveOpen, locale: app.getLocale(), dev },
      );
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    }
    refreshMenu();

    // Job events: to the window, to the taskbar/dock, and a notification for long jobs.
    // Each event asks only what is counted as it comes (WindowJobs activity): a copy of every job's
    // view at each event, and setProgressBar at each, took 10 s of main's time over 10,000 folders.
    const startedAt = new Map<string, number>();
    const taskbar = new TaskbarBar((value) => window?.setProgressBar(value));
    jobs.onEvent((event) => {
      window?.webContents.send(EVENT_CHANNELS.jobEvent, event);
      taskbar.show(taskbarProgress(jobs.activity()));
      if (event.type === 'started') startedAt.set(event.jobId, Date.now());
      if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
        const began = startedAt.get(event.jobId);
        startedAt.delete(event.jobId);
        const view: JobView | undefined = jobs.get(event.jobId);
        const notice = view && began !== undefined ? endNotice(view, Date.now() - began, nativeLabels(app.getLocale())) : null;
        if (notice && Notification.isSupported() && !window?.isFocused()) new Notification(notice).show();
      }
    });

    function openWindow(): void {
      rendererReady = false;
      taskbar.forget();
      window = createMainWindow({ appUrl, preloadPath: path.join(here, '../preload/preload.cjs'), iconPath: undefined, dev, log });
      window.webContents.on('did-finish-load', () => {
        rendererReady = true;
        for (const file of pendingOpens.splice(0)) window?.webContents.send(EVENT_CHANNELS.openArchive, file);
        for (const command of pendingCommands.splice(0)) window?.webContents.send(EVENT_CHANNELS.menuCommand, command);
      });
      window.on('closed', () => {
        window = undefined;
        rendererReady = false;
        // The archives were the window's: on macOS the app runs on without it, and they held their
        // files open, Extract All enabled, until the app quit.
        archiveOpen = false;
        refreshMenu();
        void archives.closeAll().catch((error: unknown) => log.warn('could not close the archives of the closed window', { message: (error as Error).message }));
      });
    }
    ensureWindow = () => {
      if (!window) openWindow();
    };
    openWindow();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      quitting = true;
      event.preventDefault();
      // Pending jobs stay on disk and are offered again at the next start (issue 3).
      void client
        .close({ keepPending: true })
        .then(() => archives.closeAll())
        .then(() => logging.close())
        .finally(() => app.quit());
    });
  });
}
