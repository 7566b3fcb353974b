import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { RecordLayout } from '../../src-main/zip/layout.js';
import { CENTRAL_DIRECTORY_HEADER, EXTRA_EXTENDED_TIMESTAMP, EXTRA_NTFS, EXTRA_ZIP64, LOCAL_FILE_HEADER, NTFS_ATTRIBUTE, SIGNATURE, ntfsModificationTime } from '../../src-main/zip/records.js';

describe('record layouts', () => {
  it('declare the APPNOTE sizes', () => {
    expect(LOCAL_FILE_HEADER.size).toBe(30);
    expect(CENTRAL_DIRECTORY_HEADER.size).toBe(46);
    expect(CENTRAL_DIRECTORY_HEADER.offsetOf.relativeOffsetOfLocalHeader).toBe(42);
  });

  it('encode and decode the same values, with tail lengths set from the tails', () => {
    const name = Buffer.from('dir/a.txt');
    const bytes = LOCAL_FILE_HEADER.encode(
      { versionNeededToExtract: 20, generalPurposeBitFlag: 0x800, compressionMethod: 8, lastModFileTime: 0x6d21, lastModFileDate: 0x5a76, crc32: 0xdeadbeef, compressedSize: 10, uncompressedSize: 12 },
      { fileName: name, extraField: Buffer.alloc(0) },
    );
    expect(bytes.readUInt32LE(0)).toBe(SIGNATURE.LOCAL_FILE_HEADER);
    const decoded = LOCAL_FILE_HEADER.decode(bytes, 0);
    expect(decoded).toMatchObject({ crc32: 0xdeadbeef, fileNameLength: 9, extraFieldLength: 0, compressionMethod: 8 });
    expect(LOCAL_FILE_HEADER.lengthOf(decoded)).toBe(39);
    const views = LOCAL_FILE_HEADER.describe(bytes, 0, 100);
    expect(views.find((v) => v.name === 'crc32')).toMatchObject({ offset: 114, size: 4, raw: 'ef be ad de', value: 0xdeadbeef });
    expect(views.at(-2)?.name).toBe('fileName');
    // decodeInto fills an object decode made with the next record's values, every field.
    const other = LOCAL_FILE_HEADER.encode(
      { versionNeededToExtract: 45, generalPurposeBitFlag: 8, compressionMethod: 0, lastModFileTime: 1, lastModFileDate: 2, crc32: 3, compressedSize: 4, uncompressedSize: 5 },
      { fileName: Buffer.from('b'), extraField: Buffer.alloc(4) },
    );
    const reused = LOCAL_FILE_HEADER.decodeInto(Buffer.concat([Buffer.alloc(7), other]), 7, decoded);
    expect(reused).toBe(decoded);
    expect({ ...reused }).toEqual(LOCAL_FILE_HEADER.decode(other, 0));
  });

  it("compile their decoders and encoder at the first call, which takes the stub's place; a stub kept from before still works", () => {
    const layout = new RecordLayout('test record', '0', 0x04034b50, [
      { name: 'signature', width: 4 },
      { name: 'count', width: 2 },
      { name: 'size', width: 8 },
    ]);
    const [decode, decodeInto] = [layout.decode, layout.decodeInto];
    const bytes = layout.encode({ count: 7, size: 2 ** 40 + 3 });
    expect(decode(bytes, 0)).toEqual({ signature: 0x04034b50, count: 7, size: 2 ** 40 + 3 });
    expect(layout.decode).not.toBe(decode);
    expect(layout.decode(bytes, 0)).toEqual(decode(bytes, 0));
    const values = layout.decode(bytes, 0);
    expect(decodeInto(layout.encode({ count: 9, size: 1 }), 0, values)).toBe(values);
    expect(layout.decodeInto).not.toBe(decodeInto);
    expect(values).toEqual({ signature: 0x04034b50, count: 9, size: 1 });
    // The encoder still checks every value against its width.
    expect(() => layout.encode({ count: 65536, size: 0 })).toThrow('value 65536 does not fit in the count field of test record');
  });

  it('read ZIP64 extra values only for the header fields that overflowed', () => {
    const field = EXTRA_ZIP64.encode({ relativeHeaderOffset: 2 ** 33 + 5 }, { local: false, zip64: { uncompressedSize: false, compressedSize: false, relativeOffsetOfLocalHeader: true, diskNumberStart: false } });
    expect(field.readUInt16LE(2)).toBe(8);
    const decoded = EXTRA_ZIP64.decode(field, 4, field.length, { local: false, zip64: { uncompressedSize: false, compressedSize: false, relativeOffsetOfLocalHeader: true, diskNumberStart: false } });
    expect(decoded.values).toEqual({ relativeHeaderOffset: 2 ** 33 + 5 });
    expect(decoded.trailing).toBe(0);
  });

  it("refuse an extra field's value that does not fit its width, at every width, and write the largest that does", () => {
    const local = { local: true };
    expect(() => EXTRA_EXTENDED_TIMESTAMP.encode({ flags: 256, modTime: 0 }, local)).toThrow('value 256 does not fit in 1 bytes');
    expect(() => EXTRA_EXTENDED_TIMESTAMP.encode({ flags: 1, modTime: 2 ** 32 }, local)).toThrow(`value ${2 ** 32} does not fit in 4 bytes`);
    expect(() => EXTRA_EXTENDED_TIMESTAMP.encode({ flags: 1, modTime: -1 }, local)).toThrow('value -1 does not fit in 4 bytes');
    const zip64 = { local: false, zip64: { uncompressedSize: true, compressedSize: false, relativeOffsetOfLocalHeader: false, diskNumberStart: false } };
    expect(() => EXTRA_ZIP64.encode({ originalSize: 2 ** 53 }, zip64)).toThrow(`value ${2 ** 53} does not fit in 8 bytes`);
    const largest = EXTRA_EXTENDED_TIMESTAMP.encode({ flags: 255, modTime: 2 ** 32 - 1, acTime: 0, crTime: 0 }, local);
    expect(EXTRA_EXTENDED_TIMESTAMP.decode(largest, 4, largest.length, local).values).toEqual({ flags: 255, modTime: 2 ** 32 - 1, acTime: 0, crTime: 0 });
  });

  it('read only the modification time from a central extended timestamp', () => {
    const central = Buffer.from([0x55, 0x54, 5, 0, 0b011, 0x10, 0x20, 0x30, 0x40]);
    expect(EXTRA_EXTENDED_TIMESTAMP.decode(central, 4, central.length, { local: false }).values).toEqual({ flags: 3, modTime: 0x40302010 });
  });

  it('encode an extra field whose data ends in parts with a layout of their own (the NTFS field and its attribute)', () => {
    const times = NTFS_ATTRIBUTE.encodeData({ tag: 1, tagSize: 24, mtime: 10_000_000, atime: 20_000_000, ctime: 30_000_000 }, { local: false });
    expect(times.length).toBe(28); // no header of its own
    const field = EXTRA_NTFS.encode({ reserved: 0 }, { local: false }, times);
    expect([...field.subarray(0, 12)]).toEqual([0x0a, 0, 32, 0, 0, 0, 0, 0, 1, 0, 24, 0]);
    expect(field.subarray(8).equals(times)).toBe(true);
    expect(ntfsModificationTime(field, 4, field.length)).toBe(10_000_000);
    expect(NTFS_ATTRIBUTE.decode(field, 8, field.length, { local: false }).values).toMatchObject({ mtime: 10_000_000, atime: 20_000_000, ctime: 30_000_000 });
  });

  it('read one number field as decode reads it, whatever the calls before it read', () => {
    const ut = (...data: number[]): Buffer => Buffer.from([0x55, 0x54, data.length, 0, ...data]);
    /** An NTFS attribute (after 4 bytes, where the tests read from). */
    const ntfs = (tag: number, mtime: bigint, size = 24): Buffer => {
      const field = Buffer.alloc(32);
      field.writeUInt16LE(tag, 4);
      field.writeUInt16LE(size, 6);
      field.writeBigUInt64LE(mtime, 8);
      return field;
    };
    // With and without modTime, cut off inside it, flags that name only other times, local and central.
    const cases: [typeof NTFS_ATTRIBUTE, string, Buffer, boolean][] = [
      [EXTRA_EXTENDED_TIMESTAMP, 'modTime', ut(0b111, 1, 2, 3, 4, 5, 6, 7, 8), true],
      [EXTRA_EXTENDED_TIMESTAMP, 'modTime', ut(0b110, 1, 2, 3, 4, 5, 6, 7, 8), true],
      [EXTRA_EXTENDED_TIMESTAMP, 'acTime', ut(0b011, 1, 2, 3, 4, 5, 6, 7, 8), true],
      [EXTRA_EXTENDED_TIMESTAMP, 'acTime', ut(0b011, 1, 2, 3, 4, 5, 6, 7, 8), false],
      [EXTRA_EXTENDED_TIMESTAMP, 'modTime', ut(0b001, 1, 2, 3), false],
      [EXTRA_EXTENDED_TIMESTAMP, 'modTime', ut(), false],
      [EXTRA_EXTENDED_TIMESTAMP, 'modTime', ut(0b001, 0xff, 0xff, 0xff, 0xff), false],
      [NTFS_ATTRIBUTE, 'mtime', ntfs(1, 133_000_000_000_000_000n), false],
      [NTFS_ATTRIBUTE, 'mtime', ntfs(2, 133_000_000_000_000_000n), false],
      [NTFS_ATTRIBUTE, 'mtime', ntfs(1, 133_000_000_000_000_000n, 8), false],
    ];
    for (const [layout, name, field, local] of cases) {
      const expected = layout.decode(field, 4, field.length, { local }).values[name];
      expect(layout.numberOf(name, field, 4, field.length, { local })).toBe(expected);
    }
    expect(cases.map(([layout, name, field, local]) => layout.numberOf(name, field, 4, field.length, { local }))).toEqual([
      0x04030201,
      undefined,
      0x08070605,
      undefined,
      undefined,
      undefined,
      0xffffffff,
      133_000_000_000_000_000,
      undefined,
      undefined,
    ]);
  });
});
