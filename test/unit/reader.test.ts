// The reader over archives that real tools wrote in this test, and corrupted variants of them
// made in code. Each failure is asserted by its ZipError code.

import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { CENTRAL_DIRECTORY_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_FILE_HEADER, SIGNATURE } from '../../src-main/zip/records.js';
import { assertNoOverlaps, findOverlaps, openZip, type EntrySpan } from '../../src-main/zip/reader.js';
import { createArchiveService } from '../../src-main/ipc/archives.js';
import { ZipError, isZipError, stacklessZipError } from '../../src-main/zip/errors.js';
import type { ZipEntry } from '../../src-main/zip/model.js';
import { expectCode, makeTempDir, messWith, openBuffer, peerZipsDir, python, pythonListing, readAll, run, signatureOffsets } from './reader-fixtures.js';

const CD = CENTRAL_DIRECTORY_HEADER.offsetOf;
const LFH = LOCAL_FILE_HEADER.offsetOf;
const EOCD = END_OF_CENTRAL_DIRECTORY.offsetOf;

const { dir, cleanup } = makeTempDir();
afterAll(cleanup);

const MTIME = new Date('2024-03-09T10:11:12Z');
let infoZip: Buffer;
let pyStored: Buffer;

function centralOffsets(bytes: Buffer): number[] {
  return signatureOffsets(bytes, SIGNATURE.CENTRAL_DIRECTORY_HEADER);
}
function localOffsets(bytes: Buffer): number[] {
  return signatureOffsets(bytes, SIGNATURE.LOCAL_FILE_HEADER);
}
function eocdOffset(bytes: Buffer): number {
  return signatureOffsets(bytes, SIGNATURE.END_OF_CENTRAL_DIRECTORY).at(-1)!;
}

/** A python-written archive of stored entries: ("name", bytes) pairs; extra keyword code optional. */
function pythonZip(name: string, files: Record<string, string>, setup = ''): Buffer {
  const target = path.join(dir, name);
  python(
    `
import json, sys, zipfile
${setup}
files = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:
    for n, text in files.items():
        z.writestr(zipfile.ZipInfo(n, (2024, 3, 9, 10, 11, 12)), text)
`,
    dir,
    [target, JSON.stringify(files)],
  );
  return readFileSync(target);
}

beforeAll(() => {
  const tree = path.join(dir, 'tree');
  mkdirSync(path.join(tree, 'sub', 'empty-dir'), { recursive: true });
  writeFileSync(path.join(tree, 'hello.txt'), 'hello, world\n');
  writeFileSync(path.join(tree, 'empty.txt'), '');
  writeFileSync(path.join(tree, 'sub', 'lines.txt'), Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join(''));
  symlinkSync('hello.txt', path.join(tree, 'link'));
  for (const p of ['hello.txt', 'empty.txt', 'sub/lines.txt', 'sub/empty-dir', 'sub']) utimesSync(path.join(tree, p), MTIME, MTIME);
  run('zip', ['-q', '-r', '-y', '../infozip.zip', 'hello.txt', 'empty.txt', 'sub', 'link'], tree);
  infoZip = readFileSync(path.join(dir, 'infozip.zip'));
  pyStored = pythonZip('py-stored.zip', { 'a.txt': 'alpha', 'b.txt': 'bravo bravo', 'c/': '' });
});

describe('openZip and readEntries', () => {
  it('lists what Info-ZIP wrote, as python does, with types, modes and times', async () => {
    const { reader, entries, contents } = await readAll(infoZip);
    const reference = pythonListing(path.join(dir, 'infozip.zip'));
    expect(entries.map((e) => [e.name, e.uncompressedSize, e.compressedSize, e.crc32, e.isDirectory])).toEqual(
      reference.entries.map((e) => [e.name, e.size, e.compressedSize, e.crc32, e.isDirectory]),
    );
    expect(reader.info).toMatchObject({ entryCount: 6, offsetAdjustment: 0, trailingBytes: 0, comment: '', zip64EndOfCentralDirectoryOffset: undefined });
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(contents.get('hello.txt')!.toString()).toBe('hello, world\n');
    expect(contents.get('sub/lines.txt')!.length).toBe(byName.get('sub/lines.txt')!.uncompressedSize);
    expect(contents.get('empty.txt')!.length).toBe(0);
    const link = byName.get('link')!;
    expect(link.isSymlink).toBe(true);
    expect(contents.get('link')!.toString()).toBe('hello.txt');
    expect(byName.get('sub/empty-dir/')!.isDirectory).toBe(true);
    expect(byName.get('sub/empty-dir/')!.unixMode! & 0o170000).toBe(0o040000);
    expect(byName.get('hello.txt')!.unixMode! & 0o170000).toBe(0o100000);
    // The extended timestamp (UTC) wins over the DOS time.
    expect(byName.get('hello.txt')!.modified.toISOString()).toBe(MTIME.toISOString());
    expect(byName.get('hello.txt')!.extraFieldIds).toContain(0x5455);
    expect(byName.get('sub/lines.txt')!.compressionMethod).toBe(8);
  });

  it('streams the same entries as readEntries', async () => {
    const reader = await openBuffer(infoZip);
    const streamed = [];
    for await (const entry of reader.entries()) streamed.push(entry.name);
    expect(streamed).toEqual((await reader.readEntries()).map((e) => e.name));
  });

  it('reads DOS times as local time when there is no extended timestamp', async () => {
    const { entries } = await readAll(pyStored);
    expect(entries[0]!.modified.getTime()).toBe(new Date(2024, 2, 9, 10, 11, 12).getTime());
    expect(entries.map((e) => [e.name, e.isDirectory, e.nameEncoding])).toEqual([
      ['a.txt', false, 'cp437'],
      ['b.txt', false, 'cp437'],
      ['c/', true, 'cp437'],
    ]);
  });

  it('decodes names as UTF-8 by bit 11, or without it when the bytes are valid UTF-8, else as CP437', async () => {
    const utf8 = pythonZip('utf8.zip', { 'naïve €.txt': 'x', 'dir/': '' });
    expect((await readAll(utf8)).entries[0]).toMatchObject({ name: 'naïve €.txt', nameEncoding: 'utf8' });
    const unflag = (b: Buffer): void => {
      for (const at of centralOffsets(b)) b.writeUInt16LE(b.readUInt16LE(at + CD.generalPurposeBitFlag) & ~0x800, at + CD.generalPurposeBitFlag);
      for (const at of localOffsets(b)) b.writeUInt16LE(b.readUInt16LE(at + LFH.generalPurposeBitFlag) & ~0x800, at + LFH.generalPurposeBitFlag);
    };
    // UTF-8 bytes without the flag, as Info-ZIP's zip and macOS write them: read as unzip does.
    const unflagged = messWith(utf8, unflag);
    const target = path.join(dir, 'unflagged.zip');
    writeFileSync(target, unflagged);
    const read = await readAll(unflagged);
    expect(read.entries.map((e) => [e.name, e.nameEncoding])).toEqual([
      ['naïve €.txt', 'utf8-unflagged'],
      ['dir/', 'cp437'],
    ]);
    expect(read.contents.get('naïve €.txt')!.toString()).toBe('x');
    // Python reads them as CP437.
    expect(pythonListing(target).entries[0]!.name).toBe('na├»ve Γé¼.txt');
    // Bytes that are not UTF-8 are CP437: "é" is 0x82 there (a DOS name), and a lone 0xC3 is no UTF-8.
    const dos = messWith(pythonZip('dos.zip', { 'caf#.txt': 'x', 'ab#.txt': 'y' }), (b) => {
      unflag(b);
      let at = -1;
      while ((at = b.indexOf('caf#', at + 1)) !== -1) b[at + 3] = 0x82;
      while ((at = b.indexOf('ab#', at + 1)) !== -1) b[at + 2] = 0xc3;
    });
    expect((await readAll(dos)).entries.map((e) => [e.name, e.nameEncoding])).toEqual([
      ['café.txt', 'cp437'],
      ['ab├.txt', 'cp437'],
    ]);
  });

  it('reads the archive comment, which has no flag, by the same rule', async () => {
    for (const [bytes, text] of [
      [Buffer.from('comment ✓'), 'comment ✓'],
      [Buffer.from([0x63, 0x61, 0x66, 0x82]), 'café'],
    ] as const) {
      const zip = pythonZip(`comment-${text.length}.zip`, { 'a.txt': 'x' });
      const withComment = Buffer.concat([zip.subarray(0, zip.length - 2), Buffer.from([bytes.length, 0]), bytes]);
      expect((await readAll(withComment)).reader.info.comment).toBe(text);
    }
  });

  it('takes the Unicode path extra field only when its CRC matches the header name', async () => {
    const setup = `
import struct, zlib
_orig = zipfile.ZipInfo
class ZipInfo(_orig):
    def __init__(self, name, date_time):
        _orig.__init__(self, 'caf?.txt', date_time)
        unicode = name.encode('utf-8')
        crc = zlib.crc32(b'caf?.txt') ^ (0 if name == 'café.txt' else 1)
        data = struct.pack('<BI', 1, crc) + unicode
        self.extra = struct.pack('<HH', 0x7075, len(data)) + data
zipfile.ZipInfo = ZipInfo
`;
    const good = pythonZip('upath.zip', { 'café.txt': 'x' }, setup);
    expect((await readAll(good)).entries[0]).toMatchObject({ name: 'café.txt', nameEncoding: 'unicode-path-extra' });
    // A valid one counts with bit 11 set as well (yauzl's reading; the CRC ties it to the header bytes).
    const flagged = messWith(good, (b) => {
      for (const at of centralOffsets(b)) b.writeUInt16LE(b.readUInt16LE(at + CD.generalPurposeBitFlag) | 0x800, at + CD.generalPurposeBitFlag);
    });
    expect((await readAll(flagged)).entries[0]).toMatchObject({ name: 'café.txt', nameEncoding: 'unicode-path-extra' });
    const stale = pythonZip('upath-stale.zip', { 'cafe!.txt': 'x' }, setup);
    expect((await readAll(stale)).entries[0]).toMatchObject({ name: 'caf?.txt', nameEncoding: 'cp437' });
  });

  it('finds the end record behind a comment that itself holds the end record signature', async () => {
    const fake = Buffer.concat([Buffer.from('look: '), Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18, 7), Buffer.from(' end')]);
    const setup = `
import atexit
_close = zipfile.ZipFile.close
def close(self):
    self.comment = bytes.fromhex('${fake.toString('hex')}')
    _close(self)
zipfile.ZipFile.close = close
`;
    const archive = pythonZip('comment.zip', { 'a.txt': 'alpha' }, setup);
    const { reader, entries } = await readAll(archive);
    expect(entries.map((e) => e.name)).toEqual(['a.txt']);
    expect(reader.info.comment).toBe(fake.toString('latin1').replace(/[\x07]/g, '\x07'));
    expect(reader.info.trailingBytes).toBe(0);
  });

  it('reads archives with data before them, with or without adjusted offsets, and data after', async () => {
    const stub = Buffer.from('#!/bin/sh\necho this is a self-extractor stub\nexit 0\n'.repeat(20));
    writeFileSync(path.join(dir, 'sfx.zip'), Buffer.concat([stub, infoZip]));
    const unadjusted = await readAll(readFileSync(path.join(dir, 'sfx.zip')));
    expect(unadjusted.reader.info.offsetAdjustment).toBe(stub.length);
    expect(unadjusted.contents.get('hello.txt')!.toString()).toBe('hello, world\n');
    run('zip', ['-q', '-A', 'sfx.zip'], dir);
    const adjusted = await readAll(readFileSync(path.join(dir, 'sfx.zip')));
    expect(adjusted.reader.info.offsetAdjustment).toBe(0);
    expect(adjusted.entries[0]!.localHeaderOffset).toBe(unadjusted.entries[0]!.localHeaderOffset);
    expect(adjusted.contents.get('sub/lines.txt')).toEqual(unadjusted.contents.get('sub/lines.txt'));
    const trailing = await readAll(Buffer.concat([infoZip, Buffer.from('trailing garbage')]));
    expect(trailing.reader.info.trailingBytes).toBe(16);
    expect(trailing.contents.get('hello.txt')!.toString()).toBe('hello, world\n');
  });

  it('reads ZIP64 end records and extra fields', async () => {
    // Python writes ZIP64 whenever an offset passes ZIP64_LIMIT; lowering it makes a small ZIP64 archive.
    const archive = pythonZip('zip64.zip', { 'a.txt': 'alpha', 'b.txt': 'bravo', 'c.txt': 'charlie' }, 'zipfile.ZIP64_LIMIT = 40\nzipfile.ZIP_FILECOUNT_LIMIT = 1');
    const { reader, entries, contents } = await readAll(archive);
    expect(reader.info.zip64EndOfCentralDirectoryOffset).toBeGreaterThan(0);
    expect(entries[0]!.zip64).toBe(false);
    expect(entries[2]!.zip64).toBe(true);
    expect(entries.map((e) => e.localHeaderOffset)).toEqual(localOffsets(archive));
    expect(contents.get('c.txt')!.toString()).toBe('charlie');
  });

  it("gives, through spanBatches, every entry's offset and sizes as entryBatches does, and the same errors", async () => {
    const stub = Buffer.from('#!/bin/sh\nexit 0\n'.repeat(30));
    const zip64 = pythonZip('zip64-spans.zip', { 'a.txt': 'alpha', 'b.txt': 'bravo', 'c.txt': 'charlie' }, 'zipfile.ZIP64_LIMIT = 40\nzipfile.ZIP_FILECOUNT_LIMIT = 1');
    for (const bytes of [infoZip, Buffer.concat([stub, infoZip]), zip64]) {
      const reader = await openBuffer(bytes);
      const spans: unknown[] = [];
      for await (const batch of reader.spanBatches()) spans.push(...batch);
      const whole: ZipEntry[] = [];
      for await (const batch of reader.entryBatches()) whole.push(...batch);
      const entries = whole.map(({ localHeaderOffset, compressedSize, uncompressedSize, centralHeaderOffset, name }) => ({ localHeaderOffset, compressedSize, uncompressedSize, centralHeaderOffset, folderName: name.endsWith('/') }));
      expect(entries.some((entry) => entry.folderName)).toBe(bytes !== zip64);
      expect(spans.length).toBeGreaterThan(2);
      expect(spans).toEqual(entries);
      // Ranges of records cut where the spans say give the same entries, a range at a time.
      const ranged: ZipEntry[] = [];
      for (let index = 0; index < whole.length; index += 2) {
        const count = Math.min(2, whole.length - index);
        const end = whole[index + count]?.centralHeaderOffset;
        for await (const batch of reader.entryBatches({ offset: whole[index]!.centralHeaderOffset, index, count, ...(end === undefined ? {} : { end }) })) ranged.push(...batch);
      }
      expect(ranged).toEqual(whole);
    }
    // A range that does not start at a record is refused as a bad directory would be.
    const reader0 = await openBuffer(infoZip);
    const first = (await reader0.readEntries())[0]!;
    await expect(reader0.entryBatches({ offset: first.centralHeaderOffset + 1, index: 0, count: 1 }).next()).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    // A ZIP64 marker with no ZIP64 field to resolve it: both give that entry the same damage, and the others as they are.
    const directory = signatureOffsets(infoZip, SIGNATURE.CENTRAL_DIRECTORY_HEADER)[0]!;
    const broken = messWith(infoZip, (b) => b.writeUInt32LE(0xffffffff, directory + CENTRAL_DIRECTORY_HEADER.offsetOf.compressedSize));
    const reader = await openBuffer(broken);
    const spans: EntrySpan[] = [];
    for await (const batch of reader.spanBatches()) spans.push(...batch);
    const entries: ZipEntry[] = [];
    for await (const batch of reader.entryBatches()) entries.push(...batch);
    expect(spans[0]!.damage).toMatchObject({ code: 'BAD_ZIP64', entry: entries[0]!.name, message: 'central record has compressed size 0xffffffff but no ZIP64 extra field value for it', offset: expect.any(Number) });
    expect(entries[0]!.damage).toEqual(spans[0]!.damage);
    expect(entries.slice(1).map((entry) => entry.damage)).toEqual(entries.slice(1).map(() => undefined));
    expect(spans.length).toBe(entries.length);
  });

  it('takes an NTFS time past the year 9998 for damage: the DOS time stands', async () => {
    python(
      `
import struct, zipfile
with zipfile.ZipFile('ntfs-far.zip', 'w') as z:
    for name, ticks in (('far', 0x7fffffffffffffff), ('near', 132_000_000_000_000_000)):
        info = zipfile.ZipInfo(name, (2020, 6, 15, 12, 30, 0))
        info.extra = struct.pack('<HHIHHQQQ', 0x000a, 32, 0, 1, 24, ticks, ticks, ticks)
        z.writestr(info, 'x')
`,
      dir,
    );
    const reader = await openBuffer(readFileSync(path.join(dir, 'ntfs-far.zip')));
    const [far, near] = await reader.readEntries();
    expect(far!.modified).toEqual(new Date(2020, 5, 15, 12, 30, 0));
    expect(near!.modified.getUTCFullYear()).toBe(2019);
  });

  it("takes the time of Info-ZIP's old Unix field (UX, as macOS's Archive Utility writes it) and PKWARE's, as unzip and 7-Zip do, after an extended timestamp's or NTFS time", async () => {
    // A DOS time of 16:08:10 as a Mac in Tokyo writes it, and the field's 2020-05-06 07:08:11 UTC.
    python(
      `
import struct, zipfile
t = 1588748891
with zipfile.ZipFile('unix-fields.zip', 'w') as z:
    for name, extra in (
        ('ux', struct.pack('<HHII', 0x5855, 8, t - 100, t)),
        ('pk', struct.pack('<HHIIHH', 0x000d, 12, t - 100, t, 501, 20)),
        ('ut-first', struct.pack('<HHBI', 0x5455, 5, 1, t + 60) + struct.pack('<HHII', 0x5855, 8, t, t)),
        ('ut-after', struct.pack('<HHII', 0x5855, 8, t, t) + struct.pack('<HHBI', 0x5455, 5, 1, t + 60)),
        ('short', struct.pack('<HHI', 0x5855, 4, t)),
    ):
        info = zipfile.ZipInfo(name, (2020, 5, 6, 16, 8, 10))
        info.extra = extra
        z.writestr(info, 'x')
`,
      dir,
    );
    const reader = await openBuffer(readFileSync(path.join(dir, 'unix-fields.zip')));
    const times = (await reader.readEntries()).map((e) => [e.name, e.modifiedFrom === 'dos' ? 'dos' : e.modified.toISOString(), e.modifiedFrom]);
    expect(times).toEqual([
      ['ux', '2020-05-06T07:08:11.000Z', 'unix-field'],
      ['pk', '2020-05-06T07:08:11.000Z', 'unix-field'],
      ['ut-first', '2020-05-06T07:09:11.000Z', 'extended-timestamp'],
      ['ut-after', '2020-05-06T07:09:11.000Z', 'extended-timestamp'],
      // Access time alone: no modification time, the DOS time stands.
      ['short', 'dos', 'dos'],
    ]);
    // 7-Zip reads both fields' time.
    const sevenZip = [...run('7z', ['l', '-slt', 'unix-fields.zip'], dir, { TZ: 'UTC' }).matchAll(/^Modified = (.*)$/gm)].map((m) => m[1]);
    expect(sevenZip.slice(0, 2)).toEqual(['2020-05-06 07:08:11', '2020-05-06 07:08:11']);
  });

  it.skipIf(peerZipsDir() === undefined)("reads macOS's archives (UX fields) at the times their peers' tests expect: Go's time-osx.zip, zip.js's lorem-macos.zip", async () => {
    const peers = peerZipsDir()!;
    const timeOf = async (file: string) => (await (await openBuffer(readFileSync(path.join(peers, file)))).readEntries())[0]!.modified.getTime();
    // Go's time-*.zip each hold 2017-11-01 04:11:57 UTC (a DOS time can only say :56 or :58); the MANIFEST's mtime for zip.js's.
    expect(await timeOf('go-archive-zip/testdata/time-osx.zip')).toBe(Date.UTC(2017, 10, 1, 4, 11, 57));
    expect(await timeOf('zipjs/data/lorem-macos.zip')).toBe(1767319445000);
  });

  it('takes an NTFS field\'s file times from its tag 1 attribute wherever it lies, and only a whole one (24 bytes), as 7-Zip does', async () => {
    python(
      `
import struct, zipfile
t = 132498402028681773  # 2020-11-14 15:10:02 UTC
with zipfile.ZipFile('ntfs-attributes.zip', 'w') as z:
    for name, attributes in (
        ('second', struct.pack('<HH', 2, 4) + b'WXYZ' + struct.pack('<HHQQQ', 1, 24, t, t, t)),
        ('short', struct.pack('<HHQ', 1, 8, t) + struct.pack('<HH', 2, 12) + bytes(12)),
    ):
        info = zipfile.ZipInfo(name, (2001, 2, 3, 4, 5, 6))
        data = struct.pack('<I', 0) + attributes
        info.extra = struct.pack('<HH', 0x000a, len(data)) + data
        z.writestr(info, 'x')
`,
      dir,
    );
    // 7-Zip: the second's time from its NTFS field, the short one's DOS time.
    const modified = [...run('7z', ['l', '-slt', 'ntfs-attributes.zip'], dir).matchAll(/^Modified = (.*)$/gm)].map((m) => m[1]);
    expect(modified).toEqual([expect.stringMatching(/^2020-11-1[345] \d\d:\d0:02\.8681773$/), '2001-02-03 04:05:06']);
    const reader = await openBuffer(readFileSync(path.join(dir, 'ntfs-attributes.zip')));
    const [second, short] = await reader.readEntries();
    expect(second!.modified.toISOString()).toBe('2020-11-14T15:10:02.868Z');
    expect(short!.modified).toEqual(new Date(2001, 1, 3, 4, 5, 6));
  });

  it('reads every record the directory holds when a ZIP64 end record counts fewer (as unzip, 7-Zip, bsdtar and Python do)', async () => {
    // Python's archive, its ZIP64 end record saying 1 entry where the directory holds 2 (and its
    // end record the count's marker, 0xffff, to say the ZIP64 one holds it).
    python(
      `
import struct, zipfile
with zipfile.ZipFile('z64-low.zip', 'w') as z:
    z.writestr('a.txt', 'alpha'); z.writestr('b.txt', 'bravo')
d = bytearray(open('z64-low.zip', 'rb').read())
end = d.rfind(b'PK\\x05\\x06')
count, size, offset = struct.unpack('<HII', d[end + 10:end + 20])
struct.pack_into('<HH', d, end + 8, 0xffff, 0xffff)
z64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, 1, 1, size, offset)
loc = struct.pack('<IIQI', 0x07064b50, 0, offset + size, 1)
open('z64-low.zip', 'wb').write(d[:end] + z64 + loc + d[end:])
`,
      dir,
    );
    const { reader, entries, contents } = await readAll(readFileSync(path.join(dir, 'z64-low.zip')));
    expect(reader.info.zip64EndOfCentralDirectoryOffset).toBeDefined();
    expect(entries.map((entry) => entry.name)).toEqual(['a.txt', 'b.txt']);
    expect(contents.get('b.txt')?.toString()).toBe('bravo');
  });

  it('keeps a complete end record over a ZIP64 end record that contradicts it, not one that widens it', async () => {
    // The end record has no markers; a ZIP64 end record before it says 5 entries, 2 (the same),
    // or 65,538 (2 widened: then it is believed, and the directory cannot hold them).
    python(
      `
import struct, zipfile
for z64count in (5, 2, 65538):
    name = f'z64-{z64count}.zip'
    with zipfile.ZipFile(name, 'w') as z:
        z.writestr('a.txt', 'alpha'); z.writestr('b.txt', 'bravo')
    d = open(name, 'rb').read()
    end = d.rfind(b'PK\\x05\\x06')
    count, size, offset = struct.unpack('<HII', d[end + 10:end + 20])
    z64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, z64count, z64count, size, offset)
    loc = struct.pack('<IIQI', 0x07064b50, 0, end, 1)
    open(name, 'wb').write(d[:end] + z64 + loc + d[end:])
`,
      dir,
    );
    for (const count of [5, 2]) {
      const { reader, entries, contents } = await readAll(readFileSync(path.join(dir, `z64-${count}.zip`)));
      expect(reader.info.entryCount).toBe(2);
      expect(reader.info.zip64EndOfCentralDirectoryOffset).toBeDefined();
      expect(entries.map((entry) => entry.name)).toEqual(['a.txt', 'b.txt']);
      expect(contents.get('b.txt')?.toString()).toBe('bravo');
    }
    const widened = await readAll(readFileSync(path.join(dir, 'z64-65538.zip'))).catch((e: unknown) => e);
    expect(isZipError(widened) && widened.code).toBe('TOO_MANY_ENTRIES');
  });

  it('reads a 16-bit entry count that wrapped past 65,535 entries, across central directory chunks', async () => {
    // Old writers without ZIP64 store the count modulo 65,536; the directory's size says where
    // it ends. Python's archive, with its ZIP64 end records replaced by such an end record.
    // Long names make the directory span several 4 MiB reads.
    const target = path.join(dir, 'many.zip');
    python(
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(70000):
        z.writestr(zipfile.ZipInfo(f'some/rather/long/directory/name/for/chunking/file-{i:06d}.txt', (2020, 1, 1, 0, 0, 0)), b'')
`,
      dir,
      [target],
    );
    const zip64 = readFileSync(target);
    const record = signatureOffsets(zip64, SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY).at(-1)!;
    const directory = centralOffsets(zip64)[0]!;
    const end = END_OF_CENTRAL_DIRECTORY.encode(
      {
        numberOfThisDisk: 0,
        diskWhereCentralDirectoryStarts: 0,
        numberOfCentralDirectoryRecordsOnThisDisk: 70000 % 65536,
        totalNumberOfCentralDirectoryRecords: 70000 % 65536,
        sizeOfCentralDirectory: record - directory,
        offsetOfStartOfCentralDirectory: directory,
      },
      { comment: Buffer.alloc(0) },
    );
    writeFileSync(target, Buffer.concat([zip64.subarray(0, record), end]));
    const source = await openFileSource(target);
    try {
      const reader = await openZip(source);
      expect(reader.info.entryCount).toBe(4464);
      expect(reader.info.zip64EndOfCentralDirectoryOffset).toBeUndefined();
      expect(reader.info.centralDirectorySize).toBeGreaterThan(4 * 1024 * 1024);
      let count = 0;
      let last = '';
      for await (const entry of reader.entries()) {
        if (entry.index !== count) throw new Error(`entry ${count} has index ${entry.index}`);
        count++;
        last = entry.name;
      }
      expect(count).toBe(70000);
      expect(last).toBe('some/rather/long/directory/name/for/chunking/file-069999.txt');
      // A count that wrapped is how such writers store it: nothing to say of it.
      expect(await reader.notes()).toEqual([]);
    } finally {
      await source.close();
    }
    // One that is lower still is no wrapped count: said, and every record read all the same.
    const lower = path.join(dir, 'lower.zip');
    const lowerBytes = readFileSync(target);
    for (const field of ['numberOfCentralDirectoryRecordsOnThisDisk', 'totalNumberOfCentralDirectoryRecords'] as const) {
      lowerBytes.writeUInt16LE(4463, lowerBytes.length - END_OF_CENTRAL_DIRECTORY.size + END_OF_CENTRAL_DIRECTORY.offsetOf[field]);
    }
    writeFileSync(lower, lowerBytes);
    const lowerSource = await openFileSource(lower);
    try {
      const reader = await openZip(lowerSource);
      let count = 0;
      for await (const batch of reader.entryBatches()) count += batch.length;
      expect(count).toBe(70000);
      expect(await reader.notes()).toEqual([expect.objectContaining({ code: 'COUNT_DIFFERS', params: { declared: 4463, found: 70000 } })]);
    } finally {
      await lowerSource.close();
    }
    // The app pages such a directory from where each record starts, past the wrapped count too.
    const service = createArchiveService();
    try {
      const summary = await service.open(target, null);
      expect(summary.entryCount).toBe(70000);
      const page = await service.list(summary.archiveId, 60000, 20000);
      expect(page.rows.map((row) => row.index)).toEqual(Array.from({ length: 10000 }, (_, i) => 60000 + i));
      expect(page.rows.at(-1)!.name).toBe('some/rather/long/directory/name/for/chunking/file-069999.txt');
      const name = (i: number) => `some/rather/long/directory/name/for/chunking/file-${String(i).padStart(6, '0')}.txt`;
      expect((await service.inspect(summary.archiveId, 65536)).name).toBe(name(65536));
      expect((await service.report(summary.archiveId)).safety.entryCount).toBe(70000);
    } finally {
      await service.closeAll();
    }
  });

  it('reads entries with data descriptors (zip to a pipe, python to a non-seekable stream)', async () => {
    run('sh', ['-c', 'zip -q -r - hello.txt sub | cat > ../piped.zip'], path.join(dir, 'tree'));
    run('sh', ['-c', `python3 -c "
import sys, zipfile
with zipfile.ZipFile(sys.stdout.buffer, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('x.txt', 'x' * 5000)
    z.writestr('y/', '')
" | cat > py-stream.zip`], dir);
    for (const name of ['piped.zip', 'py-stream.zip']) {
      const { reader, entries, contents } = await readAll(readFileSync(path.join(dir, name)));
      expect(entries.filter((e) => !e.isDirectory).every((e) => e.hasDataDescriptor)).toBe(true);
      for (const entry of entries) expect((await reader.readLocalHeader(entry)).mismatches).toEqual([]);
      expect([...contents.values()].every((c) => c.length > 0)).toBe(true);
    }
  });

  it('streams large entries in chunks and checks them', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
    writeFileSync(path.join(dir, 'tree', 'big.bin'), big);
    run('zip', ['-q', '../big.zip', 'big.bin'], path.join(dir, 'tree'));
    run('zip', ['-q', '-0', '../big-stored.zip', 'big.bin'], path.join(dir, 'tree'));
    for (const name of ['big.zip', 'big-stored.zip']) {
      const source = await openFileSource(path.join(dir, name));
      try {
        const reader = await openZip(source);
        const [entry] = await reader.readEntries();
        const chunks: Buffer[] = [];
        for await (const chunk of await reader.openEntryStream(entry!)) chunks.push(chunk as Buffer);
        expect(chunks.length).toBeGreaterThan(1);
        expect(Buffer.concat(chunks).equals(big)).toBe(true);
      } finally {
        await source.close();
      }
    }
  });
});

describe('hostile and damaged archives', () => {
  it('NOT_A_ZIP and EOCD_NOT_FOUND', async () => {
    await expectCode(openBuffer(Buffer.from('just some text, not an archive at all')), 'NOT_A_ZIP');
    await expectCode(openBuffer(Buffer.alloc(5)), 'NOT_A_ZIP', /5 bytes/);
    await expectCode(openBuffer(infoZip.subarray(0, infoZip.length - 22)), 'EOCD_NOT_FOUND');
  });

  it('BAD_SIGNATURE for a damaged central record', async () => {
    const bad = messWith(pyStored, (b) => b[centralOffsets(b)[1]!]++);
    const reader = await openBuffer(bad);
    await expectCode(reader.readEntries(), 'BAD_SIGNATURE', new RegExp(`0x02014b51 at offset ${centralOffsets(pyStored)[1]}`));
  });

  it('BAD_CENTRAL_DIRECTORY for a central record whose fixed part, or whose name and comment, run past the end record', async () => {
    const [, second, third] = centralOffsets(pyStored) as [number, number, number];
    const end = eocdOffset(pyStored);
    // The second record's comment grows to end 10 bytes before the end record: the third's 46
    // fixed bytes run past the end of the file (the end record's 22 bytes are after it).
    const headerCut = messWith(pyStored, (b) => b.writeUInt16LE(b.readUInt16LE(second + CD.fileCommentLength) + end - 10 - third, second + CD.fileCommentLength));
    await expectCode((await openBuffer(headerCut)).readEntries(), 'BAD_CENTRAL_DIRECTORY', new RegExp(`^central directory record 2 of 3 at offset ${end - 10} runs past the end of the archive \\(${pyStored.length} bytes\\)$`));
    // The third record's comment runs 100 bytes past it.
    const bodyCut = messWith(pyStored, (b) => b.writeUInt16LE(b.readUInt16LE(third + CD.fileCommentLength) + 100, third + CD.fileCommentLength));
    await expectCode((await openBuffer(bodyCut)).readEntries(), 'BAD_CENTRAL_DIRECTORY', new RegExp(`^central directory record 2 at offset ${third} is ${end - third + 100} bytes long and runs past the end of the archive \\(${pyStored.length} bytes\\)$`));
  });

  it('TOO_MANY_ENTRIES before allocating for a count the directory cannot hold', async () => {
    const bad = messWith(pyStored, (b) => b.writeUInt16LE(0xfff0, eocdOffset(b) + EOCD.totalNumberOfCentralDirectoryRecords));
    await expectCode(openBuffer(bad), 'TOO_MANY_ENTRIES', /65520 entries/);
  });

  it('BAD_CENTRAL_DIRECTORY when the directory is not where the end record says', async () => {
    // (An offset alone that is wrong is corrected from the size, as Python and Go do; both wrong is not.)
    const directory = centralOffsets(pyStored)[0]!;
    const bad = messWith(pyStored, (b) => {
      b.writeUInt32LE(directory + 5, eocdOffset(b) + EOCD.offsetOfStartOfCentralDirectory);
      b.writeUInt32LE(b.readUInt32LE(eocdOffset(b) + EOCD.sizeOfCentralDirectory) - 1, eocdOffset(b) + EOCD.sizeOfCentralDirectory);
    });
    await expectCode(openBuffer(bad), 'BAD_CENTRAL_DIRECTORY', new RegExp(`offset ${directory + 5}`));
    const huge = messWith(pyStored, (b) => b.writeUInt32LE(0xfffffff0, eocdOffset(b) + EOCD.sizeOfCentralDirectory));
    await expectCode(openBuffer(huge), 'BAD_CENTRAL_DIRECTORY', /4294967280/);
  });

  it('MULTI_DISK for split archives', async () => {
    const bad = messWith(pyStored, (b) => b.writeUInt16LE(1, eocdOffset(b) + EOCD.numberOfThisDisk));
    await expectCode(openBuffer(bad), 'MULTI_DISK');
    // The end record on disk 0 says there is one disk: a directory "on disk 120" is a damaged field, read past.
    const damaged = messWith(pyStored, (b) => b.writeUInt16LE(120, eocdOffset(b) + EOCD.diskWhereCentralDirectoryStarts));
    expect((await readAll(damaged)).entries.map((e) => e.name)).toEqual(['a.txt', 'b.txt', 'c/']);
  });

  it('MULTI_DISK, saying what it is, for every part of a split archive from zip -s, the first (NAME.z01) too', async () => {
    const parts = path.join(dir, 'split-parts');
    mkdirSync(parts, { recursive: true });
    // Incompressible bytes, so that zip -s 64k makes three parts: split.z01, split.z02, split.zip.
    writeFileSync(path.join(parts, 'noise.bin'), Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 2654435761) >>> 24)));
    run('zip', ['-q', '-0', '-s', '64k', 'split.zip', 'noise.bin'], parts);
    expect(readdirSync(parts).sort()).toEqual(['noise.bin', 'split.z01', 'split.z02', 'split.zip']);
    await expectCode(openBuffer(readFileSync(path.join(parts, 'split.zip'))), 'MULTI_DISK', /split archives are not supported/);
    // The first part has no end record: it was "not a ZIP archive".
    await expectCode(openBuffer(readFileSync(path.join(parts, 'split.z01'))), 'MULTI_DISK', /^the first part of a split archive \(it starts with the split signature 0x08074b50, as zip -s writes NAME\.z01\); its central directory is in the last part \(NAME\.zip\), and split archives are not supported$/);
    // A middle part starts with no signature at all: nothing says what it is.
    await expectCode(openBuffer(readFileSync(path.join(parts, 'split.z02'))), 'NOT_A_ZIP');
  });

  it('CRC_MISMATCH, naming the entry', async () => {
    const bad = messWith(pyStored, (b) => b[localOffsets(b)[0]! + LOCAL_FILE_HEADER.size + 'a.txt'.length]!++);
    const reader = await openBuffer(bad);
    const [entry] = await reader.readEntries();
    const error = await reader.readEntry(entry!).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CRC_MISMATCH', entry: 'a.txt' });
  });

  it('SIZE_MISMATCH, and never more than the declared size from a lying entry', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    writeFileSync(path.join(dir, 'zeros.bin'), zeros);
    run('zip', ['-q', 'zeros.zip', 'zeros.bin'], dir);
    const archive = readFileSync(path.join(dir, 'zeros.zip'));
    const lying = messWith(archive, (b) => b.writeUInt32LE(1000, centralOffsets(b)[0]! + CD.uncompressedSize));
    const reader = await openBuffer(lying);
    const [entry] = await reader.readEntries();
    let received = 0;
    const error = await (async () => {
      for await (const chunk of await reader.openEntryStream(entry!)) received += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIZE_MISMATCH', entry: 'zeros.bin' });
    expect(received).toBeLessThanOrEqual(1000);
    // A small entry takes the one-read path; it is checked the same way.
    const small = messWith(pyStored, (b) => b.writeUInt32LE(4, centralOffsets(b)[0]! + CD.uncompressedSize));
    const smallReader = await openBuffer(small);
    await expectCode(smallReader.readEntry((await smallReader.readEntries())[0]!), 'SIZE_MISMATCH');
  });

  it('BAD_DEFLATE for damaged deflate data', async () => {
    const archive = readFileSync(path.join(dir, 'infozip.zip'));
    const reader0 = await openBuffer(archive);
    const entry0 = (await reader0.readEntries()).find((e) => e.name === 'sub/lines.txt')!;
    const data = (await reader0.readLocalHeader(entry0)).dataOffset;
    const bad = messWith(archive, (b) => (b[data] = 0xff)); // block type 3: invalid
    const reader = await openBuffer(bad);
    const entry = (await reader.readEntries()).find((e) => e.name === 'sub/lines.txt')!;
    await expectCode(reader.readEntry(entry), 'BAD_DEFLATE');
  });

  it('TRUNCATED when data or a local header lies past the end', async () => {
    const bad = messWith(pyStored, (b) => b.writeUInt32LE(b.length + 100, centralOffsets(b)[0]! + CD.relativeOffsetOfLocalHeader));
    const reader = await openBuffer(bad);
    await expectCode(reader.readEntry((await reader.readEntries())[0]!), 'TRUNCATED', /outside the archive/);
    const long = messWith(pyStored, (b) => {
      b.writeUInt32LE(0x7fffffff, centralOffsets(b)[0]! + CD.compressedSize);
      b.writeUInt32LE(0x7fffffff, centralOffsets(b)[0]! + CD.uncompressedSize);
    });
    const longReader = await openBuffer(long);
    await expectCode(longReader.openEntryStream((await longReader.readEntries())[0]!), 'TRUNCATED');
  });

  it('UNSUPPORTED_METHOD and ENCRYPTED with clear messages', async () => {
    const lzma = messWith(pyStored, (b) => {
      b.writeUInt16LE(14, centralOffsets(b)[0]! + CD.compressionMethod);
      b.writeUInt16LE(14, localOffsets(b)[0]! + LFH.compressionMethod);
    });
    const reader = await openBuffer(lzma);
    await expectCode(reader.openEntryStream((await reader.readEntries())[0]!), 'UNSUPPORTED_METHOD', /^unsupported compression method 14 \(LZMA\)$/);
    // A number no specification names (yauzl's bogus-compression-method.zip has 7) is said to be unknown, not "(method 7)".
    const bogus = messWith(pyStored, (b) => {
      b.writeUInt16LE(7, centralOffsets(b)[0]! + CD.compressionMethod);
      b.writeUInt16LE(7, localOffsets(b)[0]! + LFH.compressionMethod);
    });
    const bogusReader = await openBuffer(bogus);
    await expectCode(bogusReader.openEntryStream((await bogusReader.readEntries())[0]!), 'UNSUPPORTED_METHOD', /^unsupported compression method 7 \(unknown\)$/);
    run('zip', ['-q', '-P', 'secret', '../secret.zip', 'hello.txt'], path.join(dir, 'tree'));
    const secret = await openBuffer(readFileSync(path.join(dir, 'secret.zip')));
    const [entry] = await secret.readEntries();
    expect(entry!.encrypted).toBe(true);
    await expectCode(secret.openEntryStream(entry!), 'ENCRYPTED', /^entry is encrypted$/);
  });

  it('compares local headers with central records', async () => {
    const reader = await openBuffer(pyStored);
    for (const entry of await reader.readEntries()) expect((await reader.readLocalHeader(entry)).mismatches).toEqual([]);
    const renamed = messWith(pyStored, (b) => (b[localOffsets(b)[0]! + LOCAL_FILE_HEADER.size] = 'z'.charCodeAt(0)));
    const r2 = await openBuffer(renamed);
    const [first] = await r2.readEntries();
    expect((await r2.readLocalHeader(first!)).mismatches).toEqual([{ field: 'fileName', local: 'z.txt', central: 'a.txt' }]);
    // The central directory is the truth: a local name that differs is reported, and refused only when asked.
    expect((await r2.readEntry(first!)).toString()).toBe('alpha');
    await expectCode(r2.openEntryStream(first!, { strictLocalHeader: true }), 'LOCAL_MISMATCH', /z\.txt/);
    const method = messWith(pyStored, (b) => b.writeUInt16LE(8, localOffsets(b)[0]! + LFH.compressionMethod));
    const r5 = await openBuffer(method);
    await expectCode(r5.openEntryStream((await r5.readEntries())[0]!), 'LOCAL_MISMATCH', /compressionMethod 8/);
    const crc = messWith(pyStored, (b) => b.writeUInt32LE(1, localOffsets(b)[1]! + LFH.crc32));
    const r3 = await openBuffer(crc);
    const second = (await r3.readEntries())[1]!;
    expect((await r3.readLocalHeader(second)).mismatches).toEqual([{ field: 'crc32', local: 1, central: second.crc32 }]);
    await expectCode(r3.readEntry(second), 'CRC_MISMATCH', /local header CRC-32 0x00000001/);
    const badSig = messWith(pyStored, (b) => b[localOffsets(b)[0]!]!++);
    const r4 = await openBuffer(badSig);
    await expectCode(r4.readLocalHeader((await r4.readEntries())[0]!), 'BAD_LOCAL_HEADER', /0x04034b51/);
  });

  it('finds overlapping entries (overlap zip bombs)', async () => {
    const reader = await openBuffer(pyStored);
    const entries = await reader.readEntries();
    expect(findOverlaps(entries, reader.info)).toEqual([]);
    const shared = messWith(pyStored, (b) => b.writeUInt32LE(0, centralOffsets(b)[1]! + CD.relativeOffsetOfLocalHeader));
    const bomb = await openBuffer(shared);
    const bombEntries = await bomb.readEntries();
    expect(findOverlaps(bombEntries, bomb.info).map((o) => [o.index, o.other])).toEqual([[0, 1]]);
    expect(() => assertNoOverlaps(bombEntries, bomb.info)).toThrowError(/overlaps/);
    // Compressed data that runs into the central directory.
    const intoDirectory = messWith(pyStored, (b) => {
      const at = centralOffsets(b)[2]!;
      b.writeUInt32LE(1000, at + CD.compressedSize);
      b.writeUInt32LE(1000, at + CD.uncompressedSize);
    });
    const r = await openBuffer(intoDirectory);
    expect(findOverlaps(await r.readEntries(), r.info).map((o) => [o.index, o.other])).toEqual([[2, -1]]);
  });

  it('CANCELLED when the signal aborts mid-stream', async () => {
    const source = await openFileSource(path.join(dir, 'big.zip'));
    try {
      const reader = await openZip(source);
      const [entry] = await reader.readEntries();
      const controller = new AbortController();
      const stream = await reader.openEntryStream(entry!, { signal: controller.signal });
      const error = await (async () => {
        for await (const _ of stream) controller.abort();
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CANCELLED', entry: 'big.bin' });
    } finally {
      await source.close();
    }
  });
});

describe('stacklessZipError', () => {
  it('makes a ZipError with its code and words but no stack frames, and leaves the stack limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const error = stacklessZipError('OVERLAPPING_ENTRIES', 'entry overlaps another', { entry: 'a.txt' });
    expect(error).toBeInstanceOf(ZipError);
    expect(error).toMatchObject({ code: 'OVERLAPPING_ENTRIES', message: 'entry overlaps another', entry: 'a.txt' });
    expect(error.stack).toBe('ZipError: entry overlaps another');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new ZipError('IO', 'x').stack).toMatch(/\n\s+at /);
  });
});

describe('openFileSource', () => {
  it('rejects reads past the end with TRUNCATED and missing files with IO', async () => {
    const source = await openFileSource(path.join(dir, 'infozip.zip'));
    try {
      expect(source.size).toBe(infoZip.length);
      expect((await source.read(0, 4)).readUInt32LE(0)).toBe(SIGNATURE.LOCAL_FILE_HEADER);
      expect((await source.read(infoZip.length - 22, 22)).equals(infoZip.subarray(-22))).toBe(true);
      await expectCode(source.read(infoZip.length - 2, 4), 'TRUNCATED');
    } finally {
      await source.close();
    }
    await expectCode(openFileSource(path.join(dir, 'missing.zip')), 'IO', /ENOENT/);
  });

  it('reads into a given buffer, with the same checks', async () => {
    const source = await openFileSource(path.join(dir, 'infozip.zip'));
    try {
      const target = Buffer.alloc(64, 0xee);
      await source.readIntoBuffer!(target, infoZip.length - 22, 22);
      expect(target.subarray(0, 22).equals(infoZip.subarray(-22))).toBe(true);
      expect(target[22]).toBe(0xee);
      await expectCode(source.readIntoBuffer!(target, infoZip.length - 2, 4), 'TRUNCATED');
      await expect(source.readIntoBuffer!(target, 0, 65)).rejects.toThrow(RangeError);
    } finally {
      await source.close();
    }
  });

  it('walks a central directory of several chunks through two reused buffers as it walks it in memory', async () => {
    // 20,000 records of about 110 bytes: a directory of some 2.2 MB, two chunks and a part.
    python(
      `
import zipfile
with zipfile.ZipFile('chunks.zip', 'w') as z:
    for i in range(20000):
        z.writestr('folder-%03d/%s-%05d.txt' % (i // 100, 'n' * (i % 90), i), b'x' * (i % 7), zipfile.ZIP_STORED)
`,
      dir,
    );
    const file = path.join(dir, 'chunks.zip');
    const source = await openFileSource(file);
    try {
      const fromFile = await openZip(source);
      const inMemory = await openBuffer(readFileSync(file));
      expect(fromFile.info.centralDirectorySize).toBeGreaterThan(2 * 1024 * 1024);
      const names = async (batches: AsyncGenerator<ZipEntry[]>): Promise<string[]> => {
        const all: string[] = [];
        for await (const batch of batches) for (const entry of batch) all.push(`${entry.index} ${entry.name} ${entry.crc32} ${entry.localHeaderOffset}`);
        return all;
      };
      const expected = await names(inMemory.entryBatches());
      expect(expected).toHaveLength(20_000);
      expect(await names(fromFile.entryBatches())).toEqual(expected);
      // Two walks at once, each with its own buffers, and a walk from the middle.
      const [a, b] = await Promise.all([names(fromFile.entryBatches()), names(fromFile.entryBatches())]);
      expect(a).toEqual(expected);
      expect(b).toEqual(expected);
      const middle = (await fromFile.readEntries())[12_345]!;
      expect(await names(fromFile.entryBatches({ offset: middle.centralHeaderOffset, index: 12_345, count: 5_000 }))).toEqual(expected.slice(12_345, 17_345));
    } finally {
      await source.close();
    }
  });
});
