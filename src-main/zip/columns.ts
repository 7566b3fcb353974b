// Columns of numbers that grow: typed arrays doubled when full, for the code that keeps a few
// numbers per entry of a large archive instead of an object each.

/** The same numbers in an array twice as long (at least `least`). */
export function grown<T extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>>(array: T, least = 0): T {
  const larger = new (array.constructor as new (length: number) => T)(Math.max(least, array.length * 2));
  larger.set(array);
  return larger;
}

/**
 * A growing column of byte offsets into an archive: 4 bytes each while every one fits in 32
 * bits, as in any archive under 4 GiB, and 8 (a Float64Array, exact to 2^53) from the first that
 * does not. The app's open archive and its safety report keep a few of these per entry: a
 * million entries' offsets in 4 MB where they took 8.
 */
export class OffsetColumn {
  private array: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  private count = 0;

  /** `expected`: how many will come (room for at most a million is made before they do). */
  constructor(expected = 0) {
    this.array = new Uint32Array(Math.max(16, Math.min(expected, 1 << 20)));
  }

  get length(): number {
    return this.count;
  }

  /** The offsets, `length` of them first: for loops over many, which index it directly. */
  get values(): Readonly<Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>> {
    return this.array;
  }

  push(offset: number): void {
    if (this.count === this.array.length) this.array = grown(this.array);
    if (offset >>> 0 !== offset && this.array instanceof Uint32Array) this.array = Float64Array.from(this.array);
    this.array[this.count++] = offset;
  }

  at(index: number): number {
    return this.array[index]!;
  }
}

/** Runs sorted by insertion before sortedIndexes merges them. */
const RUN = 32;

/**
 * The indexes 0 … n-1 ordered by `compare` (stable: equal ones keep their order). A typed
 * array's own sort with a comparator copies the elements into two arrays on the heap, 16 bytes
 * an element, where this merge sort takes one more array like the result, 4 bytes an element.
 */
export function sortedIndexes(n: number, compare: (a: number, b: number) => number): Uint32Array {
  let from = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  for (let start = 0; start < n; start += RUN) insertionSort(from, start, Math.min(start + RUN, n), compare);
  if (n <= RUN) return from;
  let to = new Uint32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let i = start;
      let j = middle;
      let k = start;
      // The right run's element goes first only when it is strictly less: stable.
      while (i < middle && j < end) to[k++] = compare(from[j]!, from[i]!) < 0 ? from[j++]! : from[i++]!;
      while (i < middle) to[k++] = from[i++]!;
      while (j < end) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** Orders `values[start..end)` by `compare`, in place and stably: for short runs. */
export function insertionSort(values: Uint32Array, start: number, end: number, compare: (a: number, b: number) => number): void {
  for (let i = start + 1; i < end; i++) {
    const value = values[i]!;
    let j = i;
    for (; j > start && compare(values[j - 1]!, value) > 0; j--) values[j] = values[j - 1]!;
    values[j] = value;
  }
}
