// V8's full collection (archive/full-collection.ts), had without leaving a V8 flag changed: the
// jobs worker runs it between two jobs, extract after pass 1 of a large archive.

import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fullCollection } from '../../src-main/archive/full-collection.js';

describe('fullCollection', () => {
  it("collects at once what nothing holds (a dead buffer's memory too), and leaves V8's flags as they were", async () => {
    // The tag covers V8's flags: it differs while --expose-gc is set (then V8 refuses compiled code made without it).
    const tag = v8.cachedDataVersionTag();
    const collect = fullCollection();
    expect(collect).toBeTypeOf('function');
    expect(v8.cachedDataVersionTag()).toBe(tag);
    expect(runInNewContext('typeof gc')).toBe('undefined');

    const base = process.memoryUsage().arrayBuffers;
    let dead: ArrayBuffer | undefined = new ArrayBuffer(64 << 20);
    new Uint8Array(dead).fill(1);
    const held = new WeakRef(dead);
    expect(process.memoryUsage().arrayBuffers - base).toBeGreaterThanOrEqual(64 << 20);
    dead = undefined;
    // A WeakRef's target lives to the end of the task that made it.
    await new Promise((resolve) => setImmediate(resolve));
    collect!();
    // (As a boolean: a failure would print the buffer.)
    expect(held.deref() === undefined).toBe(true);
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(1 << 20);
  });
});
