// Interoperability (issue 2): archives made during the test by zip, 7z, bsdtar, python's
// zipfile and jar — unicode names, empty files and folders, symlinks, comments, data
// descriptors, more than 65,535 entries, data before the archive — listed by our reader and
// compared entry by entry with python's zipfile listing (name, sizes, CRC-32, folder flag);
// then every entry is read back and checked (CRC and size are verified by the reader).

import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { inspectEntry } from '../../src-main/zip/inspect.js';
import { bufferSource, openZip, plainRecordUnixTime } from '../../src-main/zip/reader.js';
import { CENTRAL_DIRECTORY_HEADER } from '../../src-main/zip/records.js';
import { expectedName, makeTempDir, python, pythonListing, run } from '../unit/reader-fixtures.js';

const { dir, cleanup } = makeTempDir('zipdesk-interop-');
afterAll(cleanup);
const tree = path.join(dir, 'tree');

beforeAll(() => {
  mkdirSync(path.join(tree, 'dîr ü', 'nested'), { recursive: true });
  mkdirSync(path.join(tree, 'empty folder'));
  writeFileSync(path.join(tree, 'dîr ü', 'fïlé €.txt'), 'unicode content ✓\n');
  writeFileSync(path.join(tree, 'dîr ü', 'nested', 'text.txt'), Array.from({ length: 5000 }, (_, i) => `row ${i}`).join('\n'));
  writeFileSync(path.join(tree, 'empty.txt'), '');
  writeFileSync(path.join(tree, 'random.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24)));
  symlinkSync('empty.txt', path.join(tree, 'link-to-empty'));
});

interface Case {
  readonly name: string;
  /** Makes the archive in `dir`; returns its path. */
  make(): string;
  readonly symlinks?: boolean;
  readonly comment?: string;
  readonly dataDescriptors?: boolean;
  readonly minEntries?: number;
  readonly prefix?: boolean;
  /** False when the archive is not made from the tree above. */
  readonly tree?: false;
}

const inTree = (command: string, args: string[]) => run(command, args, tree, { LC_ALL: 'C.UTF-8' });

const makeZip = (): string => (inTree('sh', ['-c', 'rm -f ../zip.zip && zip -q -r -y ../zip.zip . && echo "made by zip" | zip -q -z ../zip.zip']), path.join(dir, 'zip.zip'));
const makeStored = (): string => (inTree('sh', ['-c', 'rm -f ../zip-stored.zip && zip -q -r -0 ../zip-stored.zip .']), path.join(dir, 'zip-stored.zip'));

const cases: Case[] = [
  { name: 'zip -r -y with a comment', make: makeZip, symlinks: true, comment: 'made by zip' },
  { name: 'zip to a pipe (data descriptors)', make: () => (inTree('sh', ['-c', 'zip -q -r - . | cat > ../zip-pipe.zip']), path.join(dir, 'zip-pipe.zip')), dataDescriptors: true },
  { name: 'zip -0 (stored)', make: makeStored },
  { name: '7z -tzip -snl', make: () => (inTree('7z', ['a', '-tzip', '-snl', '-bd', '../7z.zip', '.']), path.join(dir, '7z.zip')), symlinks: true },
  { name: 'bsdtar --format zip', make: () => (inTree('bsdtar', ['--format', 'zip', '-cf', '../bsdtar.zip', '.']), path.join(dir, 'bsdtar.zip')), symlinks: true, dataDescriptors: true },
  { name: 'jar', make: () => (inTree('jar', ['cf', '../made.jar', '.']), path.join(dir, 'made.jar')), dataDescriptors: true },
  {
    name: 'python zipfile, seekable, with comment and symlink',
    make: () => {
      const target = path.join(dir, 'python.zip');
      python(
        `
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.comment = 'python comment ✓'.encode('utf-8')
    for root, dirs, files in os.walk('.'):
        for d in sorted(dirs):
            p = os.path.join(root, d)
            if not os.path.islink(p): z.write(p, os.path.relpath(p))
        for f in sorted(files):
            p = os.path.join(root, f)
            if not os.path.islink(p): z.write(p, os.path.relpath(p))
    link = zipfile.ZipInfo('link-to-empty')
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    z.writestr(link, 'empty.txt')
`,
        tree,
        [target],
      );
      return target;
    },
    symlinks: true,
    comment: 'python comment ✓',
  },
  {
    name: 'python zipfile to a non-seekable stream',
    make: () => {
      run('sh', ['-c', `python3 -c "
import sys, zipfile
with zipfile.ZipFile(sys.stdout.buffer, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a/', '')
    z.writestr('a/ü.txt', 'x' * 10000)
    z.writestr('empty', '')
" | cat > py-stream.zip`], dir);
      return path.join(dir, 'py-stream.zip');
    },
    dataDescriptors: true,
    minEntries: 3,
    tree: false,
  },
  {
    name: 'python zipfile with 70,000 entries (ZIP64 end records)',
    make: () => {
      const target = path.join(dir, 'many.zip');
      python(
        `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(70000):
        z.writestr(f'd{i // 1000}/f{i}', b'' if i % 7 else str(i).encode())
`,
        dir,
        [target],
      );
      return target;
    },
    minEntries: 70_000,
    tree: false,
  },
  {
    name: 'a stub before the archive, offsets not adjusted',
    make: () => {
      const target = path.join(dir, 'prefixed.zip');
      writeFileSync(target, Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'.repeat(30)), readFileSync(makeStored())]));
      return target;
    },
    prefix: true,
  },
  {
    name: 'a stub before the archive, offsets adjusted by zip -A',
    make: () => {
      const target = path.join(dir, 'adjusted.zip');
      writeFileSync(target, Buffer.concat([Buffer.from('MZ fake self-extractor '.repeat(40)), readFileSync(makeZip())]));
      run('zip', ['-q', '-A', target], dir);
      return target;
    },
  },
];

describe('our listing agrees with python zipfile', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const archive = c.make();
      const reference = pythonListing(archive);
      const source = await openFileSource(archive);
      try {
        const reader = await openZip(source);
        const entries = await reader.readEntries();
        expect(entries.length).toBe(reference.entries.length);
        expect(entries.length).toBeGreaterThanOrEqual(c.minEntries ?? 5);
        for (let i = 0; i < entries.length; i++) {
          const ours = entries[i]!;
          const theirs = reference.entries[i]!;
          expect([ours.name, ours.uncompressedSize, ours.compressedSize, ours.crc32, ours.isDirectory, ours.compressionMethod]).toEqual([
            expectedName(theirs),
            theirs.size,
            theirs.compressedSize,
            theirs.crc32,
            theirs.isDirectory,
            theirs.method,
          ]);
        }
        expect(reader.info.comment).toBe(reference.comment);
        if (c.comment !== undefined) expect(reader.info.comment).toBe(c.comment);
        if (c.prefix) expect(reader.info.offsetAdjustment).toBeGreaterThan(0);
        if (c.symlinks) expect(entries.filter((e) => e.isSymlink).map((e) => e.name.replace(/^\.\//, ''))).toEqual(['link-to-empty']);
        if (c.dataDescriptors) expect(entries.some((e) => e.hasDataDescriptor)).toBe(true);
        // The tree's non-ASCII name reads as it was on disk, whatever the tool (Info-ZIP's zip
        // and jar write its UTF-8 bytes without bit 11; Python reads those as CP437).
        if (c.tree !== false) {
          const unicode = entries.find((e) => e.name.replace(/^\.\//, '') === 'dîr ü/fïlé €.txt');
          expect(unicode, entries.map((e) => e.name).join(', ')).toBeDefined();
          expect((await reader.readEntry(unicode!)).toString()).toBe('unicode content ✓\n');
        }
        // Every entry reads back, CRC-32 and size checked.
        let total = 0;
        for (const entry of entries) {
          if (entry.isDirectory) continue;
          const stream = await reader.openEntryStream(entry);
          for await (const chunk of stream) total += (chunk as Buffer).length;
        }
        expect(total).toBe(entries.reduce((sum, e) => sum + (e.isDirectory ? 0 : e.uncompressedSize), 0));
        for (const entry of entries) expect((await reader.readLocalHeader(entry)).mismatches).toEqual([]);
      } finally {
        await source.close();
      }
    });
  }
});

// Info-ZIP's zip and bsdtar write the extended timestamp's time signed: a file of 1965 gets a
// negative time, which 7-Zip and bsdtar (reading it unsigned, as we write it) list as 2101. The
// entry's DOS time tells the two apart, as UnZip tells them (dostime.ts extendedTimestampSeconds).
describe('times before 1970 and after 2038 in the extended timestamp', () => {
  const TIMES = { 'old.txt': '1965-03-04T05:06:07Z', 'mid.txt': '2001-02-03T04:05:06Z', 'future.txt': '2040-01-02T03:04:05Z' };
  const archives: Record<string, string> = {};
  beforeAll(() => {
    const folder = path.join(dir, 'times');
    mkdirSync(folder);
    for (const [name, time] of Object.entries(TIMES)) {
      writeFileSync(path.join(folder, name), name);
      run('touch', ['-d', time, name], folder);
    }
    archives['zip'] = path.join(dir, 'times-zip.zip');
    run('zip', ['-q', archives['zip'], ...Object.keys(TIMES)], folder);
    archives['bsdtar'] = path.join(dir, 'times-bsdtar.zip');
    run('bsdtar', ['--format', 'zip', '-cf', archives['bsdtar'], ...Object.keys(TIMES)], folder);
  });

  for (const tool of ['zip', 'bsdtar']) {
    it(`${tool}: each time as it was on disk, in the entries and on the listing path`, async () => {
      const source = await openFileSource(archives[tool]!);
      try {
        const reader = await openZip(source);
        const entries = await reader.readEntries();
        expect(Object.fromEntries(entries.map((e) => [e.name, [e.modified.toISOString().replace('.000Z', 'Z'), e.modifiedFrom]]))).toEqual(
          Object.fromEntries(Object.entries(TIMES).map(([name, time]) => [name, [time, 'extended-timestamp']])),
        );
        const old = entries.find((e) => e.name === 'old.txt')!;
        // The tool wrote the negative time, and the DOS time clamped to 1980-01-01 00:00:00.
        expect([old.lastModFileDate, old.lastModFileTime]).toEqual([(1 << 5) | 1, 0]);
        // `zipdesk list` reads plain records' times without making entries: the same times.
        const listed: (number | undefined)[] = [];
        for await (const batch of reader.recordBatches((buf, at, values) => plainRecordUnixTime(buf, at, values))) listed.push(...batch);
        expect(listed.map((s) => (s === undefined ? s : new Date(s * 1000).toISOString().replace('.000Z', 'Z')))).toEqual(entries.map((e) => TIMES[e.name as keyof typeof TIMES]));
        const view = await inspectEntry(reader, old);
        const modTime = view.central.extraFields!.find((e) => e.headerId === 0x5455)!.fields.find((f) => f.name === 'modTime')!;
        expect(modTime.meaning).toBe('1965-03-04T05:06:07Z, read as negative (before 1970), as the DOS time of 1980-01-01 00:00 says');
      } finally {
        await source.close();
      }
    });
  }

  it('a time of 2^31 or more that the DOS time contradicts is not used: the DOS time stands', async () => {
    // old.txt's DOS date in its central record made 2001-02-03: the negative time now fits
    // neither reading.
    const bytes = readFileSync(archives['zip']!);
    const old = (await (await openZip(bufferSource(bytes))).readEntries()).find((e) => e.name === 'old.txt')!;
    bytes.writeUInt16LE(((2001 - 1980) << 9) | (2 << 5) | 3, old.centralHeaderOffset + CENTRAL_DIRECTORY_HEADER.offsetOf.lastModFileDate);
    const contradicted = (await (await openZip(bufferSource(bytes))).readEntries()).find((e) => e.name === 'old.txt')!;
    expect(contradicted.modifiedFrom).toBe('dos');
    expect([contradicted.modified.getFullYear(), contradicted.modified.getMonth() + 1, contradicted.modified.getDate()]).toEqual([2001, 2, 3]);
    const reader = await openZip(bufferSource(bytes));
    const view = await inspectEntry(reader, (await reader.readEntries()).find((e) => e.name === 'old.txt')!);
    const modTime = view.central.extraFields!.find((e) => e.headerId === 0x5455)!.fields.find((f) => f.name === 'modTime')!;
    expect(modTime.meaning).toBe('2101-04-10T11:34:23Z, or 1965-03-04T05:06:07Z read as negative: the DOS time says neither, so it is not used');
  });
});
