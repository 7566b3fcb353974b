// The part of a file's name that the temporary names beside it repeat (temp-file.ts for new
// archives, extract-files.ts for extracted files). A module of its own: extract's helper thread
// loads it, and nothing else of temp-file.ts.

import { Buffer } from 'node:buffer';

/** UTF-8 bytes of a file name kept in the temporary names made from it. */
const TEMP_STEM_BYTES = 100;

/**
 * The start of `name` that a temporary name beside it repeats: at most TEMP_STEM_BYTES of UTF-8,
 * cut between characters. A file system allows 255 bytes a name, and a temporary name adds some
 * 30 to its file's name: the whole name would not fit when the file's own is long.
 */
export function tempStem(name: string): string {
  return cutToBytes(name, TEMP_STEM_BYTES);
}

/** The bytes a file system allows a file name (Linux, macOS, Windows: 255 bytes or UTF-16 units). */
export const NAME_BYTES = 255;

/** The start of `name` that takes at most `max` bytes of UTF-8, cut between characters. */
export function cutToBytes(name: string, max: number): string {
  if (name.length <= max / 3 || Buffer.byteLength(name) <= max) return name;
  let bytes = 0;
  let end = 0;
  for (const char of name) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes > max) break;
    end += char.length;
  }
  return name.slice(0, end);
}
