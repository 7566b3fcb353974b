// Seeded fuzzing (issue 2): mutated peer archives and archives made here by real tools must
// open, list, inspect and read to a success or a coded ZipError — never another exception.
// Each case's work is bounded by construction (scripts/fuzz-core.js LIMITS); the per-test
// timeout is the only clock. `npm run fuzz -- SEED ITERATIONS` runs the same engine longer.

import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz, mutate, prng } from '../../scripts/fuzz-core.js';
import { ZipError } from '../../src-main/zip/errors.js';
import { inspectArchive, inspectEntry } from '../../src-main/zip/inspect.js';
import { bufferSource, findOverlaps, openZip } from '../../src-main/zip/reader.js';
import { makeTempDir, peerZipsDir, python, run } from './reader-fixtures.js';

const api = { openZip, bufferSource, findOverlaps, inspectArchive, inspectEntry, ZipError };
const { dir, cleanup } = makeTempDir('zipdesk-fuzz-');
afterAll(cleanup);

const own: { name: string; bytes: Buffer }[] = [];
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

  it('peer archives: every outcome is a success or a ZipError', async (context) => {
    if (peers.length === 0) context.skip();
    const { counts, findings } = await fuzz({ seeds: peers, seed: 424242, iterations: 600, api });
    expect(findings, report(findings)).toEqual([]);
    expect(counts.get('ok')).toBeGreaterThan(0);
  });
});
