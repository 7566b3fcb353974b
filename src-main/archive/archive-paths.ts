// Which paths an archive names more than once, for extract's duplicate and collision checks.
// Extract asks, for every entry, whether an earlier one took its path (the overwrite policy then
// settles it), and, for a renamed file, whether its new name is free. Remembering every path as
// a string did that exactly, at a price: a million entries kept two maps of a million strings,
// some 100 MB of live heap, and the process peaked at 259 MB. Here the first pass over the
// central directory collects one number per entry, the key of its path (zip/paths.ts); sorted,
// they tell which keys come more than once. Only the paths with such a key need remembering as
// text: a path whose key is unique is named by one entry alone. A key shared by chance only
// means two different paths are compared as text, so the answers stay exact.

import { pathKey } from '../zip/paths.js';

export class ArchivePaths {
  /** Keys that more than one entry has. */
  private readonly repeated = new Set<number>();

  /** `keys`: the key of every entry that may be extracted (NaN for refused names is left out). Sorted in place. */
  constructor(private readonly keys: Float64Array) {
    keys.sort();
    for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) this.repeated.add(keys[i]!);
  }

  /** Whether any key comes more than once (false: every entry extracts to a path of its own). */
  get anyRepeated(): boolean {
    return this.repeated.size > 0;
  }

  /** Whether more than one entry may extract to `path` (false: no other entry does). */
  mayRepeat(path: string): boolean {
    return this.repeated.size > 0 && this.repeated.has(pathKey(path));
  }

  /** Whether some entry may extract to `path` (false: none does). */
  mayName(path: string): boolean {
    const key = pathKey(path);
    const keys = this.keys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return low < keys.length && keys[low] === key;
  }
}
