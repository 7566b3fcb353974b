// The record side of writing an archive: pure functions that turn what we know about an entry
// into the bytes of its local header, data descriptor and central record, and the directory's
// totals into the end records. No I/O and no paths; `archive/create.ts` decides what goes in and
// where it lands. Every record goes through its layout in `records.ts` (the writer mirrors the
// reader field by field).
//
// ZIP64 (APPNOTE 4.4.1.4, 4.5.3) is used exactly when a value does not fit: a size or offset of
// 0xFFFFFFFF or more, or 0xFFFF or more entries (0xFFFF itself is the marker value, so a reader
// seeing it must look for the ZIP64 record; we make sure there is one).

import { Buffer } from 'node:buffer';
import { BITFLAG_DATA_DESCRIPTOR, BITFLAG_DEFLATE_FAST, BITFLAG_DEFLATE_MAXIMUM, BITFLAG_UTF8, HOST_UNIX, METHOD_DEFLATED, VERSION_DEFLATE, VERSION_ZIP64, ZIP64_MARKER_16, ZIP64_MARKER_32 } from './constants.js';
import { dateToDosDateTime, unixSecondsToFiletime } from './dostime.js';
import { ZipError } from './errors.js';
import type { ExtraContext } from './layout.js';
import {
  CENTRAL_DIRECTORY_HEADER,
  DATA_DESCRIPTOR,
  DATA_DESCRIPTOR_ZIP64,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_EXTENDED_TIMESTAMP,
  EXTRA_NTFS,
  EXTRA_ZIP64,
  LOCAL_FILE_HEADER,
  NTFS_ATTRIBUTE,
  NTFS_FILE_TIMES_SIZE,
  NTFS_TAG_FILE_TIMES,
  SIGNATURE,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
} from './records.js';

/** Extended timestamp flags (Info-ZIP 0x5455): bit 0, the modification time is present. */
const EXTENDED_TIMESTAMP_MTIME = 0b001;

const MAX_UINT16 = 0xffff;
const MAX_UINT32 = 0xffff_ffff;

/** Everything the headers of one entry say. */
export interface EntryRecord {
  /** The name's bytes (UTF-8, unless rawName); directories end with '/'. */
  readonly fileName: Uint8Array;
  /** The name's bytes are a file name as the file system gave them, not UTF-8: no UTF-8 flag. */
  readonly rawName?: boolean;
  readonly compressionMethod: number;
  /** DOS date and time (4.4.6), see `toDosDateTime`. */
  readonly lastModFileTime: number;
  readonly lastModFileDate: number;
  /** Unix seconds for the extended timestamp or NTFS extra field (timeExtra); undefined leaves both out. */
  readonly modTime: number | undefined;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Unix st_mode in the upper 16 bits, MS-DOS attributes in the low byte. */
  readonly externalFileAttributes: number;
  readonly relativeOffsetOfLocalHeader: number;
  /**
   * The local header carries ZIP64 sizes. Decided before the data is written (from the size the
   * file had when it was walked), because the header's length cannot change once data follows.
   */
  readonly zip64LocalSizes: boolean;
  /** Sizes and CRC follow the data (bit 3) instead of being in the local header. */
  readonly dataDescriptor?: boolean;
  /** The zlib level a deflated entry was made at, said by bits 1 and 2 (deflateLevelBits). */
  readonly deflateLevel?: number;
}

/**
 * Bits 1 and 2 for a zlib level (4.4.4 names the kinds, not the levels): 8 and 9 maximum, 1 and
 * 2 fast, the others normal, as Info-ZIP's zip 3.0 marks them (unzip -v shows Defl:X, Defl:F,
 * Defl:N). Its super fast (Defl:S) no level is given: we marked level 1 so, and 8 as normal, where
 * zip, the tool most readers compare with, says fast and maximum.
 */
export function deflateLevelBits(level: number | undefined): number {
  if (level === undefined) return 0;
  if (level >= 8) return BITFLAG_DEFLATE_MAXIMUM;
  if (level >= 1 && level <= 2) return BITFLAG_DEFLATE_FAST;
  return 0;
}

/** Bit 11 only for names that are not plain ASCII (4.4.4, appendix D). */
export function isPlainAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return false;
  return true;
}

/** Whether a size this large needs the ZIP64 extra field in the local header. */
export function needsZip64Sizes(size: number): boolean {
  return size >= ZIP64_MARKER_32;
}

/** 4.4.6: MS-DOS date and time, local time, 2-second resolution, 1980–2107 (clamped). */
export function toDosDateTime(date: Date): { lastModFileDate: number; lastModFileTime: number } {
  const dos = dateToDosDateTime(date);
  return { lastModFileDate: dos.date, lastModFileTime: dos.time };
}

function flagsOf(entry: EntryRecord): number {
  const level = entry.compressionMethod === METHOD_DEFLATED ? deflateLevelBits(entry.deflateLevel) : 0;
  return (entry.rawName === true || isPlainAscii(entry.fileName) ? 0 : BITFLAG_UTF8) | (entry.dataDescriptor ? BITFLAG_DATA_DESCRIPTOR : 0) | level;
}

/**
 * The modification time as an extra field, in the local header and the central record alike.
 * From 1970 to 2106 the extended timestamp: its four bytes unsigned, as 7-Zip and libarchive read
 * them, and as UnZip and our reader read them past 2038, where the DOS time (never clamped to
 * 1980 there) says so too (dostime.ts extendedTimestampSeconds; zip 3.0 writes them the same way). Before 1970 or after 2106 the NTFS field (4.5.5), whose FILETIMEs
 * reach from 1601 past 9998: 7-Zip and our reader read it; UnZip, libarchive and Python do not,
 * and have the DOS time, which stops at 1980 and 2107. The field holds the modification time in
 * each of its three places, as the access and creation times are not kept: a FILETIME of 0 would
 * read as 1601.
 */
function timeExtra(entry: EntryRecord, local: boolean): Buffer {
  const seconds = entry.modTime;
  if (seconds === undefined) return Buffer.alloc(0);
  if (seconds >= 0 && seconds <= MAX_UINT32) return EXTRA_EXTENDED_TIMESTAMP.encode({ flags: EXTENDED_TIMESTAMP_MTIME, modTime: seconds }, { local });
  const ticks = unixSecondsToFiletime(seconds);
  if (ticks === undefined) return Buffer.alloc(0);
  const filetime = Buffer.allocUnsafe(8);
  filetime.writeBigUInt64LE(ticks);
  const times = NTFS_ATTRIBUTE.encodeData({ tag: NTFS_TAG_FILE_TIMES, tagSize: NTFS_FILE_TIMES_SIZE, mtime: filetime, atime: filetime, ctime: filetime }, { local });
  return EXTRA_NTFS.encode({ reserved: 0 }, { local }, times);
}

function checkName(entry: EntryRecord): void {
  if (entry.fileName.length > MAX_UINT16) {
    throw new ZipError('BAD_NAME', `name of ${entry.fileName.length} bytes is longer than the 65,535 a ZIP header holds`);
  }
}

/** Which central-record values overflow into the ZIP64 extra field (4.5.3). */
function centralOverflow(entry: EntryRecord): NonNullable<ExtraContext['zip64']> {
  return {
    uncompressedSize: entry.uncompressedSize >= ZIP64_MARKER_32,
    compressedSize: entry.compressedSize >= ZIP64_MARKER_32,
    relativeOffsetOfLocalHeader: entry.relativeOffsetOfLocalHeader >= ZIP64_MARKER_32,
    diskNumberStart: false,
  };
}

function usesZip64(entry: EntryRecord): boolean {
  const overflow = centralOverflow(entry);
  return entry.zip64LocalSizes || overflow.uncompressedSize || overflow.compressedSize || overflow.relativeOffsetOfLocalHeader;
}

function versionNeeded(entry: EntryRecord): number {
  return usesZip64(entry) ? VERSION_ZIP64 : VERSION_DEFLATE;
}

/** 4.3.7 local file header, with the ZIP64 sizes (both, 4.5.3) when `zip64LocalSizes`. */
export function localFileHeader(entry: EntryRecord): Buffer {
  checkName(entry);
  const deferred = entry.dataDescriptor === true;
  const extras: Buffer[] = [];
  if (entry.zip64LocalSizes) {
    extras.push(
      EXTRA_ZIP64.encode(
        { originalSize: deferred ? 0 : entry.uncompressedSize, compressedSize: deferred ? 0 : entry.compressedSize },
        { local: true, zip64: { uncompressedSize: true, compressedSize: true, relativeOffsetOfLocalHeader: false, diskNumberStart: false } },
      ),
    );
  } else if (!deferred && (entry.uncompressedSize >= ZIP64_MARKER_32 || entry.compressedSize >= ZIP64_MARKER_32)) {
    throw new RangeError(`local header without ZIP64 cannot hold a size of ${Math.max(entry.uncompressedSize, entry.compressedSize)}`);
  }
  extras.push(timeExtra(entry, true));
  const size = (value: number): number => (entry.zip64LocalSizes ? ZIP64_MARKER_32 : deferred ? 0 : value);
  return LOCAL_FILE_HEADER.encode(
    {
      versionNeededToExtract: versionNeeded(entry),
      generalPurposeBitFlag: flagsOf(entry),
      compressionMethod: entry.compressionMethod,
      lastModFileTime: entry.lastModFileTime,
      lastModFileDate: entry.lastModFileDate,
      crc32: deferred ? 0 : entry.crc32,
      compressedSize: size(entry.compressedSize),
      uncompressedSize: size(entry.uncompressedSize),
    },
    { fileName: entry.fileName, extraField: Buffer.concat(extras) },
  );
}

/** 4.3.9 data descriptor (signed), 8-byte sizes when the local header used ZIP64. */
export function dataDescriptor(entry: EntryRecord): Buffer {
  const values = { crc32: entry.crc32, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize };
  return entry.zip64LocalSizes ? DATA_DESCRIPTOR_ZIP64.encode(values) : DATA_DESCRIPTOR.encode(values);
}

/** 4.3.12 central directory header. */
export function centralDirectoryHeader(entry: EntryRecord): Buffer {
  checkName(entry);
  const overflow = centralOverflow(entry);
  const extras: Buffer[] = [];
  if (overflow.uncompressedSize || overflow.compressedSize || overflow.relativeOffsetOfLocalHeader) {
    extras.push(
      EXTRA_ZIP64.encode(
        { originalSize: entry.uncompressedSize, compressedSize: entry.compressedSize, relativeHeaderOffset: entry.relativeOffsetOfLocalHeader },
        { local: false, zip64: overflow },
      ),
    );
  }
  extras.push(timeExtra(entry, false));
  const version = versionNeeded(entry);
  return CENTRAL_DIRECTORY_HEADER.encode(
    {
      versionMadeBy: (HOST_UNIX << 8) | version,
      versionNeededToExtract: version,
      generalPurposeBitFlag: flagsOf(entry),
      compressionMethod: entry.compressionMethod,
      lastModFileTime: entry.lastModFileTime,
      lastModFileDate: entry.lastModFileDate,
      crc32: entry.crc32,
      compressedSize: overflow.compressedSize ? ZIP64_MARKER_32 : entry.compressedSize,
      uncompressedSize: overflow.uncompressedSize ? ZIP64_MARKER_32 : entry.uncompressedSize,
      diskNumberStart: 0,
      internalFileAttributes: 0,
      externalFileAttributes: entry.externalFileAttributes >>> 0,
      relativeOffsetOfLocalHeader: overflow.relativeOffsetOfLocalHeader ? ZIP64_MARKER_32 : entry.relativeOffsetOfLocalHeader,
    },
    { fileName: entry.fileName, extraField: Buffer.concat(extras), fileComment: Buffer.alloc(0) },
  );
}

export interface DirectoryEnd {
  readonly entryCount: number;
  readonly offsetOfStartOfCentralDirectory: number;
  readonly sizeOfCentralDirectory: number;
  readonly comment: Uint8Array;
}

/** Whether the directory's totals need the ZIP64 end record and locator (4.3.14, 4.3.15). */
export function needsZip64End(end: DirectoryEnd): boolean {
  return (
    end.entryCount >= ZIP64_MARKER_16 ||
    end.sizeOfCentralDirectory >= ZIP64_MARKER_32 ||
    end.offsetOfStartOfCentralDirectory >= ZIP64_MARKER_32
  );
}

/**
 * Why `comment` cannot be an archive's comment, or undefined. Besides its length: the bytes of
 * the end record's signature (PK\x05\x06) in it make most readers (unzip, 7-Zip, Python) take
 * the comment for the end of the archive and fail to open it, as zip -z lets happen.
 */
export function commentProblem(comment: Buffer): string | undefined {
  if (comment.length > MAX_UINT16) return `the comment is ${comment.length} bytes; a ZIP comment holds at most 65,535`;
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(SIGNATURE.END_OF_CENTRAL_DIRECTORY);
  if (comment.includes(signature)) return 'the comment holds the end record\'s signature (PK\\x05\\x06), which most ZIP readers would take for the end of the archive';
  return undefined;
}

/**
 * What follows the central directory: the ZIP64 end record and locator when needed, then the
 * end of central directory record (4.3.16) with the archive comment. The ZIP64 end record sits
 * right after the central directory.
 */
export function endOfCentralDirectory(end: DirectoryEnd): Buffer {
  if (end.comment.length > MAX_UINT16) {
    throw new ZipError('TOO_LARGE', `archive comment of ${end.comment.length} bytes is longer than the 65,535 a ZIP holds`);
  }
  const parts: Buffer[] = [];
  const zip64 = needsZip64End(end);
  if (zip64) {
    const zip64EndOffset = end.offsetOfStartOfCentralDirectory + end.sizeOfCentralDirectory;
    parts.push(
      ZIP64_END_OF_CENTRAL_DIRECTORY.encode({
        sizeOfZip64EndOfCentralDirectoryRecord: ZIP64_END_OF_CENTRAL_DIRECTORY.size - 12,
        versionMadeBy: (HOST_UNIX << 8) | VERSION_ZIP64,
        versionNeededToExtract: VERSION_ZIP64,
        numberOfThisDisk: 0,
        diskWhereCentralDirectoryStarts: 0,
        numberOfCentralDirectoryRecordsOnThisDisk: end.entryCount,
        totalNumberOfCentralDirectoryRecords: end.entryCount,
        sizeOfCentralDirectory: end.sizeOfCentralDirectory,
        offsetOfStartOfCentralDirectory: end.offsetOfStartOfCentralDirectory,
      }),
      ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.encode({
        diskWithZip64EndOfCentralDirectory: 0,
        relativeOffsetOfZip64EndOfCentralDirectory: zip64EndOffset,
        totalNumberOfDisks: 1,
      }),
    );
  }
  const count = Math.min(end.entryCount, ZIP64_MARKER_16);
  parts.push(
    END_OF_CENTRAL_DIRECTORY.encode(
      {
        numberOfThisDisk: 0,
        diskWhereCentralDirectoryStarts: 0,
        numberOfCentralDirectoryRecordsOnThisDisk: count,
        totalNumberOfCentralDirectoryRecords: count,
        sizeOfCentralDirectory: Math.min(end.sizeOfCentralDirectory, ZIP64_MARKER_32),
        offsetOfStartOfCentralDirectory: Math.min(end.offsetOfStartOfCentralDirectory, ZIP64_MARKER_32),
      },
      { comment: end.comment },
    ),
  );
  return Buffer.concat(parts);
}
