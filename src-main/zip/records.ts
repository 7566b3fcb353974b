// The ZIP records, declared once from PKWARE's APPNOTE.TXT (6.3.10), in spec order with spec
// names. The reader, the writer and the inspector all use these tables; nothing else in the
// project knows a field's offset or width.

import { ZIP64_MARKER_32 } from './constants.js';
import { ExtraFieldLayout, RecordLayout, type ExtraContext } from './layout.js';

export const SIGNATURE = {
  LOCAL_FILE_HEADER: 0x04034b50,
  CENTRAL_DIRECTORY_HEADER: 0x02014b50,
  END_OF_CENTRAL_DIRECTORY: 0x06054b50,
  ZIP64_END_OF_CENTRAL_DIRECTORY: 0x06064b50,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR: 0x07064b50,
  DATA_DESCRIPTOR: 0x08074b50,
  DIGITAL_SIGNATURE: 0x05054b50,
} as const;

/** 4.3.7 */
export const LOCAL_FILE_HEADER = new RecordLayout(
  'local file header',
  '4.3.7',
  SIGNATURE.LOCAL_FILE_HEADER,
  [
    { name: 'signature', width: 4 }, //               0
    { name: 'versionNeededToExtract', width: 2 }, //  4
    { name: 'generalPurposeBitFlag', width: 2 }, //   6
    { name: 'compressionMethod', width: 2 }, //       8
    { name: 'lastModFileTime', width: 2 }, //        10
    { name: 'lastModFileDate', width: 2 }, //        12
    { name: 'crc32', width: 4 }, //                  14
    { name: 'compressedSize', width: 4 }, //         18
    { name: 'uncompressedSize', width: 4 }, //       22
    { name: 'fileNameLength', width: 2 }, //         26
    { name: 'extraFieldLength', width: 2 }, //       28
  ],
  [
    { name: 'fileName', lengthField: 'fileNameLength' }, //   30
    { name: 'extraField', lengthField: 'extraFieldLength' },
  ],
);

/** 4.3.12 */
export const CENTRAL_DIRECTORY_HEADER = new RecordLayout(
  'central directory file header',
  '4.3.12',
  SIGNATURE.CENTRAL_DIRECTORY_HEADER,
  [
    { name: 'signature', width: 4 }, //                       0
    { name: 'versionMadeBy', width: 2 }, //                   4
    { name: 'versionNeededToExtract', width: 2 }, //          6
    { name: 'generalPurposeBitFlag', width: 2 }, //           8
    { name: 'compressionMethod', width: 2 }, //              10
    { name: 'lastModFileTime', width: 2 }, //                12
    { name: 'lastModFileDate', width: 2 }, //                14
    { name: 'crc32', width: 4 }, //                          16
    { name: 'compressedSize', width: 4 }, //                 20
    { name: 'uncompressedSize', width: 4 }, //               24
    { name: 'fileNameLength', width: 2 }, //                 28
    { name: 'extraFieldLength', width: 2 }, //               30
    { name: 'fileCommentLength', width: 2 }, //              32
    { name: 'diskNumberStart', width: 2 }, //                34
    { name: 'internalFileAttributes', width: 2 }, //         36
    { name: 'externalFileAttributes', width: 4 }, //         38
    { name: 'relativeOffsetOfLocalHeader', width: 4 }, //    42
  ],
  [
    { name: 'fileName', lengthField: 'fileNameLength' }, //  46
    { name: 'extraField', lengthField: 'extraFieldLength' },
    { name: 'fileComment', lengthField: 'fileCommentLength' },
  ],
);

/** 4.3.13: the last record of a signed central directory, within its size ("size of data": a tail's length field ends in Length). */
export const DIGITAL_SIGNATURE = new RecordLayout(
  'digital signature',
  '4.3.13',
  SIGNATURE.DIGITAL_SIGNATURE,
  [
    { name: 'signature', width: 4 }, //                                      0
    { name: 'signatureDataLength', width: 2 }, //                            4
  ],
  [{ name: 'signatureData', lengthField: 'signatureDataLength' }], //        6
);

/** 4.3.16 */
export const END_OF_CENTRAL_DIRECTORY = new RecordLayout(
  'end of central directory record',
  '4.3.16',
  SIGNATURE.END_OF_CENTRAL_DIRECTORY,
  [
    { name: 'signature', width: 4 }, //                                      0
    { name: 'numberOfThisDisk', width: 2 }, //                               4
    { name: 'diskWhereCentralDirectoryStarts', width: 2 }, //                6
    { name: 'numberOfCentralDirectoryRecordsOnThisDisk', width: 2 }, //      8
    { name: 'totalNumberOfCentralDirectoryRecords', width: 2 }, //          10
    { name: 'sizeOfCentralDirectory', width: 4 }, //                        12
    { name: 'offsetOfStartOfCentralDirectory', width: 4 }, //               16
    { name: 'commentLength', width: 2 }, //                                 20
  ],
  [{ name: 'comment', lengthField: 'commentLength' }], //                    22
);

/** 4.3.14. `sizeOfZip64EndOfCentralDirectoryRecord` counts what follows it (the record less 12). */
export const ZIP64_END_OF_CENTRAL_DIRECTORY = new RecordLayout(
  'zip64 end of central directory record',
  '4.3.14',
  SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY,
  [
    { name: 'signature', width: 4 }, //                                      0
    { name: 'sizeOfZip64EndOfCentralDirectoryRecord', width: 8 }, //         4
    { name: 'versionMadeBy', width: 2 }, //                                 12
    { name: 'versionNeededToExtract', width: 2 }, //                        14
    { name: 'numberOfThisDisk', width: 4 }, //                              16
    { name: 'diskWhereCentralDirectoryStarts', width: 4 }, //               20
    { name: 'numberOfCentralDirectoryRecordsOnThisDisk', width: 8 }, //     24
    { name: 'totalNumberOfCentralDirectoryRecords', width: 8 }, //          32
    { name: 'sizeOfCentralDirectory', width: 8 }, //                        40
    { name: 'offsetOfStartOfCentralDirectory', width: 8 }, //               48
  ], //                                                                     56: zip64 extensible data sector
);

/** 4.3.15 */
export const ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR = new RecordLayout(
  'zip64 end of central directory locator',
  '4.3.15',
  SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
  [
    { name: 'signature', width: 4 }, //                                      0
    { name: 'diskWithZip64EndOfCentralDirectory', width: 4 }, //             4
    { name: 'relativeOffsetOfZip64EndOfCentralDirectory', width: 8 }, //     8
    { name: 'totalNumberOfDisks', width: 4 }, //                            16
  ],
);

/** 4.3.9, with the optional signature that most writers put first (4.3.9.3). */
export const DATA_DESCRIPTOR = new RecordLayout('data descriptor', '4.3.9', SIGNATURE.DATA_DESCRIPTOR, [
  { name: 'signature', width: 4 }, //            0
  { name: 'crc32', width: 4 }, //                4
  { name: 'compressedSize', width: 4 }, //       8
  { name: 'uncompressedSize', width: 4 }, //    12
]);

/** 4.3.9 without the signature (APPNOTE allows both; older writers omit it). */
export const DATA_DESCRIPTOR_UNSIGNED = new RecordLayout('data descriptor (no signature)', '4.3.9', undefined, [
  { name: 'crc32', width: 4 }, //                0
  { name: 'compressedSize', width: 4 }, //       4
  { name: 'uncompressedSize', width: 4 }, //     8
]);

/** 4.3.9.2: with ZIP64 the sizes are 8 bytes each. */
export const DATA_DESCRIPTOR_ZIP64 = new RecordLayout('zip64 data descriptor', '4.3.9', SIGNATURE.DATA_DESCRIPTOR, [
  { name: 'signature', width: 4 }, //            0
  { name: 'crc32', width: 4 }, //                4
  { name: 'compressedSize', width: 8 }, //       8
  { name: 'uncompressedSize', width: 8 }, //    16
]);

/** 4.3.9.2 without the signature. */
export const DATA_DESCRIPTOR_ZIP64_UNSIGNED = new RecordLayout('zip64 data descriptor (no signature)', '4.3.9', undefined, [
  { name: 'crc32', width: 4 }, //                0
  { name: 'compressedSize', width: 8 }, //       4
  { name: 'uncompressedSize', width: 8 }, //    12
]);

// ---------------------------------------------------------------------------------------------
// Extra fields (4.5, 4.6). Each is the data after the 4-byte header id and data size.

export const EXTRA_ID = {
  ZIP64: 0x0001,
  NTFS: 0x000a,
  PKWARE_UNIX: 0x000d,
  EXTENDED_TIMESTAMP: 0x5455,
  INFOZIP_UNIX_OLD: 0x5855,
  INFOZIP_UNIX_2: 0x7855,
  INFOZIP_UNIX_NEW: 0x7875,
  INFOZIP_UNICODE_COMMENT: 0x6375,
  INFOZIP_UNICODE_PATH: 0x7075,
  WINZIP_AES: 0x9901,
} as const;

/**
 * 4.5.3: each value is present only when its header field is 0xFFFFFFFF (0xFFFF for the disk),
 * in this order. A local header carries both sizes whenever it carries one.
 */
export const EXTRA_ZIP64 = new ExtraFieldLayout(EXTRA_ID.ZIP64, 'Zip64 extended information', '4.5.3', [
  { name: 'originalSize', width: 8, when: (_, c) => c.zip64?.uncompressedSize ?? true },
  { name: 'compressedSize', width: 8, when: (_, c) => c.zip64?.compressedSize ?? true },
  { name: 'relativeHeaderOffset', width: 8, when: (_, c) => c.zip64?.relativeOffsetOfLocalHeader ?? !c.local },
  { name: 'diskStartNumber', width: 4, when: (_, c) => c.zip64?.diskNumberStart ?? !c.local },
]);

/**
 * The context to read a local header's ZIP64 field in (localZip64Context): 4.5.3 says it holds
 * both sizes, but some writers put only the one whose header value overflowed (libarchive's
 * test_read_format_zip_zip64b.zip: a compressed size of 0xFFFFFFFF, an uncompressed size of 6,
 * 8 bytes). Fewer than 16 bytes of data hold just the marked ones, in 4.5.3's order.
 */
export function localZip64Context(sizes: { readonly compressedSize: number; readonly uncompressedSize: number }, dataSize: number): ExtraContext {
  if (dataSize >= 16) return { local: true };
  return {
    local: true,
    zip64: { uncompressedSize: sizes.uncompressedSize === ZIP64_MARKER_32, compressedSize: sizes.compressedSize === ZIP64_MARKER_32, relativeOffsetOfLocalHeader: false, diskNumberStart: false },
  };
}

const FLAG_MTIME = 0b001;
const FLAG_ATIME = 0b010;
const FLAG_CTIME = 0b100;

/** 4.6.x / Info-ZIP "UT": Unix seconds. The central copy holds only the modification time. */
export const EXTRA_EXTENDED_TIMESTAMP = new ExtraFieldLayout(EXTRA_ID.EXTENDED_TIMESTAMP, 'extended timestamp', 'Info-ZIP 0x5455', [
  { name: 'flags', width: 1 },
  { name: 'modTime', width: 4, when: (v) => ((v['flags'] as number) & FLAG_MTIME) !== 0 },
  { name: 'acTime', width: 4, when: (v, c) => c.local && ((v['flags'] as number) & FLAG_ATIME) !== 0 },
  { name: 'crTime', width: 4, when: (v, c) => c.local && ((v['flags'] as number) & FLAG_CTIME) !== 0 },
]);

/**
 * Info-ZIP "UX", the old Unix field (replaced by 0x5455 and 0x7855; libarchive still writes it):
 * access and modification times in Unix seconds, then in a local header, optionally, 16-bit uid
 * and gid.
 */
export const EXTRA_INFOZIP_UNIX_OLD = new ExtraFieldLayout(EXTRA_ID.INFOZIP_UNIX_OLD, 'Info-ZIP Unix (old)', 'Info-ZIP 0x5855', [
  { name: 'acTime', width: 4 },
  { name: 'modTime', width: 4 },
  { name: 'uid', width: 2 },
  { name: 'gid', width: 2 },
]);

/** Info-ZIP "ux": variable-width uid and gid. */
export const EXTRA_INFOZIP_UNIX_NEW = new ExtraFieldLayout(EXTRA_ID.INFOZIP_UNIX_NEW, 'Info-ZIP Unix (new)', 'Info-ZIP 0x7875', [
  { name: 'version', width: 1 },
  { name: 'uidSize', width: 1 },
  { name: 'uid', widthField: 'uidSize' },
  { name: 'gidSize', width: 1 },
  { name: 'gid', widthField: 'gidSize' },
]);

/** Info-ZIP "Ux": 16-bit uid and gid in the local header, empty in the central one. */
export const EXTRA_INFOZIP_UNIX_2 = new ExtraFieldLayout(EXTRA_ID.INFOZIP_UNIX_2, 'Info-ZIP Unix (type 2)', 'Info-ZIP 0x7855', [
  { name: 'uid', width: 2, when: (_, c) => c.local },
  { name: 'gid', width: 2, when: (_, c) => c.local },
]);

/** 4.6.9: a UTF-8 name that replaces the header's name if its CRC matches that name's bytes. */
export const EXTRA_INFOZIP_UNICODE_PATH = new ExtraFieldLayout(EXTRA_ID.INFOZIP_UNICODE_PATH, 'Info-ZIP Unicode path', '4.6.9', [
  { name: 'version', width: 1 },
  { name: 'nameCrc32', width: 4 },
  { name: 'unicodeName', rest: true },
]);

/** 4.6.8: the same for the file comment. */
export const EXTRA_INFOZIP_UNICODE_COMMENT = new ExtraFieldLayout(EXTRA_ID.INFOZIP_UNICODE_COMMENT, 'Info-ZIP Unicode comment', '4.6.8', [
  { name: 'version', width: 1 },
  { name: 'commentCrc32', width: 4 },
  { name: 'unicodeComment', rest: true },
]);

/** 4.5.5: 4 reserved bytes, then attributes (NTFS_ATTRIBUTE), each a tag, a size and its data, to the field's end. */
export const EXTRA_NTFS = new ExtraFieldLayout(EXTRA_ID.NTFS, 'NTFS', '4.5.5', [{ name: 'reserved', width: 4 }]);

/** Where the NTFS field's first attribute starts in its data. */
export const NTFS_FIRST_ATTRIBUTE = 4;

/** Attribute tag 1, the file times: three FILETIMEs, 24 bytes (4.5.5; 7-Zip skips a shorter one, as we do). */
export const NTFS_TAG_FILE_TIMES = 1;
export const NTFS_FILE_TIMES_SIZE = 24;
const NTFS_FILE_TIMES = (v: Readonly<Record<string, number | Buffer>>): boolean => v['tag'] === NTFS_TAG_FILE_TIMES && (v['tagSize'] as number) >= NTFS_FILE_TIMES_SIZE;

/**
 * 4.5.5: one attribute of the NTFS field. Tag 1 holds three 64-bit FILETIMEs (100 ns since
 * 1601-01-01 UTC); no other tag is defined, and its data is shown as it is.
 */
export const NTFS_ATTRIBUTE = new ExtraFieldLayout(EXTRA_ID.NTFS, 'NTFS attribute', '4.5.5', [
  { name: 'tag', width: 2 },
  { name: 'tagSize', width: 2 },
  { name: 'mtime', width: 8, when: NTFS_FILE_TIMES },
  { name: 'atime', width: 8, when: NTFS_FILE_TIMES },
  { name: 'ctime', width: 8, when: NTFS_FILE_TIMES },
  { name: 'attributeData', rest: true, when: (v) => !NTFS_FILE_TIMES(v) },
]);

const NTFS_CONTEXT: ExtraContext = { local: false };

/**
 * The modification time of the NTFS field whose data is [start, end): from the file-times
 * attribute wherever it lies among the attributes (7-Zip reads it so), undefined without one.
 * An attribute whose size runs past the field ends the walk.
 */
export function ntfsModificationTime(buf: Buffer, start: number, end: number): number | undefined {
  for (let p = start + NTFS_FIRST_ATTRIBUTE; p + 4 <= end; ) {
    const attributeEnd = p + 4 + (buf[p + 2]! | (buf[p + 3]! << 8));
    if (attributeEnd > end) return undefined;
    const mtime = NTFS_ATTRIBUTE.numberOf('mtime', buf, p, attributeEnd, NTFS_CONTEXT);
    if (mtime !== undefined) return mtime;
    p = attributeEnd;
  }
  return undefined;
}

/** 4.5.7: PKWARE Unix. */
export const EXTRA_PKWARE_UNIX = new ExtraFieldLayout(EXTRA_ID.PKWARE_UNIX, 'PKWARE Unix', '4.5.7', [
  { name: 'atime', width: 4 },
  { name: 'mtime', width: 4 },
  { name: 'uid', width: 2 },
  { name: 'gid', width: 2 },
  { name: 'linkData', rest: true },
]);

/** WinZip AES (AE-x), APPNOTE 4.4.5 method 99 / WinZip's spec. */
export const EXTRA_WINZIP_AES = new ExtraFieldLayout(EXTRA_ID.WINZIP_AES, 'WinZip AES encryption', 'WinZip AE-x', [
  { name: 'vendorVersion', width: 2 },
  { name: 'vendorId', width: 2 },
  { name: 'aesStrength', width: 1 },
  { name: 'compressionMethod', width: 2 },
]);

export const EXTRA_FIELD_LAYOUTS: ReadonlyMap<number, ExtraFieldLayout> = new Map(
  [
    EXTRA_ZIP64,
    EXTRA_EXTENDED_TIMESTAMP,
    EXTRA_INFOZIP_UNIX_OLD,
    EXTRA_INFOZIP_UNIX_NEW,
    EXTRA_INFOZIP_UNIX_2,
    EXTRA_INFOZIP_UNICODE_PATH,
    EXTRA_INFOZIP_UNICODE_COMMENT,
    EXTRA_NTFS,
    EXTRA_PKWARE_UNIX,
    EXTRA_WINZIP_AES,
  ].map((layout) => [layout.headerId, layout]),
);
