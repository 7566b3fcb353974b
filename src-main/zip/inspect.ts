// The header inspector (issue 2, `zipdesk inspect` and the app's header view): every field of
// an entry's local header and central record side by side, and of the archive's end records,
// each with its absolute offset, raw bytes, value and what the value means. Fields come from
// the record layouts' `describe` (records.ts), so the inspector shows exactly what the reader
// reads. Extra fields are decoded through EXTRA_FIELD_LAYOUTS; unknown ones are shown raw.
// Everything returned is plain JSON-serializable data: it crosses IPC to the renderer.

import { Buffer, isUtf8 } from 'node:buffer';
import {
  BITFLAG_DATA_DESCRIPTOR,
  BITFLAG_UTF8,
  DOS_ATTR_ARCHIVE,
  DOS_ATTR_DIRECTORY,
  DOS_ATTR_HIDDEN,
  DOS_ATTR_READONLY,
  DOS_ATTR_SYSTEM,
  HOST_OSX,
  HOST_UNIX,
  S_IFMT,
  ZIP64_MARKER_16,
  ZIP64_MARKER_32,
  methodName,
} from './constants.js';
import { MAX_FILETIME, formatDosDate, formatDosTime, isValidDosDateTime } from './dostime.js';
import { isZipError, hex } from './errors.js';
import { rawHex, type ExtraContext, type FieldView, type RecordLayout } from './layout.js';
import type { HeaderMismatch, ZipEntry } from './model.js';
import { decodeHeaderText, isAsciiBytes, nameCrc32, unflaggedText, unicodeExtraText, utf8OrEscaped } from './names.js';
import type { ZipReader } from './reader.js';
import { noDescriptorAfter } from './entry-data.js';
import {
  CENTRAL_DIRECTORY_HEADER,
  DATA_DESCRIPTOR,
  DATA_DESCRIPTOR_UNSIGNED,
  DATA_DESCRIPTOR_ZIP64,
  DATA_DESCRIPTOR_ZIP64_UNSIGNED,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_FIELD_LAYOUTS,
  EXTRA_ID,
  EXTRA_NTFS,
  LOCAL_FILE_HEADER,
  NTFS_ATTRIBUTE,
  NTFS_FIRST_ATTRIBUTE,
  SIGNATURE,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
  localZip64Context,
} from './records.js';

export interface FieldRow {
  readonly name: string;
  /** Absolute offset in the archive. */
  readonly offset: number;
  readonly size: number;
  /** Hex pairs, long runs cut with "…". */
  readonly raw: string;
  readonly value: string | number;
  /** What the value means: a method's name, a date as text, flag bits by name, rwx… */
  readonly meaning?: string;
  /** The local and central values of this field disagree. */
  readonly mismatch?: boolean;
}

export interface ExtraFieldView {
  /** NO_HEADER_ID for bytes at the area's end too few to hold a field's header. */
  readonly headerId: number;
  readonly title: string;
  /** APPNOTE section or vendor reference; undefined for an unknown field. */
  readonly section: string | undefined;
  readonly offset: number;
  readonly length: number;
  readonly fields: FieldRow[];
}

export interface RecordView {
  readonly title: string;
  readonly section: string;
  readonly offset: number;
  readonly length: number;
  fields: FieldRow[];
  /** The record's extra fields, decoded (local and central headers only). */
  readonly extraFields?: ExtraFieldView[];
}

export interface EntryInspection {
  readonly index: number;
  readonly name: string;
  readonly central: RecordView;
  /** Undefined when the local header cannot be read; `localError` says why. */
  readonly local: RecordView | undefined;
  readonly localError?: { readonly code: string; readonly message: string };
  readonly dataOffset?: number;
  readonly dataDescriptor?: RecordView;
  readonly mismatches: HeaderMismatch[];
}

export interface ArchiveInspection {
  readonly size: number;
  readonly entryCount: number;
  readonly offsetAdjustment: number;
  readonly trailingBytes: number;
  readonly endOfCentralDirectory: RecordView;
  readonly zip64EndOfCentralDirectory?: RecordView;
  readonly zip64EndOfCentralDirectoryLocator?: RecordView;
  /** Why the ZIP64 end record or locator shown is not used, when it is not. */
  readonly zip64Ignored?: string;
}

/** The reader's reasons (reader.ts resolveEnd) for ignoring ZIP64 end records that are there. */
const ZIP64_RECORD_IGNORED = 'the ZIP64 end record contradicts the end record, which needs none of its values: it is ignored, and the end record\'s values stand';
const ZIP64_LOCATOR_IGNORED = 'the ZIP64 locator leads to no usable ZIP64 end record, and the end record needs none: it is ignored';

/** The headerId of trailing bytes too few (1 to 3) to be an extra field's header. */
export const NO_HEADER_ID = -1;

/** "0x5455 extended timestamp"; trailing bytes, which have no header id, by their title alone. */
export function extraFieldLabel(extra: Pick<ExtraFieldView, 'headerId' | 'title'>): string {
  return extra.headerId === NO_HEADER_ID ? extra.title : `${hex(extra.headerId, 4)} ${extra.title}`;
}

// ---------------------------------------------------------------------------------------------

const HOSTS: Readonly<Record<number, string>> = {
  0: 'MS-DOS/FAT',
  1: 'Amiga',
  2: 'OpenVMS',
  3: 'Unix',
  4: 'VM/CMS',
  5: 'Atari ST',
  6: 'OS/2 HPFS',
  7: 'Macintosh',
  8: 'Z-System',
  9: 'CP/M',
  10: 'Windows NTFS',
  11: 'MVS',
  12: 'VSE',
  13: 'Acorn RISC OS',
  14: 'VFAT',
  15: 'alternate MVS',
  16: 'BeOS',
  17: 'Tandem',
  18: 'OS/400',
  19: 'OS X (Darwin)',
};

/** 4.4.4 bit names. */
const FLAG_BITS: readonly (readonly [number, string])[] = [
  [0, 'encrypted'],
  [3, 'data descriptor'],
  [4, 'enhanced deflating'],
  [5, 'compressed patched data'],
  [6, 'strong encryption'],
  [11, 'UTF-8 names'],
  [13, 'masked local header values'],
];

const DEFLATE_OPTIONS = ['normal', 'maximum', 'fast', 'super fast'];

export function versionText(version: number): string {
  const spec = version & 0xff;
  return `${Math.floor(spec / 10)}.${spec % 10}`;
}

export function versionMadeByText(version: number): string {
  const host = version >>> 8;
  return `${HOSTS[host] ?? `host ${host}`}, spec ${versionText(version)}`;
}

export function flagText(flags: number, method: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_BITS) if ((flags & (1 << bit)) !== 0) names.push(`bit ${bit} ${name}`);
  if (method === 8 || method === 9) {
    const option = (flags >>> 1) & 0b11;
    if (option !== 0) names.push(`bits 1-2 ${DEFLATE_OPTIONS[option]} compression`);
  }
  const known = FLAG_BITS.reduce((mask, [bit]) => mask | (1 << bit), method === 8 || method === 9 ? 0b110 : 0);
  const unknown = flags & ~known & 0xffff;
  if (unknown !== 0) names.push(`other bits ${hex(unknown, 4)}`);
  return names.length === 0 ? 'none' : names.join(', ');
}

/** "-rwxr-xr-x" for a Unix st_mode. */
export function unixModeText(mode: number): string {
  const types: Record<number, string> = { 0o040000: 'd', 0o120000: 'l', 0o100000: '-', 0o020000: 'c', 0o060000: 'b', 0o010000: 'p', 0o140000: 's' };
  let text = types[mode & S_IFMT] ?? '?';
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) text += (mode & (1 << (8 - i))) !== 0 ? rwx[i] : '-';
  const chars = text.split('');
  if (mode & 0o4000) chars[3] = chars[3] === 'x' ? 's' : 'S';
  if (mode & 0o2000) chars[6] = chars[6] === 'x' ? 's' : 'S';
  if (mode & 0o1000) chars[9] = chars[9] === 'x' ? 't' : 'T';
  return chars.join('');
}

/** "DA" style letters for the MS-DOS attributes in the low byte. */
export function dosAttributesText(attributes: number): string {
  const letters: [number, string][] = [
    [DOS_ATTR_READONLY, 'R'],
    [DOS_ATTR_HIDDEN, 'H'],
    [DOS_ATTR_SYSTEM, 'S'],
    [DOS_ATTR_DIRECTORY, 'D'],
    [DOS_ATTR_ARCHIVE, 'A'],
  ];
  const text = letters.filter(([bit]) => (attributes & bit) !== 0).map(([, letter]) => letter).join('');
  return text === '' ? 'none' : text;
}

export function externalAttributesText(external: number, versionMadeBy: number): string {
  const host = versionMadeBy >>> 8;
  const dos = `DOS ${dosAttributesText(external & 0xff)}`;
  const mode = external >>> 16;
  if ((host === HOST_UNIX || host === HOST_OSX) && mode !== 0) return `${unixModeText(mode)} (${mode.toString(8).padStart(6, '0')}), ${dos}`;
  return dos;
}

/**
 * A size field's meaning, shown after its value (`= 40000 (40.0 KB)`, or beside it in the
 * window): "600 bytes", or in the decimal units of the window's listing and the command line's
 * job lines. It said `40000 bytes (39.1 KiB)`: the value again, beside a listing of 40.0 KB.
 */
function sizeMeaning(n: number): string {
  if (n < 1000) return n === 1 ? '1 byte' : `${n} bytes`;
  return scaledBytes(n);
}

function scaledBytes(n: number): string {
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * A FILETIME as a date. 0 is no time (7-Zip writes it for one it has not), and the reader takes
 * neither it nor one past the year 9998 for the modification time (reader.ts): said so, where
 * it showed 1601-01-01.
 */
function filetimeText(ticks: number, modification = false): string {
  if (ticks === 0) return modification ? 'none (0): not used' : 'none (0)';
  const ms = Math.floor(ticks / 10_000) - 11_644_473_600_000;
  const date = new Date(ms);
  const text = Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString();
  return modification && ticks > MAX_FILETIME ? `${text}, past the year 9998: not used` : text;
}

// ---------------------------------------------------------------------------------------------

type Meaning = (value: number | Buffer, row: FieldView) => string | undefined;

/** The ZIP64 extra field's name for each header field whose marker sends its value there. */
const ZIP64_VALUE_OF = { uncompressedSize: 'originalSize', compressedSize: 'compressedSize', relativeOffsetOfLocalHeader: 'relativeHeaderOffset', diskNumberStart: 'diskStartNumber' } as const;

/**
 * The meanings of a header's fields; `zip64Values` names the values its ZIP64 extra field holds
 * (a marker whose value is not there says so).
 */
function headerMeanings(signature: number, values: Record<string, number>, zip64Values: ReadonlySet<string>): Record<string, Meaning> {
  const flags = values['generalPurposeBitFlag'] ?? 0;
  const method = values['compressionMethod'] ?? 0;
  const inZip64 = (field: keyof typeof ZIP64_VALUE_OF): string => (zip64Values.has(ZIP64_VALUE_OF[field]) ? 'in the ZIP64 extra field' : 'ZIP64 marker, but no ZIP64 extra field value for it');
  const size = (field: 'uncompressedSize' | 'compressedSize', v: number | Buffer): string | undefined => (typeof v !== 'number' ? undefined : v === ZIP64_MARKER_32 ? inZip64(field) : sizeMeaning(v));
  return {
    signature: (v) => (v === signature ? `${hex(signature)}, as expected` : `bad signature: expected ${hex(signature)}`),
    versionMadeBy: (v) => versionMadeByText(v as number),
    versionNeededToExtract: (v) => versionText(v as number),
    generalPurposeBitFlag: (v) => flagText(v as number, method),
    compressionMethod: (v) => methodName(v as number),
    lastModFileTime: (v) => formatDosTime(v as number) + (isValidDosDateTime(values['lastModFileDate'] ?? 0x21, v as number) ? '' : ' (out of range)'),
    lastModFileDate: (v) => formatDosDate(v as number) + (isValidDosDateTime(v as number, 0) ? ' (local time)' : ' (out of range)'),
    crc32: (v) => ((flags & BITFLAG_DATA_DESCRIPTOR) !== 0 && v === 0 && signature === SIGNATURE.LOCAL_FILE_HEADER ? 'in the data descriptor' : hex(v as number)),
    compressedSize: (v) => ((flags & BITFLAG_DATA_DESCRIPTOR) !== 0 && v === 0 && signature === SIGNATURE.LOCAL_FILE_HEADER ? 'in the data descriptor' : size('compressedSize', v)),
    uncompressedSize: (v) => ((flags & BITFLAG_DATA_DESCRIPTOR) !== 0 && v === 0 && signature === SIGNATURE.LOCAL_FILE_HEADER ? 'in the data descriptor' : size('uncompressedSize', v)),
    fileNameLength: (v) => `${v} bytes`,
    extraFieldLength: (v) => `${v} bytes`,
    fileCommentLength: (v) => `${v} bytes`,
    diskNumberStart: (v) => (v === ZIP64_MARKER_16 ? inZip64('diskNumberStart') : `disk ${v}`),
    internalFileAttributes: (v) => ((v as number) & 1 ? 'text' : 'binary'),
    externalFileAttributes: (v) => externalAttributesText(v as number, values['versionMadeBy'] ?? 0),
    relativeOffsetOfLocalHeader: (v) => (v === ZIP64_MARKER_32 ? inZip64('relativeOffsetOfLocalHeader') : `local header at offset ${v}`),
    fileName: (v) => ((flags & BITFLAG_UTF8) !== 0 ? 'UTF-8 (bit 11)' : `${Buffer.isBuffer(v) && !isAsciiBytes(v) && isUtf8(v) ? 'UTF-8' : 'CP437'} (no bit 11)`),
  };
}

function rowsOf(views: readonly FieldView[], meanings: Record<string, Meaning>, text: (name: string, bytes: Buffer) => string | undefined, mismatched: ReadonlySet<string>): FieldRow[] {
  return views.map((view) => {
    let meaning = meanings[view.name]?.(view.value, view);
    const value = typeof view.value === 'number' ? exactValue(view.value, view) : (text(view.name, view.value) ?? `${view.size} bytes`);
    // The meaning says the value as the number rounded it: the exact digits instead.
    if (typeof value === 'string' && typeof view.value === 'number' && meaning !== undefined) meaning = meaning.replaceAll(String(view.value), value);
    const row: { -readonly [K in keyof FieldRow]: FieldRow[K] } = { name: view.name, offset: view.offset, size: view.size, raw: view.raw, value };
    if (meaning !== undefined) row.meaning = meaning;
    if (mismatched.has(view.name)) row.mismatch = true;
    return row;
  });
}

/** An 8-byte value past 2^53 (an NTFS time), which a number would round, as its exact digits from the raw bytes. */
function exactValue(value: number, view: FieldView): number | string {
  if (Number.isSafeInteger(value)) return value;
  return BigInt(`0x${view.raw.split(' ').reverse().join('')}`).toString();
}

/** What an extra field area's fields are read against: the header that holds them. */
export interface ExtraFieldOwner {
  /** The header's name bytes, and its comment's, whose CRC-32 a Unicode path (comment) field records. */
  readonly name: Buffer;
  readonly comment?: Buffer;
  /** A local header's size fields, which say what its ZIP64 field holds. */
  readonly localSizes?: { readonly compressedSize: number; readonly uncompressedSize: number };
}

/** Walks an extra field area and decodes each field it knows. Never reads outside [start, end). */
export function describeExtraFields(buf: Buffer, start: number, end: number, base: number, context: ExtraContext, owner?: ExtraFieldOwner): ExtraFieldView[] {
  const localSizes = owner?.localSizes;
  const views: ExtraFieldView[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) {
      views.push({ headerId: NO_HEADER_ID, title: 'trailing bytes', section: undefined, offset: base + p, length: end - p, fields: [rawRow('padding', buf, p, end, base)] });
      break;
    }
    const id = buf.readUInt16LE(p);
    const dataSize = buf.readUInt16LE(p + 2);
    const dataEnd = p + 4 + dataSize;
    if (dataEnd > end) {
      views.push({
        headerId: id,
        title: `${EXTRA_FIELD_LAYOUTS.get(id)?.title ?? 'unknown'} (runs past the extra field area)`,
        section: undefined,
        offset: base + p,
        length: end - p,
        fields: [
          { name: 'headerId', offset: base + p, size: 2, raw: rawHex(buf, p, p + 2), value: id, meaning: hex(id, 4) },
          { name: 'dataSize', offset: base + p + 2, size: 2, raw: rawHex(buf, p + 2, p + 4), value: dataSize, meaning: `${dataSize} bytes declared, ${end - p - 4} present` },
          rawRow('data', buf, p + 4, end, base),
        ],
      });
      break;
    }
    const layout = EXTRA_FIELD_LAYOUTS.get(id);
    if (id === EXTRA_ID.NTFS) {
      views.push({ headerId: id, title: EXTRA_NTFS.title, section: EXTRA_NTFS.section, offset: base + p, length: 4 + dataSize, fields: ntfsRows(buf, p + 4, dataEnd, base) });
    } else if (layout === undefined) {
      views.push({
        headerId: id,
        // (Its label puts the id before it: extraFieldLabel.)
        title: 'unknown extra field',
        section: undefined,
        offset: base + p,
        length: 4 + dataSize,
        fields: [
          { name: 'headerId', offset: base + p, size: 2, raw: rawHex(buf, p, p + 2), value: id, meaning: hex(id, 4) },
          { name: 'dataSize', offset: base + p + 2, size: 2, raw: rawHex(buf, p + 2, p + 4), value: dataSize, meaning: `${dataSize} bytes` },
          rawRow('data', buf, p + 4, dataEnd, base),
        ],
      });
    } else {
      // A local ZIP64 field as the reader reads it: both sizes, or only the one that overflowed.
      // Past both sizes, some writers repeat there the offset and disk 4.5.3 puts in the central
      // record's field only: shown by name (and said not read), not as unparsed bytes.
      const fieldContext =
        id === EXTRA_ID.ZIP64 && localSizes !== undefined
          ? dataSize >= 24
            ? { local: true, zip64: { uncompressedSize: true, compressedSize: true, relativeOffsetOfLocalHeader: true, diskNumberStart: dataSize >= 28 } }
            : localZip64Context(localSizes, dataSize)
          : context;
      const fieldViews = layout.describe(buf, p + 4, dataEnd, fieldContext, base);
      const decoded = layout.decode(buf, p + 4, dataEnd, fieldContext).values;
      const meanings = extraMeanings(id, decoded, owner);
      views.push({
        headerId: id,
        title: layout.title,
        section: layout.section,
        offset: base + p,
        length: 4 + dataSize,
        fields: rowsOf(fieldViews, meanings, (name, bytes) => (name === 'unicodeName' || name === 'unicodeComment' ? utf8OrEscaped(bytes) : undefined), new Set()),
      });
    }
    p = dataEnd;
  }
  return views;
}

/**
 * The NTFS field (4.5.5): its reserved bytes, then each attribute's tag, size and data, the file
 * times decoded (the field as ntfsModificationTime walks it). An attribute whose size runs past
 * the field's end is shown as far as it goes, and ends the walk.
 */
function ntfsRows(buf: Buffer, start: number, end: number, base: number): FieldRow[] {
  const meanings: Record<string, Meaning> = {
    ...extraMeanings(EXTRA_ID.NTFS, {}, undefined),
    tag: (v) => (v === 1 ? 'attribute 1: file times' : `attribute ${v}, unknown`),
  };
  const rows = rowsOf(EXTRA_NTFS.describe(buf, start, Math.min(end, start + NTFS_FIRST_ATTRIBUTE), NTFS_CONTEXT, base), meanings, () => undefined, new Set());
  let p = start + NTFS_FIRST_ATTRIBUTE;
  while (p + 4 <= end) {
    const tagSize = buf.readUInt16LE(p + 2);
    const attributeEnd = p + 4 + tagSize;
    const tagMeanings: Record<string, Meaning> = {
      ...meanings,
      tagSize: (v) =>
        attributeEnd > end ? `${v} bytes declared, ${end - p - 4} present` : buf.readUInt16LE(p) === 1 && tagSize < 24 ? `${v} bytes, too few for the file times (24): not read` : `${v} bytes`,
    };
    if (attributeEnd > end) {
      // Not read (ntfsModificationTime stops here): its tag and size, and the bytes there are.
      rows.push(...rowsOf(NTFS_ATTRIBUTE.describeData(buf, p, p + 4, NTFS_CONTEXT, base).slice(0, 2), tagMeanings, () => undefined, new Set()), rawRow('attributeData', buf, p + 4, end, base));
      return rows;
    }
    rows.push(...rowsOf(NTFS_ATTRIBUTE.describeData(buf, p, attributeEnd, NTFS_CONTEXT, base), tagMeanings, () => undefined, new Set()));
    p = attributeEnd;
  }
  if (p < end) rows.push(rawRow('(unparsed)', buf, p, end, base));
  return rows;
}

const NTFS_CONTEXT: ExtraContext = { local: false };

/**
 * A Unicode path or comment field's CRC-32 and what becomes of the field, as the reader decides
 * it (names.ts unicodeExtraText): used only when the CRC-32 is that of the header's bytes, the
 * version is 1, and the text is UTF-8 and not empty.
 */
function unicodeCrcMeaning(decoded: Record<string, number | Buffer>, crcField: 'nameCrc32' | 'commentCrc32', headerBytes: Buffer | undefined): Meaning {
  return (v) => {
    const crc = hex(v as number);
    if (headerBytes === undefined) return crc;
    const what = crcField === 'nameCrc32' ? 'header name' : 'file comment';
    if (nameCrc32(headerBytes) !== v) return `${crc}, does not match the ${what} (${hex(nameCrc32(headerBytes))}): ignored`;
    const text = decoded[crcField === 'nameCrc32' ? 'unicodeName' : 'unicodeComment'];
    if (unicodeExtraText(decoded['version'], v, text, headerBytes) !== undefined) return `${crc}, matches the ${what}: used`;
    const why = decoded['version'] !== 1 ? `version ${String(decoded['version'])} is unknown` : !Buffer.isBuffer(text) || text.length === 0 ? 'the text is empty' : 'the text is not UTF-8';
    return `${crc}, matches the ${what}, but ${why}: ignored`;
  };
}

function extraMeanings(id: number, decoded: Record<string, number | Buffer>, owner: ExtraFieldOwner | undefined): Record<string, Meaning> {
  const common: Record<string, Meaning> = { headerId: (v) => hex(v as number, 4), dataSize: (v) => `${v} bytes` };
  switch (id) {
    case EXTRA_ID.ZIP64:
      if (owner?.localSizes !== undefined) {
        return { ...common, originalSize: (v) => sizeMeaning(v as number), compressedSize: (v) => sizeMeaning(v as number), relativeHeaderOffset: (v) => `offset ${v}, in a local header: not read`, diskStartNumber: (v) => `disk ${v}, in a local header: not read` };
      }
      return { ...common, originalSize: (v) => sizeMeaning(v as number), compressedSize: (v) => sizeMeaning(v as number), relativeHeaderOffset: (v) => `local header at offset ${v}`, diskStartNumber: (v) => `disk ${v}` };
    case EXTRA_ID.EXTENDED_TIMESTAMP:
      return {
        ...common,
        flags: (v) => ['modification', 'access', 'creation'].filter((_, bit) => ((v as number) & (1 << bit)) !== 0).join(', ') || 'none',
        modTime: (v) => isoSeconds(v as number),
        acTime: (v) => isoSeconds(v as number),
        crTime: (v) => isoSeconds(v as number),
      };
    case EXTRA_ID.NTFS:
      return { ...common, mtime: (v) => filetimeText(v as number, true), atime: (v) => filetimeText(v as number), ctime: (v) => filetimeText(v as number) };
    case EXTRA_ID.INFOZIP_UNICODE_PATH:
    case EXTRA_ID.INFOZIP_UNICODE_COMMENT:
      return {
        ...common,
        version: (v) => (v === 1 ? 'version 1' : `version ${v}, unknown`),
        nameCrc32: unicodeCrcMeaning(decoded, 'nameCrc32', owner?.name),
        commentCrc32: unicodeCrcMeaning(decoded, 'commentCrc32', owner?.comment),
        unicodeName: (v) => (Buffer.isBuffer(v) && !isUtf8(v) ? 'not UTF-8: bytes shown as \\xNN' : undefined),
        unicodeComment: (v) => (Buffer.isBuffer(v) && !isUtf8(v) ? 'not UTF-8: bytes shown as \\xNN' : undefined),
      };
    case EXTRA_ID.INFOZIP_UNIX_OLD:
      return { ...common, acTime: (v) => isoSeconds(v as number), modTime: (v) => isoSeconds(v as number) };
    case EXTRA_ID.PKWARE_UNIX:
      return { ...common, atime: (v) => isoSeconds(v as number), mtime: (v) => isoSeconds(v as number) };
    case EXTRA_ID.WINZIP_AES:
      return {
        ...common,
        vendorVersion: (v) => (v === 1 ? 'AE-1' : v === 2 ? 'AE-2' : `version ${v}`),
        vendorId: (v) => JSON.stringify(String.fromCharCode((v as number) & 0xff, (v as number) >>> 8)),
        aesStrength: (v) => ({ 1: 'AES-128', 2: 'AES-192', 3: 'AES-256' })[v as number] ?? `strength ${v}`,
        compressionMethod: (v) => methodName(v as number),
      };
    default:
      void decoded;
      return common;
  }
}

function rawRow(name: string, buf: Buffer, start: number, end: number, base: number): FieldRow {
  return { name, offset: base + start, size: end - start, raw: rawHex(buf, start, end), value: `${end - start} bytes` };
}

function extraSummary(extras: readonly ExtraFieldView[]): string {
  return extras.length === 0 ? 'none' : extras.map(extraFieldLabel).join('; ');
}

function headerView<N extends string, T extends string>(layout: RecordLayout<N, T>, bytes: Buffer, offset: number, mismatched: ReadonlySet<string>, local: boolean): RecordView {
  const values = layout.decode(bytes, 0) as unknown as Record<string, number>;
  const flags = values['generalPurposeBitFlag'] ?? 0;
  const nameStart = layout.size;
  const nameEnd = nameStart + (values['fileNameLength'] ?? 0);
  const extraEnd = Math.min(bytes.length, nameEnd + (values['extraFieldLength'] ?? 0));
  const context: ExtraContext = local
    ? { local: true }
    : {
        local: false,
        zip64: {
          uncompressedSize: values['uncompressedSize'] === ZIP64_MARKER_32,
          compressedSize: values['compressedSize'] === ZIP64_MARKER_32,
          relativeOffsetOfLocalHeader: values['relativeOffsetOfLocalHeader'] === ZIP64_MARKER_32,
          diskNumberStart: values['diskNumberStart'] === ZIP64_MARKER_16,
        },
      };
  const owner: ExtraFieldOwner = local
    ? { name: bytes.subarray(nameStart, nameEnd), localSizes: { compressedSize: values['compressedSize'] ?? 0, uncompressedSize: values['uncompressedSize'] ?? 0 } }
    : { name: bytes.subarray(nameStart, nameEnd), comment: bytes.subarray(nameEnd + (values['extraFieldLength'] ?? 0), nameEnd + (values['extraFieldLength'] ?? 0) + (values['fileCommentLength'] ?? 0)) };
  const extraFields = describeExtraFields(bytes, nameEnd, extraEnd, offset, context, owner);
  const zip64Values = new Set(extraFields.find((extra) => extra.headerId === EXTRA_ID.ZIP64)?.fields.map((row) => row.name));
  const meanings = headerMeanings(layout.signature!, values, zip64Values);
  meanings['extraField'] = () => extraSummary(extraFields);
  const fields = rowsOf(layout.describe(bytes, 0, offset), meanings, (name, tail) => (name === 'fileName' || name === 'fileComment' ? decodeHeaderText(tail, 0, tail.length, flags) : undefined), mismatched);
  return { title: layout.title, section: layout.section, offset, length: layout.lengthOf(values as never), fields, extraFields };
}

/**
 * Fields both headers hold whose disagreement does not change how the entry reads (the checks
 * compare only the flags that do): marked side by side, but not among the mismatches.
 */
const HARMLESS_WHEN_DIFFERENT = ['versionNeededToExtract', 'generalPurposeBitFlag', 'lastModFileTime', 'lastModFileDate'] as const;

/** Every field of the entry's central record and local header, side by side, with disagreements marked. */
export async function inspectEntry(reader: ZipReader, entry: ZipEntry): Promise<EntryInspection> {
  const source = reader.source;
  const centralFixed = await source.read(entry.centralHeaderOffset, CENTRAL_DIRECTORY_HEADER.size);
  const centralValues = CENTRAL_DIRECTORY_HEADER.decode(centralFixed, 0);
  const centralLength = CENTRAL_DIRECTORY_HEADER.lengthOf(centralValues);
  const centralBytes = await source.read(entry.centralHeaderOffset, Math.min(centralLength, source.size - entry.centralHeaderOffset));
  let mismatches: HeaderMismatch[] = [];
  /** Fields marked on both sides: the mismatches, and the shared fields that differ harmlessly. */
  const marked = new Set<string>();
  let local: RecordView | undefined;
  let localError: { code: string; message: string } | undefined;
  let dataOffset: number | undefined;
  let dataDescriptor: RecordView | undefined;
  try {
    const header = await reader.readLocalHeader(entry);
    mismatches = header.mismatches;
    for (const m of mismatches) marked.add(m.field);
    for (const field of HARMLESS_WHEN_DIFFERENT) if (header.values[field] !== centralValues[field]) marked.add(field);
    dataOffset = header.dataOffset;
    local = headerView(LOCAL_FILE_HEADER, header.header, header.offset, marked, true);
    if (entry.hasDataDescriptor) {
      const centralSizesInZip64 = centralValues.compressedSize === ZIP64_MARKER_32 || centralValues.uncompressedSize === ZIP64_MARKER_32;
      dataDescriptor = await descriptorView(reader, entry, header.dataOffset + entry.compressedSize, header.header, centralSizesInZip64);
    }
  } catch (e) {
    if (!isZipError(e)) throw e;
    localError = { code: e.code, message: e.message };
  }
  let central = headerView(CENTRAL_DIRECTORY_HEADER, centralBytes, entry.centralHeaderOffset, marked, false);
  if (reader.info.offsetAdjustment !== 0) {
    // With a prefix the offsets do not count, say where the local header really is (the
    // header's offset, or the ZIP64 field's that its marker sends the reader to).
    const adjusted = (rows: FieldRow[], name: string): FieldRow[] =>
      rows.map((row) => (row.name === name ? { ...row, meaning: `${row.meaning ?? ''}; at ${entry.localHeaderOffset} after adding the ${reader.info.offsetAdjustment}-byte prefix` } : row));
    central = {
      ...central,
      fields: adjusted(central.fields, 'relativeOffsetOfLocalHeader'),
      extraFields: central.extraFields?.map((extra) => (extra.headerId === EXTRA_ID.ZIP64 ? { ...extra, fields: adjusted(extra.fields, 'relativeHeaderOffset') } : extra)),
    };
  }
  const result: { -readonly [K in keyof EntryInspection]: EntryInspection[K] } = { index: entry.index, name: entry.name, central, local, mismatches };
  if (localError !== undefined) result.localError = localError;
  if (dataOffset !== undefined) result.dataOffset = dataOffset;
  if (dataDescriptor !== undefined) result.dataDescriptor = dataDescriptor;
  return result;
}

/** What may follow an entry's data descriptor: the next entry, the central directory, the end records. */
const NEXT_SIGNATURES: ReadonlySet<number> = new Set([SIGNATURE.LOCAL_FILE_HEADER, SIGNATURE.CENTRAL_DIRECTORY_HEADER, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY, SIGNATURE.END_OF_CENTRAL_DIRECTORY]);

async function descriptorView(reader: ZipReader, entry: ZipEntry, at: number, localHeader: Buffer, centralSizesInZip64: boolean): Promise<RecordView | undefined> {
  const available = reader.source.size - at;
  if (available < DATA_DESCRIPTOR_UNSIGNED.size) return undefined;
  // (And what follows it: the next header's signature says how long it was.)
  const bytes = await reader.source.read(at, Math.min(DATA_DESCRIPTOR_ZIP64.size + 4, available));
  if (noDescriptorAfter(bytes)) return undefined; // bit 3 set, but the next header follows the data (as test reads it)
  const signed = bytes.readUInt32LE(0) === SIGNATURE.DATA_DESCRIPTOR;
  // 8-byte sizes or 4-byte ones, signed or not (libarchive's test_read_format_zip_with_invalid_traditional_eocd.zip has
  // unsigned 8-byte ones). Writers disagree on when to write which: yazl writes 8-byte sizes after a central ZIP64
  // field and no local one (yauzl's zip64.zip), Go 4-byte ones after a central ZIP64 field that holds only the
  // offset (an entry past 4 GiB). So the width after which the next header starts, when only one is; else 4.3.9.2's
  // rule, 8-byte sizes after a local ZIP64 field, or with the central record's sizes in its ZIP64 field.
  const wide = signed ? DATA_DESCRIPTOR_ZIP64 : DATA_DESCRIPTOR_ZIP64_UNSIGNED;
  const narrow = signed ? DATA_DESCRIPTOR : DATA_DESCRIPTOR_UNSIGNED;
  const headerAfter = (size: number): boolean => bytes.length >= size + 4 && NEXT_SIGNATURES.has(bytes.readUInt32LE(size));
  const zip64 = headerAfter(wide.size) !== headerAfter(narrow.size) ? headerAfter(wide.size) : centralSizesInZip64 || hasExtra(localHeader, EXTRA_ID.ZIP64);
  const layout = zip64 && bytes.length >= wide.size ? wide : narrow;
  if (bytes.length < layout.size) return undefined;
  const values = layout.decode(bytes, 0) as unknown as Record<string, number>;
  const meanings: Record<string, Meaning> = {
    signature: () => `${hex(SIGNATURE.DATA_DESCRIPTOR)} (optional, 4.3.9.3)`,
    crc32: (v) => (v === entry.crc32 ? `${hex(v as number)}, matches the central directory` : `${hex(v as number)}, central directory says ${hex(entry.crc32)}`),
    compressedSize: (v) => (v === entry.compressedSize ? sizeMeaning(v as number) : `${v}, central directory says ${entry.compressedSize}`),
    uncompressedSize: (v) => (v === entry.uncompressedSize ? sizeMeaning(v as number) : `${v}, central directory says ${entry.uncompressedSize}`),
  };
  const fields = rowsOf(layout.describe(bytes, 0, at), meanings, () => undefined, new Set());
  return { title: layout.title, section: layout.section, offset: at, length: layout.lengthOf(values as never), fields };
}

function hasExtra(localHeader: Buffer, id: number): boolean {
  const values = LOCAL_FILE_HEADER.decode(localHeader, 0);
  const start = LOCAL_FILE_HEADER.size + values.fileNameLength;
  const end = Math.min(localHeader.length, start + values.extraFieldLength);
  for (let p = start; p + 4 <= end; p += 4 + localHeader.readUInt16LE(p + 2)) if (localHeader.readUInt16LE(p) === id) return true;
  return false;
}

/** The end records: end of central directory, and the ZIP64 end record and locator when present. */
export async function inspectArchive(reader: ZipReader): Promise<ArchiveInspection> {
  const { info, source } = reader;
  const eocdOffset = info.endOfCentralDirectoryOffset;
  const fixed = await source.read(eocdOffset, END_OF_CENTRAL_DIRECTORY.size);
  const eocdValues = END_OF_CENTRAL_DIRECTORY.decode(fixed, 0);
  const eocdBytes = await source.read(eocdOffset, END_OF_CENTRAL_DIRECTORY.lengthOf(eocdValues));
  const adjustment = info.offsetAdjustment;
  const offsetMeaning = (v: number | Buffer): string => {
    if (v === ZIP64_MARKER_32) return 'in the ZIP64 end record';
    const at = (v as number) + adjustment;
    // Where the reader found it, when that is not where the offset says (a directory whose size runs into the end record is read where its size puts it).
    if (at !== info.centralDirectoryOffset) return `offset ${v}, but the directory was read at ${info.centralDirectoryOffset}, where its size puts it before the end record`;
    return adjustment !== 0 ? `offset ${v}; the directory is at ${at} (${adjustment} bytes before the archive are not counted)` : `central directory at offset ${v}`;
  };
  const countMeaning = (v: number | Buffer): string => (v === ZIP64_MARKER_16 ? 'in the ZIP64 end record' : `${v} entries`);
  const eocdMeanings: Record<string, Meaning> = {
    signature: () => `${hex(SIGNATURE.END_OF_CENTRAL_DIRECTORY)}, as expected`,
    numberOfThisDisk: (v) => (v === ZIP64_MARKER_16 ? 'in the ZIP64 end record' : `disk ${v}`),
    diskWhereCentralDirectoryStarts: (v) => (v === ZIP64_MARKER_16 ? 'in the ZIP64 end record' : `disk ${v}`),
    numberOfCentralDirectoryRecordsOnThisDisk: countMeaning,
    totalNumberOfCentralDirectoryRecords: countMeaning,
    sizeOfCentralDirectory: (v) => (v === ZIP64_MARKER_32 ? 'in the ZIP64 end record' : sizeMeaning(v as number)),
    offsetOfStartOfCentralDirectory: offsetMeaning,
    commentLength: (v) => `${v} bytes` + (info.trailingBytes > 0 ? `; ${info.trailingBytes} bytes follow the archive` : ''),
  };
  const endOfCentralDirectory: RecordView = {
    title: END_OF_CENTRAL_DIRECTORY.title,
    section: END_OF_CENTRAL_DIRECTORY.section,
    offset: eocdOffset,
    length: eocdBytes.length,
    fields: rowsOf(END_OF_CENTRAL_DIRECTORY.describe(eocdBytes, 0, eocdOffset), eocdMeanings, (name, bytes) => (name === 'comment' ? unflaggedText(bytes) : undefined), new Set()),
  };
  const result: { -readonly [K in keyof ArchiveInspection]: ArchiveInspection[K] } = {
    size: info.size,
    entryCount: info.entryCount,
    offsetAdjustment: info.offsetAdjustment,
    trailingBytes: info.trailingBytes,
    endOfCentralDirectory,
  };
  const locatorAt = eocdOffset - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size;
  if (info.zip64EndOfCentralDirectoryOffset === undefined) {
    // A locator the reader found before the end record but could not use (a split archive's, one
    // pointing nowhere): shown, and said to be ignored.
    const locator = locatorAt >= 0 ? await source.read(locatorAt, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size) : undefined;
    if (locator !== undefined && locator.readUInt32LE(0) === SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR) {
      result.zip64Ignored = ZIP64_LOCATOR_IGNORED;
      result.zip64EndOfCentralDirectoryLocator = {
        title: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.title,
        section: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.section,
        offset: locatorAt,
        length: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size,
        fields: rowsOf(
          ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.describe(locator, 0, locatorAt),
          {
            signature: () => `${hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)}; ${ZIP64_LOCATOR_IGNORED}`,
            diskWithZip64EndOfCentralDirectory: (v) => `disk ${v}`,
            relativeOffsetOfZip64EndOfCentralDirectory: (v) => `offset ${v}`,
            totalNumberOfDisks: (v) => `${v} disk${v === 1 ? '' : 's'}`,
          },
          () => undefined,
          new Set(),
        ),
      };
    }
  } else {
    const at = info.zip64EndOfCentralDirectoryOffset;
    const ignored = info.zip64EndOfCentralDirectoryIgnored;
    if (ignored) result.zip64Ignored = ZIP64_RECORD_IGNORED;
    /** A value of an ignored record: what it says, and that it is not what was read. */
    const unused = (meaning: Meaning): Meaning => (ignored ? (v, row) => `${meaning(v, row) ?? v}; ignored` : meaning);
    // The record with its extensible data sector (4.3.14.2), which the reader found to fit before the locator.
    const fixedPart = await source.read(at, ZIP64_END_OF_CENTRAL_DIRECTORY.size);
    const recordLength = 12 + ZIP64_END_OF_CENTRAL_DIRECTORY.decode(fixedPart, 0).sizeOfZip64EndOfCentralDirectoryRecord;
    const bytes = recordLength > fixedPart.length ? await source.read(at, recordLength) : fixedPart;
    const z64Meanings: Record<string, Meaning> = {
      signature: () => `${hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY)}, as expected` + (ignored ? `; ${ZIP64_RECORD_IGNORED}` : ''),
      sizeOfZip64EndOfCentralDirectoryRecord: (v) => `${v} bytes after this field` + ((v as number) > ZIP64_END_OF_CENTRAL_DIRECTORY.size - 12 ? ` (${(v as number) - (ZIP64_END_OF_CENTRAL_DIRECTORY.size - 12)} bytes of extensible data)` : ''),
      versionMadeBy: (v) => versionMadeByText(v as number),
      versionNeededToExtract: (v) => versionText(v as number),
      numberOfThisDisk: (v) => `disk ${v}`,
      diskWhereCentralDirectoryStarts: (v) => `disk ${v}`,
      numberOfCentralDirectoryRecordsOnThisDisk: unused((v) => `${v} entries`),
      totalNumberOfCentralDirectoryRecords: unused((v) => `${v} entries`),
      sizeOfCentralDirectory: unused((v) => sizeMeaning(v as number)),
      offsetOfStartOfCentralDirectory: ignored ? unused((v) => `offset ${v}`) : offsetMeaning,
    };
    const z64Fields = rowsOf(ZIP64_END_OF_CENTRAL_DIRECTORY.describe(bytes, 0, at), z64Meanings, () => undefined, new Set());
    if (bytes.length > ZIP64_END_OF_CENTRAL_DIRECTORY.size) z64Fields.push(rawRow('zip64ExtensibleDataSector', bytes, ZIP64_END_OF_CENTRAL_DIRECTORY.size, bytes.length, at));
    result.zip64EndOfCentralDirectory = {
      title: ZIP64_END_OF_CENTRAL_DIRECTORY.title,
      section: ZIP64_END_OF_CENTRAL_DIRECTORY.section,
      offset: at,
      length: bytes.length,
      fields: z64Fields,
    };
    const locator = await source.read(locatorAt, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size);
    const locatorMeanings: Record<string, Meaning> = {
      signature: () => `${hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)}, as expected`,
      diskWithZip64EndOfCentralDirectory: (v) => `disk ${v}`,
      relativeOffsetOfZip64EndOfCentralDirectory: (v) => (v === at ? `ZIP64 end record at offset ${v}` : `offset ${v}; the record is at ${at}`),
      totalNumberOfDisks: (v) => `${v} disk${v === 1 ? '' : 's'}`,
    };
    result.zip64EndOfCentralDirectoryLocator = {
      title: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.title,
      section: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.section,
      offset: locatorAt,
      length: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size,
      fields: rowsOf(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.describe(locator, 0, locatorAt), locatorMeanings, () => undefined, new Set()),
    };
  }
  return result;
}
