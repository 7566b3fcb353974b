// Paths an archive makes both a file and a folder of, for the safety report (zip/safety.ts): an
// entry "x" that is not a folder, and entries under "x/" ("x/y", with or without an "x/" entry),
// which need a folder "x". Extracting cannot make both (extract refuses one with EXISTS); a
// folder entry "x/" beside the file is a path named twice, which the duplicates already tell.
// Compared folded by case (zip/paths.ts foldCase), so that "X" beside "x/y", one path on macOS
// and Windows, is found too, and told apart from the exact kind.
//
// In memory that does not grow with the folders: the report's first pass keeps the folded key of
// each file's path (8 bytes a file) and marks the folded keys of the folders every path lies in,
// in a fixed-size bit set (FolderMarks). Files whose key looks marked are the candidates; when
// there are any, a second pass over the directory notes, for each candidate, the first file of
// that key and the first entry that lies under it, with a seeded hash of each text, so that keys
// equal by chance, or made to be, are not taken for one path (a file made to share a key with a
// real pair, and listed before it, would hide that pair here; extract still refuses it by name).
// A key marked by chance costs that pass: the bit set marks four bits a key in 16 Mbit (extract's
// FolderKeys, two in 8 Mbit, marked a few of the 200,000 files of an archive of 19,000 folders,
// and the pass took `zipdesk inspect` of it from 1.6 to 2.5 s); at a million folders some 0.2% of
// files still look marked.

import { grown } from './columns.js';
import { seededHash, sortedPlace } from './path-groups.js';
import { foldCase, foldedPathKey, pathKey } from './paths.js';

/** log2 of the bit set's bits: 2^24, 2 MB. */
const MARK_BITS = 24;
const MARK_MASK = (1 << MARK_BITS) - 1;
const MARKS_PER_KEY = 4;

/** Folder keys (zip/paths.ts) in a set that may answer yes for a key never added (a Bloom filter), never no for one added. */
class FolderMarks {
  private readonly bits = new Int32Array(1 << (MARK_BITS - 5));

  readonly add = (key: number): void => {
    const low = key % 0x1_0000_0000 | 0;
    const step = FolderMarks.step(key, low);
    for (let i = 0; i < MARKS_PER_KEY; i++) {
      const bit = (low + Math.imul(i, step)) & MARK_MASK;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  };

  mayHave(key: number): boolean {
    const low = key % 0x1_0000_0000 | 0;
    const step = FolderMarks.step(key, low);
    for (let i = 0; i < MARKS_PER_KEY; i++) {
      const bit = (low + Math.imul(i, step)) & MARK_MASK;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** The distance between a key's bits, from all of its 53 (odd, so that the four differ). */
  private static step(key: number, low: number): number {
    const h = Math.imul(low ^ Math.floor(key / 0x1_0000_0000), 0x9e37_79b1);
    return (h ^ (h >>> 15)) | 1;
  }
}

/** A path both a file and a folder: its first file (by index) and the first entry that lies under it. */
export interface FileFolderConflict {
  /** The index of the first entry that is not a folder and has this path. */
  readonly file: number;
  /** The index of the first entry that lies under it. */
  readonly under: number;
  /** How many segments of that entry's path the folder is. */
  readonly depth: number;
}

export class FileFolders {
  private folders: FolderMarks | undefined = new FolderMarks();
  private fileKeys: Float64Array<ArrayBuffer>;
  private fileCount = 0;
  /** After the first pass: the keys of the files that may also be folders, sorted, and per key what the second pass finds. */
  private candidates = new Float64Array(0);
  private firstFile = new Int32Array(0);
  private firstUnder = new Int32Array(0);
  private depths = new Uint32Array(0);
  private fileHashes = new Uint32Array(0);
  private underHashes = new Uint32Array(0);
  private readonly seed = (Math.random() * 2 ** 32) >>> 0;
  /** The folder keys of the path the second pass is looking at. */
  private readonly prefixKeys: number[] = [];
  private readonly hearPrefix = (key: number): void => {
    this.prefixKeys.push(key);
  };

  /** `expected`: the entries the archive declares (room for at most a million files is made at once). */
  constructor(expected: number) {
    this.fileKeys = new Float64Array(Math.max(16, Math.min(expected, 1 << 20)));
  }

  /**
   * The folder keys of the path before, by depth: an archive lists most entries beside others of
   * their folder, whose keys are then marked once (each key held here was marked).
   */
  private readonly lastFolders: number[] = [];
  private depth = 0;
  private readonly markFolder = (key: number): void => {
    if (this.lastFolders[this.depth] !== key) {
      this.lastFolders[this.depth] = key;
      this.folders!.add(key);
    }
    this.depth++;
  };

  /** First pass, each entry with a safe path: the folded key of `path` (foldedPathKey), its folders marked, a file's key kept. */
  key(path: string, folder: boolean): number {
    this.depth = 0;
    const key = foldedPathKey(path, this.markFolder);
    if (!folder) {
      if (this.fileCount === this.fileKeys.length) this.fileKeys = grown(this.fileKeys);
      this.fileKeys[this.fileCount++] = key;
    }
    return key;
  }

  /** After the first pass: whether a second must look (some file's path may also be a folder). */
  settle(): boolean {
    const folders = this.folders!;
    const keys = this.fileKeys.subarray(0, this.fileCount).filter((key) => folders.mayHave(key)).sort();
    this.folders = undefined;
    this.fileKeys = new Float64Array(0);
    let count = 0;
    for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[count++] = keys[i]!;
    this.candidates = keys.slice(0, count);
    this.firstFile = new Int32Array(count).fill(-1);
    this.firstUnder = new Int32Array(count).fill(-1);
    this.depths = new Uint32Array(count);
    this.fileHashes = new Uint32Array(count);
    this.underHashes = new Uint32Array(count);
    return count > 0;
  }

  /** Second pass, each entry with a safe path, in order. */
  see(index: number, path: string, folder: boolean): void {
    this.prefixKeys.length = 0;
    const key = foldedPathKey(path, this.hearPrefix);
    if (!folder) {
      const place = this.placeOf(key);
      if (place !== -1 && this.firstFile[place] === -1) {
        this.firstFile[place] = index;
        this.fileHashes[place] = seededHash(this.seed, foldCase(path));
      }
    }
    if (this.prefixKeys.some((prefix) => this.placeOf(prefix) !== -1)) this.seeUnder(index, path);
  }

  /** The entry at `index` lies under a candidate: which folders of its path are, exactly (the rare case). */
  private seeUnder(index: number, path: string): void {
    // (foldCase keeps every "/", and puts none where there was none: the segments correspond.)
    const segments = foldCase(path).split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const folded = segments.slice(0, depth).join('/');
      const place = this.placeOf(pathKey(folded));
      if (place === -1 || this.firstUnder[place] !== -1) continue;
      this.firstUnder[place] = index;
      this.depths[place] = depth;
      this.underHashes[place] = seededHash(this.seed, folded);
    }
  }

  private placeOf(key: number): number {
    const at = sortedPlace(this.candidates, key);
    return this.candidates[at] === key ? at : -1;
  }

  /** After the second pass: how many paths are both, and the first `listed` of them, by their first entry (then by their file's). */
  conflicts(listed: number): { readonly count: number; readonly listed: FileFolderConflict[] } {
    const found: FileFolderConflict[] = [];
    for (let place = 0; place < this.candidates.length; place++) {
      const file = this.firstFile[place]!;
      const under = this.firstUnder[place]!;
      if (file !== -1 && under !== -1 && this.fileHashes[place] === this.underHashes[place]) found.push({ file, under, depth: this.depths[place]! });
    }
    found.sort((a, b) => Math.min(a.file, a.under) - Math.min(b.file, b.under) || a.file - b.file);
    return { count: found.length, listed: found.slice(0, listed) };
  }
}
