import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extractArchive } from '../../src-main/archive/extract.js';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { bufferSource, openZip } from '../../src-main/zip/reader.js';
import { BOMB_RATIO, LISTED, buildSafetyReport } from '../../src-main/zip/safety.js';
import { craftZip, run, tempDir } from './craft.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('zipdesk-safety-'));
});
afterEach(() => cleanup());

async function reportOf(bytes: Buffer) {
  return buildSafetyReport(await openZip(bufferSource(bytes)));
}

describe('the safety report', () => {
  it('is quiet about an ordinary archive made by zip', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'docs'), { recursive: true });
    writeFileSync(path.join(src, 'docs/a.md'), 'text '.repeat(200));
    writeFileSync(path.join(src, 'b.bin'), Buffer.from([1, 2, 3]));
    run('zip', ['-qr', 'a.zip', 'src'], dir);
    const source = await openFileSource(path.join(dir, 'a.zip'));
    try {
      const report = await buildSafetyReport(await openZip(source));
      expect(report).toMatchObject({ entries: 4, files: 2, directories: 2, symlinks: 0, totalUncompressedSize: 1003, verdict: 'ok', summary: [] });
      expect(report.highestCompressionRatio?.entry).toBe('src/docs/a.md');
      expect(report.highestCompressionRatio!.ratio).toBeGreaterThan(10);
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    } finally {
      await source.close();
    }
  });

  it('takes "./" (bsdtar archiving ".") for the target folder itself: not unsafe, and extracted without a problem', async () => {
    const src = path.join(dir, 'd');
    mkdirSync(src);
    writeFileSync(path.join(src, 'f.txt'), 'x');
    run('bsdtar', ['-a', '-cf', '../dot.zip', '.'], src);
    const archive = path.join(dir, 'dot.zip');
    const source = await openFileSource(archive);
    try {
      const reader = await openZip(source);
      const names: string[] = [];
      for await (const batch of reader.entryBatches()) names.push(...batch.map((entry) => entry.name));
      expect(names).toEqual(['./', './f.txt']);
      expect(await buildSafetyReport(reader)).toMatchObject({ verdict: 'ok', unsafeNames: { count: 0 } });
    } finally {
      await source.close();
    }
    const result = await extractArchive(archive, path.join(dir, 'out'));
    expect(result.problems).toEqual([]);
    expect(readFileSync(path.join(dir, 'out/f.txt'), 'utf8')).toBe('x');
    // "../" and "/" stay refused.
    const report = await reportOf(craftZip([{ name: '../', kind: 'directory' }, { name: '/', kind: 'directory' }, { name: '././', kind: 'directory' }]));
    expect(report.unsafeNames.items.map((u) => u.entry)).toEqual(['../', '/']);
  });

  it('warns of names that can look like others: controls and right-to-left overrides', async () => {
    const report = await reportOf(craftZip([{ name: 'invoice\u202efdp.exe', data: 'x' }, { name: 'a\nb.txt', data: 'y' }, { name: 'ordinary.txt', data: 'z' }, { name: 'שלום.txt', data: 'w' }]));
    expect(report.disguisedNames).toEqual({ count: 2, items: ['invoice\u202efdp.exe', 'a\nb.txt'] });
    expect(report.verdict).toBe('caution');
    expect(report.summary).toContain('2 names with control or right-to-left override characters, which can make a name look like another');
  });

  it('names every kind of trouble in a hostile archive', async () => {
    const kernel = Buffer.alloc(1 << 20);
    const bytes = craftZip([
      { name: '../evil.sh', data: 'x' },
      { name: '/etc/cron.d/x', data: 'x' },
      { name: 'C:\\boot.ini', data: 'x' },
      { name: 'link', kind: 'symlink', data: '../../outside', method: 0 },
      { name: 'okay-link', kind: 'symlink', data: 'a.txt', method: 0 },
      { name: 'a.txt', data: 'a' },
      { name: './a.txt', data: 'b' },
      { name: 'README', data: 'r' },
      { name: 'readme', data: 'r' },
      { name: 'secret', data: 's', method: 0, encrypted: true },
      { name: 'data.lzma', data: 's', method: 14 },
      { name: 'shown.txt', data: 'x', localName: 'other.txt' },
      { name: 'zeros', data: kernel },
      { name: 'zeros-again', data: kernel, shareLocalHeaderOf: 12 },
    ]);
    const report = await reportOf(bytes);
    expect(report.verdict).toBe('dangerous');
    expect(report.unsafeNames.items.map((i) => i.entry)).toEqual(['../evil.sh', '/etc/cron.d/x', 'C:\\boot.ini']);
    expect(report.unsafeSymlinks.items).toEqual([{ entry: 'link', target: '../../outside', reason: expect.any(String) }]);
    expect(report.duplicateNames.items).toEqual([{ path: 'a.txt', entries: ['a.txt', './a.txt'] }]);
    expect(report.caseCollisions.items).toEqual([{ path: 'README', entries: ['README', 'readme'] }]);
    expect(report.encrypted.items).toEqual(['secret']);
    expect(report.unsupported.items).toEqual([{ entry: 'data.lzma', method: 14, methodName: 'LZMA' }]);
    expect(report.localHeaderMismatches.items).toEqual([
      { entry: 'shown.txt', mismatches: [{ field: 'fileName', local: 'other.txt', central: 'shown.txt' }] },
      // The bomb's second record points at the first one's local header, which names "zeros".
      { entry: 'zeros-again', mismatches: [{ field: 'fileName', local: 'zeros', central: 'zeros-again' }] },
    ]);
    expect(report.overlaps.count).toBe(1);
    expect(report.overlaps.items[0]).toMatchObject({ entry: 'zeros', other: 'zeros-again' });
    expect(report.highestCompressionRatio!.ratio).toBeGreaterThan(BOMB_RATIO);
    expect(report.summary.join('\n')).toMatch(/decompression bomb/);
    expect(report.symlinks).toBe(2);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    // The same from the entries a caller already holds (the app's listing), without reading the
    // directory again: only the local headers and the links' data are read.
    const inner = bufferSource(bytes);
    const reads: number[] = [];
    const reader = await openZip({ size: inner.size, read: (offset, length) => (reads.push(offset), inner.read(offset, length)) });
    const entries = await reader.readEntries();
    reads.length = 0;
    expect(await buildSafetyReport(reader, { entries })).toEqual(report);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((offset) => offset >= reader.info.centralDirectoryOffset)).toEqual([]);
  });

  it('counts everything but lists at most LISTED items per finding', async () => {
    const entries = Array.from({ length: LISTED + 200 }, (_, i) => ({ name: `../x${i}`, data: '' }));
    const report = await reportOf(craftZip(entries));
    expect(report.unsafeNames.count).toBe(LISTED + 200);
    expect(report.unsafeNames.items).toHaveLength(LISTED);
  });

  it('can skip reading local headers', async () => {
    const report = await buildSafetyReport(await openZip(bufferSource(craftZip([{ name: 'a', data: 'x', localName: 'b' }]))), { checkLocalHeaders: false });
    expect(report.localHeaderMismatches.count).toBe(0);
    expect(report.verdict).toBe('ok');
  });
});
