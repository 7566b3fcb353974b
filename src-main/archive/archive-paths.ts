// Which paths an archive names more than once, for extract's duplicate and collision checks.
// Extract asks, for every entry, whether an earlier one took its path (the overwrite policy then
// settles it), and, for a renamed file, whether its new name is free. Remembering every path as
// a string did that exactly, at a price: a million entries kept two maps of a million strings,
// some 100 MB of live heap, and the process peaked at 259 MB. Here the first pass over the
// central directory collects one number per entry, the key of its path (zip/paths.ts); sorted,
// they tell which keys come more than once. Only the paths with such a key need remembering as
// text: a path whose key is unique is named by one entry alone. A key shared by chance only
// means two different paths are compared as text, so the answers stay exact.
//
// A file may also be a folder that other entries lie in ("a/b", then "a/b/c" with no entry for
// "a/b/"). Which of the two reaches the disk first must not depend on the threads that write
// files, so extract remembers such a file's path too, and a folder it is about to make checks
// whether a file took that path already. The first pass marks the keys of the folders every path
// lies in, in a fixed-size bit set (FolderKeys): a key marked by chance only means one more path
// remembered as text.

import { sortedHas } from '../zip/path-groups.js';
import type { ZipError } from '../zip/errors.js';
import { NAME_RULES, pathKey, trySafeEntryPath, type NameRules, type PathFold, type SafePath } from '../zip/paths.js';

/** log2 of the folder keys' bits: 2^23 bits, 1 MB. A million folders leave about 5% of other keys looking marked. */
const FOLDER_BITS = 23;
const FOLDER_MASK = (1 << FOLDER_BITS) - 1;

/** A set of folder keys that may answer yes for a key never added (a Bloom filter, two bits a key), never no for one added. */
export class FolderKeys {
  private readonly bits = new Int32Array(1 << (FOLDER_BITS - 5));

  /** Adds a key (a FolderKeySink, zip/paths.ts). */
  readonly add = (key: number): void => {
    // Two slices of the key's 53 bits (`&` takes a number's low 32 bits exactly).
    const low = key & FOLDER_MASK;
    const high = Math.floor(key / (FOLDER_MASK + 1)) & FOLDER_MASK;
    this.bits[low >>> 5]! |= 1 << (low & 31);
    this.bits[high >>> 5]! |= 1 << (high & 31);
  };

  mayHave(key: number): boolean {
    const low = key & FOLDER_MASK;
    const high = Math.floor(key / (FOLDER_MASK + 1)) & FOLDER_MASK;
    return (this.bits[low >>> 5]! & (1 << (low & 31))) !== 0 && (this.bits[high >>> 5]! & (1 << (high & 31))) !== 0;
  }
}

export class ArchivePaths {
  /** Keys that more than one entry has, sorted (8 bytes each: an archive may repeat 500,000 paths). */
  private readonly repeated: Float64Array;
  /** Every key, sorted, when kept (for mayName). */
  private readonly keys: Float64Array | undefined;

  /**
   * `keys`: the key of every entry that may be extracted (NaN for refused names is left out),
   * sorted in place, and kept only with `keepEvery`; `folders`: the keys of the folders their
   * paths lie in; both of the paths folded by `fold`, as every path asked about is, and written
   * under `rules` (zip/paths.ts NameRules), as safePath writes them.
   */
  constructor(
    keys: Float64Array,
    private readonly folders: FolderKeys,
    private readonly fold: PathFold | undefined,
    keepEvery: boolean,
    readonly rules: NameRules = NAME_RULES,
  ) {
    keys.sort();
    this.keys = keepEvery ? keys : undefined;
    const repeated: number[] = [];
    for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1] && repeated.at(-1) !== keys[i]) repeated.push(keys[i]!);
    this.repeated = Float64Array.from(repeated);
  }

  /** Whether any key comes more than once (false: every entry extracts to a path of its own). */
  get anyRepeated(): boolean {
    return this.repeated.length > 0;
  }

  /** Whether more than one entry may extract to `path` (false: no other entry does). */
  mayRepeat(path: string): boolean {
    return this.repeated.length > 0 && sortedHas(this.repeated, this.key(path));
  }

  /** mayRepeat or mayBeFolder, the path keyed (and folded) once. */
  mayMeetAgain(path: string): boolean {
    const key = this.key(path);
    return sortedHas(this.repeated, key) || this.folders.mayHave(key);
  }

  /** Whether some entry's path may lie in a folder at `path` (false: none does). */
  mayBeFolder(path: string): boolean {
    return this.folders.mayHave(this.key(path));
  }

  /** Whether some entry may extract to `path` (false: none does); only when every key was kept. */
  mayName(path: string): boolean {
    if (this.keys === undefined) throw new Error('ArchivePaths.mayName: every path was not kept');
    return sortedHas(this.keys, this.key(path));
  }

  /** Where an entry of this name is written under these rules (zip/paths.ts trySafeEntryPath), or why it is refused. */
  safePath(name: string): SafePath | ZipError {
    return trySafeEntryPath(name, this.rules);
  }

  private key(path: string): number {
    return pathKey(this.fold === undefined ? path : this.fold(path));
  }
}
