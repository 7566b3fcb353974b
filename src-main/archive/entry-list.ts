// The walk's entries as they are found, for the writer to follow (archive/create.ts): it waits
// when it catches up, and written entries are let go.
//
// The walk runs far ahead of the writer (a million small files are walked in some 3 s and
// written in 15), and the job's totals come from it, so most of what it finds waits. As objects
// (a PlannedEntry, its name and path strings, a boxed time) they took some 230 bytes an entry,
// and a create of a million small files was mostly this list: its job thread's heap reached
// 140 MB. Here they are kept in columns instead, in blocks of BLOCK_ENTRIES: the name as UTF-8
// bytes, the source path as one of the few folders the names hang from (`roots`), and typed
// arrays for the rest, some 40 bytes an entry besides the name, outside the collected heap.
// What does not fit the columns (a path or name that is not text, a link's target, a name that
// would not come back the same from UTF-8) is kept as it came, beside them.

import { Buffer } from 'node:buffer';
import path from 'node:path';
import { ZipError } from '../zip/errors.js';
import { isLargeFile } from './large-files.js';
import type { EntryKind, PlannedEntry } from './sources.js';

const BLOCK_ENTRIES = 16 * 1024;
/**
 * The first block's room at first, doubled as it fills, up to BLOCK_ENTRIES; later blocks start
 * whole (a list that fills one is large). Made whole for every job, the first block's columns
 * were some 1.1 MB outside the heap, 620 KB of it zeroed (that is, touched), for a folder of one
 * file too: a batch of 2,000 small folders is 2,000 jobs in a row on one thread, and the dead
 * blocks of a few dozen of them waited for the collector while the C allocator kept their pages.
 */
const FIRST_BLOCK_ENTRIES = 256;
const KINDS: readonly EntryKind[] = ['file', 'directory', 'symlink'];
/** `root` of an entry whose source path is not root + name (kept in `whole`). */
const NO_ROOT = 0xffff_ffff;
/** A device past the 65,535 the column numbers (the entry is kept whole). */
const NO_DEVICE = 0xffff;
/** Lone surrogates (and, to keep the test cheap, pairs) do not survive a trip through UTF-8. */
const SURROGATE = /[\uD800-\uDFFF]/;

class Block {
  readonly kind: Uint8Array;
  readonly root: Uint32Array;
  readonly size: Float64Array;
  readonly mtimeMs: Float64Array;
  readonly mode: Uint32Array;
  /** A file's inode (NaN for other kinds), and its device as a place in EntryList's `devices`. */
  readonly ino: Float64Array;
  readonly device: Uint16Array;
  /** Where each entry's name ends in `names` (it starts where the previous one ends). */
  readonly nameEnd: Uint32Array;
  names: Buffer;
  namesLength: number;
  /** Entries kept as they came, by their place in the block. */
  readonly whole: Map<number, PlannedEntry>;

  /** Room for `room` entries; with `from`, its entries (a block that filled up), names and all. */
  constructor(
    readonly room: number,
    from?: Block,
  ) {
    this.kind = new Uint8Array(room);
    this.root = new Uint32Array(room);
    this.size = new Float64Array(room);
    this.mtimeMs = new Float64Array(room);
    this.mode = new Uint32Array(room);
    this.ino = new Float64Array(room);
    this.device = new Uint16Array(room);
    this.nameEnd = new Uint32Array(room);
    if (from === undefined) {
      this.names = Buffer.allocUnsafe(room * 32);
      this.namesLength = 0;
      this.whole = new Map();
      return;
    }
    this.kind.set(from.kind);
    this.root.set(from.root);
    this.size.set(from.size);
    this.mtimeMs.set(from.mtimeMs);
    this.mode.set(from.mode);
    this.ino.set(from.ino);
    this.device.set(from.device);
    this.nameEnd.set(from.nameEnd);
    // (The names grow on their own: addName.)
    this.names = from.names;
    this.namesLength = from.namesLength;
    this.whole = from.whole;
  }
}

export class EntryList {
  private readonly blocks: (Block | undefined)[] = [];
  /** The folders that source paths are made of: root + name (less a folder's final '/'). */
  private readonly roots: string[] = [];
  private readonly rootIds = new Map<string, number>();
  /** The devices files lie on (a tree spans a few), and their places in `devices`. */
  private readonly devices: number[] = [];
  private readonly deviceIds = new Map<number, number>();
  private lastRoot = -1;
  private count = 0;
  /** Entries before this one are written and let go. */
  private released = 0;
  /** Sum of the sizes found so far. */
  bytes = 0;
  private done = false;
  private closed = false;
  private failure: { error: unknown } | undefined;
  /** The writer and the large-file feeder may both wait for the walk. */
  private waiting: (() => void)[] = [];

  get length(): number {
    return this.count;
  }

  /** Whether the walk has ended (so `length` and `bytes` are final). */
  get complete(): boolean {
    return this.done;
  }

  push(entry: PlannedEntry): void {
    if (this.closed) throw new ZipError('CANCELLED', 'cancelled');
    const at = this.count % BLOCK_ENTRIES;
    const last = this.blocks.length - 1;
    if (at === 0) this.blocks.push(new Block(this.count === 0 ? FIRST_BLOCK_ENTRIES : BLOCK_ENTRIES));
    else if (at === this.blocks[last]!.room) this.blocks[last] = new Block(at * 2, this.blocks[last]);
    const block = this.blocks[this.blocks.length - 1]!;
    block.kind[at] = KINDS.indexOf(entry.kind);
    block.size[at] = entry.size;
    block.mtimeMs[at] = entry.mtimeMs;
    block.mode[at] = entry.mode;
    const device = entry.dev === undefined || entry.ino === undefined ? undefined : this.deviceOf(entry.dev);
    block.ino[at] = device === undefined ? Number.NaN : entry.ino!;
    block.device[at] = device ?? 0;
    const root = device !== NO_DEVICE && entry.nameBytes === undefined && entry.linkTarget === undefined && !SURROGATE.test(entry.name) ? this.rootOf(entry) : NO_ROOT;
    block.root[at] = root;
    if (root === NO_ROOT) block.whole.set(at, entry);
    else this.addName(block, entry.name);
    block.nameEnd[at] = block.namesLength;
    this.count++;
    this.bytes += entry.size;
    this.notify();
  }

  finish(): void {
    this.done = true;
    this.notify();
  }

  fail(error: unknown): void {
    // A walk stopped because the writer gave up has nothing to add.
    if (!this.closed) this.failure = { error };
    this.done = true;
    this.notify();
  }

  close(): void {
    this.closed = true;
  }

  /** Entry `index`, once found; undefined when the walk ended before it. */
  async at(index: number): Promise<PlannedEntry | undefined> {
    while (index >= this.count && !this.done) await this.found();
    if (this.failure) throw this.failure.error;
    return this.peek(index);
  }

  /** Entry `index` if it is already found and not yet let go (for looking ahead). */
  peek(index: number): PlannedEntry | undefined {
    if (index < this.released || index >= this.count) return undefined;
    const block = this.blocks[Math.floor(index / BLOCK_ENTRIES)]!;
    const at = index % BLOCK_ENTRIES;
    const root = block.root[at]!;
    if (root === NO_ROOT) return block.whole.get(at)!;
    const kind = KINDS[block.kind[at]!]!;
    const name = block.names.toString('utf8', at === 0 ? 0 : block.nameEnd[at - 1]!, block.nameEnd[at]!);
    const ino = block.ino[at]!;
    const known = !Number.isNaN(ino);
    return { name, kind, sourcePath: this.roots[root]! + pathTail(name, kind), size: block.size[at]!, mode: block.mode[at]!, mtimeMs: block.mtimeMs[at]!, dev: known ? this.devices[block.device[at]!] : undefined, ino: known ? ino : undefined };
  }

  /** The first index from `from` whose entry is a large file, once found; undefined when the walk ended before one. */
  async findLarge(from: number): Promise<number | undefined> {
    for (let index = Math.max(from, this.released); ; index++) {
      while (index >= this.count && !this.done) await this.found();
      if (this.failure) throw this.failure.error;
      if (index >= this.count) return undefined;
      const block = this.blocks[Math.floor(index / BLOCK_ENTRIES)]!;
      const at = index % BLOCK_ENTRIES;
      if (isLargeFile({ kind: KINDS[block.kind[at]!]!, size: block.size[at]! })) return index;
    }
  }

  /** Lets entry `index` go, and every one before it: the writer is done with them. */
  release(index: number): void {
    if (index < this.released) return;
    this.released = index + 1;
    const firstKept = Math.floor(this.released / BLOCK_ENTRIES);
    for (let b = firstKept - 1; b >= 0 && this.blocks[b] !== undefined; b--) this.blocks[b] = undefined;
  }

  /** The root that makes the entry's source path, or NO_ROOT. Consecutive entries mostly share one. */
  private rootOf(entry: PlannedEntry): number {
    const sourcePath = entry.sourcePath;
    if (typeof sourcePath !== 'string') return NO_ROOT;
    const tail = pathTail(entry.name, entry.kind);
    if (!sourcePath.endsWith(tail)) return NO_ROOT;
    const rootLength = sourcePath.length - tail.length;
    const last = this.roots[this.lastRoot];
    if (last !== undefined && last.length === rootLength && sourcePath.startsWith(last)) return this.lastRoot;
    const root = sourcePath.slice(0, rootLength);
    let id = this.rootIds.get(root);
    if (id === undefined) {
      if (this.roots.length >= NO_ROOT) return NO_ROOT;
      id = this.roots.push(root) - 1;
      this.rootIds.set(root, id);
    }
    this.lastRoot = id;
    return id;
  }

  /** The device's place in `devices`; NO_DEVICE when there are too many to number (the entry is then kept whole). */
  private deviceOf(dev: number): number {
    let id = this.deviceIds.get(dev);
    if (id === undefined) {
      if (this.devices.length >= NO_DEVICE) return NO_DEVICE;
      id = this.devices.push(dev) - 1;
      this.deviceIds.set(dev, id);
    }
    return id;
  }

  private addName(block: Block, name: string): void {
    // Three bytes a UTF-16 unit at most: the byte count is only needed near the end.
    if (block.names.length - block.namesLength < name.length * 3) {
      const needed = block.namesLength + Buffer.byteLength(name);
      if (needed > block.names.length) {
        const grown = Buffer.allocUnsafe(Math.max(block.names.length * 2, needed));
        block.names.copy(grown, 0, 0, block.namesLength);
        block.names = grown;
      }
    }
    block.namesLength += block.names.write(name, block.namesLength);
  }

  private notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Until the walk finds another entry or ends. */
  private found(): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

/** What an entry's name adds to its root in its source path: the name less a folder's final '/', in the system's separators. */
function pathTail(name: string, kind: EntryKind): string {
  const tail = kind === 'directory' ? name.slice(0, -1) : name;
  return path.sep === '/' ? tail : tail.replaceAll('/', path.sep);
}
