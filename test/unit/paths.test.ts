import { describe, expect, it } from 'vitest';
import { isZipError } from '../../src-main/zip/errors.js';
import { safeEntryPath, symlinkTargetStaysInside, trySafeEntryPath, unsafeNameReason } from '../../src-main/zip/paths.js';

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
