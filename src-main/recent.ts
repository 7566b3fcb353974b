// The archives opened lately, newest first, kept in a small JSON file in the app's
// configuration folder (Linux has no OS list to ask; on macOS and Windows main also tells the
// OS through app.addRecentDocument). Open Recent in the File menu is built from it.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MAX_RECENT = 10;

export class RecentFiles {
  private items: string[];

  constructor(private readonly file: string) {
    this.items = RecentFiles.load(file);
  }

  private static load(file: string): string[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)).slice(0, MAX_RECENT) : [];
    } catch {
      return []; // missing or unreadable: start empty; the next add writes a good file
    }
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

  private save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.items, null, 2));
    renameSync(temp, this.file);
  }
}
