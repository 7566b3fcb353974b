// The folder tree extraction keeps its known folders in (archive/folder-tree.ts) must answer as a
// Set of the folders' paths would: exactly, for every path, whatever order paths are asked in
// (its one-path cache included), with names wider than one byte, and past every growth of its
// columns and table.

import { describe, expect, it } from 'vitest';
import { FolderTree, PagedColumn } from '../../src-main/archive/folder-tree.js';
import { prng } from '../../scripts/fuzz-core.js';

describe('PagedColumn', () => {
  it('keeps each value at its position across pages, 0 where none was written', () => {
    const column = new PagedColumn((n) => new Float64Array(n));
    const positions = [0, 1, 16_383, 16_384, 100_000, 3_000_000];
    positions.forEach((at, i) => column.set(at, at + i / 4));
    positions.forEach((at, i) => expect(column.get(at)).toBe(at + i / 4));
    for (const at of [2, 16_385, 50_000, 2_999_999, 9_000_000]) expect(column.get(at)).toBe(0);
  });
});

describe('FolderTree', () => {
  it('finds a folder by its own path only, with the marks given to it', () => {
    const tree = new FolderTree();
    expect(tree.find('')).toBe(0);
    expect(tree.find('a')).toBe(-1);
    const b = tree.mark('a/b', 0b01);
    expect(tree.size).toBe(2);
    expect(tree.find('a/b')).toBe(b);
    expect(tree.marksOf('a/b')).toBe(0b01);
    // The folder passed on the way is there, without marks.
    expect(tree.find('a')).not.toBe(-1);
    expect(tree.marksOf('a')).toBe(0);
    tree.mark('a', 0b10);
    expect(tree.marksOf('a')).toBe(0b10);
    expect(tree.marksAt(tree.find('a'))).toBe(0b10);
    // Not a prefix, an extension, or another case of a known name.
    for (const other of ['a/', 'a/b/c', 'a/bb', 'a/B', 'ab', 'b', 'a/b/', '/a/b']) expect(tree.find(other), other).toBe(-1);
    expect(tree.pathOf(b)).toBe('a/b');
    expect(tree.pathOf(0)).toBe('');
    // A folder's number is larger than that of the folder it lies in.
    expect(b).toBeGreaterThan(tree.find('a'));
  });

  it('sets marks outright, and takes them away without adding a path (as extract claims and gives up names)', () => {
    const tree = new FolderTree();
    tree.setMarks('a/b.txt', 2);
    expect([tree.marksOf('a/b.txt'), tree.marksOf('a'), tree.size]).toEqual([2, 0, 2]);
    tree.setMarks('a/b.txt', 1);
    expect(tree.marksOf('a/b.txt')).toBe(1);
    tree.setMarks('a/b.txt', 0);
    expect(tree.marksOf('a/b.txt')).toBe(0);
    tree.setMarks('x/y', 0);
    expect([tree.find('x'), tree.size]).toEqual([-1, 2]);
    tree.setMarks('a/b.txt', 3);
    expect(tree.marksOf('a/b.txt')).toBe(3);
  });

  it('tells the deepest folder known on the way to a path and where the rest begins', () => {
    const tree = new FolderTree();
    const b = tree.mark('a/b', 1);
    expect(tree.deepestKnown('a/b/c/d')).toEqual({ folder: b, rest: 4 });
    expect(tree.deepestKnown('a/b')).toEqual({ folder: b, rest: 3 });
    expect(tree.deepestKnown('x/y')).toEqual({ folder: 0, rest: 0 });
    expect(tree.deepestKnown('')).toEqual({ folder: 0, rest: 0 });
    const c = tree.markChild(b, 'a/b/c/d', 4, 5, 2);
    expect(tree.pathOf(c)).toBe('a/b/c');
    expect(tree.marksOf('a/b/c')).toBe(2);
    // A child that is there already keeps its number and gains the marks.
    expect(tree.markChild(b, 'c', 0, 1, 1)).toBe(c);
    expect(tree.marksAt(c)).toBe(3);
  });

  it('keeps names of any characters, a name that needs two bytes a character after many that did not', () => {
    const tree = new FolderTree();
    const plain = Array.from({ length: 3000 }, (_, i) => `plain-${i}`);
    for (const name of plain) tree.mark(`top/${name}`, 1);
    const wide = ['café', 'ŝtelo', '日本語', 'emoji-😀', 'mixed/日本/é'];
    for (const name of wide) tree.mark(name, 1);
    const long = 'ä'.repeat(20_000);
    tree.mark(`deep/${long}`, 1);
    // Longer than a page of names, and than a length column holds.
    const longest = `${'x'.repeat(70_000)}日`;
    tree.mark(`deep/${longest}/below`, 1);
    expect(tree.pathOf(tree.find(`deep/${longest}/below`))).toBe(`deep/${longest}/below`);
    expect(tree.find(`deep/${longest.slice(1)}`)).toBe(-1);
    for (const name of plain) expect(tree.pathOf(tree.find(`top/${name}`))).toBe(`top/${name}`);
    for (const name of wide) expect(tree.pathOf(tree.find(name))).toBe(name);
    expect(tree.pathOf(tree.find(`deep/${long}`))).toBe(`deep/${long}`);
    expect(tree.find('caf\u0065\u0301')).toBe(-1);
    expect(tree.find('日本')).toBe(-1);
    expect(tree.find('mixed/日本')).not.toBe(-1);
  });

  it('answers as a Set of paths does, for 200,000 random steps', () => {
    const random = prng(20261204);
    const segments = ['a', 'b', 'ab', 'ba', 'é', 'É', '日', 'a.b', 'module-1', 'module-10', 'x'.repeat(40)];
    const randomPath = (): string => {
      const depth = 1 + Math.floor(random() * 5);
      return Array.from({ length: depth }, () => segments[Math.floor(random() * segments.length)]!).join('/');
    };
    const tree = new FolderTree();
    const marks = new Map<string, number>();
    let checked = 0;
    for (let step = 0; step < 200_000; step++) {
      const path = randomPath();
      const roll = random();
      if (roll < 0.3) {
        const mark = 1 << Math.floor(random() * 2);
        tree.mark(path, mark);
        // Every folder on the way is there too.
        const parts = path.split('/');
        for (let depth = 1; depth < parts.length; depth++) {
          const on = parts.slice(0, depth).join('/');
          if (!marks.has(on)) marks.set(on, 0);
        }
        marks.set(path, (marks.get(path) ?? 0) | mark);
      } else if (roll < 0.4) {
        const { folder, rest } = tree.deepestKnown(path);
        const known = rest === 0 ? '' : path.slice(0, rest === path.length ? rest : rest - 1);
        expect(known === '' || marks.has(known)).toBe(true);
        if (rest < path.length) expect(marks.has(path.slice(0, path.indexOf('/', rest) === -1 ? path.length : path.indexOf('/', rest)))).toBe(false);
        expect(tree.pathOf(folder)).toBe(known);
      } else {
        const found = tree.find(path);
        expect(found !== -1).toBe(marks.has(path));
        expect(tree.marksOf(path)).toBe(marks.get(path) ?? 0);
        if (found !== -1) expect(tree.pathOf(found)).toBe(path);
        checked++;
      }
    }
    expect(tree.size).toBe(marks.size);
    expect(checked).toBeGreaterThan(100_000);
    for (const [path, mark] of marks) expect(tree.marksOf(path)).toBe(mark);
  });
});
