// What we write, the peers accept: for each writer feature, an archive made by createArchive
// passes `unzip -t`, `7z t`, Python's zipfile.testzip() and `bsdtar -tf`, and Python gives
// back the same names, bytes, modes and times (issue 3).

import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createArchive } from '../../src-main/archive/create.js';
import { SPOOL_AFTER } from '../../src-main/archive/buffers.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { openZip } from '../../src-main/zip/reader.js';
import { END_OF_CENTRAL_DIRECTORY, SIGNATURE, ZIP64_END_OF_CENTRAL_DIRECTORY } from '../../src-main/zip/records.js';
import { FIXED_MTIME, type TreeFile, dosTuple, peerChecks, pythonRead, random, tempDir, text, writeTree } from './write-fixtures.js';

const root = tempDir('zipdesk-interop-write-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Feature {
  readonly title: string;
  readonly files: readonly TreeFile[];
  readonly expectMethods?: Record<string, number>;
}

const FEATURES: Feature[] = [
  {
    title: 'unicode names (bit 11 only when not ASCII)',
    files: [
      { name: 'plain.txt', kind: 'file', data: text(500) },
      { name: 'ünïcode ✓.txt', kind: 'file', data: text(300, 2) },
      { name: '日本語/ファイル名.txt', kind: 'file', data: Buffer.from('こんにちは\n') },
      { name: 'emoji 🎉/x.txt', kind: 'file', data: Buffer.from('x') },
    ],
  },
  {
    title: 'empty folders and empty files',
    files: [
      { name: 'empty', kind: 'directory' },
      { name: 'a/b/c', kind: 'directory' },
      { name: 'a/empty-file', kind: 'file', data: Buffer.alloc(0) },
      { name: 'z.txt', kind: 'file', data: text(100) },
    ],
  },
  {
    title: 'symlinks stored as links',
    files: [
      { name: 'target.txt', kind: 'file', data: text(2000) },
      { name: 'link-to-file', kind: 'symlink', target: 'target.txt' },
      { name: 'dir/inner.txt', kind: 'file', data: text(10) },
      { name: 'link-to-dir', kind: 'symlink', target: 'dir' },
      { name: 'dangling', kind: 'symlink', target: 'no/such/file' },
    ],
  },
  {
    title: 'stored and deflated mixed, modes',
    files: [
      { name: 'random.bin', kind: 'file', data: random(3_000_000) },
      { name: 'big-text.txt', kind: 'file', data: text(5_000_000, 3) },
      { name: 'small-random.dat', kind: 'file', data: random(200_000) },
      { name: 'photo.png', kind: 'file', data: text(50_000, 4) },
      { name: 'tiny.txt', kind: 'file', data: Buffer.from('hi') },
      { name: 'script.sh', kind: 'file', data: Buffer.from('#!/bin/sh\necho hi\n'.repeat(20)), mode: 0o755 },
      { name: 'secret.txt', kind: 'file', data: text(4000, 5), mode: 0o600 },
    ],
    expectMethods: { 'random.bin': 0, 'big-text.txt': 8, 'small-random.dat': 0, 'photo.png': 0, 'tiny.txt': 0, 'script.sh': 8, 'secret.txt': 8 },
  },
];

function checkPeers(archive: string): void {
  for (const result of peerChecks(archive)) expect({ tool: result.tool, ok: result.ok, output: result.ok ? '' : result.output }).toEqual({ tool: result.tool, ok: true, output: '' });
}

describe('archives we write pass unzip, 7z, python and bsdtar', () => {
  for (const feature of FEATURES) {
    it(feature.title, async () => {
      const dir = path.join(root, feature.title.replace(/\W+/g, '-'));
      mkdirSync(dir);
      const base = writeTree(dir, 'top', feature.files);
      const archive = path.join(dir, 'out.zip');
      const result = await createArchive({ outputPath: archive, sources: [base], comment: 'made by zipdesk ✓' });
      expect(result.zip64).toBe(false);
      checkPeers(archive);

      const extracted = path.join(dir, 'python-out');
      const seen = pythonRead(archive, extracted);
      expect(seen.comment).toBe('made by zipdesk ✓');
      const byName = new Map(seen.entries.map((e) => [e.name, e]));
      const expected = ['top/', ...feature.files.map((f) => `top/${f.name}${f.kind === 'directory' ? '/' : ''}`)];
      for (const f of feature.files) {
        const parts = f.name.split('/');
        for (let i = 1; i < parts.length; i++) expected.push(`top/${parts.slice(0, i).join('/')}/`);
      }
      expect([...byName.keys()].sort()).toEqual([...new Set(expected)].sort());

      for (const entry of seen.entries) {
        const source = path.join(dir, entry.name);
        const st = lstatSync(source);
        expect(entry.mode, entry.name).toBe(st.mode);
        expect(entry.dateTime, entry.name).toEqual(dosTuple(FIXED_MTIME));
        expect(entry.utf8Flag, entry.name).toBe(/[^\x00-\x7f]/.test(entry.name));
        if (st.isSymbolicLink()) {
          expect(Buffer.from(entry.dataHex, 'hex').toString(), entry.name).toBe(readlinkSync(source));
        } else if (st.isFile()) {
          const bytes = readFileSync(source);
          expect(entry.dataHex === bytes.toString('hex'), entry.name).toBe(true);
          expect(readFileSync(path.join(extracted, entry.name)).equals(bytes), entry.name).toBe(true);
        }
      }
      for (const [name, method] of Object.entries(feature.expectMethods ?? {})) expect(byName.get(`top/${name}`)?.method, name).toBe(method);
    });
  }

  it('follows symlinks when asked', async () => {
    const dir = path.join(root, 'follow');
    mkdirSync(dir);
    const base = writeTree(dir, 'top', [
      { name: 'target.txt', kind: 'file', data: text(2000) },
      { name: 'link', kind: 'symlink', target: 'target.txt' },
      { name: 'sub/x.txt', kind: 'file', data: text(20) },
      { name: 'sublink', kind: 'symlink', target: 'sub' },
      { name: 'loop', kind: 'symlink', target: '.' },
    ]);
    const archive = path.join(dir, 'out.zip');
    await createArchive({ outputPath: archive, sources: [base], followSymlinks: true });
    checkPeers(archive);
    const seen = pythonRead(archive, path.join(dir, 'x'));
    const names = seen.entries.map((e) => e.name);
    expect(names).toEqual(['top/', 'top/link', 'top/sub/', 'top/sub/x.txt', 'top/sublink/', 'top/sublink/x.txt', 'top/target.txt']);
    expect(seen.entries.find((e) => e.name === 'top/link')?.dataHex).toBe(text(2000).toString('hex'));
  });

  it('ZIP64 by entry count: 70,000 tiny files (a central directory long enough to be spooled)', async () => {
    const dir = path.join(root, 'many');
    const base = path.join(dir, 'many');
    // Folder names long enough that the central directory passes SPOOL_AFTER and goes through a spool file.
    const folder = (d: number) => `d${d}-named-at-some-length-so-that-the-directory-is-spooled`;
    for (let d = 0; d < 70; d++) {
      mkdirSync(path.join(base, folder(d)), { recursive: true });
      for (let f = 0; f < 1000; f++) writeFileSync(path.join(base, folder(d), `f${f}.txt`), `file ${d}/${f}\n`);
    }
    const archive = path.join(dir, 'many.zip');
    const result = await createArchive({ outputPath: archive, sources: [base] });
    expect(result.entries).toBe(70_071);
    expect(result.zip64).toBe(true);
    const bytes = readFileSync(archive);
    const eocdAt = bytes.length - END_OF_CENTRAL_DIRECTORY.size;
    const eocd = END_OF_CENTRAL_DIRECTORY.decode(bytes, eocdAt);
    expect(eocd.totalNumberOfCentralDirectoryRecords).toBe(0xffff);
    const zip64EndAt = eocdAt - 20 - ZIP64_END_OF_CENTRAL_DIRECTORY.size;
    expect(bytes.readUInt32LE(zip64EndAt)).toBe(SIGNATURE.ZIP64_END_OF_CENTRAL_DIRECTORY);
    expect(ZIP64_END_OF_CENTRAL_DIRECTORY.decode(bytes, zip64EndAt).totalNumberOfCentralDirectoryRecords).toBe(70_071);
    checkPeers(archive);
    const count = execFileSync('python3', ['-c', `import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(len(z.infolist()), z.read("many/${folder(69)}/f999.txt").decode())`, archive], { encoding: 'utf8' });
    expect(count).toBe('70071 file 69/999\n\n');
    // Nothing of the spool is left beside the archive.
    expect(readdirSync(dir).sort()).toEqual(['many', 'many.zip']);
    // And our own reader.
    const source = await openFileSource(archive);
    try {
      const zip = await openZip(source);
      expect(zip.info.entryCount).toBe(70_071);
      expect(zip.info.zip64EndOfCentralDirectoryOffset).toBe(zip64EndAt);
      expect(zip.info.centralDirectorySize).toBeGreaterThan(SPOOL_AFTER);
      const entries = await zip.readEntries();
      expect((await zip.readEntry(entries.find((e) => e.name === `many/${folder(69)}/f999.txt`)!)).toString()).toBe(`file 69/999\n`);
    } finally {
      await source.close();
    }
    // Four peers read 70,000 entries each: 29 s on this machine alone, 64 s beside other tests.
  }, 180_000);

  it.each([
    [9, 'Defl:X'],
    [8, 'Defl:X'],
    [6, 'Defl:N'],
    [3, 'Defl:N'],
    [2, 'Defl:F'],
    [1, 'Defl:F'],
  ])('level %i is said by bits 1 and 2 as zip says it: unzip -v shows %s, for a small file and a large one, as for zip\'s own (1 was said super fast, 8 normal)', async (level, shown) => {
    const dir = path.join(root, `level-${level}`);
    const base = writeTree(dir, 'l', [
      { name: 'small.txt', kind: 'file', data: text(20_000) },
      { name: 'large.txt', kind: 'file', data: text(3_000_000, 2) },
    ]);
    const archive = path.join(dir, 'l.zip');
    await createArchive({ outputPath: archive, sources: [base], level });
    const methods = (file: string) =>
      execFileSync('unzip', ['-v', file], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.endsWith('.txt'))
        .map((line) => line.trim().split(/\s+/)[1]);
    expect(methods(archive)).toEqual([shown, shown]);
    const theirs = path.join(dir, 'zip.zip');
    execFileSync('zip', ['-qr', `-${level}`, theirs, 'l'], { cwd: dir });
    expect(methods(theirs)).toEqual([shown, shown]);
    checkPeers(archive);
  });

  it('plain ZIP (no ZIP64 record) below the limits', async () => {
    const dir = path.join(root, 'plain');
    const base = writeTree(dir, 'p', [{ name: 'a.txt', kind: 'file', data: text(100) }]);
    const archive = path.join(dir, 'p.zip');
    expect((await createArchive({ outputPath: archive, sources: [base] })).zip64).toBe(false);
    const bytes = readFileSync(archive);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
  });
});

const LONG = process.env['ZIPDESK_LONG_TESTS'] === '1';

describe.skipIf(!LONG)('ZIP64 by size (ZIPDESK_LONG_TESTS=1)', () => {
  it('an entry over 4 GiB from a sparse file', async () => {
    const dir = path.join(root, 'huge');
    mkdirSync(dir);
    const source = path.join(dir, 'sparse.bin');
    const size = 4 * 1024 ** 3 + 12_345;
    const fd = openSync(source, 'w');
    ftruncateSync(fd, size);
    writeSync(fd, Buffer.from('the end\n'), 0, 8, size - 8);
    writeSync(fd, Buffer.from('the start\n'), 0, 10, 0);
    closeSync(fd);
    const small = path.join(dir, 'after.txt');
    writeFileSync(small, 'after the big one\n');
    const archive = path.join(dir, 'huge.zip');
    const result = await createArchive({ outputPath: archive, sources: [source, small], level: 1 });
    expect(result.zip64).toBe(true);
    checkPeers(archive);
    const out = execFileSync(
      'python3',
      ['-c', 'import sys,zipfile,zlib\nz=zipfile.ZipFile(sys.argv[1])\ni=z.getinfo("sparse.bin")\nprint(i.file_size, z.read("after.txt").decode(), end="")', archive],
      { encoding: 'utf8' },
    );
    expect(out).toBe(`${size} after the big one\n`);
    // And our own reader inflates and checks all of it, a megabyte at a time.
    const tested = await testArchive(archive);
    expect(tested.problems).toEqual([]);
    expect(tested.bytesTested).toBe(size + 18);
  }, 1_800_000);
});
