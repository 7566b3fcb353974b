import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extractArchive } from '../../src-main/archive/extract.js';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { toSafetyView } from '../../src-main/ipc/archives.js';
import { foldCase, foldedDifference, trySafeEntryPath } from '../../src-main/zip/paths.js';
import { bufferSource, findOverlaps, openZip } from '../../src-main/zip/reader.js';
import { BOMB_RATIO, LISTED, buildSafetyReport } from '../../src-main/zip/safety.js';
import { NAMED_PER_GROUP, PathGroups } from '../../src-main/zip/path-groups.js';
import { type CraftEntry, craftZip, headerInNameRoom, run, tempDir, tree } from './craft.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('zipdesk-safety-'));
});
afterEach(() => cleanup());

async function reportOf(bytes: Buffer) {
  return buildSafetyReport(await openZip(bufferSource(bytes)));
}

/** The same from a file (whose local headers the report reads through a block of its own). */
async function fileReportOf(bytes: Buffer) {
  const file = path.join(dir, 'archive.zip');
  writeFileSync(file, bytes);
  const source = await openFileSource(file);
  try {
    return await buildSafetyReport(await openZip(source));
  } finally {
    await source.close();
  }
}

describe('the safety report', () => {
  it('an entry of a method APPNOTE names and one of a number it does not: the window says the second unknown, not "method 4660 (method 4660)"', async () => {
    const report = await reportOf(craftZip([{ name: 'lzma.bin', data: 'x', method: 14 }, { name: 'odd.bin', data: 'y', method: 4660 }]));
    expect(toSafetyView(report).problems.filter((p) => p.code === 'UNSUPPORTED_METHOD').map((p) => [p.entry, p.kind, p.message, p.params])).toEqual([
      ['lzma.bin', undefined, 'compression method 14 (LZMA) cannot be extracted', { method: 14, name: 'LZMA' }],
      ['odd.bin', 'UNKNOWN', 'compression method 4660 (unknown) cannot be extracted', { method: 4660 }],
    ]);
  });

  it('says what names that fold together differ by: case, Unicode composition (a composed and a decomposed é, which look alike), or both', async () => {
    const composed = 'caf\u00e9.txt';
    const decomposed = 'cafe\u0301.txt';
    const report = await reportOf(craftZip([
      { name: 'README', data: 'r' },
      { name: 'readme', data: 'r' },
      { name: composed, data: 'c' },
      { name: decomposed, data: 'c' },
      { name: 'NA\u00cfVE.txt', data: 'n' },
      { name: 'nai\u0308ve.txt', data: 'n' },
    ]));
    expect(report.caseCollisions.items.map((i) => [i.entries, i.kind])).toEqual([
      [['README', 'readme'], 'CASE'],
      [[composed, decomposed], 'COMPOSITION'],
      [['NA\u00cfVE.txt', 'nai\u0308ve.txt'], 'CASE_AND_COMPOSITION'],
    ]);
    // (Before, "names differ only by case: café.txt, café.txt", of two names that show the same.)
    expect(toSafetyView(report).problems.filter((p) => p.code === 'CASE_COLLISION').map((p) => [p.kind, p.message])).toEqual([
      [undefined, 'names differ only by case: README, readme'],
      ['COMPOSITION', `names differ only by Unicode composition (é as one character, or as e and an accent): ${composed}, ${decomposed}`],
      ['CASE_AND_COMPOSITION', 'names differ only by case and Unicode composition (é as one character, or as e and an accent): NA\u00cfVE.txt, nai\u0308ve.txt'],
    ]);
    expect(report.summary).toContain('3 paths named in more than one case or Unicode composition');
    // Case alone is said as before.
    expect((await reportOf(craftZip([{ name: 'README', data: 'r' }, { name: 'readme', data: 'r' }]))).summary).toEqual(['1 path named in more than one case']);
    // Three names of one path, one pair by case and one by composition: both.
    expect(foldedDifference([composed, decomposed, 'CAF\u00c9.txt'])).toBe('CASE_AND_COMPOSITION');
    expect(foldedDifference(['\u03c3', '\u03c2', '\u03a3'])).toBe('CASE');
  });

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
    expect(report.summary).toContain('2 names with control, invisible or right-to-left override characters, which can make a name look like another');
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
    expect(report.unsafeSymlinks.items).toEqual([{ entry: 'link', target: '../../outside', reason: expect.any(String), kind: 'OUTSIDE', params: { target: '../../outside' } }]);
    expect(report.duplicateNames.items).toEqual([{ path: 'a.txt', count: 2, entries: ['a.txt', './a.txt'] }]);
    expect(report.caseCollisions.items).toEqual([{ path: 'README', count: 2, entries: ['README', 'readme'], kind: 'CASE' }]);
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
    // A count of one in the singular.
    expect(report.summary).toEqual([
      '3 entries with unsafe names (absolute, "..", drive letters): extraction refuses them',
      '1 symbolic link that extraction refuses: its target leads outside the folder, is empty, holds a NUL byte or cannot be read',
      '1 overlapping entry (a zip bomb pattern): extraction refuses it',
      '2 entries whose local header disagrees with the central directory',
      '1 path named by more than one entry',
      '1 path named in more than one case',
      '1 encrypted entry (not supported)',
      '1 entry with an unsupported compression method',
      expect.stringMatching(/^compression ratio [\d.]+:1 for zeros looks like a decompression bomb$/),
    ]);
    expect(report.symlinks).toBe(2);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    // The same from the file, whose local headers are read through a block of the report's own.
    expect(await fileReportOf(bytes)).toEqual(report);
  });

  it('finds a local header hidden in the room of the name of the entry before it', async () => {
    // The central records say 30 bytes and the data for long….txt: its local name is counted once read.
    const bytes = craftZip(headerInNameRoom());
    const report = await reportOf(bytes);
    expect(report.verdict).toBe('dangerous');
    expect(report.overlaps).toEqual({
      count: 1,
      items: [{ entry: expect.stringMatching(/^long-+\.txt$/), other: 'hidden.txt', message: expect.stringMatching(/\(bytes 0–385\) overlaps hidden\.txt \(local header at offset 334\)$/), params: { start: 0, end: 385, otherStart: 334 } }],
    });
    expect(await fileReportOf(bytes)).toEqual(report);
  });

  it('says why extraction refuses each link as extract does: a target not UTF-8 shown by its bytes (\\xNN), an empty one and one holding a NUL as such, not as pointing outside', async () => {
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('links.zip', 'w') as z:
    for name, target in (('up', b'../caf\\xe9'), ('empty', b''), ('nul', b'a\\x00b'), ('inside', b'caf\\xe9')):
        i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = 0o120777 << 16
        z.writestr(i, target)
`], dir);
    const archive = readFileSync(path.join(dir, 'links.zip'));
    const report = await reportOf(archive);
    expect(report.unsafeSymlinks).toEqual({
      count: 3,
      items: [
        { entry: 'up', target: '../caf\\xe9', reason: 'the link points outside the folder it is extracted to', kind: 'OUTSIDE', params: { target: '../caf\\xe9' } },
        { entry: 'empty', target: '', reason: 'symbolic link target is empty', kind: 'EMPTY_TARGET', params: {} },
        { entry: 'nul', target: 'a\\u0000b', reason: 'symbolic link target holds a NUL byte, which no path may hold', kind: 'NUL_IN_TARGET', params: { target: 'a\\u0000b' } },
      ],
    });
    expect(await fileReportOf(archive)).toEqual(report);
    // The window: the target after the reason, none for an empty one.
    expect(toSafetyView(report).problems.filter((p) => p.code === 'UNSAFE_SYMLINK').map((p) => [p.entry, p.message])).toEqual([
      ['up', 'the link points outside the folder it is extracted to (→ ../caf\\xe9)'],
      ['empty', 'symbolic link target is empty'],
      ['nul', 'symbolic link target holds a NUL byte, which no path may hold (→ a\\u0000b)'],
    ]);
    // Extract refuses those three and makes the fourth.
    const result = await extractArchive(path.join(dir, 'links.zip'), path.join(dir, 'links'));
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([['up', 'UNSAFE_SYMLINK'], ['empty', 'UNSAFE_SYMLINK'], ['nul', 'UNSAFE_SYMLINK']]);
    expect(result.symlinksCreated).toBe(1);
  });

  it('does not call a link whose target cannot be read (encrypted, another method) one that points outside: it is reported as encrypted or unsupported', async () => {
    const report = await reportOf(craftZip([
      { name: 'a.txt', data: 'alpha' },
      { name: 'packed-link', kind: 'symlink', data: 'a.txt', method: 12 },
      { name: 'secret-link', kind: 'symlink', data: 'a.txt', method: 0, encrypted: true },
    ]));
    expect(report.unsafeSymlinks.count).toBe(0);
    expect(report.unsupported.items).toEqual([{ entry: 'packed-link', method: 12, methodName: 'BZIP2' }]);
    expect(report.encrypted.items).toEqual(['secret-link']);
    expect(report.verdict).toBe('caution');
  });

  it('finds what maps of every path find, over a directory read in many chunks', async () => {
    // Seeded names over a few letters that fold together ("é" composed and decomposed, three
    // sigmas), so paths repeat exactly and by case, more than LISTED of them; a third unique and
    // long, so the directory is read in several chunks; some folders; entries sharing an
    // earlier entry's local header, so the overlaps are found out of order.
    let seed = 20261204;
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const letters = ['a', 'A', 'é', 'É', 'e\u0301', 'ς', 'σ', 'Σ', 'b'];
    const crafted: { name: string; data: string; kind?: 'directory'; shareLocalHeaderOf?: number }[] = [];
    for (let i = 0; i < 30_000; i++) {
      if (random(3) === 0) {
        crafted.push({ name: `${'unique/'.repeat(8)}${i}.txt`, data: '' });
        continue;
      }
      const short = Array.from({ length: 1 + random(3) }, () => letters[random(letters.length)]).join('');
      const folder = random(8) === 0;
      crafted.push({ name: `${random(2) === 0 ? 'd/' : './'}${short}${folder ? '/' : ''}`, data: folder ? '' : 'x', ...(folder && { kind: 'directory' as const }) });
    }
    for (const at of [10, 5_000, 29_000]) crafted[at + 1] = { name: `overlapping-${at}`, data: 'x', shareLocalHeaderOf: at };
    crafted.push({ name: 'late', data: 'x', shareLocalHeaderOf: 3 });
    const bytes = craftZip(crafted);
    const reader = await openZip(bufferSource(bytes));
    expect(reader.info.centralDirectorySize).toBeGreaterThan(2 << 20);
    const entries = await reader.readEntries();

    // The model: every path in a map, in the order it first comes.
    const byPath = new Map<string, { names: string[]; folders: boolean }>();
    const byFold = new Map<string, string[]>();
    for (const entry of entries) {
      const safe = trySafeEntryPath(entry.name);
      if (!('path' in safe)) continue;
      const same = byPath.get(safe.path) ?? { names: [], folders: true };
      same.names.push(entry.name);
      same.folders &&= entry.isDirectory;
      byPath.set(safe.path, same);
      const variants = byFold.get(foldCase(safe.path)) ?? [];
      if (!variants.includes(safe.path)) variants.push(safe.path);
      byFold.set(foldCase(safe.path), variants);
    }
    const duplicates = [...byPath].filter(([, same]) => same.names.length > 1 && !same.folders).map(([path, same]) => ({ path, count: same.names.length, entries: same.names.slice(0, NAMED_PER_GROUP) }));
    const collisions = [...byFold.values()].filter((variants) => variants.length > 1).map((variants) => ({ path: variants[0], count: variants.length, entries: variants.slice(0, NAMED_PER_GROUP), kind: foldedDifference(variants.slice(0, NAMED_PER_GROUP)) }));
    // (The bytes each overlap is made of are the report's own: in the message.)
    const overlaps = findOverlaps(entries, reader.info).map((o) => ({ entry: entries[o.index]!.name, other: o.other >= 0 ? entries[o.other]!.name : null, message: o.message, params: expect.any(Object) }));
    expect(duplicates.length).toBeGreaterThan(LISTED);
    expect(collisions.some((group) => group.entries.some((path) => path.includes('e\u0301'))) && collisions.some((group) => group.entries.some((path) => path.includes('ς')))).toBe(true);
    expect(overlaps.length).toBe(4);

    // Also when the candidates (some 20,000) are taken in parts, a pass each (the default takes
    // 262,144 at once).
    for (const candidatesAtOnce of [undefined, 1000]) {
      const report = await buildSafetyReport(reader, { checkLocalHeaders: false, candidatesAtOnce });
      expect(report.duplicateNames).toEqual({ count: duplicates.length, items: duplicates.slice(0, LISTED) });
      expect(report.caseCollisions).toEqual({ count: collisions.length, items: collisions.slice(0, LISTED) });
      expect(report.overlaps).toEqual({ count: overlaps.length, items: overlaps });
    }
  });

  it('flags a path that is a file and also a folder other entries lie in, exactly or by case, and extract refuses one of each pair by name', async () => {
    const report = await fileReportOf(
      craftZip([
        { name: 'x', data: 'a file' },
        { name: 'x/y', data: 'under the file' },
        { name: 'deep/b/c/d.txt', data: 'under a file, deep' },
        { name: 'deep/b', data: 'a file after what lies under it' },
        { name: 'Case', data: 'a file' },
        { name: 'case/inner.txt', data: 'one path with Case on macOS and Windows' },
        { name: 'link', kind: 'symlink', data: 'x', method: 0 },
        { name: 'link/z.txt', data: 'under a link' },
        // Not one: a folder entry with what lies in it, a name that only starts like a folder, a
        // folder entry beside a file (a path named twice, which the duplicates tell).
        { name: 'dir/', kind: 'directory' },
        { name: 'dir/f.txt', data: 'f' },
        { name: 'ab', data: 'ab' },
        { name: 'abc/d', data: 'd' },
        { name: 'twice', data: 'a file' },
        { name: 'twice/', kind: 'directory' },
      ]),
    );
    expect(report.fileFolderConflicts).toEqual({
      count: 4,
      items: [
        { path: 'x', file: 'x', folder: 'x', entry: 'x/y' },
        { path: 'deep/b', file: 'deep/b', folder: 'deep/b', entry: 'deep/b/c/d.txt' },
        { path: 'Case', file: 'Case', folder: 'case', entry: 'case/inner.txt' },
        { path: 'link', file: 'link', folder: 'link', entry: 'link/z.txt' },
      ],
    });
    expect(report.duplicateNames.items).toEqual([{ path: 'twice', count: 2, entries: ['twice', 'twice/'] }]);
    expect(report.verdict).toBe('caution');
    expect(report.summary).toContain('4 paths that are a file and also a folder other entries lie in (or one but for case): extraction cannot make both');

    // Extract makes one of each exact pair and refuses the other by name (EXISTS); nothing else is lost.
    const bytes = craftZip([
      { name: 'x', data: 'a file' },
      { name: 'x/y', data: 'under the file' },
      { name: 'deep/b/c/d.txt', data: 'under a file, deep' },
      { name: 'deep/b', data: 'a file after what lies under it' },
      { name: 'other.txt', data: 'other' },
    ]);
    const archive = path.join(dir, 'both.zip');
    writeFileSync(archive, bytes);
    const result = await extractArchive(archive, path.join(dir, 'out'));
    expect(result.problems.map(({ entry, code, message }) => [entry, code, message])).toEqual([
      ['x/y', 'EXISTS', 'x is also a file in the archive'],
      ['deep/b', 'EXISTS', 'deep/b is also a folder in the archive'],
    ]);
    expect(tree(path.join(dir, 'out'))).toEqual(['deep/', 'deep/b/', 'deep/b/c/', 'deep/b/c/d.txt', 'other.txt', 'x']);
  });

  it('finds every file that is also a folder that maps of every path find, over a directory read in many chunks', async () => {
    // Seeded paths of up to four segments over a few names that fold together, some of them
    // folder entries; enough folders that the bit set marks some file keys by chance.
    let seed = 20261205;
    // (The high bits: an LCG's low ones repeat with a short period.)
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
    const names = ['a', 'A', 'b', '\u00e9', 'e\u0301', 'c'];
    const crafted: CraftEntry[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (random(2) === 0) {
        crafted.push({ name: `unique/${i}/${'x'.repeat(60)}/${i}.txt`, data: '' });
        continue;
      }
      const segments = Array.from({ length: 1 + random(4) }, () => names[random(names.length)]).join('/');
      const folder = random(6) === 0;
      crafted.push(folder ? { name: `${segments}/`, kind: 'directory' } : { name: segments, data: 'x' });
    }
    const reader = await openZip(bufferSource(craftZip(crafted)));
    expect(reader.info.centralDirectorySize).toBeGreaterThan(1 << 20);
    const entries = await reader.readEntries();
    // The model: the first file of each folded path, and the first entry under each folded folder.
    const files = new Map<string, number>();
    const folders = new Map<string, { index: number; depth: number }>();
    entries.forEach((entry, index) => {
      const safe = trySafeEntryPath(entry.name);
      if (!('path' in safe)) return;
      const folded = foldCase(safe.path).split('/');
      if (!entry.isDirectory && !files.has(folded.join('/'))) files.set(folded.join('/'), index);
      for (let depth = 1; depth < folded.length; depth++) {
        const folder = folded.slice(0, depth).join('/');
        if (!folders.has(folder)) folders.set(folder, { index, depth });
      }
    });
    const pathOf = (index: number): string => (trySafeEntryPath(entries[index]!.name) as { path: string }).path;
    const expected = [...files]
      .filter(([folded]) => folders.has(folded))
      .map(([folded, file]) => ({ file, under: folders.get(folded)! }))
      .sort((a, b) => Math.min(a.file, a.under.index) - Math.min(b.file, b.under.index) || a.file - b.file)
      .map(({ file, under }) => ({ path: pathOf(file), file: entries[file]!.name, folder: pathOf(under.index).split('/').slice(0, under.depth).join('/'), entry: entries[under.index]!.name }));
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.some((item) => item.folder !== item.path)).toBe(true);
    const report = await buildSafetyReport(reader, { checkLocalHeaders: false });
    expect(report.fileFolderConflicts).toEqual({ count: expected.length, items: expected.slice(0, LISTED) });
  });

  it('reads the local headers of a file larger than its block as a buffer reads them', async () => {
    // 3,000 entries over some 1.5 MB (six of the report's blocks), every seventh with a local
    // name of its own: the mismatches name them all, whichever block their headers fall in.
    const entries = Array.from({ length: 3000 }, (_, i) => ({ name: `e${i}.bin`, data: Buffer.alloc(400 + (i % 300), i), method: 0, ...(i % 7 === 3 && { localName: `other${i}.bin` }) }));
    const bytes = craftZip(entries);
    expect(bytes.length).toBeGreaterThan(1_500_000);
    const expected = await reportOf(bytes);
    expect(expected.localHeaderMismatches.items.map((item) => item.entry)).toEqual(entries.filter((_, i) => i % 7 === 3).map((entry) => entry.name));
    expect(await fileReportOf(bytes)).toEqual(expected);
  });

  it('names at most NAMED_PER_GROUP entries of one path, and counts them all', async () => {
    const report = await reportOf(craftZip(Array.from({ length: 2 * NAMED_PER_GROUP + 5 }, (_, i) => ({ name: i % 2 === 0 ? 'same.txt' : 'SAME.txt', data: `${i}` }))));
    expect(report.duplicateNames.count).toBe(2);
    expect(report.duplicateNames.items.map((group) => [group.path, group.count, group.entries.length])).toEqual([
      ['same.txt', NAMED_PER_GROUP + 3, NAMED_PER_GROUP],
      ['SAME.txt', NAMED_PER_GROUP + 2, NAMED_PER_GROUP],
    ]);
    expect(report.caseCollisions.items).toEqual([{ path: 'same.txt', count: 2, entries: ['same.txt', 'SAME.txt'], kind: 'CASE' }]);
    const one = await reportOf(craftZip(Array.from({ length: LISTED + 5 }, (_, i) => ({ name: 'same.txt', data: `${i}` }))));
    expect(one.duplicateNames.items).toEqual([{ path: 'same.txt', count: LISTED + 5, entries: Array(NAMED_PER_GROUP).fill('same.txt') }]);
    expect(one.caseCollisions.count).toBe(0);
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

describe('the groups of paths named more than once', () => {
  it('tells paths that share a key apart by their text, and counts a group by entries or by paths', () => {
    // Keys made equal on purpose, as a 53-bit key collision (or one made to collide) would be.
    const groups = new PathGroups(8);
    const add = (index: number, path: string, folder = false) => groups.add(index, 42, path, 7, path.toUpperCase(), folder);
    add(0, 'a');
    add(1, 'b');
    add(2, 'A');
    add(3, 'a');
    add(4, 'dir', true);
    add(5, 'dir', true);
    // Exact duplicates: "a" twice; "dir" twice, but folders only. "b" and "A" are paths of their own.
    expect(groups.groups(10).paths).toEqual({ count: 1, listed: [{ count: 2, named: [0, 3] }] });
    // By case: "a" and "A" fold together (each path named once, by its first entry); "b" and "dir" fold alone.
    expect(groups.groups(10).folds).toEqual({ count: 1, listed: [{ count: 2, named: [0, 2] }] });
    // Room for 8: a ninth is left out rather than grown into.
    for (let i = 6; i < 10; i++) add(i, 'a');
    expect(groups.groups(10).paths.listed[0]!.named).toEqual([0, 3, 6, 7]);
  });
});
