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

import { openFileSource, type FileIdentity } from './file-source.js';
import { ProgressReporter, runBounded, type ProgressCallback } from './progress.js';
import { ZipError, isZipError } from '../zip/errors.js';
import { openZip, type DirectoryRange, type ZipReader } from '../zip/reader.js';
import type { CodePage } from '../zip/names.js';
import { canReadChunks } from '../zip/entry-data.js';
import type { ArchiveNote, EntryFields, ZipEntry } from '../zip/model.js';
import { silentLog, type Log } from '../log/types.js';
import { cancelledError, copyEntryData, entryProblem, scanSpans, type EntryProblem, type EntrySpans, type ProblemFlow } from './entry-check.js';
import { LEFT_FOR_HELPER, SpanBatcher, entryFields, helperPays, isSmallFile, openSpanRunner, type SpanBatch } from './extract-files.js';
import { RunStop } from './run-stop.js';
import { MAX_HELD_PROBLEMS, RANGE_BYTES, RANGE_ENTRIES, RangeChecks, type RangeJob, type RangeListener } from './check-ranges.js';

export type { EntryProblem } from './entry-check.js';

export interface TestOptions {
  readonly signal?: AbortSignal;
  /** A 32-bit flag another thread sets to 1 to cancel the run, read between two entries (run-stop.ts). */
  readonly cancelFlag?: SharedArrayBuffer;
  readonly onProgress?: ProgressCallback;
  readonly log?: Log;
  /** Large entries inflated at the same time when they cannot go in span batches (zlib runs on libuv's thread pool). Default 4. */
  readonly concurrency?: number;
  /** The least time between two progress reports, in ms. Default 100. */
  readonly progressIntervalMs?: number;
  /** The archive as it was when the user opened it (file-source.ts); a file changed since is refused. */
  readonly expectedIdentity?: FileIdentity;
  /** The code page of names not flagged UTF-8 (zip/names.ts codePageOf); testReader's reader has its own. */
  readonly codePage?: CodePage;
  /**
   * Hears each bad entry, in central directory order, as soon as the entries before it are
   * checked; the result's `problems` is then empty (`problemCount` counts them). A large archive's
   * problems are thus never all held at once (an overlap bomb has one per entry).
   */
  readonly onProblem?: (problem: EntryProblem) => void;
  /**
   * With onProblem, when what it heard is not yet taken in (its lines wait in a full stream):
   * `behind` says so between ranges, and no more are begun until `caughtUp` resolves (it must
   * also resolve once the test is cancelled).
   */
  readonly problemFlow?: ProblemFlow;
}

export interface TestResult {
  readonly archive: string;
  readonly entriesTotal: number;
  /** Entries whose data was read to the end and matched (or that were refused, see problems). */
  readonly entriesTested: number;
  /**
   * The uncompressed bytes checked: every good entry's, and of a bad one only those counted while
   * it was read (a large entry's, a megabyte at a time); a bad small entry (checked from memory)
   * and a refused or damaged one add none. At most the progress's total.
   */
  readonly bytesTested: number;
  /** True when every entry is good. */
  readonly ok: boolean;
  /** One per bad entry, in central directory order (none when they went to `onProblem`). */
  readonly problems: EntryProblem[];
  /** How many entries are bad. */
  readonly problemCount: number;
  /**
   * What is off about the archive as a whole that the test read around (zip/archive-notes.ts):
   * not bad entries, so `ok` does not count them.
   */
  readonly notes: ArchiveNote[];
}

/** Tests the archive at `archivePath`. Rejects only when it cannot be opened, or with CANCELLED. */
export async function testArchive(archivePath: string, options: TestOptions = {}): Promise<TestResult> {
  const log = (options.log ?? silentLog).child({ module: 'archives', task: 'test' });
  const started = performance.now();
  const source = await openFileSource(archivePath, options.expectedIdentity);
  try {
    const reader = await openZip(source, { log, codePage: options.codePage });
    const result = await testReader(archivePath, reader, options);
    // A clean run is logged at debug: at info, `zipdesk test` would start the file logger (about
    // 60 ms of loading winston) on every run; the job client logs app jobs' boundaries anyway.
    const record = { archive: archivePath, entries: result.entriesTotal, problems: result.problemCount, ms: Math.round(performance.now() - started) };
    if (result.ok) log.debug('tested', record);
    else log.warn('tested: bad entries', record);
    return result;
  } finally {
    await source.close();
  }
}

/** The same over a reader that is already open (the app keeps one per open archive). */
export async function testReader(archive: string, reader: ZipReader, options: TestOptions = {}): Promise<TestResult> {
  if (options.signal?.aborted) throw cancelledError();
  const stop = new RunStop(options.signal, options.cancelFlag);
  try {
    return await testUntilStopped(archive, reader, { ...options, signal: stop.signal }, stop.stopped);
  } finally {
    stop.dispose();
  }
}

/** testReader's run; `stopped` says whether it is cancelled (options.signal, or the flag seen set, which then aborts it). */
async function testUntilStopped(archive: string, reader: ZipReader, options: TestOptions, stopped: () => boolean): Promise<TestResult> {
  const { signal } = options;
  // Two streaming passes over the central directory, so that memory stays bounded however many
  // entries there are: the first gathers totals and overlaps, the second tests batch by batch.
  // (Up to HOLD_ENTRIES entries are kept from the first pass instead.) With more, the first pass
  // also cuts the directory into ranges, and the second goes range by range on both threads,
  // each reading the records of its own ranges (check-ranges.ts, testRanges below).
  //
  // Entries are checked in span batches (archive/extract-files.ts: one read for a run of small
  // neighbours, checked from memory; a large entry alone, a megabyte at a time) on this thread and,
  // when there is enough work, on a helper thread too. Without a span runner (or the synchronous
  // inflate call), large entries stream through zlib's thread pool meanwhile, a few at a time.
  // (The outcomes and reports arrive from the second pass on; `done` and `progress` are declared
  // below.) A large entry's bytes are counted while it is checked; the rest when it settles.
  const runner = openSpanRunner(
    archive,
    reader.source,
    { signal, stopped },
    (batch, outcomes) => {
      const already = progress.settled(batch.id);
      batch.tasks.forEach(({ entry }, i) => {
        const outcome = outcomes[i];
        if (outcome?.code === 'CANCELLED') return;
        done(entry, outcome ? { ...outcome, entry: entry.name, index: entry.index } : undefined, i === 0 ? already : 0);
      });
    },
    (batch, bytes) => progress.partial(batch.id, bytes, batch.tasks[0]!.entry.name),
    reader.codePage,
  );
  // When the archive's own entry count and size say that a helper thread pays, it starts now and
  // boots while the first pass reads the central directory.
  let helper = runner !== undefined && helperPays({ count: reader.info.entryCount, bytesTotal: reader.source.size }) && runner.useHelper();
  let spans: EntrySpans;
  // Large archives are tested by directory ranges (check-ranges.ts), when a runner reads large
  // entries too (entry-data.ts canReadChunks). The helper starts on them while pass 1 goes on;
  // what it finds is heard once pass 1 is over and there is progress to report.
  const byRanges = runner !== undefined && canReadChunks();
  let listener: RangeListener | undefined;
  const checks = byRanges
    ? new RangeChecks(reader, runner, {
        tally: (part, last) => listener!.tally(part, last),
        onBytes: (bytes, entry) => listener!.onBytes(bytes, entry),
        rangeDone: (job) => listener!.rangeDone(job),
        holdingTooMuch: () => listener?.holdingTooMuch?.() ?? false,
        ...(options.problemFlow !== undefined && { behind: () => options.problemFlow!.behind(), caughtUp: () => options.problemFlow!.caughtUp() }),
      })
    : undefined;
  const sentEarly = new Set<number>();
  try {
    spans = await scanSpans(reader, {
      signal,
      hold: HOLD_ENTRIES,
      holdBytes: HOLD_BYTES,
      ...(byRanges && { ranges: { entries: RANGE_ENTRIES, bytes: RANGE_BYTES } }),
      ...(checks !== undefined &&
        helper && {
          onRange: (range: DirectoryRange, refused: readonly number[], ordinal: number, dataEnds: Float64Array) => {
            sentEarly.add(ordinal);
            checks.add({ id: ordinal, range, refused, dataEnds });
          },
        }),
    });
  } catch (error) {
    await runner?.close();
    throw error;
  }
  // (Pass 1 walked the whole directory: its end is known.)
  const notes = await reader.notes();
  const problems: EntryProblem[] = [];
  let problemCount = 0;
  /** A problem, in order: to the caller's onProblem, or kept. */
  const report = (problem: EntryProblem): void => {
    problemCount++;
    if (options.onProblem !== undefined) options.onProblem(problem);
    else problems.push(problem);
  };
  const progress = new ProgressReporter(options.onProgress, spans.bytesTotal, spans.count, options.progressIntervalMs);
  progress.flush();
  let tested = 0;
  /**
   * `already`: bytes of the entry counted while it was checked. A bad entry adds nothing more: its
   * declared size was not all checked (a refused or damaged one was never read, and a damaged
   * record's size may be the 0xFFFFFFFF marker), so only what was counted while it was read stands.
   */
  const done = (entry: EntryFields, problem: EntryProblem | undefined, already = 0): void => {
    if (problem !== undefined) problems.push(problem);
    tested++;
    progress.entriesDone++;
    if (problem === undefined) progress.bytesDone += entry.uncompressedSize - already;
    progress.currentEntry = entry.name;
    progress.tick();
  };
  helper ||= runner !== undefined && helperPays(spans) && runner.useHelper();
  if (checks !== undefined && runner !== undefined && spans.ranges !== undefined) {
    try {
      const rangesTested = await testRanges(checks, spans, sentEarly, progress, report, (sink) => (listener = sink));
      if (signal?.aborted) throw cancelledError();
      return finished(rangesTested);
    } finally {
      await runner.close();
    }
  }
  // Large entries are checked there too, each a batch of its own, when this Node allows it (entry-data.ts).
  const streamLarge = runner !== undefined && canReadChunks();
  const batches: SpanBatch[] = [];
  const batcher = new SpanBatcher(reader.source.size, (batch) => batches.push(batch));
  const concurrency = options.concurrency ?? 4;
  try {
    let previous: Promise<void> = Promise.resolve();
    for await (const batch of spans.held === undefined ? reader.entryBatches() : slices(spans.held, HELD_BATCH)) {
      if (stopped()) break;
      // Read in the order the data lies in the file.
      const order = batch.length > 1 ? [...batch].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset) : batch;
      const large: ZipEntry[] = [];
      for (const entry of order) {
        const overlap = spans.overlapping.get(entry.index);
        if (overlap !== undefined) done(entry, entryProblem(entry, overlap));
        else if (runner !== undefined && (streamLarge || isSmallFile(entry))) batcher.add({ entry: entryFields(entry), dataEnd: spans.dataEnds[entry.index]! });
        else large.push(entry);
      }
      batcher.flush();
      runner?.add(batches.splice(0));
      const streaming = runBounded(large, concurrency, signal, async (entry) => {
        progress.currentEntry = entry.name;
        const problem = await checkEntry(reader, entry, signal, spans.dataEnds[entry.index]!);
        done(entry, problem && entryProblem(entry, problem));
      });
      streaming.catch(() => undefined); // awaited below
      // This thread's share now; a few batches stay queued for the helper while we read the next.
      await runner?.work(helper ? LEFT_FOR_HELPER : 0);
      // The large entries stream on while the next batch's small ones are checked.
      await previous;
      previous = streaming;
    }
    await previous;
    await runner?.finish();
  } finally {
    await runner?.close();
  }
  if (signal?.aborted) throw cancelledError();
  return finished(tested);

  function finished(entriesTested: number): TestResult {
    progress.currentEntry = undefined;
    progress.flush();
    if (!byRanges || spans.ranges === undefined) {
      // Found out of order (a few batches at a time, on two threads); reported now, in order.
      const found = problems.splice(0).sort((a, b) => a.index - b.index);
      for (const problem of found) report(problem);
    }
    return { archive, entriesTotal: spans.count, entriesTested, bytesTested: progress.bytesDone, ok: problemCount === 0, problems, problemCount, notes };
  }
}

/**
 * The second pass by directory ranges, on this thread and the runner's helper (which may have
 * started on the ranges in `sentEarly` during pass 1). Each range's problems are reported, in
 * order, once it and the ranges before it are done: only those of ranges done ahead of an earlier
 * one are held. Returns the entries tested.
 */
async function testRanges(
  checks: RangeChecks,
  spans: EntrySpans,
  sentEarly: ReadonlySet<number>,
  progress: ProgressReporter,
  report: (problem: EntryProblem) => void,
  listen: (listener: RangeListener) => void,
): Promise<number> {
  const ranges = spans.ranges!;
  /** The range an entry's index lies in. */
  const rangeOf = (index: number): number => {
    let low = 0;
    let high = ranges.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (ranges[middle]!.index <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  // Each range's overlapping entries go with it.
  const refusals: number[][] = ranges.map(() => []);
  for (const index of spans.overlapping.indexes()) refusals[rangeOf(index)]!.push(index);
  /** Per range, its problems found so far; and which ranges are done, up to `next`, the first not reported. */
  const found = new Map<number, EntryProblem[]>();
  let holding = 0;
  const rangesDone = new Uint8Array(ranges.length);
  let next = 0;
  const reportDone = (): void => {
    for (; next < ranges.length && rangesDone[next] === 1; next++) {
      const list = found.get(next);
      found.delete(next);
      if (list === undefined) continue;
      holding -= list.length;
      for (const problem of list.sort((a, b) => a.index - b.index)) report(problem);
    }
  };
  const hold = (problem: EntryProblem): void => {
    const range = rangeOf(problem.index);
    const list = found.get(range);
    if (list === undefined) found.set(range, [problem]);
    else list.push(problem);
    holding++;
  };
  let tested = 0;
  listen({
    holdingTooMuch: () => holding >= MAX_HELD_PROBLEMS,
    rangeDone: (job) => {
      rangesDone[rangeOf(job.range.index)] = 1;
      reportDone();
    },
    tally: (part, lastEntry) => {
      tested += part.entries;
      for (const problem of part.problems) hold(problem);
      // Refused entries come back by name: the reason is this thread's (the helper never had it).
      for (const { index, entry } of part.refused) {
        const reason = spans.overlapping.get(index)!;
        hold({ entry, index, code: reason.code, message: reason.message });
      }
      progress.entriesDone += part.entries;
      progress.bytesDone += part.bytes;
      if (lastEntry !== undefined) progress.currentEntry = lastEntry;
      progress.tick();
    },
    onBytes: (bytes, entry) => {
      progress.bytesDone += bytes;
      if (entry !== undefined) progress.currentEntry = entry;
      progress.tick();
    },
  });
  const job = (id: number, ordinal = id): RangeJob => {
    const range = ranges[ordinal]!;
    return { id, range, refused: refusals[ordinal]!, dataEnds: spans.dataEnds.slice(range.index, range.index + range.count) };
  };
  if (spans.inOrder) {
    // The refusals and data ends the early ranges went with were the final ones.
    for (let id = 0; id < ranges.length; id++) if (!sentEarly.has(id)) checks.add(job(id));
    checks.settle(true);
  } else {
    checks.settle(false, ranges.map((_, ordinal) => job(ordinal + ranges.length, ordinal)));
  }
  await checks.run();
  // Every range is done unless the test was cancelled; what any range found is reported anyway.
  rangesDone.fill(1);
  reportDone();
  return tested;
}

/** Archives with at most this many entries are tested from one pass over the central directory (about 5 MB of entries; more would cost peak memory). */
const HOLD_ENTRIES = 16_384;
/** …and only while they take up about this much (entry-check.ts heldBytes): ordinary ones some 300 bytes each. */
const HOLD_BYTES = 16 * 1024 * 1024;
const HELD_BATCH = 4096;

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function checkEntry(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined, dataEnd: number): Promise<ZipError | undefined> {
  try {
    await copyEntryData(reader, entry, signal, dataEnd);
    return undefined;
  } catch (error) {
    if (isZipError(error)) return error;
    throw error;
  }
}
