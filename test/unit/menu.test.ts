// The File menu and friends as a pure template (issue 5): items, accelerators, Open Recent,
// platform differences, German labels, and that each item calls its callback.

import { describe, expect, test } from 'vitest';
import { buildMenuTemplate, type MenuActions, type MenuTemplateItem } from '../../src-main/menu.js';

function recordingActions(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  const record = (name: string) => () => void calls.push(name);
  return {
    calls,
    actions: {
      openArchive: record('openArchive'),
      openRecent: (file) => void calls.push(`openRecent:${file}`),
      clearRecent: record('clearRecent'),
      newArchiveFromFolders: record('newArchiveFromFolders'),
      extractAll: record('extractAll'),
      testArchive: record('testArchive'),
      showLogs: record('showLogs'),
      editLoggingSettings: record('editLoggingSettings'),
      quit: record('quit'),
    },
  };
}

function find(items: readonly MenuTemplateItem[], id: string): MenuTemplateItem | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu && find(item.submenu, id);
    if (inner) return inner;
  }
  return undefined;
}

const labels = (items: readonly MenuTemplateItem[]) => items.map((i) => i.label ?? i.role ?? i.type);

describe('menu template', () => {
  test('Linux and Windows: File, Edit, View, Help; the File menu in the order of the issue', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const { actions } = recordingActions();
      const template = buildMenuTemplate(actions, { platform, recent: [], archiveOpen: true });
      expect(labels(template)).toEqual(['&File', '&Edit', '&View', '&Help']);
      expect(labels(template[0]!.submenu!)).toEqual([
        'Open Archive…',
        'Open Recent',
        'separator',
        'New Archive from Folders…',
        'Extract All…',
        'Test Archive',
        'separator',
        'Show Logs',
        'Edit Logging Settings',
        'separator',
        'Quit',
      ]);
    }
  });

  test('accelerators: Open is CmdOrCtrl+O; Quit is Ctrl+Q off macOS', () => {
    const { actions } = recordingActions();
    const template = buildMenuTemplate(actions, { platform: 'linux', recent: [], archiveOpen: true });
    expect(find(template, 'open-archive')?.accelerator).toBe('CmdOrCtrl+O');
    expect(find(template, 'new-archive')?.accelerator).toBe('CmdOrCtrl+N');
    expect(find(template, 'quit')?.accelerator).toBe('Ctrl+Q');
  });

  test('every File item calls its own callback', () => {
    const { actions, calls } = recordingActions();
    const template = buildMenuTemplate(actions, { platform: 'linux', recent: ['/data/a.zip'], archiveOpen: true });
    for (const id of ['open-archive', 'new-archive', 'extract-all', 'test-archive', 'show-logs', 'edit-logging', 'quit', 'recent-0', 'clear-recent']) {
      find(template, id)!.click!();
    }
    expect(calls).toEqual([
      'openArchive',
      'newArchiveFromFolders',
      'extractAll',
      'testArchive',
      'showLogs',
      'editLoggingSettings',
      'quit',
      'openRecent:/data/a.zip',
      'clearRecent',
    ]);
  });

  test('Open Recent lists the files newest first, with a Clear item; empty, one disabled line', () => {
    const { actions } = recordingActions();
    const full = buildMenuTemplate(actions, { platform: 'linux', recent: ['/home/u/new.zip', '/srv/old.zip'], archiveOpen: true });
    expect(labels(find(full, 'open-recent')!.submenu!)).toEqual(['new.zip — /home/u', 'old.zip — /srv', 'separator', 'Clear Menu']);
    const empty = buildMenuTemplate(actions, { platform: 'linux', recent: [], archiveOpen: true });
    const only = find(empty, 'open-recent')!.submenu!;
    expect(only).toHaveLength(1);
    expect(only[0]!.enabled).toBe(false);
  });

  test('Extract All and Test Archive are disabled without an open archive', () => {
    const { actions } = recordingActions();
    const template = buildMenuTemplate(actions, { platform: 'linux', recent: [], archiveOpen: false });
    expect(find(template, 'extract-all')?.enabled).toBe(false);
    expect(find(template, 'test-archive')?.enabled).toBe(false);
    expect(find(template, 'open-archive')?.enabled).toBeUndefined();
  });

  test('macOS: an application menu holds Quit; File ends with Close; a Window menu', () => {
    const { actions } = recordingActions();
    const template = buildMenuTemplate(actions, { platform: 'darwin', recent: [], archiveOpen: true });
    expect(labels(template)).toEqual(['Zipdesk', '&File', '&Edit', '&View', '&Window', '&Help']);
    expect(template[0]!.submenu!.at(-1)?.role).toBe('quit');
    expect(template[1]!.submenu!.at(-1)?.role).toBe('close');
  });

  test('the developer tools appear only in development builds', () => {
    const { actions } = recordingActions();
    const roles = (dev: boolean) => buildMenuTemplate(actions, { platform: 'linux', recent: [], archiveOpen: true, dev })[2]!.submenu!.map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  test('German labels for a German system', () => {
    const { actions } = recordingActions();
    const template = buildMenuTemplate(actions, { platform: 'linux', recent: [], archiveOpen: true, locale: 'de-DE' });
    expect(template[0]!.label).toBe('&Datei');
    expect(find(template, 'open-archive')?.label).toBe('Archiv öffnen…');
  });
});
