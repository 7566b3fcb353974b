// The names in one folder, read for the walk (archive/sources.ts) and held while it goes through
// them: packed as their bytes in one buffer, in byte order, rather than as an array of strings
// or buffers. The walk takes a folder's files in order of their names, so it has them all before
// the first; read whole (readdirSync) and then made into a path and an entry name each, a folder
// of 200,000 files held some 300 bytes of heap a file while it was walked, and took a create to
// 215 MB. Here it is some 15 bytes a name of a dozen characters, besides the name's own bytes.

import { Buffer } from 'node:buffer';
import { opendirSync } from 'node:fs';

/** What is read of a folder before the buffer grows: names are rarely longer than this on average. */
const FIRST_BYTES = 16 * 1024;

export class FolderNames {
  private constructor(
    private readonly bytes: Buffer,
    /** Where each name starts in `bytes`, and ends (starts[i] + lengths[i]), in byte order of names. */
    private readonly starts: Uint32Array,
    private readonly lengths: Uint32Array,
  ) {}

  /** Names of the folder at `folder` in byte order (code points, whatever the locale), those `leftOut` says no to kept out. */
  static read(folder: string | Buffer, leftOut?: (name: Buffer) => boolean): FolderNames {
    let bytes = Buffer.allocUnsafe(FIRST_BYTES);
    let used = 0;
    let starts = new Uint32Array(256);
    let count = 0;
    // Names as their bytes: Node's Dir takes 'buffer' as readdir does (its types list only text
    // encodings), and a name that is not UTF-8 is kept as it is.
    const dir = opendirSync(folder, { encoding: 'buffer' as BufferEncoding });
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        const name = entry.name as unknown as Buffer;
        if (leftOut?.(name)) continue;
        if (used + name.length > bytes.length) {
          const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, used + name.length));
          bytes.copy(grown, 0, 0, used);
          bytes = grown;
        }
        if (count + 1 >= starts.length) {
          const grown = new Uint32Array(starts.length * 2);
          grown.set(starts);
          starts = grown;
        }
        name.copy(bytes, used);
        starts[count++] = used;
        used += name.length;
      }
    } finally {
      dir.closeSync();
    }
    starts[count] = used;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    const compare = (a: number, b: number): number => {
      const aStart = starts[a]!;
      const bStart = starts[b]!;
      const aLength = starts[a + 1]! - aStart;
      const bLength = starts[b + 1]! - bStart;
      const length = Math.min(aLength, bLength);
      for (let i = 0; i < length; i++) {
        const difference = bytes[aStart + i]! - bytes[bStart + i]!;
        if (difference !== 0) return difference;
      }
      return aLength - bLength;
    };
    order.sort(compare);
    const sortedStarts = new Uint32Array(count);
    const lengths = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      sortedStarts[i] = starts[order[i]!]!;
      lengths[i] = starts[order[i]! + 1]! - sortedStarts[i]!;
    }
    return new FolderNames(used < bytes.length / 2 ? Buffer.from(bytes.subarray(0, used)) : bytes, sortedStarts, lengths);
  }

  get length(): number {
    return this.starts.length;
  }

  /** Name `index` in byte order, as bytes (a view of the packed ones: copy it to keep it). */
  at(index: number): Buffer {
    const start = this.starts[index]!;
    return this.bytes.subarray(start, start + this.lengths[index]!);
  }
}
