// The services only Electron can give: native dialogs and the file manager. Everything else the
// IPC handlers use runs under plain Node (ipc/services.ts); the end-to-end harness replaces just
// these two.

import { dialog, shell, type BrowserWindow } from 'electron';
import type { Dialogs, ShellService } from '../ipc/services.js';
import { fill, type NativeLabels } from '../native-labels.js';

export function electronDialogs(window: () => BrowserWindow | undefined, t: NativeLabels): Dialogs {
  const parent = () => window();
  return {
    async chooseArchive() {
      const options = { title: t.openArchiveTitle, properties: ['openFile' as const], filters: [{ name: t.zipArchives, extensions: ['zip'] }, { name: t.allFiles, extensions: ['*'] }] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseExtractFolder(archiveName) {
      const options = { title: fill(t.extractTitle, { name: archiveName }), buttonLabel: t.extractButton, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseFolders() {
      const options = { title: t.zipFoldersTitle, buttonLabel: t.zipFoldersButton, properties: ['openDirectory' as const, 'multiSelections' as const] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
  };
}

export const electronShell: ShellService = {
  showItemInFolder: (target) => shell.showItemInFolder(target),
};
