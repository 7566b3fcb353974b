import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LISTED_NOTES, SHARED_FOLDER_TIMES, extractArchive, extractReader, type ExtractResult } from '../../src-main/archive/extract.js';
import { TargetHold, removeTemporary, temporaryBeside } from '../../src-main/archive/extract-files.js';
import { bufferSource } from '../../src-main/zip/buffer-source.js';
import { FirstByIndex } from '../../src-main/archive/extract-problems.js';
import type { EntryProblem } from '../../src-main/archive/entry-check.js';
import { MAX_HELD_PROBLEMS } from '../../src-main/archive/check-ranges.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { openZip } from '../../src-main/zip/reader.js';
import { buildSafetyReport } from '../../src-main/zip/safety.js';
import { isZipError } from '../../src-main/zip/errors.js';
import { namePathKey } from '../../src-main/zip/paths.js';
import { craftZip, extraField, headerInNameRoom, run, tempDir, tree, writeArchive, type CraftEntry } from './craft.js';
import { messWith, signatureOffsets } from './reader-fixtures.js';
import { SIGNATURE } from '../../src-main/zip/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function codes(result: ExtractResult): Record<string, string> {
  return Object.fromEntries(result.problems.map((p) => [p.entry, p.code]));
}

/** Text that deflates to about a third: numbered lines with a changing hash. */
function lines(size: number, seed: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = `line ${i} of ${seed}: ${Math.imul(i + seed, 2654435761) >>> 0}\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

/** Where the named entry's data starts in crafted archive bytes (its local header comes first). */
function dataOffset(bytes: Buffer, name: string): number {
  const nameAt = bytes.indexOf(Buffer.from(name));
  return nameAt + name.length + bytes.readUInt16LE(nameAt - 2);
}

/** No temporary file is ever left behind. */
function expectNoPartials(target: string): void {
  expect(tree(target).filter((name) => name.includes('zipdesk-partial'))).toEqual([]);
}

function makeTree(root: string): void {
  mkdirSync(path.join(root, 'src/empty'), { recursive: true });
  writeFileSync(path.join(root, 'src/a.txt'), 'hello\n');
  writeFileSync(path.join(root, 'src/big.bin'), Buffer.alloc(3 * 1024 * 1024, 'xyz'));
  writeFileSync(path.join(root, 'src/ünïcødé.txt'), 'unicode\n');
  writeFileSync(path.join(root, 'src/empty.txt'), '');
  writeFileSync(path.join(root, 'src/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  symlinkSync('a.txt', path.join(root, 'src/link'));
}

describe('extractArchive over archives from real tools', () => {
  it.each([
    ['zip', (src: string, out: string) => run('zip', ['-qry', out, 'src'], src)],
    ['7z', (src: string, out: string) => run('7z', ['a', '-tzip', '-snl', out, 'src'], src)],
    ['bsdtar', (src: string, out: string) => run('bsdtar', ['-a', '-cf', out, 'src'], src)],
  ])('extracts what %s wrote, byte for byte, with modes and links', async (_tool, make) => {
    const source = path.join(dir, 'in');
    makeTree(source);
    const archive = path.join(dir, 'a.zip');
    make(source, archive);
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    // Info-ZIP zip 3.0 stores the UTF-8 name without flag bit 11: it comes back as it was, as with unzip.
    const names = ['a.txt', 'big.bin', 'empty.txt', 'run.sh', 'ünïcødé.txt'];
    for (const name of names) {
      expect(readFileSync(path.join(target, 'src', name)).equals(readFileSync(path.join(source, 'src', name))), name).toBe(true);
    }
    expect(statSync(path.join(target, 'src/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(target, 'src/empty')).isDirectory()).toBe(true);
    expect(readlinkSync(path.join(target, 'src/link'))).toBe('a.txt');
    expectNoPartials(target);
  });

  it('extracts what python zipfile wrote, and restores the stored modification time', async () => {
    const archive = path.join(dir, 'p.zip');
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('p.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    i = zipfile.ZipInfo('docs/readme.md', (2021, 6, 15, 10, 20, 30)); i.external_attr = 0o100640 << 16
    z.writestr(i, 'readme ' * 100)
    z.writestr('docs/', '')
`], dir);
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.ok).toBe(true);
    expect(readFileSync(path.join(target, 'docs/readme.md'), 'utf8')).toBe('readme '.repeat(100));
    const stat = statSync(path.join(target, 'docs/readme.md'));
    expect(stat.mode & 0o777).toBe(0o640);
    const mtime = stat.mtime;
    expect([mtime.getFullYear(), mtime.getMonth() + 1, mtime.getDate(), mtime.getHours(), mtime.getMinutes(), mtime.getSeconds()]).toEqual([2021, 6, 15, 10, 20, 30]);
  });

  it('gives each folder it made its mode and time once all is written, read-only ones with folders inside them too, whatever the entry\'s spelling', async () => {
    const year = (y: number): number => ((y - 1980) << 9) | (6 << 5) | 15;
    const archive = writeArchive(
      dir,
      'folders.zip',
      craftZip([
        { name: 'a//b/', kind: 'directory', mode: 0o750, dosDate: year(2019) },
        { name: './c/', kind: 'directory', mode: 0o700, dosDate: year(2018) },
        { name: 'ro/', kind: 'directory', mode: 0o555, dosDate: year(2017) },
        { name: 'ro/inner/', kind: 'directory', mode: 0o500, dosDate: year(2016) },
        { name: 'ro/inner/f.txt', data: 'f', dosDate: year(2015) },
        { name: 'a/b/g.txt', data: 'g' },
      ]),
    );
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems).toEqual([]);
    const seen = (name: string): [string, number, number] => {
      const stat = statSync(path.join(target, name));
      return [name, stat.mode & 0o777, stat.mtime.getFullYear()];
    };
    expect(['a/b', 'c', 'ro', 'ro/inner', 'ro/inner/f.txt'].map(seen)).toEqual([
      ['a/b', 0o750, 2019],
      ['c', 0o700, 2018],
      ['ro', 0o555, 2017],
      ['ro/inner', 0o500, 2016],
      ['ro/inner/f.txt', 0o644, 2015],
    ]);
    for (const name of ['ro', 'ro/inner']) chmodSync(path.join(target, name), 0o755);
  });

  /** Entries of a folder, a small and a large file and a link, each with the NTFS time `time` (ms since 1970) as its mtime, atime and ctime. */
  function withNtfsTimes(name: string, time: number): string {
    // FILETIME: 100 ns since 1601 (APPNOTE 4.5.5).
    const filetime = BigInt(time + 11_644_473_600_000) * 10_000n;
    const times = Buffer.alloc(28);
    times.writeUInt16LE(1, 0);
    times.writeUInt16LE(24, 2);
    for (let at = 4; at < 28; at += 8) times.writeBigUInt64LE(filetime, at);
    const extra = extraField(0x000a, Buffer.concat([Buffer.alloc(4), times]));
    const timed = { localExtra: extra, centralExtra: extra };
    return writeArchive(
      dir,
      name,
      craftZip([
        { name: 'old/', kind: 'directory', ...timed },
        { name: 'old/small.txt', data: 'small', ...timed },
        { name: 'old/large.bin', data: lines(400_000, 2), ...timed },
        { name: 'old/link', data: 'small.txt', kind: 'symlink', ...timed },
      ]),
    );
  }
  const timedNames = ['old', 'old/small.txt', 'old/large.bin', 'old/link'];

  it('restores an NTFS time before 1970 on files, small and large, folders and links (not the time of extracting)', async () => {
    const target = path.join(dir, 'out');
    const result = await extractArchive(withNtfsTimes('ntfs-1960.zip', Date.UTC(1960, 5, 15, 12, 0, 0)), target);
    expect(result.problems).toEqual([]);
    expect(timedNames.map((name) => [name, lstatSync(path.join(target, name)).mtime.toISOString()])).toEqual(timedNames.map((name) => [name, '1960-06-15T12:00:00.000Z']));
  });

  it('restores a time of whole milliseconds exactly, as 7-Zip does, not a microsecond early (.244 was set as .243999)', async () => {
    const time = Date.UTC(2017, 10, 1, 4, 11, 57, 244);
    const target = path.join(dir, 'out');
    expect((await extractArchive(withNtfsTimes('ntfs-ms.zip', time), target)).problems).toEqual([]);
    expect(timedNames.map((name) => [name, lstatSync(path.join(target, name), { bigint: true }).mtimeNs])).toEqual(timedNames.map((name) => [name, BigInt(time) * 1_000_000n]));
  });

  it('sets the times of many folders on a helper thread too, reports those it cannot set by their entries, and sets the modes after', async () => {
    const year = (y: number): number => ((y - 1980) << 9) | (6 << 5) | 15;
    // Enough folders for the helper (SHARED_FOLDER_TIMES), in a hundred folders of their own; a
    // few private ones whose mode mkdir does not give.
    const count = SHARED_FOLDER_TIMES + 500;
    const folders: CraftEntry[] = Array.from({ length: count }, (_, i) => ({ name: `p${i % 100}/f${i}/`, kind: 'directory', dosDate: year(2000 + (i % 20)) }));
    folders.push({ name: 'p0/private/', kind: 'directory', mode: 0o700, dosDate: year(1999) }, { name: 'p1/private/', kind: 'directory', mode: 0o711, dosDate: year(1998) });
    const archive = writeArchive(dir, 'many-folders.zip', craftZip([...folders, { name: 'z.txt', data: 'z' }]));
    const target = path.join(dir, 'out');
    // Every 1,000th folder vanishes once every entry is done, before the times are set: the
    // ones of both threads' chunks fail.
    const gone = folders.filter((_, i) => i % 1000 === 7 && i < count);
    const result = await extractArchive(archive, target, {
      progressIntervalMs: 0,
      onProgress: (progress) => {
        if (progress.entriesDone === folders.length + 1) for (const folder of gone) rmSync(path.join(target, folder.name), { recursive: true, force: true });
      },
    });
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual(gone.map((folder) => [folder.name, 'IO']));
    expect(result.problems[0]!.message).toContain('no such file or directory');
    // Worded alike whichever thread met it: the system's words, without its call and path.
    expect(new Set(result.problems.map((p) => p.message))).toEqual(new Set([result.problems[0]!.message]));
    expect(result.problems[0]!.message).not.toContain('utime');
    for (let i = 0; i < count; i += 97) {
      if (i % 1000 === 7) continue;
      expect([i, statSync(path.join(target, `p${i % 100}/f${i}`)).mtime.getFullYear()]).toEqual([i, 2000 + (i % 20)]);
    }
    const seen = (name: string): [string, number, number] => {
      const stat = statSync(path.join(target, name));
      return [name, stat.mode & 0o777, stat.mtime.getFullYear()];
    };
    expect(['p0/private', 'p1/private'].map(seen)).toEqual([
      ['p0/private', 0o700, 1999],
      ['p1/private', 0o711, 1998],
    ]);
  });

  it('names a folder whose mode or time cannot be set by its entry as stored', async () => {
    // The folders vanish after every entry is done, before their times are set.
    const folders: CraftEntry[] = ['./a/', 'a//b/', 'p/q/r/', 'été/'].map((name) => ({ name, kind: 'directory', mode: 0o750 }));
    folders.push({ name: 'e', kind: 'directory', mode: 0o750 });
    const archive = writeArchive(dir, 'vanishing.zip', craftZip([...folders, { name: 'z.txt', data: 'z' }]));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target, {
      progressIntervalMs: 0,
      onProgress: (progress) => {
        if (progress.entriesDone === 6) for (const name of ['a', 'p', 'été', 'e']) rmSync(path.join(target, name), { recursive: true, force: true });
      },
    });
    expect(result.problems.map((p) => [p.entry, p.index, p.code])).toEqual([
      ['./a/', 0, 'IO'],
      ['a//b/', 1, 'IO'],
      ['p/q/r/', 2, 'IO'],
      ['été/', 3, 'IO'],
      ['e', 4, 'IO'],
    ]);
    expect(readFileSync(path.join(target, 'z.txt'), 'utf8')).toBe('z');
  });

  it('refuses a link whose record changed after it was planned (the archive rewritten during the extraction)', async () => {
    const files = Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` }));
    const archive = writeArchive(dir, 'rewritten.zip', craftZip([{ name: 'lnk1', kind: 'symlink', data: 'f0.txt' }, ...files]));
    const target = path.join(dir, 'out');
    let rewritten = false;
    const result = await extractArchive(archive, target, {
      progressIntervalMs: 0,
      onProgress: (progress) => {
        // While the files are written, the link waits for step 3; its central record now names "../x".
        if (rewritten || progress.entriesDone === 0 || progress.entriesDone > 4000) return;
        rewritten = true;
        const bytes = readFileSync(archive);
        bytes.write('../x', bytes.lastIndexOf(Buffer.from('lnk1')), 'latin1');
        writeFileSync(archive, bytes);
      },
    });
    expect(rewritten).toBe(true);
    expect(result.problems).toEqual([{ entry: '../x', index: 0, code: 'SOURCE_CHANGED', message: 'the archive changed while it was extracted: this entry is no longer the link it was', kind: 'NO_LONGER_LINK', params: {} }]);
    expect(readdirSync(target)).toHaveLength(5000);
    expect(existsSync(path.join(target, 'lnk1'))).toBe(false);
  });

  it('makes the links of an archive whose end record understates the directory\'s size', async () => {
    // The links are read again from the directory (extract-later.ts), past the declared end as the first pass read it.
    const good = craftZip([
      { name: 'd/', kind: 'directory', mode: 0o700 },
      { name: 'f.txt', data: 'F' },
      { name: 'a', data: 'A' },
      { name: 'l1', kind: 'symlink', data: 'f.txt' },
    ]);
    const archive = writeArchive(dir, 'understated.zip', messWith(good, (b) => {
      const end = signatureOffsets(b, SIGNATURE.END_OF_CENTRAL_DIRECTORY).at(-1)!;
      b.writeUInt32LE(b.readUInt32LE(end + 12) - 60, end + 12); // 12 - size of the central directory (4)
    }));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result).toMatchObject({ ok: true, filesWritten: 2, directoriesCreated: 1, symlinksCreated: 1 });
    expect(readlinkSync(path.join(target, 'l1'))).toBe('f.txt');
    expect(statSync(path.join(target, 'd')).mode & 0o777).toBe(0o700);
  });

  it('counts the folders this run made, not those already there (a run again under skip made none)', async () => {
    // d/ comes after a file in it (made then, by this run); e/ and e/f/ are entries of their own.
    const archive = writeArchive(dir, 'folders.zip', craftZip([
      { name: 'd/x.txt', data: 'x' },
      { name: 'd/', kind: 'directory' },
      { name: 'e/', kind: 'directory' },
      { name: 'e/f/', kind: 'directory' },
    ]));
    const target = path.join(dir, 'out');
    expect(await extractArchive(archive, target)).toMatchObject({ ok: true, filesWritten: 1, directoriesCreated: 3 });
    expect(await extractArchive(archive, target, { overwrite: 'skip' })).toMatchObject({ ok: true, filesWritten: 0, directoriesCreated: 0, skippedCount: 1 });
    rmSync(path.join(target, 'e', 'f'), { recursive: true });
    expect(await extractArchive(archive, target, { overwrite: 'replace' })).toMatchObject({ ok: true, filesWritten: 1, directoriesCreated: 1 });
    expect(tree(target)).toEqual(['d/', 'd/x.txt', 'e/', 'e/f/']);
  });

  it('extracts only the selected entries, a folder name selecting what is under it', async () => {
    const archive = writeArchive(dir, 's.zip', craftZip([{ name: 'a/1.txt', data: '1' }, { name: 'a/2.txt', data: '2' }, { name: 'b/3.txt', data: '3' }]));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target, { entries: ['a/', 'b/nope'] });
    expect(result.entriesTotal).toBe(2);
    expect(result.unmatched).toEqual(['b/nope']);
    expect(tree(target)).toEqual(['a/', 'a/1.txt', 'a/2.txt']);
  });

  it('takes a folder name typed without its slash as the folder: its own entry and all under it', async () => {
    const archive = writeArchive(dir, 'noslash.zip', craftZip([
      { name: 'a/', kind: 'directory' },
      { name: 'a/1.txt', data: '1' },
      { name: 'a/b/2.txt', data: '2' },
      { name: 'ab/3.txt', data: '3' },
      { name: 'c', data: 'a file named c' },
      { name: 'c/4.txt', data: '4' },
      { name: 'd/e/5.txt', data: '5' },
    ]));
    const target = path.join(dir, 'noslash');
    // "c" is a file and a folder in this archive: it selects both (the file and folder then settle as always).
    const result = await extractArchive(archive, target, { entries: ['a', 'd/e', 'a/1.txt', 'nope', 'a/1'] });
    expect(result.entriesTotal).toBe(4);
    expect(result.unmatched).toEqual(['nope', 'a/1']);
    expect(tree(target)).toEqual(['a/', 'a/1.txt', 'a/b/', 'a/b/2.txt', 'd/', 'd/e/', 'd/e/5.txt']);
    const both = await extractArchive(archive, path.join(dir, 'noslash-c'), { entries: ['c'] });
    expect([both.entriesTotal, both.unmatched]).toEqual([2, []]);
  });

  it('extracts names as long as a file system allows (255 bytes), whose temporary names must be shorter', async () => {
    // 85 three-byte characters: 255 bytes of UTF-8; a small and a large (streamed) entry.
    const long = '日'.repeat(85);
    const big = lines(3 * 1024 * 1024, 7);
    const archive = writeArchive(dir, 'long.zip', craftZip([{ name: `a/${long}`, data: 'short' }, { name: `b/${long}`, data: big }]));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems).toEqual([]);
    expect(readFileSync(path.join(target, 'a', long), 'utf8')).toBe('short');
    expect(readFileSync(path.join(target, 'b', long)).equals(big)).toBe(true);
  });

  it('takes a local header with the central name bytes for the name a Unicode path field gives the central record alone', async () => {
    // CP866 name bytes; Info-ZIP's Unicode path field (0x7075) in the central record, in both
    // headers, or in the central record with local name bytes of another name (refused).
    run(
      'python3',
      [
        '-c',
        `
import struct, zlib
def archive(file, local_field, local_name):
    name = 'привет.txt'.encode('cp866')
    field = struct.pack('<HHBI', 0x7075, 5 + len('привет.txt'.encode()), 1, zlib.crc32(name)) + 'привет.txt'.encode()
    data = b'hello'
    crc = zlib.crc32(data)
    local_extra = field if local_field else b''
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0x5821, crc, len(data), len(data), len(local_name), len(local_extra)) + local_name + local_extra
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 0, 0, 0x5821, crc, len(data), len(data), len(name), len(field), 0, 0, 0, 0, 0) + name + field
    body = local + data
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central), len(body), 0)
    open(file, 'wb').write(body + central + end)
archive('central-only.zip', False, 'привет.txt'.encode('cp866'))
archive('both.zip', True, 'привет.txt'.encode('cp866'))
archive('other-local.zip', False, 'пока.txt'.encode('cp866'))
`,
      ],
      dir,
    );
    for (const name of ['central-only.zip', 'both.zip']) {
      const target = path.join(dir, name + '.out');
      const result = await extractArchive(path.join(dir, name), target);
      expect(result.problems).toEqual([]);
      expect(readFileSync(path.join(target, 'привет.txt'), 'utf8')).toBe('hello');
      expect((await testArchive(path.join(dir, name))).ok).toBe(true);
    }
    const other = await testArchive(path.join(dir, 'other-local.zip'));
    expect(other.problems.map((p) => [p.entry, p.code])).toEqual([['привет.txt', 'LOCAL_MISMATCH']]);
  });
});

describe('extractArchive of entries whose attributes say folder', () => {
  it('an entry with data is a file, whatever its attributes; an empty one without the slash is a folder', async () => {
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('attrs.zip', 'w') as z:
    for name, system, attributes, data in [('report.txt', 0, 0x10, 'important data'), ('unix.txt', 3, (0o040755 << 16), 'unix data'), ('emptydir', 0, 0x10, ''), ('unixdir', 3, (0o040755 << 16) | 0x10, '')]:
        i = zipfile.ZipInfo(name); i.create_system = system; i.external_attr = attributes; z.writestr(i, data)
`], dir);
    const archive = path.join(dir, 'attrs.zip');
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems).toEqual([]);
    expect(readFileSync(path.join(target, 'report.txt'), 'utf8')).toBe('important data');
    expect(readFileSync(path.join(target, 'unix.txt'), 'utf8')).toBe('unix data');
    expect(tree(target)).toEqual(['emptydir/', 'report.txt', 'unix.txt', 'unixdir/']);
    expect(await testArchive(archive)).toMatchObject({ ok: true, bytesTested: 23 });
  });

  it('a folder entry that test refuses without reading it is refused by extract too, with the same line', async () => {
    const archive = writeArchive(
      dir,
      'bad-folders.zip',
      craftZip([
        // Stored, 0 bytes of data, 255 declared (found by the differential fuzzer).
        { name: 'sized/', kind: 'directory', method: 0, uncompressedSize: 255 },
        { name: 'lzma/', kind: 'directory', method: 14 },
        { name: 'fine/', kind: 'directory', method: 0 },
        { name: 'sized/inside.txt', data: 'x' },
        // The target folder itself, "./" (found by the extract-into fuzzer: it went unsaid).
        { name: './', kind: 'directory', method: 14 },
      ]),
    );
    const extracted = await extractArchive(archive, path.join(dir, 'out'));
    const tested = await testArchive(archive);
    const lines = (problems: readonly EntryProblem[]) => problems.map((p) => [p.entry, p.code, p.message]);
    expect(lines(extracted.problems)).toEqual([
      ['sized/', 'SIZE_MISMATCH', 'stored entry has compressed size 0 but uncompressed size 255'],
      ['lzma/', 'UNSUPPORTED_METHOD', 'unsupported compression method 14 (LZMA)'],
      ['./', 'UNSUPPORTED_METHOD', 'unsupported compression method 14 (LZMA)'],
    ]);
    expect(lines(tested.problems)).toEqual(lines(extracted.problems));
    // The folder itself is still made for what lies in it.
    expect(tree(path.join(dir, 'out'))).toEqual(['fine/', 'sized/', 'sized/inside.txt']);
  });
});

describe('extractArchive refuses hostile entries and writes nothing outside the target', () => {
  it('a central record that cannot say where its data is (a ZIP64 marker without its value) fails that entry alone', async () => {
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('z64bad.zip', 'w') as z:
    for n in ('good1.txt', 'bad.txt', 'good2.txt'): z.writestr(n, n * 3)
d = bytearray(open('z64bad.zip', 'rb').read())
second = d.find(b'PK\\x01\\x02', d.find(b'PK\\x01\\x02') + 1)
d[second + 20:second + 24] = b'\\xff\\xff\\xff\\xff'
open('z64bad.zip', 'wb').write(d)
`], dir);
    const archive = path.join(dir, 'z64bad.zip');
    // (With the kind and values the window words it by, as the safety report's.)
    const problem = { entry: 'bad.txt', code: 'BAD_ZIP64', kind: 'NO_ZIP64_COMPRESSED_SIZE', params: {}, message: expect.stringMatching(/has compressed size 0xffffffff but no ZIP64 extra field value for it$/) };
    const tested = await testArchive(archive);
    expect(tested).toMatchObject({ ok: false, entriesTotal: 3 });
    expect(tested.problems).toEqual([{ ...problem, index: 1 }]);
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems).toEqual([{ ...problem, index: 1 }]);
    expect(tree(target)).toEqual(['good1.txt', 'good2.txt']);
    expect(readFileSync(path.join(target, 'good2.txt'), 'utf8')).toBe('good2.txtgood2.txtgood2.txt');
    const source = await openFileSource(archive);
    try {
      const report = await buildSafetyReport(await openZip(source));
      expect(report.overlaps.count).toBe(0);
      expect(report.badLocalHeaders.items).toEqual([{ ...problem, kind: 'NO_ZIP64_COMPRESSED_SIZE', params: {} }]);
      // Its raw 0xffffffff is not counted in the totals.
      expect(report.totalCompressedSize).toBeLessThan(100);
    } finally {
      await source.close();
    }
  });

  it('never replaces the archive it reads, even under replace, when an entry has its name', async () => {
    const folder = path.join(dir, 'self-named');
    mkdirSync(folder);
    const archive = writeArchive(folder, 'data.zip', craftZip([{ name: 'data.zip', data: 'inner' }, { name: 'other.txt', data: 'x' }]));
    const before = readFileSync(archive);
    const result = await extractArchive(archive, folder, { overwrite: 'replace' });
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([['data.zip', 'EXISTS', 'data.zip is the archive being extracted: it is not replaced']]);
    expect(readFileSync(archive).equals(before)).toBe(true);
    expect(readFileSync(path.join(folder, 'other.txt'), 'utf8')).toBe('x');
  });

  it('says why in words, without system calls or temporary paths: a target that is a file, an entry that cannot be written', async () => {
    const archive = writeArchive(dir, 'words.zip', craftZip([{ name: 'a.txt', data: 'a' }, { name: 'd/b.txt', data: 'b' }]));
    writeFileSync(path.join(dir, 'a-file'), 'x');
    await expect(extractArchive(archive, path.join(dir, 'a-file'))).rejects.toMatchObject({ code: 'IO', message: `cannot create the target folder ${path.join(dir, 'a-file')}: a file has that name` });
    await expect(extractArchive(archive, path.join(dir, 'a-file', 'sub'))).rejects.toMatchObject({ message: expect.stringMatching(/: a file is in its path$/) });
    // A link that leads to no folder was said to be a file.
    symlinkSync('nowhere', path.join(dir, 'dangling'));
    await expect(extractArchive(archive, path.join(dir, 'dangling'))).rejects.toMatchObject({ code: 'IO', message: `cannot create the target folder ${path.join(dir, 'dangling')}: a symbolic link that leads to no folder has that name` });
    // A file where the entry's folder goes: the entry's line says what, not "ENOTDIR: not a directory, open '…zipdesk-partial'".
    const target = path.join(dir, 'words');
    mkdirSync(target);
    writeFileSync(path.join(target, 'd'), 'in the way');
    const result = await extractArchive(archive, target);
    for (const problem of result.problems) expect(problem.message).not.toMatch(/zipdesk-partial|, (open|rename|mkdir|lstat) '/);
    expect(result.problems.map((p) => p.entry)).toEqual(['d/b.txt']);
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('a');
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once where mkdir says a new target has no folder above though there is one (/proc): it did not end, making that folder again and again', async () => {
    const archive = writeArchive(dir, 'a.zip', craftZip([{ name: 'a.txt', data: 'a' }]));
    const target = `/proc/self/zipdesk-${process.pid}`;
    await expect(extractArchive(archive, target)).rejects.toMatchObject({ code: 'IO', message: `cannot create the target folder ${target}: no such file or directory` });
  }, 10_000);

  it('says a failed write of a file in words, small or large, without the temporary path (names past 255 bytes)', async () => {
    const small = `${'s'.repeat(300)}.txt`;
    const large = `${'l'.repeat(300)}.bin`;
    const archive = writeArchive(dir, 'long-names.zip', craftZip([{ name: 'ok.txt', data: 'ok' }, { name: small, data: 'small' }, { name: large, data: lines(400_000, 1) }]));
    const target = path.join(dir, 'long-names');
    const result = await extractArchive(archive, target);
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      [small, 'IO', 'name too long'],
      [large, 'IO', 'name too long'],
    ]);
    expect(readdirSync(target)).toEqual(['ok.txt']);
  });

  it('refuses zip-slip, absolute, drive-letter and backslash names, and extracts the rest', async () => {
    const archive = writeArchive(
      dir,
      'evil.zip',
      craftZip([
        { name: '../escaped.txt', data: 'x' },
        { name: 'ok/../../escaped2.txt', data: 'x' },
        { name: '/tmp/absolute.txt', data: 'x' },
        { name: 'C:/windows.txt', data: 'x' },
        { name: '..\\..\\backslash.txt', data: 'x' },
        { name: 'fine.txt', data: 'fine' },
      ]),
    );
    const target = path.join(dir, 'deep/out');
    const result = await extractArchive(archive, target);
    expect(codes(result)).toEqual({
      '../escaped.txt': 'UNSAFE_PATH',
      'ok/../../escaped2.txt': 'UNSAFE_PATH',
      '/tmp/absolute.txt': 'UNSAFE_PATH',
      'C:/windows.txt': 'UNSAFE_PATH',
      '..\\..\\backslash.txt': 'UNSAFE_PATH',
    });
    expect(result.ok).toBe(false);
    expect(tree(path.join(dir, 'deep'))).toEqual(['out/', 'out/fine.txt']);
    expect(readdirSync(dir).sort()).toEqual(['deep', 'evil.zip']);
    expect(existsSync('/tmp/absolute.txt')).toBe(false);
  });

  it('makes links that stay inside, refuses links that escape, and never writes through a link', async () => {
    const archive = writeArchive(
      dir,
      'links.zip',
      craftZip([
        { name: 'inside', kind: 'symlink', data: 'sub/file', method: 0 },
        { name: 'sub/file', data: 'content' },
        { name: 'escape', kind: 'symlink', data: '../outside', method: 0 },
        { name: 'abs', kind: 'symlink', data: '/etc', method: 0 },
        // The classic two-step: a link to a folder outside, then a file written "into" the link.
        { name: 'hop', kind: 'symlink', data: '..', method: 0 },
        { name: 'hop/pwned.txt', data: 'x' },
      ]),
    );
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(codes(result)).toEqual({ escape: 'UNSAFE_SYMLINK', abs: 'UNSAFE_SYMLINK', hop: 'UNSAFE_SYMLINK' });
    expect(readlinkSync(path.join(target, 'inside'))).toBe('sub/file');
    expect(lstatSync(path.join(target, 'hop')).isDirectory()).toBe(true);
    expect(existsSync(path.join(dir, 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'outside'))).toBe(false);
    expectNoPartials(target);
  });

  it('refuses a link whose target is empty or holds a NUL byte as such (each was said to point outside), and writes another entry of its name instead', async () => {
    // Python's zipfile writes what it is given: links with no target, one of them named again by a file, and one whose target holds a NUL.
    run('python3', ['-c', `
import warnings, zipfile
warnings.simplefilter('ignore')
with zipfile.ZipFile('empty-links.zip', 'w') as z:
    for name, target in (('link', b''), ('dup', b''), ('nul', b'a\\x00b')):
        i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = 0o120777 << 16
        z.writestr(i, target)
    z.writestr('dup', 'the later dup')
    z.writestr('a.txt', 'a')
`], dir);
    const target = path.join(dir, 'empty-links');
    const result = await extractArchive(path.join(dir, 'empty-links.zip'), target);
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      ['link', 'UNSAFE_SYMLINK', 'symbolic link target is empty'],
      ['dup', 'UNSAFE_SYMLINK', 'symbolic link target is empty (a later entry, dup, was extracted there instead)'],
      ['nul', 'UNSAFE_SYMLINK', 'symbolic link target holds a NUL byte, which no path may hold'],
    ]);
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'dup']);
    expect(readFileSync(path.join(target, 'dup'), 'utf8')).toBe('the later dup');
    expectNoPartials(target);
  });

  it('makes no link whose target goes through a link already in the target folder that leads outside it', async () => {
    const target = path.join(dir, 'planted-links');
    mkdirSync(path.join(target, 'real'), { recursive: true });
    mkdirSync(path.join(dir, 'outside-dir'), { recursive: true });
    symlinkSync(path.join(dir, 'outside-dir'), path.join(target, 'evil'));
    symlinkSync('real', path.join(target, 'good'));
    const archive = writeArchive(
      dir,
      'through.zip',
      craftZip([
        { name: 'l', kind: 'symlink', data: 'evil/passwd', method: 0 },
        { name: 'deep/l', kind: 'symlink', data: '../evil', method: 0 },
        { name: 'fine', kind: 'symlink', data: 'good/x', method: 0 },
        { name: 'chain', kind: 'symlink', data: 'fine', method: 0 },
      ]),
    );
    const result = await extractArchive(archive, target);
    expect(codes(result)).toEqual({ l: 'UNSAFE_SYMLINK', 'deep/l': 'UNSAFE_SYMLINK' });
    expect(result.problems.find((p) => p.entry === 'l')?.message).toBe('symbolic link to "evil/passwd" would lead outside the target folder through evil, a link that was in it already');
    expect(readlinkSync(path.join(target, 'fine'))).toBe('good/x');
    expect(readlinkSync(path.join(target, 'chain'))).toBe('fine');
    // Extracting again over what the first run made: its links are followed, and stay inside.
    const again = await extractArchive(archive, target, { overwrite: 'replace' });
    expect(codes(again)).toEqual({ l: 'UNSAFE_SYMLINK', 'deep/l': 'UNSAFE_SYMLINK' });
    expect(readlinkSync(path.join(target, 'chain'))).toBe('fine');
    expect(existsSync(path.join(target, 'l'))).toBe(false);
  });

  it.each([
    // Taken back once every link is made.
    ['made before the link it goes through', ['b/x', 'e'], 'the links on its way, one of them in it already'],
    // Refused when it is made: the link this run made is followed too.
    ['made after it', ['e', 'b/x'], 'b/a, a link that was in it already'],
  ])('makes no link that leads outside through another link it makes and one already there (%s)', async (_order, order, through) => {
    // Found by the extract-into fuzzer: each link stays inside on its own ("b/x -> ../e/a", and
    // "e -> b"), but together they lead through the user's own "b/a", which leads outside.
    const work = path.join(dir, `chain-${order[0]!.replace('/', '-')}`);
    mkdirSync(path.join(work, 'src', 'b'), { recursive: true });
    symlinkSync('../e/a', path.join(work, 'src', 'b', 'x'));
    symlinkSync('b', path.join(work, 'src', 'e'));
    run('zip', ['-qry', '../chain.zip', ...order], path.join(work, 'src'));
    const target = path.join(work, 'out');
    mkdirSync(path.join(target, 'b'), { recursive: true });
    mkdirSync(path.join(work, 'outside'));
    symlinkSync('../../outside', path.join(target, 'b', 'a'));
    const result = await extractArchive(path.join(work, 'chain.zip'), target);
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      ['b/x', 'UNSAFE_SYMLINK', `symbolic link to "../e/a" would lead outside the target folder through ${through}`],
    ]);
    expect(result.symlinksCreated).toBe(1);
    expect(tree(target)).toEqual(['b/', 'b/a', 'e']);
    expect(readlinkSync(path.join(target, 'e'))).toBe('b');
  });

  it.each([
    ['zip -y', (): void => {
      // Info-ZIP's zip stores a link's target as the file system holds it.
      mkdirSync(path.join(dir, 'in'));
      symlinkSync(Buffer.from('caf\xe9.txt', 'latin1'), Buffer.from(path.join(dir, 'in/link')));
      run('zip', ['-qy', '../latin1-link.zip', 'link'], path.join(dir, 'in'));
    }],
    ['python zipfile', (): void => {
      run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('latin1-link.zip', 'w') as z:
    i = zipfile.ZipInfo('link'); i.create_system = 3; i.external_attr = 0o120777 << 16
    z.writestr(i, b'caf\\xe9.txt')
`], dir);
    }],
  ])('makes a link whose target is not UTF-8 (%s) of its stored bytes, as unzip does; it got U+FFFD in their place', async (_tool, make) => {
    make();
    const archive = path.join(dir, 'latin1-link.zip');
    const target = path.join(dir, 'latin1-link');
    const result = await extractArchive(archive, target);
    expect(result).toMatchObject({ ok: true, symlinksCreated: 1 });
    const stored = Buffer.from('caf\xe9.txt', 'latin1');
    expect(readlinkSync(path.join(target, 'link'), { encoding: 'buffer' })).toEqual(stored);
    run('unzip', ['-q', archive, '-d', 'by-unzip'], dir);
    expect(readlinkSync(path.join(dir, 'by-unzip/link'), { encoding: 'buffer' })).toEqual(stored);
  });

  it('checks a link whose target is not UTF-8 by its bytes: through a link in the target folder of those bytes, and climbing out', async () => {
    const target = path.join(dir, 'latin1-planted');
    mkdirSync(path.join(target, 'real'), { recursive: true });
    mkdirSync(path.join(dir, 'outside-dir'));
    // Links that were in the target folder, named in Latin-1: one leads out, one stays in.
    symlinkSync(path.join(dir, 'outside-dir'), Buffer.from(path.join(target, 'evil\xe9'), 'latin1'));
    symlinkSync('real', Buffer.from(path.join(target, 'good\xe9'), 'latin1'));
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('latin1-through.zip', 'w') as z:
    for name, target in (('l', b'evil\\xe9/passwd'), ('up', b'../caf\\xe9'), ('fine', b'good\\xe9/x')):
        i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = 0o120777 << 16
        z.writestr(i, target)
`], dir);
    const result = await extractArchive(path.join(dir, 'latin1-through.zip'), target);
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      ['l', 'UNSAFE_SYMLINK', 'symbolic link to "evil\\xe9/passwd" would lead outside the target folder through evil\\xe9, a link that was in it already'],
      ['up', 'UNSAFE_SYMLINK', 'symbolic link to "../caf\\xe9" would point outside the target folder'],
    ]);
    expect(existsSync(path.join(target, 'l'))).toBe(false);
    expect(readlinkSync(path.join(target, 'fine'), { encoding: 'buffer' })).toEqual(Buffer.from('good\xe9/x', 'latin1'));
  });

  it('keeps two names flagged UTF-8 whose bytes are not UTF-8 apart (read as CP437), writing both', async () => {
    const archive = writeArchive(
      dir,
      'not-utf8.zip',
      craftZip([
        { name: 'a?.txt', nameBytes: Buffer.from('a\xff.txt', 'latin1'), data: 'first' },
        { name: 'a?.txt', nameBytes: Buffer.from('a\xfe.txt', 'latin1'), data: 'second' },
      ]),
    );
    const target = path.join(dir, 'not-utf8');
    const result = await extractArchive(archive, target);
    expect(result.ok).toBe(true);
    expect(readFileSync(path.join(target, 'a\u00a0.txt'), 'utf8')).toBe('first');
    expect(readFileSync(path.join(target, 'a■.txt'), 'utf8')).toBe('second');
  });

  it('does not write through a link that already sits in the target folder', async () => {
    const target = path.join(dir, 'out');
    mkdirSync(path.join(dir, 'elsewhere'));
    mkdirSync(target);
    symlinkSync(path.join(dir, 'elsewhere'), path.join(target, 'planted'));
    const archive = writeArchive(dir, 'p.zip', craftZip([{ name: 'planted/x.txt', data: 'x' }]));
    const result = await extractArchive(archive, target, { overwrite: 'replace' });
    expect(codes(result)).toEqual({ 'planted/x.txt': 'UNSAFE_PATH' });
    expect(readdirSync(path.join(dir, 'elsewhere'))).toEqual([]);
  });

  it('restores a file\'s mode of 000 (chmod 000), as unzip, bsdtar and 7-Zip do (it gave such files 0644, or 0444 by the DOS read-only bit)', async () => {
    const archive = writeArchive(dir, 'none.zip', craftZip([{ name: 'none', data: 'x', mode: 0 }, { name: 'small', data: 'y', mode: 0o600 }, { name: 'large', data: Buffer.alloc(3 << 20, 1), mode: 0 }]));
    const target = path.join(dir, 'out');
    expect((await extractArchive(archive, target)).ok).toBe(true);
    expect(['none', 'small', 'large'].map((name) => statSync(path.join(target, name)).mode & 0o7777)).toEqual([0, 0o600, 0]);
    expect(run('unzip', ['-Z', archive], dir)).toMatch(/^---------- .* none$/m);
  });

  it('never restores setuid, setgid or sticky bits', async () => {
    const archive = writeArchive(dir, 'suid.zip', craftZip([{ name: 'suid', data: '#!/bin/sh\n', mode: 0o6755 }, { name: 'sticky/', mode: 0o1777 }]));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.ok).toBe(true);
    expect(statSync(path.join(target, 'suid')).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(target, 'sticky')).mode & 0o7777).toBe(0o777);
  });

  it('refuses the entries of an overlap bomb instead of inflating them', async () => {
    const kernel = Buffer.alloc(1 << 20, 0);
    const entries = [{ name: 'kernel', data: kernel }, ...Array.from({ length: 20 }, (_, i) => ({ name: `copy${i}`, data: kernel, shareLocalHeaderOf: 0 }))];
    const archive = writeArchive(dir, 'bomb.zip', craftZip(entries));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(new Set(Object.values(codes(result)))).toEqual(new Set(['OVERLAPPING_ENTRIES']));
    expect(result.problems.length).toBeGreaterThanOrEqual(20);
    expect(readdirSync(target).length).toBeLessThanOrEqual(1);
  });

  it('refuses an entry whose data runs into a local header hidden in the room of its name, and writes the others', async () => {
    const archive = writeArchive(dir, 'hidden.zip', craftZip(headerInNameRoom()));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(result.problems.map((p) => [p.index, p.code])).toEqual([[0, 'OVERLAPPING_ENTRIES']]);
    expect(result.problems[0]!.message).toMatch(/^entry overlaps the next: its data \(bytes 234–385\) runs past offset 334, where the next header starts$/);
    expect(tree(target)).toEqual(['after.txt', 'hidden.txt']);
  });

  it('keeps no file whose data lies about its size or CRC, and goes on to the next entry', async () => {
    const archive = writeArchive(
      dir,
      'liar.zip',
      craftZip([
        { name: 'longer.txt', data: 'x'.repeat(5000), uncompressedSize: 10 },
        { name: 'shorter.txt', data: 'short', uncompressedSize: 50 },
        { name: 'badcrc.txt', data: 'data', crc32: 0x12345678 },
        { name: 'other-local-name.txt', data: 'data', localName: 'evil.sh' },
        { name: 'good.txt', data: 'good' },
      ]),
    );
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    expect(codes(result)).toEqual({ 'longer.txt': 'SIZE_MISMATCH', 'shorter.txt': 'SIZE_MISMATCH', 'badcrc.txt': 'CRC_MISMATCH', 'other-local-name.txt': 'LOCAL_MISMATCH' });
    expect(tree(target)).toEqual(['good.txt']); // and no partial file
  });

  it('writes thousands of small files on two threads with every check, mode, time and policy kept', async () => {
    // More than one span batch of small files (archive/extract-files.ts): the helper thread takes
    // batches from the end of the archive, this thread from the start. Bad entries at both ends.
    const entries: CraftEntry[] = Array.from({ length: 1200 }, (_, i) => ({ name: `d${Math.floor(i / 100)}/f${i}.txt`, data: `file ${i} `.repeat(i % 50), mode: i % 2 === 0 ? 0o640 : 0o755 }));
    entries[3] = { ...entries[3]!, crc32: 0x12345678 };
    entries[1190] = { ...entries[1190]!, crc32: 0x12345678 };
    entries[1195] = { ...entries[1195]!, uncompressedSize: 5 };
    const archive = writeArchive(dir, 'many.zip', craftZip(entries));
    const target = path.join(dir, 'out');
    mkdirSync(path.join(target, 'd11'), { recursive: true });
    writeFileSync(path.join(target, 'd11/f1150.txt'), 'already here');
    const result = await extractArchive(archive, target, { overwrite: 'rename' });
    expect(codes(result)).toEqual({ 'd0/f3.txt': 'CRC_MISMATCH', 'd11/f1190.txt': 'CRC_MISMATCH', 'd11/f1195.txt': 'SIZE_MISMATCH' });
    expect(result.filesWritten).toBe(1197);
    expect(result.renamed).toEqual([{ entry: 'd11/f1150.txt', path: 'd11/f1150 (1).txt' }]);
    for (const i of [0, 1, 2, 4, 599, 600, 1150, 1189, 1199]) {
      const name = i === 1150 ? 'd11/f1150 (1).txt' : entries[i]!.name;
      expect(readFileSync(path.join(target, name), 'utf8'), name).toBe(`file ${i} `.repeat(i % 50));
      expect(statSync(path.join(target, name)).mode & 0o777, name).toBe(i % 2 === 0 ? 0o640 : 0o755);
      expect(statSync(path.join(target, name)).mtime.getFullYear(), name).toBe(2024);
    }
    expect(readFileSync(path.join(target, 'd11/f1150.txt'), 'utf8')).toBe('already here');
    expect(existsSync(path.join(target, 'd0/f3.txt'))).toBe(false);
    expect(existsSync(path.join(target, 'd11/f1190.txt'))).toBe(false);
    expect(tree(target).filter((name) => name.endsWith('.txt'))).toHaveLength(1198);
    expectNoPartials(target);
  });

  it('refuses data that disagrees with both headers', async () => {
    const bytes = craftZip([{ name: 'x.txt', data: 'hello world', method: 0 }, { name: 'y.txt', data: 'y' }]);
    bytes[30 + 'x.txt'.length] ^= 0xff; // flip the first data byte: the CRC no longer matches
    const archive = writeArchive(dir, 'flip.zip', bytes);
    const result = await extractArchive(archive, path.join(dir, 'out'));
    expect(codes(result)).toEqual({ 'x.txt': 'CRC_MISMATCH' });
    expect(tree(path.join(dir, 'out'))).toEqual(['y.txt']); // and no partial file
  });

  it('gives encrypted entries and other methods a clear error of their own', async () => {
    const archive = writeArchive(
      dir,
      'methods.zip',
      craftZip([
        { name: 'lzma.bin', data: 'abc', method: 14 },
        { name: 'secret.txt', data: 'abc', method: 0, encrypted: true },
        { name: 'plain.txt', data: 'abc' },
      ]),
    );
    const result = await extractArchive(archive, path.join(dir, 'out'));
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      ['lzma.bin', 'UNSUPPORTED_METHOD', 'unsupported compression method 14 (LZMA)'],
      ['secret.txt', 'ENCRYPTED', 'entry is encrypted'],
    ]);
    expect(tree(path.join(dir, 'out'))).toEqual(['plain.txt']);
  });
});

describe('extractArchive overwrite policies', () => {
  it('a folder that was there already keeps its own mode and time, under every policy; one the run makes gets the archive\'s', async () => {
    const archive = writeArchive(
      dir,
      'perm.zip',
      craftZip([
        { name: 'secret/', kind: 'directory', mode: 0o777 },
        { name: 'secret/new.txt', data: 'n' },
        { name: 'fresh/', kind: 'directory', mode: 0o750 },
      ]),
    );
    for (const overwrite of ['skip', 'replace', 'rename'] as const) {
      const target = path.join(dir, `out-${overwrite}`);
      mkdirSync(path.join(target, 'secret'), { recursive: true, mode: 0o700 });
      chmodSync(path.join(target, 'secret'), 0o700);
      utimesSync(path.join(target, 'secret'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
      const result = await extractArchive(archive, target, { overwrite });
      expect(result.problems).toEqual([]);
      // Its time is now (a file was added to it), not rewound to the archive's 2024.
      const secret = statSync(path.join(target, 'secret'));
      expect([overwrite, secret.mode & 0o7777, secret.mtime.getFullYear()]).toEqual([overwrite, 0o700, new Date().getFullYear()]);
      expect(readFileSync(path.join(target, 'secret/new.txt'), 'utf8')).toBe('n');
      const fresh = statSync(path.join(target, 'fresh'));
      expect([fresh.mode & 0o7777, fresh.mtime.getFullYear()]).toEqual([0o750, 2024]);
    }
  });

  async function twice(policy: 'skip' | 'replace' | 'rename'): Promise<{ target: string; result: ExtractResult }> {
    const target = path.join(dir, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'a.txt'), 'old');
    writeFileSync(path.join(target, 'noext'), 'old');
    const archive = writeArchive(dir, 'o.zip', craftZip([{ name: 'a.txt', data: 'new' }, { name: 'noext', data: 'new' }, { name: 'b.txt', data: 'b' }]));
    return { target, result: await extractArchive(archive, target, { overwrite: policy }) };
  }

  it('skip leaves existing files alone', async () => {
    const { target, result } = await twice('skip');
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('old');
    expect(result.skipped.map((s) => s.entry)).toEqual(['a.txt', 'noext']);
    // Only what was written counts: b.txt's one byte.
    expect([result.filesWritten, result.bytesWritten]).toEqual([1, 1]);
    expect(result.ok).toBe(true);
    expect(tree(target)).toEqual(['a.txt', 'b.txt', 'noext']);
  });

  it('lists the first LISTED_NOTES entries skipped or renamed, in entry order, and counts them all', async () => {
    // Enough for the helper thread to write some of them: they settle out of order.
    const count = LISTED_NOTES + 500;
    const archive = writeArchive(dir, 'many.zip', craftZip(Array.from({ length: count }, (_, i) => ({ name: `d${i % 7}/f${i}.txt`, data: `${i} `.repeat(i % 50) }))));
    const target = path.join(dir, 'out');
    expect((await extractArchive(archive, target)).filesWritten).toBe(count);
    const again = await extractArchive(archive, target);
    expect([again.filesWritten, again.skippedCount, again.skipped.length, again.ok]).toEqual([0, count, LISTED_NOTES, true]);
    expect(again.skipped.map((s) => s.entry)).toEqual(Array.from({ length: LISTED_NOTES }, (_, i) => `d${i % 7}/f${i}.txt`));
    const renamed = await extractArchive(archive, target, { overwrite: 'rename' });
    expect([renamed.filesWritten, renamed.renamedCount, renamed.renamed.length, renamed.skippedCount]).toEqual([count, count, LISTED_NOTES, 0]);
    expect(renamed.renamed[LISTED_NOTES - 1]).toEqual({ entry: `d${(LISTED_NOTES - 1) % 7}/f${LISTED_NOTES - 1}.txt`, path: `d${(LISTED_NOTES - 1) % 7}/f${LISTED_NOTES - 1} (1).txt` });
  });

  it('keeps the items of the lowest indexes, whatever order they come in, and counts one taken back', () => {
    const first = new FirstByIndex<{ index: number }>(3);
    for (const index of [9, 4, 7, 1, 8, 2, 6, 5, 3, 0]) first.add({ index });
    expect([first.count, first.first().map((item) => item.index)]).toEqual([10, [0, 1, 2]]);
    first.remove(1); // listed
    first.remove(8); // let go: only counted
    first.remove(42); // never added
    expect([first.count, first.first().map((item) => item.index)]).toEqual([8, [0, 2]]);
    first.add({ index: 10 });
    expect([first.count, first.first().map((item) => item.index)]).toEqual([9, [0, 2, 10]]);
  });

  it('replace writes over them', async () => {
    const { target, result } = await twice('replace');
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('new');
    expect(result.skipped).toEqual([]);
    expect([result.filesWritten, result.bytesWritten]).toEqual([3, 7]);
    expect(tree(target)).toEqual(['a.txt', 'b.txt', 'noext']);
  });

  it('replace leaves a folder in the way alone, saying so without naming the temporary file', async () => {
    const archive = writeArchive(
      dir,
      'onto-folders.zip',
      craftZip([
        { name: 'small.txt', data: 'small' },
        { name: 'large.bin', data: lines(400_000, 7) },
        { name: 'link', data: 'small.txt', kind: 'symlink' },
      ]),
    );
    const target = path.join(dir, 'out');
    for (const name of ['small.txt', 'large.bin', 'link']) {
      mkdirSync(path.join(target, name), { recursive: true });
      writeFileSync(path.join(target, name, 'keep'), 'mine');
    }
    const result = await extractArchive(archive, target, { overwrite: 'replace' });
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual(
      ['small.txt', 'large.bin', 'link'].map((name) => [name, 'EXISTS', 'a folder is already there; not replaced']),
    );
    expect(tree(target)).toEqual(['large.bin/', 'large.bin/keep', 'link/', 'link/keep', 'small.txt/', 'small.txt/keep']);
  });

  it('rename writes beside them as "name (1).ext"', async () => {
    const { target, result } = await twice('rename');
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('old');
    expect(readFileSync(path.join(target, 'a (1).txt'), 'utf8')).toBe('new');
    expect(result.renamed).toEqual([
      { entry: 'a.txt', path: 'a (1).txt' },
      { entry: 'noext', path: 'noext (1)' },
    ]);
    expect(tree(target)).toEqual(['a (1).txt', 'a.txt', 'b.txt', 'noext', 'noext (1)']);
  });

  it('rename cuts the stem of a name near 255 bytes to make room for the number', async () => {
    const long = `${'é'.repeat(125)}x.txt`; // 255 bytes
    const archive = writeArchive(dir, 'long-names.zip', craftZip([{ name: long, data: 'new' }, { name: `sub/${long}`, data: 'new too' }]));
    const target = path.join(dir, 'out');
    mkdirSync(path.join(target, 'sub'), { recursive: true });
    writeFileSync(path.join(target, long), 'old');
    writeFileSync(path.join(target, 'sub', long), 'old');
    const first = await extractArchive(archive, target, { overwrite: 'rename' });
    const cut = `${'é'.repeat(123)} (1).txt`; // the 'x' and one 'é' went: 253 bytes
    expect(first.problems).toEqual([]);
    expect(first.renamed).toEqual([
      { entry: long, path: cut },
      { entry: `sub/${long}`, path: `sub/${cut}` },
    ]);
    expect(readFileSync(path.join(target, cut), 'utf8')).toBe('new');
    // Again: the cut name is taken now, and the next number is cut as well.
    const second = await extractArchive(archive, target, { overwrite: 'rename' });
    expect(second.renamed[0]).toEqual({ entry: long, path: `${'é'.repeat(123)} (2).txt` });
    expect(readFileSync(path.join(target, long), 'utf8')).toBe('old');
    expectNoPartials(target);
    // An "extension" that leaves no room for any stem: the whole name is the stem.
    const dotted = `a.${'x'.repeat(253)}`;
    writeFileSync(path.join(target, dotted), 'old');
    const third = await extractArchive(writeArchive(dir, 'long-ext.zip', craftZip([{ name: dotted, data: 'new' }])), target, { overwrite: 'rename' });
    expect(third.problems).toEqual([]);
    expect(third.renamed).toEqual([{ entry: dotted, path: `${dotted.slice(0, 251)} (1)` }]);
    expect(readFileSync(path.join(target, `${dotted.slice(0, 251)} (1)`), 'utf8')).toBe('new');
  });

  it('rename numbers many copies of a name in turn, past numbers the archive or the disk has', async () => {
    const copies: CraftEntry[] = Array.from({ length: 5 }, (_, i) => ({ name: 'a.txt', data: `copy ${i}` }));
    const archive = writeArchive(dir, 'copies.zip', craftZip([...copies.slice(0, 2), { name: 'a (2).txt', data: 'its own' }, ...copies.slice(2)]));
    const target = path.join(dir, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'a (4).txt'), 'was there');
    const result = await extractArchive(archive, target, { overwrite: 'rename' });
    expect(result.problems).toEqual([]);
    expect(Object.fromEntries(tree(target).map((name) => [name, readFileSync(path.join(target, name), 'utf8')]))).toEqual({
      'a.txt': 'copy 0',
      'a (1).txt': 'copy 1',
      'a (2).txt': 'its own',
      'a (3).txt': 'copy 2',
      'a (4).txt': 'was there',
      'a (5).txt': 'copy 3',
      'a (6).txt': 'copy 4',
    });
  });

  it('hands each entry that could not be extracted to onProblem as its part of the directory is done, keeping none', async () => {
    const bad = 0x1234;
    const entries: CraftEntry[] = Array.from({ length: 20_000 }, (_, i) => ({ name: `d${i % 50}/f${i}.txt`, data: `file ${i}\n`.repeat(1 + (i % 7)), ...(i % 37 === 11 ? { crc32: bad } : {}) }));
    entries[3] = { name: 'link', kind: 'symlink', data: '../outside', method: 0 }; // links are made last
    entries[5] = { name: 'dup.txt', data: 'first', crc32: bad }; // fails, and gives way to the later dup.txt
    entries[19_000] = { name: 'dup.txt', data: 'second' };
    entries[7] = { name: '../escape.txt', data: 'x' }; // refused as it is planned
    for (const i of [9_000, 9_001]) entries[i] = { name: `copy${i}`, data: entries[8_999]!.data!, shareLocalHeaderOf: 8_999 };
    const archive = writeArchive(dir, 'heard.zip', craftZip(entries));
    const kept = await extractArchive(archive, path.join(dir, 'kept'));
    expect(kept.problems.length).toBeGreaterThan(500);
    expect(kept.problemCount).toBe(kept.problems.length);
    expect(kept.problems.filter((p) => p.index < 12).map((p) => [p.index, p.code])).toEqual([
      [3, 'UNSAFE_SYMLINK'],
      [5, 'CRC_MISMATCH'],
      [7, 'UNSAFE_PATH'],
      [11, 'CRC_MISMATCH'],
    ]);
    expect(kept.problems.find((p) => p.index === 5)!.message).toMatch(/\(a later entry, dup\.txt, was extracted there instead\)$/);
    expect(kept.problems.filter((p) => p.code === 'OVERLAPPING_ENTRIES').map((p) => p.index)).toEqual([9_000, 9_001]);

    let doneAtFirst: number | undefined;
    let entriesDone = 0;
    const heard: EntryProblem[] = [];
    const streamed = await extractArchive(archive, path.join(dir, 'heard'), {
      progressIntervalMs: 0,
      onProgress: (p) => (entriesDone = p.entriesDone),
      onProblem: (problem) => {
        doneAtFirst ??= entriesDone;
        heard.push(problem);
      },
    });
    // Those of the directory's parts in entry order, then (in entry order) the link's, found
    // after the last part, and the one another entry of its name stood in for.
    const late = (problem: EntryProblem): boolean => problem.index === 3 || problem.index === 5;
    expect(heard).toEqual([...kept.problems.filter((p) => !late(p)), ...kept.problems.filter(late)]);
    expect(streamed.problems).toEqual([]);
    expect(streamed.problemCount).toBe(kept.problems.length);
    expect(streamed.ok).toBe(false);
    // Heard while the extraction went on, not all at its end.
    expect(doneAtFirst).toBeLessThan(10_000);
    expect(tree(path.join(dir, 'heard'))).toEqual(tree(path.join(dir, 'kept')));
    expect(readFileSync(path.join(dir, 'heard', 'dup.txt'), 'utf8')).toBe('second');
  });

  it('begins no more of the directory while whoever hears the problems is behind', async () => {
    // Names that climb out: each refused as it is planned, so each part is done once planned.
    const archive = writeArchive(dir, 'flow.zip', craftZip(Array.from({ length: 20_000 }, (_, i) => ({ name: `../up${i}`, data: 'x' }))));
    const run = async (flow: boolean): Promise<{ most: number; waits: number }> => {
      let waiting = 0;
      let most = 0;
      let waits = 0;
      const result = await extractArchive(archive, path.join(dir, `out-${flow}`), {
        onProblem: () => (most = Math.max(most, ++waiting)),
        ...(flow && {
          problemFlow: {
            behind: () => waiting >= 1000,
            caughtUp: async () => {
              waits++;
              await new Promise((resolve) => setTimeout(resolve, 1));
              waiting = 0;
            },
          },
        }),
      });
      expect(result.problemCount).toBe(20_000);
      return { most, waits };
    };
    // Looked at before each part (2,048 records): at most a part's worth past the 1,000.
    const waited = await run(true);
    expect(waited.waits).toBeGreaterThan(5);
    expect(waited.most).toBeLessThan(1000 + 2048);
    expect((await run(false)).most).toBe(20_000);
  });

  it('waits for whoever hears the problems also with those kept to the end (links pointing outside)', async () => {
    const archive = writeArchive(dir, 'flow-links.zip', craftZip(Array.from({ length: 5000 }, (_, i) => ({ name: `l${i}`, kind: 'symlink' as const, data: '../../outside' }))));
    let waiting = 0;
    let most = 0;
    const heard: number[] = [];
    const result = await extractArchive(archive, path.join(dir, 'out-flow-links'), {
      onProblem: (problem) => {
        heard.push(problem.index);
        most = Math.max(most, ++waiting);
      },
      problemFlow: {
        behind: () => waiting >= 500,
        caughtUp: async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          waiting = 0;
        },
      },
    });
    expect(result.problemCount).toBe(5000);
    expect(heard).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(most).toBe(500);
  });

  it('holds few problems while the helper is slow on an early part: this thread waits for it', async () => {
    // Entry 0 inflates to 256 MiB of zeros; 60,000 entries after it reuse its header and are
    // refused as they are planned. Their problems wait for part 0, which waits for that file.
    const zeros = Buffer.alloc(16 << 20);
    const deflated = deflateRawSync(Buffer.concat(Array.from({ length: 16 }, () => zeros)));
    const entries: CraftEntry[] = [
      { name: 'zeros.bin', data: 'x', method: 8, deflated, crc32: crc32(Buffer.alloc(256 << 20)), uncompressedSize: 256 << 20 },
      ...Array.from({ length: 60_000 }, (_, i) => ({ name: `copy${i}`, data: 'x', shareLocalHeaderOf: 0 })),
    ];
    const archive = writeArchive(dir, 'slow-first.zip', craftZip(entries));
    // Entries planned (each refused) whose problems were not yet heard: held back until part 0 is done.
    let heard = 0;
    let held = 0;
    const result = await extractArchive(archive, path.join(dir, 'out'), {
      progressIntervalMs: 0,
      onProgress: (p) => (held = Math.max(held, p.entriesDone - 1 - heard)),
      onProblem: () => heard++,
    });
    expect(heard).toBe(60_000);
    expect(result.filesWritten).toBe(1);
    // The cap is looked at before a part (2,048 records) is begun. Without it: nearly all 60,000.
    expect(held).toBeGreaterThan(MAX_HELD_PROBLEMS / 2);
    expect(held).toBeLessThanOrEqual(MAX_HELD_PROBLEMS + 2048);
  });

  it('replace writes the latest earlier entry of a name when the last one then fails its checks', async () => {
    const big = (seed: number): Buffer => lines(300 * 1024, seed); // larger than a span batch's files
    const bad = 0x12345678;
    const filler: CraftEntry[] = Array.from({ length: 700 }, (_, i) => ({ name: `fill/f${i}.txt`, data: `filler ${i}` }));
    const entries: CraftEntry[] = [
      { name: 'a.txt', data: 'first a' },
      { name: 'b.txt', data: 'first b' },
      { name: 'link', data: 'a file first' },
      { name: 'big.bin', data: big(1) },
      ...filler.slice(0, 350),
      { name: 'a.txt', data: 'second a' },
      { name: 'b.txt', data: 'second b', crc32: bad },
      { name: 'c.txt', data: 'only c', crc32: bad },
      ...filler.slice(350),
      { name: 'a.txt', data: 'third a', crc32: bad },
      { name: 'b.txt', data: 'third b', uncompressedSize: 4 },
      { name: 'link', data: '../../outside', kind: 'symlink' },
      { name: 'big.bin', data: big(2), crc32: bad },
    ];
    const archive = writeArchive(dir, 'later-fails.zip', craftZip(entries));
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target, { overwrite: 'replace' });
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('second a');
    expect(readFileSync(path.join(target, 'b.txt'), 'utf8')).toBe('first b');
    expect(lstatSync(path.join(target, 'link')).isFile()).toBe(true);
    expect(readFileSync(path.join(target, 'link'), 'utf8')).toBe('a file first');
    expect(readFileSync(path.join(target, 'big.bin')).equals(big(1))).toBe(true);
    expect(existsSync(path.join(target, 'c.txt'))).toBe(false);
    // Every failed entry is reported; a last one says which earlier entry took its place.
    const failures = result.problems.map((p) => [p.entry, p.code, p.message.endsWith('was extracted there instead)')]);
    expect(failures).toEqual([
      ['b.txt', 'CRC_MISMATCH', false],
      ['c.txt', 'CRC_MISMATCH', false],
      ['a.txt', 'CRC_MISMATCH', true],
      ['b.txt', 'SIZE_MISMATCH', true],
      ['link', 'UNSAFE_SYMLINK', true],
      ['big.bin', 'CRC_MISMATCH', true],
    ]);
    expect(result.problems.find((p) => p.entry === 'a.txt')!.message).toContain('(an earlier entry, a.txt, was extracted there instead)');
    // Only the first a.txt still gives way (to the second); the others were written or failed.
    expect(result.skipped).toMatchObject([{ entry: 'a.txt', reason: 'a later entry is also named a.txt' }]);
    expect(result.filesWritten).toBe(700 + 4);
    expect(tree(target).filter((name) => !name.startsWith('fill'))).toEqual(['a.txt', 'b.txt', 'big.bin', 'link']);
    expectNoPartials(target);

    // Skip keeps the first of each name, as before.
    const skip = await extractArchive(archive, path.join(dir, 'skip'));
    expect(readFileSync(path.join(dir, 'skip/a.txt'), 'utf8')).toBe('first a');
    expect(readFileSync(path.join(dir, 'skip/big.bin')).equals(big(1))).toBe(true);
  });

  it('tries at most 16 other entries of a failed name, and says how many more were not tried instead of calling them skipped', async () => {
    const bad = 0x12345678;
    const entries: CraftEntry[] = [
      ...Array.from({ length: 18 }, (_, i) => ({ name: 'a', data: `bad ${i}`, crc32: bad })),
      { name: 'a', data: 'good' },
    ];
    const archive = writeArchive(dir, 'many-bad.zip', craftZip(entries));
    const target = path.join(dir, 'many-bad');
    const result = await extractArchive(archive, target);
    // The first and the 16 tried after it fail with their own problems; the 18th and the good one were not tried.
    expect(result.problems.map((p) => p.code)).toEqual(Array(17).fill('CRC_MISMATCH'));
    expect(result.problems[0]!.message).toMatch(/\(2 more entries of this name not tried: after 16 that failed too, no more are\)$/);
    expect(result.skipped).toEqual([]);
    expect(result.skippedCount).toBe(0);
    expect(existsSync(path.join(target, 'a'))).toBe(false);
    // Under replace, from the other end: the last fails, 16 earlier ones are tried latest first.
    const replaced = await extractArchive(writeArchive(dir, 'many-bad-r.zip', craftZip([{ name: 'a', data: 'good' }, ...entries.slice(0, 18)])), path.join(dir, 'many-bad-r'), { overwrite: 'replace' });
    expect(replaced.problems.find((p) => p.index === 18)!.message).toMatch(/\(2 more entries of this name not tried: after 16 that failed too, no more are\)$/);
    expect(replaced.skippedCount).toBe(0);
  });

  it('skip writes the earliest later entry of a name when the first one then fails its checks, and never over a file already there', async () => {
    const bad = 0x12345678;
    const filler: CraftEntry[] = Array.from({ length: 700 }, (_, i) => ({ name: `fill/f${i}.txt`, data: `filler ${i}` }));
    const archive = writeArchive(
      dir,
      'first-fails.zip',
      craftZip([
        { name: 'x.txt', data: 'first x', crc32: bad },
        { name: 'link', data: '../../outside', kind: 'symlink' },
        { name: 'there.txt', data: '../../outside', kind: 'symlink' },
        ...filler.slice(0, 350),
        { name: 'x.txt', data: 'second x' },
        { name: 'link', data: 'a file after the link' },
        { name: 'there.txt', data: 'would replace the file already there' },
        ...filler.slice(350),
        { name: 'x.txt', data: 'third x' },
      ]),
    );
    const target = path.join(dir, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'there.txt'), 'already there');
    const result = await extractArchive(archive, target);
    expect(readFileSync(path.join(target, 'x.txt'), 'utf8')).toBe('second x');
    expect(lstatSync(path.join(target, 'link')).isFile()).toBe(true);
    expect(readFileSync(path.join(target, 'link'), 'utf8')).toBe('a file after the link');
    expect(readFileSync(path.join(target, 'there.txt'), 'utf8')).toBe('already there');
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([
      ['x.txt', 'CRC_MISMATCH'],
      ['link', 'UNSAFE_SYMLINK'],
      ['there.txt', 'UNSAFE_SYMLINK'],
    ]);
    expect(result.problems[0]!.message).toContain('(a later entry, x.txt, was extracted there instead)');
    expect(result.skipped).toMatchObject([
      { entry: 'there.txt', reason: 'there.txt already exists' },
      { entry: 'x.txt', reason: 'an earlier entry is also named x.txt' },
    ]);
    expectNoPartials(target);
  });

  it('rename writes the next entry of a name at the name, not beside it, when the one that took the name then fails its checks', async () => {
    // Found by the extract-into fuzzer: "x (1).txt" was written, and "x.txt" left to nothing.
    const bad = 0x12345678;
    const filler: CraftEntry[] = Array.from({ length: 700 }, (_, i) => ({ name: `fill/f${i}.txt`, data: `filler ${i}` }));
    const archive = writeArchive(
      dir,
      'rename-first-fails.zip',
      craftZip([
        { name: 'x.txt', data: 'first x', crc32: bad },
        { name: 'there.txt', data: 'first there', crc32: bad },
        // Refused once its name is taken: through a link already there that leads outside.
        { name: 'ln', data: 'evil/secret', kind: 'symlink' },
        ...filler.slice(0, 350),
        { name: 'x.txt', data: 'second x' },
        { name: 'there.txt', data: 'second there' },
        { name: 'ln', data: 'x.txt', kind: 'symlink' },
        ...filler.slice(350),
        { name: 'x.txt', data: 'third x' },
      ]),
    );
    const target = path.join(dir, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'there.txt'), 'already there');
    symlinkSync(dir, path.join(target, 'evil'));
    const result = await extractArchive(archive, target, { overwrite: 'rename' });
    expect(readFileSync(path.join(target, 'x.txt'), 'utf8')).toBe('second x');
    expect(readFileSync(path.join(target, 'x (2).txt'), 'utf8')).toBe('third x');
    expect(readlinkSync(path.join(target, 'ln'))).toBe('x.txt');
    // The name of a file that was there is not free: the copy stays where it was written.
    expect(readFileSync(path.join(target, 'there.txt'), 'utf8')).toBe('already there');
    expect(readFileSync(path.join(target, 'there (2).txt'), 'utf8')).toBe('second there');
    expect(tree(target).filter((name) => !name.startsWith('fill'))).toEqual(['evil', 'ln', 'there (2).txt', 'there.txt', 'x (2).txt', 'x.txt']);
    expect(result.renamed).toEqual([
      { entry: 'there.txt', path: 'there (2).txt' },
      { entry: 'x.txt', path: 'x (2).txt' },
    ]);
    expect(result.problems.map((p) => [p.entry, p.code, p.message.includes('was extracted there instead')])).toEqual([
      ['x.txt', 'CRC_MISMATCH', true],
      ['there.txt', 'CRC_MISMATCH', false],
      ['ln', 'UNSAFE_SYMLINK', true],
    ]);
    expect([result.filesWritten, result.symlinksCreated, result.renamedCount]).toEqual([703, 1, 2]);
    expectNoPartials(target);
  });

  it('rename gives the name to the first entry of it in the archive, whatever order their data lies in, and to a link listed before a file', async () => {
    // Found in review: the name went to whichever entry was written first (files in the order of
    // their data, links after every file), so that one of those that failed left the name empty
    // and the good first entry beside it as "x (1)".
    const bad = 0x12345678;
    const extract = async (name: string, entries: CraftEntry[], directoryOrder?: number[]): Promise<{ target: string; result: ExtractResult }> => {
      const target = path.join(dir, name);
      const result = await extractArchive(writeArchive(dir, `${name}.zip`, craftZip(entries, '', { directoryOrder })), target, { overwrite: 'rename' });
      expectNoPartials(target);
      return { target, result };
    };
    const shown = (target: string): string[] => tree(target).map((name) => `${name}: ${lstatSync(path.join(target, name)).isSymbolicLink() ? `-> ${readlinkSync(path.join(target, name), 'utf8')}` : readFileSync(path.join(target, name), 'utf8')}`);
    // Two entries named x, in the order of their data; the directory lists the second one first.
    const reversed = (damaged?: 'listed first' | 'listed second'): CraftEntry[] =>
      (['listed second', 'listed first'] as const).map((data) => ({ name: 'x', data, ...(damaged === data && { crc32: bad }) }));

    const good = await extract('reversed', reversed(), [1, 0]);
    expect(shown(good.target)).toEqual(['x: listed first', 'x (1): listed second']);
    expect(good.result.renamed).toEqual([{ entry: 'x', path: 'x (1)' }]);
    // The one written first fails: the name holds the first listed, as skip would have it.
    const secondBad = await extract('reversed-second-bad', reversed('listed second'), [1, 0]);
    expect(shown(secondBad.target)).toEqual(['x: listed first']);
    expect(secondBad.result.problems.map((p) => [p.index, p.code])).toEqual([[1, 'CRC_MISMATCH']]);
    expect(secondBad.result.renamed).toEqual([]);
    // The first listed fails: the other one is moved to the name (step 3d).
    const firstBad = await extract('reversed-first-bad', reversed('listed first'), [1, 0]);
    expect(shown(firstBad.target)).toEqual(['x: listed second']);
    expect(firstBad.result.problems.map((p) => [p.index, p.code, p.message.endsWith('(a later entry, x, was extracted there instead)')])).toEqual([[0, 'CRC_MISMATCH', true]]);
    expect(firstBad.result.renamed).toEqual([]);

    // A link, then a file of its name: the link, made after every file, has the name.
    const linkFirst = await extract('link-file', [
      { name: 'l', data: 'target1', kind: 'symlink' },
      { name: 'l', data: 'file data' },
    ]);
    expect(shown(linkFirst.target)).toEqual(['l: -> target1', 'l (1): file data']);
    expect(linkFirst.result.renamed).toEqual([{ entry: 'l', path: 'l (1)' }]);
    const fileBad = await extract('link-bad-file', [
      { name: 'l', data: 'target1', kind: 'symlink' },
      { name: 'l', data: 'file data', crc32: bad },
    ]);
    expect(shown(fileBad.target)).toEqual(['l: -> target1']);
    expect([fileBad.result.problems.map((p) => [p.index, p.code]), fileBad.result.renamed]).toEqual([[[1, 'CRC_MISMATCH']], []]);
    const linkOut = await extract('link-out-file', [
      { name: 'l', data: '../../outside', kind: 'symlink' },
      { name: 'l', data: 'file data' },
    ]);
    expect(shown(linkOut.target)).toEqual(['l: file data']);
    expect([linkOut.result.problems.map((p) => [p.index, p.code]), linkOut.result.renamed]).toEqual([[[0, 'UNSAFE_SYMLINK']], []]);

    // The name held for the first x is a file's while it waits: a file under it, written before
    // that x, is refused, as it is when that x is written first.
    const folderAfter = await extract('held-from-folder', [{ name: 'x', data: 'listed second' }, { name: 'x/y', data: 'under x' }, { name: 'x', data: 'listed first' }], [2, 0, 1]);
    expect(shown(folderAfter.target)).toEqual(['x: listed first', 'x (1): listed second']);
    expect(folderAfter.result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([['x/y', 'EXISTS', 'x is also a file in the archive']]);
  });

  it('skip goes on past later entries of the name that fail too, to the first that passes', async () => {
    const bad = 0x12345678;
    const archive = writeArchive(
      dir,
      'three-fail.zip',
      craftZip([
        { name: 'p', data: 'copy 0', crc32: bad },
        { name: 'p', data: 'copy 1', crc32: bad },
        { name: 'p', data: 'copy 2', crc32: bad },
        { name: 'p', data: 'copy 3' },
      ]),
    );
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    // Each failed attempt gave up its claim on the name (found by the differential fuzzer: the file was missing).
    expect(readFileSync(path.join(target, 'p'), 'utf8')).toBe('copy 3');
    expect(result.problems.map((p) => [p.index, p.code])).toEqual([
      [0, 'CRC_MISMATCH'],
      [1, 'CRC_MISMATCH'],
      [2, 'CRC_MISMATCH'],
    ]);
    expect(result.problems[0]!.message).toContain('(a later entry, p, was extracted there instead)');
    expectNoPartials(target);
  });

  it('replace does not give up an entry for a later one of the same name that cannot be extracted', async () => {
    const archive = writeArchive(
      dir,
      'later-bad.zip',
      craftZip([
        { name: 'x.txt', data: 'readable' },
        { name: 'y.txt', data: 'first y' },
        { name: 'x.txt', data: 'abc', method: 0, encrypted: true },
        { name: 'y.txt', data: 'second y' },
      ]),
    );
    const result = await extractArchive(archive, path.join(dir, 'out'), { overwrite: 'replace' });
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([['x.txt', 'ENCRYPTED']]);
    expect(result.skipped).toMatchObject([{ entry: 'y.txt', reason: 'a later entry is also named y.txt' }]);
    expect(readFileSync(path.join(dir, 'out/x.txt'), 'utf8')).toBe('readable');
    expect(readFileSync(path.join(dir, 'out/y.txt'), 'utf8')).toBe('second y');
  });

  it('settles duplicate names inside one archive by the same policy', async () => {
    const archive = writeArchive(dir, 'dup.zip', craftZip([{ name: 'x.txt', data: 'first' }, { name: './x.txt', data: 'second' }]));
    const skip = await extractArchive(archive, path.join(dir, 'skip'));
    expect(readFileSync(path.join(dir, 'skip/x.txt'), 'utf8')).toBe('first');
    expect(skip.skipped).toHaveLength(1);
    await extractArchive(archive, path.join(dir, 'replace'), { overwrite: 'replace' });
    expect(readFileSync(path.join(dir, 'replace/x.txt'), 'utf8')).toBe('second');
    await extractArchive(archive, path.join(dir, 'rename'), { overwrite: 'rename' });
    expect(tree(path.join(dir, 'rename'))).toEqual(['x (1).txt', 'x.txt']);
  });
});

describe('extractArchive with names used twice among thousands', () => {
  // Which paths an archive repeats is worked out from keys (archive/archive-paths.ts): these are
  // plain names, far apart in the directory, in different span batches.
  function manyWithDuplicates(): Buffer {
    const entries: CraftEntry[] = Array.from({ length: 3000 }, (_, i) => ({ name: `d${i % 7}/f${i}.txt`, data: `file ${i}` }));
    entries[2900] = { name: 'd5/f12.txt', data: 'second d5/f12.txt' }; // f12 is entry 12, in d5
    entries[2950] = { name: 'd1/', kind: 'directory' }; // a folder named twice
    entries[2990] = { name: 'd3/f10.txt/', kind: 'directory' }; // a folder where a file went
    return craftZip(entries);
  }

  it('skips, replaces or renames the second one by the policy, and writes every other one', async () => {
    const archive = writeArchive(dir, 'dups.zip', manyWithDuplicates());
    const skip = await extractArchive(archive, path.join(dir, 'skip'));
    expect(skip.skipped).toMatchObject([{ entry: 'd5/f12.txt', reason: 'an earlier entry is also named d5/f12.txt' }]);
    expect(readFileSync(path.join(dir, 'skip/d5/f12.txt'), 'utf8')).toBe('file 12');
    expect(codes(skip)).toEqual({ 'd3/f10.txt/': 'EXISTS' });
    expect(skip.filesWritten).toBe(2997);

    const replace = await extractArchive(archive, path.join(dir, 'replace'), { overwrite: 'replace' });
    expect(replace.skipped).toMatchObject([{ entry: 'd5/f12.txt', reason: 'a later entry is also named d5/f12.txt' }]);
    expect(readFileSync(path.join(dir, 'replace/d5/f12.txt'), 'utf8')).toBe('second d5/f12.txt');

    const rename = await extractArchive(archive, path.join(dir, 'rename'), { overwrite: 'rename' });
    expect(rename.renamed).toEqual([{ entry: 'd5/f12.txt', path: 'd5/f12 (1).txt' }]);
    expect(readFileSync(path.join(dir, 'rename/d5/f12 (1).txt'), 'utf8')).toBe('second d5/f12.txt');
    expect(readFileSync(path.join(dir, 'rename/d5/f12.txt'), 'utf8')).toBe('file 12');
    // The same with a selection: the paths are those of the selected entries.
    const selected = await extractArchive(archive, path.join(dir, 'selected'), { entries: ['d5/', 'd3/f10.txt'] });
    expect(selected.skipped).toMatchObject([{ entry: 'd5/f12.txt', reason: 'an earlier entry is also named d5/f12.txt' }]);
    expect(selected.filesWritten).toBe(428 + 1);
    expect(readFileSync(path.join(dir, 'selected/d5/f12.txt'), 'utf8')).toBe('file 12');
    for (const target of ['skip', 'replace', 'rename']) {
      const files = tree(path.join(dir, target)).filter((name) => name.endsWith('.txt'));
      expect(files, target).toHaveLength(target === 'rename' ? 2998 : 2997);
      expectNoPartials(path.join(dir, target));
    }
  });

  it('settles a file that other entries lie under by archive order, the same on every run', async () => {
    // No folder entries: "d2/early" is a file and then a folder; "d4/late" a folder and then a
    // file; "d6/near" a file right before an entry under it, in one span batch. Files are written
    // on two threads, so only the plan may decide which of each pair wins.
    const entries: CraftEntry[] = Array.from({ length: 3000 }, (_, i) => ({ name: `d${i % 7}/f${i}.txt`, data: `file ${i}` }));
    entries[100] = { name: 'd2/early', data: 'a file first' };
    entries[2800] = { name: 'd2/early/inner.txt', data: 'under a file' };
    entries[200] = { name: 'd4/late/inner.txt', data: 'under a folder' };
    entries[2850] = { name: 'd4/late', data: 'a file where a folder is' };
    entries[1500] = { name: 'd6/near', data: 'a file just before' };
    entries[1501] = { name: 'd6/near/x.txt', data: 'right after' };
    const archive = writeArchive(dir, 'file-folder.zip', craftZip(entries));
    for (const overwrite of ['skip', 'replace', 'rename', 'skip', 'rename'] as const) {
      const target = path.join(dir, `out-${overwrite}`);
      rmSync(target, { recursive: true, force: true });
      const result = await extractArchive(archive, target, { overwrite });
      expect(result.problems.map(({ entry, code, message }) => [entry, code, message]), overwrite).toEqual([
        ['d6/near/x.txt', 'EXISTS', 'd6/near is also a file in the archive'],
        ['d2/early/inner.txt', 'EXISTS', 'd2/early is also a file in the archive'],
        ['d4/late', 'EXISTS', 'd4/late is also a folder in the archive'],
      ]);
      expect([result.filesWritten, result.skipped, result.renamed], overwrite).toEqual([2997, [], []]);
      expect(readFileSync(path.join(target, 'd2/early'), 'utf8')).toBe('a file first');
      expect(readFileSync(path.join(target, 'd6/near'), 'utf8')).toBe('a file just before');
      expect(readFileSync(path.join(target, 'd4/late/inner.txt'), 'utf8')).toBe('under a folder');
      expectNoPartials(target);
    }
  });

  it('takes names that differ only in case or composition for one path where the file system does', async () => {
    // On macOS and Windows "notes/READ.ME" is the file "Notes/Read.me", and "cafe\u0301" is "café":
    // the second of each pair would silently replace the first there. This machine's file systems
    // tell case apart, so the setting is forced; the plan is the same as it would be there.
    const entries: CraftEntry[] = Array.from({ length: 2000 }, (_, i) => ({ name: `d${i % 5}/f${i}.txt`, data: `file ${i}` }));
    entries.splice(10, 0, { name: 'Notes/Read.me', data: 'first' });
    entries.splice(1500, 0, { name: 'notes/READ.ME', data: 'second' });
    entries.splice(20, 0, { name: 'Caf\u00e9.txt', data: 'composed' }, { name: 'Dir/x.txt', data: 'in a folder' });
    entries.push({ name: 'cafe\u0301.TXT', data: 'decomposed' }, { name: 'DIR', data: 'a file' });
    const archive = writeArchive(dir, 'case.zip', craftZip(entries));
    const target = (name: string): string => path.join(dir, name);
    const read = (root: string, name: string): string => readFileSync(path.join(root, name), 'utf8');
    const dirIsFolder = { entry: 'DIR', code: 'EXISTS', message: 'DIR is also a folder in the archive' };

    const skip = await extractArchive(archive, target('skip'), { caseInsensitive: true });
    expect(skip.skipped).toMatchObject([
      { entry: 'notes/READ.ME', reason: 'an earlier entry, Notes/Read.me, names the same file here' },
      { entry: 'cafe\u0301.TXT', reason: 'an earlier entry, Caf\u00e9.txt, names the same file here' },
    ]);
    expect(skip.problems.map(({ entry, code, message }) => ({ entry, code, message }))).toEqual([dirIsFolder]);
    expect([read(target('skip'), 'Notes/Read.me'), read(target('skip'), 'Caf\u00e9.txt')]).toEqual(['first', 'composed']);
    expect(skip.filesWritten).toBe(2003);

    const rename = await extractArchive(archive, target('rename'), { caseInsensitive: true, overwrite: 'rename' });
    expect(rename.renamed).toEqual([
      { entry: 'notes/READ.ME', path: 'notes/READ (1).ME' },
      { entry: 'cafe\u0301.TXT', path: 'cafe\u0301 (1).TXT' },
    ]);
    expect(read(target('rename'), 'notes/READ (1).ME')).toBe('second');

    const replace = await extractArchive(archive, target('replace'), { caseInsensitive: true, overwrite: 'replace' });
    expect(replace.skipped).toMatchObject([
      { entry: 'Notes/Read.me', reason: 'a later entry, notes/READ.ME, names the same file here' },
      { entry: 'Caf\u00e9.txt', reason: 'a later entry, cafe\u0301.TXT, names the same file here' },
    ]);
    expect(read(target('replace'), 'notes/READ.ME')).toBe('second');

    // Folding only adds caution: on a volume that does tell case apart (forced here), a folder
    // "notes" that was there before is not taken for the "Notes" this run made.
    const before = target('before');
    mkdirSync(path.join(before, 'notes'), { recursive: true });
    writeFileSync(path.join(before, 'notes/a.txt'), 'old');
    const mixed = writeArchive(dir, 'mixed.zip', craftZip([{ name: 'Notes/x.txt', data: 'x' }, { name: 'notes/a.txt', data: 'new' }]));
    const kept = await extractArchive(mixed, before, { caseInsensitive: true });
    expect(kept.skipped).toMatchObject([{ entry: 'notes/a.txt', reason: 'notes/a.txt already exists', kind: 'ALREADY_EXISTS', params: { path: 'notes/a.txt' } }]);
    expect(read(before, 'notes/a.txt')).toBe('old');

    // Where case counts (Linux's default), all are written.
    const apart = await extractArchive(archive, target('apart'), { caseInsensitive: false });
    expect([apart.filesWritten, apart.skipped, apart.problems]).toEqual([2006, [], []]);
    expect([read(target('apart'), 'DIR'), read(target('apart'), 'cafe\u0301.TXT')]).toEqual(['a file', 'decomposed']);
  });

  it('writes both of two different names whose path keys are the same', async () => {
    // Found by hashing 250 million names: the keys collide, the paths do not.
    const [first, second] = ['f19g8ih', 'f23t34f'];
    expect(namePathKey(first)).toBe(namePathKey(second));
    const archive = writeArchive(dir, 'keys.zip', craftZip([{ name: first, data: 'one' }, { name: 'd/other', data: 'x' }, { name: second, data: 'two' }]));
    for (const overwrite of ['skip', 'replace', 'rename'] as const) {
      const target = path.join(dir, overwrite);
      const result = await extractArchive(archive, target, { overwrite });
      expect([result.filesWritten, result.skipped, result.renamed], overwrite).toEqual([3, [], []]);
      expect(readFileSync(path.join(target, first), 'utf8')).toBe('one');
      expect(readFileSync(path.join(target, second), 'utf8')).toBe('two');
    }
  });

  it('gives every copy of names alike in all but a dot or a number a name of its own', async () => {
    // The names rename makes up are not remembered: "stem (n).ext" gives back the path and the
    // number it was made of, so two paths never make up the same name. These come close.
    const bases = ['a', 'a.', '.a', 'a.b', 'a.b.', 'a (1', 'a (1)x', 'a.(1)', 'A.b'];
    const entries: CraftEntry[] = [0, 1, 2].flatMap((copy) => bases.map((name) => ({ name: `d/${name}`, data: `${name} ${copy}` })));
    const archive = writeArchive(dir, 'alike.zip', craftZip(entries));
    for (const caseInsensitive of [false, true]) {
      const target = path.join(dir, `out-${caseInsensitive}`);
      const result = await extractArchive(archive, target, { overwrite: 'rename', caseInsensitive });
      expect([result.problems, result.filesWritten], String(caseInsensitive)).toEqual([[], entries.length]);
      const written = tree(target).filter((name) => !name.endsWith('/')).map((name) => readFileSync(path.join(target, name), 'utf8'));
      expect(written.sort(), String(caseInsensitive)).toEqual(entries.map(({ data }) => data).sort());
    }
  });

  it('gives a renamed file a name that no entry of the archive has', async () => {
    const target = path.join(dir, 'out');
    mkdirSync(target);
    writeFileSync(path.join(target, 'a.txt'), 'old');
    const archive = writeArchive(dir, 'taken.zip', craftZip([{ name: 'a.txt', data: 'new a' }, { name: 'a (1).txt', data: 'its own' }]));
    const result = await extractArchive(archive, target, { overwrite: 'rename' });
    expect(result.renamed).toEqual([{ entry: 'a.txt', path: 'a (2).txt' }]);
    expect(tree(target)).toEqual(['a (1).txt', 'a (2).txt', 'a.txt']);
    expect(readFileSync(path.join(target, 'a (1).txt'), 'utf8')).toBe('its own');
    expect(readFileSync(path.join(target, 'a (2).txt'), 'utf8')).toBe('new a');
  });
});

describe('extractArchive as a job', () => {
  it('reports progress up to the totals', async () => {
    const archive = writeArchive(dir, 'p.zip', craftZip(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.txt`, data: 'x'.repeat(i) }))));
    const seen: { bytesDone: number; entriesDone: number; bytesTotal: number; entriesTotal: number }[] = [];
    await extractArchive(archive, path.join(dir, 'out'), { onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    expect(last.entriesDone).toBe(50);
    expect(last.entriesTotal).toBe(50);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.bytesTotal).toBe((49 * 50) / 2);
    expect(JSON.parse(JSON.stringify(seen))).toEqual(seen);
  });

  it('stops on abort with CANCELLED and leaves no partial file', async () => {
    const archive = writeArchive(dir, 'c.zip', craftZip(Array.from({ length: 8 }, (_, i) => ({ name: `big${i}.bin`, data: Buffer.alloc(4 << 20, i) }))));
    const controller = new AbortController();
    const target = path.join(dir, 'out');
    let caught: unknown;
    try {
      // The first report comes before any entry is written.
      await extractArchive(archive, target, { signal: controller.signal, onProgress: () => controller.abort() });
    } catch (error) {
      caught = error;
    }
    expect(isZipError(caught) && caught.code).toBe('CANCELLED');
    expect(readdirSync(target)).toEqual([]);
  });

  it("stops between two files once a cancel flag is set, without waiting for the signal (how a job's cancel is seen while this thread is busy)", async () => {
    // Span batches of 256 small files: on this thread and a helper, which holds two at most.
    const archive = writeArchive(dir, 'flag.zip', craftZip(Array.from({ length: 4000 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}\n`.repeat(50) }))));
    const target = path.join(dir, 'flag-out');
    const flag = new Int32Array(new SharedArrayBuffer(4));
    // Set (as another thread would) once the first files are written; no signal is given at all.
    const onProgress = (p: { entriesDone: number }): void => void (p.entriesDone > 0 && Atomics.store(flag, 0, 1));
    const outcome = await extractArchive(archive, target, { cancelFlag: flag.buffer as SharedArrayBuffer, progressIntervalMs: 0, onProgress }).catch((e: unknown) => e);
    expect(isZipError(outcome) && outcome.code).toBe('CANCELLED');
    const written = readdirSync(target);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(2000);
    // Set before the run: nothing is written.
    const before = path.join(dir, 'flag-before');
    await expect(extractArchive(archive, before, { cancelFlag: flag.buffer as SharedArrayBuffer })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(before) ? readdirSync(before) : []).toEqual([]);
    // Only whole files, under their own names.
    for (const name of written) expect(readFileSync(path.join(target, name), 'utf8')).toBe(`file ${name.slice(1, -4)}\n`.repeat(50));
  });

  it('streams large entries a megabyte at a time, on this thread and the helper, with every check, mode and time', async () => {
    // 40 MiB of zeros engage the helper thread (extract-files.ts helperPays); it takes the last
    // entries, this thread the first ones. Bad entries at both ends.
    const entries: CraftEntry[] = [
      { name: 'first-bad-crc.bin', data: lines(1 << 20, 1), crc32: 0x12345678 },
      { name: 'deflated.bin', data: lines(3 << 20, 2), mode: 0o640 },
      { name: 'stored.bin', data: lines(2 << 20, 3), method: 0, mode: 0o755 },
      { name: 'longer.bin', data: lines(2 << 20, 4), uncompressedSize: 1 << 20 },
      { name: 'shorter.bin', data: lines(1 << 20, 5), uncompressedSize: 3 << 20 },
      { name: 'corrupt.bin', data: lines(2 << 20, 6) },
      { name: 'zeros.bin', data: Buffer.alloc(40 << 20) },
      { name: 'last-bad-crc.bin', data: lines(1 << 20, 7), crc32: 0x12345678 },
    ];
    const bytes = craftZip(entries);
    const at = dataOffset(bytes, 'corrupt.bin') + 200_000;
    for (let i = 0; i < 64; i++) bytes[at + i] ^= 0x5a;
    const archive = writeArchive(dir, 'large.zip', bytes);
    const target = path.join(dir, 'out');
    const result = await extractArchive(archive, target);
    const { 'corrupt.bin': corrupt, ...others } = codes(result);
    expect(others).toEqual({ 'first-bad-crc.bin': 'CRC_MISMATCH', 'longer.bin': 'SIZE_MISMATCH', 'shorter.bin': 'SIZE_MISMATCH', 'last-bad-crc.bin': 'CRC_MISMATCH' });
    expect(['BAD_DEFLATE', 'CRC_MISMATCH', 'SIZE_MISMATCH']).toContain(corrupt);
    expect(result.problems.find((p) => p.entry === 'longer.bin')!.message).toContain('more than the declared 1048576 bytes');
    expect(tree(target)).toEqual(['deflated.bin', 'stored.bin', 'zeros.bin']); // and no partial file
    for (const i of [1, 2, 6]) expect(readFileSync(path.join(target, entries[i]!.name)).equals(entries[i]!.data as Buffer), entries[i]!.name).toBe(true);
    expect(statSync(path.join(target, 'deflated.bin')).mode & 0o777).toBe(0o640);
    expect(statSync(path.join(target, 'stored.bin')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(target, 'zeros.bin')).mtime.getFullYear()).toBe(2024);
    expect(result.bytesWritten).toBe((3 << 20) + (2 << 20) + (40 << 20));

    // test judges the same entries the same way.
    const tested = await testArchive(archive);
    expect(Object.fromEntries(tested.problems.map((p) => [p.entry, p.code]))).toEqual(codes(result));
  });

  it('extracts a large entry whose sizes and CRC-32 follow in a data descriptor (zip writing to a pipe)', async () => {
    mkdirSync(path.join(dir, 'src'));
    const data = lines(3 << 20, 8);
    writeFileSync(path.join(dir, 'src/big.txt'), data);
    run('sh', ['-c', 'zip -q - src/big.txt | cat > dd.zip'], dir);
    const flags = readFileSync(path.join(dir, 'dd.zip')).readUInt16LE(6);
    expect(flags & 0x8).toBe(0x8);
    const result = await extractArchive(path.join(dir, 'dd.zip'), path.join(dir, 'out'));
    expect(result.problems).toEqual([]);
    expect(readFileSync(path.join(dir, 'out/src/big.txt')).equals(data)).toBe(true);
    expect((await testArchive(path.join(dir, 'dd.zip'))).ok).toBe(true);
  });

  it.each([
    ['on the helper thread', 2],
    ["on the job's own thread", 1],
  ])('reports progress from inside large entries %s, monotonic, up to the totals', async (_where, count) => {
    const entries = Array.from({ length: count }, (_, i) => ({ name: `big${i}.bin`, data: Buffer.alloc(40 << 20, i + 1) }));
    const archive = writeArchive(dir, 'big.zip', craftZip(entries));
    const seen: number[] = [];
    const result = await extractArchive(archive, path.join(dir, 'out'), { progressIntervalMs: 0, onProgress: (p) => seen.push(p.bytesDone) });
    expect(result.ok).toBe(true);
    expect(seen.at(-1)).toBe(count * (40 << 20));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Every 8 MiB of an entry: reports that fall between the ends of entries.
    expect(seen.filter((bytes) => bytes % (40 << 20) !== 0).length).toBeGreaterThanOrEqual(4 * count);
  });

  it.each([
    ['on the helper thread', 2],
    ["on the job's own thread", 1],
  ])('stops in the middle of a large entry %s and leaves no partial file', async (_where, count) => {
    const huge = Buffer.alloc(128 << 20);
    const archive = writeArchive(dir, 'huge.zip', craftZip(Array.from({ length: count }, (_, i) => ({ name: `huge${i}.bin`, data: huge }))));
    const target = path.join(dir, 'out');
    const controller = new AbortController();
    // Cancel at the first report from inside an entry (one every 8 MiB of it): a file is being
    // written then. (A poll of the folder every millisecond could miss the entry on a loaded
    // machine, and the run then ended without a cancel.)
    let partialAtCancel: string[] = [];
    const onProgress = (p: { bytesDone: number }): void => {
      if (controller.signal.aborted || p.bytesDone % (128 << 20) === 0) return;
      partialAtCancel = tree(target).filter((name) => name.includes('zipdesk-partial'));
      controller.abort();
    };
    const outcome = await extractArchive(archive, target, { signal: controller.signal, progressIntervalMs: 0, onProgress }).catch((e: unknown) => e);
    expect(isZipError(outcome) && outcome.code).toBe('CANCELLED');
    expect(partialAtCancel).toHaveLength(1);
    // Nothing half-written is left. On a loaded machine the helper may have finished its entry
    // before the cancel was heard (its reports wait for this thread's turn): that file is whole,
    // and stays, as a cancelled extract keeps what it finished; the entry cancelled is not there.
    const left = tree(target);
    expect(left.filter((name) => name.includes('zipdesk-partial'))).toEqual([]);
    expect(left.length).toBeLessThan(count);
    for (const name of left) expect(statSync(path.join(target, name)).size, name).toBe(128 << 20);
  });

  it('returns a result that survives JSON', async () => {
    const archive = writeArchive(dir, 'j.zip', craftZip([{ name: '../x', data: 'x' }, { name: 'y', data: 'y' }]));
    const result = await extractArchive(archive, path.join(dir, 'out'));
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('rejects with a coded error when the archive cannot be opened', async () => {
    writeFileSync(path.join(dir, 'not.zip'), 'this is not a zip file at all');
    await expect(extractArchive(path.join(dir, 'not.zip'), path.join(dir, 'out'))).rejects.toMatchObject({ name: 'ZipError' });
    await expect(extractArchive(path.join(dir, 'missing.zip'), path.join(dir, 'out'))).rejects.toMatchObject({ code: 'IO' });
  });
});

// A full disk, on a real file system of 1 MiB (a tmpfs; mounting one needs root, so this runs
// where the tests run as root, as in CI, and is skipped elsewhere).
const smallDisk = path.join(tempDir('zipdesk-small-disk-').dir, 'mnt');
mkdirSync(smallDisk);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', smallDisk], { stdio: 'ignore' }).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [smallDisk]);
  rmSync(path.dirname(smallDisk), { recursive: true, force: true });
});

describe('extractArchive onto a full disk', () => {
  it.skipIf(!mounted)('stops at the first file that does not fit, with one DISK_FULL error; what was written is whole, nothing half-written is left', async () => {
    const files: CraftEntry[] = Array.from({ length: 300 }, (_, i) => ({ name: `d${i % 3}/f${i}.txt`, data: lines(10_000, i) }));
    files.push({ name: 'big.bin', data: lines(3 * 1024 * 1024, 9) });
    const archive = writeArchive(dir, 'full.zip', craftZip(files));
    for (const target of [path.join(smallDisk, 'small'), path.join(smallDisk, 'big')]) {
      const error = await extractArchive(archive, target, target.endsWith('big') ? { entries: ['big.bin'] } : {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/^the disk is full: extraction stopped after \d+ files? \(each file written is whole and checked; nothing half-written is left\)$/) });
      const written = tree(target).filter((name) => !name.endsWith('/'));
      expect(written.filter((name) => name.includes('zipdesk-partial'))).toEqual([]);
      for (const name of written) {
        const i = Number(/f(\d+)\.txt$/.exec(name)![1]);
        expect(readFileSync(path.join(target, name)).equals(lines(10_000, i))).toBe(true);
      }
      rmSync(target, { recursive: true, force: true });
    }
  });

  it.skipIf(!mounted)('hands on every problem found before the disk filled, in entry order, before it rejects', async () => {
    // Bad entries before files that fill the disk: each of them is heard, then the entry that did
    // not fit, then the run rejects (those of the part the full disk cut short were once lost).
    const files: CraftEntry[] = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}.txt`, data: lines(5_000, i), ...(i % 4 === 1 && { crc32: 1 }) }));
    files.push({ name: '../up', data: 'x' }, ...Array.from({ length: 5 }, (_, i) => ({ name: `big${i}.bin`, data: lines(1_000_000, i), method: 0 })));
    const archive = writeArchive(dir, 'full-bad.zip', craftZip(files));
    const target = path.join(smallDisk, 'bad');
    const heard: EntryProblem[] = [];
    const error = await extractArchive(archive, target, { onProblem: (problem) => heard.push(problem) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DISK_FULL' });
    const crc = heard.filter((p) => p.code === 'CRC_MISMATCH');
    expect(crc.map((p) => p.entry)).toEqual(Array.from({ length: 10 }, (_, k) => `f${4 * k + 1}.txt`));
    expect(heard.find((p) => p.code === 'UNSAFE_PATH')).toMatchObject({ entry: '../up', index: 40 });
    expect(heard.map((p) => p.index)).toEqual([...heard.map((p) => p.index)].sort((a, b) => a - b));
    expect(heard.at(-1)).toMatchObject({ entry: expect.stringMatching(/^big\d\.bin$/), code: 'DISK_FULL' });
    // (None comes after the rejection.)
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toHaveLength(12);
    rmSync(target, { recursive: true, force: true });
  });

  it.skipIf(!mounted)('leaves no half-written file where the disk fills while an entry is written in place of a failed one of its name', async () => {
    // Two entries of one name, the later one damaged: under 'replace' the earlier is written
    // instead (step 3b), through the reader, small (a Buffer) or large (a stream). Where a write
    // fills the disk, the system writes what fits and says so only at the next write: the first
    // short write was taken for the whole, and the cut file renamed into place and counted.
    run('python3', ['-c', `
import os, zipfile
for name, size in (('small.zip', 200_000), ('large.zip', 600_000)):
    good = os.urandom(size)
    with zipfile.ZipFile(name, 'w') as z:
        z.writestr('b.bin', good)
        z.writestr('b.bin', b'damaged ' + good[:1000])
    data = bytearray(open(name, 'rb').read())
    data[data.index(b'damaged ')] ^= 1
    open(name, 'wb').write(data)
`], dir);
    const filler = path.join(smallDisk, 'filler');
    for (const name of ['small.zip', 'large.zip']) {
      // What is left of the 1 MiB: less than either entry.
      writeFileSync(filler, Buffer.alloc(900_000));
      const target = path.join(smallDisk, 'fallback');
      const error = await extractArchive(path.join(dir, name), target, { overwrite: 'replace' }).catch((e: unknown) => e);
      expect(error, name).toMatchObject({ code: 'DISK_FULL' });
      expect(tree(target), name).toEqual([]);
      rmSync(target, { recursive: true, force: true });
      rmSync(filler);
    }
  });
});

describe('extractArchive into a target folder that goes away', () => {
  it('stops at the first entry that fails once the folder is removed or moved away, with one error saying so', async () => {
    // 300 files: a span batch of 256, whose progress removes the folder, then one of 44 that would each fail.
    const archive = writeArchive(dir, 'many.zip', craftZip(Array.from({ length: 300 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}`, method: 0 }))));
    for (const away of ['removed', 'moved']) {
      const target = path.join(dir, away);
      const heard: EntryProblem[] = [];
      const error = await extractArchive(archive, target, {
        progressIntervalMs: 0,
        onProblem: (problem) => heard.push(problem),
        onProgress: (progress) => {
          if (progress.entriesDone !== 50) return;
          if (away === 'removed') rmSync(target, { recursive: true });
          else renameSync(target, `${target}-elsewhere`);
        },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'IO', message: `the target folder ${target} is gone (removed or moved away): extraction stopped after 256 files` });
      expect(heard.map((p) => [p.entry, p.message])).toEqual([['f256.txt', 'no such file or directory']]);
      expect(existsSync(target)).toBe(false);
    }
    expect(readdirSync(path.join(dir, 'moved-elsewhere'))).toHaveLength(256);
  });

  it('stops at the first entry that fails once the archive is cut short or rewritten in place, with one error saying so', async () => {
    // 300 files stored by zip: a span batch of 256, whose progress changes the archive, then one
    // of 44 that would each fail (each got a line of its own, 44 of them, or a million).
    const source = path.join(dir, 'src');
    mkdirSync(source);
    for (let i = 0; i < 300; i++) writeFileSync(path.join(source, `f${i}.txt`), `file ${i}`);
    run('zip', ['-q', '-0', '../many.zip', ...Array.from({ length: 300 }, (_, i) => `f${i}.txt`)], source);
    const original = readFileSync(path.join(dir, 'many.zip'));
    const other = craftZip([{ name: 'other.txt', data: 'x'.repeat(original.length), method: 0 }]);
    for (const change of ['cut short', 'rewritten']) {
      const archive = writeArchive(dir, 'changing.zip', original);
      const target = path.join(dir, change);
      const heard: EntryProblem[] = [];
      const error = await extractArchive(archive, target, {
        progressIntervalMs: 0,
        onProblem: (problem) => heard.push(problem),
        onProgress: (progress) => {
          if (progress.entriesDone !== 50) return;
          // In place, as a download written again or a copy over it (cp): the same file, other bytes.
          if (change === 'cut short') truncateSync(archive, 1000);
          else writeFileSync(archive, other.subarray(0, original.length));
        },
      }).catch((e: unknown) => e);
      expect(error, change).toMatchObject({ code: 'SOURCE_CHANGED', message: 'the archive changed while it was extracted (rewritten or cut short): extraction stopped after 256 files' });
      expect(heard.map((p) => p.entry), change).toEqual(['f256.txt']);
      expect(readdirSync(target), change).toHaveLength(256);
      expectNoPartials(target);
    }
  });

  // A temporary file being written when the folder is moved away cannot be renamed into place, and
  // its path names nothing: it is removed where the folder went (it was left there), on Linux,
  // through the folder's descriptor. The folder is moved in the middle of a large entry, where
  // the extraction lets others in; the small files of a span batch and links are each written
  // with no such pause, and the same removal serves them (removeTemporary, below).
  const movedAway = process.platform === 'linux';

  it.runIf(movedAway).each([
    ['on the helper thread', 2],
    ["on the job's own thread", 1],
  ])('removes the temporary file of a large entry written %s from the folder moved away while it was written', async (_where, count) => {
    // Large entries stream, reporting their bytes every 8 MiB (two go to the helper thread): the
    // folder is moved away at the first report that finds a temporary file in it.
    const archive = writeArchive(dir, 'large.zip', craftZip(Array.from({ length: count }, (_, i) => ({ name: `big${i}.bin`, data: Buffer.alloc(64 << 20, i + 1) }))));
    const target = path.join(dir, 'mid-file');
    const away = `${target}-elsewhere`;
    const partials = (folder: string): string[] => readdirSync(folder).filter((name) => name.endsWith('.zipdesk-partial'));
    let moved = false;
    const error = await extractArchive(archive, target, {
      progressIntervalMs: 0,
      onProgress: () => {
        if (moved || !existsSync(target) || partials(target).length === 0) return;
        renameSync(target, away);
        moved = true;
      },
    }).catch((e: unknown) => e);
    expect(moved).toBe(true);
    // On two threads, one entry may be whole and in place before the report that finds the
    // other's temporary file is heard (seen once in CI): the count says so, and that file is whole.
    const whole = readdirSync(away).filter((name) => name.endsWith('.bin'));
    for (const name of whole) expect(readFileSync(path.join(away, name)).equals(Buffer.alloc(64 << 20, Number(name.slice(3, -4)) + 1))).toBe(true);
    expect(whole.length).toBeLessThan(count);
    expect(error).toMatchObject({ code: 'IO', message: `the target folder ${target} is gone (removed or moved away): extraction stopped after ${whole.length} ${whole.length === 1 ? 'file' : 'files'}` });
    expect(partials(away)).toEqual([]);
  });

  it.runIf(movedAway)('removes the temporary file of a large entry written through the reader (the archive not opened again by its path) from the folder moved away', async () => {
    const bytes = craftZip([{ name: 'big.bin', data: lines(8 * 1024 * 1024, 2), method: 0 }]);
    const inMemory = bufferSource(bytes);
    const target = path.join(dir, 'mid-stream');
    const away = `${target}-elsewhere`;
    let opened = false;
    let moved = false;
    // Once the archive is open, moved away as the entry's data is read 4 MiB in (the directory
    // lies past 8 MiB): its temporary file is half written by then.
    const source = {
      size: inMemory.size,
      read: (offset: number, length: number): Promise<Buffer> => {
        if (opened && !moved && offset >= 4 * 1024 * 1024 && offset < 8 * 1024 * 1024) {
          renameSync(target, away);
          moved = true;
        }
        return inMemory.read(offset, length);
      },
    };
    const reader = await openZip(source);
    opened = true;
    const error = await extractReader(path.join(dir, 'not-on-disk.zip'), reader, target).catch((e: unknown) => e);
    expect(moved).toBe(true);
    expect(error).toMatchObject({ code: 'IO', message: `the target folder ${target} is gone (removed or moved away): extraction stopped after 0 files` });
    expect(readdirSync(away)).toEqual([]);
  });

  it.runIf(movedAway)('removeTemporary removes a temporary file or link from a folder in the target moved away, and nothing else', () => {
    const target = path.join(dir, 'held');
    mkdirSync(path.join(target, 'sub'), { recursive: true });
    const hold = new TargetHold();
    hold.hold(target);
    try {
      const file = temporaryBeside(path.join(target, 'sub/a.txt'));
      const link = temporaryBeside(path.join(target, 'sub/l'));
      writeFileSync(file, 'half');
      symlinkSync('a.txt', link);
      writeFileSync(path.join(target, 'sub/a.txt'), 'kept');
      renameSync(target, `${target}-elsewhere`);
      removeTemporary(file, hold.held);
      removeTemporary(link, hold.held);
      expect(readdirSync(path.join(`${target}-elsewhere`, 'sub'))).toEqual(['a.txt']);
      // Gone with the folder (removed, not moved): nothing to remove, and no error.
      rmSync(`${target}-elsewhere`, { recursive: true });
      removeTemporary(file, hold.held);
    } finally {
      hold.release();
    }
  });
});
