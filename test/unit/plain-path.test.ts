// The plain path of test (reader.fieldBatches, entry-data.ts plainEntryData) makes no entry and
// no local header object for the common entry, and must answer exactly as the full path does:
// the same fields for every record, and never a success where readSmallEntryAt (strict) fails.
// Checked over archives from zip and python, the peers' archives, and seeded mutations of them
// that hit local headers and data.

import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, prng } from '../../scripts/fuzz-core.js';
import { plainEntryData, readSmallEntryAt } from '../../src-main/zip/entry-data.js';
import type { EntryFields, ZipEntry } from '../../src-main/zip/model.js';
import { bufferSource, openZip } from '../../src-main/zip/reader.js';
import { makeTempDir, peerZipsDir, python, run } from './reader-fixtures.js';

const { dir, cleanup } = makeTempDir('zipdesk-plain-');
afterAll(cleanup);

const seeds: { name: string; bytes: Buffer }[] = [];

beforeAll(() => {
  writeFileSync(path.join(dir, 'text.txt'), Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join(''));
  writeFileSync(path.join(dir, 'tiny.txt'), 'hi');
  writeFileSync(path.join(dir, 'empty.txt'), '');
  writeFileSync(path.join(dir, 'noise.bin'), Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 7919) & 0xff)));
  run('zip', ['-q', 'zip.zip', 'text.txt', 'tiny.txt', 'empty.txt', 'noise.bin'], dir);
  run('zip', ['-q0', 'stored.zip', 'text.txt', 'tiny.txt'], dir);
  run('sh', ['-c', 'zip -q - text.txt tiny.txt | cat > piped.zip'], dir);
  python(
    `
import zipfile, zlib
with zipfile.ZipFile('py.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('plain.txt', 'plain ' * 40)
    z.writestr('caf\\u00e9.txt', 'unicode name')
    z.writestr('dir/', '')
    z.writestr(zipfile.ZipInfo('stored.txt'), 'stored here')
    # A plain name that Info-ZIP's Unicode path field (its CRC matching) renames: not plain.
    info = zipfile.ZipInfo('ascii-name.txt')
    unicode = 'renamed-\u00e9.txt'.encode()
    body = bytes([1]) + zlib.crc32(b'ascii-name.txt').to_bytes(4, 'little') + unicode
    info.extra = (0x7075).to_bytes(2, 'little') + len(body).to_bytes(2, 'little') + body
    z.writestr(info, 'renamed by its extra field')
`,
    dir,
  );
  for (const name of ['zip.zip', 'stored.zip', 'piped.zip', 'py.zip']) seeds.push({ name, bytes: readFileSync(path.join(dir, name)) });
  const peers = peerZipsDir();
  const collect = (relative: string): void => {
    for (const name of readdirSync(path.join(peers!, relative))) {
      const file = path.join(relative, name);
      const stat = statSync(path.join(peers!, file));
      if (stat.isDirectory()) collect(file);
      else if (/\.(zip|jar)$/i.test(name) && stat.size <= 64 * 1024) seeds.push({ name: file, bytes: readFileSync(path.join(peers!, file)) });
    }
  };
  if (peers !== undefined) collect('');
});

type Picked = Record<keyof EntryFields, unknown>;
const pick = (e: EntryFields): Picked => ({
  index: e.index,
  name: e.name,
  generalPurposeBitFlag: e.generalPurposeBitFlag,
  compressionMethod: e.compressionMethod,
  crc32: e.crc32,
  compressedSize: e.compressedSize,
  uncompressedSize: e.uncompressedSize,
  localHeaderOffset: e.localHeaderOffset,
  encrypted: e.encrypted,
  hasDataDescriptor: e.hasDataDescriptor,
});

/** Whole entries and plain fields of every record, or undefined when the directory does not read. */
async function bothWays(bytes: Buffer): Promise<{ entries: ZipEntry[]; fields: EntryFields[] } | undefined> {
  let entries: ZipEntry[];
  const reader = await openZip(bufferSource(bytes)).catch(() => undefined);
  if (reader === undefined) return undefined;
  try {
    entries = [];
    for await (const batch of reader.entryBatches()) entries.push(...batch);
  } catch (error) {
    // Then the plain walk fails the same way.
    await expect((async () => {
      for await (const _ of reader.fieldBatches());
    })()).rejects.toMatchObject({ code: (error as { code: string }).code });
    return undefined;
  }
  const fields: EntryFields[] = [];
  for await (const batch of reader.fieldBatches()) fields.push(...batch);
  return { entries, fields };
}

/** A copy of the seed with one to three bytes changed inside one entry's local header or data. */
function hitEntry(bytes: Buffer, entries: readonly ZipEntry[], random: () => number): Buffer {
  const copy = Buffer.from(bytes);
  const entry = entries[Math.floor(random() * entries.length)]!;
  const span = 30 + entry.name.length + 8 + entry.compressedSize;
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const at = entry.localHeaderOffset + Math.floor(random() * span);
    if (at >= 0 && at < copy.length) copy[at] ^= 1 << Math.floor(random() * 8);
  }
  return copy;
}

describe('the plain path of test', () => {
  it('gives every record the fields of its whole entry, and accepts an entry only when readSmallEntryAt does, with the same data', async () => {
    const random = prng(20261203);
    const tally = { records: 0, accepted: 0, fellBack: 0, refusedByBoth: 0 };
    const cases: { why: string; bytes: Buffer }[] = [];
    for (const seed of seeds) {
      cases.push({ why: seed.name, bytes: seed.bytes });
      const read = await bothWays(seed.bytes);
      for (let i = 0; i < 6; i++) {
        const mutated = i < 3 || read === undefined || read.entries.length === 0 ? mutate(seed.bytes, random) : { bytes: hitEntry(seed.bytes, read.entries, random), description: 'bytes of an entry changed' };
        cases.push({ why: `${seed.name}, ${mutated.description}`, bytes: mutated.bytes });
      }
    }
    for (const { why, bytes } of cases) {
      const read = await bothWays(bytes);
      if (read === undefined) continue;
      const { entries, fields } = read;
      expect(fields.map(pick), why).toEqual(entries.map(pick));
      tally.records += entries.length;
      entries.forEach((entry, i) => {
        if (entry.compressedSize > 256 * 1024 || entry.uncompressedSize > 256 * 1024) return;
        // Both answers are transient views: copy the first before asking for the second.
        const fast = plainEntryData(fields[i]!, bytes, entry.localHeaderOffset, bytes.length);
        const plain = fast === undefined ? undefined : Buffer.from(fast);
        let full: Buffer | Error;
        try {
          const data = readSmallEntryAt(entry, bytes, entry.localHeaderOffset, bytes.length, { strictLocalHeader: true });
          full = data === undefined ? new Error('bytes end early') : Buffer.from(data);
        } catch (error) {
          full = error as Error;
        }
        if (plain === undefined) {
          if (full instanceof Error) tally.refusedByBoth++;
          else tally.fellBack++;
          return;
        }
        tally.accepted++;
        expect(full, `${why}: ${entry.name}`).toBeInstanceOf(Buffer);
        expect(plain.equals(full as Buffer), `${why}: ${entry.name}`).toBe(true);
      });
    }
    // The plain path took most entries, left the unusual ones to the full path, and many of the
    // changed bytes made both refuse (that they agree there is the point).
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.fellBack).toBeGreaterThan(10);
    expect(tally.refusedByBoth).toBeGreaterThan(20);
  });
});
