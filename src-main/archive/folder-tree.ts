// The folders extraction knows (archive/extract.ts), kept as a tree of names rather than as one
// string per path: a folder is its parent's number and its own last name, and the names lie in
// one array of character codes. An archive may hold a million folders; kept as strings in a Set,
// each cost about 100 bytes (the path, a sliced string that also kept its entry's whole name
// alive, and the Set's slot), here some 20–30 (the name's characters, 9 bytes of columns and two
// slots of the hash table). Lookups are exact: a folder is found only by its own path.

/** Marks that a caller gives a folder (one byte each); 0 is a folder passed on the way to one that has marks. */
export type FolderMarks = number;

const NO_FOLDER = -1;
/** The table holds a folder's number; 0 (the root, never looked up by name) marks an empty slot. */
const EMPTY = 0;

export class FolderTree {
  /** Folder count, the root (number 0, the path "") included. */
  private count = 1;
  private parents = new Uint32Array(1024);
  /** Where each folder's name starts in `codes`; the next folder's start is where it ends. */
  private starts = new Uint32Array(1025);
  private markBytes = new Uint8Array(1024);
  /** The names' UTF-16 code units, one byte each until a name needs more. */
  private codes: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> = new Uint8Array(16_384);
  private codesUsed = 0;
  /** Open addressing by (parent, name), linear probing, at most half full. */
  private table = new Int32Array(2048);
  /** The last path found and its folder: most files lie in the folder the one before them did. */
  private lastPath = '';
  private lastFolder = 0;

  /** How many folders there are besides the root. */
  get size(): number {
    return this.count - 1;
  }

  /** The folder at `path` ("/"-joined, "" for the root), or -1. */
  find(path: string): number {
    if (path === '' ) return 0;
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
      folder = this.child(folder, path, start, end);
      if (folder === NO_FOLDER) return NO_FOLDER;
      if (end === path.length) break;
      start = end + 1;
    }
    this.lastPath = path;
    this.lastFolder = folder;
    return folder;
  }

  /** The marks of the folder at `path` (0: none, or no such folder). */
  marksOf(path: string): FolderMarks {
    const folder = this.find(path);
    return folder === NO_FOLDER ? 0 : this.markBytes[folder]!;
  }

  /** The marks of folder number `folder`. */
  marksAt(folder: number): FolderMarks {
    return this.markBytes[folder]!;
  }

  /** Adds `marks` to the folder at `path`, adding it and the folders it lies in where absent; its number. */
  mark(path: string, marks: FolderMarks): number {
    let folder = 0;
    if (path !== '') {
      for (let start = 0; ; ) {
        let end = path.indexOf('/', start);
        if (end === -1) end = path.length;
        folder = this.childOrNew(folder, path, start, end);
        if (end === path.length) break;
        start = end + 1;
      }
    }
    this.markBytes[folder]! |= marks;
    return folder;
  }

  /**
   * The deepest folder known on the way to `path`, and where the rest of the path starts in it
   * (path.length when the whole path is known).
   */
  deepestKnown(path: string): { folder: number; rest: number } {
    if (path === '') return { folder: 0, rest: 0 };
    const found = this.find(path);
    if (found !== NO_FOLDER) return { folder: found, rest: path.length };
    let folder = 0;
    for (let start = 0; ; ) {
      let end = path.indexOf('/', start);
      if (end === -1) end = path.length;
      const next = this.child(folder, path, start, end);
      if (next === NO_FOLDER) return { folder, rest: start };
      folder = next;
      start = end + 1;
    }
  }

  /** Adds the folder named path.slice(start, end) in folder `parent` (present or not), with `marks`; its number. */
  markChild(parent: number, path: string, start: number, end: number, marks: FolderMarks): number {
    const folder = this.childOrNew(parent, path, start, end);
    this.markBytes[folder]! |= marks;
    return folder;
  }

  /** The path of folder number `folder` ("/"-joined). */
  pathOf(folder: number): string {
    const names: string[] = [];
    for (let at = folder; at !== 0; at = this.parents[at]!) names.push(this.nameOf(at));
    return names.reverse().join('/');
  }

  /** How many folders lie between the root and folder number `folder` (the root's folders: 1). */
  depthOf(folder: number): number {
    let depth = 0;
    for (let at = folder; at !== 0; at = this.parents[at]!) depth++;
    return depth;
  }

  private nameOf(folder: number): string {
    const start = this.starts[folder]!;
    const end = this.starts[folder + 1]!;
    let name = '';
    // In pieces: a name may have 65,535 characters, more than a call takes arguments.
    for (let at = start; at < end; at += 8192) name += String.fromCharCode(...this.codes.subarray(at, Math.min(end, at + 8192)));
    return name;
  }

  private child(parent: number, path: string, start: number, end: number): number {
    const mask = this.table.length - 1;
    for (let slot = hashName(parent, path, start, end) & mask; ; slot = (slot + 1) & mask) {
      const folder = this.table[slot]!;
      if (folder === EMPTY) return NO_FOLDER;
      if (this.parents[folder] === parent && this.nameIs(folder, path, start, end)) return folder;
    }
  }

  private childOrNew(parent: number, path: string, start: number, end: number): number {
    const found = this.child(parent, path, start, end);
    if (found !== NO_FOLDER) return found;
    if (this.count === this.parents.length) this.growColumns();
    if (2 * this.count >= this.table.length) this.growTable();
    const folder = this.count++;
    this.parents[folder] = parent;
    this.storeName(path, start, end);
    this.starts[folder + 1] = this.codesUsed;
    const mask = this.table.length - 1;
    let slot = hashName(parent, path, start, end) & mask;
    while (this.table[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.table[slot] = folder;
    return folder;
  }

  private nameIs(folder: number, path: string, start: number, end: number): boolean {
    const from = this.starts[folder]!;
    if (this.starts[folder + 1]! - from !== end - start) return false;
    const codes = this.codes;
    for (let i = 0; i < end - start; i++) if (codes[from + i] !== path.charCodeAt(start + i)) return false;
    return true;
  }

  private storeName(path: string, start: number, end: number): void {
    const length = end - start;
    if (this.codesUsed + length > this.codes.length) {
      const larger = new (this.codes.constructor as new (length: number) => Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer>)(Math.max(2 * this.codes.length, this.codesUsed + length));
      larger.set(this.codes.subarray(0, this.codesUsed));
      this.codes = larger;
    }
    let codes = this.codes;
    for (let i = 0; i < length; i++) {
      const unit = path.charCodeAt(start + i);
      if (unit > 0xff && codes instanceof Uint8Array) {
        const wide = new Uint16Array(codes.length);
        wide.set(codes.subarray(0, this.codesUsed + i));
        this.codes = codes = wide;
      }
      codes[this.codesUsed + i] = unit;
    }
    this.codesUsed += length;
  }

  private growColumns(): void {
    const length = 2 * this.parents.length;
    const parents = new Uint32Array(length);
    parents.set(this.parents);
    this.parents = parents;
    const starts = new Uint32Array(length + 1);
    starts.set(this.starts);
    this.starts = starts;
    const marks = new Uint8Array(length);
    marks.set(this.markBytes);
    this.markBytes = marks;
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
    let hash = Math.imul(this.parents[folder]! ^ 0x9e37_79b9, 0x85eb_ca6b);
    const codes = this.codes;
    for (let at = this.starts[folder]!, end = this.starts[folder + 1]!; at < end; at++) hash = Math.imul(hash ^ codes[at]!, 0x0100_0193);
    return mixed(hash);
  }
}

/** The hash of a name path.slice(start, end) in folder `parent` (as hashOf computes it from the columns). */
function hashName(parent: number, path: string, start: number, end: number): number {
  let hash = Math.imul(parent ^ 0x9e37_79b9, 0x85eb_ca6b);
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ path.charCodeAt(at), 0x0100_0193);
  return mixed(hash);
}

/** The last mixing step of a 32-bit hash (MurmurHash3's finalizer), so that the low bits the table uses depend on all of it. */
function mixed(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85eb_ca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2_ae35);
  return hash ^ (hash >>> 16);
}
