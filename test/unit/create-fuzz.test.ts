// Seeded fuzzing of create (issue 3): random source trees (scripts/create-fuzz-core.js says what
// they hold) zipped with random options, and what was written judged against the tree by our
// reader, our test, our extract, `unzip -t`, `7z t`, `bsdtar -tf` and Python's zipfile. `npm run
// fuzz -- SEED N --create` runs the same engine longer.

import { appendFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, makeContainers } from '../../scripts/create-fuzz-core.js';
import { createArchive, type CreateOptions } from '../../src-main/archive/create.js';
import { extractArchive } from '../../src-main/archive/extract.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { ZipError } from '../../src-main/zip/errors.js';
import { openZip } from '../../src-main/zip/reader.js';
import { makeTempDir, peerZipsDir } from './reader-fixtures.js';

const api = { createArchive, openZip, openFileSource, testArchive, extractArchive, ZipError };
const { dir, cleanup } = makeTempDir('zipdesk-create-fuzz-');
afterAll(cleanup);
const containers: Buffer[] = [];

beforeAll(() => {
  const made = path.join(dir, 'containers');
  mkdirSync(made);
  containers.push(...makeContainers(made));
  // The peers' small ZIP files too, read where they are.
  const peers = peerZipsDir();
  if (peers === undefined) return;
  for (const name of readdirSync(peers, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(peers, name);
    if (/\.(zip|jar)$/i.test(name) && statSync(file).size <= 64 * 1024) containers.push(readFileSync(file));
  }
});

function caseFolder(name: string): string {
  const work = path.join(dir, name);
  mkdirSync(work);
  return work;
}

describe('create fuzz', () => {
  it('random trees and options: what is written is the tree, to our reader, test and extract and to four peers', async () => {
    const outcomes = new Map<string, number>();
    for (let seed = 46_000; seed < 46_024; seed++) {
      // A third of the cases each: links stored, links followed, deterministic.
      const chosen = [{ followSymlinks: false, deterministic: false }, { followSymlinks: true, deterministic: false }, { deterministic: true }][seed % 3]!;
      const { outcome, wrong } = await createCase(seed, caseFolder(`case-${seed}`), api, containers, chosen);
      expect(wrong, `seed ${seed}`).toEqual([]);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // Most are written; the rare refusals are npm run fuzz's to find.
    expect(outcomes.get('written')).toBeGreaterThan(3);
    expect(outcomes.get('written, deterministic')).toBeGreaterThan(3);
    expect(outcomes.get('written, links followed')).toBeGreaterThan(3);
  }, 180_000);

  it("the create case's checks catch what they look for", async () => {
    // Asked for one thing, this makes another: a source changed first, then the archive with the
    // opposite of `deterministic`, and an extra file beside it.
    const misbehaving = async (options: CreateOptions): Promise<Awaited<ReturnType<typeof createArchive>>> => {
      const source = options.sources[0]!;
      const files = readdirSync(source, { recursive: true, encoding: 'utf8' }).filter((name) => lstatSync(path.join(source, name)).isFile());
      appendFileSync(path.join(source, files[0]!), 'changed');
      const result = await createArchive({ ...options, deterministic: !options.deterministic });
      writeFileSync(path.join(path.dirname(options.outputPath), 'beside.txt'), 'outside');
      return result;
    };
    const { wrong } = await createCase(46_001, caseFolder('harness'), { ...api, createArchive: misbehaving }, containers);
    const said = (pattern: RegExp): boolean => wrong.some((line) => pattern.test(line));
    for (const pattern of [/a source changed/, /the output folder holds beside\.txt/, /: mode \d+, not/, /: modified .*, not/, /Python, entry .*: DOS time/, /data differs/]) {
      expect(said(pattern), `${pattern} in\n${wrong.join('\n')}`).toBe(true);
    }

    const throwing = async (): Promise<never> => {
      throw new TypeError('not a ZipError');
    };
    const thrown = await createCase(46_001, caseFolder('harness-2'), { ...api, createArchive: throwing }, containers);
    expect(thrown.outcome).toBe('threw');
    expect(thrown.wrong.join()).toContain('TypeError: not a ZipError');
  });
});
