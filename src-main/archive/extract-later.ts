// What extraction keeps for its last steps (archive/extract.ts): the links, made after every
// file, and the folders it made, whose times and modes are set after everything inside them is
// written. An archive may hold a million of either, so neither keeps its entries: a link is kept
// as its index and its entry read again from the central directory when its turn comes; a folder
// as its number among the target's folders (archive/folder-tree.ts, which has its path), its
// entry's index, mode and time, 18 bytes in all, instead of the 700 its entry and plan took.

import type { ZipEntry } from '../zip/model.js';
import type { ZipReader } from '../zip/reader.js';
import { grown } from './entry-check.js';

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
  /** How many folders lie between the root and it (the root's own folders: 1). */
  depthOf(folder: number): number;
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

/** The folders extraction made, in compact columns: a folder by its number among the target's folders, not its path. */
export class MadeFolders {
  private count = 0;
  private folders = new Uint32Array(256);
  private indexes = new Uint32Array(256);
  private modes = new Uint16Array(256);
  private times = new Float64Array(256);
  /** The entry names that are not simply the path and a slash ("./a/", "a//b/", a folder by its attributes alone), by position. */
  private readonly otherNames = new Map<number, string>();

  /** `path` is its folder's, numbered `folder`; `mode`: the permission bits to give it (0: none stored). */
  add(entry: ZipEntry, path: string, folder: number, mode: number): void {
    const at = this.count++;
    if (at === this.indexes.length) {
      this.folders = grown(this.folders);
      this.indexes = grown(this.indexes);
      this.modes = grown(this.modes);
      this.times = grown(this.times);
    }
    this.folders[at] = folder;
    this.indexes[at] = entry.index;
    this.modes[at] = mode;
    this.times[at] = entry.modified.getTime();
    if (entry.name.length !== path.length + 1 || !entry.name.startsWith(path) || !entry.name.endsWith('/')) this.otherNames.set(at, entry.name);
  }

  /** Each folder, the deepest first (so that none is made read-only, or unsearchable, before what lies in it is done). */
  *deepestFirst(names: FolderNames): Generator<MadeFolder> {
    const count = this.count;
    const depths = new Uint16Array(count);
    let deepest = 0;
    for (let at = 0; at < count; at++) {
      const depth = names.depthOf(this.folders[at]!);
      depths[at] = depth;
      if (depth > deepest) deepest = depth;
    }
    // A counting sort by depth, deepest first.
    const starts = new Uint32Array(deepest + 2);
    for (let at = 0; at < count; at++) starts[deepest - depths[at]! + 1]!++;
    for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
    const order = new Uint32Array(count);
    for (let at = 0; at < count; at++) order[starts[deepest - depths[at]!]!++] = at;
    for (const at of order) {
      const folder = this.folders[at]!;
      const path = names.pathOf(folder);
      yield { folder, path, mode: this.modes[at]!, modifiedMs: this.times[at]!, entry: { name: this.otherNames.get(at) ?? `${path}/`, index: this.indexes[at]! } };
    }
  }
}
