// What Zipdesk makes of one archive: open and list it, test every entry, extract it into a
// temporary folder; the result is summed up as one outcome to compare with what the peer
// readers expect (MANIFEST.md). Any error that is not a ZipError is a crash and is thrown.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { extractReader } from '../../src-main/archive/extract.js';
import { testReader } from '../../src-main/archive/test-archive.js';
import { isZipError, type ZipErrorCode } from '../../src-main/zip/errors.js';
import { openZip } from '../../src-main/zip/reader.js';

export type Outcome =
  /** Opened, every entry tested good and extracted. */
  | { readonly kind: 'ok'; readonly entries: number }
  /** Opened and listed, but some entries failed test or extract (their codes, sorted). */
  | { readonly kind: 'entry-errors'; readonly entries: number; readonly codes: ZipErrorCode[] }
  /** Refused at open or while listing. */
  | { readonly kind: 'open-error'; readonly codes: ZipErrorCode[] };

export async function outcomeOf(file: string): Promise<Outcome> {
  const source = await openFileSource(file);
  const target = mkdtempSync(path.join(tmpdir(), 'zipdesk-peer-'));
  try {
    let reader;
    let entries;
    try {
      reader = await openZip(source);
      entries = await reader.readEntries();
    } catch (error) {
      if (isZipError(error)) return { kind: 'open-error', codes: [error.code] };
      throw error;
    }
    const tested = await testReader(file, reader);
    const extracted = await extractReader(file, reader, target);
    const codes = [...new Set([...tested.problems, ...extracted.problems].map((p) => p.code))].sort();
    return codes.length === 0 ? { kind: 'ok', entries: entries.length } : { kind: 'entry-errors', entries: entries.length, codes };
  } finally {
    await source.close();
    rmSync(target, { recursive: true, force: true });
  }
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return `ok (${outcome.entries} entries)`;
    case 'entry-errors':
      return `entry errors ${outcome.codes.join(',')} (${outcome.entries} entries)`;
    case 'open-error':
      return `open error ${outcome.codes.join(',')}`;
  }
}

export interface ManifestRow {
  readonly file: string;
  readonly probe: string;
  readonly expected: string;
  readonly kind: 'OK' | 'OK*' | 'ERR' | 'PARTIAL/ERR' | 'ROBUST' | 'AUX';
}

/** The "All archives" tables of MANIFEST.md: file, probe, the peer's expectation and its kind. */
export function readManifest(dir: string): ManifestRow[] {
  const rows: ManifestRow[] = [];
  let inArchives = false;
  for (const line of readFileSync(path.join(dir, 'MANIFEST.md'), 'utf8').split('\n')) {
    if (line.startsWith('## ')) inArchives = line === '## All archives';
    const match = /^\| `([^`]+)` \|/.exec(line);
    if (!inArchives || match === null) continue;
    const cells = line.split(' | ');
    // | file | bytes | origin | exercises | probe | expected | kind | unzip -t |
    const kind = cells.at(-2)!.trim();
    if (!['OK', 'OK*', 'ERR', 'PARTIAL/ERR', 'ROBUST', 'AUX'].includes(kind)) throw new Error(`MANIFEST.md: unknown kind ${kind} for ${match[1]}`);
    rows.push({ file: match[1]!, probe: cells[4] ?? '', expected: cells.at(-3) ?? '', kind: kind as ManifestRow['kind'] });
  }
  return rows;
}
