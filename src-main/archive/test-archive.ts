// Testing an archive (issue 2, "Test"): inflate every entry, check its CRC-32 and sizes, and
// report every bad entry by name before going on to the next. Nothing is written anywhere.
//
// This is a pure async function over a path, so the command line, the IPC handlers and the job
// worker all call it the same way: options carry an AbortSignal and a progress callback, and the
// result is plain JSON. An archive that cannot be opened at all rejects with its ZipError;
// everything wrong inside it lands in `problems`.
//
// Entries whose bytes overlap another entry are reported and not inflated: an overlap is how
// "zip bombs" reuse one compressed run many times, and inflating them is the attack.

import { openFileSource } from './file-source.js';
import { ProgressReporter, runBounded, type ProgressCallback } from './progress.js';
import { ZipError, isZipError } from '../zip/errors.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import type { ZipEntry } from '../zip/model.js';
import { silentLog, type Log } from '../log/types.js';
import { cancelledError, copyEntryData, entryProblem, scanSpans, type EntryProblem } from './entry-check.js';

export type { EntryProblem } from './entry-check.js';

export interface TestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
  readonly log?: Log;
  /** Entries inflated at the same time (zlib runs on libuv's thread pool). Default 4. */
  readonly concurrency?: number;
}

export interface TestResult {
  readonly archive: string;
  readonly entriesTotal: number;
  /** Entries whose data was read to the end and matched (or that were refused, see problems). */
  readonly entriesTested: number;
  readonly bytesTested: number;
  /** True when every entry is good. */
  readonly ok: boolean;
  /** One per bad entry, in central directory order. */
  readonly problems: EntryProblem[];
}

/** Tests the archive at `archivePath`. Rejects only when it cannot be opened, or with CANCELLED. */
export async function testArchive(archivePath: string, options: TestOptions = {}): Promise<TestResult> {
  const log = (options.log ?? silentLog).child({ module: 'test-archive' });
  const started = performance.now();
  const source = await openFileSource(archivePath);
  try {
    const reader = await openZip(source, { log });
    const result = await testReader(archivePath, reader, options);
    log.info('tested', { archive: archivePath, entries: result.entriesTotal, problems: result.problems.length, ms: Math.round(performance.now() - started) });
    return result;
  } finally {
    await source.close();
  }
}

/** The same over a reader that is already open (the app keeps one per open archive). */
export async function testReader(archive: string, reader: ZipReader, options: TestOptions = {}): Promise<TestResult> {
  const { signal } = options;
  if (signal?.aborted) throw cancelledError();
  // Two streaming passes over the central directory, so that memory stays bounded however many
  // entries there are: the first gathers totals and overlaps, the second tests batch by batch.
  const spans = await scanSpans(reader, signal);
  const problems: EntryProblem[] = [];
  const progress = new ProgressReporter(options.onProgress, spans.bytesTotal, spans.count);
  progress.flush();
  let tested = 0;
  for await (const batch of reader.entryBatches()) {
    if (signal?.aborted) break;
    // Read in the order the data lies in the file: the source reads ahead.
    const order = batch.length > 1 ? [...batch].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset) : batch;
    await runBounded(order, options.concurrency ?? 4, signal, async (entry) => {
      progress.currentEntry = entry.name;
      const overlap = spans.overlapping.get(entry.index);
      const problem = overlap !== undefined ? overlap.withEntry(entry.name) : await checkEntry(reader, entry, signal);
      if (problem !== undefined) problems.push(entryProblem(entry, problem));
      tested++;
      progress.entriesDone++;
      progress.bytesDone += entry.uncompressedSize;
      progress.tick();
    });
  }
  if (signal?.aborted) throw cancelledError();
  progress.currentEntry = undefined;
  progress.flush();
  problems.sort((a, b) => a.index - b.index);
  return { archive, entriesTotal: spans.count, entriesTested: tested, bytesTested: progress.bytesDone, ok: problems.length === 0, problems };
}

async function checkEntry(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined): Promise<ZipError | undefined> {
  try {
    await copyEntryData(reader, entry, signal);
    return undefined;
  } catch (error) {
    if (isZipError(error)) return error;
    throw error;
  }
}
