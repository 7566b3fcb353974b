// Columns of numbers that grow: typed arrays doubled when full, for the code that keeps a few
// numbers per entry of a large archive instead of an object each.

/** The same numbers in an array twice as long (at least `least`). */
export function grown<T extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>>(array: T, least = 0): T {
  const larger = new (array.constructor as new (length: number) => T)(Math.max(least, array.length * 2));
  larger.set(array);
  return larger;
}
