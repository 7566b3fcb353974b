// One entry as a row of the header listing (issue 5): sizes, method with deflate's level from
// general purpose bits 1–2 (APPNOTE 4.4.4), CRC, time, attributes and the flags the table shows.

import type { DeflateLevel, EntryRow } from '../../src-preload/contract.js';
import { BITFLAG_UTF8, DOS_ATTR_ARCHIVE, DOS_ATTR_DIRECTORY, DOS_ATTR_HIDDEN, DOS_ATTR_READONLY, DOS_ATTR_SYSTEM, HOST_UNIX, HOST_OSX, METHOD_AES, METHOD_NAMES, METHOD_STORED, METHOD_ZSTANDARD_OLD, S_IFMT, S_IFREG } from '../zip/constants.js';
import { dosWallClockMs } from '../zip/dostime.js';
import { unixModeText } from '../zip/inspect.js';
import { isSizeKnown, type ZipEntry } from '../zip/model.js';

const LEVELS: readonly DeflateLevel[] = ['normal', 'maximum', 'fast', 'superfast'];

/** 4.4.4: for methods 8 and 9, bits 1 and 2 say which deflate option was used. */
export function deflateLevel(method: number, flags: number): DeflateLevel | null {
  return method === 8 || method === 9 ? LEVELS[(flags >> 1) & 0b11]! : null;
}

/** "-rw-r--r--" for entries made on Unix with a mode, DOS letters otherwise ("R-H-A"). */
export function attributesText(versionMadeBy: number, externalFileAttributes: number): string {
  const host = versionMadeBy >> 8;
  const mode = externalFileAttributes >>> 16;
  // Some writers (Python's zipfile) store permission bits without the file type: a plain file.
  if ((host === HOST_UNIX || host === HOST_OSX) && mode !== 0) return unixModeText((mode & S_IFMT) === 0 ? mode | S_IFREG : mode);
  const dos = externalFileAttributes & 0xff;
  return [
    dos & DOS_ATTR_READONLY ? 'R' : '-',
    dos & DOS_ATTR_HIDDEN ? 'H' : '-',
    dos & DOS_ATTR_SYSTEM ? 'S' : '-',
    dos & DOS_ATTR_DIRECTORY ? 'D' : '-',
    dos & DOS_ATTR_ARCHIVE ? 'A' : '-',
  ].join('');
}

/**
 * The method's name where it is a name; '' where the window words it by the number, as the
 * inspector's meanings do (zip/inspect.ts): 'Stored' and 'Zstandard (old)' describe (the window
 * says 'ohne Kompression'), and a number with no name is a number.
 */
export function properMethodName(method: number): string {
  return method === METHOD_STORED || method === METHOD_ZSTANDARD_OLD ? '' : (METHOD_NAMES[method] ?? '');
}

export function toRow(entry: ZipEntry): EntryRow {
  // An AES entry in the method of its data and its cipher, 'Deflated (AES-256)', as `zipdesk list`
  // and 7-Zip show it: 'AES' said neither. (The window sorts them together, as by the stored 99.)
  const aes = entry.compressionMethod === METHOD_AES ? entry.aes : undefined;
  const method = aes?.compressionMethod ?? entry.compressionMethod;
  return {
    index: entry.index,
    name: entry.name,
    size: isSizeKnown(entry, entry.uncompressedSize) ? entry.uncompressedSize : null,
    packed: isSizeKnown(entry, entry.compressedSize) ? entry.compressedSize : null,
    method,
    methodName: properMethodName(method),
    aes: aes === undefined ? null : aes.strength,
    level: deflateLevel(method, entry.generalPurposeBitFlag),
    crc32: entry.crc32,
    // A DOS time as stored, not as the local Date main made of it (which moves a time the zone skips an hour on).
    modified: entry.modifiedFrom === 'dos' ? dosWallClockMs(entry.lastModFileDate, entry.lastModFileTime) : entry.modified.getTime(),
    dosTime: entry.modifiedFrom === 'dos',
    attributes: attributesText(entry.versionMadeBy, entry.externalFileAttributes),
    isDirectory: entry.isDirectory,
    isSymlink: entry.isSymlink,
    utf8: (entry.generalPurposeBitFlag & BITFLAG_UTF8) !== 0,
    dataDescriptor: entry.hasDataDescriptor,
    zip64: entry.zip64,
    encrypted: entry.encrypted,
  };
}
