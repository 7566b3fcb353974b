// The code page the user chose under Names for an archive, remembered by the archive's path in a
// small JSON file in the app's configuration folder: opening that archive again reads its names
// in that code page, until the user chooses otherwise (the usual reading forgets it) or clears
// Open Recent. Newest first, at most MAX_NAME_CHOICES archives; a file that is broken, or a code
// page this build cannot read, is left out, and the next choice writes a good file.

import path from 'node:path';
import { silentLog, type Log } from './log/types.js';
import { readSettingsFile, writeSettingsFile } from './settings-file.js';
import { codePageOf } from './zip/names.js';

export const MAX_NAME_CHOICES = 200;

export class NameChoices {
  private items: [archive: string, encoding: string][];

  constructor(
    private readonly file: string,
    private readonly log: Log = silentLog,
  ) {
    this.items = NameChoices.load(file);
  }

  private static load(file: string): [string, string][] {
    const parsed = readSettingsFile(file);
    if (!Array.isArray(parsed)) return []; // missing or unreadable: nothing remembered
    return parsed
      .filter((item): item is [string, string] => Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && path.isAbsolute(item[0]) && typeof item[1] === 'string' && codePageOf(item[1]) !== undefined)
      .slice(0, MAX_NAME_CHOICES);
  }

  /** The code page last chosen for the archive at `archive`, if one was. */
  get(archive: string): string | undefined {
    const key = path.resolve(archive);
    return this.items.find(([item]) => item === key)?.[1];
  }

  /** Remembers `encoding` for the archive, or forgets its choice (null: names read as usual). */
  set(archive: string, encoding: string | null): void {
    const key = path.resolve(archive);
    const others = this.items.filter(([item]) => item !== key);
    if (encoding === null && others.length === this.items.length) return;
    this.items = (encoding === null ? others : [[key, encoding] as [string, string], ...others]).slice(0, MAX_NAME_CHOICES);
    this.save();
  }

  clear(): void {
    if (this.items.length === 0) return;
    this.items = [];
    this.save();
  }

  /**
   * Remembering is a convenience, as for the recent archives: a configuration folder that cannot
   * be written keeps the choice for this session only, and the archive opens in it all the same.
   */
  private save(): void {
    try {
      writeSettingsFile(this.file, this.items);
    } catch (error) {
      this.log.warn('could not save code page choices', { path: this.file, message: (error as Error).message });
    }
  }
}
