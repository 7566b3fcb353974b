// The plain path of test (reader.fieldBatches, entry-data.ts plainEntryData) makes no entry and
// no local header object for the common entry, and must answer exactly as the full path does:
// the same fields for every record, and never a success where readSmallEntryAt (strict) fails.
// Checked over archives from zip and python, the peers' archives, and seeded mutations of them
// that hit local headers and data.

import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePlainPath, mutate, prng } from '../../scripts/fuzz-core.js';
import { plainEntryData, readSmallEntryAt } from '../../src-main/zip/entry-data.js';
import { ZipError } from '../../src-main/zip/errors.js';
import type { ZipEntry } from '../../src-main/zip/model.js';
import { bufferSource, openZip, type ZipReader } from '../../src-main/zip/reader.js';
import { makeTempDir, peerZipsDir, python, run } from './reader-fixtures.js';

const { dir, cleanup } = makeTempDir('zipdesk-plain-');
afterAll(cleanup);

const seeds: { name: string; bytes: Buffer }[] = [];
const api = { plainEntryData, readSmallEntryAt, ZipError };

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

/** The entries of the whole directory, or undefined when it does not read. */
async function entriesOf(bytes: Buffer): Promise<{ reader: ZipReader; entries: ZipEntry[] } | undefined> {
  try {
    const reader = await openZip(bufferSource(bytes));
    const entries: ZipEntry[] = [];
    for await (const batch of reader.entryBatches()) entries.push(...batch);
    return { reader, entries };
  } catch (error) {
    if (error instanceof ZipError) return undefined;
    throw error;
  }
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
    const tally = { accepted: 0, fellBack: 0, refusedByBoth: 0 };
    const cases: { why: string; bytes: Buffer }[] = [];
    for (const seed of seeds) {
      cases.push({ why: seed.name, bytes: seed.bytes });
      const read = await entriesOf(seed.bytes);
      for (let i = 0; i < 6; i++) {
        const mutated = i < 3 || read === undefined || read.entries.length === 0 ? mutate(seed.bytes, random) : { bytes: hitEntry(seed.bytes, read.entries, random), description: 'bytes of an entry changed' };
        cases.push({ why: `${seed.name}, ${mutated.description}`, bytes: mutated.bytes });
      }
    }
    for (const { why, bytes } of cases) {
      const read = await entriesOf(bytes);
      if (read === undefined) continue;
      // Throws where the two paths differ.
      const part = await comparePlainPath(bytes, read.reader, read.entries, api).catch((error: Error) => {
        throw new Error(`${why}: ${error.message}`);
      });
      tally.accepted += part.accepted;
      tally.fellBack += part.fellBack;
      tally.refusedByBoth += part.refusedByBoth;
    }
    // The plain path took most entries, left the unusual ones to the full path, and many of the
    // changed bytes made both refuse (that they agree there is the point).
    expect(tally.accepted).toBeGreaterThan(100);
    expect(tally.fellBack).toBeGreaterThan(10);
    expect(tally.refusedByBoth).toBeGreaterThan(20);
  });
});
