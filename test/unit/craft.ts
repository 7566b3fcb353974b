// Hostile and odd archives crafted in code for the extract, test and safety tests: each entry's
// local header, data and central record are built through the declared layouts, with knobs for
// lying (wrong CRC, wrong sizes, other local names, shared data for overlap bombs, Unix modes)
// and for the inspector (extra fields as given, local values, data descriptors, ZIP64 end records).

import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { BITFLAG_ENCRYPTED, BITFLAG_UTF8, HOST_UNIX, S_IFDIR, S_IFLNK, S_IFREG, ZIP64_MARKER_16, ZIP64_MARKER_32 } from '../../src-main/zip/constants.js';
import { CENTRAL_DIRECTORY_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_FILE_HEADER, ZIP64_END_OF_CENTRAL_DIRECTORY, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR } from '../../src-main/zip/records.js';

export interface CraftEntry {
  name: string;
  data?: Buffer | string;
  /** 0 stored, 8 deflated (default 8 for non-empty data), anything else written as given with the data stored. */
  method?: number;
  /** For method 8: these bytes as the deflate stream instead of `data` deflated (CRC-32 and sizes still from `data`). */
  deflated?: Buffer;
  /** Unix permission bits (and setuid etc.); the file type comes from `kind`. */
  mode?: number;
  kind?: 'file' | 'directory' | 'symlink';
  encrypted?: boolean;
  /** Override what the headers say. */
  crc32?: number;
  uncompressedSize?: number;
  compressedSize?: number;
  localName?: string;
  /** The stored name's bytes, in place of `name` as UTF-8 (flagged UTF-8 all the same). */
  nameBytes?: Buffer;
  /** Point this entry's central record at an earlier entry's local header (overlap)… */
  shareLocalHeaderOf?: number;
  /** …or at this offset, writing no local header of its own (one hidden in another entry's data). */
  localHeaderAt?: number;
  /** DOS date/time (default 2024-03-01 13:45:10). */
  dosDate?: number;
  dosTime?: number;
  /** Extra field areas as given (default none): a field each is what extraField() makes. */
  localExtra?: Buffer;
  centralExtra?: Buffer;
  /** Bits set in both headers' flags, besides bit 11 (bit 3 for a data descriptor). */
  flags?: number;
  /** Values the local header says in place of the central record's (ZIP64 markers, zeros before a data descriptor). */
  local?: { crc32?: number; compressedSize?: number; uncompressedSize?: number };
  /** Values the central record says in place of the true ones (ZIP64 markers, with their values in `centralExtra`). */
  central?: { compressedSize?: number; uncompressedSize?: number; relativeOffsetOfLocalHeader?: number };
  /** Bytes written after the entry's data (a data descriptor). */
  afterData?: Buffer;
  /** The central record's file comment (default none). */
  fileComment?: Buffer;
}

export interface CraftOptions {
  /**
   * A ZIP64 end record and locator before the end record, whose counts are markers (unless
   * `count` is given: then the end record keeps its own, and the ZIP64 one says `count`), with
   * `extensible` as its extensible data sector (4.3.14.1).
   */
  zip64End?: { extensible?: Buffer; count?: number };
  /**
   * The central records in this order (indexes into the entries, each once), where the entries
   * give the order of the data: a directory that lists them otherwise than their data lies.
   */
  directoryOrder?: readonly number[];
}

/** An extra field: header id, data size, data (APPNOTE 4.5.1). */
export function extraField(headerId: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(headerId, 0);
  header.writeUInt16LE(data.length, 2);
  return Buffer.concat([header, data]);
}

const DEFAULT_DATE = ((2024 - 1980) << 9) | (3 << 5) | 1;
const DEFAULT_TIME = (13 << 11) | (45 << 5) | (10 >> 1);

/** bad1.txt, good.txt, bad2.txt, stored, the two bad ones with a CRC-32 their data does not have. */
export function twoBadEntries(): Buffer {
  return craftZip(['bad1.txt', 'good.txt', 'bad2.txt'].map((name) => ({ name, data: name.toUpperCase().repeat(50), method: 0, ...(name.startsWith('bad') && { crc32: 0x12345678 }) })));
}

/**
 * Entries whose second one's local header (with its data) lies in the last bytes of the data of
 * the first, `long….txt`, within the length of the first's name: past the 30 bytes and data the
 * central records account for, so only reading the first's local header finds the overlap. Then
 * `after.txt`, a good entry. `offset`: where the first's local header will lie in the archive.
 */
export function headerInNameRoom(offset = 0): CraftEntry[] {
  const hidden: CraftEntry = { name: 'hidden.txt', data: 'hidden data', method: 0 };
  const record = craftZip([hidden]);
  const hiddenRecord = record.subarray(0, record.readUInt32LE(record.length - 6));
  const longName = 'long'.padEnd(200, '-') + '.txt';
  const filler = Buffer.alloc(100, 0x61);
  const dataAt = offset + LOCAL_FILE_HEADER.size + longName.length;
  return [
    { name: longName, data: Buffer.concat([filler, hiddenRecord]), method: 0 },
    { ...hidden, localHeaderAt: dataAt + filler.length },
    { name: 'after.txt', data: 'after', method: 0 },
  ];
}

export function craftZip(entries: readonly CraftEntry[], comment = '', options: CraftOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const entry of entries) {
    const kind = entry.kind ?? (entry.name.endsWith('/') ? 'directory' : 'file');
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data) : (entry.data ?? Buffer.alloc(0));
    const method = entry.method ?? (raw.length > 0 && kind === 'file' ? 8 : 0);
    const stored = method === 8 ? (entry.deflated ?? deflateRawSync(raw)) : raw;
    const name = entry.nameBytes ?? Buffer.from(entry.name);
    const flags = BITFLAG_UTF8 | (entry.encrypted ? BITFLAG_ENCRYPTED : 0) | (entry.flags ?? 0);
    const common = {
      versionNeededToExtract: 20,
      generalPurposeBitFlag: flags,
      compressionMethod: method,
      lastModFileTime: entry.dosTime ?? DEFAULT_TIME,
      lastModFileDate: entry.dosDate ?? DEFAULT_DATE,
      crc32: entry.crc32 ?? crc32(raw),
      compressedSize: entry.compressedSize ?? stored.length,
      uncompressedSize: entry.uncompressedSize ?? raw.length,
    };
    let localOffset = offset;
    if (entry.shareLocalHeaderOf !== undefined) localOffset = offsets[entry.shareLocalHeaderOf]!;
    else if (entry.localHeaderAt !== undefined) localOffset = entry.localHeaderAt;
    else {
      const local = LOCAL_FILE_HEADER.encode({ ...common, ...entry.local }, { fileName: entry.localName === undefined ? name : Buffer.from(entry.localName), extraField: entry.localExtra ?? Buffer.alloc(0) });
      const after = entry.afterData ?? Buffer.alloc(0);
      parts.push(local, stored, after);
      offset += local.length + stored.length + after.length;
    }
    offsets.push(localOffset);
    const type = kind === 'directory' ? S_IFDIR : kind === 'symlink' ? S_IFLNK : S_IFREG;
    const mode = type | (entry.mode ?? (kind === 'directory' ? 0o755 : kind === 'symlink' ? 0o777 : 0o644));
    centrals.push(
      CENTRAL_DIRECTORY_HEADER.encode(
        {
          ...common,
          versionMadeBy: (HOST_UNIX << 8) | 30,
          diskNumberStart: 0,
          internalFileAttributes: 0,
          externalFileAttributes: ((mode << 16) | (kind === 'directory' ? 0x10 : 0)) >>> 0,
          relativeOffsetOfLocalHeader: localOffset,
          ...entry.central,
        },
        { fileName: name, extraField: entry.centralExtra ?? Buffer.alloc(0), fileComment: entry.fileComment ?? Buffer.alloc(0) },
      ),
    );
  }
  const directory = Buffer.concat(options.directoryOrder?.map((i) => centrals[i]!) ?? centrals);
  const zip64: Buffer[] = [];
  const z64 = options.zip64End;
  if (z64 !== undefined) {
    const extensible = z64.extensible ?? Buffer.alloc(0);
    const record = ZIP64_END_OF_CENTRAL_DIRECTORY.encode({
      sizeOfZip64EndOfCentralDirectoryRecord: ZIP64_END_OF_CENTRAL_DIRECTORY.size - 12 + extensible.length,
      versionMadeBy: (HOST_UNIX << 8) | 45,
      versionNeededToExtract: 45,
      numberOfThisDisk: 0,
      diskWhereCentralDirectoryStarts: 0,
      numberOfCentralDirectoryRecordsOnThisDisk: z64.count ?? entries.length,
      totalNumberOfCentralDirectoryRecords: z64.count ?? entries.length,
      sizeOfCentralDirectory: directory.length,
      offsetOfStartOfCentralDirectory: offset,
    });
    const locator = ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.encode({ diskWithZip64EndOfCentralDirectory: 0, relativeOffsetOfZip64EndOfCentralDirectory: offset + directory.length, totalNumberOfDisks: 1 });
    zip64.push(record, extensible, locator);
  }
  const markers = z64 !== undefined && z64.count === undefined;
  const end = END_OF_CENTRAL_DIRECTORY.encode(
    {
      numberOfThisDisk: 0,
      diskWhereCentralDirectoryStarts: 0,
      numberOfCentralDirectoryRecordsOnThisDisk: markers ? ZIP64_MARKER_16 : entries.length,
      totalNumberOfCentralDirectoryRecords: markers ? ZIP64_MARKER_16 : entries.length,
      sizeOfCentralDirectory: directory.length,
      offsetOfStartOfCentralDirectory: markers ? ZIP64_MARKER_32 : offset,
    },
    { comment: Buffer.from(comment) },
  );
  return Buffer.concat([...parts, directory, ...zip64, end]);
}

/**
 * The archive with `bytes` put between its central directory and its end record: counted in the
 * directory's size (padding or junk inside the directory the end record declares) with
 * `inDirectory`, else not (bytes between the two).
 */
export function withBytesBeforeEnd(archive: Buffer, bytes: Buffer, inDirectory: boolean): Buffer {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const result = Buffer.concat([archive.subarray(0, end), bytes, archive.subarray(end)]);
  const sizeAt = end + bytes.length + END_OF_CENTRAL_DIRECTORY.offsetOf.sizeOfCentralDirectory;
  if (inDirectory) result.writeUInt32LE(result.readUInt32LE(sizeAt) + bytes.length, sizeAt);
  return result;
}

export function tempDir(prefix = 'zipdesk-extract-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeArchive(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

export function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).toString();
}

/** Every file, folder and link under `dir`, relative, sorted, folders with a trailing "/". */
export function tree(dir: string): string[] {
  const out = run('find', ['.', '-mindepth', '1', '-printf', '%y %P\\n'], dir);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => (line.startsWith('d ') ? line.slice(2) + '/' : line.slice(2)))
    .sort();
}
