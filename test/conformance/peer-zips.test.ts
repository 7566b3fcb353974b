// Conformance: every archive in ../shared/peer-zips (the test suites of yauzl, Go's archive/zip,
// libarchive, node-stream-zip and zip.js) goes through open, list, test and extract into a
// temporary folder, and the outcome is compared with what the peers expect (MANIFEST.md):
//   OK          every entry lists, tests good and extracts;
//   OK*         the peer needs a codec we do not have: some entries fail with UNSUPPORTED_METHOD
//               (or ENCRYPTED, for AES-wrapped ones) and nothing else goes wrong;
//   ERR         refused, at open or entry by entry;
//   PARTIAL/ERR the archive lists, and some entries fail;
//   ROBUST, AUX any outcome, as long as it is success or a coded ZipError (no crash, no hang).
// An OK archive whose probe says "encrypted" expects ENCRYPTED (the peers read it with a password
// or raw; we have neither). A few expectations are annotated by hand below, with the reason.
// Every remaining difference must be listed in DEVIATIONS.md, and every listed one must still
// differ. The test prints how many match.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractArchive } from '../../src-main/archive/extract.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { isZipError, type ZipErrorCode } from '../../src-main/zip/errors.js';
import { namePathKey } from '../../src-main/zip/paths.js';
import { openZip } from '../../src-main/zip/reader.js';
import { describeOutcome, outcomeOf, readManifest, type ManifestRow, type Outcome } from './peer-outcome.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');

function peerZipsDir(): string | undefined {
  const candidates = [process.env['ZIPDESK_PEER_ZIPS'], path.resolve(projectRoot, '../shared/peer-zips'), '/work/shared/peer-zips'];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(path.join(dir, 'MANIFEST.md')));
}

type Expectation =
  | { readonly kind: 'ok' }
  /** Entry errors whose codes are all among `codes` (and at least one). */
  | { readonly kind: 'entry-errors'; readonly codes: readonly ZipErrorCode[] }
  | { readonly kind: 'open-error'; readonly codes: readonly ZipErrorCode[] }
  /** Refused at open or entry by entry, any code. */
  | { readonly kind: 'error' }
  | { readonly kind: 'any' };

/** Expectations read by hand from the peer's own words in MANIFEST.md. */
const ANNOTATED: Readonly<Record<string, { expect: Expectation; why: string }>> = {
  'go-archive-zip/testdata/symlink.zip': {
    expect: { kind: 'entry-errors', codes: ['UNSAFE_SYMLINK'] },
    why: 'the link\'s content is "../target", which the manifest itself marks as escaping; extract refuses such links (issue 2)',
  },
  'go-archive-zip/testdata/dupdir.zip': {
    expect: { kind: 'entry-errors', codes: ['EXISTS'] },
    why: 'all four entries list and test good, but the file "a/b" and the folder "a/b/" cannot both exist on disk: the file is refused',
  },
  'node-stream-zip/err/evil.zip': {
    expect: { kind: 'entry-errors', codes: ['UNSAFE_PATH'] },
    why: 'kind says OK only with skipEntryNameValidation; by default node-stream-zip refuses "..\\..\\…\\file.txt", and so does extract',
  },
  'zipjs/data/lorem-split.zip': {
    expect: { kind: 'open-error', codes: ['MULTI_DISK'] },
    why: 'the last segment of a split archive; "alone: multi-disk" per the manifest (we do not join segments)',
  },
};

function expectationOf(row: ManifestRow): Expectation {
  const annotated = ANNOTATED[row.file];
  if (annotated !== undefined) return annotated.expect;
  switch (row.kind) {
    case 'OK':
      return /\bencrypted\b/.test(row.probe) ? { kind: 'entry-errors', codes: ['ENCRYPTED'] } : { kind: 'ok' };
    case 'OK*':
      return { kind: 'entry-errors', codes: ['UNSUPPORTED_METHOD', 'ENCRYPTED'] };
    case 'ERR':
      return { kind: 'error' };
    case 'PARTIAL/ERR':
      return { kind: 'entry-errors', codes: [] };
    case 'ROBUST':
    case 'AUX':
      return { kind: 'any' };
  }
}

function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case 'ok':
      return 'ok';
    case 'entry-errors':
      return expectation.codes.length === 0 ? 'entry errors' : `entry errors ${expectation.codes.join('|')}`;
    case 'open-error':
      return `open error ${expectation.codes.join('|')}`;
    case 'error':
      return 'an error';
    case 'any':
      return 'anything but a crash';
  }
}

function matches(expectation: Expectation, outcome: Outcome): boolean {
  switch (expectation.kind) {
    case 'ok':
      return outcome.kind === 'ok';
    case 'entry-errors':
      return outcome.kind === 'entry-errors' && (expectation.codes.length === 0 || outcome.codes.every((code) => expectation.codes.includes(code)));
    case 'open-error':
      return outcome.kind === 'open-error' && outcome.codes.every((code) => expectation.codes.includes(code));
    case 'error':
      return outcome.kind !== 'ok';
    case 'any':
      return true;
  }
}

/** The files DEVIATIONS.md lists: the first backticked cell of each table row. */
function listedDeviations(): Set<string> {
  const text = readFileSync(path.join(here, 'DEVIATIONS.md'), 'utf8');
  const listed = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^\| `([^`]+)` \|/.exec(line);
    if (match !== null) listed.add(match[1]!);
  }
  return listed;
}

const peers = peerZipsDir();

describe.skipIf(peers === undefined)('peer archives (../shared/peer-zips)', () => {
  it('meet the peers\' expectations, except the deviations listed in DEVIATIONS.md', { timeout: 300_000 }, async () => {
    const rows = readManifest(peers!);
    expect(rows.length).toBeGreaterThan(250);
    const deviations: { file: string; expected: string; ours: string }[] = [];
    let matched = 0;
    let compared = 0;
    for (const row of rows) {
      const outcome = await outcomeOf(path.join(peers!, row.file)); // throws on anything but a ZipError
      const expectation = expectationOf(row);
      if (expectation.kind !== 'any') compared++;
      if (matches(expectation, outcome)) {
        if (expectation.kind !== 'any') matched++;
      } else deviations.push({ file: row.file, expected: describeExpectation(expectation), ours: describeOutcome(outcome) });
    }
    const listed = listedDeviations();
    const found = new Set(deviations.map((d) => d.file));
    console.log(
      `peer-zips: ${matched} of ${compared} archives match the peers' expectations; ${deviations.length} deviations (listed in test/conformance/DEVIATIONS.md); ` +
        `${rows.length - compared} ROBUST/AUX archives ran without a crash\n` +
        deviations.map((d) => `  deviation: ${d.file}: expected ${d.expected}, got ${d.ours}`).join('\n'),
    );
    expect(deviations.filter((d) => !listed.has(d.file)), 'deviations not listed in DEVIATIONS.md').toEqual([]);
    expect([...listed].filter((file) => !found.has(file)), 'listed in DEVIATIONS.md but no longer deviating').toEqual([]);
  });

  it("key each entry's path and its folders from its name bytes as from its decoded name (extract's duplicate checks rest on it)", { timeout: 120_000 }, async () => {
    /** The keys a walk gives, or how it fails. */
    const walk = async <T>(batches: AsyncGenerator<T[]>, key: (item: T) => number): Promise<{ keys: number[] } | { code: string }> => {
      const keys: number[] = [];
      try {
        for await (const batch of batches) for (const item of batch) keys.push(key(item));
        return { keys };
      } catch (error) {
        if (isZipError(error)) return { code: error.code };
        throw error;
      }
    };
    let keyed = 0;
    let folderKeys = 0;
    for (const row of readManifest(peers!)) {
      const source = await openFileSource(path.join(peers!, row.file));
      try {
        let reader;
        try {
          reader = await openZip(source);
        } catch (error) {
          if (isZipError(error)) continue;
          throw error;
        }
        // Every folder key of a decoded name is heard from the bytes too (which may hear more: the
        // folders of a name that turns out not to be plain, before it is decoded).
        const bytesFolders = new Set<number>();
        const namesFolders: number[] = [];
        const fromBytes = await walk(reader.spanBatches({ pathKeys: true, folderKeys: (key) => bytesFolders.add(key) }), (span) => span.pathKey!);
        const fromNames = await walk(reader.entryBatches(), (entry) => namePathKey(entry.name, (key) => namesFolders.push(key)));
        expect(fromBytes, row.file).toEqual(fromNames);
        expect(namesFolders.filter((key) => !bytesFolders.has(key)), row.file).toEqual([]);
        if ('keys' in fromBytes) keyed += fromBytes.keys.length;
        folderKeys += namesFolders.length;
      } finally {
        await source.close();
      }
    }
    expect(keyed).toBeGreaterThan(1000);
    expect(folderKeys).toBeGreaterThan(100);
  });

  it('every one of the 364 fuzz inputs inside FuzzReader-raw.zip ends in success or a coded ZipError', { timeout: 300_000 }, async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'zipdesk-fuzzraw-'));
    try {
      const result = await extractArchive(path.join(peers!, 'go-archive-zip/testdata/FuzzReader-raw.zip'), work);
      expect(result.ok).toBe(true);
      const inputs = readdirSync(work, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(inputs.length).toBe(364);
      const kinds = new Map<string, number>();
      for (const input of inputs) {
        let outcome: Outcome;
        try {
          outcome = await outcomeOf(path.join(input.parentPath, input.name));
        } catch (error) {
          throw new Error(`${input.name}: ${isZipError(error) ? error.code : String(error)}`);
        }
        kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
      }
      expect([...kinds.values()].reduce((a, b) => a + b)).toBe(364);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
