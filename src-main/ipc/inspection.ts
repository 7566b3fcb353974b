// The inspector's view of records (issue 5): every field of a local header, a central record,
// an extra field or an end record, with its absolute offset, raw bytes, value and meaning — all
// through the layouts of zip/records.ts (LAYOUT.describe), never a hand-coded offset. Produces
// the contract's JSON views; reads bytes only through the reader's RandomAccessSource.

import type { Buffer } from 'node:buffer';
import type { EntryInspection, FieldPair, FieldView, RecordView } from '../../src-preload/contract.js';
import {
  BITFLAG_DATA_DESCRIPTOR,
  BITFLAG_ENCRYPTED,
  BITFLAG_MASKED_HEADERS,
  BITFLAG_STRONG_ENCRYPTION,
  BITFLAG_UTF8,
  methodName,
} from '../zip/constants.js';
import { formatDosDate, formatDosTime } from '../zip/dostime.js';
import { hex } from '../zip/errors.js';
import type { FieldView as LayoutField } from '../zip/layout.js';
import type { ZipEntry } from '../zip/model.js';
import { decodeHeaderText } from '../zip/names.js';
import type { ZipReader } from '../zip/reader.js';
import {
  CENTRAL_DIRECTORY_HEADER,
  DATA_DESCRIPTOR,
  DATA_DESCRIPTOR_UNSIGNED,
  DATA_DESCRIPTOR_ZIP64,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_FIELD_LAYOUTS,
  LOCAL_FILE_HEADER,
  SIGNATURE,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
} from '../zip/records.js';
import { attributesText } from './rows.js';

const HOSTS: Readonly<Record<number, string>> = { 0: 'MS-DOS', 3: 'Unix', 7: 'Macintosh', 10: 'NTFS', 11: 'MVS', 14: 'VFAT', 19: 'OS X' };

function flagsMeaning(flags: number): string {
  const parts: string[] = [];
  if (flags & BITFLAG_ENCRYPTED) parts.push('encrypted');
  if (flags & 0b110) parts.push(`bits 1-2: ${(flags >> 1) & 0b11}`);
  if (flags & BITFLAG_DATA_DESCRIPTOR) parts.push('data descriptor');
  if (flags & BITFLAG_STRONG_ENCRYPTION) parts.push('strong encryption');
  if (flags & BITFLAG_UTF8) parts.push('UTF-8 names');
  if (flags & BITFLAG_MASKED_HEADERS) parts.push('masked headers');
  return parts.join(', ');
}

/** What a field's value means, where that is more than the number. */
function meaningOf(name: string, value: number, versionMadeBy: number | undefined): string {
  switch (name) {
    case 'signature':
      return hex(value);
    case 'versionMadeBy':
      return `${HOSTS[value >> 8] ?? `host ${value >> 8}`}, spec ${Math.floor((value & 0xff) / 10)}.${(value & 0xff) % 10}`;
    case 'versionNeededToExtract':
      return `${Math.floor(value / 10)}.${value % 10}`;
    case 'generalPurposeBitFlag':
      return flagsMeaning(value);
    case 'compressionMethod':
      return methodName(value);
    case 'lastModFileTime':
      return formatDosTime(value);
    case 'lastModFileDate':
      return formatDosDate(value);
    case 'crc32':
    case 'headerId':
      return hex(value, name === 'headerId' ? 4 : 8);
    case 'externalFileAttributes':
      return versionMadeBy === undefined ? '' : attributesText(versionMadeBy, value);
    case 'mtime':
    case 'atime':
    case 'ctime':
    case 'modificationTime':
    case 'accessTime':
    case 'creationTime':
      return Number.isFinite(value) && value > 0 && value < 2 ** 33 ? new Date(value * 1000).toISOString().replace('.000Z', 'Z') : '';
    default:
      return '';
  }
}

/** Fields that are identifiers, not quantities: shown in hex only. */
const HEX_FIELDS: Readonly<Record<string, number>> = { signature: 8, crc32: 8, headerId: 4 };

function toView(field: LayoutField, flags: number, versionMadeBy?: number): FieldView {
  if (typeof field.value === 'number' && HEX_FIELDS[field.name] !== undefined) {
    return { name: field.name, offset: field.offset, size: field.size, raw: field.raw, value: hex(field.value, HEX_FIELDS[field.name]), meaning: '' };
  }
  if (typeof field.value === 'number') {
    return { name: field.name, offset: field.offset, size: field.size, raw: field.raw, value: String(field.value), meaning: meaningOf(field.name, field.value, versionMadeBy) };
  }
  const bytes = field.value as Buffer;
  const text = field.name === 'fileName' || field.name === 'fileComment' || field.name === 'comment' ? decodeHeaderText(bytes, 0, bytes.length, flags) : '';
  return { name: field.name, offset: field.offset, size: field.size, raw: field.raw, value: text || `${bytes.length} bytes`, meaning: '' };
}

/** The extra fields of a record's extra block, each decoded by its layout, unknown ones raw. */
export function extraRecords(header: Buffer, start: number, end: number, base: number, local: boolean, entry: ZipEntry | undefined): RecordView[] {
  const out: RecordView[] = [];
  for (let p = start; p + 4 <= end; ) {
    const id = header.readUInt16LE(p);
    const dataEnd = Math.min(end, p + 4 + header.readUInt16LE(p + 2));
    const layout = EXTRA_FIELD_LAYOUTS.get(id);
    const context = local
      ? { local: true }
      : {
          local: false,
          // 4.5.3: in the central record only the overflowed values are present.
          ...(entry
            ? {
                zip64: {
                  uncompressedSize: header.readUInt32LE(24) === 0xffffffff,
                  compressedSize: header.readUInt32LE(20) === 0xffffffff,
                  relativeOffsetOfLocalHeader: header.readUInt32LE(42) === 0xffffffff,
                  diskNumberStart: header.readUInt16LE(34) === 0xffff,
                },
              }
            : {}),
        };
    const fields = layout
      ? layout.describe(header, p + 4, dataEnd, context, base).map((f) => toView(f, 0))
      : [
          { name: 'headerId', offset: base + p, size: 2, raw: header.subarray(p, p + 2).toString('hex').replace(/(..)(?!$)/g, '$1 '), value: String(id), meaning: hex(id, 4) },
          { name: 'data', offset: base + p + 4, size: dataEnd - p - 4, raw: header.subarray(p + 4, Math.min(dataEnd, p + 68)).toString('hex').replace(/(..)(?!$)/g, '$1 '), value: `${dataEnd - p - 4} bytes`, meaning: '' },
        ];
    out.push({ title: `${layout?.title ?? 'unknown extra field'} (${hex(id, 4)})`, offset: base + p, size: dataEnd - p, fields });
    p = dataEnd;
  }
  return out;
}

const PAIRED = [
  'signature',
  'versionMadeBy',
  'versionNeededToExtract',
  'generalPurposeBitFlag',
  'compressionMethod',
  'lastModFileTime',
  'lastModFileDate',
  'crc32',
  'compressedSize',
  'uncompressedSize',
  'fileNameLength',
  'extraFieldLength',
  'fileCommentLength',
  'diskNumberStart',
  'internalFileAttributes',
  'externalFileAttributes',
  'relativeOffsetOfLocalHeader',
  'fileName',
  'extraField',
  'fileComment',
];

/** Fields whose values must agree between the two records (others differ by nature: signature, lengths, extra). */
const MUST_AGREE = new Set(['versionNeededToExtract', 'compressionMethod', 'lastModFileTime', 'lastModFileDate', 'fileName']);

export async function inspectEntry(reader: ZipReader, entry: ZipEntry): Promise<EntryInspection> {
  const source = reader.source;
  // The central record: fixed part first, then the whole record once its lengths are known.
  const fixed = await source.read(entry.centralHeaderOffset, CENTRAL_DIRECTORY_HEADER.size);
  const centralValues = CENTRAL_DIRECTORY_HEADER.decode(fixed, 0);
  const central = await source.read(entry.centralHeaderOffset, Math.min(CENTRAL_DIRECTORY_HEADER.lengthOf(centralValues), source.size - entry.centralHeaderOffset));
  const centralFields = CENTRAL_DIRECTORY_HEADER.describe(central, 0, entry.centralHeaderOffset).map((f) => toView(f, entry.generalPurposeBitFlag, entry.versionMadeBy));
  const centralTails = CENTRAL_DIRECTORY_HEADER.tailOffsets(centralValues);
  const centralExtras = extraRecords(central, centralTails.extraField, centralTails.extraField + centralValues.extraFieldLength, entry.centralHeaderOffset, false, entry);

  let localFields: FieldView[] = [];
  let localExtras: RecordView[] = [];
  let localError: string | null = null;
  let dataOffset: number | null = null;
  const mismatches: string[] = [];
  let localFlags = entry.generalPurposeBitFlag;
  try {
    const local = await reader.readLocalHeader(entry);
    localFlags = local.values.generalPurposeBitFlag;
    localFields = LOCAL_FILE_HEADER.describe(local.header, 0, local.offset).map((f) => toView(f, localFlags));
    const tails = LOCAL_FILE_HEADER.tailOffsets(local.values);
    localExtras = extraRecords(local.header, tails.extraField, tails.extraField + local.values.extraFieldLength, local.offset, true, entry);
    dataOffset = local.dataOffset;
    for (const m of local.mismatches) {
      const show = (v: string | number) => (m.field === 'crc32' && typeof v === 'number' ? hex(v) : String(v));
      mismatches.push(`${m.field}: local ${show(m.local)}, central ${show(m.central)}`);
    }
  } catch (error) {
    localError = error instanceof Error ? error.message : String(error);
  }

  const byName = (views: FieldView[]) => new Map(views.map((v) => [v.name, v]));
  const localByName = byName(localFields);
  const centralByName = byName(centralFields);
  const mismatched = new Set(mismatches.map((m) => m.slice(0, m.indexOf(':'))));
  const pairs: FieldPair[] = PAIRED.filter((name) => localByName.has(name) || centralByName.has(name)).map((name) => {
    const l = localByName.get(name) ?? null;
    const c = centralByName.get(name) ?? null;
    const differs = l !== null && c !== null && MUST_AGREE.has(name) && l.value !== c.value;
    // Sizes and CRC of a data-descriptor entry are 0 locally by design (4.4.4 bit 3): not a mismatch.
    return { name, local: l, central: c, mismatch: mismatched.has(name) || differs };
  });

  // The data descriptor after the data, when the flag says there is one.
  let dataDescriptor: RecordView | null = null;
  if (dataOffset !== null && entry.hasDataDescriptor) {
    const at = dataOffset + entry.compressedSize;
    const layout = entry.zip64 ? DATA_DESCRIPTOR_ZIP64 : DATA_DESCRIPTOR;
    if (at + 4 <= source.size) {
      const head = await source.read(at, Math.min(layout.size, source.size - at));
      const signed = head.readUInt32LE(0) === SIGNATURE.DATA_DESCRIPTOR;
      const chosen = signed ? layout : DATA_DESCRIPTOR_UNSIGNED;
      if (head.length >= chosen.size) {
        dataDescriptor = { title: chosen.title, offset: at, size: chosen.size, fields: chosen.describe(head, 0, at).map((f) => toView(f, 0)) };
      }
    }
  }

  return {
    index: entry.index,
    name: entry.name,
    pairs,
    localExtras,
    centralExtras,
    dataDescriptor,
    dataOffset,
    dataLength: entry.compressedSize,
    mismatches,
    localError,
  };
}

/** The archive's end records: ZIP64 end record and locator when present, then the classic one. */
export async function endRecords(reader: ZipReader): Promise<RecordView[]> {
  const { info, source } = reader;
  const out: RecordView[] = [];
  if (info.zip64EndOfCentralDirectoryOffset !== undefined) {
    const at = info.zip64EndOfCentralDirectoryOffset;
    const bytes = await source.read(at, Math.min(ZIP64_END_OF_CENTRAL_DIRECTORY.size, source.size - at));
    if (bytes.length === ZIP64_END_OF_CENTRAL_DIRECTORY.size) {
      out.push({ title: ZIP64_END_OF_CENTRAL_DIRECTORY.title, offset: at, size: bytes.length, fields: ZIP64_END_OF_CENTRAL_DIRECTORY.describe(bytes, 0, at).map((f) => toView(f, 0)) });
    }
    const locatorAt = info.endOfCentralDirectoryOffset - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size;
    if (locatorAt >= 0) {
      const locator = await source.read(locatorAt, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size);
      if (locator.readUInt32LE(0) === SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR) {
        out.push({ title: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.title, offset: locatorAt, size: locator.length, fields: ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.describe(locator, 0, locatorAt).map((f) => toView(f, 0)) });
      }
    }
  }
  const at = info.endOfCentralDirectoryOffset;
  const fixed = await source.read(at, END_OF_CENTRAL_DIRECTORY.size);
  const length = Math.min(END_OF_CENTRAL_DIRECTORY.lengthOf(END_OF_CENTRAL_DIRECTORY.decode(fixed, 0)), source.size - at);
  const whole = await source.read(at, length);
  const fields = length >= END_OF_CENTRAL_DIRECTORY.lengthOf(END_OF_CENTRAL_DIRECTORY.decode(fixed, 0)) ? END_OF_CENTRAL_DIRECTORY.describe(whole, 0, at) : END_OF_CENTRAL_DIRECTORY.describe(fixed, 0, at).slice(0, -1);
  out.push({ title: END_OF_CENTRAL_DIRECTORY.title, offset: at, size: length, fields: fields.map((f) => toView(f, 0)) });
  return out;
}
