// What extraction keeps for its last steps (archive/extract.ts): the links, made after every
// file, and the folders it made, whose times and modes are set after everything inside them is
// written. An archive may hold a million of either, so neither keeps its entries: a link is kept
// as its index and its entry read again from the central directory when its turn comes; a folder
// by its number among the target's folders (archive/folder-tree.ts, which has its path), as its
// entry's index, mode and time, 14 bytes in all, instead of the 700 its entry and plan took.

import type { ZipEntry } from '../zip/model.js';
import type { ZipReader } from '../zip/reader.js';
import { grown } from '../zip/columns.js';
import { PagedColumn } from './folder-tree.js';

/** Entries kept as their indexes (4 bytes each), added in directory order, and read again when their turn comes. */
export class EntryList {
  private indexes = new Uint32Array(256);
  private length = 0;
  /** Where the first one's central record starts: the directory is read again from there. */
  private firstOffset = 0;

  add(entry: ZipEntry): void {
    if (this.length === 0) this.firstOffset = entry.centralHeaderOffset;
    if (this.length === this.indexes.length) this.indexes = grown(this.indexes);
    this.indexes[this.length++] = entry.index;
  }

  /** Their entries, in directory order (from the first to the last of them only); none more once `signal` aborts. */
  async *readAgain(reader: ZipReader, signal: AbortSignal | undefined): AsyncGenerator<ZipEntry> {
    if (this.length === 0) return;
    const first = this.indexes[0]!;
    let next = 0;
    for await (const batch of reader.entryBatches({ offset: this.firstOffset, index: first, count: this.indexes[this.length - 1]! - first + 1 })) {
      for (const entry of batch) {
        if (signal?.aborted) return;
        if (entry.index !== this.indexes[next]) continue;
        yield entry;
        if (++next === this.length) return;
      }
    }
  }
}

/** The paths of folders by their numbers (archive/folder-tree.ts). */
export interface FolderNames {
  pathOf(folder: number): string;
}

/** One of the folders: what is set on it, and what names its entry in a problem. */
export interface MadeFolder {
  /** Its number among the target's folders. */
  readonly folder: number;
  /** Relative, "/"-joined. */
  readonly path: string;
  /** The stored permission bits (0: none stored). */
  readonly mode: number;
  /** NaN when the entry's time is not a valid date. */
  readonly modifiedMs: number;
  readonly entry: { readonly name: string; readonly index: number };
}

/**
 * The folders of folder entries, by their numbers among the target's folders (archive/
 * folder-tree.ts), in paged columns. A folder's number is larger than that of the folder it lies
 * in (it became known later), so from the largest number down, every folder comes after all
 * that lies in it. Where several entries name one folder, the first one's mode and time are set (as unzip does): planEntry lets only the first of them through.
 */
export class MadeFolders {
  /** One more than the largest number added (0: none). */
  private end = 0;
  /** How many folders were added. */
  private added = 0;
  /** The entry's index plus one (0: no entry names this folder). */
  private readonly entries = new PagedColumn((n) => new Uint32Array(n));
  private readonly modes = new PagedColumn((n) => new Uint16Array(n));
  private readonly times = new PagedColumn((n) => new Float64Array(n));
  /** The entry names that are not simply the path and a slash ("./a/", "a//b/", a folder by its attributes alone), by folder. */
  private readonly otherNames = new Map<number, string>();

  /** `path` is its folder's, numbered `folder`; `mode`: the permission bits to give it (0: none stored). */
  add(entry: ZipEntry, path: string, folder: number, mode: number): void {
    this.end = Math.max(this.end, folder + 1);
    if (this.entries.get(folder) === 0) this.added++;
    this.entries.set(folder, entry.index + 1);
    this.modes.set(folder, mode);
    this.times.set(folder, entry.modified.getTime());
    if (entry.name.length !== path.length + 1 || !entry.name.startsWith(path) || !entry.name.endsWith('/')) this.otherNames.set(folder, entry.name);
    else this.otherNames.delete(folder);
  }

  /** How many folders were added. */
  get size(): number {
    return this.added;
  }

  /** Each folder, those inside it first (so that none is made read-only, or unsearchable, before what lies in it is done). */
  *insideFirst(names: FolderNames): Generator<MadeFolder> {
    for (let folder = this.end - 1; folder > 0; folder--) {
      const entry = this.entries.get(folder);
      if (entry === 0) continue;
      const path = names.pathOf(folder);
      yield { folder, path, mode: this.modes.get(folder), modifiedMs: this.times.get(folder), entry: { name: this.otherNames.get(folder) ?? `${path}/`, index: entry - 1 } };
    }
  }
}
