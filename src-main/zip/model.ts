// What the reader gives the rest of Zipdesk: the archive and its entries, as plain data.
// Types only. `zip/reader.ts` produces them; test, extract, the safety report, the command line
// and the IPC handlers consume them. Parsing does no I/O of its own: it reads through a
// RandomAccessSource (Go's io.ReaderAt + size), which `archive/` adapts from a file handle.

import type { Buffer } from 'node:buffer';
import { ZIP64_MARKER_32 } from './constants.js';
import type { ZipError } from './errors.js';

export interface RandomAccessSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; rejects with ZipError 'TRUNCATED' past the end. */
  read(offset: number, length: number): Promise<Buffer>;
  /**
   * The same into the first `length` bytes of `target`, where the source can: a walk over a
   * large central directory then reuses two buffers instead of allocating a chunk at a time.
   */
  readIntoBuffer?(target: Buffer, offset: number, length: number): Promise<void>;
}

/**
 * Where a name's text came from (APPNOTE 4.4.4 bit 11, 4.6.9, appendix D): UTF-8 by bit 11, the
 * Unicode path extra field, UTF-8 bytes without the flag (zip/names.ts), CP437 (which includes
 * plain ASCII without the flag, and bytes flagged UTF-8 that are not), or the code page the user
 * named (names.ts codePageOf).
 */
export type NameEncoding = 'utf8' | 'unicode-path-extra' | 'utf8-unflagged' | 'cp437' | 'code-page';

export interface ZipEntry {
  /** Position in the central directory, from 0. */
  readonly index: number;
  /** The name exactly as stored, decoded to text; never normalized. */
  readonly name: string;
  readonly nameEncoding: NameEncoding;
  readonly comment: string;
  readonly versionMadeBy: number;
  readonly versionNeededToExtract: number;
  readonly generalPurposeBitFlag: number;
  readonly compressionMethod: number;
  readonly crc32: number;
  /** Full 64-bit values (from the ZIP64 extra field when the header says 0xFFFFFFFF). */
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Absolute offsets in the source, after any prefix adjustment. */
  readonly localHeaderOffset: number;
  readonly centralHeaderOffset: number;
  readonly diskNumberStart: number;
  readonly internalFileAttributes: number;
  readonly externalFileAttributes: number;
  /** The raw DOS date and time of the header. */
  readonly lastModFileDate: number;
  readonly lastModFileTime: number;
  /**
   * From the extended timestamp or NTFS extra field when present (UTC), else from an older Unix
   * field (Info-ZIP's "UX" 0x5855, PKWARE's 0x000d), else the DOS time as local time. Entries with the same DOS time may share one Date object: treat it as read-only.
   */
  readonly modified: Date;
  /**
   * Which of them `modified` is. A DOS time is a wall-clock time with no zone, which a Date holds
   * only as the instant the local zone gives it (one the zone skips, as 02:30 on the day its
   * clocks go forward, an hour later): to show it as stored, show the raw fields
   * (dostime.ts dosLocalIsoTime; dosWallClockMs for the window).
   */
  readonly modifiedFrom: 'dos' | 'extended-timestamp' | 'ntfs' | 'unix-field';
  /** Unix st_mode when the entry was made on Unix (versionMadeBy host 3) and set one. */
  readonly unixMode: number | undefined;
  readonly isDirectory: boolean;
  readonly isSymlink: boolean;
  /** Bit 0 (traditional or AES) or bit 6 (strong encryption). */
  readonly encrypted: boolean;
  /**
   * An AES entry's (method 99) WinZip AES extra field (0x9901): the key's strength and the method
   * its data was compressed with before it was encrypted, the entry's real method. Undefined for
   * any other entry, and for an AES entry without a whole field of that id.
   */
  readonly aes?: AesFields | undefined;
  readonly hasDataDescriptor: boolean;
  /** The central record used a ZIP64 extra field. */
  readonly zip64: boolean;
  /**
   * When the name came from a Unicode path extra field or a code page the user named: the CRC-32
   * of the header's own name bytes (which the extra field records). A local header whose name
   * bytes have it names this entry, whether or not it repeats the field.
   */
  readonly headerNameCrc32?: number | undefined;
  /** The header ids of the extra fields of the central record, in order. */
  readonly extraFieldIds: readonly number[];
  /**
   * Why the central record cannot say where the entry's data is (a ZIP64 marker without its
   * value): its sizes or offset are the record's raw values, and the entry is refused when read.
   * The other entries are read as usual.
   */
  readonly damage?: ZipError | undefined;
}

/** What the WinZip AES extra field (0x9901, WinZip's AE-x specification) says of an entry. */
export interface AesFields {
  /** 1, 2 or 3: AES-128, AES-192 or AES-256 (another value is damage, kept as stored). */
  readonly strength: number;
  /** The method of the data inside the encryption (0 stored, 8 deflated, …). */
  readonly compressionMethod: number;
}

/**
 * Whether a size of the entry (its uncompressedSize or compressedSize) is known: not when the
 * record is damaged and the size is only its ZIP64 marker, with no value for it anywhere. An
 * unknown size is shown as "?" and left out of totals.
 */
export function isSizeKnown(entry: { readonly damage?: unknown }, size: number): boolean {
  return entry.damage === undefined || size !== ZIP64_MARKER_32;
}

/**
 * What reading an entry's data (its local header, data, size and CRC-32 checks) needs of its
 * central record: what crosses to a helper thread, and what a test of many entries makes of each.
 */
export type EntryFields = Pick<
  ZipEntry,
  'index' | 'name' | 'headerNameCrc32' | 'generalPurposeBitFlag' | 'compressionMethod' | 'crc32' | 'compressedSize' | 'uncompressedSize' | 'localHeaderOffset' | 'encrypted' | 'aes' | 'hasDataDescriptor'
>;

export interface ZipArchiveInfo {
  readonly size: number;
  readonly comment: string;
  /**
   * As the end record declares it. Without ZIP64 a count past 65,535 has wrapped (modulo 65,536);
   * the reader then reads on to the end of the directory, so count what entries() yields.
   */
  readonly entryCount: number;
  /** Absolute offset of the first central record (where it was found) and its size in bytes (as declared). */
  readonly centralDirectoryOffset: number;
  readonly centralDirectorySize: number;
  /**
   * Where the end record (or the ZIP64 one) says the central directory starts. Where it was
   * found instead, centralDirectoryOffset less offsetAdjustment differs from it.
   */
  readonly declaredCentralDirectoryOffset: number;
  readonly endOfCentralDirectoryOffset: number;
  /** Set when the archive has a ZIP64 end record. */
  readonly zip64EndOfCentralDirectoryOffset: number | undefined;
  /**
   * The ZIP64 end record contradicts an end record that needs no ZIP64 values (another count or
   * directory), and is ignored: the end record's values stand.
   */
  readonly zip64EndOfCentralDirectoryIgnored: boolean;
  /**
   * Where the ZIP64 locator says the ZIP64 end record is. Where it was found instead (right
   * before the locator), zip64EndOfCentralDirectoryOffset less offsetAdjustment differs from it.
   */
  readonly declaredZip64EndOfCentralDirectoryOffset: number | undefined;
  /**
   * Bytes that the archive's own offsets do not account for (a self-extractor stub, or data
   * prepended without adjusting offsets): added to every stored offset.
   */
  readonly offsetAdjustment: number;
  /** Bytes after the end record and its comment. */
  readonly trailingBytes: number;
}

/**
 * Something off about the archive as a whole that reading goes around (zip/archive-notes.ts):
 * the entries are read all the same, so a note fails nothing, but other readers may refuse or
 * misread the archive. `message` is one line in English; `params`, the numbers it is made of.
 */
export interface ArchiveNote {
  readonly code: ArchiveNoteCode;
  readonly message: string;
  readonly params: Readonly<Record<string, number>>;
}

export type ArchiveNoteCode =
  | 'DIRECTORY_SLACK' // bytes after the last central record, within the directory the end record declares
  | 'DIRECTORY_SIGNATURE' // a digital signature record (4.3.13) ends the directory: not checked
  | 'DIRECTORY_GAP' // bytes between the central directory and the end record
  | 'UNCOUNTED_PREFIX' // data before the archive that its offsets do not count: each is read that much further on
  | 'OFFSETS_TOO_LARGE' // the offsets count bytes that are not there: each is read that much earlier
  | 'DIRECTORY_MOVED' // the central directory is not where the end record puts it (the entries' offsets are right)
  | 'DIRECTORY_SIZE' // the central directory's records do not take the size the end record declares
  | 'ZIP64_END_IGNORED' // a ZIP64 end record contradicts an end record that needs none of its values, and is ignored
  | 'COUNT_DIFFERS' // the end record counts fewer entries than the central directory holds (not a 16-bit count that wrapped)
  | 'BYTES_BEFORE_EMPTY' // an empty archive with bytes before its end record (a real archive's comment may end with it)
  | 'ZIP64_END_MOVED' // the ZIP64 locator puts the ZIP64 end record elsewhere than where it is (right before the locator)
  | 'TRAILING_DATA' // bytes after the end record and the comment it counts
  | 'NAMES_GUESSED'; // a listing or an extraction read names as CP437 for want of a mark (names.ts isGuessedName)

/** A disagreement between an entry's local header and its central record. */
export interface HeaderMismatch {
  readonly field: 'fileName' | 'compressionMethod' | 'crc32' | 'compressedSize' | 'uncompressedSize' | 'generalPurposeBitFlag';
  readonly local: string | number;
  readonly central: string | number;
}
