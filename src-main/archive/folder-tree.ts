// The folders extraction knows (archive/extract.ts), kept as a tree of names rather than as one
// string per path: a folder is its parent's number and its own last name, and the names lie in
// pages of character codes. An archive may hold a million folders; kept as strings in a Set,
// each cost about 100 bytes (the path, a sliced string that also kept its entry's whole name
// alive, and the Set's slot), here some 30 (the name's characters, 11 bytes of columns and two
// slots of the hash table). Lookups are exact: a folder is found only by its own path.
//
// The columns grow a page at a time and never move: grown by doubling, each copy left the
// allocator a hole of the old one's size, and a million folders peaked ~30 MB higher for it.
//
// The names are hashed with a seed drawn for each tree, as V8 seeds its own string hashes: an
// archive whose folder names were made to collide under a fixed hash would otherwise turn each
// lookup into a walk over all of them.

/** Marks that a caller gives a folder (one byte each); 0 is a folder passed on the way to one that has marks. */
export type FolderMarks = number;

const NO_FOLDER = -1;
/** The table holds a folder's number; 0 (the root, never looked up by name) marks an empty slot. */
const EMPTY = 0;
/** Values in a page of a column. */
const PAGE_BITS = 14;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
/** Character codes in a page of names (a name longer than that gets a page of its own size). */
const NAME_BITS = 16;
const NAME_PAGE = 1 << NAME_BITS;
/** A name's length in the lengths column when it is this long or longer (kept in longNames). */
const LONG_NAME = 0xffff;

type ColumnArray = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/** A column of numbers by position, in pages made as positions are first written (0 where none was). */
export class PagedColumn<T extends ColumnArray> {
  private readonly pages: (T | undefined)[] = [];

  constructor(private readonly make: (length: number) => T) {}

  get(at: number): number {
    const page = this.pages[at >>> PAGE_BITS];
    return page === undefined ? 0 : page[at & PAGE_MASK]!;
  }

  set(at: number, value: number): void {
    const p = at >>> PAGE_BITS;
    while (this.pages.length <= p) this.pages.push(undefined);
    const page = (this.pages[p] ??= this.make(1 << PAGE_BITS));
    page[at & PAGE_MASK] = value;
  }
}

export class FolderTree {
  /** Folder count, the root (number 0, the path "") included. */
  private count = 1;
  private readonly parents = new PagedColumn((n) => new Uint32Array(n));
  /** Where each folder's name starts: its page of names (the high 16 bits) and its place there. */
  private readonly starts = new PagedColumn((n) => new Uint32Array(n));
  private readonly lengths = new PagedColumn((n) => new Uint16Array(n));
  private readonly longNames = new Map<number, number>();
  private readonly markBytes = new PagedColumn((n) => new Uint8Array(n));
  /** The names' UTF-16 code units, one byte each in a page until a name there needs more. */
  private readonly namePages: (Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer>)[] = [];
  /** Codes used in the last page of names. */
  private nameFill = NAME_PAGE;
  /** Open addressing by (parent, name), linear probing, at most half full. */
  private table = new Int32Array(2048);
  private readonly seed = (Math.random() * 2 ** 32) | 0;
  /** The last path found and its folder: most files lie in the folder the one before them did. */
  private lastPath = '';
  private lastFolder = 0;
  /** Set by locate. */
  private located = 0;

  /** How many folders there are besides the root. */
  get size(): number {
    return this.count - 1;
  }

  /** The folder at `path` ("/"-joined, "" for the root), or -1. */
  find(path: string): number {
    const folder = this.locate(path);
    return this.located === path.length ? folder : NO_FOLDER;
  }

  /** The marks of the folder at `path` (0: none, or no such folder). */
  marksOf(path: string): FolderMarks {
    const folder = this.find(path);
    return folder === NO_FOLDER ? 0 : this.markBytes.get(folder);
  }

  /** The marks of folder number `folder`. */
  marksAt(folder: number): FolderMarks {
    return this.markBytes.get(folder);
  }

  /** Adds `marks` to the folder at `path`, adding it and the folders it lies in where absent; its number. */
  mark(path: string, marks: FolderMarks): number {
    let folder = this.locate(path);
    if (this.located !== path.length) {
      let start = this.located === -1 ? path.length : this.located;
      for (;;) {
        let end = path.indexOf('/', start);
        if (end === -1) end = path.length;
        folder = this.childOrNew(folder, path, start, end);
        if (end === path.length) break;
        start = end + 1;
      }
    }
    this.addMarks(folder, marks);
    return folder;
  }

  /** Sets the marks of the folder at `path` to `marks` (0 takes them away), adding it where absent (unless `marks` is 0). */
  setMarks(path: string, marks: FolderMarks): void {
    const folder = marks === 0 ? this.find(path) : this.mark(path, 0);
    if (folder !== NO_FOLDER) this.markBytes.set(folder, marks);
  }

  /**
   * The deepest folder known on the way to `path`, and where the rest of the path starts in it
   * (path.length when the whole path is known).
   */
  deepestKnown(path: string): { folder: number; rest: number } {
    const folder = this.locate(path);
    return { folder, rest: this.located === -1 ? path.length : this.located };
  }

  /**
   * The deepest folder known on the way to `path`; `located` says where the rest of the path
   * starts, path.length when the whole path is known, and -1 when only an empty last name is
   * missing (a path ending in "/": no folder has that name).
   */
  private locate(path: string): number {
    this.located = path.length;
    if (path === '') return 0;
    if (path === this.lastPath) return this.lastFolder;
    let folder = 0;
    let start = 0;
    // Its parent is often the last one found.
    const slash = path.lastIndexOf('/');
    if (slash > 0 && slash === this.lastPath.length && path.startsWith(this.lastPath)) {
      folder = this.lastFolder;
      start = slash + 1;
    }
    for (;;) {
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      const next = this.child(folder, path, start, end);
      if (next === NO_FOLDER) {
        this.located = start === path.length ? -1 : start;
        return folder;
      }
      folder = next;
      if (end === path.length) break;
      start = end + 1;
    }
    this.lastPath = path;
    this.lastFolder = folder;
    return folder;
  }

  /** Adds the folder named path.slice(start, end) in folder `parent` (present or not), with `marks`; its number. */
  markChild(parent: number, path: string, start: number, end: number, marks: FolderMarks): number {
    const folder = this.childOrNew(parent, path, start, end);
    this.addMarks(folder, marks);
    return folder;
  }

  /** The path of folder number `folder` ("/"-joined). */
  pathOf(folder: number): string {
    const names: string[] = [];
    for (let at = folder; at !== 0; at = this.parents.get(at)) names.push(this.nameOf(at));
    return names.reverse().join('/');
  }

  private addMarks(folder: number, marks: FolderMarks): void {
    const had = this.markBytes.get(folder);
    if ((had | marks) !== had) this.markBytes.set(folder, had | marks);
  }

  private lengthOf(folder: number): number {
    const length = this.lengths.get(folder);
    return length === LONG_NAME ? this.longNames.get(folder)! : length;
  }

  private nameOf(folder: number): string {
    const start = this.starts.get(folder);
    const page = this.namePages[start >>> NAME_BITS]!;
    const from = start & (NAME_PAGE - 1);
    const end = from + this.lengthOf(folder);
    let name = '';
    // In pieces: a name may have 65,535 characters, more than a call takes arguments.
    for (let at = from; at < end; at += 8192) name += String.fromCharCode(...page.subarray(at, Math.min(end, at + 8192)));
    return name;
  }

  private child(parent: number, path: string, start: number, end: number): number {
    const mask = this.table.length - 1;
    for (let slot = hashName(this.seed, parent, path, start, end) & mask; ; slot = (slot + 1) & mask) {
      const folder = this.table[slot]!;
      if (folder === EMPTY) return NO_FOLDER;
      if (this.parents.get(folder) === parent && this.nameIs(folder, path, start, end)) return folder;
    }
  }

  private childOrNew(parent: number, path: string, start: number, end: number): number {
    const found = this.child(parent, path, start, end);
    if (found !== NO_FOLDER) return found;
    if (2 * this.count >= this.table.length) this.growTable();
    const folder = this.count++;
    this.parents.set(folder, parent);
    this.storeName(folder, path, start, end);
    const mask = this.table.length - 1;
    let slot = hashName(this.seed, parent, path, start, end) & mask;
    while (this.table[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.table[slot] = folder;
    return folder;
  }

  private nameIs(folder: number, path: string, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengthOf(folder) !== length) return false;
    const at = this.starts.get(folder);
    const page = this.namePages[at >>> NAME_BITS]!;
    const from = at & (NAME_PAGE - 1);
    for (let i = 0; i < length; i++) if (page[from + i] !== path.charCodeAt(start + i)) return false;
    return true;
  }

  private storeName(folder: number, path: string, start: number, end: number): void {
    const length = end - start;
    if (this.nameFill + length > NAME_PAGE || this.namePages.length === 0) {
      // (2^16 pages of 2^16 codes: 4 GiB of names, more than a process holds.)
      if (this.namePages.length === NAME_PAGE) throw new RangeError('too many folder names');
      this.namePages.push(new Uint8Array(Math.max(NAME_PAGE, length)));
      this.nameFill = 0;
    }
    const p = this.namePages.length - 1;
    let page = this.namePages[p]!;
    const from = this.nameFill;
    for (let i = 0; i < length; i++) {
      const unit = path.charCodeAt(start + i);
      if (unit > 0xff && page instanceof Uint8Array) {
        const wide = new Uint16Array(page.length);
        wide.set(page.subarray(0, from + i));
        this.namePages[p] = page = wide;
      }
      page[from + i] = unit;
    }
    this.nameFill += length;
    this.starts.set(folder, p * NAME_PAGE + from);
    this.lengths.set(folder, Math.min(length, LONG_NAME));
    if (length >= LONG_NAME) this.longNames.set(folder, length);
  }

  private growTable(): void {
    const table = new Int32Array(2 * this.table.length);
    const mask = table.length - 1;
    for (let folder = 1; folder < this.count; folder++) {
      let slot = this.hashOf(folder) & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = folder;
    }
    this.table = table;
  }

  private hashOf(folder: number): number {
    let hash = hashStart(this.seed, this.parents.get(folder));
    const at = this.starts.get(folder);
    const page = this.namePages[at >>> NAME_BITS]!;
    for (let i = at & (NAME_PAGE - 1), end = i + this.lengthOf(folder); i < end; i++) hash = hashStep(hash, page[i]!);
    return hashEnd(hash);
  }
}

// Jenkins's one-at-a-time hash, seeded (V8's string hash was this), over the parent's number and
// the name's UTF-16 code units.

/** The hash of a name path.slice(start, end) in folder `parent` (as hashOf computes it from the columns). */
function hashName(seed: number, parent: number, path: string, start: number, end: number): number {
  let hash = hashStart(seed, parent);
  for (let at = start; at < end; at++) hash = hashStep(hash, path.charCodeAt(at));
  return hashEnd(hash);
}

function hashStart(seed: number, parent: number): number {
  let hash = seed;
  for (let shift = 0; shift < 32; shift += 8) hash = hashStep(hash, (parent >>> shift) & 0xff);
  return hash;
}

function hashStep(hash: number, unit: number): number {
  hash = (hash + unit) | 0;
  hash = (hash + (hash << 10)) | 0;
  return hash ^ (hash >>> 6);
}

function hashEnd(hash: number): number {
  hash = (hash + (hash << 3)) | 0;
  hash ^= hash >>> 11;
  return (hash + (hash << 15)) | 0;
}
