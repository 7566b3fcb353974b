// zip/member-spans.ts: where a zip container's compressed members keep their data, checked
// against Python's zipfile on containers made by real tools (`jar`, `zip`, zipfile), and given
// up on for files that do not read as plain ZIP files.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { mutate, prng } from '../../scripts/fuzz-core.js';
import { deflateTransient } from '../../src-main/archive/compress-work.js';
import { compressedMemberSpans } from '../../src-main/zip/member-spans.js';
import { random, tempDir, text } from '../conformance/write-fixtures.js';

const root = tempDir('zipdesk-spans-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spansOf = (bytes: Buffer): number[] | undefined => compressedMemberSpans(bytes.length, (at, length) => bytes.subarray(at, at + length));

/** Python's view: [start, end) of the data of each member not stored, from its own header walk. */
function pythonSpans(archive: string, minimum = 128): number[] {
  const out = execFileSync(
    'python3',
    [
      '-c',
      `import sys, zipfile, struct, json
z = zipfile.ZipFile(sys.argv[1]); f = open(sys.argv[1], 'rb'); spans = []
for i in z.infolist():
    if i.compress_type == 0 or i.compress_size < ${minimum}: continue
    f.seek(i.header_offset); h = f.read(30); n, e = struct.unpack('<HH', h[26:30])
    start = i.header_offset + 30 + n + e; spans.append((start, start + i.compress_size))
print(json.dumps([x for s in sorted(spans) for x in s]))`,
      archive,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as number[];
}

function folderOf(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'in/sub'), { recursive: true });
  writeFileSync(path.join(dir, 'in/a.txt'), text(40_000, 1));
  writeFileSync(path.join(dir, 'in/sub/noise.bin'), random(30_000));
  writeFileSync(path.join(dir, 'in/sub/tiny.txt'), 'tiny');
  writeFileSync(path.join(dir, 'in/b.txt'), text(3_000, 2));
  writeFileSync(path.join(dir, 'in/sub/hex.txt'), random(20_000).toString('hex'));
  return dir;
}

describe('compressedMemberSpans', () => {
  it('finds the data of every compressed member, as zipfile sees it, in archives from jar (data descriptors), zip (a comment) and zipfile (mixed methods)', () => {
    const dir = folderOf('tools');
    const made = {
      jar: () => execFileSync('jar', ['cf', '../made.jar', '.'], { cwd: path.join(dir, 'in') }),
      zip: () => {
        execFileSync('zip', ['-qr', '../made.zip', '.'], { cwd: path.join(dir, 'in') });
        execFileSync('zip', ['-qz', path.join(dir, 'made.zip')], { input: 'a comment\n' });
      },
      zipfile: () =>
        execFileSync('python3', [
          '-c',
          `import sys, zipfile, random
data = random.Random(3).randbytes(5000).hex().encode()
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(zipfile.ZipInfo('stored.txt'), data)
    z.writestr('deflated.txt', data, zipfile.ZIP_DEFLATED)
    z.writestr('bzip2.txt', data, zipfile.ZIP_BZIP2)
    z.writestr('small.txt', b'short', zipfile.ZIP_DEFLATED)`,
          path.join(dir, 'made.zipfile'),
        ]),
    };
    for (const [tool, make] of Object.entries(made)) {
      make();
      const archive = path.join(dir, `made.${tool}`);
      const expected = pythonSpans(archive);
      expect(expected.length, tool).toBeGreaterThanOrEqual(4);
      expect(spansOf(readFileSync(archive)), tool).toEqual(expected);
    }
  });

  it('gives up on what does not read as a plain ZIP file', () => {
    const dir = folderOf('odd');
    const archive = path.join(dir, 'plain.zip');
    execFileSync('zip', ['-qr', archive, '.'], { cwd: path.join(dir, 'in') });
    const bytes = readFileSync(archive);
    expect(spansOf(bytes)?.length).toBeGreaterThan(0);
    // Not a zip; cut short; a prefix its offsets do not count (a self-extractor's stub); data after it.
    expect(spansOf(text(100_000))).toBeUndefined();
    expect(spansOf(Buffer.alloc(0))).toBeUndefined();
    expect(spansOf(bytes.subarray(0, bytes.length - 10))).toBeUndefined();
    expect(spansOf(Buffer.concat([text(1000), bytes]))).toBeUndefined();
    expect(spansOf(Buffer.concat([bytes, text(1000)]))).toBeUndefined();
    // ZIP64 (zip -fz writes its end records).
    const zip64 = path.join(dir, 'zip64.zip');
    execFileSync('zip', ['-qr', '-fz', zip64, '.'], { cwd: path.join(dir, 'in') });
    expect(spansOf(readFileSync(zip64))).toBeUndefined();
    // A directory that claims more records than it holds.
    const lying = Buffer.from(bytes);
    const end = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    lying.writeUInt16LE(lying.readUInt16LE(end + 10) + 1, end + 10);
    expect(spansOf(lying)).toBeUndefined();
  });

  it('drops spans that overlap an earlier one and records whose local header is not there', () => {
    // Two central records naming one local header (an overlap), and one pointing at garbage.
    const dir = path.join(root, 'overlap');
    mkdirSync(dir, { recursive: true });
    const archive = path.join(dir, 'o.zip');
    execFileSync('python3', [
      '-c',
      `import sys, zipfile, random
data = random.Random(7).randbytes(3000)
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.txt', data)
    z.writestr('b.txt', data[::-1])`,
      archive,
    ]);
    const bytes = readFileSync(archive);
    const [aStart, aEnd, bStart, bEnd] = pythonSpans(archive);
    const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const directory = bytes.readUInt32LE(end + 16);
    const second = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), directory + 4);
    const overlapping = Buffer.from(bytes);
    overlapping.writeUInt32LE(0, second + 42); // b's record now names a's local header
    expect(spansOf(overlapping)).toEqual([aStart, aEnd]);
    const astray = Buffer.from(bytes);
    astray.writeUInt32LE(7, second + 42); // no local header there
    expect(spansOf(astray)).toEqual([aStart, aEnd]);
    expect(spansOf(bytes)).toEqual([aStart, aEnd, bStart, bEnd]);
  });

  it('on mutated containers (the fuzzer\'s mutations, seeded): no exception, spans sorted, disjoint and inside the file, and the data deflated with them inflates back', () => {
    const dir = folderOf('mutated');
    execFileSync('jar', ['cf', '../m.jar', '.'], { cwd: path.join(dir, 'in') });
    execFileSync('zip', ['-qr', '../m.zip', '.'], { cwd: path.join(dir, 'in') });
    const seeds = [readFileSync(path.join(dir, 'm.jar')), readFileSync(path.join(dir, 'm.zip'))];
    let withSpans = 0;
    for (let i = 0; i < 600; i++) {
      const { bytes, description } = mutate(seeds[i % seeds.length]!, prng(20261205 + i));
      const spans = spansOf(bytes);
      if (spans === undefined || spans.length === 0) continue;
      withSpans++;
      for (let k = 0; k < spans.length; k += 2) {
        expect(spans[k]! >= (k === 0 ? 0 : spans[k - 1]!) && spans[k]! < spans[k + 1]! && spans[k + 1]! <= bytes.length, description).toBe(true);
      }
      const deflated = deflateTransient(bytes, { level: 6, reuse: i % 2 === 0, asIs: spans });
      expect(zlib.inflateRawSync(deflated).equals(bytes), description).toBe(true);
    }
    // Most mutations leave the directory readable: the check above ran on them.
    expect(withSpans).toBeGreaterThan(200);
  });
});
