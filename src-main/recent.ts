// The archives opened lately, newest first, kept in a small JSON file in the app's
// configuration folder (Linux has no OS list to ask; on macOS and Windows main also tells the
// OS through app.addRecentDocument). Open Recent in the File menu is built from it.

import path from 'node:path';
import { silentLog, type Log } from './log/types.js';
import { readSettingsFile, writeSettingsFile } from './settings-file.js';

export const MAX_RECENT = 10;

export class RecentFiles {
  private items: string[];

  constructor(
    private readonly file: string,
    private readonly log: Log = silentLog,
  ) {
    this.items = RecentFiles.load(file);
  }

  private static load(file: string): string[] {
    // Missing or unreadable: start empty; the next add writes a good file.
    const parsed = readSettingsFile(file);
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)).slice(0, MAX_RECENT) : [];
  }

  list(): readonly string[] {
    return this.items;
  }

  add(file: string): void {
    this.items = [file, ...this.items.filter((p) => p !== file)].slice(0, MAX_RECENT);
    this.save();
  }

  clear(): void {
    this.items = [];
    this.save();
  }

  /**
   * The list is a convenience: a configuration folder that cannot be written (full disk, read-only
   * home, quota) keeps it for this session only, and the archive opens all the same.
   */
  private save(): void {
    try {
      writeSettingsFile(this.file, this.items);
    } catch (error) {
      this.log.warn('could not save recent archives', { path: this.file, message: (error as Error).message });
    }
  }
}
