// An entry's bytes: its local header (found through the central record, read, and compared
// with it), then its data, stored or deflated, checked as it streams. Inflating never yields
// more than the declared uncompressed size: one byte more and the stream fails with
// SIZE_MISMATCH, so a lying header cannot turn a small archive into unbounded output. At the
// end the size and CRC-32 are checked against the central record (and against the data
// descriptor when the entry has one, as Go's reader does).
//
// Small entries (the common case in source trees) take one read for local header and data and
// a synchronous inflate; larger ones are read and inflated synchronously a megabyte at a time
// (entryChunks, for extract and test), or stream in 1 MiB reads through zlib's raw inflater.

import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { constants as zlibConstants, crc32, createInflateRaw, deflateRawSync, inflateRawSync, type InflateRaw } from 'node:zlib';
import { BITFLAG_DATA_DESCRIPTOR, BITFLAG_ENCRYPTED, BITFLAG_MASKED_HEADERS, BITFLAG_STRONG_ENCRYPTION, METHOD_AES, METHOD_DEFLATED, METHOD_STORED, ZIP64_MARKER_32, aesName, METHOD_NAMES } from './constants.js';
import { ZipError, bytesText, hex, integerText } from './errors.js';
import type { EntryFields, HeaderMismatch, RandomAccessSource, ZipEntry } from './model.js';
import { decodeCp437, decodeHeaderText, nameCrc32, unicodeExtraText } from './names.js';
import { EXTRA_ID, EXTRA_INFOZIP_UNICODE_PATH, EXTRA_ZIP64, LOCAL_FILE_HEADER, SIGNATURE, localZip64Context } from './records.js';

const Z_FINISH = zlibConstants.Z_FINISH;
const Z_NO_FLUSH = zlibConstants.Z_NO_FLUSH;

/** Read size for streaming entry data. */
const DATA_CHUNK = 1024 * 1024;
/** Entries at most this big (both sizes) are read in one go and inflated synchronously. */
const SMALL_ENTRY = 256 * 1024;
/** How much to read for a local header before knowing its name and extra lengths. */
const LOCAL_HEADER_GUESS = 512;
/** The longest data descriptor: signature, CRC and two 8-byte sizes (4.3.9.2). */
const DATA_DESCRIPTOR_MAX = 24;
/** The inflater's output chunk: large enough that per-chunk overhead does not matter. */
const INFLATE_CHUNK = 256 * 1024;

export interface EntryStreamOptions {
  readonly signal?: AbortSignal;
  /**
   * Fail with LOCAL_MISMATCH on any disagreement between local header and central record.
   * By default only those that change how the data reads do (another compression method, or
   * a CRC-32 that the data cannot match both of); the rest are reported by readLocalHeader.
   */
  readonly strictLocalHeader?: boolean;
  /**
   * The offset the entry's data must end by: where the next local header in the order of the
   * data, or the central directory, starts (archive/entry-check.ts EntrySpans.dataEnds). Known
   * only once the local header is read, since its name and extra field come before the data.
   */
  readonly dataEnd?: number;
}

export type LocalValues = ReturnType<typeof LOCAL_FILE_HEADER.decode>;

export interface LocalHeader {
  /** Absolute offset of the local header. */
  readonly offset: number;
  readonly values: LocalValues;
  /** The header's bytes: fixed part, name and extra field (for the inspector). */
  readonly header: Buffer;
  /** The local name, decoded as the local header's own flags say. */
  readonly name: string;
  /** Local sizes after any local ZIP64 extra field (4.5.3); zeros when a data descriptor holds them. */
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Where the entry's data starts. */
  readonly dataOffset: number;
  /** Disagreements with the central record. Empty when they agree. */
  readonly mismatches: HeaderMismatch[];
}

interface LocalHeaderRead extends LocalHeader {
  /** Bytes read after the header (some or all of the data), when asked for. */
  readonly following: Buffer;
}

/** Reads and checks the entry's local header, and compares it with the central record. */
export async function readLocalHeader(source: RandomAccessSource, entry: ZipEntry): Promise<LocalHeader> {
  const { following: _, ...header } = await readLocalHeaderAnd(source, entry, 0);
  return header;
}

async function readLocalHeaderAnd(source: RandomAccessSource, entry: ZipEntry, wantAfter: number): Promise<LocalHeaderRead> {
  const offset = entry.localHeaderOffset;
  const size = source.size;
  let bytes = await source.read(offset, guessedLength(entry, size, wantAfter));
  let local = parseLocalHeader(entry, bytes, 0, size, wantAfter);
  if (local === undefined) {
    bytes = await source.read(offset, wholeLength(bytes, offset, size, wantAfter));
    local = parseLocalHeader(entry, bytes, 0, size, wantAfter)!;
  }
  return local;
}

function checkLocalOffset(entry: ZipEntry, size: number): void {
  const offset = entry.localHeaderOffset;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + LOCAL_FILE_HEADER.size > size) {
    throw new ZipError('TRUNCATED', `local header offset ${integerText(offset)} is outside the archive (${size} bytes)`, { entry: entry.name, offset, kind: 'LOCAL_HEADER_OUTSIDE', params: { offset, size } });
  }
}

/** The first read of a local header (and `wantAfter` bytes after it): a guess at its name and extra field. */
function guessedLength(entry: ZipEntry, size: number, wantAfter: number): number {
  checkLocalOffset(entry, size);
  return Math.min(size - entry.localHeaderOffset, LOCAL_FILE_HEADER.size + LOCAL_HEADER_GUESS + wantAfter);
}

/** The second read, when the guess was short: the whole header, as its fixed part (in `bytes`) says. */
function wholeLength(bytes: Buffer, offset: number, size: number, wantAfter: number): number {
  return Math.min(size - offset, LOCAL_FILE_HEADER.lengthOf(LOCAL_FILE_HEADER.decode(bytes, 0)) + wantAfter);
}

/**
 * The entry's local header from bytes already read, as readLocalHeader reads it (the same checks
 * and the same errors): `bytes[at]` is the byte at its offset and `size` the archive's size.
 * Undefined when the bytes end before the header does: read it instead.
 */
export function localHeaderIn(entry: ZipEntry, bytes: Buffer, at: number, size: number): LocalHeader | undefined {
  return parseLocalHeader(entry, bytes, at, size, 0);
}

/**
 * The entry's local header from bytes already read: `bytes[at]` is the byte at the entry's
 * local header offset, and `size` is the archive's size. Undefined when `bytes` end before the
 * header's name and extra field, or before `wantAfter` bytes after it (unless the archive ends
 * first): the caller reads more. Every check of readLocalHeader is made here.
 */
function parseLocalHeader(entry: ZipEntry, bytes: Buffer, at: number, size: number, wantAfter: number): LocalHeaderRead | undefined {
  const offset = entry.localHeaderOffset;
  checkLocalOffset(entry, size);
  const available = bytes.length - at;
  if (available < LOCAL_FILE_HEADER.size) return undefined;
  const signature = bytes.readUInt32LE(at);
  if (signature !== SIGNATURE.LOCAL_FILE_HEADER) {
    throw new ZipError('BAD_LOCAL_HEADER', `bad local file header signature ${hex(signature)} at offset ${offset}`, { entry: entry.name, offset, params: { signature: hex(signature), offset } });
  }
  const values = LOCAL_FILE_HEADER.decode(bytes, at);
  const length = LOCAL_FILE_HEADER.lengthOf(values);
  if (offset + length > size) {
    throw new ZipError('TRUNCATED', `local header at offset ${offset} (${length} bytes with name and extra field) runs past the end of the archive (${size} bytes)`, { entry: entry.name, offset, kind: 'LOCAL_HEADER_PAST_END', params: { offset, length, size } });
  }
  if (available < length + wantAfter && available < size - offset) return undefined;
  if (at !== 0) bytes = bytes.subarray(at, at + Math.min(available, length + wantAfter));
  const header = bytes.subarray(0, length);
  const following = bytes.subarray(length);

  const flags = values.generalPurposeBitFlag;
  const nameStart = LOCAL_FILE_HEADER.size;
  const nameEnd = nameStart + values.fileNameLength;
  let name: string | undefined;
  let compressedSize = values.compressedSize;
  let uncompressedSize = values.uncompressedSize;
  for (let p = nameEnd; p + 4 <= length; ) {
    const id = header.readUInt16LE(p);
    const dataEnd = p + 4 + header.readUInt16LE(p + 2);
    if (dataEnd > length) break;
    if (id === EXTRA_ID.ZIP64 && (compressedSize === ZIP64_MARKER_32 || uncompressedSize === ZIP64_MARKER_32)) {
      // Both sizes, or only the one that overflowed (records.ts localZip64Context).
      const found = EXTRA_ZIP64.decode(header, p + 4, dataEnd, localZip64Context(values, dataEnd - (p + 4))).values;
      if (uncompressedSize === ZIP64_MARKER_32 && typeof found['originalSize'] === 'number') uncompressedSize = found['originalSize'];
      if (compressedSize === ZIP64_MARKER_32 && typeof found['compressedSize'] === 'number') compressedSize = found['compressedSize'];
    } else if (id === EXTRA_ID.INFOZIP_UNICODE_PATH && name === undefined) {
      const v = EXTRA_INFOZIP_UNICODE_PATH.decode(header, p + 4, dataEnd, { local: true }).values;
      name = unicodeExtraText(v['version'], v['nameCrc32'], v['unicodeName'], header.subarray(nameStart, nameEnd));
    }
    p = dataEnd;
  }
  // The central name from a Unicode path field or a code page the user named: these bytes are the central record's own.
  if (name === undefined && entry.headerNameCrc32 !== undefined && nameCrc32(header, nameStart, nameEnd) === entry.headerNameCrc32) name = entry.name;
  // Most local names are the central name in printable ASCII, which every encoding reads alike.
  name ??= isPrintableAscii(header, nameStart, nameEnd, entry.name) ? entry.name : decodeHeaderText(header, nameStart, nameEnd, flags);

  const mismatches: HeaderMismatch[] = [];
  const centralFlags = entry.generalPurposeBitFlag;
  if (name !== entry.name && header.toString('utf8', nameStart, nameEnd) !== entry.name && decodeCp437(header, nameStart, nameEnd) !== entry.name) {
    mismatches.push({ field: 'fileName', local: name, central: entry.name });
  }
  if (values.compressionMethod !== entry.compressionMethod) {
    mismatches.push({ field: 'compressionMethod', local: values.compressionMethod, central: entry.compressionMethod });
  }
  const significantFlags = BITFLAG_ENCRYPTED | BITFLAG_DATA_DESCRIPTOR | BITFLAG_STRONG_ENCRYPTION;
  if ((flags & significantFlags) !== (centralFlags & significantFlags)) {
    mismatches.push({ field: 'generalPurposeBitFlag', local: flags, central: centralFlags });
  }
  // With a data descriptor the local values are zeros (4.4.4 bit 3); with masked headers they
  // are hidden (bit 13). Either way, only values actually written are compared.
  const masked = ((flags | centralFlags) & BITFLAG_MASKED_HEADERS) !== 0;
  const deferred = (flags & BITFLAG_DATA_DESCRIPTOR) !== 0;
  if (!masked) {
    if (values.crc32 !== entry.crc32 && !(deferred && values.crc32 === 0)) mismatches.push({ field: 'crc32', local: values.crc32, central: entry.crc32 });
    if (compressedSize !== entry.compressedSize && !(deferred && compressedSize === 0)) mismatches.push({ field: 'compressedSize', local: compressedSize, central: entry.compressedSize });
    if (uncompressedSize !== entry.uncompressedSize && !(deferred && uncompressedSize === 0)) mismatches.push({ field: 'uncompressedSize', local: uncompressedSize, central: entry.uncompressedSize });
  }
  return { offset, values, header, name, compressedSize, uncompressedSize, dataOffset: offset + length, mismatches, following };
}

/** Whether bytes [start, end) are `text` in printable ASCII (0x20–0x7e). */
function isPrintableAscii(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 || byte > 0x7e || byte !== text.charCodeAt(i - start)) return false;
  }
  return true;
}

/** Refusals that need no I/O: encryption, methods we cannot decode, stored sizes that differ. */
function checkSupported(entry: ZipEntry): void {
  const refusal = dataRefusal(entry) ?? storedSizesDiffer(entry);
  if (refusal !== undefined) throw refusal;
}

/** Why we cannot read the entry's data at all (encryption, another method), before any I/O. */
export function dataRefusal(entry: ZipEntry): ZipError | undefined {
  if (entry.encrypted) {
    if (entry.compressionMethod !== METHOD_AES) return new ZipError('ENCRYPTED', 'entry is encrypted', { entry: entry.name, params: {} });
    const cipher = aesName(entry.aes?.strength);
    return new ZipError('ENCRYPTED', `entry is encrypted (${cipher})`, { entry: entry.name, kind: 'AES', params: { cipher } });
  }
  const method = entry.compressionMethod;
  if (method !== METHOD_STORED && method !== METHOD_DEFLATED) {
    // (A number no specification names is said to be unknown: "method 7 (method 7)" said nothing.)
    const name = METHOD_NAMES[method];
    if (name === undefined) return new ZipError('UNSUPPORTED_METHOD', `unsupported compression method ${method} (unknown)`, { entry: entry.name, kind: 'UNKNOWN', params: { method } });
    return new ZipError('UNSUPPORTED_METHOD', `unsupported compression method ${method} (${name})`, { entry: entry.name, params: { method, name } });
  }
  return undefined;
}

/** A stored entry whose two sizes differ (its data cannot be both), before any I/O. */
export function storedSizesDiffer(entry: ZipEntry): ZipError | undefined {
  if (entry.compressionMethod !== METHOD_STORED || entry.compressedSize === entry.uncompressedSize) return undefined;
  const params = { compressed: entry.compressedSize, uncompressed: entry.uncompressedSize };
  return new ZipError('SIZE_MISMATCH', `stored entry has compressed size ${integerText(params.compressed)} but uncompressed size ${integerText(params.uncompressed)}`, { entry: entry.name, kind: 'STORED', params });
}

/**
 * The local header mismatches that make the data untrustworthy. A name that differs is only
 * reported (the central directory is the truth; Info-ZIP and Go read such archives), unless
 * the caller asks for strictness.
 */
function checkLocal(entry: ZipEntry, local: LocalHeader, options: EntryStreamOptions): void {
  const crc = local.mismatches.find((m) => m.field === 'crc32');
  if (crc !== undefined) {
    // The data has one CRC-32; it cannot match both values (unzip checks the local one).
    const params = { local: hex(crc.local as number), central: hex(crc.central as number) };
    throw new ZipError('CRC_MISMATCH', `local header CRC-32 ${params.local} differs from the central directory's ${params.central}`, { entry: entry.name, offset: local.offset, kind: 'LOCAL_HEADER', params });
  }
  const fatal = options.strictLocalHeader ? local.mismatches[0] : local.mismatches.find((m) => m.field === 'compressionMethod');
  if (fatal !== undefined) {
    throw new ZipError('LOCAL_MISMATCH', `local header ${fatal.field} ${JSON.stringify(fatal.local)} differs from the central directory's ${JSON.stringify(fatal.central)}`, { entry: entry.name, offset: local.offset });
  }
}

function dataFits(size: number, entry: ZipEntry, local: LocalHeader, dataEnd = Infinity): void {
  const end = local.dataOffset + entry.compressedSize;
  if (end > size) {
    const params = { bytes: entry.compressedSize, offset: local.dataOffset, size };
    throw new ZipError('TRUNCATED', `entry data (${bytesText(params.bytes)} at offset ${params.offset}) runs past the end of the archive (${size} bytes)`, { entry: entry.name, offset: local.dataOffset, kind: 'DATA_PAST_END', params });
  }
  if (end > dataEnd) {
    throw new ZipError('OVERLAPPING_ENTRIES', `entry overlaps the next: its data (bytes ${local.dataOffset}–${end}) runs past offset ${dataEnd}, where the next header starts`, { entry: entry.name, offset: local.dataOffset });
  }
}

function sizeError(entry: EntryFields, produced: number): ZipError {
  const declared = entry.uncompressedSize;
  if (produced > declared) return new ZipError('SIZE_MISMATCH', `data inflates to more than the declared ${bytesText(declared)}`, { entry: entry.name, kind: 'MORE', params: { declared } });
  return new ZipError('SIZE_MISMATCH', `data is ${bytesText(produced)}, the central directory says ${integerText(declared)}`, { entry: entry.name, kind: 'LESS', params: { bytes: produced, declared } });
}

/** The data's CRC-32 is not the one recorded in the central directory, or in the data descriptor. */
function crcError(entry: ZipEntry, actual: number, expected: number, where: 'CENTRAL' | 'DESCRIPTOR'): ZipError {
  const params = { actual: hex(actual), expected: hex(expected) };
  return new ZipError('CRC_MISMATCH', `CRC-32 is ${params.actual}, ${where === 'CENTRAL' ? 'the central directory' : 'the data descriptor'} says ${params.expected}`, { entry: entry.name, kind: where, params });
}

function inflateError(entry: EntryFields, e: unknown): ZipError {
  if (e instanceof ZipError) return e.withEntry(entry.name);
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ERR_BUFFER_TOO_LARGE') return sizeError(entry, entry.uncompressedSize + 1);
  if (err.code === 'Z_BUF_ERROR') return new ZipError('BAD_DEFLATE', 'deflate data ends before the end of its stream (truncated?)', { entry: entry.name, cause: e, kind: 'CUT_SHORT', params: {} });
  // (zlib's own words, "invalid block type", stay as zlib says them.)
  return new ZipError('BAD_DEFLATE', `bad deflate data: ${err.message}`, { entry: entry.name, cause: e, kind: 'DATA', params: { detail: err.message } });
}

/**
 * Whether what follows an entry's data (`bytes`) is the next local or central header, not a data
 * descriptor: some writers set bit 3 and then write none.
 */
export function noDescriptorAfter(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const next = bytes.readUInt32LE(0);
  return next === SIGNATURE.LOCAL_FILE_HEADER || next === SIGNATURE.CENTRAL_DIRECTORY_HEADER;
}

/**
 * Checks the data descriptor's CRC-32 (4.3.9) against the data's, when the entry has one.
 * `bytes` are what follows the data; the signature is optional (4.3.9.3).
 */
function checkDescriptor(entry: ZipEntry, bytes: Buffer, crc: number): void {
  if (noDescriptorAfter(bytes)) return;
  const signed = bytes.length >= 4 && bytes.readUInt32LE(0) === SIGNATURE.DATA_DESCRIPTOR;
  const need = signed ? 16 : 12;
  if (bytes.length < need) {
    throw new ZipError('TRUNCATED', `the data descriptor after the data is cut off (${bytes.length} of at least ${need} bytes)`, { entry: entry.name });
  }
  const recorded = bytes.readUInt32LE(signed ? 4 : 0);
  if (recorded !== crc) throw crcError(entry, crc, recorded, 'DESCRIPTOR');
}

async function descriptorBytes(source: RandomAccessSource, at: number): Promise<Buffer> {
  return source.read(at, Math.min(DATA_DESCRIPTOR_MAX, source.size - at));
}

/**
 * The whole uncompressed entry in memory. For small entries this is one read and one inflate;
 * larger ones are streamed and collected, refusing more than `maxSize` (default 256 MiB).
 */
export async function readEntryData(source: RandomAccessSource, entry: ZipEntry, options: EntryStreamOptions & { maxSize?: number } = {}): Promise<Buffer> {
  checkSupported(entry);
  if (options.signal?.aborted) throw new ZipError('CANCELLED', 'cancelled', { entry: entry.name });
  const maxSize = options.maxSize ?? 256 * 1024 * 1024;
  if (entry.uncompressedSize > maxSize) {
    throw new ZipError('TOO_LARGE', `entry is ${integerText(entry.uncompressedSize)} bytes, more than the ${maxSize} bytes allowed in memory`, { entry: entry.name });
  }
  if (isSmallEntry(entry)) {
    const local = await readLocalHeaderAnd(source, entry, smallEntryWant(entry));
    return smallEntryData(entry, local, source.size, options, false);
  }
  const stream = await openEntryStream(source, entry, options);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Whether the entry is read in one piece and inflated synchronously (both sizes at most 256 KiB). */
export function isSmallEntry(entry: ZipEntry): boolean {
  return entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY;
}

/** How many bytes after its local header a small entry needs: its data and any data descriptor. */
function smallEntryWant(entry: ZipEntry): number {
  return entry.compressedSize + (entry.hasDataDescriptor ? DATA_DESCRIPTOR_MAX : 0);
}

/**
 * The bytes a small entry spans from its local header offset, at most: header, a name and extra
 * field of a usual length, data and descriptor. A caller reading many entries in one read of their
 * span uses it to size the read; readSmallEntryAt says when an entry needs more.
 */
export function smallEntrySpan(entry: ZipEntry): number {
  return LOCAL_FILE_HEADER.size + LOCAL_HEADER_GUESS + smallEntryWant(entry);
}

/**
 * readEntryData for a small entry (isSmallEntry) whose bytes the caller has already read:
 * `bytes[at]` is the byte at the entry's local header offset, `size` the archive's size. The same
 * checks as readEntryData, synchronously, so that a run of tiny entries costs no promise each.
 * Undefined when `bytes` end too early (read the entry on its own then). Throws the entry's ZipError.
 * The data is transient: a view of `bytes`, or of a buffer this thread reuses for the next entry,
 * so it is to be used (written, checked) before the next call; no garbage per entry.
 */
export function readSmallEntryAt(entry: ZipEntry, bytes: Buffer, at: number, size: number, options: EntryStreamOptions = {}): Buffer | undefined {
  checkSupported(entry);
  if (options.signal?.aborted) throw new ZipError('CANCELLED', 'cancelled', { entry: entry.name });
  const local = parseLocalHeader(entry, bytes, at, size, smallEntryWant(entry));
  return local === undefined ? undefined : smallEntryData(entry, local, size, options, true);
}

/** plainEntryData's local header fields, decoded into one object again and again. */
let plainLocal: LocalValues | undefined;
const SIGNIFICANT_FLAGS = BITFLAG_ENCRYPTED | BITFLAG_DATA_DESCRIPTOR | BITFLAG_STRONG_ENCRYPTION;

/**
 * readSmallEntryAt's common case (strict), made without a string, an object or a view per entry
 * beyond the data: an entry neither encrypted nor with a data descriptor, stored or deflated,
 * whose local header repeats its central record field for field and its name byte for byte (in
 * ASCII), and whose data inflates to its size and CRC-32. Returns the data (transient, as
 * readSmallEntryAt's) when all of that holds, and undefined for anything else, failures
 * included: the caller then runs readSmallEntryAt, which makes the same checks and names what
 * is wrong. So it accepts nothing that readSmallEntryAt refuses. For test, where making each
 * entry's local header and name was most of the work besides inflating (corpus C: 100,000 tiny
 * entries).
 */
export function plainEntryData(entry: EntryFields, bytes: Buffer, at: number, size: number, dataEnd = Infinity): Buffer | undefined {
  const method = entry.compressionMethod;
  const compressedSize = entry.compressedSize;
  const uncompressedSize = entry.uncompressedSize;
  if (entry.encrypted || entry.hasDataDescriptor || (method !== METHOD_DEFLATED && (method !== METHOD_STORED || compressedSize !== uncompressedSize))) return undefined;
  const offset = entry.localHeaderOffset;
  if (!Number.isSafeInteger(offset) || offset < 0 || at < 0 || at + LOCAL_FILE_HEADER.size > bytes.length || bytes.readUInt32LE(at) !== SIGNATURE.LOCAL_FILE_HEADER) return undefined;
  const local = (plainLocal = plainLocal === undefined ? LOCAL_FILE_HEADER.decode(bytes, at) : LOCAL_FILE_HEADER.decodeInto(bytes, at, plainLocal));
  const flags = local.generalPurposeBitFlag;
  const centralFlags = entry.generalPurposeBitFlag;
  if ((flags & SIGNIFICANT_FLAGS) !== (centralFlags & SIGNIFICANT_FLAGS) || ((flags | centralFlags) & BITFLAG_MASKED_HEADERS) !== 0) return undefined;
  if (local.compressionMethod !== method || local.crc32 !== entry.crc32 || local.compressedSize !== compressedSize || local.uncompressedSize !== uncompressedSize) return undefined;
  const dataStart = at + LOCAL_FILE_HEADER.lengthOf(local);
  if (offset + (dataStart - at) + compressedSize > Math.min(size, dataEnd) || dataStart + compressedSize > bytes.length) return undefined;
  const name = entry.name;
  if (local.fileNameLength !== name.length) return undefined;
  for (let i = 0, p = at + LOCAL_FILE_HEADER.size; i < name.length; i++, p++) if (bytes[p]! >= 0x80 || bytes[p] !== name.charCodeAt(i)) return undefined;
  const data = bytes.subarray(dataStart, dataStart + compressedSize);
  let out: Buffer;
  if (method === METHOD_STORED) out = data;
  else if (compressedSize === 0 && uncompressedSize === 0) out = EMPTY;
  else {
    try {
      out = inflateSmall(entry, data, true);
    } catch {
      return undefined;
    }
  }
  return out.length === uncompressedSize && crc32(out) === entry.crc32 ? out : undefined;
}

const EMPTY = Buffer.alloc(0);

function smallEntryData(entry: ZipEntry, local: LocalHeaderRead, size: number, options: EntryStreamOptions, transient: boolean): Buffer {
  checkLocal(entry, local, options);
  dataFits(size, entry, local, options.dataEnd);
  const data = local.following.subarray(0, entry.compressedSize);
  let out: Buffer;
  if (entry.compressionMethod === METHOD_STORED) out = data;
  else if (entry.compressedSize === 0 && entry.uncompressedSize === 0) out = Buffer.alloc(0);
  else out = inflateSmall(entry, data, transient);
  if (out.length !== entry.uncompressedSize) throw sizeError(entry, out.length);
  const crc = crc32(out);
  if (crc !== entry.crc32) throw crcError(entry, crc, entry.crc32, 'CENTRAL');
  if (entry.hasDataDescriptor) checkDescriptor(entry, local.following.subarray(entry.compressedSize), crc);
  return out;
}

/**
 * Inflates a small entry's whole data synchronously into at most its declared size plus one byte
 * (one byte more is SIZE_MISMATCH; nothing past it is inflated).
 *
 * zlib.inflateRawSync builds a new inflater per call (a stream object, a native handle and
 * zlib's state): about 3 µs and several kilobytes of garbage, more than inflating a tiny entry
 * itself. So one inflater is kept and reset between entries. Node offers no public synchronous
 * call on a kept inflater; its stream's handle has the call inflateRawSync itself makes
 * (`writeSync` with Z_FINISH, results in `_writeState`). That use is checked once against
 * inflateRawSync's output, and any surprise falls back to inflateRawSync for good.
 */
function inflateSmall(entry: EntryFields, data: Buffer, transient: boolean): Buffer {
  const limit = entry.uncompressedSize + 1;
  const kept = keptInflater();
  if (kept !== undefined) {
    try {
      return kept.inflate(data, limit, transient);
    } catch (e) {
      // A transient inflate had room past the declared size, and may have met bad data beyond
      // it: inflated again with just that room, such an entry is SIZE_MISMATCH, as it is on the
      // other paths (only its first declared size + 1 bytes count).
      const again = transient ? keptInflater() : undefined;
      if (again === undefined) throw inflateError(entry, e);
      try {
        return again.inflate(data, limit, false);
      } catch (e2) {
        throw inflateError(entry, e2);
      }
    }
  }
  try {
    // An output buffer of the declared size (zlib's minimum is 64 bytes): the default 16 KiB
    // allocation per call is most of the cost of a tiny entry.
    return inflateRawSync(data, { maxOutputLength: limit, chunkSize: Math.max(64, limit) });
  } catch (e) {
    throw inflateError(entry, e);
  }
}

interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inOffset: number, inLength: number, output: Buffer, outOffset: number, outLength: number): void;
  reset(): void;
}

type InflateStream = InflateRaw & { _handle?: Partial<ZlibHandle>; _writeState?: unknown };

class KeptInflater {
  private readonly stream: InflateStream;
  private readonly handle: ZlibHandle;
  /** [avail_out, avail_in] after the last write. */
  private readonly state: Uint32Array;

  constructor() {
    const stream = createInflateRaw() as InflateStream;
    const handle = stream._handle;
    const state = stream._writeState;
    if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
      throw new TypeError('zlib stream internals differ');
    }
    // A zlib error destroys the stream (synchronously: `errored` holds the error) and closes its
    // handle; the 'error' event follows on the next tick, and is ours to swallow.
    stream.on('error', () => undefined);
    this.stream = stream;
    this.handle = handle as ZlibHandle;
    this.state = state;
  }

  /** After a zlib error the handle is closed: the next entry gets a new inflater. */
  get broken(): boolean {
    return this.stream.destroyed;
  }

  /** Output space reused by transient inflates: one small entry's worth, plus the byte too many. */
  private scratch: Buffer | undefined;

  inflate(data: Buffer, limit: number, transient = false): Buffer {
    const reuse = transient && limit <= SMALL_ENTRY + 1;
    const out = reuse ? (this.scratch ??= Buffer.allocUnsafeSlow(SMALL_ENTRY + 1)) : Buffer.allocUnsafe(limit);
    // Into the scratch buffer, zlib gets the room of all of it: with fewer than 258 bytes of room
    // its inflate leaves the fast loop for the one that checks space at every symbol (a tiny
    // entry's whole output). The caller compares the size made with the declared one, and at most
    // the scratch buffer (256 KiB) is made.
    const room = reuse ? out.length : limit;
    this.handle.reset();
    this.step(Z_FINISH, data, 0, data.length, out, room);
    return out.subarray(0, room - this.state[0]!);
  }

  /**
   * One call of zlib's inflate on the stream so far: input [inOffset, +inLength), output into
   * out[0, outLength). Returns how much input it took; how much it made is outLength minus
   * `outputLeft`. Throws zlib's error (the stream is then broken).
   */
  step(flush: number, input: Buffer, inOffset: number, inLength: number, out: Buffer, outLength: number): number {
    this.handle.writeSync(flush, input, inOffset, inLength, out, 0, outLength);
    if (this.stream.destroyed) throw this.stream.errored ?? new Error('zlib failed');
    return inLength - this.state[1]!;
  }

  /** Output room the last step left unused. */
  get outputLeft(): number {
    return this.state[0]!;
  }

  /** Frees zlib's state now rather than at the next collection. */
  close(): void {
    if (!this.stream.destroyed) this.stream.destroy();
  }
}

/** undefined: not tried yet; null: not usable here (use inflateRawSync). */
let kept: KeptInflater | null | undefined;

function keptInflater(): KeptInflater | undefined {
  if (kept === null) return undefined;
  if (kept === undefined || kept.broken) {
    try {
      const fresh = new KeptInflater();
      if (kept === undefined && !selfTest(fresh)) throw new Error('self-test failed');
      kept = fresh;
    } catch {
      kept = null;
      return undefined;
    }
  }
  return kept;
}

function selfTest(inflater: KeptInflater): boolean {
  const text = Buffer.from('zipdesk zipdesk zipdesk: one inflater for many entries');
  const deflated = deflateRawSync(text);
  const whole = inflater.inflate(deflated, text.length + 1);
  const cut = inflater.inflate(deflated, text.length - 1);
  return whole.equals(text) && cut.length === text.length - 1 && inflater.inflate(deflated, text.length + 1).equals(text);
}

/** Archive bytes read synchronously: `readInto` fills `into[0, length)` from `offset`, or throws TRUNCATED. */
export interface SyncSource {
  readonly size: number;
  readInto(into: Buffer, offset: number, length: number): void;
}

/** Whether entryChunks can inflate here (it needs the kept inflater's zlib call; see inflateSmall). */
export function canReadChunks(): boolean {
  return keptInflater() !== undefined;
}

/** Input and output buffers of entryChunks, kept for the next entry: fresh megabytes cost page faults. */
const spareChunks: Buffer[] = [];

function takeChunk(): Buffer {
  return spareChunks.pop() ?? Buffer.allocUnsafeSlow(DATA_CHUNK);
}

function giveChunk(chunk: Buffer): void {
  if (spareChunks.length < 4) spareChunks.push(chunk);
}

/**
 * A large entry's uncompressed bytes, read and inflated synchronously a megabyte at a time, with
 * every check of openEntryStream: the local header against the central record, never more than
 * the declared size, then size, CRC-32 and data descriptor. Each chunk is transient (its buffer
 * is reused for the next), to be written or checked before asking for the next. Throws the
 * entry's ZipError. The caller decides when to let other work in between chunks.
 * Needs canReadChunks().
 */
export function* entryChunks(source: SyncSource, entry: ZipEntry, options: EntryStreamOptions = {}): Generator<Buffer, void, undefined> {
  checkSupported(entry);
  const input = takeChunk();
  const output = takeChunk();
  let inflater: KeptInflater | undefined;
  try {
    const local = syncLocalHeader(source, entry, input);
    checkLocal(entry, local, options);
    dataFits(source.size, entry, local, options.dataEnd);
    let next = local.dataOffset;
    const end = next + entry.compressedSize;
    let produced = 0;
    let crc = 0;
    if (entry.compressionMethod === METHOD_STORED) {
      while (next < end) {
        const length = Math.min(DATA_CHUNK, end - next);
        source.readInto(input, next, length);
        next += length;
        const chunk = input.subarray(0, length);
        crc = crc32(chunk, crc);
        produced += length;
        yield chunk;
      }
    } else {
      inflater = new KeptInflater();
      // At most one byte more than declared is ever made: that byte is SIZE_MISMATCH.
      const limit = entry.uncompressedSize + 1;
      let ended = false;
      while (!ended) {
        const length = Math.min(DATA_CHUNK, end - next);
        source.readInto(input, next, length);
        next += length;
        const flush = next >= end ? Z_FINISH : Z_NO_FLUSH;
        let at = 0;
        for (;;) {
          const room = Math.min(output.length, limit - produced);
          let taken: number;
          try {
            taken = inflater.step(flush, input, at, length - at, output, room);
          } catch (e) {
            throw inflateError(entry, e);
          }
          at += taken;
          const made = room - inflater.outputLeft;
          if (made > 0) {
            produced += made;
            if (produced > entry.uncompressedSize) throw sizeError(entry, produced);
            const chunk = output.subarray(0, made);
            crc = crc32(chunk, crc);
            yield chunk;
          }
          // Output room left over: zlib took all it could. Input left too: the deflate stream has
          // ended before the entry's data (the size and CRC-32 below judge what it made).
          if (inflater.outputLeft > 0) {
            if (at < length || flush === Z_FINISH) ended = true;
            break;
          }
        }
      }
    }
    if (produced !== entry.uncompressedSize) throw sizeError(entry, produced);
    if (crc !== entry.crc32) throw crcError(entry, crc, entry.crc32, 'CENTRAL');
    if (entry.hasDataDescriptor) {
      const length = Math.min(DATA_DESCRIPTOR_MAX, source.size - end);
      source.readInto(input, end, length);
      checkDescriptor(entry, input.subarray(0, length), crc);
    }
  } catch (e) {
    throw e instanceof ZipError ? e.withEntry(entry.name) : e;
  } finally {
    inflater?.close();
    giveChunk(output);
    giveChunk(input);
  }
}

/** The entry's local header, read synchronously into `scratch` (at least 1 MiB: a header is at most 30 + 2 × 65,535 bytes). */
function syncLocalHeader(source: SyncSource, entry: ZipEntry, scratch: Buffer): LocalHeader {
  const offset = entry.localHeaderOffset;
  const size = source.size;
  let length = guessedLength(entry, size, 0);
  source.readInto(scratch, offset, length);
  let local = parseLocalHeader(entry, scratch.subarray(0, length), 0, size, 0);
  if (local === undefined) {
    length = wholeLength(scratch, offset, size, 0);
    source.readInto(scratch, offset, length);
    local = parseLocalHeader(entry, scratch.subarray(0, length), 0, size, 0)!;
  }
  return local;
}

/**
 * The entry's uncompressed bytes as a stream. Rejects (before any data) for encryption, other
 * methods, a missing or disagreeing local header and data past the end of the archive; the
 * stream itself fails with SIZE_MISMATCH, CRC_MISMATCH, BAD_DEFLATE, TRUNCATED or CANCELLED.
 * Every error names the entry.
 */
export async function openEntryStream(source: RandomAccessSource, entry: ZipEntry, options: EntryStreamOptions = {}): Promise<Readable> {
  checkSupported(entry);
  if (options.signal?.aborted) throw new ZipError('CANCELLED', 'cancelled', { entry: entry.name });
  if (entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY) {
    const data = await readEntryData(source, entry, options);
    return new Readable({
      highWaterMark: DATA_CHUNK,
      read() {
        this.push(data);
        this.push(null);
      },
    });
  }
  const local = await readLocalHeaderAnd(source, entry, 0);
  checkLocal(entry, local, options);
  dataFits(source.size, entry, local, options.dataEnd);
  return new EntryReadable(source, entry, local.dataOffset, options.signal);
}

/** Resolves when the inflater takes more input, or is gone. */
function drained(inflater: InflateRaw): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      inflater.off('drain', done);
      inflater.off('close', done);
      resolve();
    };
    inflater.on('drain', done);
    inflater.on('close', done);
  });
}

class EntryReadable extends Readable {
  private next: number;
  private readonly end: number;
  private produced = 0;
  private crc = 0;
  private readonly inflater: InflateRaw | undefined;
  private busy = false;
  private failed = false;
  private prefetched: Promise<Buffer> | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly source: RandomAccessSource,
    private readonly entry: ZipEntry,
    dataOffset: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    super({ highWaterMark: DATA_CHUNK });
    this.next = dataOffset;
    this.end = dataOffset + entry.compressedSize;
    if (entry.compressionMethod === METHOD_DEFLATED) {
      const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
      inflater.on('data', (chunk: Buffer) => this.output(chunk));
      inflater.on('end', () => void this.finish());
      inflater.on('error', (e) => this.fail(inflateError(entry, e)));
      this.inflater = inflater;
    }
    if (signal !== undefined) {
      this.onAbort = () => this.fail(new ZipError('CANCELLED', 'cancelled', { entry: entry.name }));
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  override _read(): void {
    if (this.inflater !== undefined) {
      this.inflater.resume();
      if (!this.busy) {
        this.busy = true;
        void this.feed(this.inflater);
      }
      return;
    }
    if (!this.busy) void this.readStored();
  }

  private async readStored(): Promise<void> {
    this.busy = true;
    try {
      const pending = this.nextChunk();
      if (pending === undefined) {
        await this.finish();
        return;
      }
      const chunk = await pending;
      if (this.failed) return;
      this.crc = crc32(chunk, this.crc);
      this.produced += chunk.length;
      this.busy = false;
      this.push(chunk);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * The next chunk of compressed data, with the one after it already being read: the file read
   * and zlib run on the thread pool side by side.
   */
  private nextChunk(): Promise<Buffer> | undefined {
    const chunk = this.prefetched ?? this.readAhead();
    this.prefetched = this.readAhead();
    return chunk;
  }

  private readAhead(): Promise<Buffer> | undefined {
    if (this.next >= this.end) return undefined;
    const length = Math.min(DATA_CHUNK, this.end - this.next);
    const read = this.source.read(this.next, length);
    read.catch(() => undefined); // observed when awaited; never an unhandled rejection
    this.next += length;
    return read;
  }

  /** Feeds compressed chunks to the inflater, as fast as it drains them. */
  private async feed(inflater: InflateRaw): Promise<void> {
    try {
      for (let pending = this.nextChunk(); pending !== undefined && !this.failed; pending = this.nextChunk()) {
        const chunk = await pending;
        if (this.failed) return;
        if (!inflater.write(chunk)) await drained(inflater);
      }
      if (!this.failed) inflater.end();
    } catch (e) {
      this.fail(e);
    }
  }

  private output(chunk: Buffer): void {
    if (this.failed) return;
    const room = this.entry.uncompressedSize - this.produced;
    if (chunk.length > room) {
      // Never hand out more than the declared size: the rest of a lying entry is not read.
      if (room > 0) this.push(chunk.subarray(0, room));
      this.fail(sizeError(this.entry, this.produced + chunk.length));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    this.produced += chunk.length;
    if (!this.push(chunk)) this.inflater?.pause();
  }

  private async finish(): Promise<void> {
    if (this.failed) return;
    try {
      if (this.produced !== this.entry.uncompressedSize) throw sizeError(this.entry, this.produced);
      if (this.crc !== this.entry.crc32) throw crcError(this.entry, this.crc, this.entry.crc32, 'CENTRAL');
      if ((this.entry.generalPurposeBitFlag & BITFLAG_DATA_DESCRIPTOR) !== 0) checkDescriptor(this.entry, await descriptorBytes(this.source, this.end), this.crc);
      if (!this.failed) this.push(null);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const error = e instanceof ZipError ? e.withEntry(this.entry.name) : new ZipError('IO', `reading entry data failed: ${e instanceof Error ? e.message : String(e)}`, { entry: this.entry.name, cause: e });
    this.destroy(error);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.failed = true;
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.inflater?.destroy();
    callback(error);
  }
}
