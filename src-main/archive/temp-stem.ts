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
  if (name.length <= TEMP_STEM_BYTES / 3 || Buffer.byteLength(name) <= TEMP_STEM_BYTES) return name;
  let bytes = 0;
  let end = 0;
  for (const char of name) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes > TEMP_STEM_BYTES) break;
    end += char.length;
  }
  return name.slice(0, end);
}
