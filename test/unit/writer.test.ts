// The record writer (zip/writer.ts), the temp-then-rename helper, excludes, and createArchive's
// policies: deterministic bytes, source changes, compression choices.

import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, closeSync, constants as fsConstants, existsSync, linkSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import zlib from 'node:zlib';
import { type CreateProgress, createArchive } from '../../src-main/archive/create.js';
import { open } from 'node:fs/promises';
import { writeAll } from '../../src-main/archive/buffers.js';
import { deflateTransient } from '../../src-main/archive/compress-work.js';
import { CompressPool, KEPT_FOR_MS, givePool, helperPath, takePool } from '../../src-main/archive/parallel.js';
import { StepWalk, compileGlobs, regExpOf, stepsOf } from '../../src-main/archive/glob.js';
import { numberedName, withTempFile } from '../../src-main/archive/temp-file.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { type PlannedEntry, walk } from '../../src-main/archive/sources.js';
import { silentLog } from '../../src-main/log/types.js';
import { openZip } from '../../src-main/zip/reader.js';
import { endHelper } from '../../src-main/archive/helper-script.js';
import { once } from 'node:events';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ZipError } from '../../src-main/zip/errors.js';
import { compressedMemberSpans } from '../../src-main/zip/member-spans.js';
import {
  CENTRAL_DIRECTORY_HEADER,
  END_OF_CENTRAL_DIRECTORY,
  EXTRA_ZIP64,
  LOCAL_FILE_HEADER,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR,
} from '../../src-main/zip/records.js';
import { type EntryRecord, centralDirectoryHeader, endOfCentralDirectory, localFileHeader, toDosDateTime } from '../../src-main/zip/writer.js';
import { random, tempDir, text, writeTree } from '../conformance/write-fixtures.js';

const root = tempDir('zipdesk-writer-');

let smallFolders = 0;
/** A folder of `count` small text files in a few subfolders (a function of its own: no buffer of them outlives it). */
function smallFiles(count: number): string {
  const files = Array.from({ length: count }, (_, i) => ({ name: `d${i % 7}/file-${i}.txt`, kind: 'file' as const, data: text(200 + (i % 50) * 100, i) }));
  return writeTree(root, `small-${count}-${++smallFolders}`, files);
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

const entry = (over: Partial<EntryRecord> = {}): EntryRecord => ({
  fileName: Buffer.from('a.txt'),
  compressionMethod: 8,
  lastModFileTime: 0x6d21,
  lastModFileDate: 0x5a76,
  modTime: 1_700_000_000,
  crc32: 0xdeadbeef,
  compressedSize: 10,
  uncompressedSize: 20,
  externalFileAttributes: 0o100644 * 0x10000,
  relativeOffsetOfLocalHeader: 0,
  zip64LocalSizes: false,
  ...over,
});

describe('zip/writer records', () => {
  it('DOS time: local fields, 2-second steps, clamped to 1980–2107', () => {
    expect(toDosDateTime(new Date(2001, 1, 3, 4, 5, 7))).toEqual({ lastModFileDate: (21 << 9) | (2 << 5) | 3, lastModFileTime: (4 << 11) | (5 << 5) | 3 });
    expect(toDosDateTime(new Date(1970, 0, 1))).toEqual({ lastModFileDate: 0x21, lastModFileTime: 0 });
    expect(toDosDateTime(new Date(2200, 0, 1)).lastModFileDate >> 9).toBe(127);
  });

  it('a plain local header: no ZIP64, bit 11 only for non-ASCII names, extended timestamp', () => {
    const ascii = localFileHeader(entry());
    const decoded = LOCAL_FILE_HEADER.decode(ascii, 0);
    expect(decoded).toMatchObject({ versionNeededToExtract: 20, generalPurposeBitFlag: 0, compressedSize: 10, uncompressedSize: 20, crc32: 0xdeadbeef, extraFieldLength: 9 });
    expect(ascii.readUInt16LE(30 + 5)).toBe(0x5455);
    const unicode = LOCAL_FILE_HEADER.decode(localFileHeader(entry({ fileName: Buffer.from('ü.txt') })), 0);
    expect(unicode.generalPurposeBitFlag).toBe(0x0800);
  });

  it('ZIP64 local sizes put both sizes in the extra field and 0xFFFFFFFF in the header', () => {
    const bytes = localFileHeader(entry({ zip64LocalSizes: true, uncompressedSize: 5 * 2 ** 30, compressedSize: 2 ** 32 + 7 }));
    const header = LOCAL_FILE_HEADER.decode(bytes, 0);
    expect(header).toMatchObject({ versionNeededToExtract: 45, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff });
    const extraAt = 30 + header.fileNameLength;
    expect(bytes.readUInt16LE(extraAt)).toBe(1);
    expect(EXTRA_ZIP64.decode(bytes, extraAt + 4, extraAt + 4 + bytes.readUInt16LE(extraAt + 2), { local: true }).values).toEqual({ originalSize: 5 * 2 ** 30, compressedSize: 2 ** 32 + 7 });
  });

  it('a central record moves only the overflowing values to ZIP64', () => {
    const bytes = centralDirectoryHeader(entry({ relativeOffsetOfLocalHeader: 2 ** 32 + 1 }));
    const header = CENTRAL_DIRECTORY_HEADER.decode(bytes, 0);
    expect(header).toMatchObject({ relativeOffsetOfLocalHeader: 0xffffffff, compressedSize: 10, uncompressedSize: 20, versionNeededToExtract: 45, versionMadeBy: 0x032d });
    const extraAt = 46 + header.fileNameLength;
    const overflow = { uncompressedSize: false, compressedSize: false, relativeOffsetOfLocalHeader: true, diskNumberStart: false };
    expect(EXTRA_ZIP64.decode(bytes, extraAt + 4, extraAt + 4 + bytes.readUInt16LE(extraAt + 2), { local: false, zip64: overflow }).values).toEqual({ relativeHeaderOffset: 2 ** 32 + 1 });
    expect(CENTRAL_DIRECTORY_HEADER.decode(centralDirectoryHeader(entry()), 0)).toMatchObject({ versionNeededToExtract: 20, extraFieldLength: 9, externalFileAttributes: 0o100644 * 0x10000 });
  });

  it('end records: plain below the limits, ZIP64 record and locator from 65,535 entries', () => {
    const plain = endOfCentralDirectory({ entryCount: 65_534, offsetOfStartOfCentralDirectory: 100, sizeOfCentralDirectory: 50, comment: Buffer.from('c') });
    expect(plain.length).toBe(END_OF_CENTRAL_DIRECTORY.size + 1);
    expect(END_OF_CENTRAL_DIRECTORY.decode(plain, 0)).toMatchObject({ totalNumberOfCentralDirectoryRecords: 65_534, commentLength: 1 });

    const big = endOfCentralDirectory({ entryCount: 65_535, offsetOfStartOfCentralDirectory: 100, sizeOfCentralDirectory: 50, comment: Buffer.alloc(0) });
    expect(ZIP64_END_OF_CENTRAL_DIRECTORY.decode(big, 0)).toMatchObject({ sizeOfZip64EndOfCentralDirectoryRecord: 44, totalNumberOfCentralDirectoryRecords: 65_535, offsetOfStartOfCentralDirectory: 100 });
    expect(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.decode(big, 56)).toMatchObject({ relativeOffsetOfZip64EndOfCentralDirectory: 150, totalNumberOfDisks: 1 });
    expect(END_OF_CENTRAL_DIRECTORY.decode(big, 76)).toMatchObject({ totalNumberOfCentralDirectoryRecords: 0xffff, offsetOfStartOfCentralDirectory: 100 });

    const far = endOfCentralDirectory({ entryCount: 3, offsetOfStartOfCentralDirectory: 2 ** 32, sizeOfCentralDirectory: 50, comment: Buffer.alloc(0) });
    expect(END_OF_CENTRAL_DIRECTORY.decode(far, 76)).toMatchObject({ totalNumberOfCentralDirectoryRecords: 3, offsetOfStartOfCentralDirectory: 0xffffffff });
  });

  it('rejects a comment longer than 65,535 bytes with a code', () => {
    expect(() => endOfCentralDirectory({ entryCount: 0, offsetOfStartOfCentralDirectory: 0, sizeOfCentralDirectory: 0, comment: Buffer.alloc(70_000) })).toThrowError(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });
});

describe('exclude globs', () => {
  /** The patterns' matcher of names alone, for Array.filter. */
  const byNames = (patterns: string[]) => {
    const matcher = compileGlobs(patterns);
    return (name: string) => matcher(name);
  };

  it('match names at any depth, or whole paths when the pattern has a slash', () => {
    const excluded = compileGlobs(['*.log', 'node_modules', 'src/**/*.test.ts', 'a?c', '[xy].md']);
    expect(['top/x.log', 'node_modules', 'top/node_modules', 'src/a/b/c.test.ts', 'src/c.test.ts', 'abc', 'q/x.md'].filter((n) => !excluded(n))).toEqual([]);
    expect(['top/x.logs', 'src/c.ts', 'lib/src/c.test.ts', 'abbc', 'z.md'].filter((n) => excluded(n))).toEqual([]);
  });

  it('match a pattern ending in / only where the path is known to be a folder', () => {
    const excluded = compileGlobs(['build/', 'out/*/', '/home/me/tmp/']);
    // A name alone (before the walk has looked at the path) is no folder.
    expect(['build', 'src/build', 'out/x', 'home/me/tmp'].filter((n) => excluded(n))).toEqual([]);
    expect(['build', 'src/build', 'out/x', 'home/me/tmp'].filter((n) => excluded(n, undefined, true))).toEqual(['build', 'src/build', 'out/x', 'home/me/tmp']);
    expect(excluded('tmp', '/home/me/tmp', true)).toBe(true);
    expect(excluded('tmp', '/home/me/tmp', false)).toBe(false);
    expect(excluded('out', undefined, true)).toBe(false);
  });

  it('match a pattern starting with / from the archive root, or as the path on disk', () => {
    const rooted = compileGlobs(['/home/me/proj/build', '/proj/*.log']);
    expect(rooted('proj/build', '/home/me/proj/build')).toBe(true);
    expect(rooted('proj/build/o.o', Buffer.from('/home/me/proj/build/o.o'))).toBe(false);
    expect(rooted('proj/build', '/elsewhere/proj/build')).toBe(false);
    expect(rooted('proj/src/build', '/home/me/proj/src/build')).toBe(false);
    // From the archive's root (zipping /home gives home/…), with or without a path.
    expect(rooted('home/me/proj/build')).toBe(true);
    expect(rooted('proj/x.log', '/elsewhere/proj/x.log')).toBe(true);
    expect(rooted('proj/sub/x.log', '/elsewhere/proj/sub/x.log')).toBe(false);
  });

  it('take a character as a code point: ? and a class match one emoji, not half of it', () => {
    const names = ['a😀.txt', 'b📦.txt', 'ab.txt', 'a😀😀.txt'];
    expect(names.filter(byNames(['a?.txt']))).toEqual(['a😀.txt', 'ab.txt']);
    // 😀 and 📦 share their first UTF-16 unit: a class of units took both.
    expect(names.filter(byNames(['*[😀]*']))).toEqual(['a😀.txt', 'a😀😀.txt']);
    expect(names.filter(byNames(['[!a]*']))).toEqual(['b📦.txt']);
  });

  it('read classes as fnmatch does: a leading ] is a member, ! or ^ negates, a lone [ is itself', () => {
    const names = [']a', 'b', 'x]', '-', '^x', '[x', '[]', 'a'];
    const matching = (pattern: string) => names.filter(byNames([pattern]));
    expect(matching('[]]*')).toEqual([']a']);
    expect(matching('*[]]')).toEqual(['x]', '[]']);
    expect(matching('[!]]*')).toEqual(['b', 'x]', '-', '^x', '[x', '[]', 'a']);
    expect(matching('[^]]*')).toEqual(matching('[!]]*'));
    expect(matching('[!-a]')).toEqual(['b']);
    expect(matching('[a-]')).toEqual(['-', 'a']);
    expect(matching('[\\^]*')).toEqual(['^x']);
    expect(matching('[x')).toEqual(['[x']);
    expect(matching('[]')).toEqual(['[]']);
    // A negated class is no way across a folder boundary.
    expect(['q/r', 'qxr', 'qyr'].filter(byNames(['q[!x]r', 'z/never']))).toEqual(['qyr']);
    const asFolders = compileGlobs(['*/q[!x]r', 'q[!x]r/']);
    expect(['q/r', 'qyr'].filter((name) => asFolders(name, undefined, true))).toEqual(['qyr']);
  });

  it('with many runs, are matched a step at a time, as their RegExp would match them', () => {
    // The two ways of matching one pattern, held against each other over seeded random patterns
    // and names of a few characters: runs, classes, '?', escapes and slashes.
    let seed = 0x2545f491;
    const next = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const parts = ['a', 'b', '/', '*', '**', '**/', '?', '[ab]', '[!a]', '\\*', '.', '😀'];
    const letters = ['a', 'b', '/', '*', '.', '😀'];
    let matched = 0;
    for (let p = 0; p < 2000; p++) {
      const pattern = Array.from({ length: 1 + next(7) }, () => parts[next(parts.length)]).join('');
      const steps = stepsOf(pattern);
      const re = regExpOf(pattern, steps);
      const walkOf = new StepWalk(steps);
      for (let n = 0; n < 20; n++) {
        const name = Array.from({ length: next(9) }, () => letters[next(letters.length)]).join('');
        expect(walkOf.test(name), `${pattern} ${name}`).toBe(re.test(name));
        if (re.test(name)) matched++;
      }
    }
    // Enough of them match for the agreement to mean something (about one in six).
    expect(matched).toBeGreaterThan(2000);
    // Through compileGlobs, a pattern of three runs (walked) leaves out what it names.
    const deep = compileGlobs(['**/a*/**/*.js']);
    expect(['x/ab/c/d.js', 'a/d.js', 'x/b/c/d.js', 'x/ab/c/d.ts'].filter((name) => deep(name))).toEqual(['x/ab/c/d.js', 'a/d.js']);
  });

  it('take linear time: a pattern of many runs over a long name that it does not match', () => {
    // As a RegExp, `*a*a*a*a*a*b` backtracked through every way of cutting 200 a's: more than two
    // minutes (and a RegExp cannot be stopped, so the test runs it in a process of its own).
    const glob = pathToFileURL(path.join(projectRoot, 'build/src-main/archive/glob.js')).href;
    const script = `const { compileGlobs } = await import(${JSON.stringify(glob)}); const m = compileGlobs(['*a*a*a*a*a*b', '**/*a*a*a*a*a*b/**']); process.stdout.write(String(m('a'.repeat(200)) || m('x/' + 'a'.repeat(200) + '/y')) + ' ' + m('x/' + 'a'.repeat(200) + 'b/y'));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.stdout).toBe('false true');
  });

  it('read a backslash and the POSIX classes as fnmatch does', () => {
    const names = ['st*ar', 'stxar', 'Ab', 'ab', 'Éb', '7b', 'a]b', 'a-b', 'axb', 'a\\b', '[x]', 'x'];
    const matching = (pattern: string) => names.filter(byNames([pattern]));
    // A backslash makes the next character itself, in a class too.
    expect(matching('st\\*ar')).toEqual(['st*ar']);
    expect(matching('a[\\]]b')).toEqual(['a]b']);
    expect(matching('a[\\-x]b')).toEqual(['a-b', 'axb']);
    expect(matching('\\[x\\]')).toEqual(['[x]']);
    expect(matching('a\\\\b')).toEqual(['a\\b']);
    // Named classes take Unicode characters of their kind.
    expect(matching('[[:upper:]]b')).toEqual(['Ab', 'Éb']);
    expect(matching('[[:lower:]]b')).toEqual(['ab']);
    expect(matching('[[:digit:]]b')).toEqual(['7b']);
    expect(matching('[![:alpha:]]b')).toEqual(['7b']);
    expect(matching('a[[:punct:]]b')).toEqual(['a]b', 'a-b', 'a\\b']);
    expect(() => compileGlobs(['[[:loud:]]'])).toThrowError(expect.objectContaining({ code: 'BAD_NAME', message: 'exclude pattern "[[:loud:]]" is not valid: unknown character class [:loud:]' }));
  });

  it('refuse a class the RegExp cannot take, naming the pattern', () => {
    expect(() => compileGlobs(['[z-a]*'])).toThrowError(expect.objectContaining({ code: 'BAD_NAME', message: expect.stringMatching(/^exclude pattern "\[z-a\]\*" is not valid: /) }));
  });
});

describe('withTempFile', () => {
  it('removes the temporary file when the work fails, leaving the target alone', async () => {
    const dir = path.join(root, 'temp-fail');
    mkdirSync(dir);
    const target = path.join(dir, 'out.zip');
    writeFileSync(target, 'old');
    await expect(
      withTempFile(
        target,
        async (handle) => {
          await handle.write('partial');
          throw new Error('boom');
        },
        { onExists: 'replace' },
      ),
    ).rejects.toThrow('boom');
    expect(readdirSync(dir)).toEqual(['out.zip']);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('says in words why a finished file could not be put in place: its folder gone, or its temporary file removed', async () => {
    for (const onExists of ['replace', 'unique'] as const) {
      const dir = path.join(root, `temp-gone-${onExists}`);
      mkdirSync(dir);
      const target = path.join(dir, 'out.zip');
      await expect(withTempFile(target, async () => rmSync(dir, { recursive: true }), { onExists })).rejects.toMatchObject({
        code: 'IO',
        message: `folder ${dir} is gone: moved or deleted while the file was written`,
      });
      mkdirSync(dir);
      await expect(withTempFile(target, async (_handle, tempPath) => rmSync(tempPath), { onExists })).rejects.toMatchObject({
        code: 'IO',
        message: `the temporary file beside ${target} was removed before it was complete`,
      });
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it.runIf(process.platform === 'linux' && existsSync('/proc/self/fd'))('leaves no temporary file in a folder moved away while the file was made, when that fails it or it is cancelled', async () => {
    // Removed by its path, which then named nothing: the moved folder kept `.out.zip.XXXX.zipdesk-tmp`,
    // a whole archive when the move failed the rename.
    for (const onExists of ['replace', 'unique'] as const) {
      const dir = path.join(root, `temp-moved-${onExists}`);
      const moved = `${dir}-away`;
      mkdirSync(dir);
      await expect(withTempFile(path.join(dir, 'out.zip'), async (handle) => (await handle.write('whole'), renameSync(dir, moved)), { onExists })).rejects.toMatchObject({
        message: `folder ${dir} is gone: moved or deleted while the file was written`,
      });
      expect(readdirSync(moved)).toEqual([]);
      rmSync(moved, { recursive: true });
      mkdirSync(dir);
      const cancelled = new ZipError('CANCELLED', 'cancelled');
      await expect(withTempFile(path.join(dir, 'out.zip'), async () => (renameSync(dir, moved), Promise.reject(cancelled)), { onExists })).rejects.toBe(cancelled);
      expect(readdirSync(moved)).toEqual([]);
    }
    // A create, its folder moved as it deflates.
    const sources = path.join(root, 'moved-sources');
    mkdirSync(sources);
    for (let i = 0; i < 3; i++) writeFileSync(path.join(sources, `f${i}.txt`), random(2_000_000).toString('base64'));
    const dir = path.join(root, 'create-moved');
    mkdirSync(dir);
    let away = false;
    const onProgress = (p: CreateProgress): void => {
      if (away || p.bytesDone === 0) return;
      renameSync(dir, `${dir}-away`);
      away = true;
    };
    await expect(createArchive({ outputPath: path.join(dir, 'out.zip'), sources: [sources], onProgress })).rejects.toMatchObject({ message: `folder ${dir} is gone: moved or deleted while the file was written` });
    expect(readdirSync(`${dir}-away`)).toEqual([]);
  });

  it.runIf(existsSync('/sys/kernel') && existsSync('/proc/self'))('says in words why the target\'s folder takes no file, and does not call a folder that is there missing', async () => {
    // /sys takes no new file (EACCES, root too), /proc neither (ENOENT, though it is there). They
    // said 'cannot write in /sys (EACCES)' and 'folder /proc does not exist'.
    let worked = false;
    const work = async () => void (worked = true);
    await expect(withTempFile('/sys/out.zip', work)).rejects.toMatchObject({ code: 'IO', message: 'cannot write in /sys: permission denied' });
    await expect(withTempFile('/proc/out.zip', work)).rejects.toMatchObject({ code: 'IO', message: 'cannot write in /proc: no such file or directory' });
    await expect(withTempFile(path.join(root, 'no-such-folder', 'out.zip'), work)).rejects.toMatchObject({ code: 'IO', message: `folder ${path.join(root, 'no-such-folder')} does not exist` });
    expect(worked).toBe(false);
  });

  it('refuses a name longer than a file system allows before any work, and a numbered one that grows too long', async () => {
    const dir = path.join(root, 'temp-long');
    mkdirSync(dir);
    let worked = false;
    const work = async () => void (worked = true);
    await expect(withTempFile(path.join(dir, `${'f'.repeat(253)}.zip`), work, { onExists: 'unique' })).rejects.toMatchObject({
      code: 'BAD_NAME',
      message: 'the name is longer than the 255 bytes a file name may have',
    });
    expect(worked).toBe(false);
    const fits = path.join(dir, `${'f'.repeat(251)}.zip`); // 255 bytes; "… (2).zip" would be 259
    writeFileSync(fits, 'taken');
    await expect(withTempFile(fits, work, { onExists: 'unique' })).rejects.toMatchObject({ code: 'BAD_NAME' });
    expect(readdirSync(dir)).toEqual([path.basename(fits)]);
    // create says so too, before it looks at what is at the target.
    await expect(createArchive({ outputPath: path.join(dir, `${'f'.repeat(253)}.zip`), sources: [fits] })).rejects.toMatchObject({ code: 'BAD_NAME' });
    expect(readdirSync(dir)).toEqual([path.basename(fits)]);
  });

  it("places the result: 'fail' keeps an existing file, 'unique' numbers, 'replace' replaces", async () => {
    const dir = path.join(root, 'temp-place');
    mkdirSync(dir);
    const target = path.join(dir, 'a.zip');
    const write = (text: string) => async (handle: import('node:fs/promises').FileHandle) => void (await handle.write(text));
    expect((await withTempFile(target, write('1'))).finalPath).toBe(target);
    await expect(withTempFile(target, write('2'))).rejects.toMatchObject({ code: 'EXISTS' });
    expect((await withTempFile(target, write('3'), { onExists: 'unique' })).finalPath).toBe(path.join(dir, 'a (2).zip'));
    expect((await withTempFile(target, write('4'), { onExists: 'unique' })).finalPath).toBe(path.join(dir, 'a (3).zip'));
    // A new file's mode is the umask's; one that replaces another keeps that one's permissions (0600 stays private).
    expect(statSync(target).mode & 0o7777).toBe(0o666 & ~process.umask());
    chmodSync(target, 0o600);
    await withTempFile(target, write('5'), { onExists: 'replace' });
    expect(readdirSync(dir).sort()).toEqual(['a (2).zip', 'a (3).zip', 'a.zip']);
    expect(readFileSync(target, 'utf8')).toBe('5');
    expect(statSync(target).mode & 0o7777).toBe(0o600);
    expect(numberedName('/x/archive.tar.zip', 4)).toBe('/x/archive.tar (4).zip');
    // A folder that is missing, or a file: said so.
    await expect(withTempFile(path.join(dir, 'nowhere', 'x.zip'), write('8'))).rejects.toMatchObject({ code: 'IO', message: `folder ${path.join(dir, 'nowhere')} does not exist` });
    await expect(withTempFile(path.join(target, 'x.zip'), write('8'))).rejects.toMatchObject({ code: 'IO', message: `${target} is not a folder: a file is in its place or on its path` });
    // A name numbered already (a batch planned "a (2).zip", then another job took it) goes on from its number…
    expect((await withTempFile(path.join(dir, 'a (2).zip'), write('6'), { onExists: 'unique', numbered: { base: target, from: 2 } })).finalPath).toBe(path.join(dir, 'a (4).zip'));
    // …but a name's own "(7)" is not a number to go on from.
    writeFileSync(path.join(dir, 'Scan (007).zip'), 'taken');
    expect((await withTempFile(path.join(dir, 'Scan (007).zip'), write('7'), { onExists: 'unique' })).finalPath).toBe(path.join(dir, 'Scan (007) (2).zip'));
  });
  it("'fail' refuses a named pipe or a dangling link at the target as taken, without opening it", async () => {
    const dir = path.join(root, 'temp-special');
    mkdirSync(dir);
    const pipe = path.join(dir, 'pipe.zip');
    execFileSync('mkfifo', [pipe]);
    // Opened to see whether it existed, the pipe made the job wait for a writer, for good; should
    // that come back, the test times out, and opening the pipe for writing lets the thread go.
    onTestFinished(() => {
      try {
        closeSync(openSync(pipe, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
      } catch {
        // no reader waiting on it
      }
    });
    const write = async (handle: import('node:fs/promises').FileHandle): Promise<void> => void (await handle.write('x'));
    await expect(withTempFile(pipe, write)).rejects.toMatchObject({ code: 'EXISTS' });
    const dangling = path.join(dir, 'dangling.zip');
    symlinkSync(path.join(dir, 'nowhere'), dangling);
    await expect(withTempFile(dangling, write)).rejects.toMatchObject({ code: 'EXISTS' });
    expect(readdirSync(dir).sort()).toEqual(['dangling.zip', 'pipe.zip']);
    expect(statSync(pipe).isFIFO()).toBe(true);
  });
});

/** create's walk over one folder, nothing excluded, links kept: each entry to `onEntry`, in archive order. */
async function walkEach(folder: string, outputPath: string, onEntry: (entry: PlannedEntry) => void): Promise<void> {
  await walk([folder], { outputPath, exclude: () => false, followSymlinks: false, log: silentLog, signal: undefined, onEntry });
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('writing the archive', () => {
  it('a failed write (a full disk: /dev/full) is the archive\'s problem, never attributed to an entry', async () => {
    const handle = await open('/dev/full', 'w');
    try {
      const error = await writeAll(handle, Buffer.alloc(1000), 0).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'IO', message: 'cannot write the archive: the disk is full' });
      expect((error as ZipError).withEntry('a.txt').entry).toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});

describe('deflateTransient', () => {
  // Level 1 deflates with memLevel 9 (compress-work.ts zlibOptions), the others with zlib's default 8.
  const zlibOf = (options: { level: number }) => ({ ...options, memLevel: options.level === 1 ? 9 : 8 });

  it("gives deflateRawSync's bytes, into one reused buffer", () => {
    const dictionary = text(32 * 1024, 5);
    const inputs = [Buffer.alloc(0), Buffer.from('x'), text(100_000, 1), random(300_000), random(3 << 20)];
    const options = [{ level: 6 }, { level: 1, dictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH }, { level: 9, finishFlush: zlib.constants.Z_FINISH }];
    for (const input of inputs) {
      for (const option of options) expect(deflateTransient(input, option).equals(zlib.deflateRawSync(input, zlibOf(option)))).toBe(true);
    }
    // Transient: the next call's result lies in the same memory.
    const first = deflateTransient(text(5000, 2), { level: 6 });
    const second = deflateTransient(text(7000, 3), { level: 6 });
    expect(first.buffer).toBe(second.buffer);
  });

  it('through the reset stream, gives data that inflates back, file after file; without it, deflateRawSync\'s bytes', () => {
    // Real source files, one after the other as a helper deflates a batch of small files.
    const files = readdirSync(path.join(projectRoot, 'node_modules/typescript/lib'))
      .filter((name) => name.endsWith('.d.ts'))
      .map((name) => readFileSync(path.join(projectRoot, 'node_modules/typescript/lib', name)).subarray(0, 200_000));
    expect(files.length).toBeGreaterThan(50);
    for (const [i, file] of files.entries()) {
      const level = i % 5 === 0 ? 1 : 6;
      expect(zlib.inflateRawSync(deflateTransient(file, { level, reuse: true })).equals(file)).toBe(true);
      expect(deflateTransient(file, { level }).equals(zlib.deflateRawSync(file, zlibOf({ level })))).toBe(true);
    }
  });
});

describe('deflateTransient with spans kept as they are', () => {
  /** Text with random runs (each shorter than a stored block: found whole in the output) at `runs`. */
  function mixed(length: number, runs: readonly [number, number][]): Buffer {
    const data = text(length, 4);
    for (const [start, end] of runs) random(end - start).copy(data, start);
    return data;
  }
  const runs: [number, number][] = [[0, 3000], [20_000, 60_000], [60_500, 61_000], [150_000, 190_000], [290_000, 300_000]];
  const data = mixed(300_000, runs);
  const asIs = runs.flat();

  it('stores the spans verbatim and deflates the rest, through the reused stream, a fresh one, and a block with a dictionary', () => {
    const dictionary = text(32 * 1024, 9);
    const cases = [{ level: 6, reuse: true }, { level: 6 }, { level: 1, reuse: true }, { level: 9, dictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH }];
    for (const options of cases) {
      const deflated = Buffer.from(deflateTransient(data, { ...options, asIs }));
      // A sync-flushed block is ended by a final empty block to inflate it on its own.
      const whole = options.finishFlush === undefined ? deflated : Buffer.concat([deflated, Buffer.from([0x03, 0x00])]);
      expect(zlib.inflateRawSync(whole, options.dictionary ? { dictionary: options.dictionary } : {}).equals(data), JSON.stringify(options)).toBe(true);
      for (const [start, end] of runs) expect(deflated.includes(data.subarray(start, end)), `${start}–${end}`).toBe(true);
      // Deflated: the text between them (196 KB of it) shrinks as it does alone.
      const random = runs.reduce((sum, [start, end]) => sum + end - start, 0);
      expect(deflated.length).toBeLessThan(random + (data.length - random) / 2);
    }
    // Without the spans, the random runs are deflated like the rest (and not found whole).
    expect(deflateTransient(data, { level: 6 }).includes(data.subarray(20_000, 60_000))).toBe(false);
  });

  it('leaves the reused stream at its level, and ignores spans out of order or out of range', () => {
    const plain = text(200_000, 6);
    const alone = deflateTransient(plain, { level: 6 }).length;
    deflateTransient(data, { level: 6, reuse: true, asIs: [100_000, data.length] });
    // Ended in a stored span (level 0): the next file through the stream is deflated at 6 again.
    const after = deflateTransient(plain, { level: 6, reuse: true });
    expect(zlib.inflateRawSync(after).equals(plain)).toBe(true);
    expect(after.length).toBeLessThan(alone * 1.01);
    for (const odd of [[5000, 4000], [-10, 100], [0, data.length + 1], [50_000, 60_000, 40_000, 45_000]]) {
      const deflated = deflateTransient(data, { level: 6, reuse: true, asIs: odd });
      expect(zlib.inflateRawSync(deflated).equals(data), JSON.stringify(odd)).toBe(true);
    }
  });
});

/**
 * Zips `top` in `dir`: a.txt, five files of `before(n)`, then c.txt of `last`; once two entries are
 * written, `replace` is given c.txt's path (after `prepare`, run on it once it is made). The job's
 * error (or its result). Ahead of the writer go 3 MiB of small files (create.ts AHEAD_BYTES: three
 * files of 1 MiB, each a batch of its own) and three large files (large-files.ts FILES_AHEAD):
 * c.txt comes after five of either, so it is not yet opened when the writer has written the first.
 */
/**
 * The last file of a tree read whole on a helper (small) or in blocks (large), after five others
 * of the sizes `before` gives: the cases of the tests that change it while the job runs.
 */
const SMALL_AND_LARGE = [
  { top: 'small', before: (n: number) => text(1024 * 1024, n), size: 100 },
  { top: 'large', before: (n: number) => text(1_500_000 + n, n), size: 3_000_000 },
];

async function createReplacingLast(dir: string, top: string, before: (n: number) => Buffer, last: Buffer, replace: (cPath: string) => void, prepare?: (cPath: string) => void): Promise<unknown> {
  const base = writeTree(dir, top, [
    { name: 'a.txt', kind: 'file', data: text(100) },
    ...[1, 2, 3, 4, 5].map((n) => ({ name: `b${n}.txt`, kind: 'file' as const, data: before(n) })),
    { name: 'c.txt', kind: 'file', data: last },
  ]);
  const cPath = path.join(base, 'c.txt');
  prepare?.(cPath);
  let done = false;
  const error = await createArchive({
    outputPath: path.join(dir, `${top}.zip`),
    sources: [base],
    onProgress: (p) => {
      if (!done && p.entriesDone >= 2) {
        done = true;
        replace(cPath);
      }
    },
  }).catch((e: unknown) => e);
  expect(done).toBe(true);
  return error;
}

describe('createArchive', () => {
  it('keeps the compressed members of zip containers as they are, small and large (in blocks), on helpers or not', async () => {
    const dir = path.join(root, 'containers');
    mkdirSync(dir, { recursive: true });
    // Containers made by Python's zipfile: deflated members of random bytes (deflate cannot
    // shrink them; zipfile still records them deflated) between deflated text members.
    const container = (name: string, members: number): Buffer => {
      const file = path.join(dir, name);
      execFileSync('python3', [
        '-c',
        `import sys, zipfile, random
r = random.Random(int(sys.argv[2]))
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(int(sys.argv[2])):
        z.writestr('m%03d.bin' % i, r.randbytes(r.randrange(5000, 40000)))
        z.writestr('t%03d.txt' % i, ('line %d of member %d\\n' % (i, i)).encode() * 200)`,
        file,
        String(members),
      ]);
      return readFileSync(file);
    };
    const small = container('small.jar', 12);
    const large = container('large.zip', 150);
    expect(large.length).toBeGreaterThan(3 << 20);
    const base = writeTree(dir, 'c', [
      { name: 'small.jar', kind: 'file', data: small },
      { name: 'large.zip', kind: 'file', data: large },
      { name: 'note.txt', kind: 'file', data: text(2000) },
    ]);
    const archives = [path.join(dir, 'helpers.zip'), path.join(dir, 'here.zip')];
    await createArchive({ outputPath: archives[0]!, sources: [base], deterministic: true, helperThread: true });
    await createArchive({ outputPath: archives[1]!, sources: [base], deterministic: true, helperThread: false });
    expect(readFileSync(archives[0]!).equals(readFileSync(archives[1]!))).toBe(true);
    execFileSync('unzip', ['-tqq', archives[0]!]);
    const out = path.join(dir, 'out');
    execFileSync('unzip', ['-qq', archives[0]!, '-d', out]);
    expect(readFileSync(path.join(out, 'c/small.jar')).equals(small)).toBe(true);
    expect(readFileSync(path.join(out, 'c/large.zip')).equals(large)).toBe(true);
    // Each deflated member's bytes are in the archive whole (one stored block: shorter than
    // 64 KiB), unless it crosses from one 1 MiB block of the large file to the next.
    const written = readFileSync(archives[0]!);
    for (const [name, bytes] of [['small', small], ['large', large]] as const) {
      const spans = compressedMemberSpans(bytes.length, (at, length) => bytes.subarray(at, at + length))!;
      expect(spans.length, name).toBeGreaterThanOrEqual(name === 'small' ? 24 : 300);
      for (let i = 0; i < spans.length; i += 2) {
        const [start, end] = [spans[i]!, spans[i + 1]!];
        if (Math.floor(start / (1 << 20)) !== Math.floor((end - 1) / (1 << 20))) continue;
        expect(written.includes(bytes.subarray(start, end)), `${name} ${start}–${end}`).toBe(true);
      }
    }
  });

  it('compressing on helper threads or on the calling thread gives the same bytes', async () => {
    const dir = path.join(root, 'helpers');
    const files = Array.from({ length: 300 }, (_, i) => ({ name: `src/f${String(i).padStart(3, '0')}.txt`, kind: 'file' as const, data: text(100 + i * 97, i) }));
    const base = writeTree(dir, 'tree', [
      ...files,
      { name: 'big.txt', kind: 'file', data: text(3_500_000, 3) },
      { name: 'mid.bin', kind: 'file', data: random(700_000) },
      { name: 'empty.txt', kind: 'file', data: Buffer.alloc(0) },
    ]);
    const onHelpers = path.join(dir, 'helpers.zip');
    const here = path.join(dir, 'here.zip');
    await createArchive({ outputPath: onHelpers, sources: [base], deterministic: true, helperThread: true });
    await createArchive({ outputPath: here, sources: [base], deterministic: true, helperThread: false });
    expect(readFileSync(onHelpers).equals(readFileSync(here))).toBe(true);
    execFileSync('unzip', ['-tqq', onHelpers]);
  });

  it('writes large files of every kind in a row, deflated ahead of the writer, each the way it was planned', async () => {
    // The feeder (large-files.ts) opens and deflates large files ahead of the writer: stored and
    // deflated ones in a row, small ones between them, and a .jar (deflated at level 1 unsampled,
    // compress-plan.ts) of random bytes, which does not shrink: written deflated, rewound, stored.
    const dir = path.join(root, 'large');
    const base = writeTree(dir, 'l', [
      { name: 'a-text.txt', kind: 'file', data: text(3_200_000, 1) },
      { name: 'b-packed.gz', kind: 'file', data: random(1_500_000) },
      { name: 'c-small.txt', kind: 'file', data: text(5_000, 3) },
      { name: 'd-noise.dat', kind: 'file', data: random(2_500_000) },
      { name: 'e-random.jar', kind: 'file', data: random(2_300_000) },
      { name: 'f-text.txt', kind: 'file', data: text(2_100_000, 5) },
      { name: 'g-small.txt', kind: 'file', data: text(900, 6) },
      { name: 'h-text.txt', kind: 'file', data: text(1_048_577, 8) },
    ]);
    const archives = [path.join(dir, 'helpers.zip'), path.join(dir, 'here.zip')];
    await createArchive({ outputPath: archives[0]!, sources: [base], deterministic: true, helperThread: true });
    await createArchive({ outputPath: archives[1]!, sources: [base], deterministic: true, helperThread: false });
    expect(readFileSync(archives[0]!).equals(readFileSync(archives[1]!))).toBe(true);
    // zipinfo's sixth column is the method ("defN", "stor"); `unzip -t` checks every CRC.
    const listing = execFileSync('unzip', ['-Z', archives[0]!], { encoding: 'utf8' }).split('\n');
    const methods = Object.fromEntries(listing.filter((line) => line.includes(' l/') && !line.endsWith('/')).map((line) => [line.split(/\s+/).at(-1), line.split(/\s+/)[5]]));
    expect(methods).toEqual({
      'l/a-text.txt': 'defN',
      'l/b-packed.gz': 'stor',
      'l/c-small.txt': 'defN',
      'l/d-noise.dat': 'stor',
      'l/e-random.jar': 'stor',
      'l/f-text.txt': 'defN',
      'l/g-small.txt': 'defN',
      'l/h-text.txt': 'defN',
    });
    execFileSync('unzip', ['-tqq', archives[0]!]);
    const out = path.join(dir, 'out');
    execFileSync('unzip', ['-qq', archives[0]!, '-d', out]);
    for (const file of readdirSync(path.join(base))) expect(readFileSync(path.join(out, 'l', file)).equals(readFileSync(path.join(base, file))), file).toBe(true);
  });

  it('deterministic: the same input gives identical bytes, whatever the files’ times', async () => {
    const dir = path.join(root, 'det');
    const base = writeTree(dir, 'tree', [
      { name: 'b.txt', kind: 'file', data: text(5000) },
      { name: 'a/z.bin', kind: 'file', data: random(300_000) },
      { name: 'a/big.txt', kind: 'file', data: text(3_000_000, 9) },
      { name: 'empty', kind: 'directory' },
      { name: 'ln', kind: 'symlink', target: 'b.txt' },
    ]);
    const first = path.join(dir, 'one.zip');
    const second = path.join(dir, 'two.zip');
    await createArchive({ outputPath: first, sources: [base], deterministic: true });
    utimesSync(path.join(base, 'b.txt'), new Date(), new Date());
    await createArchive({ outputPath: second, sources: [base], deterministic: true });
    expect(readFileSync(first).equals(readFileSync(second))).toBe(true);
    const listing = execFileSync('unzip', ['-Z1', first], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['tree/', 'tree/a/', 'tree/a/big.txt', 'tree/a/z.bin', 'tree/b.txt', 'tree/empty/', 'tree/ln']);
    // The sources are taken in byte order of their names too, not in the order given.
    const other = writeTree(dir, 'other', [{ name: 'o.txt', kind: 'file', data: text(10) }]);
    await createArchive({ outputPath: first, sources: [base, other], deterministic: true });
    await createArchive({ outputPath: second, sources: [other, base], deterministic: true });
    expect(readFileSync(first).equals(readFileSync(second))).toBe(true);
  });

  it('deterministic: the same files made under another umask give identical bytes, with the permissions tar --mode=go=rX,u+rw,a-s gives', async () => {
    const dir = path.join(root, 'det-umask');
    const made = (name: string, file: number, run: number, folder: number): string => {
      const base = writeTree(dir, name, [
        { name: 'a.txt', kind: 'file', data: text(5000) },
        { name: 'sub/run.sh', kind: 'file', data: text(100, 2) },
        { name: 'sub/big.txt', kind: 'file', data: text(2_000_000, 3) },
        { name: 'empty', kind: 'directory' },
        { name: 'ln', kind: 'symlink', target: 'a.txt' },
      ]);
      for (const f of ['a.txt', 'sub/big.txt']) chmodSync(path.join(base, f), file);
      chmodSync(path.join(base, 'sub/run.sh'), run);
      for (const d of ['sub', 'empty', '.']) chmodSync(path.join(base, d), folder);
      return base;
    };
    // As a checkout leaves them under umask 022, 002 and 077 (and a setgid folder).
    const archives = [made('t022', 0o644, 0o755, 0o755), made('t002', 0o664, 0o775, 0o2775), made('t077', 0o600, 0o700, 0o700)].map((base, i) => {
      const from = path.join(dir, `from${i}`);
      mkdirSync(from);
      renameSync(base, path.join(from, 'tree'));
      return path.join(from, 'tree');
    });
    const bytes = [];
    for (const source of archives) {
      const archive = `${path.dirname(source)}.zip`;
      await createArchive({ outputPath: archive, sources: [source], deterministic: true });
      bytes.push(readFileSync(archive));
    }
    expect(bytes[1]!.equals(bytes[0]!)).toBe(true);
    expect(bytes[2]!.equals(bytes[0]!)).toBe(true);
    const modes = execFileSync('python3', ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, oct(i.external_attr >> 16))', `${path.dirname(archives[0]!)}.zip`], { encoding: 'utf8' });
    expect(modes.trim().split('\n')).toEqual(['tree/ 0o40755', 'tree/a.txt 0o100644', 'tree/empty/ 0o40755', 'tree/ln 0o120777', 'tree/sub/ 0o40755', 'tree/sub/big.txt 0o100644', 'tree/sub/run.sh 0o100755']);
  });

  it("marks a file or folder its owner cannot write read-only in the DOS attributes too, as Info-ZIP's zip does (Windows goes by them)", async () => {
    const dir = path.join(root, 'read-only');
    const base = writeTree(dir, 'tree', [
      { name: 'ro.txt', kind: 'file', data: Buffer.from('r'), mode: 0o444 },
      { name: 'rw.txt', kind: 'file', data: Buffer.from('w'), mode: 0o644 },
      { name: 'locked/in.txt', kind: 'file', data: Buffer.from('i'), mode: 0o644 },
    ]);
    chmodSync(path.join(base, 'locked'), 0o555);
    const ours = path.join(dir, 'ours.zip');
    const theirs = path.join(dir, 'theirs.zip');
    await createArchive({ outputPath: ours, sources: [base] });
    execFileSync('zip', ['-qr', theirs, 'tree'], { cwd: dir });
    const attributes = (archive: string) => execFileSync('python3', ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, hex(i.external_attr & 0xff))', archive], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(attributes(ours)).toEqual(['tree/ 0x10', 'tree/locked/ 0x11', 'tree/locked/in.txt 0x0', 'tree/ro.txt 0x1', 'tree/rw.txt 0x0']);
    expect(attributes(ours)).toEqual(attributes(theirs));
    chmodSync(path.join(base, 'locked'), 0o755);
  });

  it('reports progress while the files are still being found (counting), then against the final totals', async () => {
    // Many folders: the walk yields at each, and the writer writes what it has found meanwhile.
    const dir = path.join(root, 'counting');
    const base = writeTree(
      dir,
      'tree',
      Array.from({ length: 600 }, (_, i) => ({ name: `d${i}/f.txt`, kind: 'file' as const, data: text(100 + i) })),
    );
    const seen: CreateProgress[] = [];
    const result = await createArchive({ outputPath: path.join(dir, 'c.zip'), sources: [base], onProgress: (p) => seen.push(p) });
    const counting = seen.filter((p) => p.counting === true);
    expect(counting.length).toBeGreaterThan(0);
    // Counting comes first; its totals only grow and are never below what is done.
    const firstFinal = seen.findIndex((p) => p.counting !== true);
    expect(seen.slice(firstFinal).every((p) => p.counting === undefined)).toBe(true);
    expect(firstFinal).toBe(counting.length);
    for (let i = 1; i < counting.length; i++) {
      expect(counting[i]!.entriesTotal).toBeGreaterThanOrEqual(counting[i - 1]!.entriesTotal);
      expect(counting[i]!.bytesTotal).toBeGreaterThanOrEqual(counting[i - 1]!.bytesTotal);
    }
    for (const p of counting) expect(p.entriesDone).toBeLessThanOrEqual(p.entriesTotal);
    expect(counting.at(-1)!.entriesTotal).toBeLessThan(result.entries);
    const last = seen.at(-1)!;
    expect([last.entriesDone, last.entriesTotal, last.bytesDone, last.bytesTotal]).toEqual([result.entries, result.entries, result.inputBytes, result.inputBytes]);
  });

  it('leaves out excluded entries, and never adds the archive to itself', async () => {
    const dir = path.join(root, 'excl');
    const base = writeTree(dir, 'w', [
      { name: 'keep.txt', kind: 'file', data: text(10) },
      { name: 'drop.log', kind: 'file', data: text(10) },
      { name: 'node_modules/x/y.js', kind: 'file', data: text(10) },
    ]);
    const archive = path.join(base, 'self.zip');
    execFileSync('zip', ['-q', archive, 'keep.txt'], { cwd: base }); // an older archive in the tree
    await createArchive({ outputPath: archive, sources: [base], excludes: ['*.log', 'node_modules'] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['w/', 'w/keep.txt']);
    // By the path on disk: that folder, not another of the same name.
    mkdirSync(path.join(base, 'keep', 'node_modules'), { recursive: true });
    await createArchive({ outputPath: archive, sources: [base], excludes: ['*.log', path.join(base, 'node_modules')] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['w/', 'w/keep/', 'w/keep/node_modules/', 'w/keep.txt']);
  });

  it('leaves out only folders for a pattern ending in /: build/ keeps a file named build, and a link to a folder', async () => {
    const dir = path.join(root, 'excl-folders');
    const base = writeTree(dir, 'p', [
      { name: 'build/o.o', kind: 'file', data: text(10) },
      { name: 'src/build', kind: 'file', data: text(10) },
      { name: 'src/lib/build/x.o', kind: 'file', data: text(10) },
    ]);
    symlinkSync('../build', path.join(base, 'src', 'linked'));
    const archive = path.join(dir, 'p.zip');
    const names = () => execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n');
    await createArchive({ outputPath: archive, sources: [base], excludes: ['build/', 'linked/'] });
    expect(names()).toEqual(['p/', 'p/src/', 'p/src/build', 'p/src/lib/', 'p/src/linked']);
    // Followed, the link is a folder, and is left out as one.
    await createArchive({ outputPath: archive, sources: [base], excludes: ['build/', 'linked/'], followSymlinks: true });
    expect(names()).toEqual(['p/', 'p/src/', 'p/src/build', 'p/src/lib/']);
    // From the disk path: that folder only.
    await createArchive({ outputPath: archive, sources: [base], excludes: [`${path.join(base, 'src', 'lib', 'build')}/`] });
    expect(names()).toEqual(['p/', 'p/build/', 'p/build/o.o', 'p/src/', 'p/src/build', 'p/src/lib/', 'p/src/linked']);
    // Without the slash, every path of that name goes.
    await createArchive({ outputPath: archive, sources: [base], excludes: ['build'] });
    expect(names()).toEqual(['p/', 'p/src/', 'p/src/lib/', 'p/src/linked']);
  });

  it('leaves out the archive wherever the walk meets its folder, also through a link to it', async () => {
    const dir = path.join(root, 'self-link');
    const base = writeTree(dir, 't', [
      { name: 'keep.txt', kind: 'file', data: text(10) },
      { name: 'out/note.txt', kind: 'file', data: text(10) },
    ]);
    symlinkSync(path.join(base, 'out'), path.join(dir, 'link'));
    const archive = path.join(dir, 'link', 't.zip');
    const noon = new Date(2001, 0, 1, 12, 0, 0);
    for (let run = 0; run < 2; run++) {
      utimesSync(path.join(base, 'out'), noon, noon);
      await createArchive({ outputPath: archive, sources: [base] });
      expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['t/', 't/keep.txt', 't/out/', 't/out/note.txt']);
      // The folder keeps its own time, not the one this job gave it by making its temporary files there.
      const time = execFileSync('python3', ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("t/out/").date_time)', archive], { encoding: 'utf8' }).trim();
      expect(time).toBe('(2001, 1, 1, 12, 0, 0)');
    }
  });

  it('refuses a comment holding the end record\'s signature, writing nothing', async () => {
    const dir = path.join(root, 'comment-eocd');
    const base = writeTree(dir, 'c', [{ name: 'a.txt', kind: 'file', data: text(10) }]);
    const error = await createArchive({ outputPath: path.join(dir, 'c.zip'), sources: [base], comment: 'x PK\x05\x06 y' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_COMMENT', message: expect.stringMatching(/end record's signature/) });
    expect(readdirSync(dir)).toEqual(['c']);
  });

  it('keeps a modification time past 2038 in the extended timestamp, which unzip and our reader give back', async () => {
    const dir = path.join(root, 'y2040');
    const base = writeTree(dir, 'late', [{ name: 'a.txt', kind: 'file', data: text(10) }]);
    const late = new Date(Date.UTC(2040, 5, 1, 12, 0, 1)); // an odd second: a DOS time could not hold it
    utimesSync(path.join(base, 'a.txt'), late, late);
    const archive = path.join(dir, 'late.zip');
    await createArchive({ outputPath: archive, sources: [base] });
    const source = await openFileSource(archive);
    const entries = await (await openZip(source)).readEntries();
    await source.close();
    expect(entries.find((e) => e.name === 'late/a.txt')!.modified.getTime()).toBe(late.getTime());
    execFileSync('unzip', ['-q', archive, '-d', path.join(dir, 'out')]);
    expect(statSync(path.join(dir, 'out', 'late', 'a.txt')).mtimeMs).toBe(late.getTime());
  });

  it('keeps a modification time before 1970 or after 2106 in the NTFS field, which 7-Zip and our reader give back; the DOS time is clamped', async () => {
    const dir = path.join(root, 'ntfs-times');
    const base = writeTree(dir, 'far', [
      { name: 'early.txt', kind: 'file', data: text(10) },
      { name: 'late.txt', kind: 'file', data: text(10) },
    ]);
    const early = new Date('1965-03-04T05:06:07Z');
    const late = new Date('2200-07-08T09:10:11Z');
    utimesSync(path.join(base, 'early.txt'), early, early);
    utimesSync(path.join(base, 'late.txt'), late, late);
    const archive = path.join(dir, 'far.zip');
    await createArchive({ outputPath: archive, sources: [base] });
    const source = await openFileSource(archive);
    const entries = await (await openZip(source)).readEntries();
    await source.close();
    expect(entries.find((e) => e.name === 'far/early.txt')!.modified.getTime()).toBe(early.getTime());
    expect(entries.find((e) => e.name === 'far/late.txt')!.modified.getTime()).toBe(late.getTime());
    // 7-Zip reads the field; its listing is in local time, as TZ says.
    const listing = execFileSync('7z', ['l', '-slt', archive], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(listing).toContain('Path = far/early.txt\n');
    expect(listing).toMatch(/Path = far\/early\.txt\n(?:.*\n)*?Modified = 1965-03-04 05:06:07/);
    expect(listing).toMatch(/Path = far\/late\.txt\n(?:.*\n)*?Modified = 2200-07-08 09:10:11/);
    // The central and local extra fields hold the NTFS field alone (no extended timestamp, whose
    // four bytes would wrap), and Python, which reads neither, has the DOS time at its limits.
    const python = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name in ('far/early.txt', 'far/late.txt'):
    info = z.getinfo(name)
    with open(sys.argv[1], 'rb') as f:
        f.seek(info.header_offset + 28)
        local_extra_length = int.from_bytes(f.read(2), 'little')
        f.seek(len(info.filename.encode()), 1)
        local_extra = f.read(local_extra_length)
    print(info.date_time, info.extra[:2].hex(), len(info.extra), local_extra == info.extra)
`;
    expect(execFileSync('python3', ['-c', python, archive], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim().split('\n')).toEqual([
      '(1980, 1, 1, 0, 0, 0) 0a00 36 True',
      '(2107, 12, 31, 23, 59, 58) 0a00 36 True',
    ]);
    execFileSync('7z', ['x', `-o${path.join(dir, 'out')}`, archive], { stdio: 'ignore' });
    expect(statSync(path.join(dir, 'out', 'far', 'early.txt')).mtimeMs).toBe(early.getTime());
    expect(statSync(path.join(dir, 'out', 'far', 'late.txt')).mtimeMs).toBe(late.getTime());
  });

  it('an archive made private stays private while it is replaced: its temporary file has its permissions from the start', async () => {
    const dir = path.join(root, 'private');
    const base = writeTree(dir, 'p', [{ name: 'payroll.txt', kind: 'file', data: text(10_000) }]);
    const archive = path.join(dir, 'p.zip');
    await createArchive({ outputPath: archive, sources: [base] });
    chmodSync(archive, 0o600);
    // The temporary file is made at 0666 less the umask (0644 here) and only took the target's
    // 0600 once complete: anyone could open it meanwhile, and read the finished archive through
    // that handle. Asked as the file comes to be, and again while it is written.
    const modes: number[] = [];
    const modeOf = (tempPath: string): number => statSync(tempPath).mode & 0o777;
    let temp: string | undefined;
    await createArchive({
      outputPath: archive,
      sources: [base],
      onTempPath: (tempPath) => {
        temp = tempPath;
        modes.push(modeOf(tempPath));
      },
      onProgress: () => temp !== undefined && existsSync(temp) && modes.push(modeOf(temp)),
    });
    expect(modes.length).toBeGreaterThan(1);
    expect(new Set(modes)).toEqual(new Set([0o600]));
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    // A new archive still gets the umask's permissions, as zip and cp make files.
    const fresh = path.join(dir, 'fresh.zip');
    await createArchive({ outputPath: fresh, sources: [base] });
    expect(statSync(fresh).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('replaces an archive, and refuses a folder, one of the sources, or a file that is not a ZIP, leaving each as it was', async () => {
    const dir = path.join(root, 'targets');
    const base = writeTree(dir, 's', [
      { name: 'notes.txt', kind: 'file', data: text(100) },
      { name: 'old.zip', kind: 'file', data: Buffer.alloc(0) },
      { name: 'folder/x.txt', kind: 'file', data: text(10) },
    ]);
    const notes = readFileSync(path.join(base, 'notes.txt'));
    const refused = async (outputPath: string, sources: string[], message: RegExp): Promise<void> => {
      const error = await createArchive({ outputPath, sources }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'EXISTS', message });
      expect(readdirSync(path.dirname(outputPath)).filter((name) => name.includes('zipdesk-tmp'))).toEqual([]);
    };
    await refused(path.join(base, 'notes.txt'), [path.join(base, 'notes.txt')], /^is also one of the files to archive; not replaced$/);
    await refused(path.join(base, 'notes.txt'), [base], /^exists and is not a ZIP archive; not replaced$/);
    await refused(path.join(base, 'notes.txt'), [path.join(base, 'folder')], /^exists and is not a ZIP archive; not replaced$/);
    await refused(path.join(base, 'folder'), [path.join(base, 'notes.txt')], /^is a folder; not replaced$/);
    expect(readFileSync(path.join(base, 'notes.txt')).equals(notes)).toBe(true);
    expect(readdirSync(path.join(base, 'folder'))).toEqual(['x.txt']);
    // An empty file and an archive (another tool's) are replaced.
    await createArchive({ outputPath: path.join(base, 'old.zip'), sources: [path.join(base, 'notes.txt')] });
    execFileSync('zip', ['-q', path.join(dir, 'other.zip'), 'notes.txt'], { cwd: base });
    await createArchive({ outputPath: path.join(dir, 'other.zip'), sources: [path.join(base, 'folder')] });
    expect(execFileSync('unzip', ['-Z1', path.join(dir, 'other.zip')], { encoding: 'utf8' }).trim().split('\n')).toEqual(['folder/', 'folder/x.txt']);
  });

  it('refuses a file whose name readers would take for another path, and writes nothing', async () => {
    for (const [name, reason] of [
      ['a\\b.txt', /bs\/a\\b\.txt: the name holds a backslash/],
      ['..\\..\\evil.txt', /the name holds a backslash/],
    ] as const) {
      const dir = path.join(root, `names-${readdirSync(root).length}`);
      const base = writeTree(dir, 'bs', [{ name: 'ok.txt', kind: 'file', data: text(10) }]);
      writeFileSync(path.join(base, name), 'x');
      const error = await createArchive({ outputPath: path.join(dir, 'bs.zip'), sources: [base] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_NAME', entry: `bs/${name}` });
      expect(`${(error as ZipError).entry}: ${(error as Error).message}`).toMatch(reason);
      expect(readdirSync(dir)).toEqual(['bs']);
    }
    const dir = path.join(root, 'drive');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'C:x.txt'), 'x');
    const error = await createArchive({ outputPath: path.join(dir, 'd.zip'), sources: [path.join(dir, 'C:x.txt')] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_NAME', entry: 'C:x.txt', message: expect.stringMatching(/^the name starts with the drive letter C:/) });
  });

  it('refuses two sources that give one entry name, and writes nothing; sources of different names are one archive', async () => {
    const dir = path.join(root, 'twice');
    const first = writeTree(path.join(dir, 'a'), 'x', [{ name: 'one.txt', kind: 'file', data: text(10) }]);
    const second = writeTree(path.join(dir, 'b'), 'x', [{ name: 'two.txt', kind: 'file', data: text(20) }]);
    const other = writeTree(path.join(dir, 'c'), 'y', [{ name: 'one.txt', kind: 'file', data: text(30) }]);
    const error = await createArchive({ outputPath: path.join(dir, 'x.zip'), sources: [first, other, second] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_NAME', entry: 'x/', message: 'two sources give the same entry name "x"' });
    expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'c']);
    // A file and a folder of one name are one path too: no extraction could make both.
    writeFileSync(path.join(dir, 'c', 'x'), 'a file');
    for (const sources of [[path.join(dir, 'c', 'x'), second], [second, path.join(dir, 'c', 'x')]]) {
      const mixed = await createArchive({ outputPath: path.join(dir, 'x.zip'), sources }).catch((e: unknown) => e);
      expect(mixed).toMatchObject({ code: 'BAD_NAME', message: 'two sources give the same entry name "x"' });
    }
    rmSync(path.join(dir, 'c', 'x'));
    expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'c']);
    await createArchive({ outputPath: path.join(dir, 'xy.zip'), sources: [first, other] });
    expect(execFileSync('unzip', ['-Z1', path.join(dir, 'xy.zip')], { encoding: 'utf8' }).trim().split('\n')).toEqual(['x/', 'x/one.txt', 'y/', 'y/one.txt']);
  });

  it('following links, skips links in a loop of links; a source given as `link/` is the folder it points to', async () => {
    const dir = path.join(root, 'link-loops');
    const base = writeTree(dir, 'lp', [
      { name: 'f.txt', kind: 'file', data: text(10) },
      { name: 'self', kind: 'symlink', target: 'self' },
      { name: 'l1', kind: 'symlink', target: 'l2' },
      { name: 'l2', kind: 'symlink', target: 'l1' },
      { name: 'up', kind: 'symlink', target: '.' },
    ]);
    const archive = path.join(dir, 'lp.zip');
    const followed = await createArchive({ outputPath: archive, sources: [base], followSymlinks: true });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['lp/', 'lp/f.txt']);
    expect([followed.skipped, followed.skippedCount]).toEqual([
      [
        { name: 'lp/l1', reason: 'a link in a loop of links', kind: 'LINK_LOOP' },
        { name: 'lp/l2', reason: 'a link in a loop of links', kind: 'LINK_LOOP' },
        { name: 'lp/self', reason: 'a link in a loop of links', kind: 'LINK_LOOP' },
        { name: 'lp/up', reason: 'a link to a folder it lies in (a loop)', kind: 'FOLDER_LOOP' },
      ],
      4,
    ]);
    // Not following: every link is stored as a link.
    await createArchive({ outputPath: archive, sources: [base] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['lp/', 'lp/f.txt', 'lp/l1', 'lp/l2', 'lp/self', 'lp/up']);
    symlinkSync('lp', path.join(dir, 'dirlink'));
    await createArchive({ outputPath: archive, sources: [path.join(dir, 'dirlink') + '/'] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['dirlink/', 'dirlink/f.txt', 'dirlink/l1', 'dirlink/l2', 'dirlink/self', 'dirlink/up']);
    await createArchive({ outputPath: archive, sources: [path.join(dir, 'dirlink')] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['dirlink']);
  });

  it('leaves out the archive it replaces when a followed link or a hard link in the sources is it, and names it', async () => {
    const dir = path.join(root, 'link-to-output');
    const base = writeTree(dir, 'r', [
      { name: 'f.txt', kind: 'file', data: text(10) },
      { name: 'old.zip', kind: 'symlink', target: '../r.zip' },
    ]);
    const archive = path.join(dir, 'r.zip');
    await createArchive({ outputPath: archive, sources: [path.join(base, 'f.txt')] });
    const again = await createArchive({ outputPath: archive, sources: [base], followSymlinks: true });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['r/', 'r/f.txt']);
    expect(again.skipped).toEqual([{ name: 'r/old.zip', reason: 'the archive this job replaces', kind: 'REPLACED_ARCHIVE' }]);
    linkSync(archive, path.join(base, 'hard.zip'));
    const hard = await createArchive({ outputPath: archive, sources: [base] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['r/', 'r/f.txt', 'r/old.zip']);
    expect(hard.skipped).toEqual([{ name: 'r/hard.zip', reason: 'the archive this job replaces', kind: 'REPLACED_ARCHIVE' }]);
  });

  it('leaves out named pipes and sockets, never reading them, and names each in the result', async () => {
    const dir = path.join(root, 'special');
    const base = writeTree(dir, 'sp', [{ name: 'f.txt', kind: 'file', data: text(10) }, { name: 'z.txt', kind: 'file', data: text(20) }]);
    // Real ones: reading the pipe would wait for a writer that never comes.
    execFileSync('mkfifo', [path.join(base, 'pipe')]);
    execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path.join(base, 'sock')]);
    const archive = path.join(dir, 'sp.zip');
    const result = await createArchive({ outputPath: archive, sources: [base] });
    expect([result.entries, result.skipped, result.skippedCount]).toEqual([
      3,
      [
        { name: 'sp/pipe', reason: 'a named pipe (FIFO), not a file, folder or link', kind: 'FIFO' },
        { name: 'sp/sock', reason: 'a socket, not a file, folder or link', kind: 'SOCKET' },
      ],
      2,
    ]);
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' }).trim().split('\n')).toEqual(['sp/', 'sp/f.txt', 'sp/z.txt']);
    // A pipe given as the source itself: nothing to archive, and the job says why, writing nothing.
    await expect(createArchive({ outputPath: path.join(dir, 'pipe.zip'), sources: [path.join(base, 'pipe')] })).rejects.toMatchObject({
      code: 'NOTHING_TO_ARCHIVE',
      message: 'nothing to archive: pipe is left out: a named pipe (FIFO), not a file, folder or link',
      kind: 'LEFT_OUT.FIFO',
      params: { name: 'pipe' },
    });
    await expect(createArchive({ outputPath: path.join(dir, 'pipe.zip'), sources: [path.join(base, 'pipe'), path.join(base, 'sock')] })).rejects.toMatchObject({
      message: 'nothing to archive: pipe is left out: a named pipe (FIFO), not a file, folder or link (and 1 more left out)',
      kind: 'LEFT_OUT_MORE.FIFO',
      params: { name: 'pipe', more: 1 },
    });
    // Everything excluded: the archive already at the target stays as it was.
    const before = readFileSync(archive);
    await expect(createArchive({ outputPath: archive, sources: [base], excludes: ['sp'] })).rejects.toMatchObject({ code: 'NOTHING_TO_ARCHIVE', message: 'nothing to archive: every path is excluded', kind: 'EXCLUDED' });
    expect(readFileSync(archive).equals(before)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['sp', 'sp.zip']);
    // A tree without any: none.
    const plain = await createArchive({ outputPath: path.join(dir, 'plain.zip'), sources: [path.join(base, 'f.txt')] });
    expect([plain.skipped, plain.skippedCount]).toEqual([[], 0]);
  });

  it('stores names that are not UTF-8 (Latin-1) as their bytes, without the UTF-8 flag, as zip does; unzip gives them back', async () => {
    const dir = path.join(root, 'latin1');
    const base = path.join(dir, 'nu');
    const folder = Buffer.from(`${base}/d\xe9j\xe0`, 'latin1');
    mkdirSync(folder, { recursive: true });
    const big = text(3_000_000, 4);
    writeFileSync(Buffer.from(`${base}/r\xe9sum\xe9.txt`, 'latin1'), 'small');
    writeFileSync(Buffer.concat([folder, Buffer.from('/big.txt')]), big);
    writeFileSync(path.join(base, 'ok.txt'), 'ok');
    writeFileSync(path.join(base, 'café.txt'), 'utf-8');
    const archive = path.join(dir, 'nu.zip');
    await createArchive({ outputPath: archive, sources: [base] });
    const names = execFileSync('python3', ['-c', "import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print((i.filename.encode('utf-8') if i.flag_bits & 0x800 else i.filename.encode('cp437')).hex(), i.flag_bits & 0x800)", archive], { encoding: 'utf8' });
    expect(names.trim().split('\n').map((line) => line.split(' ')).map(([hex, flag]) => [Buffer.from(hex!, 'hex').toString('latin1'), flag])).toEqual([
      ['nu/', '0'],
      ['nu/caf\xc3\xa9.txt', '2048'],
      ['nu/d\xe9j\xe0/', '0'],
      ['nu/d\xe9j\xe0/big.txt', '0'],
      ['nu/ok.txt', '0'],
      ['nu/r\xe9sum\xe9.txt', '0'],
    ]);
    execFileSync('unzip', ['-q', archive, '-d', path.join(dir, 'out')]);
    expect(readFileSync(Buffer.from(`${dir}/out/nu/r\xe9sum\xe9.txt`, 'latin1'), 'utf8')).toBe('small');
    expect(readFileSync(Buffer.from(`${dir}/out/nu/d\xe9j\xe0/big.txt`, 'latin1')).equals(big)).toBe(true);
    expect(readFileSync(path.join(dir, 'out/nu/café.txt'), 'utf8')).toBe('utf-8');
  });

  it('walks a large folder (read name by name, packed) as a small one: byte order, names not UTF-8 kept as bytes, the output left out', async () => {
    const dir = path.join(root, 'large-small');
    const walked = async (folder: string): Promise<string[]> => {
      const seen: string[] = [];
      await walkEach(folder, path.join(folder, 'out.zip'), (entry) => {
        if (!entry.name.includes('pad-')) seen.push(`${entry.name.slice(entry.name.indexOf('/'))} ${entry.nameBytes?.subarray(entry.nameBytes.indexOf(0x2f)).toString('hex') ?? ''}`);
      });
      return seen;
    };
    const lists: string[][] = [];
    for (const [folderName, pads] of [['small', 0], ['large', 3000]] as const) {
      const folder = path.join(dir, folderName);
      mkdirSync(Buffer.from(`${folder}/d\xe9j\xe0`, 'latin1'), { recursive: true });
      writeFileSync(Buffer.from(`${folder}/d\xe9j\xe0/in.txt`, 'latin1'), 'in');
      writeFileSync(Buffer.from(`${folder}/r\xe9sum\xe9.txt`, 'latin1'), 'small');
      for (const name of ['ok.txt', 'café.txt', 'Z.txt', 'out.zip']) writeFileSync(path.join(folder, name), name);
      for (let i = 0; i < pads; i++) closeSync(openSync(path.join(folder, `pad-${String(i).padStart(4, '0')}`), 'w'));
      lists.push(await walked(folder));
    }
    expect(statSync(path.join(dir, 'large')).size).toBeGreaterThan(64 * 1024);
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[0]!.map((line) => line.split(' ')[0])).toEqual(['/', '/Z.txt', '/café.txt', '/d\ufffdj\ufffd/', '/d\ufffdj\ufffd/in.txt', '/ok.txt', '/r\ufffdsum\ufffd.txt']);
  });

  it('leaves out the archive also when the walk reaches its folder by a path that is not UTF-8', async () => {
    const dir = path.join(root, 'latin1-self');
    const folder = Buffer.from(`${dir}/src/caf\xe9`, 'latin1');
    mkdirSync(folder, { recursive: true });
    writeFileSync(Buffer.concat([folder, Buffer.from('/note.txt')]), 'note');
    symlinkSync(folder, path.join(dir, 'link'));
    const archive = path.join(dir, 'link', 'out.zip');
    for (let run = 0; run < 2; run++) {
      await createArchive({ outputPath: archive, sources: [path.join(dir, 'src')] });
      const names = execFileSync('python3', ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename)', archive], { encoding: 'utf8' }).trim().split('\n');
      expect(names.map((name) => name.replace(/^src\/caf./, 'src/cafX'))).toEqual(['src/', 'src/cafX/', 'src/cafX/note.txt']);
    }
  });

  it('makes temporary names that fit beside a target whose own name is as long as a name can be', async () => {
    const dir = path.join(root, 'long');
    const base = writeTree(dir, 'src', [{ name: 'a.txt', kind: 'file', data: text(10) }]);
    // 251 bytes of UTF-8 and ".zip": a temporary name repeating it whole would pass 255 bytes.
    const target = path.join(dir, `${'ü'.repeat(125)}x.zip`);
    expect(Buffer.byteLength(path.basename(target))).toBe(255);
    await createArchive({ outputPath: target, sources: [base] });
    expect(readdirSync(dir).sort()).toEqual(['src', path.basename(target)].sort());
  });

  it('level 0 stores everything; compressed formats are stored by extension, magic number or sample', async () => {
    const dir = path.join(root, 'methods');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), text(100_000)]);
    const base = writeTree(dir, 'm', [
      { name: 'text.txt', kind: 'file', data: text(100_000) },
      { name: 'image.dat', kind: 'file', data: png },
      { name: 'archive.gz', kind: 'file', data: text(100_000) },
      { name: 'container.jar', kind: 'file', data: text(300_000) },
      { name: 'noise.bin', kind: 'file', data: random(300_000) },
    ]);
    const methods = async (level: number): Promise<Record<string, number>> => {
      const archive = path.join(dir, `l${level}.zip`);
      await createArchive({ outputPath: archive, sources: [base], level });
      const out = execFileSync('python3', ['-c', 'import sys,zipfile,json;print(json.dumps({i.filename:i.compress_type for i in zipfile.ZipFile(sys.argv[1]).infolist() if not i.is_dir()}))', archive], { encoding: 'utf8' });
      return JSON.parse(out) as Record<string, number>;
    };
    // .jar: a zip container, always deflated (at level 1); noise.bin: its samples do not shrink.
    expect(await methods(6)).toEqual({ 'm/text.txt': 8, 'm/image.dat': 0, 'm/archive.gz': 0, 'm/container.jar': 8, 'm/noise.bin': 0 });
    expect(await methods(0)).toEqual({ 'm/text.txt': 0, 'm/image.dat': 0, 'm/archive.gz': 0, 'm/container.jar': 0, 'm/noise.bin': 0 });
  });

  it('fails with SOURCE_CHANGED when a file vanishes before it is read, and writes nothing', async () => {
    const dir = path.join(root, 'vanish');
    // Large files are opened a few ahead of the writer (large-files.ts FILES_AHEAD): four come
    // before the one that vanishes, so it is not yet open when the writer is at the first.
    const base = writeTree(dir, 'v', [
      { name: 'a.txt', kind: 'file', data: text(100) },
      ...[1, 2, 3, 4].map((n) => ({ name: `b${n}.txt`, kind: 'file' as const, data: text(1_500_000 + n) })),
      { name: 'c-large.txt', kind: 'file', data: text(3_000_000) },
    ]);
    const target = path.join(dir, 'v.zip');
    let removed = false;
    const error = await createArchive({
      outputPath: target,
      sources: [base],
      onProgress: (p) => {
        if (!removed && p.entriesDone >= 2) {
          removed = true;
          unlinkSync(path.join(base, 'c-large.txt'));
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipError);
    expect(error).toMatchObject({ code: 'SOURCE_CHANGED', entry: 'v/c-large.txt' });
    expect((error as Error).message).toMatch(/vanished/);
    expect(readdirSync(dir)).toEqual(['v']);
  });

  it('fails with SOURCE_CHANGED, without waiting, when a file is replaced by a named pipe before it is read, small or large', async () => {
    // Opening a FIFO for reading waits for a writer: the job hung for good, its helper (small
    // files) or a thread of the pool (large ones) blocked in open. Should it block again, the
    // test times out, and opening each pipe for writing afterwards lets the thread go.
    const pipes: string[] = [];
    onTestFinished(() => {
      for (const pipe of pipes) {
        try {
          closeSync(openSync(pipe, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
        } catch {
          // no reader waiting on it
        }
      }
    });
    const dir = path.join(root, 'to-fifo');
    for (const { top, before, size } of SMALL_AND_LARGE) {
      const last = text(size);
      const error = await createReplacingLast(dir, top, before, last, (replaced) => {
        unlinkSync(replaced);
        execFileSync('mkfifo', [replaced]);
        pipes.push(replaced);
      });
      expect(error).toMatchObject({ code: 'SOURCE_CHANGED', entry: `${top}/c.txt`, kind: 'NOW_FIFO' });
      expect((error as Error).message).toMatch(/is now a named pipe \(FIFO\), not a file/);
      expect(existsSync(path.join(dir, `${top}.zip`))).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual(['large', 'small']);
  });

  it('fails with SOURCE_CHANGED when a file is replaced by a symbolic link before it is read, small or large, never reading through it', async () => {
    // The link leads to a file of the size and time the walk saw (touch -r): only the open can
    // tell, and it followed the link, so the archive held the other file's bytes as c.txt.
    const dir = path.join(root, 'to-link');
    for (const { top, before, size } of SMALL_AND_LARGE) {
      const secret = path.join(dir, `${top}-secret.txt`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(secret, Buffer.alloc(size, 's'));
      const replaced = path.join(dir, top, 'c.txt');
      const error = await createReplacingLast(dir, top, before, Buffer.alloc(size, 'c'), () => {
        unlinkSync(replaced);
        symlinkSync(secret, replaced);
      }, (c) => execFileSync('touch', ['-r', secret, c]));
      expect(error).toMatchObject({ code: 'SOURCE_CHANGED', entry: `${top}/c.txt`, message: `${replaced} is now a symbolic link, not a file; archive not written` });
      expect(existsSync(path.join(dir, `${top}.zip`))).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual(['large', 'large-secret.txt', 'small', 'small-secret.txt']);
  });

  it('fails with SOURCE_CHANGED when a folder above a file is replaced by a link before the file is read, small or large', async () => {
    // O_NOFOLLOW guards the last part of the path only: the open went through the link to a
    // file elsewhere with the size and time the walk saw, and archived it as z/c.txt.
    const dir = path.join(root, 'parent-link');
    for (const { top, before, size } of SMALL_AND_LARGE) {
      const base = writeTree(dir, top, [
        ...[1, 2, 3, 4, 5].map((n) => ({ name: `b${n}.txt`, kind: 'file' as const, data: before(n) })),
        { name: 'z/c.txt', kind: 'file', data: Buffer.alloc(size, 'c') },
      ]);
      const elsewhere = path.join(dir, `${top}-elsewhere`);
      mkdirSync(elsewhere);
      writeFileSync(path.join(elsewhere, 'c.txt'), Buffer.alloc(size, 's'));
      execFileSync('touch', ['-r', path.join(base, 'z', 'c.txt'), path.join(elsewhere, 'c.txt')]);
      let swapped = false;
      const error = await createArchive({
        outputPath: path.join(dir, `${top}.zip`),
        sources: [base],
        onProgress: (p) => {
          if (!swapped && p.entriesDone >= 2) {
            swapped = true;
            renameSync(path.join(base, 'z'), path.join(dir, `${top}-z`));
            symlinkSync(elsewhere, path.join(base, 'z'));
          }
        },
      }).catch((e: unknown) => e);
      expect(swapped).toBe(true);
      expect(error).toMatchObject({ code: 'SOURCE_CHANGED', entry: `${top}/z/c.txt`, message: `${path.join(base, 'z', 'c.txt')} was replaced by another file; archive not written` });
      expect(existsSync(path.join(dir, `${top}.zip`))).toBe(false);
    }
  });

  it('reads a source given as `file-link/` (a link to a file) as the file it points to, named as the link', async () => {
    const dir = path.join(root, 'file-link');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'real.txt'), 'the file');
    symlinkSync('real.txt', path.join(dir, 'link.txt'));
    const archive = path.join(dir, 'out.zip');
    await createArchive({ outputPath: archive, sources: [path.join(dir, 'link.txt') + path.sep] });
    expect(execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' })).toBe('link.txt\n');
    expect(execFileSync('unzip', ['-p', archive, 'link.txt'], { encoding: 'utf8' })).toBe('the file');
  });

  it('says in words why a source could not be read, naming its path once (a path longer than the system takes)', async () => {
    const dir = path.join(root, 'deep');
    mkdirSync(dir);
    // Rather rm than rmSync, which goes by whole paths: these are too long for it.
    onTestFinished(() => void execFileSync('rm', ['-rf', dir]));
    // Twenty folders of 250-byte names: past the 4,096 bytes a path may have (PATH_MAX), which
    // the walk meets on its way down (zip leaves what lies past it out without a word).
    // (Made by relative steps: no call takes such a path whole; dash's cd refuses it too.)
    execFileSync('python3', ['-c', "import os\nfor _ in range(20): os.mkdir('d' * 250); os.chdir('d' * 250)\nopen('f', 'w').write('x')"], { cwd: dir });
    const error = await createArchive({ outputPath: path.join(dir, 'deep.zip'), sources: [path.join(dir, 'd'.repeat(250))] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IO' });
    const message = (error as Error).message;
    // It was "/…/dddd: ENAMETOOLONG: name too long, lstat '/…/dddd'".
    expect(message).toMatch(/^\/.*\/d{250}: name too long$/);
    expect(message.split(dir).length - 1).toBe(1);
    expect(readdirSync(dir)).toEqual(['d'.repeat(250)]);
  });

  it('never looks at what is excluded: a path too long to look at, left out, does not fail the job', async () => {
    const dir = path.join(root, 'deep-excluded');
    mkdirSync(dir);
    onTestFinished(() => void execFileSync('rm', ['-rf', dir]));
    // A folder whose path is 3,950 bytes long: keep.txt in it can be read, the 250-byte name
    // beside it is past PATH_MAX. The walk looked at every name of a folder before asking the
    // excludes, so the one the user had left out failed the job ('name too long'); a file that
    // vanished as it was looked at (an editor's or a build's, excluded) would have too.
    execFileSync(
      'python3',
      ['-c', "import os,sys\nn=len(sys.argv[1])\nwhile n+201<=3900: os.mkdir('d'*200); os.chdir('d'*200); n+=201\nos.mkdir('e'*(3949-n)); os.chdir('e'*(3949-n))\nopen('keep.txt','w').write('kept')\nopen('x'*250,'w').write('left out')", dir],
      { cwd: dir },
    );
    const archive = path.join(dir, 'deep.zip');
    const result = await createArchive({ outputPath: archive, sources: [path.join(dir, 'd'.repeat(200))], excludes: ['xxx*'] });
    const names = execFileSync('python3', ['-c', 'import sys,zipfile\nfor n in zipfile.ZipFile(sys.argv[1]).namelist(): print(len(sys.argv[2]) + 1 + len(n.rstrip("/")), n.rsplit("/", 2)[-2][:1] + "/" + n.rsplit("/", 2)[-1])', archive, dir], { encoding: 'utf8' });
    const last = names.trim().split('\n').slice(-2);
    expect(last).toEqual(['3950 e/', '3959 e/keep.txt']);
    expect(result.entries).toBe(names.trim().split('\n').length);
  });

  it('fails with SOURCE_CHANGED when a file grows while it is read', async () => {
    const dir = path.join(root, 'grow');
    const base = writeTree(dir, 'g', [{ name: 'log.txt', kind: 'file', data: text(5_000_000) }]);
    const target = path.join(dir, 'g.zip');
    let grown = false;
    const error = await createArchive({
      outputPath: target,
      sources: [base],
      onProgress: (p) => {
        if (!grown && p.currentEntry === 'g/log.txt' && p.bytesDone > 0) {
          grown = true;
          appendFileSync(path.join(base, 'log.txt'), 'one more line\n');
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SOURCE_CHANGED', entry: 'g/log.txt' });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual(['g']);
  });

  it('fails with SOURCE_CHANGED when a large file is deleted, or replaced by a rename, while it is read (its open handle still reads the old one)', async () => {
    for (const [how, kind] of [['deleted', 'GONE'], ['renamed over', 'REPLACED'], ['replaced by a folder', 'NOW_FOLDER']] as const) {
      const dir = path.join(root, `gone-${kind}`);
      const base = writeTree(dir, 'g', [{ name: 'big.txt', kind: 'file', data: text(5_000_000) }]);
      const target = path.join(dir, 'g.zip');
      const source = path.join(base, 'big.txt');
      let done = false;
      const error = await createArchive({
        outputPath: target,
        sources: [base],
        onProgress: (p) => {
          if (done || p.currentEntry !== 'g/big.txt' || p.bytesDone === 0) return;
          done = true;
          if (how === 'deleted') rmSync(source);
          else if (how === 'renamed over') {
            writeFileSync(path.join(dir, 'saved.txt'), 'what an editor saved');
            renameSync(path.join(dir, 'saved.txt'), source);
          } else {
            rmSync(source);
            mkdirSync(source);
          }
        },
      }).catch((e: unknown) => e);
      expect(done).toBe(true);
      expect(error, how).toMatchObject({ code: 'SOURCE_CHANGED', entry: 'g/big.txt', kind });
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dir)).toEqual(['g']);
    }
  });

  it('the walk lets a cancel in while it looks at the files of one large folder, not only between folders', async () => {
    // The files of a folder were looked at in one go: a folder of 65,000 files kept the job's
    // thread from its messages (a cancel among them) for 0.5–0.8 s here, a million for seconds.
    const dir = path.join(root, 'flat');
    mkdirSync(dir);
    for (let i = 0; i < 5000; i++) writeFileSync(path.join(dir, `f${String(i).padStart(4, '0')}`), '');
    const controller = new AbortController();
    let found = 0;
    let afterCancel = 0;
    const walking = walk([dir], {
      outputPath: path.join(root, 'flat.zip'),
      exclude: () => false,
      followSymlinks: false,
      log: silentLog,
      signal: controller.signal,
      onEntry: () => {
        if (controller.signal.aborted) afterCancel++;
        // The cancel comes as a message does, at the next turn of the event loop.
        else if (++found === 10) setImmediate(() => controller.abort());
      },
    });
    await expect(walking).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(afterCancel).toBeLessThan(1024);
  });

  it('the walk holds a large folder\'s names packed, not a path and an entry name made for each of its files at once', async () => {
    // Made for every child of a folder before the first was looked at, they were some 300 bytes
    // of heap a file for as long as the folder was walked: a folder of 200,000 files took a
    // create to 215 MB (149 MB now, as a tree of as many files). Measured after a full
    // collection in the middle of such a folder, against before the walk: what is left is what
    // the walk holds.
    const dir = path.join(root, 'wide');
    mkdirSync(dir);
    const count = 50_000;
    for (let i = 0; i < count; i++) closeSync(openSync(path.join(dir, `some-file-name-${String(i).padStart(5, '0')}.txt`), 'w'));
    v8.setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const heapAfterCollection = (): number => {
      collect();
      return process.memoryUsage().heapUsed;
    };
    const before = heapAfterCollection();
    let found = 0;
    let middle = 0;
    let previous = '';
    let inOrder = true;
    await walkEach(dir, path.join(root, 'wide.zip'), (entry) => {
      if (entry.name <= previous) inOrder = false;
      previous = entry.name;
      if (++found === count / 2) middle = heapAfterCollection();
    });
    expect(found).toBe(count + 1);
    expect(inOrder).toBe(true);
    // The old walk held 10.7 MB here, this one 44 KB: the names are 1.2 MB outside the heap.
    expect(middle - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('a create holds buffers by the size of its job: some 150 KiB for a folder of one file, where every job took 3.2 MB', async () => {
    // A batch is thousands of small creates in a row on the jobs worker. Each made its output
    // buffer, its central directory's first block (1 MiB each) and its walk's first block of
    // columns (1.1 MB) whole, whatever the folder held; the dead ones of a few dozen jobs waited
    // for the collector, and a batch of 2,000 small folders peaked at 172 MB. Measured while the
    // job writes, after full collections (two: the buffers the first frees are let go by the
    // second's start), against before the job: what is left is what the job holds outside the
    // heap (its helpers' batches come and go with it). 3.2-3.4 MB for 1, 40 and 400 files before.
    v8.setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const held = async (count: number): Promise<number> => {
      const base = smallFiles(count);
      collect();
      collect();
      const before = process.memoryUsage().arrayBuffers;
      let most = 0;
      let reports = 0;
      await createArchive({
        outputPath: `${base}.zip`,
        sources: [base],
        onProgress: () => {
          if (reports++ % Math.ceil(count / 10) !== 0) return;
          collect();
          collect();
          most = Math.max(most, process.memoryUsage().arrayBuffers - before);
        },
      });
      expect(reports).toBeGreaterThanOrEqual(count);
      return most;
    };
    await held(1); // (what a thread makes once: a deflate stream and its scratch buffer, helpers)
    for (const count of [1, 40, 400]) expect(await held(count)).toBeLessThan(512 * 1024 + 1024 * count);
  });

  it('a cancelled create removes its temporary file', async () => {
    const dir = path.join(root, 'cancel');
    const base = writeTree(dir, 'c', [{ name: 'x.txt', kind: 'file', data: text(6_000_000) }]);
    const controller = new AbortController();
    const error = await createArchive({
      outputPath: path.join(dir, 'c.zip'),
      sources: [base],
      signal: controller.signal,
      onProgress: (p) => p.bytesDone > 0 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(dir)).toEqual(['c']);
  });
});

describe('the helper pool between create jobs', () => {
  const url = helperPath();
  const source = fileURLToPath(import.meta.url);
  const { size, mtimeMs } = statSync(source);
  // Reproducible: the same bytes from whichever helper, whatever it deflated before.
  const batch = { files: [{ name: 'a', sourcePath: source, size, mode: 0o644, mtimeMs }], level: 6, reproducible: true, followSymlinks: false };

  it.skipIf(url === undefined)('keeps the helpers of a job that ended with nothing outstanding on them for the next one, a while', async () => {
    const first = takePool(url, 2);
    const done = await first.files(batch);
    expect(done.outcomes).toHaveLength(1);
    await givePool(first);
    // The next job gets the same helpers, and they still work.
    const second = takePool(url, 2);
    expect(second).toBe(first);
    expect((await second.files(batch)).outcomes[0]).toEqual(done.outcomes[0]);
    // Another number of threads is another pool; the kept one is ended.
    await givePool(second);
    const other = takePool(url, 1);
    expect(other).not.toBe(first);
    // Ended by themselves (exit code 0), as every helper is: not terminated (endHelper).
    await expect(first.files(batch)).rejects.toThrow(/ended \(exit code 0\)/);
    await givePool(other);
  });

  it.skipIf(url === undefined)('a create that fails before any work reached its helpers gives them back for the next (a failed job cost a new pool, some 350 ms)', async () => {
    const threads = availableParallelism();
    const kept = takePool(url, threads);
    await givePool(kept);
    const missing = path.join(root, 'no-such-folder', 'out.zip');
    await expect(createArchive({ outputPath: missing, sources: [source] })).rejects.toMatchObject({ code: 'IO' });
    const next = takePool(url, threads);
    expect(next).toBe(kept);
    expect((await next.files(batch)).outcomes).toHaveLength(1);
    await givePool(next);
  });

  it.skipIf(url === undefined)('ends busy helpers between two tasks, dropping those not begun', async () => {
    const pool = takePool(url, 1);
    // Twenty batches in hand: the first may be done, the rest are dropped once the pool ends.
    const answers = Array.from({ length: 20 }, () => pool.files(batch).then(() => 'done', (error: Error) => error.message));
    await givePool(pool);
    const outcomes = await Promise.all(answers);
    expect(outcomes.filter((outcome) => outcome !== 'done').length).toBeGreaterThan(10);
    for (const outcome of outcomes) expect(outcome).toMatch(/^(done|compression helper thread ended \(exit code 0\))$/);
  });

  it.skipIf(url === undefined)('a job that gives its work up (a cancel) stops waiting at once: the helper skips the tasks it has not begun and serves the next job', async (ctx) => {
    const dir = path.join(root, 'abandon');
    mkdirSync(dir);
    const longAgo = new Date('2001-01-01T00:00:00Z');
    /** A file last read long ago (before it was written): a read of it is noted in its access time (relatime). */
    const unread = (name: string, data: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, data);
      utimesSync(file, longAgo, statSync(file).mtime);
      return file;
    };
    const probe = unread('probe.txt', 'read me');
    readFileSync(probe);
    if (statSync(probe).atimeMs === longAgo.getTime()) ctx.skip(); // a file system that does not note reads (noatime)
    const file = (sourcePath: string) => ({ name: path.basename(sourcePath), sourcePath, size: statSync(sourcePath).size, mode: 0o644, mtimeMs: statSync(sourcePath).mtimeMs });
    // In hand: some 100 ms of level 9, so the tasks behind it are given up before it is done.
    const slow = path.join(dir, 'slow.txt');
    writeFileSync(slow, text(3_000_000, 7));
    const skipped = [unread('a.txt', 'not to be read'), unread('b.txt', 'nor this')];
    const pool = takePool(url, 1);
    const sent = [pool.files({ files: [file(slow)], level: 9, reproducible: true, followSymlinks: false })];
    for (const source of skipped) sent.push(pool.files({ files: [file(source)], level: 6, reproducible: true, followSymlinks: false }));
    const cancelled = new ZipError('CANCELLED', 'cancelled');
    pool.abandon(cancelled);
    for (const answer of sent) await expect(answer).rejects.toBe(cancelled);
    expect(pool.reusable).toBe(true);
    await givePool(pool);
    // The next job's batch is answered, after whatever the helper did before it: not the two skipped.
    const next = takePool(url, 1);
    expect(next).toBe(pool);
    const reference = await new CompressPool(undefined, 0).files(batch);
    expect((await next.files(batch)).outcomes).toEqual(reference.outcomes);
    expect(skipped.map((source) => statSync(source).atimeMs)).toEqual([longAgo.getTime(), longAgo.getTime()]);
    await givePool(next);
  });

  it('a helper that fails (an uncaught error) fails the batches sent to it, and its pool still closes', async () => {
    const broken = path.join(root, 'broken-helper.mjs');
    writeFileSync(broken, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('helper broke'); });\n");
    const pool = new CompressPool(pathToFileURL(broken), 1);
    await expect(pool.files(batch)).rejects.toThrow('helper broke');
    await pool.close();
    expect(pool.reusable).toBe(false);
  });

  it('endHelper: a helper told to end exits by itself; one that does not answer is terminated after the grace time', async () => {
    const polite = new Worker("require('node:worker_threads').parentPort.on('message', (m) => m === 'end' && process.exit(0));", { eval: true });
    const politeExit = once(polite, 'exit');
    let stopped = 0;
    await endHelper(polite, politeExit, () => stopped++, 10_000);
    expect([(await politeExit)[0], stopped]).toEqual([0, 1]);
    const deaf = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => undefined); parentPort.postMessage('listening');", { eval: true });
    const deafExit = once(deaf, 'exit');
    // Running first: a thread terminated before it starts exits with 0 (seen on a loaded machine).
    await once(deaf, 'message');
    await endHelper(deaf, deafExit, () => undefined, 100);
    expect((await deafExit)[0]).toBe(1);
  });

  it.skipIf(url === undefined)('ends kept helpers once no job has come for KEPT_FOR_MS', async () => {
    const pool = takePool(url, 1);
    await givePool(pool);
    await new Promise((resolve) => setTimeout(resolve, KEPT_FOR_MS + 500));
    await expect(pool.files(batch)).rejects.toThrow(/ended \(exit code 0\)/);
    const next = takePool(url, 1);
    expect(next).not.toBe(pool);
    await givePool(next);
  });
});
