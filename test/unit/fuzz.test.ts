// Seeded fuzzing (issue 2): mutated peer archives and archives made here by real tools must
// open, list, inspect and read to a success or a coded ZipError — never another exception.
// Each case's work is bounded by construction (scripts/fuzz-core.js LIMITS); the per-test
// timeout is the only clock. `npm run fuzz -- SEED ITERATIONS [--extract]` runs the same engine
// (with --extract, the test-and-extract case below) longer.

import { Buffer } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractCase, fuzz, mutate, prng } from '../../scripts/fuzz-core.js';
import { extractArchive } from '../../src-main/archive/extract.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { ZipError } from '../../src-main/zip/errors.js';
import { inspectArchive, inspectEntry } from '../../src-main/zip/inspect.js';
import { bufferSource, findOverlaps, openZip } from '../../src-main/zip/reader.js';
import { buildSafetyReport } from '../../src-main/zip/safety.js';
import { plainEntryData, readSmallEntryAt } from '../../src-main/zip/entry-data.js';
import { makeTempDir, peerZipsDir, python, run } from './reader-fixtures.js';
import { craftZip } from './craft.js';

const api = { openZip, bufferSource, findOverlaps, buildSafetyReport, inspectArchive, inspectEntry, ZipError, plainEntryData, readSmallEntryAt };
const { dir, cleanup } = makeTempDir('zipdesk-fuzz-');
afterAll(cleanup);

const own: { name: string; bytes: Buffer }[] = [];
const large: { name: string; bytes: Buffer }[] = [];
const peers: { name: string; bytes: Buffer }[] = [];

function collect(root: string, relative = ''): void {
  for (const name of readdirSync(path.join(root, relative))) {
    const file = path.join(relative, name);
    const stat = statSync(path.join(root, file));
    if (stat.isDirectory()) collect(root, file);
    else if (/\.(zip|jar|zipx)$/i.test(name) && stat.size <= 64 * 1024) peers.push({ name: file, bytes: readFileSync(path.join(root, file)) });
  }
}

beforeAll(() => {
  writeFileSync(path.join(dir, 'a.txt'), 'alpha '.repeat(300));
  writeFileSync(path.join(dir, 'b.txt'), '');
  run('zip', ['-q', 'zip.zip', 'a.txt', 'b.txt'], dir);
  run('sh', ['-c', 'zip -q - a.txt b.txt | cat > piped.zip'], dir);
  python(
    `
import zipfile
zipfile.ZIP64_LIMIT = 40
zipfile.ZIP_FILECOUNT_LIMIT = 1
with zipfile.ZipFile('zip64.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.comment = b'comment'
    for i in range(4): z.writestr(f'd/{i}.txt', 'text ' * (i * 50))
`,
    dir,
  );
  for (const name of ['zip.zip', 'piped.zip', 'zip64.zip']) own.push({ name, bytes: readFileSync(path.join(dir, name)) });
  // Entries over 256 KiB, read a megabyte at a time (zip/entry-data.ts entryChunks): one with a data descriptor.
  writeFileSync(path.join(dir, 'large.txt'), Array.from({ length: 40_000 }, (_, i) => `line ${i} ${(i * 7919) % 10007}\n`).join(''));
  run('sh', ['-c', 'zip -q - large.txt | cat > piped-large.zip'], dir);
  large.push({ name: 'piped-large.zip', bytes: readFileSync(path.join(dir, 'piped-large.zip')) });
  const text = readFileSync(path.join(dir, 'large.txt'));
  large.push({ name: 'large.zip', bytes: craftZip([{ name: 'text.txt', data: text }, { name: 'stored.bin', data: text.subarray(0, 300_000), method: 0 }]) });
  const peerDir = peerZipsDir();
  if (peerDir !== undefined) collect(peerDir);
});

function report(findings: { seed: string; description: string; error: string }[]): string {
  return findings.map((f) => `${f.seed}: ${f.description}\n${f.error}`).join('\n\n');
}

describe('fuzz', () => {
  it('mutations are deterministic for a seed', () => {
    const seed = Buffer.from('PK\x03\x04 some bytes PK\x01\x02 more bytes PK\x05\x06 end of it');
    const first = Array.from({ length: 20 }, (_, i) => mutate(seed, prng(i)).description);
    const again = Array.from({ length: 20 }, (_, i) => mutate(seed, prng(i)).description);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(10);
  });

  it('our own archives: every outcome is a success or a ZipError', async () => {
    const { counts, findings } = await fuzz({ seeds: own, seed: 20260101, iterations: 400, api });
    expect(findings, report(findings)).toEqual([]);
    expect(counts.get('ok')).toBeGreaterThan(0);
    expect([...counts.keys()].length).toBeGreaterThan(3);
  });

  it('test and extract of mutated archives (span batches, large entries, helper thread): a result or a ZipError, nothing outside the target, no temporary files left', async () => {
    // 600 small entries: enough for the span helper thread (extract-files.ts helperPays).
    const many = craftZip(Array.from({ length: 600 }, (_, i) => ({ name: `d${i % 5}/f${i}.txt`, data: `entry ${i} `.repeat(1 + (i % 40)) })));
    // A case in four mutates it, one in four an archive of large entries; the rest go round our
    // own archives and the peers'.
    const others = [...own, ...peers];
    const random = prng(777);
    const outcomes = new Map<string, number>();
    const count = (key: string): void => void outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let i = 0; i < 80; i++) {
      const seed = i % 4 === 0 ? { name: 'many.zip', bytes: many } : i % 4 === 1 ? large[(i >> 2) % large.length]! : others[(i >> 1) % others.length]!;
      const { bytes, description } = mutate(seed.bytes, random);
      const work = path.join(dir, `case-${i}`);
      mkdirSync(work);
      const { outcomes: ran, wrong } = await extractCase(bytes, work, { testArchive, extractArchive, ZipError });
      expect(wrong, `${seed.name}, ${description}`).toEqual([]);
      expect(ran).toHaveLength(2);
      ran.forEach(count);
    }
    expect(outcomes.get('ok')).toBeGreaterThan(0);
    expect(outcomes.get('problems')).toBeGreaterThan(0);
  });

  it("the extract case's checks catch what they look for", async () => {
    const bytes = craftZip([{ name: 'a.txt', data: 'a' }]);
    const misbehaving = async (archive: string, target: string): Promise<{ ok: boolean }> => {
      const work = path.dirname(archive);
      mkdirSync(path.join(target, 'sub'), { recursive: true });
      writeFileSync(path.join(work, 'beside.txt'), 'outside the target');
      writeFileSync(path.join(target, 'sub', '.a.txt.1-0-1.zipdesk-partial'), 'left');
      symlinkSync('../../../elsewhere', path.join(target, 'sub', 'up'));
      writeFileSync(archive, 'changed');
      return { ok: true };
    };
    const throwing = async (): Promise<{ ok: boolean }> => {
      throw new TypeError('not a ZipError');
    };
    const work = path.join(dir, 'harness');
    mkdirSync(work);
    const { wrong } = await extractCase(bytes, work, { testArchive: throwing, extractArchive: misbehaving, ZipError });
    expect(wrong.map((line) => line.split(':')[0]).sort()).toEqual(['link pointing outside', 'made beside the target', 'temporary file left', 'test threw TypeError', 'the archive changed']);
  });

  it('peer archives: every outcome is a success or a ZipError', async (context) => {
    if (peers.length === 0) context.skip();
    const { counts, findings } = await fuzz({ seeds: peers, seed: 424242, iterations: 600, api });
    expect(findings, report(findings)).toEqual([]);
    expect(counts.get('ok')).toBeGreaterThan(0);
  });
});
