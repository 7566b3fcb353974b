// What we write, our own reader reads back: names, kinds, modes, times and bytes, entry by
// entry; the local headers agree with the central records.

import { lstatSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createArchive } from '../../src-main/archive/create.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { openZip } from '../../src-main/zip/reader.js';
import { FIXED_MTIME, random, tempDir, text, writeTree } from '../conformance/write-fixtures.js';

const root = tempDir('zipdesk-roundtrip-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('round trip through our reader', () => {
  it('reads back every entry we wrote', async () => {
    const base = writeTree(root, 'rt', [
      { name: 'ünïcode ✓.txt', kind: 'file', data: text(1000) },
      { name: 'empty-dir', kind: 'directory' },
      { name: 'empty-file', kind: 'file' },
      { name: 'link', kind: 'symlink', target: 'ünïcode ✓.txt' },
      { name: 'big/text.txt', kind: 'file', data: text(4_500_000, 7) },
      { name: 'big/noise.bin', kind: 'file', data: random(2_500_000) },
      { name: 'big/lib.jar', kind: 'file', data: text(200_000, 8) },
      { name: 'run.sh', kind: 'file', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
    ]);
    const archive = path.join(root, 'rt.zip');
    await createArchive({ outputPath: archive, sources: [base], comment: 'round ✓ trip' });
    const source = await openFileSource(archive);
    try {
      const zip = await openZip(source);
      expect(zip.info.comment).toBe('round ✓ trip');
      expect(zip.info.zip64EndOfCentralDirectoryOffset).toBeUndefined();
      const entries = await zip.readEntries();
      expect(entries.map((e) => e.name)).toEqual([
        'rt/', 'rt/big/', 'rt/big/lib.jar', 'rt/big/noise.bin', 'rt/big/text.txt', 'rt/empty-dir/', 'rt/empty-file', 'rt/link', 'rt/run.sh', 'rt/ünïcode ✓.txt',
      ]);
      for (const entry of entries) {
        const sourcePath = path.join(root, entry.name);
        const st = lstatSync(sourcePath);
        expect(entry.unixMode, entry.name).toBe(st.mode);
        expect(entry.isDirectory, entry.name).toBe(st.isDirectory());
        expect(entry.isSymlink, entry.name).toBe(st.isSymbolicLink());
        expect(entry.modified.getTime(), entry.name).toBe(FIXED_MTIME.getTime());
        expect(entry.nameEncoding, entry.name).toBe(/[^\x00-\x7f]/.test(entry.name) ? 'utf8' : 'cp437');
        expect(entry.zip64 || entry.hasDataDescriptor || entry.encrypted, entry.name).toBe(false);
        const local = await zip.readLocalHeader(entry);
        expect(local, entry.name).toBeDefined();
        if (entry.isDirectory) continue;
        const data = await zip.readEntry(entry);
        const expected = st.isSymbolicLink() ? Buffer.from(readlinkSync(sourcePath)) : readFileSync(sourcePath);
        expect(data.equals(expected), entry.name).toBe(true);
      }
      expect(entries.find((e) => e.name === 'rt/big/noise.bin')?.compressionMethod).toBe(0);
      expect(entries.find((e) => e.name === 'rt/big/text.txt')?.compressionMethod).toBe(8);
    } finally {
      await source.close();
    }
  });
});
