// Our ZIP reader (issue 2). It reads through a RandomAccessSource and never holds the whole
// archive: openZip reads only the end records; entries() streams the central directory in
// multi-megabyte chunks and decodes each record with the compiled layout decoder; entry data
// is read on demand (entry-data.ts). The central directory is the truth; local headers are
// read to find the data and compared with it.
//
// Finding the end (APPNOTE 4.3.16): the end of central directory record is searched backwards
// from the end of the file, behind a comment of up to 65,535 bytes. A comment may itself hold
// the signature, so every candidate is validated (its comment must fit in the file, its central
// directory must be where it says or where the file's layout puts it) and a candidate whose
// comment reaches exactly to the end wins over one followed by trailing data. Data before the
// archive (a self-extractor stub) is found by comparing where the central directory is with
// where it claims to be; the difference is added to every stored offset.
//
// Hostile input: no count or size is trusted before it is checked against the bytes that could
// hold it (Go's directorySize / 46 guard), and every failure is a ZipError with the value in it.

import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import {
  BITFLAG_DATA_DESCRIPTOR,
  BITFLAG_ENCRYPTED,
  BITFLAG_STRONG_ENCRYPTION,
  BITFLAG_UTF8,
  DOS_ATTR_DIRECTORY,
  HOST_OSX,
  HOST_UNIX,
  METHOD_AES,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  ZIP64_MARKER_16,
  ZIP64_MARKER_32,
} from './constants.js';
import { OffsetColumn, sortedIndexes } from './columns.js';
import { MAX_FILETIME, dosDateTimeToDate, extendedTimestampSeconds, filetimeToDate } from './dostime.js';
import { openEntryStream, readEntryData, readLocalHeader, type EntryStreamOptions, type LocalHeader } from './entry-data.js';
import { ZipError, bytesText, counted, hex, integerText, stacklessZipError } from './errors.js';
import type { ExtraContext } from './layout.js';
import type { Log } from '../log/types.js';
import { silentLog } from '../log/types.js';
import { archiveNotes, type WalkedDirectory } from './archive-notes.js';
import type { AesFields, ArchiveNote, EntryFields, NameEncoding, RandomAccessSource, ZipArchiveInfo, ZipEntry } from './model.js';
import { codePageText, decodeHeaderText, isAscii, nameCrc32, unflaggedText, unicodeExtraText, type CodePage } from './names.js';
import { NAME_RULES, namePathKey, plainNamePathKey, type FolderKeySink, type NameRules, type PathFold } from './paths.js';
import {
  CENTRAL_DIRECTORY_HEADER,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_EXTENDED_TIMESTAMP,
  EXTRA_ID,
  EXTRA_INFOZIP_UNICODE_COMMENT,
  EXTRA_INFOZIP_UNICODE_PATH,
  EXTRA_INFOZIP_UNIX_OLD,
  EXTRA_PKWARE_UNIX,
  EXTRA_WINZIP_AES,
  EXTRA_ZIP64,
  LOCAL_FILE_HEADER,
  SIGNATURE,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
  ntfsModificationTime,
} from './records.js';

export { bufferSource } from './buffer-source.js';
export { openEntryStream, readEntryData, readLocalHeader } from './entry-data.js';
export type { EntryStreamOptions, LocalHeader } from './entry-data.js';

/** The end record with the longest comment, the most the backward search must cover first. */
const END_SEARCH_WINDOW = END_OF_CENTRAL_DIRECTORY.size + 0xffff;
/** If nothing is found there, trailing data after the archive is allowed up to this much. */
const END_SEARCH_WINDOW_EXTENDED = 4 * 1024 * 1024;
/** Candidates that need I/O to validate; a comment stuffed with signatures costs no more. */
const MAX_CANDIDATES_CHECKED = 32;
/**
 * Central directory read size: one read per ten thousand records or so. 1 MiB batches keep
 * `zipdesk list` of a million entries near 130 MB peak (4 MiB batches reached 155 MB).
 */
const CENTRAL_DIRECTORY_CHUNK = 1024 * 1024;
/** The longest central record: its fixed part and three 16-bit lengths of name, extra field and comment. */
const LONGEST_CENTRAL_RECORD = CENTRAL_DIRECTORY_HEADER.size + 3 * 0xffff;

/** Entries per batch: small enough that a consumer that drops them keeps them in the young generation. */
const BATCH_SIZE = 2048;

/** 7.2.4 / 7.3: version 6.2 is needed to read an archive whose central directory is encrypted. */
const VERSION_STRONG_ENCRYPTION = 62;

const NO_EXTRA_IDS: readonly number[] = Object.freeze([]);
const CENTRAL_CONTEXT: ExtraContext = { local: false };

export interface OpenZipOptions {
  readonly log?: Log;
  /** The code page of names and comments not flagged UTF-8 (names.ts codePageOf); by default they are read as UTF-8 where they are UTF-8, else as CP437. */
  readonly codePage?: CodePage;
}

export interface ZipReader {
  readonly source: RandomAccessSource;
  readonly info: ZipArchiveInfo;
  /** The entries in central directory order, one at a time, reading the directory in chunks. */
  entries(): AsyncGenerator<ZipEntry>;
  /**
   * The same, a chunk's worth of entries at a time (cheaper for very large directories); with a
   * range, only its records (a range that spanBatches' records gave: their offsets are checked
   * like any other, a wrong one fails with BAD_SIGNATURE).
   */
  entryBatches(range?: DirectoryRange): AsyncGenerator<ZipEntry[]>;
  /**
   * Only where each entry's bytes lie and its sizes, a chunk at a time: the same records with
   * the same checks as entryBatches, without decoding names, times and extra fields. With
   * `pathKeys`, each span also carries the key of the path its entry extracts to, and
   * `folderKeys` hears the keys of the folders that path lies in; with `fold`, of the paths folded.
   */
  spanBatches(options?: { readonly pathKeys?: boolean; readonly folderKeys?: FolderKeySink; readonly fold?: PathFold; readonly rules?: NameRules }): AsyncGenerator<EntrySpan[]>;
  /**
   * The records themselves, for a caller that reads a few fields of millions of them (`zipdesk
   * list`): `make` sees each record, bounds-checked, with its fixed part decoded into `values`
   * (an object reused for the next record), and may call entryOfRecord for the whole entry.
   */
  recordBatches<T>(make: RecordMaker<T>): AsyncGenerator<T[]>;
  /** One record (bounds-checked) as its whole entry, for recordBatches' makers: names read in this reader's code page. */
  readonly entryOfRecord: RecordMaker<ZipEntry>;
  /** The code page names not flagged UTF-8 are read in (OpenZipOptions), if one was named. */
  readonly codePage: CodePage | undefined;
  /**
   * What reading each entry's data needs (EntryFields), with the same checks as entryBatches: a
   * plain record's (isPlainRecord) straight from its fixed fields and name bytes, the others'
   * from their whole entry. For test, which reads every entry's data and nothing else.
   */
  fieldBatches(range?: DirectoryRange): AsyncGenerator<EntryFields[]>;
  readEntries(): Promise<ZipEntry[]>;
  /**
   * What is off about the archive as a whole that reading goes around (archive-notes.ts). Those
   * about the directory's end come once a walk over the whole directory (any of the above
   * without a range) has reached it.
   */
  notes(): Promise<ArchiveNote[]>;
  readLocalHeader(entry: ZipEntry): Promise<LocalHeader>;
  openEntryStream(entry: ZipEntry, options?: EntryStreamOptions): Promise<Readable>;
  /** The whole uncompressed entry in memory (for small entries; refuses more than `maxSize`). */
  readEntry(entry: ZipEntry, options?: EntryStreamOptions & { maxSize?: number }): Promise<Buffer>;
}

/** What a central record says of where its entry's bytes lie (as in ZipEntry). */
export interface EntrySpan {
  readonly localHeaderOffset: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Where the central record itself starts. */
  readonly centralHeaderOffset: number;
  /** When asked for: namePathKey of the entry's name (zip/paths.ts), NaN for a refused name. */
  readonly pathKey?: number;
  /** Why the central record cannot say where the entry's data is (see ZipEntry.damage). */
  readonly damage?: ZipError;
  /** Spans only: its stored name ends with "/" (most folders' do; a folder by its attributes alone is not told). */
  readonly folderName?: boolean;
}

/** What a walk over the central directory makes of one record at `at` in `buf` (record number `index`, at `position` in the archive). */
export type RecordMaker<T> = (buf: Buffer, at: number, values: CentralValues, index: number, position: number, offsetAdjustment: number) => T;

/** A run of `count` central records, the first (number `index`) at `offset`; `end`, when known, is where the next record starts. */
export interface DirectoryRange {
  readonly offset: number;
  readonly index: number;
  readonly count: number;
  readonly end?: number;
}

export async function openZip(source: RandomAccessSource, options: OpenZipOptions = {}): Promise<ZipReader> {
  const log = options.log ?? silentLog;
  const end = await findEnd(source, log);
  const { codePage } = options;
  log.debug('opened archive', { size: source.size, entries: end.info.entryCount, zip64: end.info.zip64EndOfCentralDirectoryOffset !== undefined, offsetAdjustment: end.info.offsetAdjustment, codePage: codePage?.name });
  const info = codePage === undefined || isAscii(end.info.comment) ? end.info : { ...end.info, comment: await commentIn(source, end.info, codePage) };
  return new CentralDirectoryReader(source, info, end.limit, log, codePage);
}

/** The archive comment read in `codePage` (it lies between the end record and the bytes after the archive). */
async function commentIn(source: RandomAccessSource, info: ZipArchiveInfo, codePage: CodePage): Promise<string> {
  const start = info.endOfCentralDirectoryOffset + END_OF_CENTRAL_DIRECTORY.size;
  const bytes = await source.read(start, info.size - info.trailingBytes - start);
  return codePageText(bytes, 0, bytes.length, 0, codePage) ?? info.comment;
}

// ---------------------------------------------------------------------------------------------
// The end records

/** 8.5.3: the signature that starts a split archive's first part (the data descriptor's, 4.3.9.3). */
const SPLIT_ARCHIVE_SIGNATURE = SIGNATURE.DATA_DESCRIPTOR;

interface FoundEnd {
  readonly info: ZipArchiveInfo;
  /** How far central records may be read (the end of the file: see resolveEnd). */
  readonly limit: number;
}

async function findEnd(source: RandomAccessSource, log: Log): Promise<FoundEnd> {
  const size = source.size;
  if (size < END_OF_CENTRAL_DIRECTORY.size) {
    throw new ZipError('NOT_A_ZIP', `the file is ${bytesText(size)}, too small to hold an end of central directory record (22 bytes)`, { kind: 'TOO_SMALL', params: { size } });
  }
  let windowStart = Math.max(0, size - END_SEARCH_WINDOW);
  let tail = await source.read(windowStart, size - windowStart);
  let result = await scanForEnd(source, tail, windowStart, log);
  if (result === undefined && windowStart > 0) {
    const extendedStart = Math.max(0, size - END_SEARCH_WINDOW_EXTENDED);
    const before = await source.read(extendedStart, windowStart - extendedStart + 3);
    // Only the part before the first window is new; scan it with the first window's head attached.
    tail = Buffer.concat([before, tail.subarray(3)]);
    windowStart = extendedStart;
    result = await scanForEnd(source, tail, windowStart, log);
  }
  if (result instanceof ZipError) throw result;
  if (result !== undefined) return result;
  const head = await source.read(0, Math.min(8, size));
  // 8.5.3: the first part of a split archive (zip -s: NAME.z01) starts with the split signature
  // (the data descriptor's) and then the first local header; its end record is in the last part.
  // Said as what it is: "not a ZIP archive" sent its user looking for damage.
  if (head.length === 8 && head.readUInt32LE(0) === SPLIT_ARCHIVE_SIGNATURE && head.readUInt32LE(4) === SIGNATURE.LOCAL_FILE_HEADER) {
    const signature = hex(SPLIT_ARCHIVE_SIGNATURE);
    throw new ZipError('MULTI_DISK', `the first part of a split archive (it starts with the split signature ${signature}, as zip -s writes NAME.z01); its central directory is in the last part (NAME.zip), and split archives are not supported`, { kind: 'SPLIT_FIRST_PART', params: { signature } });
  }
  const searched = { signature: hex(SIGNATURE.END_OF_CENTRAL_DIRECTORY), bytes: size - windowStart };
  if (head.length >= 4 && head.readUInt32LE(0) === SIGNATURE.LOCAL_FILE_HEADER) {
    throw new ZipError('EOCD_NOT_FOUND', `cut short or damaged: it starts as a ZIP archive does (a local header), but has no end of central directory record (signature ${searched.signature}) in its last ${searched.bytes} bytes`, { kind: 'CUT_SHORT', params: searched });
  }
  throw new ZipError('NOT_A_ZIP', `not a ZIP archive: no end of central directory record (signature ${searched.signature}) in its last ${searched.bytes} bytes`, { kind: 'NO_END_RECORD', params: searched });
}

async function scanForEnd(source: RandomAccessSource, tail: Buffer, tailStart: number, log: Log): Promise<FoundEnd | ZipError | undefined> {
  let firstError: ZipError | undefined;
  let withTrailingData: FoundEnd | undefined;
  // An end record with a truncated comment after a valid one is two archives glued together,
  // one of them cut short (golang.org/issue/66869): readers would disagree on which one it is.
  let truncatedAfter = false;
  let checked = 0;
  for (let i = tail.length - END_OF_CENTRAL_DIRECTORY.size; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const position = tailStart + i;
    const eocd = END_OF_CENTRAL_DIRECTORY.decode(tail, i);
    const recordEnd = position + END_OF_CENTRAL_DIRECTORY.size + eocd.commentLength;
    if (recordEnd > source.size) {
      const after = source.size - position - END_OF_CENTRAL_DIRECTORY.size;
      firstError ??= new ZipError('EOCD_NOT_FOUND', `end of central directory record at offset ${position} declares a ${eocd.commentLength}-byte comment, but the file ends ${bytesText(after)} after the record`, { offset: position, kind: 'COMMENT_PAST_END', params: { offset: position, comment: eocd.commentLength, after } });
      truncatedAfter = true;
      continue;
    }
    if (++checked > MAX_CANDIDATES_CHECKED) break;
    try {
      const found = await resolveEnd(source, tail, tailStart, position, eocd, log);
      if (recordEnd === source.size) return found;
      if (!truncatedAfter) withTrailingData ??= found;
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      log.debug('end record candidate rejected', { offset: position, code: e.code, message: e.message });
      firstError ??= e;
    }
  }
  return withTrailingData ?? firstError;
}

type EndValues = ReturnType<typeof END_OF_CENTRAL_DIRECTORY.decode>;

async function bytesAt(source: RandomAccessSource, tail: Buffer, tailStart: number, offset: number, length: number): Promise<Buffer> {
  if (offset >= tailStart && offset + length <= tailStart + tail.length) return tail.subarray(offset - tailStart, offset - tailStart + length);
  return source.read(offset, length);
}

async function signatureAt(source: RandomAccessSource, tail: Buffer, tailStart: number, offset: number, limit: number): Promise<number | undefined> {
  if (offset < 0 || offset + 4 > limit) return undefined;
  return (await bytesAt(source, tail, tailStart, offset, 4)).readUInt32LE(0);
}

async function resolveEnd(source: RandomAccessSource, tail: Buffer, tailStart: number, position: number, eocd: EndValues, log: Log): Promise<FoundEnd> {
  const size = source.size;
  let count = eocd.totalNumberOfCentralDirectoryRecords;
  let directorySize = eocd.sizeOfCentralDirectory;
  let directoryOffset = eocd.offsetOfStartOfCentralDirectory;
  let limit = position;
  let zip64Offset: number | undefined;
  let zip64Declared: number | undefined;
  let zip64Ignored = false;
  let zip64Version = 0;
  const hasMarkers = count === ZIP64_MARKER_16 || eocd.numberOfCentralDirectoryRecordsOnThisDisk === ZIP64_MARKER_16 || directorySize === ZIP64_MARKER_32 || directoryOffset === ZIP64_MARKER_32;

  // 4.3.15: a ZIP64 locator right before the end record. Without the markers a broken one is
  // ignored (the 32-bit values may be all there is, as Go and Info-ZIP also read it).
  const locatorPosition = position - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size;
  if (locatorPosition >= 0 && (await signatureAt(source, tail, tailStart, locatorPosition, position)) === SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR) {
    try {
      const zip64 = await readZip64End(source, tail, tailStart, locatorPosition);
      limit = zip64.position;
      zip64Offset = zip64.position;
      zip64Declared = zip64.declared;
      // Without the markers, its values are the end record's own, widened: ones that are not
      // (another count, another directory) contradict a record that needed none, which stands
      // (as Go reads it, and 7-Zip, bsdtar and Python read such archives).
      if (hasMarkers || (zip64.count % 0x10000 === count && zip64.directorySize % 0x100000000 === directorySize && zip64.directoryOffset % 0x100000000 === directoryOffset)) {
        count = zip64.count;
        directorySize = zip64.directorySize;
        directoryOffset = zip64.directoryOffset;
        zip64Version = zip64.versionNeededToExtract;
      } else {
        zip64Ignored = true;
        log.warn('ignoring a ZIP64 end record that contradicts a complete end record', { offset: zip64.position, zip64: { count: zip64.count, directorySize: zip64.directorySize, directoryOffset: zip64.directoryOffset }, end: { count, directorySize, directoryOffset } });
      }
    } catch (e) {
      if (!(e instanceof ZipError) || hasMarkers) throw e;
      log.warn('ignoring a broken ZIP64 locator before a complete end record', { offset: locatorPosition, message: e.message });
    }
  }
  // Disk numbers (4.3.16): a split archive's last part says which disk it is and holds the
  // whole directory. Nonzero numbers that disagree with the counts are damage, ignored as Go
  // and Python do; if the directory cannot be found then, the split is named as the reason.
  // The end record is on the last disk: when that is disk 0 there is one, and a directory said
  // to start on another disk is damage too (unzip reads such an archive).
  const disk = eocd.numberOfThisDisk;
  const directoryDisk = eocd.diskWhereCentralDirectoryStarts;
  const spansDisks = zip64Offset === undefined && disk !== 0;
  const multiDisk = (): ZipError => new ZipError('MULTI_DISK', `the archive spans disks (this is disk ${disk}, the central directory starts on disk ${directoryDisk}); split archives are not supported`, { offset: position, kind: 'SPANS_DISKS', params: { disk, directoryDisk } });
  if (spansDisks && eocd.numberOfCentralDirectoryRecordsOnThisDisk === eocd.totalNumberOfCentralDirectoryRecords) throw multiDisk();

  if (directorySize > limit) {
    throw new ZipError('BAD_CENTRAL_DIRECTORY', `central directory size ${integerText(directorySize)} is larger than the ${limit} bytes before the end record at offset ${limit}`, { offset: limit, kind: 'SIZE_TOO_LARGE', params: { size: directorySize, limit } });
  }
  let adjustment = 0;
  let directoryStart = directoryOffset;
  if (count === 0 && directorySize === 0) {
    if (directoryOffset > limit) directoryStart = limit;
  } else if ((await signatureAt(source, tail, tailStart, directoryOffset, limit)) === SIGNATURE.CENTRAL_DIRECTORY_HEADER) {
    // Where it says (a directory size that runs into the end record is damage, read as Go does).
    directoryStart = directoryOffset;
  } else {
    // Data before the archive that its offsets do not count (a stub concatenated in front):
    // the directory ends where the end record starts, so it starts directorySize before that.
    // (A negative difference — offsets too large — is read the same way, as Python does.)
    const actual = limit - directorySize;
    if ((await signatureAt(source, tail, tailStart, actual, limit)) === SIGNATURE.CENTRAL_DIRECTORY_HEADER) {
      adjustment = actual - directoryOffset;
      directoryStart = actual;
    } else {
      if (spansDisks) throw multiDisk();
      if (zip64Version >= VERSION_STRONG_ENCRYPTION) {
        throw new ZipError('ENCRYPTED', `the central directory is encrypted (ZIP64 end record version ${zip64Version}, APPNOTE 7.3); it cannot be listed`, { offset: limit, kind: 'DIRECTORY', params: { version: zip64Version } });
      }
      throw new ZipError(
        'BAD_CENTRAL_DIRECTORY',
        `no central directory record at offset ${integerText(directoryOffset)} (declared size ${integerText(directorySize)}, ${counted(count, 'entry', 'entries')}, end record at offset ${limit})`,
        { offset: Math.min(directoryOffset, Number.MAX_SAFE_INTEGER), kind: 'NOT_AT_OFFSET', params: { offset: directoryOffset, size: directorySize, count, end: limit } },
      );
    }
  }
  if (adjustment !== 0 && count > 0) adjustment = await confirmAdjustment(source, directoryStart, adjustment);
  // Never believe a count the directory cannot hold: each record is at least 46 bytes.
  // (Records are read up to the end of the file: some writers understate the directory size.)
  const room = size - directoryStart;
  if (count > room / CENTRAL_DIRECTORY_HEADER.size) {
    const most = Math.floor(room / CENTRAL_DIRECTORY_HEADER.size);
    throw new ZipError('TOO_MANY_ENTRIES', `the archive declares ${counted(count, 'entry', 'entries')}, but the ${bytesText(room)} from its central directory to the end of the file can hold at most ${most}`, { offset: position, kind: 'ROOM', params: { count, room, most } });
  }

  const recordEnd = position + END_OF_CENTRAL_DIRECTORY.size + eocd.commentLength;
  const commentBytes = await bytesAt(source, tail, tailStart, position + END_OF_CENTRAL_DIRECTORY.size, eocd.commentLength);
  return {
    info: {
      size,
      // It has no flag of its own: read as unflagged header text is.
      comment: unflaggedText(commentBytes),
      entryCount: count,
      centralDirectoryOffset: directoryStart,
      centralDirectorySize: directorySize,
      declaredCentralDirectoryOffset: directoryOffset,
      endOfCentralDirectoryOffset: position,
      zip64EndOfCentralDirectoryOffset: zip64Offset,
      zip64EndOfCentralDirectoryIgnored: zip64Ignored,
      declaredZip64EndOfCentralDirectoryOffset: zip64Declared,
      offsetAdjustment: adjustment,
      trailingBytes: size - recordEnd,
    },
    limit: size,
  };
}

async function readZip64End(
  source: RandomAccessSource,
  tail: Buffer,
  tailStart: number,
  locatorPosition: number,
): Promise<{ position: number; declared: number; count: number; directorySize: number; directoryOffset: number; versionNeededToExtract: number }> {
  const locator = ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.decode(await bytesAt(source, tail, tailStart, locatorPosition, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size), 0);
  if (locator.diskWithZip64EndOfCentralDirectory !== 0 || locator.totalNumberOfDisks > 1) {
    const params = { offset: locatorPosition, disks: locator.totalNumberOfDisks, disk: locator.diskWithZip64EndOfCentralDirectory };
    throw new ZipError('MULTI_DISK', `the ZIP64 locator at offset ${locatorPosition} says the archive spans ${params.disks} disks (end record on disk ${params.disk}); split archives are not supported`, { offset: locatorPosition, kind: 'ZIP64_LOCATOR', params });
  }
  const declared = locator.relativeOffsetOfZip64EndOfCentralDirectory;
  const recordSize = ZIP64_END_OF_CENTRAL_DIRECTORY.size;
  // Where it says, or — with a prefix the offsets do not count — right before the locator.
  let position: number | undefined;
  for (const candidate of [declared, locatorPosition - recordSize]) {
    if (candidate >= 0 && candidate + recordSize <= locatorPosition && (await signatureAt(source, tail, tailStart, candidate, locatorPosition)) === SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY) {
      position = candidate;
      break;
    }
  }
  if (position === undefined) {
    throw new ZipError('BAD_ZIP64', `no ZIP64 end of central directory record at offset ${integerText(declared)} (named by the locator at offset ${locatorPosition})`, { offset: locatorPosition, kind: 'NO_END_RECORD', params: { offset: declared, locator: locatorPosition } });
  }
  const record = ZIP64_END_OF_CENTRAL_DIRECTORY.decode(await bytesAt(source, tail, tailStart, position, recordSize), 0);
  if (record.numberOfThisDisk !== 0 || record.diskWhereCentralDirectoryStarts !== 0) {
    const params = { offset: position, disk: record.numberOfThisDisk, directoryDisk: record.diskWhereCentralDirectoryStarts };
    throw new ZipError('MULTI_DISK', `the ZIP64 end record at offset ${position} is on disk ${params.disk} with the central directory on disk ${params.directoryDisk}; split archives are not supported`, { offset: position, kind: 'ZIP64_END_RECORD', params });
  }
  if (record.sizeOfZip64EndOfCentralDirectoryRecord < recordSize - 12 || position + 12 + record.sizeOfZip64EndOfCentralDirectoryRecord > locatorPosition) {
    const params = { offset: position, size: record.sizeOfZip64EndOfCentralDirectoryRecord, locator: locatorPosition };
    throw new ZipError('BAD_ZIP64', `ZIP64 end record at offset ${position} declares size ${integerText(params.size)}, which does not fit before the locator at offset ${locatorPosition}`, { offset: position, kind: 'END_RECORD_SIZE', params });
  }
  return {
    position,
    declared,
    count: record.totalNumberOfCentralDirectoryRecords,
    directorySize: record.sizeOfCentralDirectory,
    directoryOffset: record.offsetOfStartOfCentralDirectory,
    versionNeededToExtract: record.versionNeededToExtract & 0xff,
  };
}

/**
 * The directory was found `adjustment` bytes from where it claims to be. With a prefix the
 * writer did not count, local header offsets are off by as much; when only the directory's own
 * offset is wrong, they are not. The first entry's local header tells which.
 */
async function confirmAdjustment(source: RandomAccessSource, directoryStart: number, adjustment: number): Promise<number> {
  if (directoryStart + CENTRAL_DIRECTORY_HEADER.size > source.size) return adjustment;
  const first = CENTRAL_DIRECTORY_HEADER.decode(await source.read(directoryStart, CENTRAL_DIRECTORY_HEADER.size), 0);
  const isLocalHeader = async (offset: number): Promise<boolean> =>
    offset >= 0 && offset + 4 <= source.size && (await source.read(offset, 4)).readUInt32LE(0) === SIGNATURE.LOCAL_FILE_HEADER;
  const offset = first.relativeOffsetOfLocalHeader;
  if (offset === ZIP64_MARKER_32 || (await isLocalHeader(offset + adjustment))) return adjustment;
  return (await isLocalHeader(offset)) ? 0 : adjustment;
}

// ---------------------------------------------------------------------------------------------
// The central directory

class CentralDirectoryReader implements ZipReader {
  /** Where the last central record ends and how many there are, once a walk over the whole directory has reached it. */
  private walked: WalkedDirectory | undefined;
  readonly entryOfRecord: RecordMaker<ZipEntry>;
  /** Each record's EntryFields (recordFields), names read as entryOfRecord reads them. */
  private readonly fieldsOfRecord: RecordMaker<EntryFields>;

  constructor(
    readonly source: RandomAccessSource,
    readonly info: ZipArchiveInfo,
    private readonly limit: number,
    private readonly log: Log,
    readonly codePage: CodePage | undefined,
  ) {
    const entryOf: RecordMaker<ZipEntry> = codePage === undefined ? centralEntry : (buf, at, values, index, position, adjustment) => centralEntry(buf, at, values, index, position, adjustment, codePage);
    this.entryOfRecord = entryOf;
    this.fieldsOfRecord = codePage === undefined ? recordFields : (buf, at, values, index, position, adjustment) => recordFields(buf, at, values, index, position, adjustment, entryOf);
  }

  async *entries(): AsyncGenerator<ZipEntry> {
    for await (const batch of this.entryBatches()) yield* batch;
  }

  entryBatches(range?: DirectoryRange): AsyncGenerator<ZipEntry[]> {
    return this.records(this.entryOfRecord, range);
  }

  spanBatches(options?: { readonly pathKeys?: boolean; readonly folderKeys?: FolderKeySink; readonly fold?: PathFold; readonly rules?: NameRules }): AsyncGenerator<EntrySpan[]> {
    return this.records(options?.pathKeys === true ? keyedSpans(options.folderKeys, options.fold, options.rules ?? NAME_RULES, this.entryOfRecord) : centralSpan);
  }

  recordBatches<T>(make: RecordMaker<T>): AsyncGenerator<T[]> {
    return this.records(make);
  }

  fieldBatches(range?: DirectoryRange): AsyncGenerator<EntryFields[]> {
    return this.records(this.fieldsOfRecord, range);
  }

  /** Walks the central directory a chunk at a time, making a T of each record (already bounds-checked). */
  private async *records<T>(make: RecordMaker<T>, range?: DirectoryRange): AsyncGenerator<T[]> {
    const { centralDirectoryOffset: start, centralDirectorySize, entryCount: declared, offsetAdjustment } = this.info;
    const declaredEnd = start + centralDirectorySize;
    // A range with a known end is read no further than that.
    const limit = range?.end === undefined ? this.limit : Math.min(this.limit, range.end);
    // A 16-bit count wraps past 65,535 entries in archives written without ZIP64; then the
    // directory's size says where it ends (as Python's zipfile reads it). So it does for any
    // count lower than the records there (a ZIP64 end record's too): unzip, 7-Zip, bsdtar and
    // Python list them all, and an entry they extract must not be one that test and the safety
    // report never saw. (A count that did not wrap is said: archive-notes.ts countNote.)
    let buf: Buffer = Buffer.alloc(0);
    let bufStart = start;
    // Where the source can read into a buffer and the walk is more than a chunk, chunks go
    // into two buffers in turn, each written again only once the records of the chunk it held
    // are made (the makers copy what they keep) and its last read has settled. Each buffer keeps
    // room for the longest record before its chunk: the unparsed end of one chunk is copied there,
    // before the next. A million-entry directory read a chunk at a time, each joined to the end of
    // the one before, allocated and dropped two megabytes per megabyte, left to the allocator
    // between collections: some 20–40 MB of peak memory.
    const chunks: Buffer[] = [];
    const chunkReads: (Promise<unknown> | undefined)[] = [undefined, undefined];
    // (Only for a walk of more than a chunk: a range of a thousand records is read in one.)
    const reuse = this.source.readIntoBuffer !== undefined && limit - (range?.offset ?? start) > CENTRAL_DIRECTORY_CHUNK;
    let turn = 0;
    const readChunk = async (from: number, length: number): Promise<Buffer> => {
      if (!reuse || length > CENTRAL_DIRECTORY_CHUNK) return this.source.read(from, length);
      const which = turn;
      turn ^= 1;
      await chunkReads[which]?.catch(() => undefined);
      const chunk = (chunks[which] ??= Buffer.allocUnsafe(LONGEST_CENTRAL_RECORD + CENTRAL_DIRECTORY_CHUNK));
      const read = this.source.readIntoBuffer!(chunk.subarray(LONGEST_CENTRAL_RECORD), from, length);
      chunkReads[which] = read;
      await read;
      return chunk.subarray(LONGEST_CENTRAL_RECORD, LONGEST_CENTRAL_RECORD + length);
    };
    /** `tail` (less than a record) and then `next`, the chunk read just after it. */
    const joined = (tail: Buffer, next: Buffer): Buffer => {
      // (A chunk of the two starts LONGEST_CENTRAL_RECORD bytes into its buffer.)
      if (tail.length <= LONGEST_CENTRAL_RECORD && chunks.some((chunk) => chunk.buffer === next.buffer)) {
        const whole = Buffer.from(next.buffer, next.byteOffset - tail.length, tail.length + next.length);
        tail.copy(whole, 0);
        return whole;
      }
      return Buffer.concat([tail, next]);
    };
    // The chunk after the current one is read while this one is parsed.
    let ahead: Promise<Buffer> | undefined;
    let aheadStart = -1;
    const readAhead = (from: number): void => {
      ahead = undefined;
      if (from >= limit) return;
      aheadStart = from;
      ahead = readChunk(from, Math.min(CENTRAL_DIRECTORY_CHUNK, limit - from));
      ahead.catch(() => undefined); // observed when awaited
    };
    /** The bytes from `from` on (what is left of the current chunk, then the next one): `want` of them, unless the archive ends first. */
    const refill = async (from: number, want: number): Promise<Buffer> => {
      const end = bufStart + buf.length;
      let fresh: Buffer | undefined;
      if (ahead !== undefined && aheadStart === end && from >= bufStart && from <= end) {
        const next = await ahead;
        fresh = from === end ? next : joined(buf.subarray(from - bufStart), next);
      }
      if (fresh === undefined || fresh.length < Math.min(want, limit - from)) {
        fresh = await readChunk(from, Math.min(Math.max(CENTRAL_DIRECTORY_CHUNK, want), limit - from));
      }
      readAhead(from + fresh.length);
      return fresh;
    };
    let position = start;
    let index = 0;
    if (range !== undefined) {
      // (Records past the declared end are read as the first pass read them: an end record may
      // understate the directory's size.)
      if (!(range.offset >= start && range.offset < limit && range.index >= 0 && range.count >= 0)) {
        throw new RangeError(`central directory range at ${range.offset} (record ${range.index}) is not inside the directory (${start}–${limit})`);
      }
      position = range.offset;
      index = range.index;
    }
    const rangeEnd = range === undefined ? Infinity : range.index + range.count;
    const walk: RecordWalk<T> = { make, declared, declaredEnd, rangeEnd, offsetAdjustment, position, index, want: 0, batch: [] };
    for (;;) {
      const stop = walkRecords(walk, buf, bufStart);
      ({ position, index } = walk);
      if (stop === WALK_FULL) {
        yield walk.batch;
        walk.batch = [];
        continue;
      }
      if (stop === WALK_DONE) break;
      if (stop === WALK_BAD_SIGNATURE) {
        const signature = hex(buf.readUInt32LE(position - bufStart));
        throw new ZipError('BAD_SIGNATURE', `bad central directory signature ${signature} at offset ${position} (record ${index} of ${declared})`, { offset: position, kind: 'CENTRAL', params: { signature, offset: position, index, count: declared } });
      }
      // The buffer ends before the record at `position` does: its fixed part, or (WALK_PART_READ) the
      // names, extra fields and comment its fixed part counts.
      const { want } = walk;
      if (stop === WALK_PART_READ) {
        if (position + want > limit) {
          throw new ZipError('BAD_CENTRAL_DIRECTORY', `central directory record ${index} at offset ${position} is ${want} bytes long and runs past the end of the archive (${limit} bytes)`, { offset: position, kind: 'RECORD_RUNS_PAST_END', params: { index, offset: position, length: want, size: limit } });
        }
      } else if (position + want > limit) {
        if (index >= declared) break;
        throw new ZipError('BAD_CENTRAL_DIRECTORY', `central directory record ${index} of ${declared} at offset ${position} runs past the end of the archive (${limit} bytes)`, { offset: position, kind: 'RECORD_PAST_END', params: { index, count: declared, offset: position, size: limit } });
      }
      if (walk.batch.length > 0) {
        yield walk.batch;
        walk.batch = [];
      }
      buf = await refill(position, want);
      bufStart = position;
      // (Every source reads what it is asked or rejects: one that did not must not make this loop.)
      if (buf.length < want) throw new RangeError(`a read of ${want} bytes at offset ${position} gave ${buf.length}`);
    }
    const { batch } = walk;
    if (batch.length > 0) yield batch;
    if (range === undefined) {
      this.walked = { end: position, count: index };
      // (Said as a note, archive-notes.ts countNote, unless a 16-bit count wrapped.)
      if (index !== declared) this.log.debug('central directory count differs from the end record', { declared, found: index });
    }
  }

  notes(): Promise<ArchiveNote[]> {
    return archiveNotes(this.source, this.info, this.walked);
  }

  async readEntries(): Promise<ZipEntry[]> {
    const all: ZipEntry[] = [];
    for await (const batch of this.entryBatches()) for (const entry of batch) all.push(entry);
    return all;
  }

  readLocalHeader(entry: ZipEntry): Promise<LocalHeader> {
    return readLocalHeader(this.source, entry);
  }

  openEntryStream(entry: ZipEntry, options?: EntryStreamOptions): Promise<Readable> {
    return openEntryStream(this.source, entry, options);
  }

  readEntry(entry: ZipEntry, options?: EntryStreamOptions & { maxSize?: number }): Promise<Buffer> {
    return readEntryData(this.source, entry, options);
  }
}

export type CentralValues = ReturnType<typeof CENTRAL_DIRECTORY_HEADER.decode>;

/** A walk over central records (CentralDirectoryReader.records): what it makes, its bounds, and where it stands. */
interface RecordWalk<T> {
  readonly make: RecordMaker<T>;
  /** The end record's entry count, and where the directory it declares ends. */
  readonly declared: number;
  readonly declaredEnd: number;
  /** The index after the last record wanted (Infinity: all). */
  readonly rangeEnd: number;
  readonly offsetAdjustment: number;
  /** The next record's offset and index. */
  position: number;
  index: number;
  /** When the buffer ended before the next record: the bytes it takes from `position` (its fixed part, or all of it). */
  want: number;
  batch: T[];
}

// Why walkRecords stopped.
/** The batch holds BATCH_SIZE records. */
const WALK_FULL = 0;
/** No more records: the range or the directory ended (past the declared count, at its declared end or at a signature that is not a record's). */
const WALK_DONE = 1;
/** The buffer ends before the record's fixed part. */
const WALK_SHORT = 2;
/** The buffer holds the record's fixed part but not all of what follows it. */
const WALK_PART_READ = 3;
/** A signature that is not a central record's, before the declared count is reached. */
const WALK_BAD_SIGNATURE = 4;

/**
 * Makes the records that lie whole in `buf` (which starts at offset `bufStart`) into the walk's
 * batch, and says why it stopped; reading more, yielding batches and the errors are the
 * caller's. (The loop every record runs through, without those rarer steps: V8 optimized the
 * generator that held them all five times over a walk, each time a branch it had not met before
 * was taken; this loop is compiled up to five times too, in extract and test, but at some 20 ms
 * where the generator took 40–70.)
 */
function walkRecords<T>(walk: RecordWalk<T>, buf: Buffer, bufStart: number): number {
  const { make, declared, declaredEnd, rangeEnd, offsetAdjustment } = walk;
  let { batch } = walk;
  const headerSize = CENTRAL_DIRECTORY_HEADER.size;
  const bufEnd = bufStart + buf.length;
  let { position, index } = walk;
  /** Each record's fields, decoded into the same object (`make` reads them before the next record). */
  let values: CentralValues | undefined;
  let stop = WALK_DONE;
  let want = 0;
  for (;;) {
    if (index >= rangeEnd) break;
    // A 16-bit count wraps past 65,535 entries: records past it are read to the directory's
    // declared end (see records). (Both compared every time: a comparison first met at the
    // directory's end would cost the compiled loop there.)
    const headerEnd = position + headerSize;
    const beyondCount = index >= declared;
    const pastDeclaredEnd = headerEnd > declaredEnd;
    if (beyondCount && pastDeclaredEnd) break;
    if (headerEnd > bufEnd) {
      want = headerSize;
      stop = WALK_SHORT;
      break;
    }
    const at = position - bufStart;
    if (buf.readUInt32LE(at) !== SIGNATURE.CENTRAL_DIRECTORY_HEADER) {
      if (!beyondCount) stop = WALK_BAD_SIGNATURE;
      break;
    }
    values = values === undefined ? CENTRAL_DIRECTORY_HEADER.decode(buf, at) : CENTRAL_DIRECTORY_HEADER.decodeInto(buf, at, values);
    const length = headerSize + values.fileNameLength + values.extraFieldLength + values.fileCommentLength;
    if (position + length > bufEnd) {
      want = length;
      stop = WALK_PART_READ;
      break;
    }
    const made = make(buf, at, values, index, position, offsetAdjustment);
    // (A batch's array is made with its first record, as SpanBatcher's with its first task.)
    if (batch.length === 0) walk.batch = batch = [made];
    else batch.push(made);
    position += length;
    index++;
    if (batch.length === BATCH_SIZE) {
      stop = WALK_FULL;
      break;
    }
  }
  // (Stored here, each time: a store first met in a rarer branch threw V8's code away.)
  walk.position = position;
  walk.index = index;
  walk.want = want;
  return stop;
}

// Entries written by one tool carry the same extra fields in the same order: their id lists
// are shared (frozen) instead of one array per entry, which a million entries would feel.
const scratchIds: number[] = [];
let lastIds: readonly number[] = NO_EXTRA_IDS;

function internIds(ids: readonly number[]): readonly number[] {
  let same = ids.length === lastIds.length;
  for (let i = 0; same && i < ids.length; i++) same = ids[i] === lastIds[i];
  if (!same) lastIds = Object.freeze(ids.slice());
  return lastIds;
}

// Entries written together share their times; converting DOS local time is the costliest step
// of a record, so the last conversion is kept (and its Date shared: entries are read-only data).
let lastDosKey = -1;
let lastDosDate = new Date(0);

// (NaN is never equal to the seconds asked for: -1, 1969-12-31 23:59:59, can be.)
let lastUnixSeconds = Number.NaN;
let lastUnixDate = new Date(0);

function unixDate(seconds: number): Date {
  if (seconds !== lastUnixSeconds) {
    lastUnixDate = new Date(seconds * 1000);
    lastUnixSeconds = seconds;
  }
  return lastUnixDate;
}

function dosDate(date: number, time: number): Date {
  const key = date * 0x10000 + time;
  if (key !== lastDosKey) {
    lastDosDate = dosDateTimeToDate(date, time);
    lastDosKey = key;
  }
  return lastDosDate;
}

/**
 * One central record's span. A record with ZIP64 markers is decoded whole (the rare case), so
 * that its values and its errors are exactly those of centralEntry.
 */
function centralSpan(buf: Buffer, at: number, values: CentralValues, index: number, position: number, offsetAdjustment: number): EntrySpan {
  const { compressedSize, uncompressedSize, relativeOffsetOfLocalHeader } = values;
  if (compressedSize === ZIP64_MARKER_32 || uncompressedSize === ZIP64_MARKER_32 || relativeOffsetOfLocalHeader === ZIP64_MARKER_32 || values.diskNumberStart === ZIP64_MARKER_16) {
    const entry = centralEntry(buf, at, values, index, position, offsetAdjustment);
    const span = { localHeaderOffset: entry.localHeaderOffset, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, centralHeaderOffset: position, folderName: folderNamed(buf, at, values) };
    return entry.damage === undefined ? span : { ...span, damage: entry.damage };
  }
  return { localHeaderOffset: relativeOffsetOfLocalHeader + offsetAdjustment, compressedSize, uncompressedSize, centralHeaderOffset: position, folderName: folderNamed(buf, at, values) };
}

/** Whether the record's stored name ends with "/" (the same byte in UTF-8 and CP437). */
function folderNamed(buf: Buffer, at: number, values: CentralValues): boolean {
  return values.fileNameLength > 0 && buf[at + CENTRAL_DIRECTORY_HEADER.size + values.fileNameLength - 1] === 0x2f;
}

/**
 * Spans with their path keys (and their folders' keys to `folders`). Most names are their own
 * path in printable ASCII and are keyed from their bytes; any other name (or one a Unicode path
 * extra field may replace), and every name when paths are folded or written under Windows'
 * rules (`rules`), is decoded as centralEntry decodes it.
 */
function keyedSpans(folders: FolderKeySink | undefined, fold: PathFold | undefined, rules: NameRules, entryOf: RecordMaker<ZipEntry>): RecordMaker<EntrySpan> {
  return (buf, at, values, index, position, offsetAdjustment) => {
    const span = centralSpan(buf, at, values, index, position, offsetAdjustment);
    const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
    const nameEnd = nameStart + values.fileNameLength;
    let pathKey =
      fold !== undefined || rules === 'windows' || hasExtraField(buf, nameEnd, nameEnd + values.extraFieldLength, EXTRA_ID.INFOZIP_UNICODE_PATH) ? undefined : plainNamePathKey(buf, nameStart, nameEnd, folders);
    pathKey ??= namePathKey(entryOf(buf, at, values, index, position, offsetAdjustment).name, folders, fold, rules);
    const keyed = { localHeaderOffset: span.localHeaderOffset, compressedSize: span.compressedSize, uncompressedSize: span.uncompressedSize, centralHeaderOffset: position, folderName: span.folderName, pathKey };
    return span.damage === undefined ? keyed : { ...keyed, damage: span.damage };
  };
}

/**
 * Where the data of the extra field at `p` ends (4.5.1: header id, data size, data), or -1 when
 * no field is there: fewer than 4 bytes left, or a field that runs past `end`, which is padding
 * or damage (zipalign pads with zeros) and ends the walk without failing the entry. Every walk
 * over a record's extra fields steps by this, so they all see the same fields.
 */
function extraFieldEnd(buf: Buffer, p: number, end: number): number {
  if (p + 4 > end) return -1;
  const dataEnd = p + 4 + (buf[p + 2]! | (buf[p + 3]! << 8));
  return dataEnd > end ? -1 : dataEnd;
}

/** Whether the extra fields from `start` to `end` hold one with this header id. */
function hasExtraField(buf: Buffer, start: number, end: number, id: number): boolean {
  for (let p = start, dataEnd; (dataEnd = extraFieldEnd(buf, p, end)) !== -1; p = dataEnd) {
    if ((buf[p]! | (buf[p + 1]! << 8)) === id) return true;
  }
  return false;
}

/**
 * Whether a central record's fixed fields and name bytes say all of its entry that a reader
 * skipping the entry needs: no ZIP64 marker, a name of printable ASCII (so UTF-8 and CP437 read
 * it alike, and it is the name's text byte for byte), and no extra fields but Info-ZIP's extended
 * timestamp and Unix ids (nothing that renames the entry or changes its sizes or method).
 */
export function isPlainRecord(buf: Buffer, at: number, values: CentralValues): boolean {
  if (values.compressedSize === ZIP64_MARKER_32 || values.uncompressedSize === ZIP64_MARKER_32 || values.relativeOffsetOfLocalHeader === ZIP64_MARKER_32 || values.diskNumberStart === ZIP64_MARKER_16) return false;
  const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
  const nameEnd = nameStart + values.fileNameLength;
  if (nameEnd === nameStart) return false;
  for (let i = nameStart; i < nameEnd; i++) if (buf[i]! < 0x20 || buf[i]! > 0x7e) return false;
  const extraEnd = nameEnd + values.extraFieldLength;
  for (let p = nameEnd, dataEnd; (dataEnd = extraFieldEnd(buf, p, extraEnd)) !== -1; p = dataEnd) {
    const id = buf[p]! | (buf[p + 1]! << 8);
    if (id !== EXTRA_ID.EXTENDED_TIMESTAMP && id !== EXTRA_ID.INFOZIP_UNIX_NEW) return false;
  }
  return true;
}

/**
 * The time of a plain record (isPlainRecord: the caller has asked), for a reader that skips
 * making the entry (`zipdesk list`): the extended timestamp's modification time in Unix seconds,
 * as centralEntry takes it (the last such field's that the DOS time does not contradict:
 * extendedTimestampSeconds), or undefined when there is none, and the DOS date and time stand
 * (the entry's modifiedFrom would be 'dos').
 */
export function plainRecordUnixTime(buf: Buffer, at: number, values: CentralValues): number | undefined {
  const nameEnd = at + CENTRAL_DIRECTORY_HEADER.size + values.fileNameLength;
  const extraEnd = nameEnd + values.extraFieldLength;
  let modTime: number | undefined;
  for (let p = nameEnd, dataEnd; (dataEnd = extraFieldEnd(buf, p, extraEnd)) !== -1; p = dataEnd) {
    if ((buf[p]! | (buf[p + 1]! << 8)) !== EXTRA_ID.EXTENDED_TIMESTAMP) continue;
    const value = EXTRA_EXTENDED_TIMESTAMP.numberOf('modTime', buf, p + 4, dataEnd, CENTRAL_CONTEXT);
    if (value !== undefined) modTime = extendedTimestampSeconds(value, values.lastModFileDate, values.lastModFileTime) ?? modTime;
  }
  return modTime;
}

/**
 * A record's EntryFields: a plain record's from its fixed fields and name bytes (the values
 * centralEntry would give them), any other's from its whole entry (which also throws the same).
 */
function recordFields(buf: Buffer, at: number, values: CentralValues, index: number, position: number, offsetAdjustment: number, entryOf: RecordMaker<ZipEntry> = centralEntry): EntryFields {
  if (!isPlainRecord(buf, at, values)) return entryOf(buf, at, values, index, position, offsetAdjustment);
  const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
  const flags = values.generalPurposeBitFlag;
  return {
    index,
    name: buf.toString('latin1', nameStart, nameStart + values.fileNameLength),
    generalPurposeBitFlag: flags,
    compressionMethod: values.compressionMethod,
    crc32: values.crc32,
    compressedSize: values.compressedSize,
    uncompressedSize: values.uncompressedSize,
    localHeaderOffset: values.relativeOffsetOfLocalHeader + offsetAdjustment,
    encrypted: isEncryptedFlag(flags),
    hasDataDescriptor: (flags & BITFLAG_DATA_DESCRIPTOR) !== 0,
  };
}

/** A folder: its name ends in "/", or its Unix mode (made on Unix) or DOS attributes say so. */
export function isDirectoryRecord(nameEndsInSlash: boolean, versionMadeBy: number, externalFileAttributes: number, holdsData: boolean): boolean {
  if (nameEndsInSlash) return true;
  // Attributes that say folder on a name without the slash: a folder when empty (some writers
  // drop the slash), but an entry with data is a file whose attributes are wrong; taking it for
  // a folder would drop its data without a word (unzip and Python's zipfile go by the slash).
  if (holdsData) return false;
  const unixMode = recordUnixMode(versionMadeBy, externalFileAttributes);
  return unixMode !== undefined ? (unixMode & S_IFMT) === S_IFDIR : (externalFileAttributes & DOS_ATTR_DIRECTORY) !== 0;
}

function recordUnixMode(versionMadeBy: number, externalFileAttributes: number): number | undefined {
  const host = versionMadeBy >>> 8;
  return (host === HOST_UNIX || host === HOST_OSX) && externalFileAttributes >>> 16 !== 0 ? externalFileAttributes >>> 16 : undefined;
}

/** Bit 0 (traditional or AES) or bit 6 (strong encryption). */
export function isEncryptedFlag(generalPurposeBitFlag: number): boolean {
  return (generalPurposeBitFlag & (BITFLAG_ENCRYPTED | BITFLAG_STRONG_ENCRYPTION)) !== 0;
}

/** One central record (already bounds-checked) as a ZipEntry. */
const NO_ZIP64_COMPRESSED_SIZE = 'central record has compressed size 0xffffffff but no ZIP64 extra field value for it';
const NO_ZIP64_OFFSET = 'central record has local header offset 0xffffffff but no ZIP64 extra field value for it';
/** The values those messages are made of: none, in one object for all. */
const NO_VALUES: Readonly<Record<string, never>> = Object.freeze({});

function centralEntry(buf: Buffer, at: number, values: CentralValues, index: number, position: number, offsetAdjustment: number, codePage?: CodePage): ZipEntry {
  const flags = values.generalPurposeBitFlag;
  const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
  const nameEnd = nameStart + values.fileNameLength;
  const extraEnd = nameEnd + values.extraFieldLength;
  const commentEnd = extraEnd + values.fileCommentLength;
  let compressedSize = values.compressedSize;
  let uncompressedSize = values.uncompressedSize;
  let relativeOffset = values.relativeOffsetOfLocalHeader;
  let diskNumberStart = values.diskNumberStart;
  let name: string | undefined;
  let nameEncoding: NameEncoding = (flags & BITFLAG_UTF8) !== 0 ? 'utf8' : 'cp437';
  let headerNameCrc32: number | undefined;
  let comment: string | undefined;
  let modified: Date | undefined;
  let modifiedFrom: ZipEntry['modifiedFrom'] = 'dos';
  /** The modification time of an older Unix field (Info-ZIP's "UX", PKWARE's), in Unix seconds: taken when neither of the above gives one. */
  let unixFieldTime: number | undefined;
  let zip64 = false;
  let aes: AesFields | undefined;
  let extraFieldIds = NO_EXTRA_IDS;
  const needCompressed = compressedSize === ZIP64_MARKER_32;
  const needUncompressed = uncompressedSize === ZIP64_MARKER_32;
  const needOffset = relativeOffset === ZIP64_MARKER_32;
  const needDisk = diskNumberStart === ZIP64_MARKER_16;

  if (extraEnd > nameEnd) {
    const ids = scratchIds;
    ids.length = 0;
    for (let p = nameEnd, dataEnd; (dataEnd = extraFieldEnd(buf, p, extraEnd)) !== -1; p = dataEnd) {
      const id = buf[p]! | (buf[p + 1]! << 8);
      const dataStart = p + 4;
      ids.push(id);
      switch (id) {
        case EXTRA_ID.ZIP64:
          if ((needCompressed || needUncompressed || needOffset || needDisk) && !zip64) {
            const context: ExtraContext = { local: false, zip64: { uncompressedSize: needUncompressed, compressedSize: needCompressed, relativeOffsetOfLocalHeader: needOffset, diskNumberStart: needDisk } };
            const found = EXTRA_ZIP64.decode(buf, dataStart, dataEnd, context).values;
            if (needUncompressed && typeof found['originalSize'] === 'number') uncompressedSize = found['originalSize'];
            if (needCompressed && typeof found['compressedSize'] === 'number') compressedSize = found['compressedSize'];
            if (needOffset && typeof found['relativeHeaderOffset'] === 'number') relativeOffset = found['relativeHeaderOffset'];
            if (needDisk && typeof found['diskStartNumber'] === 'number') diskNumberStart = found['diskStartNumber'];
            zip64 = true;
          }
          break;
        case EXTRA_ID.EXTENDED_TIMESTAMP: {
          const value = EXTRA_EXTENDED_TIMESTAMP.numberOf('modTime', buf, dataStart, dataEnd, CENTRAL_CONTEXT);
          const modTime = value === undefined ? undefined : extendedTimestampSeconds(value, values.lastModFileDate, values.lastModFileTime);
          if (modTime !== undefined) {
            modified = unixDate(modTime);
            modifiedFrom = 'extended-timestamp';
          }
          break;
        }
        case EXTRA_ID.NTFS:
          if (modified === undefined) {
            const mtime = ntfsModificationTime(buf, dataStart, dataEnd);
            // (A time past the year 9998, which a date text may not hold in every time zone, is taken for damage: the DOS time stands.)
            if (mtime !== undefined && mtime > 0 && mtime <= MAX_FILETIME) {
              modified = filetimeToDate(mtime);
              modifiedFrom = 'ntfs';
            }
          }
          break;
        case EXTRA_ID.INFOZIP_UNIX_OLD:
        case EXTRA_ID.PKWARE_UNIX:
          // macOS's Archive Utility writes "UX" with a DOS time in the Mac's local time; unzip,
          // 7-Zip, bsdtar and Go take the field's (PKWARE's: unzip and 7-Zip). Read as the
          // extended timestamp is (the same 4-byte Unix seconds, Info-ZIP's code reads both).
          if (unixFieldTime === undefined) {
            const value = id === EXTRA_ID.INFOZIP_UNIX_OLD ? EXTRA_INFOZIP_UNIX_OLD.numberOf('modTime', buf, dataStart, dataEnd, CENTRAL_CONTEXT) : EXTRA_PKWARE_UNIX.numberOf('mtime', buf, dataStart, dataEnd, CENTRAL_CONTEXT);
            if (value !== undefined) unixFieldTime = extendedTimestampSeconds(value, values.lastModFileDate, values.lastModFileTime);
          }
          break;
        case EXTRA_ID.INFOZIP_UNICODE_PATH:
          // Whatever bit 11 says: its CRC ties it to these exact header bytes (yauzl reads it so too).
          if (name === undefined) {
            const v = EXTRA_INFOZIP_UNICODE_PATH.decode(buf, dataStart, dataEnd, CENTRAL_CONTEXT).values;
            name = unicodeExtraText(v['version'], v['nameCrc32'], v['unicodeName'], buf.subarray(nameStart, nameEnd));
            if (name !== undefined) {
              nameEncoding = 'unicode-path-extra';
              headerNameCrc32 = v['nameCrc32'] as number;
            }
          }
          break;
        case EXTRA_ID.WINZIP_AES:
          // The method the data was compressed with inside the encryption (WinZip's AE-x spec):
          // the entry's real one, which listings show (as 7-Zip does) instead of the 99 that
          // only says AES. Read for method 99 alone, and only from a whole field.
          if (aes === undefined && values.compressionMethod === METHOD_AES) {
            const v = EXTRA_WINZIP_AES.decode(buf, dataStart, dataEnd, CENTRAL_CONTEXT).values;
            const strength = v['aesStrength'];
            const method = v['compressionMethod'];
            if (typeof strength === 'number' && typeof method === 'number') aes = { strength, compressionMethod: method };
          }
          break;
        case EXTRA_ID.INFOZIP_UNICODE_COMMENT:
          if (comment === undefined && values.fileCommentLength > 0) {
            const v = EXTRA_INFOZIP_UNICODE_COMMENT.decode(buf, dataStart, dataEnd, CENTRAL_CONTEXT).values;
            comment = unicodeExtraText(v['version'], v['commentCrc32'], v['unicodeComment'], buf.subarray(extraEnd, commentEnd));
          }
          break;
      }
    }
  }
  if (extraEnd > nameEnd) extraFieldIds = internIds(scratchIds);
  if (modified === undefined && unixFieldTime !== undefined) {
    modified = unixDate(unixFieldTime);
    modifiedFrom = 'unix-field';
  }
  if (name === undefined && codePage !== undefined) {
    name = codePageText(buf, nameStart, nameEnd, flags, codePage);
    if (name !== undefined) {
      nameEncoding = 'code-page';
      // The local header's name bytes are the same; read by the usual rules (entry-data.ts), their text would not be.
      headerNameCrc32 = nameCrc32(buf, nameStart, nameEnd);
    }
  }
  if (name === undefined) {
    name = decodeHeaderText(buf, nameStart, nameEnd, flags);
    // Unflagged bytes read as CP437 give a character each; read as UTF-8 (names.ts), fewer. Bytes
    // flagged UTF-8 that are not are read as CP437: a character each, some not ASCII.
    if (nameEncoding === 'cp437' && name.length < values.fileNameLength) nameEncoding = 'utf8-unflagged';
    else if (nameEncoding === 'utf8' && name.length === values.fileNameLength && !isAscii(name)) nameEncoding = 'cp437';
  }
  comment ??= values.fileCommentLength === 0 ? '' : (codePageText(buf, extraEnd, commentEnd, flags, codePage) ?? decodeHeaderText(buf, extraEnd, commentEnd, flags));

  // 4.5.3. An uncompressed size of exactly 0xFFFFFFFF without ZIP64 is accepted, as Go does:
  // old writers split inputs into chunks of the largest size they could record (42.zip).
  // Without the value, where its data lies is unknown: the entry is damaged, the others are not.
  let damage: ZipError | undefined;
  if ((needCompressed && compressedSize === ZIP64_MARKER_32) || (needOffset && relativeOffset === ZIP64_MARKER_32)) {
    // Without a stack, and with one of two messages (the record's offset goes with the error,
    // not in its text): an archive may hold hundreds of thousands of such records, and a stack
    // and a message apiece were most of the time and memory of testing 400,000 of them.
    const noCompressedSize = needCompressed && compressedSize === ZIP64_MARKER_32;
    damage = stacklessZipError('BAD_ZIP64', noCompressedSize ? NO_ZIP64_COMPRESSED_SIZE : NO_ZIP64_OFFSET, { entry: name, offset: position, kind: noCompressedSize ? 'NO_ZIP64_COMPRESSED_SIZE' : 'NO_ZIP64_OFFSET', params: NO_VALUES });
  }

  const external = values.externalFileAttributes;
  const unixMode = recordUnixMode(values.versionMadeBy, external);
  const fileType = unixMode === undefined ? 0 : unixMode & S_IFMT;
  const isDirectory = isDirectoryRecord(name.charCodeAt(name.length - 1) === 0x2f, values.versionMadeBy, external, values.uncompressedSize !== 0 || values.compressedSize !== 0);

  return {
    index,
    name,
    nameEncoding,
    headerNameCrc32,
    comment,
    versionMadeBy: values.versionMadeBy,
    versionNeededToExtract: values.versionNeededToExtract,
    generalPurposeBitFlag: flags,
    compressionMethod: values.compressionMethod,
    crc32: values.crc32,
    compressedSize,
    uncompressedSize,
    localHeaderOffset: relativeOffset + offsetAdjustment,
    centralHeaderOffset: position,
    diskNumberStart,
    internalFileAttributes: values.internalFileAttributes,
    externalFileAttributes: external,
    lastModFileDate: values.lastModFileDate,
    lastModFileTime: values.lastModFileTime,
    modified: modified ?? dosDate(values.lastModFileDate, values.lastModFileTime),
    modifiedFrom,
    unixMode,
    isDirectory,
    isSymlink: fileType === S_IFLNK,
    encrypted: isEncryptedFlag(flags),
    aes,
    hasDataDescriptor: (flags & BITFLAG_DATA_DESCRIPTOR) !== 0,
    zip64,
    extraFieldIds,
    damage,
  };
}

// ---------------------------------------------------------------------------------------------
// Overlap zip bombs

/** An entry whose bytes run into the next entry's local header, or into the central directory. */
export interface EntryOverlap {
  /** The entry whose range runs over. */
  readonly index: number;
  /** The entry it runs into, or -1 for the central directory. */
  readonly other: number;
  readonly message: string;
}

/**
 * Where each entry's bytes lie, in central directory order, 8 bytes an entry in an archive under
 * 4 GiB (OffsetColumn), for EntryRanges.overlaps: a million entries' ranges without a million entries.
 */
export class EntryRanges {
  private readonly starts: OffsetColumn;
  /** Where the start is for a damaged record (ZipEntry.damage), which says nothing of where its data is: no entry's range is empty. */
  private readonly ends: OffsetColumn;

  /** `expected`: how many entries the archive declares (room for at most a million is made before they come). */
  constructor(expected = 0) {
    this.starts = new OffsetColumn(expected);
    this.ends = new OffsetColumn(expected);
  }

  /**
   * The next entry's range: at least its 30-byte local header and its compressed data, and
   * `localRoom`, the length of its local name and extra field, when the caller read them (else
   * they are not counted, so that nothing is read).
   */
  add(entry: Pick<ZipEntry, 'localHeaderOffset' | 'compressedSize' | 'damage'>, localRoom = 0): void {
    const i = this.starts.length;
    if (entry.damage === undefined) {
      this.starts.push(entry.localHeaderOffset);
      this.ends.push(entry.localHeaderOffset + LOCAL_FILE_HEADER.size + localRoom + entry.compressedSize);
      return;
    }
    // A damaged record takes the place of the entry before it, so the order is kept.
    const start = i > 0 ? this.starts.at(i - 1) : 0;
    this.starts.push(start);
    this.ends.push(start);
  }

  /**
   * Hears each entry (`index`) whose bytes run into the next entry's local header (`other`), or
   * into the central directory (`other` -1), in the order of the entries' data (David Fifield's
   * overlapping zip bombs, and the simpler kind where many records name one local header).
   * Archives written in order need no sort.
   */
  overlaps(info: ZipArchiveInfo, found: (index: number, other: number) => void): void {
    const n = this.starts.length;
    const starts = this.starts.values;
    const ends = this.ends.values;
    let order: Uint32Array | undefined;
    for (let i = 1; i < n; i++) {
      if (starts[i]! < starts[i - 1]!) {
        order = sortedIndexes(n, (a, b) => starts[a]! - starts[b]!);
        break;
      }
    }
    const directoryStart = info.centralDirectoryOffset;
    const directoryEnd = directoryStart + info.centralDirectorySize;
    let furthest = -1; // the entry whose range reaches furthest so far
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      if (ends[i] === starts[i]) continue; // a damaged record
      if (furthest >= 0 && starts[i]! < ends[furthest]!) found(furthest, i);
      if (starts[i]! < directoryEnd && ends[i]! > directoryStart) found(i, -1);
      if (furthest < 0 || ends[i]! > ends[furthest]!) furthest = i;
    }
  }

  /** Where the bytes of an overlap that `overlaps` heard lie: enough to describe it once the ranges are let go. */
  bytesOf(index: number, other: number): OverlapBytes {
    return { index, other, start: this.starts.at(index), end: this.ends.at(index), otherStart: other >= 0 ? this.starts.at(other) : -1 };
  }
}

/** An overlap (EntryRanges.overlaps): the entry, its bytes, and the entry it runs into (`other`, at `otherStart`) or -1 for the central directory. */
export interface OverlapBytes {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly other: number;
  readonly otherStart: number;
}

/** What an overlap is, given the names of its entries (`otherName` null for the directory). */
export function overlapMessage(info: ZipArchiveInfo, overlap: OverlapBytes, name: string, otherName: string | null): string {
  const bytes = `${name} (bytes ${overlap.start}–${overlap.end})`;
  if (overlap.other >= 0) return `${bytes} overlaps ${otherName} (local header at offset ${overlap.otherStart})`;
  return `${bytes} overlaps the central directory (bytes ${info.centralDirectoryOffset}–${info.centralDirectoryOffset + info.centralDirectorySize})`;
}

/** The values overlapMessage is made of, but the names: the entry's bytes, and where the other's local header starts or the directory's bytes. */
export function overlapParams(info: ZipArchiveInfo, overlap: OverlapBytes): Record<string, number> {
  if (overlap.other >= 0) return { start: overlap.start, end: overlap.end, otherStart: overlap.otherStart };
  return { start: overlap.start, end: overlap.end, directoryStart: info.centralDirectoryOffset, directoryEnd: info.centralDirectoryOffset + info.centralDirectorySize };
}

/** Entries whose byte ranges overlap each other or the central directory (EntryRanges.overlaps). */
export function findOverlaps(entries: readonly ZipEntry[], info: ZipArchiveInfo): EntryOverlap[] {
  const ranges = new EntryRanges();
  for (const entry of entries) ranges.add(entry);
  const overlaps: EntryOverlap[] = [];
  ranges.overlaps(info, (index, other) => {
    overlaps.push({ index, other, message: overlapMessage(info, ranges.bytesOf(index, other), entries[index]!.name, other >= 0 ? entries[other]!.name : null) });
  });
  return overlaps;
}

/** Rejects with OVERLAPPING_ENTRIES naming the first overlap, if there is one. */
export function assertNoOverlaps(entries: readonly ZipEntry[], info: ZipArchiveInfo): void {
  const overlaps = findOverlaps(entries, info);
  if (overlaps.length > 0) {
    const first = overlaps[0]!;
    throw new ZipError('OVERLAPPING_ENTRIES', `${first.message}${overlaps.length > 1 ? ` (and ${overlaps.length - 1} more overlaps)` : ''}`, { entry: entries[first.index]!.name, offset: entries[first.index]!.localHeaderOffset });
  }
}
