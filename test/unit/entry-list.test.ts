// The walk's entries wait for the writer in columns (archive/entry-list.ts): each must come back
// exactly as the walk gave it, whatever its name, path and kind, and be let go once written.

import { Buffer } from 'node:buffer';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../src-main/archive/buffers.js';
import { EntryList } from '../../src-main/archive/entry-list.js';
import type { PlannedEntry } from '../../src-main/archive/sources.js';
import { prng } from '../../scripts/fuzz-core.js';

const sep = path.sep;

/** Entries as the walk makes them, and the odd ones it can also give. */
function makeEntries(count: number, seed: number): PlannedEntry[] {
  const random = prng(seed);
  // Two of one length: a path is told by its root's text, not its length.
  const roots = [`${sep}data${sep}`, `${sep}more${sep}`, `${sep}home${sep}me${sep}`, `${sep}`];
  const parts = ['src', 'Café', 'naïve', '日本語', 'a b', 'x'.repeat(300), 'file.txt', 'z'];
  const entries: PlannedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const depth = 1 + Math.floor(random() * 4);
    const segments = Array.from({ length: depth }, () => parts[Math.floor(random() * parts.length)]!);
    const name = segments.join('/') + `-${i}`;
    const root = roots[Math.floor(i / 1000) % roots.length]!;
    const sourcePath = root + name.replaceAll('/', sep);
    const mtimeMs = 1_700_000_000_000 + random() * 1e9;
    const mode = 0o100000 | Math.floor(random() * 0o7777);
    switch (i % 11) {
      case 3:
        entries.push({ name: name + '/', kind: 'directory', sourcePath, size: 0, mode: 0o40755, mtimeMs });
        break;
      case 5: // a link, its target kept
        entries.push({ name, kind: 'symlink', sourcePath, size: 4, mode: 0o120777, mtimeMs, linkTarget: Buffer.from('../x') });
        break;
      case 7: // a name that is not UTF-8: path and name as bytes
        entries.push({ name: name + '\ufffd', nameBytes: Buffer.concat([Buffer.from(name), Buffer.from([0xff])]), kind: 'file', sourcePath: Buffer.from(sourcePath + '\xff', 'latin1'), size: 10, mode, mtimeMs });
        break;
      case 8: // a lone surrogate (Windows names may hold one)
        entries.push({ name: name + '\ud800', kind: 'file', sourcePath: sourcePath + '\ud800', size: 1, mode, mtimeMs });
        break;
      case 9: // a path that is not root + name
        entries.push({ name, kind: 'file', sourcePath: `${sep}elsewhere${sep}other`, size: 2 ** 40 + i, mode, mtimeMs });
        break;
      default: {
        // The file's identity, which its open checks: a few devices, inodes past 32 bits too.
        const dev = [2049, 66306, 2 ** 40 + 3][i % 3]!;
        const ino = i % 2 === 0 ? Math.floor(random() * 2 ** 52) : 1 + (i % 1000);
        entries.push({ name, kind: 'file', sourcePath, size: i % 13 === 0 ? CHUNK_SIZE + i : Math.floor(random() * 5000), mode, mtimeMs, dev, ino });
      }
    }
  }
  return entries;
}

describe('EntryList', () => {
  it('gives back every entry as it was pushed, across blocks, until it is let go', async () => {
    const entries = makeEntries(40_000, 20261204);
    const list = new EntryList();
    for (const entry of entries) list.push(entry);
    list.finish();
    expect(list.length).toBe(entries.length);
    expect(list.bytes).toBe(entries.reduce((sum, e) => sum + e.size, 0));
    for (let i = 0; i < entries.length; i++) {
      expect(list.peek(i)).toEqual(entries[i]);
      expect(await list.at(i)).toEqual(entries[i]);
    }
    expect(await list.at(entries.length)).toBeUndefined();

    // Large files are found from any place, once each.
    const large = entries.flatMap((e, i) => (e.kind === 'file' && e.size > CHUNK_SIZE ? [i] : []));
    const found: number[] = [];
    for (let from = 0; ; ) {
      const index = await list.findLarge(from);
      if (index === undefined) break;
      found.push(index);
      from = index + 1;
    }
    expect(found).toEqual(large);

    // Written entries are let go; the rest stay as they were.
    list.release(20_000);
    expect(list.peek(0)).toBeUndefined();
    expect(list.peek(20_000)).toBeUndefined();
    expect(list.peek(20_001)).toEqual(entries[20_001]);
    expect(list.peek(39_999)).toEqual(entries[39_999]);
    expect(await list.findLarge(0)).toBe(large.find((i) => i > 20_000));
  });

  it('makes the writer wait for the walk, and passes on how the walk ended', async () => {
    const list = new EntryList();
    const waiting = list.at(1);
    const entries = makeEntries(2, 1);
    list.push(entries[0]!);
    list.push(entries[1]!);
    expect(await waiting).toEqual(entries[1]);
    const beyond = list.at(2);
    list.fail(new Error('walk failed'));
    await expect(beyond).rejects.toThrow('walk failed');

    const closed = new EntryList();
    closed.close();
    expect(() => closed.push(entries[0]!)).toThrow('cancelled');
  });
});
