import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { isZipError } from '../../src-main/zip/errors.js';
import { FolderKeys } from '../../src-main/archive/archive-paths.js';
import { foldCase, foldedPathKey, hasDisguisingCharacters, namePathKey, pathKey, plainNamePathKey, safeEntryPath, symlinkTargetStaysInside, trySafeEntryPath, unsafeNameReason } from '../../src-main/zip/paths.js';
import { printable } from '../../src-main/cli/report.js';
import { visibleText } from '../../src-renderer/lib/visible.js';

describe('safe entry paths', () => {
  it.each([
    ['a.txt', 'a.txt'],
    ['dir/a.txt', 'dir/a.txt'],
    ['dir/', 'dir'],
    ['./dir//a.txt', 'dir/a.txt'],
    ['a/../b', 'b'],
    ['a/b/../../c', 'c'],
    ['arc\\test', 'arc/test'], // PowerShell's Compress-Archive
    ['...', '...'],
    ['..a/b', '..a/b'],
    ['ab:c', 'ab:c'], // a colon after the second character is a plain Unix name
    ['a/./b', 'a/b'],
    ['a/b/.', 'a/b'],
    ['a//', 'a'],
    ['x/y/z.', 'x/y/z.'],
  ])('keeps %j as %j', (name, expected) => {
    const safe = safeEntryPath(name);
    expect(safe.path).toBe(expected);
    expect(safe.segments).toEqual(expected.split('/'));
  });

  it.each([
    ['', /empty/],
    ['a\0b', /NUL/],
    ['/etc/passwd', /absolute/],
    ['//server/share/x', /absolute/],
    ['\\windows\\x', /absolute/],
    ['C:/x', /drive letter C:/],
    ['C:x', /drive letter/],
    ['c:\\x', /drive letter/],
    ['../x', /climbs/],
    ['a/../../x', /climbs/],
    ['..\\..\\file.txt', /climbs/],
    ['a/..\\..\\x', /climbs/],
    ['./', /empty after normalization/],
    ['.', /empty after normalization/],
    ['/', /absolute/],
    ['a/..', /empty after normalization/],
  ])('refuses %j with UNSAFE_PATH', (name, reason) => {
    const result = trySafeEntryPath(name);
    expect(isZipError(result)).toBe(true);
    if (isZipError(result)) {
      expect(result.code).toBe('UNSAFE_PATH');
      expect(result.message).toMatch(reason);
      expect(result.message).toContain(JSON.stringify(name));
      expect(result.entry).toBe(name);
    }
    expect(unsafeNameReason(name)).toMatch(reason);
    expect(() => safeEntryPath(name)).toThrow(/unsafe name/);
  });

  it('marks names that end in a separator as folders', () => {
    expect(safeEntryPath('a/b/').trailingSlash).toBe(true);
    expect(safeEntryPath('a\\b\\').trailingSlash).toBe(true);
    expect(safeEntryPath('a/b').trailingSlash).toBe(false);
    expect(safeEntryPath('a/b/').segments).toEqual(['a', 'b']);
  });
});

describe('path keys', () => {
  /** Every name of up to three segments drawn from pieces that normalize, refuse or pass as they are. */
  function names(): string[] {
    const pieces = ['a', 'b.txt', '', '.', '..', '.git', 'x y', 'C:', 'c:d', 'a\\b', '\u00e4', '~$x', '-_=+', '\u0001'];
    const all: string[] = [];
    for (const p of pieces) for (const q of pieces) for (const r of pieces) all.push(p, `${p}/${q}`, `${p}/${q}/${r}`, `${p}/${q}/`, `/${p}/${q}`);
    return [...new Set(all)];
  }

  it('are equal for names that extract to the same path, NaN for refused ones', () => {
    expect(namePathKey('x.txt')).toBe(pathKey('x.txt'));
    for (const name of ['./x.txt', 'a/../x.txt', 'x.txt/', './/x.txt', 'a\\..\\x.txt']) expect(namePathKey(name), name).toBe(namePathKey('x.txt'));
    expect(namePathKey('x.txt')).not.toBe(namePathKey('X.txt'));
    expect(namePathKey('x/y')).not.toBe(namePathKey('x/y/z'));
    for (const name of ['', '../x', '/abs', 'C:x', 'a\0b', '.']) expect(namePathKey(name), name).toBeNaN();
    const keys = names().map((name) => namePathKey(name)).filter((key) => !Number.isNaN(key));
    expect(keys.every((key) => Number.isSafeInteger(key) && key >= 0)).toBe(true);
  });

  it('come from the name bytes exactly as from the decoded name, or not at all', () => {
    let fromBytes = 0;
    for (const name of names()) {
      // The name as stored (UTF-8), within a larger buffer as the reader sees it.
      const stored = Buffer.from(`##${name}##`, 'utf8');
      const key = plainNamePathKey(stored, 2, stored.length - 2);
      if (key === undefined) continue;
      fromBytes++;
      expect(key, name).toBe(namePathKey(name));
      expect(trySafeEntryPath(name), name).not.toBeInstanceOf(Error);
    }
    // Plain names are keyed from their bytes; any name that normalization changes, or that is not printable ASCII, is not.
    expect(fromBytes).toBeGreaterThan(100);
    for (const name of ['a/b.txt', 'dir/', 'x y/z-1_2.tar.gz', 'x...', 'a.']) expect(plainNamePathKey(Buffer.from(name), 0, name.length), name).toBe(namePathKey(name));
    for (const name of ['.hidden', 'a//b', 'a//', '/abs', 'C:x', 'a:b', 'a\\b', './a', 'a/.', '', '/']) expect(plainNamePathKey(Buffer.from(name), 0, name.length), name).toBeUndefined();
    expect(plainNamePathKey(Buffer.from('caf\u00e9', 'utf8'), 0, 5)).toBeUndefined();
    expect(plainNamePathKey(Buffer.from([0x63, 0x61, 0x66, 0x82]), 0, 4)).toBeUndefined(); // CP437 é
  });

  it('tell the keys of the folders a path lies in, from the name bytes as from the decoded name', () => {
    const heard = (key: (sink: (key: number) => void) => unknown): number[] => {
      const folders: number[] = [];
      key((folder) => folders.push(folder));
      return folders;
    };
    const folders = ['a', 'a/b c', 'a/b c/d'].map((folder) => pathKey(folder));
    expect(heard((sink) => pathKey('a/b c/d/e.txt', sink))).toEqual(folders);
    expect(heard((sink) => namePathKey('./a//b c/x/../d/e.txt', sink))).toEqual(folders);
    expect(heard((sink) => plainNamePathKey(Buffer.from('a/b c/d/e.txt'), 0, 13, sink))).toEqual(folders);
    // A folder entry's own path is not a folder it lies in.
    expect(heard((sink) => plainNamePathKey(Buffer.from('a/b c/d/'), 0, 8, sink))).toEqual(folders.slice(0, 2));
    expect(heard((sink) => namePathKey('a/b c/d/', sink))).toEqual(folders.slice(0, 2));
    expect(heard((sink) => pathKey('top', sink))).toEqual([]);
  });
});

describe('folded paths (macOS and Windows)', () => {
  it('key names that differ only in case or composition alike, and only when folded', () => {
    const pairs = [
      ['Notes/Read.me', 'notes/READ.ME'],
      ['Caf\u00e9.txt', 'cafe\u0301.TXT'],
      // Letters with two small forms or two capitals: one name on NTFS (upper-cased) or APFS (folded).
      ['\u03c2.txt', '\u03c3.txt'], // final and medial sigma
      ['\u03a3\u039f\u03a3.txt', '\u03c3\u03bf\u03c2.TXT'],
      ['\u0131.txt', 'I.txt'], // dotless i
      ['\u017f.txt', 'S.txt'], // long s
      ['\u212a.txt', 'k.txt'], // Kelvin sign
      ['Stra\u00dfe/\u03c2', 'STRASSE/\u03a3'.replace('SS', '\u00df')],
    ];
    for (const [one, other] of pairs) {
      expect(namePathKey(one!, undefined, foldCase), one).toBe(namePathKey(other!, undefined, foldCase));
      expect(namePathKey(one!), one).not.toBe(namePathKey(other!));
    }
    // Capitals of two letters are no case of the one: neither file system takes these for one name.
    for (const [one, other] of [['a.txt', 'b.txt'], ['\u00df.txt', 'ss.txt'], ['\ufb01.txt', 'fi.txt'], ['\u0130.txt', 'i.txt']]) {
      expect(namePathKey(one!, undefined, foldCase), one).not.toBe(namePathKey(other!, undefined, foldCase));
    }
    // foldedPathKey is the same key without the folded string, for ASCII paths and the others.
    const all = [...pairs.flat(), 'a.txt', 'ss.txt', '[]^_`{|}~@AZaz09/.-', 'MiXeD/case/Path.TXT', '\u00df.txt', '\u0130.txt', ''];
    for (const path of all) expect(foldedPathKey(path!), path).toBe(pathKey(foldCase(path!)));
    expect(foldedPathKey('abc/Def')).toBe(foldedPathKey('ABC/dEF'));
    expect(foldedPathKey('abc/Def')).not.toBe(pathKey('abc/Def'));
  });
});

describe("the folder keys' bit set", () => {
  it('has every key added, and few others', () => {
    const folders = new FolderKeys();
    const added = Array.from({ length: 100_000 }, (_, i) => pathKey(`d${i}/sub`));
    for (const key of added) folders.add(key);
    expect(added.every((key) => folders.mayHave(key))).toBe(true);
    const others = Array.from({ length: 100_000 }, (_, i) => pathKey(`e${i}/sub`)).filter((key) => folders.mayHave(key));
    expect(others.length).toBeLessThan(500);
  });
});

describe('symbolic link targets', () => {
  const at = (name: string) => safeEntryPath(name);
  it.each([
    ['link', 'file', true],
    ['dir/link', '../file', true],
    ['a/b/link', '../../x/y', true],
    ['dir/link', 'sub/./x', true],
    ['link', '../target', false], // Go's testdata/symlink.zip
    ['dir/link', '../../x', false],
    ['link', '/etc/passwd', false],
    ['link', 'C:\\Windows', false],
    ['link', '', false],
    ['a/link', 'x/../../y', false],
    ['a/link', 'x/../y', false], // ".." after a name: "x" may itself be a link to a shallower folder
    ['link', '..\\..\\x', false],
  ])('%s -> %j stays inside: %s', (name, target, inside) => {
    expect(symlinkTargetStaysInside(at(name), target)).toBe(inside);
  });
});

describe('names that can look like others (the safety report, the CLI and the window)', () => {
  const disguised = [
    'a\nb.txt',
    'invoice\u202efdp.exe',
    'a\u200bb.txt', // zero-width space: looks like ab.txt
    '\ufeffbom.txt',
    'ad\u00admin.txt', // soft hyphen
    'line\u2028sep.txt',
    'para\u2029sep.txt',
    'a\u2060b', // word joiner
    'a\u2062b', // invisible times
    'a\u2064b', // invisible plus
    'a\u180eb', // Mongolian vowel separator
    'a\u{e0041}b', // tag A
    'a\u{e007f}', // cancel tag
    'a\u200db.txt', // a zero-width joiner between letters
    '\u200d👨.txt', // … before an emoji but after nothing
    '👨\u200d.txt', // … after an emoji but before none
    'क\u200dष.txt', // … between two Devanagari consonants without a virama: it shows as nothing
  ];
  const plain = ['ab.txt', 'rtl/שלום עולם 123.txt', 'comb/e\u0301.txt', 'größe.txt', 'emoji/👨\u200d👩\u200d👧\u200d👦.txt', '👍🏽\u200d👍.txt', '🏳\ufe0f\u200d🌈.txt', '❤\ufe0f.txt', 'a\u200cb.txt', 'क्\u200dष.txt', 'അവന്\u200d.txt', 'ශ්\u200dරී.txt', 'ه\u200d.txt', '\u200dه.txt'];

  it.each(disguised)('%j is flagged', (name) => {
    expect(hasDisguisingCharacters(name)).toBe(true);
  });

  it.each(plain)('%j is not (a joiner inside an emoji sequence, after a virama or beside an Arabic letter is how the name is written)', (name) => {
    expect(hasDisguisingCharacters(name)).toBe(false);
  });

  it('the CLI and the window escape exactly what is flagged', () => {
    for (const name of [...disguised, ...plain]) {
      expect(printable(name) !== name, name).toBe(hasDisguisingCharacters(name));
      expect(visibleText(name) !== name, name).toBe(hasDisguisingCharacters(name));
    }
    expect(visibleText('zw/a\u200bb.txt')).toBe('zw/a\\u200bb.txt');
    expect(visibleText('a\u{e0041}b')).toBe('a\\u{e0041}b');
    expect(printable('a\u{e0041}b\u00ad')).toBe('a\\u{e0041}b\\u00ad');
    expect(printable('a\u200db\n')).toBe('a\\u200db^J');
  });
});
