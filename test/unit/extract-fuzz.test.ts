// Seeded fuzzing of extract into a folder that already holds things (issue 2): hostile but
// well-formed archives (scripts/extract-fuzz-core.js says what they hold and what must hold
// after) extracted twice under each policy. `npm run fuzz -- SEED N --into` runs the same engine
// longer.

import { appendFileSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractIntoCase } from '../../scripts/extract-fuzz-core.js';
import { extractArchive, type ExtractOptions } from '../../src-main/archive/extract.js';
import { testArchive } from '../../src-main/archive/test-archive.js';
import { ZipError } from '../../src-main/zip/errors.js';
import { centralDirectoryHeader, endOfCentralDirectory, localFileHeader, toDosDateTime } from '../../src-main/zip/writer.js';
import { makeTempDir } from './reader-fixtures.js';

const api = { extractArchive, testArchive, ZipError, writer: { localFileHeader, centralDirectoryHeader, endOfCentralDirectory, toDosDateTime } };
const { dir, cleanup } = makeTempDir('zipdesk-extract-fuzz-');
afterAll(cleanup);

function caseFolder(name: string): string {
  const work = path.join(dir, name);
  mkdirSync(work);
  return work;
}

describe('extract into a folder that holds things, fuzzed', () => {
  it('hostile archives, planted targets, every policy, twice: nothing outside changes, and what is written is what the policy says', async () => {
    const cases = new Map<string, number>();
    for (let seed = 47_000; seed < 47_090; seed++) {
      const overwrite = (['skip', 'replace', 'rename'] as const)[seed % 3]!;
      const { outcome, happened, wrong } = await extractIntoCase(seed, caseFolder(`case-${seed}`), api, { overwrite });
      expect(wrong, `seed ${seed}`).toEqual([]);
      for (const what of [outcome, ...happened]) cases.set(what, (cases.get(what) ?? 0) + 1);
    }
    // What these cases went through, each in several of them: a change to the cases that stops
    // one of these from happening leaves the checks above with less to check, and fails here.
    const wanted = ['skip', 'replace', 'rename', 'problem UNSAFE_PATH', 'problem UNSAFE_SYMLINK', 'problem CRC_MISMATCH', 'problem UNSUPPORTED_METHOD', 'problem ENCRYPTED', 'skipped', 'renamed', 'replaced what was there', 'links made', 'a link out planted', 'data out of order', 'fillers', 'a selection', 'case-insensitive', 'Windows names'];
    expect(wanted.filter((what) => (cases.get(what) ?? 0) < 3), JSON.stringify([...cases].sort())).toEqual([]);
  }, 120_000);

  it("the case's checks catch what they look for", async () => {
    // Extracts as asked, then leaks a file outside, leaves a temporary file, changes a file that
    // was there and makes a link out.
    const leaking = async (archive: string, target: string, options: ExtractOptions): Promise<Awaited<ReturnType<typeof extractArchive>>> => {
      const result = await extractArchive(archive, target, options);
      writeFileSync(path.join(target, '..', 'outside', 'leak.txt'), 'out');
      writeFileSync(path.join(target, '.a.1-1-1.zipdesk-partial'), 'half');
      appendFileSync(path.join(target, 'keep.txt'), 'changed');
      symlinkSync('../outside', path.join(target, 'escape'));
      return result;
    };
    const { wrong } = await extractIntoCase(47_001, caseFolder('harness'), { ...api, extractArchive: leaking }, { overwrite: 'skip' });
    const said = (pattern: RegExp): boolean => wrong.some((line) => pattern.test(line));
    for (const pattern of [/run 1: outside\/leak\.txt was made/, /run 1: temporary file left/, /run 1: keep\.txt \(a file\) changed under skip/, /run 1: the link escape -> \.\.\/outside leads to .*outside, outside the target/]) {
      expect(said(pattern), `${pattern} in\n${wrong.join('\n')}`).toBe(true);
    }

    // Asked to skip, replaces; and keeps an entry whose CRC-32 is wrong (test and extract told apart).
    const replacing = async (archive: string, target: string, options: ExtractOptions): Promise<Awaited<ReturnType<typeof extractArchive>>> => extractArchive(archive, target, { ...options, overwrite: 'replace' });
    const replaced = await extractIntoCase(47_004, caseFolder('harness-2'), { ...api, extractArchive: replacing }, { overwrite: 'skip' });
    expect(replaced.wrong.join('\n')).toMatch(/changed under skip/);

    // Under rename, leaves a name empty that an entry was written beside as "name (1)".
    const emptying = async (archive: string, target: string, options: ExtractOptions): Promise<Awaited<ReturnType<typeof extractArchive>>> => {
      const result = await extractArchive(archive, target, options);
      const beside = result.renamed.find((r) => r.path !== r.entry);
      if (beside !== undefined) unlinkSync(path.join(target, beside.entry));
      return result;
    };
    const emptied = await extractIntoCase(47_003, caseFolder('harness-empty'), { ...api, extractArchive: emptying }, { overwrite: 'rename' });
    expect(emptied.wrong.join('\n')).toMatch(/run 1: entry \S+ was written as \S+ \(1\), and its own name holds nothing/);

    const throwing = async (): Promise<never> => {
      throw new TypeError('not a ZipError');
    };
    const thrown = await extractIntoCase(47_001, caseFolder('harness-3'), { ...api, extractArchive: throwing });
    expect(thrown.wrong.join()).toContain('extract (run 1) threw TypeError: not a ZipError');
  });
});
