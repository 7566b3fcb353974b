// Numbers from the APPNOTE that more than one module needs: bit flags, methods, hosts, limits.

/** 4.4.4 general purpose bit flag. */
export const BITFLAG_ENCRYPTED = 0b0000_0000_0000_0001;
export const BITFLAG_DATA_DESCRIPTOR = 0b0000_0000_0000_1000;
/** Bits 1 and 2 of a deflated entry (4.4.4): how hard it was compressed; 0b00 is normal. */
export const BITFLAG_DEFLATE_MAXIMUM = 0b0000_0000_0000_0010;
export const BITFLAG_DEFLATE_FAST = 0b0000_0000_0000_0100;
export const BITFLAG_DEFLATE_SUPER_FAST = 0b0000_0000_0000_0110;
export const BITFLAG_STRONG_ENCRYPTION = 0b0000_0000_0100_0000;
export const BITFLAG_UTF8 = 0b0000_1000_0000_0000;
/** 4.4.4 bit 13: the central directory is encrypted and local header values are masked. */
export const BITFLAG_MASKED_HEADERS = 0b0010_0000_0000_0000;

/** 4.4.5 compression method. */
export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;
/** Zstandard as first numbered, deprecated for method 93 (APPNOTE 4.4.5). */
export const METHOD_ZSTANDARD_OLD = 20;
export const METHOD_AES = 99;

/** 6.1.3: traditional PKWARE encryption puts a 12-byte encryption header before an entry's compressed data, counted in its compressed size. */
export const TRADITIONAL_ENCRYPTION_HEADER_SIZE = 12;

/**
 * WinZip AES (method 99, WinZip's AE-x specification): the key strength its extra field 0x9901
 * stores (1, 2, 3) as the cipher's name, and the bytes the encryption adds to the compressed data
 * (a salt of half the key's length before it, a 2-byte password verifier, a 10-byte
 * authentication code after it). Undefined for a strength the specification does not have.
 */
export const AES_STRENGTHS: Readonly<Record<number, { readonly name: string; readonly overhead: number }>> = {
  1: { name: 'AES-128', overhead: 8 + 2 + 10 },
  2: { name: 'AES-192', overhead: 12 + 2 + 10 },
  3: { name: 'AES-256', overhead: 16 + 2 + 10 },
};

/** An AES entry's cipher by the strength its extra field stores ("AES-256"), or "AES" when that does not say. */
export function aesName(strength: number | undefined): string {
  return (strength === undefined ? undefined : AES_STRENGTHS[strength]?.name) ?? 'AES';
}

export const METHOD_NAMES: Readonly<Record<number, string>> = {
  0: 'Stored',
  1: 'Shrunk',
  2: 'Reduced-1',
  3: 'Reduced-2',
  4: 'Reduced-3',
  5: 'Reduced-4',
  6: 'Imploded',
  8: 'Deflated',
  9: 'Deflate64',
  10: 'PKWARE Implode',
  12: 'BZIP2',
  14: 'LZMA',
  16: 'IBM z/OS CMPSC',
  18: 'IBM TERSE',
  19: 'IBM LZ77',
  20: 'Zstandard (old)',
  93: 'Zstandard',
  94: 'MP3',
  95: 'XZ',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AES',
};

export function methodName(method: number): string {
  return METHOD_NAMES[method] ?? `method ${method}`;
}

/** 4.4.2 version made by, upper byte. */
export const HOST_MSDOS = 0;
export const HOST_UNIX = 3;
export const HOST_NTFS = 10;
export const HOST_OSX = 19;

/** The version we write: 2.0 (deflate, folders) or 4.5 (ZIP64). */
export const VERSION_DEFLATE = 20;
export const VERSION_ZIP64 = 45;

/** MS-DOS attribute bits in the low byte of the external attributes. */
export const DOS_ATTR_READONLY = 0x01;
export const DOS_ATTR_HIDDEN = 0x02;
export const DOS_ATTR_SYSTEM = 0x04;
export const DOS_ATTR_DIRECTORY = 0x10;
export const DOS_ATTR_ARCHIVE = 0x20;

/** Unix st_mode file types (upper 16 bits of the external attributes on host 3). */
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** Values that mean "look in the ZIP64 record / extra field". */
export const ZIP64_MARKER_32 = 0xffff_ffff;
export const ZIP64_MARKER_16 = 0xffff;
