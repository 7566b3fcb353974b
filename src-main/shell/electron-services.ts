// The services only Electron can give: native dialogs and the file manager. Everything else the
// IPC handlers use runs under plain Node (ipc/services.ts); the end-to-end harness replaces just
// these two.

import { dialog, shell, type BrowserWindow } from 'electron';
import type { Dialogs, ShellService } from '../ipc/services.js';

export function electronDialogs(window: () => BrowserWindow | undefined): Dialogs {
  const parent = () => window();
  return {
    async chooseArchive() {
      const options = { title: 'Open Archive', properties: ['openFile' as const], filters: [{ name: 'ZIP archives', extensions: ['zip'] }, { name: 'All files', extensions: ['*'] }] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseExtractFolder(archiveName) {
      const options = { title: `Extract ${archiveName} to`, buttonLabel: 'Extract Here', properties: ['openDirectory' as const, 'createDirectory' as const] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseFolders() {
      const options = { title: 'Zip Folders', buttonLabel: 'Zip Each Folder', properties: ['openDirectory' as const, 'multiSelections' as const] };
      const owner = parent();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
  };
}

export const electronShell: ShellService = {
  showItemInFolder: (target) => shell.showItemInFolder(target),
};
