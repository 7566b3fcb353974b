// What extract remembers of the paths it may meet more than once: those that more than one entry
// of the archive names (archive-paths.ts tells which) and files' paths that other entries may lie
// under. Of each: the first entry planned there (under 'skip' it wins; its kind tells a folder
// named twice from a file that gives way), the last file or link there (under 'replace' it
// wins), the number the rename policy tries next, and what the target folder claimed it for (a
// name written or being written). An archive naming 500,000 paths twice each kept these in maps
// of objects and strings and a tree of its own, some 110 MB of live heap; here a path is a node
// of one FolderTree (its names' characters and a few bytes of columns), and what is remembered
// of it lies in columns by that node. Lookups stay exact: a path is found by its own text, never
// by a hash of it alone.

import { FolderTree, PagedColumn } from './folder-tree.js';
import type { PathFold } from '../zip/paths.js';

export type Kind = 'directory' | 'file' | 'symlink';
/** A kind as a number, 0 for none (one byte in a column, or a FolderTree's marks), and back. */
export const KIND_CODES: Readonly<Record<Kind, number>> = { directory: 1, file: 2, symlink: 3 };
export const KINDS: readonly (Kind | undefined)[] = [undefined, 'directory', 'file', 'symlink'];

/** The entry that names a path, and the path as that entry has it (which folding may tell from another's). */
export interface NamedBy {
  readonly index: number;
  readonly path: string;
}

/** The first entry planned at a path. */
export interface Seen extends NamedBy {
  readonly kind: Kind;
}

export class KnownPaths {
  /** The paths, folded by `fold`: a path's node there is its place in the columns; its marks, what it was claimed for (KIND_CODES). */
  private readonly keys = new FolderTree();
  /** The paths as entries have them, where folding may tell them from their keys (else `keys` itself). */
  private readonly names: FolderTree;
  private readonly firstKinds = new PagedColumn((n) => new Uint8Array(n));
  /** Entry indexes plus one: 0 where there is none (an archive's entries are far fewer than 2^32, each a record of 46 bytes or more). */
  private readonly firstIndexes = new PagedColumn((n) => new Uint32Array(n));
  private readonly lastIndexes = new PagedColumn((n) => new Uint32Array(n));
  /** Nodes in `names` of the first's and the last's paths (only when folding). */
  private readonly firstNames = new PagedColumn((n) => new Uint32Array(n));
  private readonly lastNames = new PagedColumn((n) => new Uint32Array(n));
  private readonly nextNumbers = new PagedColumn((n) => new Uint32Array(n));

  /** `fold`: as the file system compares names; paths that fold alike are one path here. */
  constructor(private readonly fold: PathFold | undefined) {
    this.names = fold === undefined ? this.keys : new FolderTree();
  }

  /** What `path` was claimed for, if it was. */
  claimedAs(path: string): Kind | undefined {
    return KINDS[this.keys.marksOf(this.key(path))];
  }

  /** Claims `path` for a kind, or gives it up (undefined). */
  claim(path: string, kind: Kind | undefined): void {
    this.keys.setMarks(this.key(path), kind === undefined ? 0 : KIND_CODES[kind]);
  }

  /** The first entry planned at `path` (a SafePath's path, as every path given here), if any. */
  first(path: string): Seen | undefined {
    const node = this.find(path);
    const kind = node === -1 ? undefined : KINDS[this.firstKinds.get(node)];
    if (kind === undefined) return undefined;
    return { kind, index: this.firstIndexes.get(node) - 1, path: this.nameOf(path, this.firstNames.get(node)) };
  }

  setFirst(path: string, kind: Kind, index: number): void {
    checkIndex(index);
    const node = this.nodeOf(path);
    this.firstKinds.set(node, KIND_CODES[kind]);
    this.firstIndexes.set(node, index + 1);
    if (this.fold !== undefined) this.firstNames.set(node, this.names.mark(path, 0));
  }

  /** The last entry at `path` set by setLast, if any. */
  last(path: string): NamedBy | undefined {
    const node = this.find(path);
    const index = node === -1 ? 0 : this.lastIndexes.get(node);
    return index === 0 ? undefined : { index: index - 1, path: this.nameOf(path, this.lastNames.get(node)) };
  }

  setLast(path: string, index: number): void {
    checkIndex(index);
    const node = this.nodeOf(path);
    this.lastIndexes.set(node, index + 1);
    if (this.fold !== undefined) this.lastNames.set(node, this.names.mark(path, 0));
  }

  /** The number the rename policy tries first for `path` (1 until setNextNumber). */
  nextNumber(path: string): number {
    const node = this.find(path);
    return Math.max(1, node === -1 ? 0 : this.nextNumbers.get(node));
  }

  setNextNumber(path: string, next: number): void {
    this.nextNumbers.set(this.nodeOf(path), next);
  }

  /**
   * The paths whose first file or link (`which` 'first') or last one ('last') is one of
   * `indexes`, keyed by the path folded, with that entry.
   */
  chosenAmong(which: 'first' | 'last', indexes: ReadonlySet<number>): Map<string, NamedBy> {
    const chosen = new Map<string, NamedBy>();
    if (indexes.size === 0) return chosen;
    const [column, names] = which === 'first' ? [this.firstIndexes, this.firstNames] : [this.lastIndexes, this.lastNames];
    for (let node = 1; node <= this.keys.size; node++) {
      if (which === 'first' && this.firstKinds.get(node) === KIND_CODES.directory) continue;
      const index = column.get(node) - 1;
      if (index === -1 || !indexes.has(index)) continue;
      const key = this.keys.pathOf(node);
      chosen.set(key, { index, path: this.fold === undefined ? key : this.names.pathOf(names.get(node)) });
    }
    return chosen;
  }

  private key(path: string): string {
    return this.fold === undefined ? path : this.fold(path);
  }

  private find(path: string): number {
    return this.keys.find(this.key(path));
  }

  private nodeOf(path: string): number {
    return this.keys.mark(this.key(path), 0);
  }

  /** A stored path as its entry has it: without folding, the path asked about (its own key). */
  private nameOf(asked: string, node: number): string {
    return this.fold === undefined ? asked : this.names.pathOf(node);
  }
}

function checkIndex(index: number): void {
  if (!(index >= 0 && index < 0xffff_ffff)) throw new RangeError(`entry index ${index} out of range`);
}
