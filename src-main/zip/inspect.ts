// The header inspector (issue 2, `zipdesk inspect` and the app's header view): every field of
// an entry's local header and central record side by side, and of the archive's end records,
// each with its absolute offset, raw bytes, value and what the value means. Fields come from
// the record layouts' `describe` (records.ts), so the inspector shows exactly what the reader
// reads. Extra fields are decoded through EXTRA_FIELD_LAYOUTS; unknown ones are shown raw.
// Everything returned is plain JSON-serializable data: it crosses IPC to the renderer.

import { Buffer, isUtf8 } from 'node:buffer';
import {
  AES_STRENGTHS,
  BITFLAG_DATA_DESCRIPTOR,
  BITFLAG_UTF8,
  DOS_ATTR_ARCHIVE,
  DOS_ATTR_DIRECTORY,
  DOS_ATTR_HIDDEN,
  DOS_ATTR_READONLY,
  DOS_ATTR_SYSTEM,
  HOST_OSX,
  HOST_UNIX,
  METHOD_NAMES,
  METHOD_STORED,
  METHOD_ZSTANDARD_OLD,
  S_IFMT,
  ZIP64_MARKER_16,
  ZIP64_MARKER_32,
} from './constants.js';
import { MAX_FILETIME, extendedTimestampSeconds, formatDosDate, formatDosTime, isValidDosDateTime } from './dostime.js';
import { isZipError, hex, wordedAs, type Worded } from './errors.js';
import { rawHex, type ExtraContext, type FieldView, type RecordLayout } from './layout.js';
import type { HeaderMismatch, ZipEntry } from './model.js';
import { codePageText, decodeHeaderText, isAsciiBytes, nameCrc32, unflaggedText, unicodeExtraText, utf8OrEscaped, type CodePage } from './names.js';
import type { ZipReader } from './reader.js';
import { MEANING_ENGLISH, meaning, meaningText, part, sizePart, textPart, type Meaning, type MeaningPart } from './meanings.js';
import { noDescriptorAfter } from './entry-data.js';
import { CUT_SHORT, RECORD_TITLE_ENGLISH, titleCodeOf } from './record-titles.js';
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
  /** What the value means: a method's name, a date as text, flag bits by name, rwx… (in English: `meaningClauses`'s text). */
  readonly meaning?: string;
  /** The meaning as codes and values (meanings.ts), for the window to say in the user's language; not in `inspect --json`. */
  readonly meaningClauses?: Meaning;
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
  /** The kind and values of `localError`'s message, for the window to say it in the user's language; not in `inspect --json`. */
  readonly localErrorWording?: Worded;
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
const ZIP64_RECORD_IGNORED = MEANING_ENGLISH.ZIP64_END_RECORD_IGNORED;
const ZIP64_LOCATOR_IGNORED = MEANING_ENGLISH.ZIP64_LOCATOR_IGNORED;

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

/** 4.4.4 bits by name. */
const FLAG_BITS: readonly (readonly [number, MeaningPart['code']])[] = [
  [0, 'FLAG_ENCRYPTED'],
  [3, 'FLAG_DATA_DESCRIPTOR'],
  [4, 'FLAG_ENHANCED_DEFLATING'],
  [5, 'FLAG_PATCHED_DATA'],
  [6, 'FLAG_STRONG_ENCRYPTION'],
  [11, 'FLAG_UTF8'],
  [13, 'FLAG_MASKED_HEADER'],
];

/** Deflate's options in bits 1-2 (4.4.4), but for normal, which is not said. */
const DEFLATE_OPTIONS = [undefined, 'FLAG_DEFLATE_MAXIMUM', 'FLAG_DEFLATE_FAST', 'FLAG_DEFLATE_SUPER_FAST'] as const;

export function versionText(version: number): string {
  const spec = version & 0xff;
  return `${Math.floor(spec / 10)}.${spec % 10}`;
}

function versionMadeByMeaning(version: number): Meaning {
  const host = version >>> 8;
  const name = HOSTS[host];
  return name === undefined ? meaning('VERSION_MADE_BY_HOST_NUMBER', { host: String(host), spec: versionText(version) }) : meaning('VERSION_MADE_BY', { host: name, spec: versionText(version) });
}

function flagMeaning(flags: number, method: number): Meaning {
  const names: MeaningPart[] = [];
  for (const [bit, code] of FLAG_BITS) if ((flags & (1 << bit)) !== 0) names.push(part(code));
  if (method === 8 || method === 9) {
    const option = DEFLATE_OPTIONS[(flags >>> 1) & 0b11];
    if (option !== undefined) names.push(part(option));
  }
  const known = FLAG_BITS.reduce((mask, [bit]) => mask | (1 << bit), method === 8 || method === 9 ? 0b110 : 0);
  const unknown = flags & ~known & 0xffff;
  if (unknown !== 0) names.push(part('FLAG_OTHER', { bits: hex(unknown, 4) }));
  return [names.length === 0 ? [part('NONE')] : names];
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

/** "DA" style letters for the MS-DOS attributes in the low byte; "" for none. */
function dosAttributeLetters(attributes: number): string {
  const letters: [number, string][] = [
    [DOS_ATTR_READONLY, 'R'],
    [DOS_ATTR_HIDDEN, 'H'],
    [DOS_ATTR_SYSTEM, 'S'],
    [DOS_ATTR_DIRECTORY, 'D'],
    [DOS_ATTR_ARCHIVE, 'A'],
  ];
  return letters.filter(([bit]) => (attributes & bit) !== 0).map(([, letter]) => letter).join('');
}

function externalAttributesMeaning(external: number, versionMadeBy: number): Meaning {
  const host = versionMadeBy >>> 8;
  const letters = dosAttributeLetters(external & 0xff);
  const dos = letters === '' ? part('NO_DOS_ATTRIBUTES') : part('DOS_ATTRIBUTES', { letters });
  const mode = external >>> 16;
  if ((host === HOST_UNIX || host === HOST_OSX) && mode !== 0) return [[textPart(`${unixModeText(mode)} (${mode.toString(8).padStart(6, '0')})`), dos]];
  return [[dos]];
}

/**
 * A size field's meaning, shown after its value (`= 40000 (40.0 KB)`, or beside it in the
 * window): "600 bytes", or in the decimal units of the window's listing and the command line's
 * job lines. It said `40000 bytes (39.1 KiB)`: the value again, beside a listing of 40.0 KB.
 */
function sizeMeaning(n: number): Meaning {
  return [[sizePart(n)]];
}

function unixTimeMeaning(seconds: number): Meaning {
  return meaning('TEXT', { text: unixTimeText(seconds) });
}

function unixTimeText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * An extended timestamp's time, read as the reader reads it (dostime.ts
 * extendedTimestampSeconds): 2^31 or more is negative where the header's DOS time is clamped to
 * 1980, and neither where the DOS time is not from 2038 on either.
 */
function extendedTimeMeaning(value: number, dos: ExtraFieldOwner['dos']): Meaning {
  if (value < 0x8000_0000 || dos === undefined) return unixTimeMeaning(value);
  const seconds = extendedTimestampSeconds(value, dos.date, dos.time);
  if (seconds === undefined) return [[textPart(unixTimeText(value)), part('UNIX_TIME_CONTRADICTED', { negative: unixTimeText(value - 0x1_0000_0000) })]];
  return seconds < 0 ? [[textPart(unixTimeText(seconds)), part('UNIX_TIME_NEGATIVE')]] : unixTimeMeaning(seconds);
}

/**
 * A FILETIME as a date. 0 is no time (7-Zip writes it for one it has not), and the reader takes
 * neither it nor one past the year 9998 for the modification time (reader.ts): said so, where
 * it showed 1601-01-01.
 */
function filetimeMeaning(ticks: number, modification = false): Meaning {
  if (ticks === 0) return meaning(modification ? 'NO_FILETIME_NOT_USED' : 'NO_FILETIME');
  const ms = Math.floor(ticks / 10_000) - 11_644_473_600_000;
  const date = new Date(ms);
  const time = Number.isNaN(date.getTime()) ? part('OUT_OF_RANGE') : textPart(date.toISOString());
  return [modification && ticks > MAX_FILETIME ? [time, part('PAST_YEAR_9998')] : [time]];
}

// ---------------------------------------------------------------------------------------------

type MeaningOf = (value: number | Buffer, row: FieldView) => Meaning | undefined;

/** The ZIP64 extra field's name for each header field whose marker sends its value there. */
const ZIP64_VALUE_OF = { uncompressedSize: 'originalSize', compressedSize: 'compressedSize', relativeOffsetOfLocalHeader: 'relativeHeaderOffset', diskNumberStart: 'diskStartNumber' } as const;

/**
 * The meanings of a header's fields; `zip64Values` names the values its ZIP64 extra field holds
 * (a marker whose value is not there says so); a name read in `codePage` is said so.
 */
function headerMeanings(signature: number, values: Record<string, number>, zip64Values: ReadonlySet<string>, codePage: CodePage | undefined): Record<string, MeaningOf> {
  const flags = values['generalPurposeBitFlag'] ?? 0;
  const method = values['compressionMethod'] ?? 0;
  const inZip64 = (field: keyof typeof ZIP64_VALUE_OF): Meaning => meaning(zip64Values.has(ZIP64_VALUE_OF[field]) ? 'IN_ZIP64_EXTRA_FIELD' : 'ZIP64_VALUE_MISSING');
  const size = (field: 'uncompressedSize' | 'compressedSize', v: number | Buffer): Meaning | undefined => (typeof v !== 'number' ? undefined : v === ZIP64_MARKER_32 ? inZip64(field) : sizeMeaning(v));
  const inDescriptor = (v: number | Buffer): boolean => (flags & BITFLAG_DATA_DESCRIPTOR) !== 0 && v === 0 && signature === SIGNATURE.LOCAL_FILE_HEADER;
  return {
    signature: (v) => (v === signature ? [[textPart(hex(signature)), part('AS_EXPECTED')]] : meaning('BAD_SIGNATURE', { expected: hex(signature) })),
    versionMadeBy: (v) => versionMadeByMeaning(v as number),
    versionNeededToExtract: (v) => meaning('TEXT', { text: versionText(v as number) }),
    generalPurposeBitFlag: (v) => flagMeaning(v as number, method),
    compressionMethod: (v) => methodMeaning(v as number),
    lastModFileTime: (v) => {
      const time = formatDosTime(v as number);
      return isValidDosDateTime(values['lastModFileDate'] ?? 0x21, v as number) ? meaning('TEXT', { text: time }) : meaning('DOS_TIME_OUT_OF_RANGE', { time });
    },
    lastModFileDate: (v) => meaning(isValidDosDateTime(v as number, 0) ? 'DOS_DATE' : 'DOS_DATE_OUT_OF_RANGE', { date: formatDosDate(v as number) }),
    crc32: (v) => (inDescriptor(v) ? meaning('IN_DATA_DESCRIPTOR') : meaning('TEXT', { text: hex(v as number) })),
    compressedSize: (v) => (inDescriptor(v) ? meaning('IN_DATA_DESCRIPTOR') : size('compressedSize', v)),
    uncompressedSize: (v) => (inDescriptor(v) ? meaning('IN_DATA_DESCRIPTOR') : size('uncompressedSize', v)),
    fileNameLength: (v) => meaning('LENGTH', { bytes: v as number }),
    extraFieldLength: (v) => meaning('LENGTH', { bytes: v as number }),
    fileCommentLength: (v) => meaning('LENGTH', { bytes: v as number }),
    diskNumberStart: (v) => (v === ZIP64_MARKER_16 ? inZip64('diskNumberStart') : meaning('DISK', { disk: v as number })),
    internalFileAttributes: (v) => meaning((v as number) & 1 ? 'TEXT_DATA' : 'BINARY_DATA'),
    externalFileAttributes: (v) => externalAttributesMeaning(v as number, values['versionMadeBy'] ?? 0),
    relativeOffsetOfLocalHeader: (v) => (v === ZIP64_MARKER_32 ? inZip64('relativeOffsetOfLocalHeader') : meaning('LOCAL_HEADER_AT', { offset: v as number })),
    fileName: (v) => {
      if (Buffer.isBuffer(v) && codePage !== undefined && codePageText(v, 0, v.length, flags, codePage) !== undefined) return meaning('NAME_UNFLAGGED', { encoding: codePage.name });
      return (flags & BITFLAG_UTF8) !== 0 ? meaning('NAME_UTF8_FLAGGED') : meaning('NAME_UNFLAGGED', { encoding: Buffer.isBuffer(v) && !isAsciiBytes(v) && isUtf8(v) ? 'UTF-8' : 'CP437' });
    },
  };
}

/**
 * A method by its name, or by its number when it has none. The names are technical, alike in
 * every language (Deflated, Imploded, BZIP2: APPNOTE 4.4.5's), but for the two that describe
 * (Stored, Zstandard (old)), which the window words.
 */
function methodMeaning(method: number): Meaning {
  if (method === METHOD_STORED) return meaning('METHOD_STORED');
  if (method === METHOD_ZSTANDARD_OLD) return meaning('METHOD_ZSTANDARD_OLD');
  const name = METHOD_NAMES[method];
  return name === undefined ? meaning('METHOD_NUMBER', { method: String(method) }) : meaning('TEXT', { text: name });
}

function rowsOf(views: readonly FieldView[], meanings: Record<string, MeaningOf>, text: (name: string, bytes: Buffer) => string | undefined, mismatched: ReadonlySet<string>): FieldRow[] {
  return views.map((view) => {
    let clauses = meanings[view.name]?.(view.value, view);
    const value = typeof view.value === 'number' ? exactValue(view.value, view) : (text(view.name, view.value) ?? `${view.size} bytes`);
    // The meaning says the value as the number rounded it: the exact digits instead.
    if (typeof value === 'string' && typeof view.value === 'number' && clauses !== undefined) clauses = withExactDigits(clauses, view.value, value);
    const row: { -readonly [K in keyof FieldRow]: FieldRow[K] } = { name: view.name, offset: view.offset, size: view.size, raw: view.raw, value };
    if (clauses !== undefined) {
      row.meaning = meaningText(clauses);
      row.meaningClauses = clauses;
    }
    if (mismatched.has(view.name)) row.mismatch = true;
    return row;
  });
}

/** The meaning's values that say `rounded` (a value past 2^53) as its exact digits; a size stays in its units. */
function withExactDigits(clauses: Meaning, rounded: number, exact: string): Meaning {
  const digits = String(rounded);
  return clauses.map((clause) =>
    clause.map(({ code, params }) =>
      params === undefined
        ? { code }
        : { code, params: Object.fromEntries(Object.entries(params).map(([key, v]) => [key, typeof v === 'string' ? v.replaceAll(digits, exact) : v === rounded && key !== 'size' ? exact : v])) },
    ),
  );
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
  /** The header's DOS date and time, which tell how an extended timestamp's time of 2^31 or more reads. */
  readonly dos?: { readonly date: number; readonly time: number };
}

/** Walks an extra field area and decodes each field it knows. Never reads outside [start, end). */
export function describeExtraFields(buf: Buffer, start: number, end: number, base: number, context: ExtraContext, owner?: ExtraFieldOwner): ExtraFieldView[] {
  const localSizes = owner?.localSizes;
  const views: ExtraFieldView[] = [];
  let p = start;
  while (p < end) {
    if (p + 4 > end) {
      views.push({ headerId: NO_HEADER_ID, title: TRAILING_BYTES_TITLE, section: undefined, offset: base + p, length: end - p, fields: [rawRow('padding', buf, p, end, base)] });
      break;
    }
    const id = buf.readUInt16LE(p);
    const dataSize = buf.readUInt16LE(p + 2);
    const dataEnd = p + 4 + dataSize;
    if (dataEnd > end) {
      views.push({
        headerId: id,
        title: `${EXTRA_FIELD_LAYOUTS.get(id)?.title ?? RECORD_TITLE_ENGLISH.EXTRA_UNKNOWN_CUT}${CUT_SHORT}`,
        section: undefined,
        offset: base + p,
        length: end - p,
        fields: [
          meant({ name: 'headerId', offset: base + p, size: 2, raw: rawHex(buf, p, p + 2), value: id }, meaning('TEXT', { text: hex(id, 4) })),
          meant({ name: 'dataSize', offset: base + p + 2, size: 2, raw: rawHex(buf, p + 2, p + 4), value: dataSize }, meaning('DECLARED_PRESENT', { declared: dataSize, present: end - p - 4 })),
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
        title: UNKNOWN_EXTRA_TITLE,
        section: undefined,
        offset: base + p,
        length: 4 + dataSize,
        fields: [
          meant({ name: 'headerId', offset: base + p, size: 2, raw: rawHex(buf, p, p + 2), value: id }, meaning('TEXT', { text: hex(id, 4) })),
          meant({ name: 'dataSize', offset: base + p + 2, size: 2, raw: rawHex(buf, p + 2, p + 4), value: dataSize }, meaning('LENGTH', { bytes: dataSize })),
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
  const meanings: Record<string, MeaningOf> = {
    ...extraMeanings(EXTRA_ID.NTFS, {}, undefined),
    tag: (v) => (v === 1 ? meaning('NTFS_FILE_TIMES') : meaning('NTFS_ATTRIBUTE_UNKNOWN', { tag: v as number })),
  };
  const rows = rowsOf(EXTRA_NTFS.describe(buf, start, Math.min(end, start + NTFS_FIRST_ATTRIBUTE), NTFS_CONTEXT, base), meanings, () => undefined, new Set());
  let p = start + NTFS_FIRST_ATTRIBUTE;
  while (p + 4 <= end) {
    const tagSize = buf.readUInt16LE(p + 2);
    const attributeEnd = p + 4 + tagSize;
    const tagMeanings: Record<string, MeaningOf> = {
      ...meanings,
      tagSize: (v) =>
        attributeEnd > end
          ? meaning('DECLARED_PRESENT', { declared: v as number, present: end - p - 4 })
          : meaning(buf.readUInt16LE(p) === 1 && tagSize < 24 ? 'NTFS_FILE_TIMES_TOO_SHORT' : 'LENGTH', { bytes: v as number }),
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
function unicodeCrcMeaning(decoded: Record<string, number | Buffer>, crcField: 'nameCrc32' | 'commentCrc32', headerBytes: Buffer | undefined): MeaningOf {
  return (v) => {
    const crc = textPart(hex(v as number));
    if (headerBytes === undefined) return [[crc]];
    const what = crcField === 'nameCrc32' ? 'NAME' : 'COMMENT';
    if (nameCrc32(headerBytes) !== v) return [[crc, part(`UNICODE_${what}_CRC_MISMATCH`, { crc: hex(nameCrc32(headerBytes)) })]];
    const text = decoded[crcField === 'nameCrc32' ? 'unicodeName' : 'unicodeComment'];
    if (unicodeExtraText(decoded['version'], v, text, headerBytes) !== undefined) return [[crc, part(`UNICODE_${what}_USED`)]];
    if (decoded['version'] !== 1) return [[crc, part(`UNICODE_${what}_VERSION_UNKNOWN`, { version: String(decoded['version']) })]];
    return [[crc, part(!Buffer.isBuffer(text) || text.length === 0 ? `UNICODE_${what}_EMPTY` : `UNICODE_${what}_NOT_UTF8`)]];
  };
}

function extraMeanings(id: number, decoded: Record<string, number | Buffer>, owner: ExtraFieldOwner | undefined): Record<string, MeaningOf> {
  const common: Record<string, MeaningOf> = { headerId: (v) => meaning('TEXT', { text: hex(v as number, 4) }), dataSize: (v) => meaning('LENGTH', { bytes: v as number }) };
  const size: MeaningOf = (v) => sizeMeaning(v as number);
  const notUtf8: MeaningOf = (v) => (Buffer.isBuffer(v) && !isUtf8(v) ? meaning('NOT_UTF8_ESCAPED') : undefined);
  const extendedTime: MeaningOf = (v) => extendedTimeMeaning(v as number, owner?.dos);
  switch (id) {
    case EXTRA_ID.ZIP64:
      if (owner?.localSizes !== undefined) {
        return {
          ...common,
          originalSize: size,
          compressedSize: size,
          relativeHeaderOffset: (v) => meaning('LOCAL_OFFSET_NOT_READ', { offset: v as number }),
          diskStartNumber: (v) => meaning('LOCAL_DISK_NOT_READ', { disk: v as number }),
        };
      }
      return { ...common, originalSize: size, compressedSize: size, relativeHeaderOffset: (v) => meaning('LOCAL_HEADER_AT', { offset: v as number }), diskStartNumber: (v) => meaning('DISK', { disk: v as number }) };
    case EXTRA_ID.EXTENDED_TIMESTAMP:
      return {
        ...common,
        flags: (v) => {
          const times = (['TIME_MODIFICATION', 'TIME_ACCESS', 'TIME_CREATION'] as const).filter((_, bit) => ((v as number) & (1 << bit)) !== 0).map((code) => part(code));
          return [times.length === 0 ? [part('NONE')] : times];
        },
        modTime: extendedTime,
        acTime: extendedTime,
        crTime: extendedTime,
      };
    case EXTRA_ID.NTFS:
      return { ...common, mtime: (v) => filetimeMeaning(v as number, true), atime: (v) => filetimeMeaning(v as number), ctime: (v) => filetimeMeaning(v as number) };
    case EXTRA_ID.INFOZIP_UNICODE_PATH:
    case EXTRA_ID.INFOZIP_UNICODE_COMMENT:
      return {
        ...common,
        version: (v) => meaning(v === 1 ? 'VERSION_NUMBER' : 'VERSION_UNKNOWN', { version: v as number }),
        nameCrc32: unicodeCrcMeaning(decoded, 'nameCrc32', owner?.name),
        commentCrc32: unicodeCrcMeaning(decoded, 'commentCrc32', owner?.comment),
        unicodeName: notUtf8,
        unicodeComment: notUtf8,
      };
    // Their times are read as the extended timestamp's are (reader.ts centralEntry).
    case EXTRA_ID.INFOZIP_UNIX_OLD:
      return { ...common, acTime: extendedTime, modTime: extendedTime };
    case EXTRA_ID.PKWARE_UNIX:
      return { ...common, atime: extendedTime, mtime: extendedTime };
    case EXTRA_ID.WINZIP_AES:
      return {
        ...common,
        vendorVersion: (v) => (v === 1 || v === 2 ? meaning('TEXT', { text: `AE-${v}` }) : meaning('VERSION_NUMBER', { version: v as number })),
        vendorId: (v) => meaning('TEXT', { text: JSON.stringify(String.fromCharCode((v as number) & 0xff, (v as number) >>> 8)) }),
        aesStrength: (v) => {
          const strength = AES_STRENGTHS[v as number]?.name;
          return strength === undefined ? meaning('AES_STRENGTH_NUMBER', { strength: v as number }) : meaning('TEXT', { text: strength });
        },
        compressionMethod: (v) => methodMeaning(v as number),
      };
    default:
      void decoded;
      return common;
  }
}

/** A row with its meaning, in English and as codes. */
function meant(row: FieldRow, clauses: Meaning): FieldRow {
  return { ...row, meaning: meaningText(clauses), meaningClauses: clauses };
}

function rawRow(name: string, buf: Buffer, start: number, end: number, base: number): FieldRow {
  return { name, offset: base + start, size: end - start, raw: rawHex(buf, start, end), value: `${end - start} bytes` };
}

/** The title of trailing bytes too few to be an extra field, and of an unknown one. */
const TRAILING_BYTES_TITLE = RECORD_TITLE_ENGLISH.TRAILING_BYTES;
const UNKNOWN_EXTRA_TITLE = RECORD_TITLE_ENGLISH.EXTRA_UNKNOWN;

/** The extra field area's fields by id and title (extraFieldLabel), "none" for none. */
function extraSummary(extras: readonly ExtraFieldView[]): Meaning {
  if (extras.length === 0) return meaning('NONE');
  return extras.map((extra): MeaningPart[] => {
    if (extra.headerId === NO_HEADER_ID) return [part('EXTRA_FIELD_TRAILING_BYTES')];
    const id = hex(extra.headerId, 4);
    if (extra.title === UNKNOWN_EXTRA_TITLE) return [part('EXTRA_FIELD_UNKNOWN', { id })];
    // The title's code too (`record`), which the window words the title by.
    const titled = titleCodeOf(extra.title);
    const record: Record<string, string> = titled === undefined ? {} : { record: titled.code };
    if (!extra.title.endsWith(CUT_SHORT)) return [part('EXTRA_FIELD', { id, title: extra.title, ...record })];
    const title = extra.title.slice(0, -CUT_SHORT.length);
    return [title === RECORD_TITLE_ENGLISH.EXTRA_UNKNOWN_CUT ? part('EXTRA_FIELD_UNKNOWN_CUT', { id }) : part('EXTRA_FIELD_CUT', { id, title, ...record })];
  });
}

function headerView<N extends string, T extends string>(layout: RecordLayout<N, T>, bytes: Buffer, offset: number, mismatched: ReadonlySet<string>, local: boolean, codePage: CodePage | undefined): RecordView {
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
  const dos = { date: values['lastModFileDate'] ?? 0, time: values['lastModFileTime'] ?? 0 };
  const owner: ExtraFieldOwner = local
    ? { name: bytes.subarray(nameStart, nameEnd), localSizes: { compressedSize: values['compressedSize'] ?? 0, uncompressedSize: values['uncompressedSize'] ?? 0 }, dos }
    : { name: bytes.subarray(nameStart, nameEnd), comment: bytes.subarray(nameEnd + (values['extraFieldLength'] ?? 0), nameEnd + (values['extraFieldLength'] ?? 0) + (values['fileCommentLength'] ?? 0)), dos };
  const extraFields = describeExtraFields(bytes, nameEnd, extraEnd, offset, context, owner);
  const zip64Values = new Set(extraFields.find((extra) => extra.headerId === EXTRA_ID.ZIP64)?.fields.map((row) => row.name));
  const meanings = headerMeanings(layout.signature!, values, zip64Values, codePage);
  meanings['extraField'] = () => extraSummary(extraFields);
  const fields = rowsOf(layout.describe(bytes, 0, offset), meanings, (name, tail) => (name === 'fileName' || name === 'fileComment' ? (codePageText(tail, 0, tail.length, flags, codePage) ?? decodeHeaderText(tail, 0, tail.length, flags)) : undefined), mismatched);
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
  let localErrorWording: Worded | undefined;
  let dataOffset: number | undefined;
  let dataDescriptor: RecordView | undefined;
  try {
    const header = await reader.readLocalHeader(entry);
    mismatches = header.mismatches;
    for (const m of mismatches) marked.add(m.field);
    for (const field of HARMLESS_WHEN_DIFFERENT) if (header.values[field] !== centralValues[field]) marked.add(field);
    dataOffset = header.dataOffset;
    local = headerView(LOCAL_FILE_HEADER, header.header, header.offset, marked, true, reader.codePage);
    if (entry.hasDataDescriptor) {
      const centralSizesInZip64 = centralValues.compressedSize === ZIP64_MARKER_32 || centralValues.uncompressedSize === ZIP64_MARKER_32;
      dataDescriptor = await descriptorView(reader, entry, header.dataOffset + entry.compressedSize, header.header, centralSizesInZip64);
    }
  } catch (e) {
    if (!isZipError(e)) throw e;
    localError = { code: e.code, message: e.message };
    localErrorWording = wordedAs(e);
  }
  let central = headerView(CENTRAL_DIRECTORY_HEADER, centralBytes, entry.centralHeaderOffset, marked, false, reader.codePage);
  if (reader.info.offsetAdjustment !== 0) {
    // With a prefix the offsets do not count, say where the local header really is (the
    // header's offset, or the ZIP64 field's that its marker sends the reader to).
    const adjusted = (rows: FieldRow[], name: string): FieldRow[] =>
      rows.map((row) => (row.name === name ? meant(row, [...(row.meaningClauses ?? []), [part('AFTER_PREFIX', { offset: entry.localHeaderOffset, prefix: reader.info.offsetAdjustment })]]) : row));
    central = {
      ...central,
      fields: adjusted(central.fields, 'relativeOffsetOfLocalHeader'),
      extraFields: central.extraFields?.map((extra) => (extra.headerId === EXTRA_ID.ZIP64 ? { ...extra, fields: adjusted(extra.fields, 'relativeHeaderOffset') } : extra)),
    };
  }
  const result: { -readonly [K in keyof EntryInspection]: EntryInspection[K] } = { index: entry.index, name: entry.name, central, local, mismatches };
  if (localError !== undefined) result.localError = localError;
  if (localErrorWording !== undefined) result.localErrorWording = localErrorWording;
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
  const differs = (v: number | Buffer, central: number): Meaning => [[textPart(String(v)), part('CENTRAL_SAYS', { value: central })]];
  const meanings: Record<string, MeaningOf> = {
    signature: () => meaning('DATA_DESCRIPTOR_SIGNATURE', { signature: hex(SIGNATURE.DATA_DESCRIPTOR) }),
    crc32: (v) => [[textPart(hex(v as number)), v === entry.crc32 ? part('MATCHES_CENTRAL') : part('CENTRAL_SAYS', { value: hex(entry.crc32) })]],
    compressedSize: (v) => (v === entry.compressedSize ? sizeMeaning(v as number) : differs(v, entry.compressedSize)),
    uncompressedSize: (v) => (v === entry.uncompressedSize ? sizeMeaning(v as number) : differs(v, entry.uncompressedSize)),
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
  // A marker value (0xFFFF, 0xFFFFFFFF) says the value is in the ZIP64 end record only when the
  // reader read that record's values; otherwise the marker is the value read, and said as such.
  const zip64Read = info.zip64EndOfCentralDirectoryOffset !== undefined && !info.zip64EndOfCentralDirectoryIgnored;
  const offsetMeaning = (v: number | Buffer): Meaning => {
    if (v === ZIP64_MARKER_32 && zip64Read) return meaning('IN_ZIP64_END_RECORD');
    const at = (v as number) + adjustment;
    // Where the reader found it, when that is not where the offset says (a directory whose size runs into the end record is read where its size puts it).
    if (at !== info.centralDirectoryOffset) return meaning('DIRECTORY_READ_ELSEWHERE', { offset: v as number, at: info.centralDirectoryOffset });
    return adjustment !== 0 ? meaning('DIRECTORY_PAST_PREFIX', { offset: v as number, at, prefix: adjustment }) : meaning('DIRECTORY_AT', { offset: v as number });
  };
  const inZip64End = meaning('IN_ZIP64_END_RECORD');
  const countMeaning = (v: number | Buffer): Meaning => (v === ZIP64_MARKER_16 && zip64Read ? inZip64End : meaning('ENTRIES', { count: v as number }));
  const diskMeaning = (v: number | Buffer): Meaning => meaning('DISK', { disk: v as number });
  const eocdMeanings: Record<string, MeaningOf> = {
    signature: () => [[textPart(hex(SIGNATURE.END_OF_CENTRAL_DIRECTORY)), part('AS_EXPECTED')]],
    numberOfThisDisk: (v) => (v === ZIP64_MARKER_16 && zip64Read ? inZip64End : diskMeaning(v)),
    diskWhereCentralDirectoryStarts: (v) => (v === ZIP64_MARKER_16 && zip64Read ? inZip64End : diskMeaning(v)),
    numberOfCentralDirectoryRecordsOnThisDisk: countMeaning,
    totalNumberOfCentralDirectoryRecords: countMeaning,
    sizeOfCentralDirectory: (v) => (v === ZIP64_MARKER_32 && zip64Read ? inZip64End : sizeMeaning(v as number)),
    offsetOfStartOfCentralDirectory: offsetMeaning,
    commentLength: (v) => [[part('LENGTH', { bytes: v as number })], ...(info.trailingBytes > 0 ? [[part('BYTES_AFTER_ARCHIVE', { bytes: info.trailingBytes })]] : [])],
  };
  const endOfCentralDirectory: RecordView = {
    title: END_OF_CENTRAL_DIRECTORY.title,
    section: END_OF_CENTRAL_DIRECTORY.section,
    offset: eocdOffset,
    length: eocdBytes.length,
    fields: rowsOf(END_OF_CENTRAL_DIRECTORY.describe(eocdBytes, 0, eocdOffset), eocdMeanings, (name, bytes) => (name === 'comment' ? (codePageText(bytes, 0, bytes.length, 0, reader.codePage) ?? unflaggedText(bytes)) : undefined), new Set()),
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
            signature: () => [[textPart(hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR))], [part('ZIP64_LOCATOR_IGNORED')]],
            diskWithZip64EndOfCentralDirectory: diskMeaning,
            relativeOffsetOfZip64EndOfCentralDirectory: (v) => meaning('OFFSET', { offset: v as number }),
            totalNumberOfDisks: (v) => meaning('DISKS', { count: v as number }),
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
    const unused = (meaningOf: MeaningOf): MeaningOf => (ignored ? (v, row) => [...(meaningOf(v, row) ?? meaning('TEXT', { text: String(v) })), [part('IGNORED')]] : meaningOf);
    // The record with its extensible data sector (4.3.14.2), which the reader found to fit before the locator.
    const fixedPart = await source.read(at, ZIP64_END_OF_CENTRAL_DIRECTORY.size);
    const recordLength = 12 + ZIP64_END_OF_CENTRAL_DIRECTORY.decode(fixedPart, 0).sizeOfZip64EndOfCentralDirectoryRecord;
    const bytes = recordLength > fixedPart.length ? await source.read(at, recordLength) : fixedPart;
    const z64Meanings: Record<string, MeaningOf> = {
      signature: () => [[textPart(hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY)), part('AS_EXPECTED')], ...(ignored ? [[part('ZIP64_END_RECORD_IGNORED')]] : [])],
      sizeOfZip64EndOfCentralDirectoryRecord: (v) => {
        const extensible = (v as number) - (ZIP64_END_OF_CENTRAL_DIRECTORY.size - 12);
        return extensible > 0 ? meaning('RECORD_LENGTH_EXTENSIBLE', { bytes: v as number, extensible }) : meaning('RECORD_LENGTH', { bytes: v as number });
      },
      versionMadeBy: (v) => versionMadeByMeaning(v as number),
      versionNeededToExtract: (v) => meaning('TEXT', { text: versionText(v as number) }),
      numberOfThisDisk: diskMeaning,
      diskWhereCentralDirectoryStarts: diskMeaning,
      numberOfCentralDirectoryRecordsOnThisDisk: unused((v) => meaning('ENTRIES', { count: v as number })),
      totalNumberOfCentralDirectoryRecords: unused((v) => meaning('ENTRIES', { count: v as number })),
      sizeOfCentralDirectory: unused((v) => sizeMeaning(v as number)),
      offsetOfStartOfCentralDirectory: ignored ? unused((v) => meaning('OFFSET', { offset: v as number })) : offsetMeaning,
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
    const locatorMeanings: Record<string, MeaningOf> = {
      signature: () => [[textPart(hex(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)), part('AS_EXPECTED')]],
      diskWithZip64EndOfCentralDirectory: diskMeaning,
      relativeOffsetOfZip64EndOfCentralDirectory: (v) => (v === at ? meaning('ZIP64_END_RECORD_AT', { offset: v as number }) : meaning('ZIP64_END_RECORD_ELSEWHERE', { offset: v as number, at })),
      totalNumberOfDisks: (v) => meaning('DISKS', { count: v as number }),
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
