// The application menu as a pure function (issue 5): callbacks, platform, recent files and
// locale in, a template out. main.ts hands the result to Menu.buildFromTemplate; tests read it
// without Electron. The item type is the part of Electron's MenuItemConstructorOptions we use,
// declared here so this file compiles (and is tested) under plain Node.

import path from 'node:path';

export type MenuRole =
  | 'about' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'quit' | 'close'
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'delete'
  | 'reload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen'
  | 'minimize' | 'zoom' | 'front' | 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help';

export interface MenuTemplateItem {
  id?: string;
  label?: string;
  role?: MenuRole;
  type?: 'normal' | 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuTemplateItem[];
}

export interface MenuActions {
  openArchive(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  newArchiveFromFolders(): void;
  extractAll(): void;
  testArchive(): void;
  showLogs(): void;
  editLoggingSettings(): void;
  quit(): void;
}

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly recent: readonly string[];
  /** Extract All and Test Archive act on the open archive: disabled without one. */
  readonly archiveOpen: boolean;
  readonly locale?: string;
  /** Development builds get Reload and the developer tools. */
  readonly dev?: boolean;
  readonly appName?: string;
}

const EN = {
    file: '&File', edit: '&Edit', view: '&View', window: '&Window', help: '&Help',
    openArchive: 'Open Archive…', openRecent: 'Open Recent', noRecent: 'No Recent Archives', clearRecent: 'Clear Menu',
    newArchive: 'New Archive from Folders…', extractAll: 'Extract All…', testArchive: 'Test Archive',
    showLogs: 'Show Logs', editLogging: 'Edit Logging Settings', quit: 'Quit', about: 'About Zipdesk',
};

export type MenuLabels = { readonly [K in keyof typeof EN]: string };

const DE: MenuLabels = {
    file: '&Datei', edit: '&Bearbeiten', view: '&Ansicht', window: '&Fenster', help: '&Hilfe',
    openArchive: 'Archiv öffnen…', openRecent: 'Zuletzt geöffnet', noRecent: 'Keine zuletzt geöffneten Archive', clearRecent: 'Liste leeren',
    newArchive: 'Neues Archiv aus Ordnern…', extractAll: 'Alles entpacken…', testArchive: 'Archiv prüfen',
    showLogs: 'Protokolle anzeigen', editLogging: 'Protokoll-Einstellungen bearbeiten', quit: 'Beenden', about: 'Über Zipdesk',
};

export function menuLabels(locale = 'en'): MenuLabels {
  return locale.toLowerCase().startsWith('de') ? DE : EN;
}

const separator: MenuTemplateItem = { type: 'separator' };

export function buildMenuTemplate(actions: MenuActions, options: MenuOptions): MenuTemplateItem[] {
  const t = menuLabels(options.locale);
  const mac = options.platform === 'darwin';
  const appName = options.appName ?? 'Zipdesk';

  const recentItems: MenuTemplateItem[] = options.recent.length
    ? [
        ...options.recent.map((file, i) => ({
          id: `recent-${i}`,
          label: `${path.basename(file)} — ${path.dirname(file)}`,
          click: () => actions.openRecent(file),
        })),
        separator,
        { id: 'clear-recent', label: t.clearRecent, click: actions.clearRecent },
      ]
    : [{ id: 'no-recent', label: t.noRecent, enabled: false }];

  const file: MenuTemplateItem = {
    label: t.file,
    submenu: [
      { id: 'open-archive', label: t.openArchive, accelerator: 'CmdOrCtrl+O', click: actions.openArchive },
      { id: 'open-recent', label: t.openRecent, submenu: recentItems },
      separator,
      { id: 'new-archive', label: t.newArchive, accelerator: 'CmdOrCtrl+N', click: actions.newArchiveFromFolders },
      { id: 'extract-all', label: t.extractAll, accelerator: 'CmdOrCtrl+E', enabled: options.archiveOpen, click: actions.extractAll },
      { id: 'test-archive', label: t.testArchive, accelerator: 'CmdOrCtrl+T', enabled: options.archiveOpen, click: actions.testArchive },
      separator,
      { id: 'show-logs', label: t.showLogs, click: actions.showLogs },
      { id: 'edit-logging', label: t.editLogging, click: actions.editLoggingSettings },
      separator,
      // macOS keeps Quit in the application menu and Close in File (Apple HIG).
      mac ? { role: 'close' } : { id: 'quit', label: t.quit, accelerator: 'Ctrl+Q', click: actions.quit },
    ],
  };

  const edit: MenuTemplateItem = {
    label: t.edit,
    submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };

  const view: MenuTemplateItem = {
    label: t.view,
    submenu: [
      ...(options.dev ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuTemplateItem = {
    label: t.help,
    role: 'help',
    submenu: [
      { id: 'help-show-logs', label: t.showLogs, click: actions.showLogs },
      ...(mac ? [] : [separator, { role: 'about', label: t.about } as const]),
    ],
  };

  if (!mac) return [file, edit, view, help];

  const appMenu: MenuTemplateItem = {
    label: appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { id: 'quit', role: 'quit' },
    ],
  };
  const windowMenu: MenuTemplateItem = { label: t.window, submenu: [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] };
  return [appMenu, file, edit, view, windowMenu, help];
}
