// What is off about an archive as a whole that the reader reads around (zip/archive-notes.ts):
// `test` names it and still passes every good entry, the safety report carries it. Archives
// crafted in code, each also read by the peers, who all complain of them in their own way.

import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { openZip } from '../../src-main/zip/reader.js';
import { CENTRAL_DIRECTORY_HEADER, DIGITAL_SIGNATURE, END_OF_CENTRAL_DIRECTORY, LOCAL_FILE_HEADER, ZIP64_END_OF_CENTRAL_DIRECTORY, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR } from '../../src-main/zip/records.js';
import { buildSafetyReport, type SafetyOptions } from '../../src-main/zip/safety.js';
import { type CraftEntry, craftZip, run, tempDir, withBytesBeforeEnd, writeArchive } from './craft.js';
import { messWith } from './reader-fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('zipdesk-notes-'));
});
afterEach(() => cleanup());

const entries: CraftEntry[] = [
  { name: 'a.txt', data: 'alpha '.repeat(40) },
  { name: 'b.txt', data: 'bravo', method: 0 },
];
const plain = craftZip(entries);
/** Where the end record starts in `plain`, so where its central directory ends. */
const directoryEnd = plain.length - 22;

/** The test's result and the safety report of the archive in `file`. */
async function testAndReport(file: string) {
  const tested = await testArchive(file);
  const source = await openFileSource(file);
  try {
    return { tested, report: await buildSafetyReport(await openZip(source)) };
  } finally {
    await source.close();
  }
}

describe('notes about the central directory', () => {
  it.each([
    // Room for a central record that is not one, and room for none.
    ['junk', Buffer.from('JUNK'.repeat(20))],
    ['zero padding', Buffer.alloc(16)],
  ])('bytes after the last record within the declared directory (%s): every entry tests good, the test and the report name the bytes', async (_, bytes) => {
    const file = writeArchive(dir, 'slack.zip', withBytesBeforeEnd(plain, bytes, true));
    const { tested, report } = await testAndReport(file);
    const note = {
      code: 'DIRECTORY_SLACK',
      message: `${bytes.length} bytes after the last central directory record, within the directory the end record declares (at offset ${directoryEnd}, ignored)`,
      params: { bytes: bytes.length, offset: directoryEnd },
    };
    expect(tested).toMatchObject({ ok: true, entriesTested: 2, problemCount: 0, notes: [note] });
    expect(report.archiveNotes).toEqual([note]);
    expect(report.verdict).toBe('caution');
    expect(report.summary).toEqual([note.message]);
  });

  it('bytes between the directory and the end record, outside its declared size', async () => {
    const file = writeArchive(dir, 'gap.zip', withBytesBeforeEnd(plain, Buffer.from('between'), false));
    const { tested, report } = await testAndReport(file);
    const note = { code: 'DIRECTORY_GAP', message: `7 bytes between the central directory and the end record (at offset ${directoryEnd}, ignored)`, params: { bytes: 7, offset: directoryEnd } };
    expect(tested).toMatchObject({ ok: true, entriesTested: 2, notes: [note] });
    expect(report.archiveNotes).toEqual([note]);
  });

  it('a digital signature record (APPNOTE 4.3.13) that ends the directory is named as one, not as junk', async () => {
    const signature = DIGITAL_SIGNATURE.encode({}, { signatureData: Buffer.alloc(40, 0x5a) });
    const file = writeArchive(dir, 'signed.zip', withBytesBeforeEnd(plain, signature, true));
    const { tested, report } = await testAndReport(file);
    expect(tested.ok).toBe(true);
    expect(tested.notes).toEqual([
      {
        code: 'DIRECTORY_SIGNATURE',
        message: `the central directory ends with a digital signature record (APPNOTE 4.3.13, at offset ${directoryEnd}, 40 bytes of signature data), which is not checked`,
        params: { bytes: 40, offset: directoryEnd },
      },
    ]);
    expect(report.archiveNotes).toEqual(tested.notes);
    // With a byte more in the directory it is not the directory's last record: junk follows it.
    const longer = writeArchive(dir, 'signed-and-more.zip', withBytesBeforeEnd(plain, Buffer.concat([signature, Buffer.from('!')]), true));
    expect((await testArchive(longer)).notes.map((note) => note.code)).toEqual(['DIRECTORY_SLACK']);
  });

  it('none for an archive whose directory ends where the end record starts', async () => {
    const { tested, report } = await testAndReport(writeArchive(dir, 'plain.zip', plain));
    expect(tested.notes).toEqual([]);
    expect(report).toMatchObject({ archiveNotes: [], verdict: 'ok' });
  });

  it('also when the test goes by directory ranges (more entries than it holds from its first pass)', async () => {
    const many = craftZip(Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}.txt`, data: `${i}`, method: 0 })));
    const file = writeArchive(dir, 'many.zip', withBytesBeforeEnd(many, Buffer.alloc(100), true));
    const tested = await testArchive(file);
    expect(tested).toMatchObject({ ok: true, entriesTested: 20_000 });
    expect(tested.notes).toEqual([expect.objectContaining({ code: 'DIRECTORY_SLACK', params: { bytes: 100, offset: many.length - 22 } })]);
  });

  it('the peers each complain of bytes after the last record within the declared directory', () => {
    const file = writeArchive(dir, 'slack.zip', withBytesBeforeEnd(plain, Buffer.from('JUNKJUNKJUNKJUNK'), true));
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    // unzip tests every entry, then warns (exit 1: "one or more warning errors").
    const unzip = peer('unzip', '-t', file);
    expect([unzip.status, unzip.stdout]).toEqual([1, expect.stringContaining("didn't find end-of-central-dir signature at end of central dir")]);
    expect(unzip.stdout).toContain('testing: b.txt ');
    // 7-Zip: a headers error (exit 2); bsdtar lists nothing (exit 1); Python refuses to open it.
    const sevenZip = peer('7z', 't', file);
    expect([sevenZip.status, sevenZip.stdout]).toEqual([2, expect.stringContaining('Headers Error')]);
    const bsdtar = peer('bsdtar', '-tf', file);
    expect([bsdtar.status, bsdtar.stdout, bsdtar.stderr]).toEqual([1, '', expect.stringContaining('Invalid central directory signature')]);
    const python = peer('python3', '-c', 'import sys, zipfile\nzipfile.ZipFile(sys.argv[1])', file);
    expect([python.status, python.stderr]).toEqual([1, expect.stringContaining('BadZipFile: Truncated central directory')]);
  });
});

describe('data after the end record', () => {
  const trailingNote = (bytes: number, offset: number) => ({ code: 'TRAILING_DATA', message: `${bytes} bytes after the end record (at offset ${offset}, ignored)`, params: { bytes, offset } });

  it('is said, with how many bytes and where they start: every entry tests good, the report names them (it was not said at all)', async () => {
    const file = writeArchive(dir, 'trailing.zip', Buffer.concat([plain, Buffer.from('trailing garbage')]));
    const { tested, report } = await testAndReport(file);
    expect(tested).toMatchObject({ ok: true, entriesTested: 2, notes: [trailingNote(16, plain.length)] });
    expect(report).toMatchObject({ archiveNotes: [trailingNote(16, plain.length)], verdict: 'caution' });
  });

  it('after a comment the end record counts: the bytes past the comment', async () => {
    const commented = craftZip(entries, 'a comment');
    const tested = await testArchive(writeArchive(dir, 'commented.zip', Buffer.concat([commented, Buffer.alloc(100)])));
    expect(tested).toMatchObject({ ok: true, notes: [trailingNote(100, commented.length)] });
    // Its comment is the one the end record counts, not the bytes after it.
    const source = await openFileSource(path.join(dir, 'commented.zip'));
    try {
      expect((await openZip(source)).info.comment).toBe('a comment');
    } finally {
      await source.close();
    }
  });

  it('is not what a comment longer than the bytes left is: that archive is still refused (as 7-Zip refuses it; unzip says the comment is truncated)', async () => {
    for (const after of ['', 'abc']) {
      const cutShort = messWith(Buffer.concat([craftZip(entries, ''), Buffer.from(after)]), (bytes) => bytes.writeUInt16LE(10, bytes.length - after.length - 2));
      await expect(testArchive(writeArchive(dir, 'cut-comment.zip', cutShort))).rejects.toMatchObject({
        code: 'EOCD_NOT_FOUND',
        message: `end of central directory record at offset ${directoryEnd} declares a 10-byte comment, but the file ends ${after.length} bytes after the record`,
      });
    }
  });

  it('the peers: 7-Zip warns of it, unzip, bsdtar and Python read it without a word', () => {
    const file = writeArchive(dir, 'trailing.zip', Buffer.concat([plain, Buffer.from('trailing garbage')]));
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const sevenZip = peer('7z', 't', file);
    expect([sevenZip.status, sevenZip.stdout]).toEqual([0, expect.stringContaining('There are data after the end of archive')]);
    expect(peer('unzip', '-t', file)).toMatchObject({ status: 0, stdout: expect.stringContaining('No errors detected'), stderr: '' });
    expect(peer('bsdtar', '-tf', file)).toMatchObject({ status: 0, stdout: 'a.txt\nb.txt\n', stderr: '' });
    expect(peer('python3', '-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).testzip())', file)).toMatchObject({ status: 0, stdout: 'None\n', stderr: '' });
  });
});

/** The archive with every offset it stores (its central records' and its end record's) `by` bytes larger. */
function withOffsetsShifted(archive: Buffer, by: number): Buffer {
  return messWith(withEndRecordField(archive, 'offsetOfStartOfCentralDirectory', by), (bytes) => {
    for (let at = bytes.indexOf('PK\x01\x02'); at !== -1; at = bytes.indexOf('PK\x01\x02', at + 4)) {
      const field = at + CENTRAL_DIRECTORY_HEADER.offsetOf.relativeOffsetOfLocalHeader;
      bytes.writeUInt32LE(bytes.readUInt32LE(field) + by, field);
    }
  });
}

/** The archive with `change` added to the end record's field `field` (offset or size of the central directory). */
function withEndRecordField(archive: Buffer, field: 'offsetOfStartOfCentralDirectory' | 'sizeOfCentralDirectory', change: number): Buffer {
  return messWith(archive, (bytes) => {
    const at = bytes.length - END_OF_CENTRAL_DIRECTORY.size + END_OF_CENTRAL_DIRECTORY.offsetOf[field];
    bytes.writeUInt32LE(bytes.readUInt32LE(at) + change, at);
  });
}

describe('notes about an end record the reader repairs', () => {
  const prefixNote = (bytes: number) => ({
    code: 'UNCOUNTED_PREFIX',
    message: `${bytes} bytes before the archive that its offsets do not count (data put in front of it, or a self-extractor whose offsets were not adjusted): every offset is read ${bytes} bytes further on`,
    params: { bytes },
  });

  it('data put in front of an archive whose offsets were not adjusted: every entry tests good, the test and the report say so; none once zip -A adjusts them', async () => {
    const made = path.join(dir, 'made');
    mkdirSync(made);
    writeFileSync(path.join(made, 'a.txt'), 'alpha '.repeat(100));
    run('zip', ['-qr', '../made.zip', '.'], made);
    const stub = Buffer.from('#!/bin/sh\necho a self-extractor stub\nexit 0\n');
    const file = writeArchive(dir, 'sfx.zip', Buffer.concat([stub, readFileSync(path.join(dir, 'made.zip'))]));
    const { tested, report } = await testAndReport(file);
    expect(tested).toMatchObject({ ok: true, entriesTested: 1, notes: [prefixNote(stub.length)] });
    expect(report).toMatchObject({ archiveNotes: [prefixNote(stub.length)], verdict: 'caution' });
    run('zip', ['-qA', 'sfx.zip'], dir);
    const adjusted = await testAndReport(file);
    expect(adjusted.tested).toMatchObject({ ok: true, notes: [] });
    expect(adjusted.report.verdict).toBe('ok');
  });

  it('offsets that count bytes the file does not hold (each one too large): read that much earlier, and said', async () => {
    const tested = await testArchive(writeArchive(dir, 'shifted.zip', withOffsetsShifted(plain, 40)));
    expect(tested).toMatchObject({ ok: true, entriesTested: 2 });
    expect(tested.notes).toEqual([{ code: 'OFFSETS_TOO_LARGE', message: "the archive's offsets count 40 bytes that are not there (missing from its start?): every offset is read 40 bytes earlier", params: { bytes: 40 } }]);
  });

  it.each([-5, 7])('a central directory offset off by %i (the entries\' own offsets right): read where the directory is, and said', async (change) => {
    const start = plain.readUInt32LE(plain.length - 6);
    const tested = await testArchive(writeArchive(dir, 'moved.zip', withEndRecordField(plain, 'offsetOfStartOfCentralDirectory', change)));
    expect(tested).toMatchObject({ ok: true, entriesTested: 2 });
    expect(tested.notes).toEqual([
      {
        code: 'DIRECTORY_MOVED',
        message: `the end record puts the central directory at offset ${start + change}, but it is at ${start}, where its size puts it before the end record (the entries' own offsets are right)`,
        params: { declared: start + change, offset: start },
      },
    ]);
  });

  it.each([
    [-10, ''],
    [10, ', which runs 10 bytes into the end record,'],
  ])('a central directory size off by %i: the records are read as they are, and the size is said', async (change, past) => {
    const size = plain.readUInt32LE(plain.length - 10);
    const tested = await testArchive(writeArchive(dir, 'sized.zip', withEndRecordField(plain, 'sizeOfCentralDirectory', change)));
    expect(tested).toMatchObject({ ok: true, entriesTested: 2 });
    expect(tested.notes).toEqual([
      { code: 'DIRECTORY_SIZE', message: `the end record declares a central directory of ${size + change} bytes${past} but its records take ${size} bytes: they are read as they are`, params: { declared: size + change, bytes: size } },
    ]);
  });

  it('the peers on data put in front: unzip warns of the extra bytes (exit 1), Python and bsdtar read it without a word, 7-Zip does not take it for an archive', () => {
    const file = writeArchive(dir, 'prefixed.zip', Buffer.concat([Buffer.alloc(12, 0x50), plain]));
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const unzip = peer('unzip', '-t', file);
    expect([unzip.status, unzip.stdout]).toEqual([1, expect.stringContaining('12 extra bytes at beginning or within zipfile')]);
    expect(peer('bsdtar', '-tf', file)).toMatchObject({ status: 0, stdout: 'a.txt\nb.txt\n', stderr: '' });
    expect(peer('python3', '-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).testzip())', file)).toMatchObject({ status: 0, stdout: 'None\n' });
    const sevenZip = peer('7z', 't', file);
    expect([sevenZip.status, sevenZip.stdout + sevenZip.stderr]).toEqual([2, expect.stringContaining('Cannot open the file as [zip] archive')]);
  });
});

describe('a ZIP64 end record the reader ignores', () => {
  it('is said: it gives another entry count than an end record that needs none of its values (it was only logged)', async () => {
    const bytes = craftZip(entries, '', { zip64End: { count: 5 } });
    const file = writeArchive(dir, 'zip64-count.zip', bytes);
    const zip64At = bytes.length - END_OF_CENTRAL_DIRECTORY.size - 20 - 56;
    const tested = await testArchive(file);
    expect([tested.ok, tested.entriesTested]).toEqual([true, 2]);
    expect(tested.notes).toEqual([
      {
        code: 'ZIP64_END_IGNORED',
        message: `the ZIP64 end record (at offset ${zip64At}) gives another entry count or central directory than the end record, which needs none of its values: it is ignored, and the end record read`,
        params: { offset: zip64At },
      },
    ]);
    // Python's zipfile, bsdtar and 7-Zip read the end record's two entries too.
    const python = spawnSync('python3', ['-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).namelist())', file], { encoding: 'utf8' });
    expect(python.stdout).toBe("['a.txt', 'b.txt']\n");
  });
});

describe('a ZIP64 end record not where its locator puts it', () => {
  const bytes = craftZip(entries, '', { zip64End: { count: 2 } });
  const locatorAt = bytes.length - END_OF_CENTRAL_DIRECTORY.size - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size;
  const zip64At = locatorAt - ZIP64_END_OF_CENTRAL_DIRECTORY.size;
  const withLocatorOffset = (declared: number) => withZip64LocatorMoved(bytes, declared - zip64At);

  it('is said where it is read, right before the locator (it was read without a word)', async () => {
    const file = writeArchive(dir, 'zip64-moved.zip', withLocatorOffset(zip64At - 10));
    const note = {
      code: 'ZIP64_END_MOVED',
      message: `the ZIP64 locator puts the ZIP64 end record at offset ${zip64At - 10}, but it is at ${zip64At}, right before the locator: read there`,
      params: { declared: zip64At - 10, offset: zip64At },
    };
    const { tested, report } = await testAndReport(file);
    expect(tested).toMatchObject({ ok: true, entriesTested: 2, notes: [note] });
    expect(report).toMatchObject({ archiveNotes: [note], verdict: 'caution' });
    // Where it says: nothing.
    expect((await testAndReport(writeArchive(dir, 'zip64.zip', bytes))).tested.notes).toEqual([]);
  });

  it('not after data put in front, which the locator does not count any more than the other offsets do', async () => {
    const { tested } = await testAndReport(writeArchive(dir, 'zip64-prefixed.zip', Buffer.concat([Buffer.alloc(12, 0x50), bytes])));
    expect(tested.notes.map((n) => n.code)).toEqual(['UNCOUNTED_PREFIX']);
  });

  it('the peers: unzip warns and tests it, 7-Zip refuses it with a headers error (exit 2), Python reads it without a word', () => {
    const file = writeArchive(dir, 'zip64-moved.zip', withLocatorOffset(zip64At - 10));
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const unzip = peer('unzip', '-t', file);
    expect([unzip.status, unzip.stdout + unzip.stderr]).toEqual([0, expect.stringContaining('End-of-centdir-64 signature not where expected')]);
    const sevenZip = peer('7z', 't', file);
    expect([sevenZip.status, sevenZip.stdout + sevenZip.stderr]).toEqual([2, expect.stringContaining('Headers Error')]);
    expect(peer('python3', '-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).namelist())', file)).toMatchObject({ status: 0, stdout: "['a.txt', 'b.txt']\n" });
  });
});

/** The archive (whose ZIP64 locator is right before its end record) with the locator's offset of the ZIP64 end record moved by `by` bytes. */
function withZip64LocatorMoved(archive: Buffer, by: number): Buffer {
  const field = archive.length - END_OF_CENTRAL_DIRECTORY.size - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.offsetOf.relativeOffsetOfZip64EndOfCentralDirectory;
  return messWith(archive, (bytes) => bytes.writeBigUInt64LE(bytes.readBigUInt64LE(field) + BigInt(by), field));
}

/** The archive with its end record counting `count` entries (both of its counts). */
function withEndRecordCount(archive: Buffer, count: number): Buffer {
  return messWith(archive, (bytes) => {
    const end = bytes.length - END_OF_CENTRAL_DIRECTORY.size;
    bytes.writeUInt16LE(count, end + END_OF_CENTRAL_DIRECTORY.offsetOf.numberOfCentralDirectoryRecordsOnThisDisk);
    bytes.writeUInt16LE(count, end + END_OF_CENTRAL_DIRECTORY.offsetOf.totalNumberOfCentralDirectoryRecords);
  });
}

describe('an end record that counts fewer entries than the central directory holds', () => {
  const countNote = (declared: number, found: number) => ({
    code: 'COUNT_DIFFERS',
    message: `the end record counts ${declared} ${declared === 1 ? 'entry' : 'entries'}, but the central directory holds ${found}: all are read (a reader that goes by the count lists ${declared})`,
    params: { declared, found },
  });

  it('is said: every record within the declared directory is read and tested, the test and the report name the two counts (it was only logged)', async () => {
    const { tested, report } = await testAndReport(writeArchive(dir, 'count-low.zip', withEndRecordCount(plain, 1)));
    expect(tested).toMatchObject({ ok: true, entriesTotal: 2, entriesTested: 2, notes: [countNote(1, 2)] });
    expect(report).toMatchObject({ archiveNotes: [countNote(1, 2)], verdict: 'caution', entries: 2 });
    // None, from none: an empty archive whose directory is empty.
    expect((await testArchive(writeArchive(dir, 'empty.zip', craftZip([])))).notes).toEqual([]);
  });

  it("a ZIP64 end record's count too (it is no 16-bit count that wrapped)", async () => {
    const bytes = messWith(craftZip(entries, '', { zip64End: {} }), (b) => {
      const record = b.length - END_OF_CENTRAL_DIRECTORY.size - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size - ZIP64_END_OF_CENTRAL_DIRECTORY.size;
      b.writeBigUInt64LE(1n, record + ZIP64_END_OF_CENTRAL_DIRECTORY.offsetOf.numberOfCentralDirectoryRecordsOnThisDisk);
      b.writeBigUInt64LE(1n, record + ZIP64_END_OF_CENTRAL_DIRECTORY.offsetOf.totalNumberOfCentralDirectoryRecords);
    });
    const tested = await testArchive(writeArchive(dir, 'zip64-count-low.zip', bytes));
    expect(tested).toMatchObject({ ok: true, entriesTested: 2, notes: [countNote(1, 2)] });
  });

  it('the peers: unzip -t fails it (exit 3), 7-Zip lists both entries with a headers error (exit 2), bsdtar and Python list both without a word', () => {
    const file = writeArchive(dir, 'count-low.zip', withEndRecordCount(plain, 1));
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const unzip = peer('unzip', '-t', file);
    expect([unzip.status, unzip.stderr + unzip.stdout]).toEqual([3, expect.stringContaining('expected central file header signature not found')]);
    const sevenZip = peer('7z', 'l', file);
    expect([sevenZip.status, sevenZip.stdout]).toEqual([2, expect.stringMatching(/b\.txt[\s\S]*Errors: 1/)]);
    expect(peer('bsdtar', '-tf', file)).toMatchObject({ status: 0, stdout: 'a.txt\nb.txt\n', stderr: '' });
    expect(peer('python3', '-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).namelist())', file)).toMatchObject({ status: 0, stdout: "['a.txt', 'b.txt']\n" });
  });
});

/** A real archive whose comment ends with the end record of an empty one (which, ending the file, is the one read). */
const emptyEndInComment = craftZip(entries, `hi ${END_OF_CENTRAL_DIRECTORY.encode({ numberOfThisDisk: 0, diskWhereCentralDirectoryStarts: 0, numberOfCentralDirectoryRecordsOnThisDisk: 0, totalNumberOfCentralDirectoryRecords: 0, sizeOfCentralDirectory: 0, offsetOfStartOfCentralDirectory: 0 }, { comment: Buffer.alloc(0) }).toString('latin1')}`);

describe('bytes before the end record of an empty archive', () => {
  it('are said: an archive whose comment ends with an empty end record is read as empty, as Python and bsdtar read it, but not without a word (it said "No errors detected (0 entries)")', async () => {
    const bytes = emptyEndInComment.length - END_OF_CENTRAL_DIRECTORY.size;
    const note = {
      code: 'BYTES_BEFORE_EMPTY',
      message: `the archive is empty, but ${bytes} bytes lie before its end record (from offset 0, ignored): they may hold an archive whose comment ends with this end record`,
      params: { bytes },
    };
    const { tested, report } = await testAndReport(writeArchive(dir, 'comment-eocd.zip', emptyEndInComment));
    expect(tested).toMatchObject({ ok: true, entriesTotal: 0, notes: [note] });
    expect(report).toMatchObject({ archiveNotes: [note], verdict: 'caution' });
  });

  it('none for an empty archive alone, nor for one with a comment', async () => {
    for (const comment of ['', 'nothing here']) {
      const { tested, report } = await testAndReport(writeArchive(dir, 'empty.zip', craftZip([], comment)));
      expect([tested.notes, report.verdict]).toEqual([[], 'ok']);
    }
  });

  it('the peers: unzip warns of the bytes (exit 1) and reads it as empty, 7-Zip lists the entries of the archive before, Python and bsdtar read it as empty without a word', () => {
    const file = writeArchive(dir, 'comment-eocd.zip', emptyEndInComment);
    const peer = (command: string, ...args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const unzip = peer('unzip', '-t', file);
    expect([unzip.status, unzip.stdout + unzip.stderr]).toEqual([1, expect.stringContaining(`${emptyEndInComment.length - END_OF_CENTRAL_DIRECTORY.size} extra bytes at beginning or within zipfile`)]);
    expect(peer('7z', 'l', file).stdout).toMatch(/ b\.txt\n/);
    expect(peer('bsdtar', '-tf', file)).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(peer('python3', '-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).namelist())', file)).toMatchObject({ status: 0, stdout: '[]\n' });
  });
});

describe('in the window', () => {
  /** The safety report of these bytes as the window gets it. */
  async function viewOf(bytes: Buffer, name: string, options: SafetyOptions = {}) {
    const { toSafetyView } = await import('../../src-main/ipc/archives.js');
    const source = await openFileSource(writeArchive(dir, name, bytes));
    try {
      return toSafetyView(await buildSafetyReport(await openZip(source), options));
    } finally {
      await source.close();
    }
  }

  /** Names extraction refuses, each by another rule. */
  const unsafeNames = craftZip(['', 'a\0b', '/etc/x', 'C:\\boot.ini', '../evil.sh', 'a/..'].map((name) => ({ name, data: 'n', method: 0 })));
  /** Links extraction refuses: out of the folder, empty, with a NUL byte, too long, with data whose CRC-32 fails. */
  const refusedLinks = craftZip([
    { name: 'out', kind: 'symlink', data: '../../outside', method: 0 },
    { name: 'empty', kind: 'symlink', data: '', method: 0 },
    { name: 'nul', kind: 'symlink', data: 'a\0b', method: 0 },
    { name: 'long', kind: 'symlink', data: 'x/'.repeat(2100), method: 0 },
    { name: 'bad', kind: 'symlink', data: 'a.txt', method: 0, crc32: 0x12345678 },
  ]);
  /** A bomb's entry and another on its local header; an entry whose data runs into the central directory. */
  const zeros = Buffer.alloc(3_000_000);
  const overlapping = craftZip([
    { name: 'zeros', data: zeros },
    { name: 'zeros-again', data: zeros, shareLocalHeaderOf: 0 },
    { name: 'into-directory', data: 'abc', method: 0, compressedSize: 64 },
  ]);
  /**
   * Local headers that cannot be read (outside the file, no signature where one is said to be, one
   * in the comment whose name runs past the end), central records without their ZIP64 values, and
   * a local header that names another name with another CRC-32.
   */
  const fakeHeader = Buffer.alloc(LOCAL_FILE_HEADER.size);
  fakeHeader.writeUInt32LE(0x04034b50, 0);
  fakeHeader.writeUInt16LE(257, LOCAL_FILE_HEADER.offsetOf.fileNameLength);
  const badHeaders = (pastEndAt: number) =>
    craftZip(
      [
        { name: 'first.txt', data: 'first', method: 0 },
        { name: 'far', data: 'f', method: 0, central: { relativeOffsetOfLocalHeader: 1_000_000 } },
        { name: 'askew', data: 'a', method: 0, localHeaderAt: 3 },
        { name: 'no-zip64-size', data: 'z', method: 0, central: { compressedSize: 0xffffffff } },
        { name: 'no-zip64-offset', data: 'z', method: 0, central: { relativeOffsetOfLocalHeader: 0xffffffff } },
        { name: 'shown.txt', data: 'x', method: 0, localName: 'other.txt', local: { crc32: 1 } },
        { name: 'past-end', data: 'p', method: 0, localHeaderAt: pastEndAt },
      ],
      fakeHeader.toString('latin1'),
    );
  const headers = badHeaders(badHeaders(0).length - fakeHeader.length);
  /**
   * Paths named twice, exactly, by case, by Unicode composition (a composed and a decomposed "é")
   * and by both; files that are also folders, exactly and by case; an encrypted entry, another
   * method, a disguised name, a name of unknown encoding.
   */
  const others = craftZip([
    { name: 'a.txt', data: 'a' },
    { name: './a.txt', data: 'b' },
    { name: 'README', data: 'r' },
    { name: 'readme', data: 'r' },
    { name: 'caf\u00e9.txt', data: 'c' },
    { name: 'cafe\u0301.txt', data: 'c' },
    { name: 'NA\u00cfVE.txt', data: 'n' },
    { name: 'nai\u0308ve.txt', data: 'n' },
    { name: 'x', data: 'a file' },
    { name: 'x/y', data: 'under it' },
    { name: 'Y', data: 'a file' },
    { name: 'y/z', data: 'under it, but for case' },
    { name: 'secret', data: 's', method: 0, encrypted: true },
    { name: 'data.lzma', data: 's', method: 14 },
    { name: 'data.odd', data: 's', method: 4660 },
    { name: 'invoice\u202efdp.exe', data: 'i' },
    // Shift-JIS bytes, flagged UTF-8 (as craftZip flags every name) but not UTF-8: read as CP437.
    { name: '日本語.txt', nameBytes: Buffer.from('93fa967b8cea2e747874', 'hex'), data: 'j' },
  ]);
  /** A name Windows cannot hold, read under Windows' rules (zip/paths.ts forWindows). */
  const windowsNames = craftZip([{ name: 'what?.txt', data: 'w' }]);
  /** What is off about the archive as a whole, each note. */
  const notes = [
    withBytesBeforeEnd(plain, Buffer.alloc(16), true),
    withBytesBeforeEnd(plain, DIGITAL_SIGNATURE.encode({}, { signatureData: Buffer.alloc(8) }), true),
    withBytesBeforeEnd(plain, Buffer.alloc(3), false),
    Buffer.concat([Buffer.alloc(12), plain]),
    withOffsetsShifted(plain, 40),
    withEndRecordField(plain, 'offsetOfStartOfCentralDirectory', -5),
    withEndRecordField(plain, 'sizeOfCentralDirectory', -10),
    craftZip(entries, '', { zip64End: { count: 5 } }),
    withZip64LocatorMoved(craftZip(entries, '', { zip64End: { count: 2 } }), -10),
    withEndRecordCount(plain, 1),
    emptyEndInComment,
    Buffer.concat([plain, Buffer.from('after')]),
  ];

  it('every problem the safety report gives is worded in English as main words it, and in German with each value filled in: every code and kind (SAFETY_WORDINGS), each made here', async () => {
    const { SAFETY_WORDINGS } = await import('../../src-preload/contract.js');
    const { findingText } = await import('../../src-renderer/lib/i18n.js');
    const { visibleText } = await import('../../src-renderer/lib/visible.js');
    const seen = new Set<string>();
    const archives: [Buffer, SafetyOptions][] = [unsafeNames, refusedLinks, overlapping, headers, others, ...notes].map((bytes) => [bytes, {}]);
    archives.push([windowsNames, { nameRules: 'windows' }]);
    for (const [i, [bytes, options]] of archives.entries()) {
      for (const problem of (await viewOf(bytes, `a${i}.zip`, options)).problems) {
        const wording = problem.kind === undefined ? problem.code : `${problem.code}.${problem.kind}`;
        seen.add(wording);
        const english = findingText(problem, 'en');
        const german = findingText(problem, 'de');
        // (The window leaves out main's "(the entries' own offsets are right)" after a directory
        // that moved; said by no code or value of the note, it has no wording of its own yet.)
        // Main's words but for the grouping of its numbers ("4,200" where main says "4200"), not
        // of a method's (its name in APPNOTE: "method 4660").
        const mainsWords = visibleText(problem.message).replace(/ \(the entries' own offsets are right\)$/, '').replace(/(?<!method )\b\d{4,}\b/g, (digits) => new Intl.NumberFormat('en').format(Number(digits)));
        expect(english, wording).toBe(mainsWords);
        // Not the English fallback: the catalog's German, its every value filled in (a number grouped, "4.200").
        expect(german, wording).not.toBe(english);
        expect(german, wording).not.toMatch(/\{\w+[|}]/);
        const shown = (name: string, value: string | number) => (typeof value === 'number' && name !== 'method' ? new Intl.NumberFormat('de').format(value) : visibleText(String(value)));
        for (const [name, value] of Object.entries(problem.params ?? {})) expect(german, `${wording}: ${value}`).toContain(shown(name, value));
      }
    }
    // Each wording the window knows was made (a new one needs a German text, and an archive here).
    expect([...seen].sort()).toEqual([...SAFETY_WORDINGS].sort());
  });

  it('in German: an unsafe name, a link, an overlap, a local header that cannot be read and one that disagrees', async () => {
    const { findingText } = await import('../../src-renderer/lib/i18n.js');
    const german = async (bytes: Buffer, name: string) => (await viewOf(bytes, name)).problems.map((problem) => [problem.entry, findingText(problem, 'de')]);
    expect(await german(unsafeNames, 'names.zip')).toContainEqual(['C:\\boot.ini', 'unsicherer Name "C:\\\\boot.ini": der Name beginnt mit dem Laufwerksbuchstaben C:']);
    // Two names that look alike: what differs is said (it said "Groß- und Kleinschreibung").
    expect(await german(others, 'others.zip')).toContainEqual(['caf\u00e9.txt', 'Namen unterscheiden sich nur in der Unicode-Komposition (é als ein Zeichen oder als e und Akzent): caf\u00e9.txt, cafe\u0301.txt']);
    expect(await german(refusedLinks, 'links.zip')).toEqual(
      expect.arrayContaining([
        ['out', 'Der Link zeigt aus dem Ordner hinaus, in den entpackt wird (→ ../../outside)'],
        ['long', 'Das Ziel des Links ist mit 4.200 Bytes zu lang'],
        ['bad', expect.stringMatching(/^Das Ziel des Links ist nicht lesbar: CRC-32 is 0x[0-9a-f]{8}, the central directory says 0x12345678$/)],
      ]),
    );
    expect(await german(overlapping, 'overlaps.zip')).toEqual(
      expect.arrayContaining([
        // (Past 1,000 bytes, grouped: "Bytes 0–2.958".)
        ['zeros', expect.stringMatching(/^zeros \(Bytes 0–\d\.\d{3}\) überschneidet sich mit zeros-again \(lokaler Header bei Offset 0\)$/)],
        ['into-directory', expect.stringMatching(/^into-directory \(Bytes \d\.\d{3}–\d\.\d{3}\) überschneidet sich mit dem zentralen Verzeichnis \(Bytes \d\.\d{3}–\d\.\d{3}\)$/)],
      ]),
    );
    const size = headers.length;
    expect(await german(headers, 'headers.zip')).toEqual(
      expect.arrayContaining([
        ['far', `Der Offset 1.000.000 des lokalen Headers liegt außerhalb des Archivs (${size} Bytes)`],
        ['askew', 'Falsche Signatur 0x00001404 des lokalen Headers bei Offset 3'],
        ['past-end', `Der lokale Header bei Offset ${size - 30} (287 Bytes mit Name und Zusatzfeld) reicht über das Ende des Archivs hinaus (${size} Bytes)`],
        ['shown.txt', expect.stringMatching(/^fileName: lokal other\.txt, zentral shown\.txt; crc32: lokal 0x00000001, zentral 0x[0-9a-f]{8}$/)],
      ]),
    );
  });
});
