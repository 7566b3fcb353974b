// The header inspector over archives made here by real tools: every field with its absolute
// offset, raw bytes and meaning; extra fields decoded or shown raw; disagreements marked.

import { Buffer } from 'node:buffer';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraFieldLabel, inspectArchive, inspectEntry, type RecordView } from '../../src-main/zip/inspect.js';
import { CENTRAL_DIRECTORY_HEADER, LOCAL_FILE_HEADER, SIGNATURE } from '../../src-main/zip/records.js';
import { makeTempDir, messWith, openBuffer, python, run, signatureOffsets } from './reader-fixtures.js';
import { craftZip, extraField } from './craft.js';

const { dir, cleanup } = makeTempDir('zipdesk-inspect-');
afterAll(cleanup);

let infoZip: Buffer;
const MTIME = new Date('2023-07-01T08:09:10Z');

function field(view: RecordView | undefined, name: string) {
  const row = view?.fields.find((f) => f.name === name);
  if (row === undefined) throw new Error(`no field ${name}`);
  return row;
}

beforeAll(() => {
  writeFileSync(path.join(dir, 'notes.txt'), 'some notes '.repeat(200));
  utimesSync(path.join(dir, 'notes.txt'), MTIME, MTIME);
  run('chmod', ['640', 'notes.txt'], dir);
  run('zip', ['-q', '-X', 'info.zip', 'notes.txt'], dir);
  run('zip', ['-q', 'info.zip', 'notes.txt'], dir); // replaces it with the extra fields back
  infoZip = readFileSync(path.join(dir, 'info.zip'));
});

describe('inspectEntry', () => {
  it('shows local and central fields with offsets, raw bytes and meanings', async () => {
    const reader = await openBuffer(infoZip);
    const [entry] = await reader.readEntries();
    const view = await inspectEntry(reader, entry!);
    expect(view.mismatches).toEqual([]);
    expect(view.local!.offset).toBe(entry!.localHeaderOffset);
    expect(view.central.offset).toBe(entry!.centralHeaderOffset);
    expect(field(view.central, 'signature')).toMatchObject({ offset: entry!.centralHeaderOffset, size: 4, raw: '50 4b 01 02', value: SIGNATURE.CENTRAL_DIRECTORY_HEADER });
    expect(field(view.central, 'relativeOffsetOfLocalHeader').offset).toBe(entry!.centralHeaderOffset + CENTRAL_DIRECTORY_HEADER.offsetOf.relativeOffsetOfLocalHeader);
    expect(field(view.local, 'compressionMethod')).toMatchObject({ value: 8, meaning: 'Deflated' });
    expect(field(view.central, 'versionMadeBy').meaning).toMatch(/^Unix, spec 3\.0$/);
    expect(field(view.central, 'externalFileAttributes').meaning).toMatch(/^-rw-r----- \(100640\)/);
    expect(field(view.central, 'fileName')).toMatchObject({ value: 'notes.txt', raw: Buffer.from('notes.txt').toString('hex').replace(/(..)(?!$)/g, '$1 ') });
    const local = new Date(MTIME.getTime());
    const two = (n: number) => String(n).padStart(2, '0');
    expect(field(view.local, 'lastModFileDate').meaning).toBe(`${local.getFullYear()}-${two(local.getMonth() + 1)}-${two(local.getDate())} (local time)`);
    expect(field(view.local, 'lastModFileTime').meaning).toBe(`${two(local.getHours())}:${two(local.getMinutes())}:${two(local.getSeconds())}`);
    const timestamp = view.central.extraFields!.find((e) => e.headerId === 0x5455)!;
    expect(timestamp.title).toBe('extended timestamp');
    expect(timestamp.fields.find((f) => f.name === 'modTime')!.meaning).toBe('2023-07-01T08:09:10Z');
    expect(field(view.central, 'extraField').meaning).toContain('0x5455 extended timestamp');
    // Sizes in the decimal units of the listing (2.2 KB there), the value not said again; a
    // length under 1000 in bytes.
    expect(field(view.local, 'uncompressedSize')).toMatchObject({ value: 2200, meaning: '2.2 KB' });
    expect(field(view.central, 'fileNameLength').meaning).toBe('9 bytes');
    // Plain data: survives JSON (it crosses IPC) unchanged.
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('shows unknown extra fields raw and names flag bits', async () => {
    const target = path.join(dir, 'unknown.zip');
    python(
      `
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo('ünïcode.txt', (2020, 1, 2, 3, 4, 6))
    info.extra = struct.pack('<HH', 0xcafe, 3) + b'xyz'
    z.writestr(info, 'data ' * 100)
`,
      dir,
      [target],
    );
    const reader = await openBuffer(readFileSync(target));
    const [entry] = await reader.readEntries();
    const view = await inspectEntry(reader, entry!);
    const unknown = view.central.extraFields!.find((e) => e.headerId === 0xcafe)!;
    expect(unknown.title).toBe('unknown extra field');
    expect(extraFieldLabel(unknown)).toBe('0xcafe unknown extra field');
    expect(unknown.section).toBeUndefined();
    expect(unknown.fields.map((f) => [f.name, f.raw])).toEqual([
      ['headerId', 'fe ca'],
      ['dataSize', '03 00'],
      ['data', '78 79 7a'],
    ]);
    expect(field(view.central, 'generalPurposeBitFlag').meaning).toBe('bit 11 UTF-8 names');
    expect(field(view.central, 'fileName')).toMatchObject({ value: 'ünïcode.txt', meaning: 'UTF-8 (bit 11)' });
    expect(field(view.central, 'lastModFileTime').meaning).toBe('03:04:06');
    expect(field(view.central, 'externalFileAttributes').meaning).toBe('?rw------- (000600), no DOS attributes'); // python sets no file type
  });

  it("decodes the old Info-ZIP Unix field (0x5855, libarchive's): times, and a local header's uid and gid", async () => {
    const target = path.join(dir, 'ux-old.zip');
    python(
      `
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    info = zipfile.ZipInfo('old.txt', (2020, 1, 2, 3, 4, 6))
    info.extra = struct.pack('<HHIIHH', 0x5855, 12, 1000000000, 1600000000, 1000, 100)
    z.writestr(info, 'data')
`,
      dir,
      [target],
    );
    const reader = await openBuffer(readFileSync(target));
    const [entry] = await reader.readEntries();
    const view = await inspectEntry(reader, entry!);
    const old = view.local!.extraFields!.find((e) => e.headerId === 0x5855)!;
    expect(extraFieldLabel(old)).toBe('0x5855 Info-ZIP Unix (old)');
    expect(old.fields.map((f) => [f.name, f.value, f.meaning])).toEqual([
      ['headerId', 0x5855, '0x5855'],
      ['dataSize', 12, '12 bytes'],
      ['acTime', 1_000_000_000, '2001-09-09T01:46:40Z'],
      ['modTime', 1_600_000_000, '2020-09-13T12:26:40Z'],
      ['uid', 1000, undefined],
      ['gid', 100, undefined],
    ]);
  });

  it('marks fields where the local header disagrees, and reports an unreadable one', async () => {
    const local = signatureOffsets(infoZip, SIGNATURE.LOCAL_FILE_HEADER)[0]!;
    const messed = messWith(infoZip, (b) => b.writeUInt32LE(0x12345678, local + LOCAL_FILE_HEADER.offsetOf.crc32));
    const reader = await openBuffer(messed);
    const [entry] = await reader.readEntries();
    const view = await inspectEntry(reader, entry!);
    expect(view.mismatches.map((m) => m.field)).toEqual(['crc32']);
    expect(field(view.local, 'crc32')).toMatchObject({ mismatch: true, meaning: '0x12345678' });
    expect(field(view.central, 'crc32').mismatch).toBe(true);
    expect(field(view.local, 'compressedSize').mismatch).toBeUndefined();

    const central = signatureOffsets(infoZip, SIGNATURE.CENTRAL_DIRECTORY_HEADER)[0]!;
    const lost = messWith(infoZip, (b) => b.writeUInt32LE(5, central + CENTRAL_DIRECTORY_HEADER.offsetOf.relativeOffsetOfLocalHeader));
    const r2 = await openBuffer(lost);
    const lostView = await inspectEntry(r2, (await r2.readEntries())[0]!);
    expect(lostView.local).toBeUndefined();
    expect(lostView.localError).toMatchObject({ code: 'BAD_LOCAL_HEADER' });
    expect(field(lostView.central, 'relativeOffsetOfLocalHeader').meaning).toBe('local header at offset 5');
  });

  it('marks shared fields that differ harmlessly (version, flags, DOS time) without listing them as mismatches', async () => {
    const local = signatureOffsets(infoZip, SIGNATURE.LOCAL_FILE_HEADER)[0]!;
    const messed = messWith(infoZip, (b) => {
      b.writeUInt16LE(45, local + LOCAL_FILE_HEADER.offsetOf.versionNeededToExtract);
      b.writeUInt16LE(b.readUInt16LE(local + LOCAL_FILE_HEADER.offsetOf.lastModFileDate) ^ 1, local + LOCAL_FILE_HEADER.offsetOf.lastModFileDate);
    });
    const reader = await openBuffer(messed);
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.mismatches).toEqual([]);
    const marked = (record: RecordView | undefined) => record!.fields.filter((f) => f.mismatch).map((f) => f.name);
    expect(marked(view.local)).toEqual(['versionNeededToExtract', 'lastModFileDate']);
    expect(marked(view.central)).toEqual(['versionNeededToExtract', 'lastModFileDate']);
    // Unchanged: nothing marked.
    const plain = await openBuffer(infoZip);
    const plainView = await inspectEntry(plain, (await plain.readEntries())[0]!);
    expect([marked(plainView.local), marked(plainView.central)]).toEqual([[], []]);
  });

  it('shows an NTFS time (past 2^53) exactly as its bytes say, and a name without bit 11 by how it reads', async () => {
    const target = path.join(dir, 'ntfs.zip');
    python(
      `
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    info = zipfile.ZipInfo('f.txt')
    t = 132498402028681773
    info.extra = struct.pack('<HHIHHQQQ', 0x000a, 32, 0, 1, 24, t, t, t)
    z.writestr(info, 'x')
`,
      dir,
      [target],
    );
    const reader = await openBuffer(readFileSync(target));
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    const ntfs = view.central.extraFields!.find((e) => e.headerId === 0x000a)!;
    expect(ntfs.fields.find((f) => f.name === 'mtime')).toMatchObject({ raw: '2d fa 39 3a 98 ba d6 01', value: '132498402028681773' });
    expect(field(view.central, 'compressedSize').value).toBe(1);
    // Info-ZIP's zip stores a UTF-8 name without bit 11.
    writeFileSync(path.join(dir, 'fïlé.txt'), 'x');
    run('zip', ['-q', 'unflagged.zip', 'fïlé.txt'], dir);
    const unflagged = await openBuffer(readFileSync(path.join(dir, 'unflagged.zip')));
    const entry = (await unflagged.readEntries())[0]!;
    expect(field((await inspectEntry(unflagged, entry)).central, 'fileName')).toMatchObject({ value: 'fïlé.txt', meaning: 'UTF-8 (no bit 11)' });
  });

  it('shows the data descriptor of a streamed entry', async () => {
    run('sh', ['-c', 'zip -q - notes.txt | cat > streamed.zip'], dir);
    const reader = await openBuffer(readFileSync(path.join(dir, 'streamed.zip')));
    const [entry] = await reader.readEntries();
    const view = await inspectEntry(reader, entry!);
    expect(field(view.local, 'generalPurposeBitFlag').meaning).toContain('bit 3 data descriptor');
    expect(view.dataDescriptor!.offset).toBe(view.dataOffset! + entry!.compressedSize);
    expect(field(view.dataDescriptor, 'crc32').meaning).toMatch(/matches the central directory/);
  });

  it('shows no data descriptor where bit 3 is set but the next header follows the data (as test reads it)', async () => {
    python("import zipfile\nwith zipfile.ZipFile('no-dd.zip', 'w') as z:\n    z.writestr('a.txt', 'alpha ' * 20)\n    z.writestr('b.txt', 'bravo')\nd = bytearray(open('no-dd.zip', 'rb').read())\nd[6] |= 8\nc = d.find(b'PK\\x01\\x02')\nd[c + 8] |= 8\nopen('no-dd.zip', 'wb').write(d)", dir);
    const reader = await openBuffer(readFileSync(path.join(dir, 'no-dd.zip')));
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.dataDescriptor).toBeUndefined();
  });

  it('says where a ZIP64 marker\'s value is, or that it is missing', async () => {
    // Python writes ZIP64 extra fields for sizes past ZIP64_LIMIT (both headers hold both sizes).
    python("import zipfile\nzipfile.ZIP64_LIMIT = 4\nwith zipfile.ZipFile('z64.zip', 'w') as z: z.writestr('a.txt', 'hello world ' * 3)", dir);
    const z64 = await openBuffer(readFileSync(path.join(dir, 'z64.zip')));
    const view = await inspectEntry(z64, (await z64.readEntries())[0]!);
    for (const side of [view.central, view.local]) {
      for (const name of ['compressedSize', 'uncompressedSize']) expect(field(side, name)).toMatchObject({ value: 0xffffffff, meaning: 'in the ZIP64 extra field' });
    }
    expect(field(view.central, 'relativeOffsetOfLocalHeader').meaning).toBe('local header at offset 0');
    // A marker in a record without the extra field (the value is nowhere).
    const central = signatureOffsets(infoZip, SIGNATURE.CENTRAL_DIRECTORY_HEADER)[0]!;
    const marked = await openBuffer(messWith(infoZip, (b) => b.writeUInt32LE(0xffffffff, central + 42)));
    const damaged = await inspectEntry(marked, (await marked.readEntries())[0]!);
    expect(field(damaged.central, 'relativeOffsetOfLocalHeader')).toMatchObject({ value: 0xffffffff, meaning: 'ZIP64 marker, but no ZIP64 extra field value for it' });
    expect(field(damaged.central, 'compressedSize').meaning).toMatch(/^\d+ bytes$/);
  });
});

describe('inspectEntry over crafted records', () => {
  /** 8 bytes, little-endian. */
  const u64 = (value: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    return b;
  };

  it('reads a local ZIP64 field holding only the size that overflowed as the reader does (libarchive zip64b.zip)', async () => {
    // The local compressed size is the marker, the uncompressed size is not: 8 bytes, the compressed size.
    const data = 'zip64 local '.repeat(20);
    const probe = craftZip([{ name: 'a.txt', data }]);
    const compressedSize = probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.compressedSize);
    const bytes = craftZip([{ name: 'a.txt', data, local: { compressedSize: 0xffffffff }, localExtra: extraField(0x0001, u64(compressedSize)) }]);
    const reader = await openBuffer(bytes);
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.mismatches).toEqual([]);
    const zip64 = view.local!.extraFields!.find((e) => e.headerId === 0x0001)!;
    expect(zip64.fields.map((f) => [f.name, f.value])).toEqual([
      ['headerId', 1],
      ['dataSize', 8],
      ['compressedSize', compressedSize],
    ]);
    expect(field(view.local, 'compressedSize').meaning).toBe('in the ZIP64 extra field');
    expect(field(view.local, 'uncompressedSize').meaning).toBe(`${data.length} bytes`);
  });

  it('names the offset and disk some writers repeat in a local ZIP64 field, and says they are not read', async () => {
    const data = 'zip64 local '.repeat(20);
    const probe = craftZip([{ name: 'a.txt', data }]);
    const compressedSize = probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.compressedSize);
    const disk = Buffer.alloc(4);
    disk.writeUInt32LE(0);
    const localExtra = extraField(0x0001, Buffer.concat([u64(data.length), u64(compressedSize), u64(0), disk]));
    const reader = await openBuffer(craftZip([{ name: 'a.txt', data, local: { compressedSize: 0xffffffff, uncompressedSize: 0xffffffff }, localExtra }]));
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.mismatches).toEqual([]);
    const zip64 = view.local!.extraFields!.find((e) => e.headerId === 0x0001)!;
    expect(zip64.fields.map((f) => [f.name, f.value, f.meaning])).toEqual([
      ['headerId', 1, '0x0001'],
      ['dataSize', 28, '28 bytes'],
      ['originalSize', data.length, `${data.length} bytes`],
      ['compressedSize', compressedSize, `${compressedSize} bytes`],
      ['relativeHeaderOffset', 0, 'offset 0, in a local header: not read'],
      ['diskStartNumber', 0, 'disk 0, in a local header: not read'],
    ]);
  });

  it('reads a data descriptor\'s sizes as wide as the next header says: Go\'s 4-byte ones after a central ZIP64 field for the offset alone, yazl\'s 8-byte ones without a local ZIP64 field', async () => {
    const data = 'descriptor '.repeat(30);
    const probe = craftZip([{ name: 'a.txt', data }]);
    const [crc, compressedSize] = [probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.crc32), probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.compressedSize)];
    const descriptor = (width: 4 | 8) => {
      const b = Buffer.alloc(8 + 2 * width);
      b.writeUInt32LE(SIGNATURE.DATA_DESCRIPTOR, 0);
      b.writeUInt32LE(crc, 4);
      if (width === 4) b.writeUInt32LE(compressedSize, 8), b.writeUInt32LE(data.length, 12);
      else b.writeBigUInt64LE(BigInt(compressedSize), 8), b.writeBigUInt64LE(BigInt(data.length), 16);
      return b;
    };
    const streamed = { name: 'a.txt', data, flags: 0b1000, local: { crc32: 0, compressedSize: 0, uncompressedSize: 0 } };
    const first = { name: 'first.txt', data: 'first', method: 0 };
    const cases = [
      // Go: the central record's offset in its ZIP64 field (as for an entry past 4 GiB), 4-byte sizes.
      {
        entry: (offset: number) => ({ ...streamed, central: { relativeOffsetOfLocalHeader: 0xffffffff }, centralExtra: extraField(0x0001, u64(offset)), afterData: descriptor(4) }),
        title: 'data descriptor',
        length: 16,
      },
      // yazl (yauzl's zip64.zip): the sizes in the central ZIP64 field, none in the local header, 8-byte sizes.
      {
        entry: () => ({ ...streamed, central: { compressedSize: 0xffffffff, uncompressedSize: 0xffffffff }, centralExtra: extraField(0x0001, Buffer.concat([u64(data.length), u64(compressedSize)])), afterData: descriptor(8) }),
        title: 'zip64 data descriptor',
        length: 24,
      },
    ];
    for (const { entry, title, length } of cases) {
      for (const last of [false, true]) {
        // Followed by the next entry's local header, or (the last entry, after one of 44 bytes) by the central directory.
        const reader = await openBuffer(craftZip(last ? [first, entry(LOCAL_FILE_HEADER.size + 9 + 5)] : [entry(0), { name: 'b.txt', data: 'next' }]));
        const view = await inspectEntry(reader, (await reader.readEntries())[last ? 1 : 0]!);
        expect(view.dataDescriptor).toMatchObject({ title, length });
        expect(view.dataDescriptor!.fields.map((f) => f.meaning)).toEqual([
          '0x08074b50 (optional, 4.3.9.3)',
          `0x${crc.toString(16).padStart(8, '0')}, matches the central directory`,
          `${compressedSize} bytes`,
          `${data.length} bytes`,
        ]);
      }
    }
  });

  it('says where the local header really is after a prefix the offsets do not count, also for an offset in the ZIP64 field', async () => {
    const prefix = Buffer.alloc(100, 0x4d);
    const bytes = Buffer.concat([prefix, craftZip([{ name: 'a.txt', data: 'alpha', central: { relativeOffsetOfLocalHeader: 0xffffffff }, centralExtra: extraField(0x0001, u64(0)) }])]);
    const reader = await openBuffer(bytes);
    expect(reader.info.offsetAdjustment).toBe(100);
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.local!.offset).toBe(100);
    expect(field(view.central, 'relativeOffsetOfLocalHeader').meaning).toBe('in the ZIP64 extra field; at 100 after adding the 100-byte prefix');
    const zip64 = view.central.extraFields!.find((e) => e.headerId === 0x0001)!;
    expect(zip64.fields.find((f) => f.name === 'relativeHeaderOffset')!.meaning).toBe('local header at offset 0; at 100 after adding the 100-byte prefix');
  });

  it('reads a data descriptor without signature after a local ZIP64 field with 8-byte sizes (4.3.9.2)', async () => {
    const data = 'descriptor '.repeat(30);
    const probe = craftZip([{ name: 'a.txt', data }]);
    const [crc, compressedSize] = [probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.crc32), probe.readUInt32LE(LOCAL_FILE_HEADER.offsetOf.compressedSize)];
    const descriptor = Buffer.concat([Buffer.alloc(4), u64(compressedSize), u64(data.length)]);
    descriptor.writeUInt32LE(crc, 0);
    const bytes = craftZip([
      { name: 'a.txt', data, flags: 0b1000, local: { crc32: 0, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff }, localExtra: extraField(0x0001, Buffer.alloc(16)), afterData: descriptor },
      { name: 'b.txt', data: 'next' },
    ]);
    const reader = await openBuffer(bytes);
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    expect(view.dataDescriptor).toMatchObject({ title: 'zip64 data descriptor (no signature)', offset: view.dataOffset! + compressedSize, length: 20 });
    expect(view.dataDescriptor!.fields.map((f) => [f.name, f.size, f.value, f.meaning])).toEqual([
      ['crc32', 4, crc, `0x${crc.toString(16).padStart(8, '0')}, matches the central directory`],
      ['compressedSize', 8, compressedSize, `${compressedSize} bytes`],
      ['uncompressedSize', 8, data.length, `${data.length} bytes`],
    ]);
  });
});

describe('inspectEntry: NTFS attributes', () => {
  const TICKS = 132498402028681773n; // 2020-11-14T15:10:02.868Z
  const attribute = (tag: number, data: Buffer, size = data.length) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(tag, 0);
    head.writeUInt16LE(size, 2);
    return Buffer.concat([head, data]);
  };
  const times = (n = 3) => {
    const b = Buffer.alloc(8 * n);
    for (let i = 0; i < n; i++) b.writeBigUInt64LE(TICKS, 8 * i);
    return b;
  };
  const ntfs = (...attributes: Buffer[]) => extraField(0x000a, Buffer.concat([Buffer.alloc(4), ...attributes]));
  const rows = async (centralExtra: Buffer) => {
    const reader = await openBuffer(craftZip([{ name: 'f.txt', data: 'x', centralExtra }]));
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    const field = view.central.extraFields!.find((e) => e.headerId === 0x000a)!;
    return field.fields.slice(2).map((f) => `${f.name}@${f.offset - field.offset} ${f.size} ${f.meaning ?? f.value}`);
  };

  it('shows each attribute\'s tag, size and data, the file times of tag 1 wherever it lies (4.5.5)', async () => {
    expect(await rows(ntfs(attribute(2, Buffer.from('WXYZ')), attribute(1, times()), attribute(7, Buffer.from('ab'))))).toEqual([
      'reserved@4 4 0',
      'tag@8 2 attribute 2, unknown',
      'tagSize@10 2 4 bytes',
      'attributeData@12 4 4 bytes',
      'tag@16 2 attribute 1: file times',
      'tagSize@18 2 24 bytes',
      'mtime@20 8 2020-11-14T15:10:02.868Z',
      'atime@28 8 2020-11-14T15:10:02.868Z',
      'ctime@36 8 2020-11-14T15:10:02.868Z',
      'tag@44 2 attribute 7, unknown',
      'tagSize@46 2 2 bytes',
      'attributeData@48 2 2 bytes',
    ]);
  });

  it('reads no times from a tag 1 attribute shorter than 24 bytes, nor past an attribute\'s end', async () => {
    // (The times were read from the 24 bytes after its tag whatever its size said: here, into the next attribute.)
    expect(await rows(ntfs(attribute(1, times(1)), attribute(2, Buffer.alloc(12))))).toEqual([
      'reserved@4 4 0',
      'tag@8 2 attribute 1: file times',
      'tagSize@10 2 8 bytes, too few for the file times (24): not read',
      'attributeData@12 8 8 bytes',
      'tag@20 2 attribute 2, unknown',
      'tagSize@22 2 12 bytes',
      'attributeData@24 12 12 bytes',
    ]);
    // An attribute whose size runs past the field, then 2 bytes too few for an attribute's tag and size.
    expect(await rows(ntfs(attribute(1, times(1), 24)))).toEqual(['reserved@4 4 0', 'tag@8 2 attribute 1: file times', 'tagSize@10 2 24 bytes declared, 8 present', 'attributeData@12 8 8 bytes']);
    expect(await rows(ntfs(attribute(2, Buffer.alloc(0)), Buffer.from([1, 2])))).toEqual(['reserved@4 4 0', 'tag@8 2 attribute 2, unknown', 'tagSize@10 2 0 bytes', 'attributeData@12 0 0 bytes', '(unparsed)@12 2 2 bytes']);
  });

  it('says a time of 0 is none, and that the reader takes neither it nor one past 9998 for the modification time', async () => {
    const unset = Buffer.alloc(24);
    unset.writeBigUInt64LE(TICKS, 16);
    expect((await rows(ntfs(attribute(1, unset)))).slice(3)).toEqual(['mtime@12 8 none (0): not used', 'atime@20 8 none (0)', 'ctime@28 8 2020-11-14T15:10:02.868Z']);
    const late = Buffer.alloc(24);
    late.writeBigUInt64LE(0x7fff_ffff_ffff_ffffn, 0);
    expect((await rows(ntfs(attribute(1, late)))).slice(3, 4)).toEqual(['mtime@12 8 +030828-09-14T02:48:05.477Z, past the year 9998: not used']);
    // Beside it, the listing's time is the DOS time's, as the reader says.
    const reader = await openBuffer(craftZip([{ name: 'f.txt', data: 'x', centralExtra: ntfs(attribute(1, unset)) }]));
    expect((await reader.readEntries())[0]!.modified.getFullYear()).toBeGreaterThan(1979);
  });
});

describe('inspectEntry: Unicode path and comment fields', () => {
  /** An Info-ZIP Unicode path (0x7075) or comment (0x6375) field: version, CRC-32 of the header's bytes, text. */
  const unicodeField = (id: number, version: number, crc: number, text: Buffer) => {
    const head = Buffer.alloc(5);
    head[0] = version;
    head.writeUInt32LE(crc, 1);
    return extraField(id, Buffer.concat([head, text]));
  };
  const crcOf = (text: string | Buffer) => crc32(Buffer.from(text));

  it('says a field is used only when the reader uses it: version 1, its CRC-32, UTF-8 text that is not empty', async () => {
    const comment = Buffer.from('caf\x82', 'latin1');
    const bytes = craftZip([
      { name: 'used', nameBytes: Buffer.from('caf\x82.txt', 'latin1'), data: '1', centralExtra: unicodeField(0x7075, 1, crcOf(Buffer.from('caf\x82.txt', 'latin1')), Buffer.from('café.txt')) },
      { name: 'v2.txt', data: '2', centralExtra: unicodeField(0x7075, 2, crcOf('v2.txt'), Buffer.from('other.txt')) },
      { name: 'crc.txt', data: '3', centralExtra: unicodeField(0x7075, 1, 0x12345678, Buffer.from('other.txt')) },
      { name: 'bad.txt', data: '4', centralExtra: unicodeField(0x7075, 1, crcOf('bad.txt'), Buffer.from('b\xffd\x01.txt', 'latin1')) },
      { name: 'empty.txt', data: '5', centralExtra: unicodeField(0x7075, 1, crcOf('empty.txt'), Buffer.alloc(0)) },
      { name: 'comment.txt', data: '6', fileComment: comment, centralExtra: unicodeField(0x6375, 1, crcOf(comment), Buffer.from('café')) },
    ]);
    const reader = await openBuffer(bytes);
    const entries = await reader.readEntries();
    // The reader: only the first name comes from its field, and the comment from its own.
    expect(entries.map((e) => e.name)).toEqual(['café.txt', 'v2.txt', 'crc.txt', 'bad.txt', 'empty.txt', 'comment.txt']);
    expect(entries[5]!.comment).toBe('café');
    const shown = [];
    for (const entry of entries) {
      const extra = (await inspectEntry(reader, entry)).central.extraFields![0]!;
      const row = (name: string) => extra.fields.find((f) => f.name === name)!;
      shown.push(entry.index === 5 ? row('commentCrc32').meaning : row('nameCrc32').meaning!.replace(/^0x[0-9a-f]{8}, /, ''));
      if (entry.name === 'bad.txt') expect(row('unicodeName')).toMatchObject({ value: 'b\\xffd\u0001.txt', meaning: 'not UTF-8: bytes shown as \\xNN' });
      if (entry.name === 'v2.txt') expect(row('version').meaning).toBe('version 2, unknown');
    }
    expect(shown).toEqual([
      'matches the header name: used',
      'matches the header name, but version 2 is unknown: ignored',
      'does not match the header name (0x1cd1760b): ignored',
      'matches the header name, but the text is not UTF-8: ignored',
      'matches the header name, but the text is empty: ignored',
      `0x${crcOf(comment).toString(16).padStart(8, '0')}, matches the file comment: used`,
    ]);
  });
});

describe('inspectArchive', () => {
  it('shows the end record, and the ZIP64 end record and locator when present', async () => {
    const plain = await inspectArchive(await openBuffer(infoZip));
    expect(plain.endOfCentralDirectory.offset).toBe(infoZip.length - 22);
    // A directory offset that is off (12 too far) without the entries' being so: where it was read is said.
    const stored = infoZip.readUInt32LE(infoZip.length - 6);
    const off = await inspectArchive(await openBuffer(messWith(infoZip, (b) => b.writeUInt32LE(stored + 12, b.length - 6))));
    expect(field(off.endOfCentralDirectory, 'offsetOfStartOfCentralDirectory').meaning).toBe(`offset ${stored + 12}, but the directory was read at ${stored}, where its size puts it before the end record`);
    expect(field(plain.endOfCentralDirectory, 'totalNumberOfCentralDirectoryRecords')).toMatchObject({ value: 1, meaning: '1 entry' });
    expect(plain.zip64EndOfCentralDirectory).toBeUndefined();

    const target = path.join(dir, 'z64.zip');
    python(
      `
import sys, zipfile
zipfile.ZIP_FILECOUNT_LIMIT = 1
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.comment = b'archive comment'
    z.writestr('a', 'a')
    z.writestr('b', 'b')
`,
      dir,
      [target],
    );
    const bytes = readFileSync(target);
    const reader = await openBuffer(bytes);
    const view = await inspectArchive(reader);
    expect(view.zip64EndOfCentralDirectory!.offset).toBe(signatureOffsets(bytes, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY)[0]);
    expect(field(view.zip64EndOfCentralDirectory, 'totalNumberOfCentralDirectoryRecords').value).toBe(2);
    expect(field(view.zip64EndOfCentralDirectoryLocator, 'relativeOffsetOfZip64EndOfCentralDirectory').meaning).toBe(`ZIP64 end record at offset ${view.zip64EndOfCentralDirectory!.offset}`);
    expect(field(view.endOfCentralDirectory, 'comment').value).toBe('archive comment');
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('shows a ZIP64 end record\'s extensible data sector, and counts it in the record\'s length (4.3.14.2)', async () => {
    const extensible = Buffer.from([0x17, 0x00, 2, 0, 0, 0, 0x58, 0x59]);
    const bytes = craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { extensible } });
    const view = await inspectArchive(await openBuffer(bytes));
    const record = view.zip64EndOfCentralDirectory!;
    expect(record.offset).toBe(signatureOffsets(bytes, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY)[0]);
    expect(record.length).toBe(56 + 8);
    expect(field(record, 'sizeOfZip64EndOfCentralDirectoryRecord')).toMatchObject({ value: 52, meaning: '52 bytes after this field (8 bytes of extensible data)' });
    expect(field(record, 'zip64ExtensibleDataSector')).toMatchObject({ offset: record.offset + 56, size: 8, raw: '17 00 02 00 00 00 58 59', value: '8 bytes' });
    expect(view.zip64EndOfCentralDirectoryLocator!.offset).toBe(record.offset + record.length);
  });

  it('says a ZIP64 end record or locator the reader ignores is ignored, and shows a locator it could not follow', async () => {
    // A ZIP64 end record saying 7 entries where the end record, which needs none of its values, says 1.
    const contradicts = craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 7 } });
    const reader = await openBuffer(contradicts);
    expect([reader.info.entryCount, reader.info.zip64EndOfCentralDirectoryIgnored]).toEqual([1, true]);
    const view = await inspectArchive(reader);
    expect(view.zip64Ignored).toMatch(/^the ZIP64 end record contradicts the end record, which needs none of its values: it is ignored/);
    expect(field(view.zip64EndOfCentralDirectory, 'signature').meaning).toBe(`0x06064b50, as expected; ${view.zip64Ignored}`);
    expect(field(view.zip64EndOfCentralDirectory, 'totalNumberOfCentralDirectoryRecords').meaning).toBe('7 entries; ignored');
    expect(field(view.zip64EndOfCentralDirectory, 'offsetOfStartOfCentralDirectory').meaning).toMatch(/^offset \d+; ignored$/);
    // One that agrees is used, and says nothing of the kind.
    const agrees = await openBuffer(craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 1 } }));
    expect(agrees.info.zip64EndOfCentralDirectoryIgnored).toBe(false);
    const used = await inspectArchive(agrees);
    expect(used.zip64Ignored).toBeUndefined();
    expect(field(used.zip64EndOfCentralDirectory, 'totalNumberOfCentralDirectoryRecords').meaning).toBe('1 entry');

    // A locator that cannot be used (a split archive's, pointing nowhere; as in Go's issue12449 test) before an end
    // record that needs none: the reader ignores it, and the inspector showed nothing of it.
    const bytes = craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 1 } });
    const locatorAt = signatureOffsets(bytes, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)[0]!;
    const lost = await openBuffer(
      messWith(bytes, (b) => {
        b.writeUInt32LE(99999, locatorAt + 8);
        b.writeUInt32LE(3, locatorAt + 16);
      }),
    );
    expect(lost.info.zip64EndOfCentralDirectoryOffset).toBeUndefined();
    const lostView = await inspectArchive(lost);
    expect(lostView.zip64EndOfCentralDirectory).toBeUndefined();
    expect(lostView.zip64EndOfCentralDirectoryLocator).toMatchObject({ offset: locatorAt, length: 20 });
    expect(field(lostView.zip64EndOfCentralDirectoryLocator, 'signature').meaning).toBe('0x07064b50; the ZIP64 locator leads to no usable ZIP64 end record, and the end record needs none: it is ignored');
    expect(field(lostView.zip64EndOfCentralDirectoryLocator, 'relativeOffsetOfZip64EndOfCentralDirectory')).toMatchObject({ value: 99999, meaning: 'offset 99999' });
    expect(lostView.zip64Ignored).toBe('the ZIP64 locator leads to no usable ZIP64 end record, and the end record needs none: it is ignored');
  });

  it('says a marker value is in the ZIP64 end record only when there is one that is read (it said so of a plain archive\'s)', async () => {
    const plain = craftZip([{ name: 'a.txt', data: 'hello' }]);
    const stored = plain.readUInt32LE(plain.length - 6);
    // A directory offset of 0xFFFFFFFF with no ZIP64 record: the directory is read where its size puts it.
    const marked = await inspectArchive(await openBuffer(messWith(plain, (b) => b.writeUInt32LE(0xffffffff, b.length - 6))));
    expect(field(marked.endOfCentralDirectory, 'offsetOfStartOfCentralDirectory').meaning).toBe(`offset 4294967295, but the directory was read at ${stored}, where its size puts it before the end record`);
    // The same marker before a ZIP64 end record that is read.
    const zip64 = craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 1 } });
    const read = await inspectArchive(await openBuffer(messWith(zip64, (b) => b.writeUInt32LE(0xffffffff, b.length - 6))));
    expect(field(read.endOfCentralDirectory, 'offsetOfStartOfCentralDirectory').meaning).toBe('in the ZIP64 end record');
  });

  it('says an 8-byte value past 2^53 by its exact digits in its meaning too, as in its value', async () => {
    const bytes = craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 1 } });
    const locatorAt = signatureOffsets(bytes, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR)[0]!;
    // Go's issue12449-not-zip64.zip: 94 9c 61 44 be 94 19 42 (the meaning said offset 4763001625832955000).
    const reader = await openBuffer(messWith(bytes, (b) => (b.writeBigUInt64LE(0x421994be44619c94n, locatorAt + 8), b.writeUInt32LE(3, locatorAt + 16))));
    const view = await inspectArchive(reader);
    expect(field(view.zip64EndOfCentralDirectoryLocator, 'relativeOffsetOfZip64EndOfCentralDirectory')).toMatchObject({ value: '4763001625832955028', meaning: 'offset 4763001625832955028' });
  });
});
