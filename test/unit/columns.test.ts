// The helpers for columns of numbers (zip/columns.ts): growing keeps every value; ordering
// indexes gives the order a stable sort of the same values gives, at every size around its runs.

import { describe, expect, it } from 'vitest';
import { grown, sortedIndexes } from '../../src-main/zip/columns.js';
import { prng } from '../../scripts/fuzz-core.js';

describe('grown', () => {
  it('keeps the values in a longer array of the same kind', () => {
    const column = Float64Array.of(1.5, -2, 3);
    const larger = grown(column);
    expect([larger.constructor, larger.length, [...larger.subarray(0, 3)]]).toEqual([Float64Array, 6, [1.5, -2, 3]]);
    expect(grown(Uint32Array.of(7), 100).length).toBe(100);
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
