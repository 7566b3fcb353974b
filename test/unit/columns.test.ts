// The helpers for columns of numbers (zip/columns.ts): growing keeps every value; ordering
// indexes gives the order a stable sort of the same values gives, at every size around its runs.

import { describe, expect, it } from 'vitest';
import { OffsetColumn, grown, sortedIndexes } from '../../src-main/zip/columns.js';
import { EntryRanges } from '../../src-main/zip/reader.js';
import { prng } from '../../scripts/fuzz-core.js';

describe('grown', () => {
  it('keeps the values in a longer array of the same kind', () => {
    const column = Float64Array.of(1.5, -2, 3);
    const larger = grown(column);
    expect([larger.constructor, larger.length, [...larger.subarray(0, 3)]]).toEqual([Float64Array, 6, [1.5, -2, 3]]);
    expect(grown(Uint32Array.of(7), 100).length).toBe(100);
  });
});

describe('OffsetColumn', () => {
  it('keeps offsets in 32 bits while they fit and every offset exactly once one does not, as it grows', () => {
    const column = new OffsetColumn(3);
    const offsets = [0, 1, 0xffff_fffe, 0xffff_ffff, ...Array.from({ length: 40 }, (_, i) => i * 1000)];
    for (const offset of offsets) column.push(offset);
    expect(column.values).toBeInstanceOf(Uint32Array);
    // Past 4 GiB: a ZIP64 archive's offsets, up to 2^53.
    const beyond = [2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1, 7];
    for (const offset of beyond) column.push(offset);
    expect(column.values).toBeInstanceOf(Float64Array);
    expect(column.length).toBe(offsets.length + beyond.length);
    expect(Array.from({ length: column.length }, (_, i) => column.at(i))).toEqual([...offsets, ...beyond]);
    expect([...column.values.subarray(0, column.length)]).toEqual([...offsets, ...beyond]);
  });

  it('holds the ranges of entries past 4 GiB, whose overlaps are found as below it', () => {
    const info = { centralDirectoryOffset: 2 ** 33, centralDirectorySize: 100 } as Parameters<EntryRanges['overlaps']>[0];
    const heard = (entries: { localHeaderOffset: number; compressedSize: number; damage?: unknown }[]): number[][] => {
      const ranges = new EntryRanges(entries.length);
      for (const entry of entries) ranges.add(entry as Parameters<EntryRanges['add']>[0]);
      const found: number[][] = [];
      ranges.overlaps(info, (index, other) => found.push([index, other]));
      return found;
    };
    const big = 2 ** 32 + 10;
    // An entry of 5 GiB, one after it at 4 GiB + 10 inside it, one running into the directory.
    expect(heard([{ localHeaderOffset: 0, compressedSize: 5 * 2 ** 30 }, { localHeaderOffset: big, compressedSize: 10 }, { localHeaderOffset: 2 ** 33 - 20, compressedSize: 40 }])).toEqual([[0, 1], [2, -1]]);
    // In order and apart: none; a damaged record (its place unknown) is passed over.
    expect(heard([{ localHeaderOffset: 0, compressedSize: 10 }, { localHeaderOffset: big, compressedSize: 10 }, { localHeaderOffset: 0, compressedSize: 0, damage: {} }, { localHeaderOffset: big + 100, compressedSize: 10 }])).toEqual([]);
  });
});

describe('sortedIndexes', () => {
  it('orders indexes as a stable sort of their values does', () => {
    const random = prng(20261204);
    for (const n of [0, 1, 2, 31, 32, 33, 64, 65, 100, 1000, 4097]) {
      // Few distinct values, so that many are equal and stability shows.
      const values = Array.from({ length: n }, () => Math.floor(random() * Math.max(1, n / 8)));
      const expected = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value).map(({ index }) => index);
      const order = sortedIndexes(n, (a, b) => values[a]! - values[b]!);
      expect([...order], `n = ${n}`).toEqual(expected);
    }
    // Already in order, and in reverse.
    expect([...sortedIndexes(100, (a, b) => a - b)]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...sortedIndexes(100, (a, b) => b - a)]).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
  });
});
